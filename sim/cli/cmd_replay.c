/*
 * cmd_replay.c — `wtlab replay TRACE`: re-execute a recorded run with its
 * decisions, check that every line comes out the same, and show it.
 *
 * The trace is self-contained: the scenario, seed, policy and bounds come
 * from its header, the decisions from its "pick" lines.  The first line
 * that differs is reported with both versions.  --text prints the run as
 * an aligned timeline; --until, --writer filter it; --at prints the full
 * state (fibers, queues with their links, groups, sequences, WAL offset)
 * at one step, from the re-execution.
 *
 * A real trace (recorded by the pthreads build) cannot be re-executed: it
 * is shown as a timeline, and --at rebuilds the state from its events.
 * A trace whose run crashed (summary outcome "crashed") is re-executed in
 * a child process, so the crash it reproduces is reported, not suffered.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "loaded_trace.h"
#include "supervise.h"
#include "timeline.h"
#include "trace_reader.h"
#include "trace_state.h"

static void replay_usage(FILE *out)
{
    fputs("usage: wtlab replay TRACE [--text] [--picks] [--until STEP] [--writer NAME] [--at STEP]\n"
          "Re-executes the trace's scenario with its recorded decisions and checks that\n"
          "every event matches; reports the first divergence (both lines, the step).\n"
          "  --text         print the run as a fixed-width timeline (one line per event)\n"
          "  --picks        include scheduling decisions in the timeline\n"
          "  --until STEP   stop the timeline after STEP\n"
          "  --writer NAME  only events involving that writer\n"
          "  --at STEP      print the full state at STEP (writers, queues, groups, WAL)\n"
          "A real trace (wtdb/wtbench --trace) is shown, not re-executed: as a timeline,\n"
          "or with --at as the state its events imply.\n"
          "Where a fix parts from a failure: replay the failing trace with the fixed build\n"
          "(e.g. build/sim/cli/wtlab replay race.jsonl after recording it with\n"
          "wtlab-bug-NAME): the first line that differs is where the fixed code behaves\n"
          "otherwise, shown recorded and replayed.  `wtlab explain TRACE` tells the failure.\n"
          "exit status: 0 the replay matched and the run passed (a real trace: it was\n"
          "read), 1 it diverged, or it matched and the run it reproduces fails (an\n"
          "invariant or expectation), 2 bad input\n", out);
}

typedef struct replay_opts {
    bool text, picks;
    uint64_t until, at;
    const char *writer;
    const char *path;
} replay_opts;

static int parse_replay(int argc, char **argv, replay_opts *o)
{
    static const struct option opts[] = {
        {"text", no_argument, 0, 't'}, {"picks", no_argument, 0, 'p'},
        {"until", required_argument, 0, 'u'}, {"writer", required_argument, 0, 'w'},
        {"at", required_argument, 0, 'a'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "tpu:w:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 't': o->text = true; break;
        case 'p': o->picks = true; break;
        case 'w': o->writer = optarg; break;
        case 'u':
            if (!cli_parse_u64(optarg, &o->until) || o->until == 0)
                return cli_usage_error("bad --until '%s' (a step number >= 1)", optarg);
            break;
        case 'a':
            if (!cli_parse_u64(optarg, &o->at) || o->at == 0)
                return cli_usage_error("bad --at '%s' (a step number >= 1)", optarg);
            break;
        case 'h': replay_usage(stdout); return -1;
        default: return cli_usage_error("replay: unknown option (see wtlab replay --help)");
        }
    }
    if (optind == argc) return cli_usage_error("replay: which trace? (wtlab replay TRACE)");
    if (optind < argc - 1)
        return cli_usage_error("replay: one trace at a time, got %d", argc - optind);
    o->path = argv[optind];
    return EXIT_OK;
}

/* Whether any event of d involves writer w. */
static bool trace_has_writer(const trace_doc *d, const char *w)
{
    for (size_t i = 0; i < d->event_count; i++)
        if (d->events[i].kind != TRACE_PICK && timeline_involves(&d->events[i], w)) return true;
    return false;
}

static int unknown_writer(const char *path, const char *w)
{
    return cli_usage_error("replay: no event of %s involves a writer named '%s' (writers are "
                           "named as in the scenario: w1, w2, ...; `wtlab replay --text %s` "
                           "shows them)", path, w, path);
}

/* Should the timeline show e? */
static bool shown(const trace_event *e, const replay_opts *o)
{
    if (e->kind == TRACE_PICK && !o->picks) return false;
    return o->writer == NULL || timeline_involves(e, o->writer);
}

static void print_timeline(const loaded_trace *t, const replay_opts *o)
{
    char buf[2048];
    timeline_heading(stdout);
    for (size_t i = 0; i < t->doc.event_count; i++) {
        const trace_event *e = &t->doc.events[i];
        if (o->until && e->step > o->until) break;
        if (!shown(e, o)) continue;
        timeline_format(e, buf, sizeof buf);
        puts(buf);
    }
}

/* A real trace: its timeline, or the state at --at, from its events. */
static int show_real(trace_reader *r, const replay_opts *o)
{
    const trace_header *h = trace_reader_header(r);
    printf("%s: a real trace recorded by `%s`; it cannot be re-executed, so it is shown%s\n",
           o->path, h->program, o->at ? " as the state its events imply" : " as a timeline");
    trace_state st;
    trace_state_init(&st);
    char buf[2048];
    if (!o->at) timeline_heading(stdout);
    trace_event e;
    trace_item item;
    bool seen_writer = false;
    while ((item = trace_reader_next(r, &e)) == TRACE_ITEM_EVENT) {
        if (o->at && e.step > o->at) break;
        if (o->until && e.step > o->until) break;
        trace_state_apply(&st, &e);
        seen_writer = seen_writer || (o->writer && e.kind != TRACE_PICK && timeline_involves(&e, o->writer));
        if (o->at || !shown(&e, o)) continue;
        timeline_format(&e, buf, sizeof buf);
        puts(buf);
    }
    if (item == TRACE_ITEM_ERROR) {
        fprintf(stderr, "wtlab: %s\n", trace_reader_error(r));
        return EXIT_USAGE;
    }
    if (o->writer && !seen_writer) return unknown_writer(o->path, o->writer);
    if (o->at) trace_state_print(&st, stdout);
    return EXIT_OK;
}

/* Opens the trace once to see whether it is real; returns -1 for a sim
 * trace, else the exit status of showing the real one. */
static int try_real(const replay_opts *o)
{
    char err[TRACE_READER_ERR_MAX];
    trace_reader *r = trace_reader_open(o->path, err, sizeof err);
    if (r == NULL) {
        fprintf(stderr, "wtlab: %s\n", err);
        return EXIT_USAGE;
    }
    int rc = -1;
    if (trace_reader_file_kind(r) != TRACE_FILE_TRACE)
        rc = cli_usage_error("%s: an exploration summary, not a trace", o->path);
    else if (trace_reader_is_real(r))
        rc = show_real(r, o);
    trace_reader_close(r);
    return rc;
}

/* Prints where the produced lines first differ from the recorded ones
 * (line `at` counted from the first event line) and the decisions that
 * could not be followed. */
static void print_divergence(const loaded_trace *t, const replay_opts *o, const run_result *r,
                             size_t at, const char *produced)
{
    size_t line = at + 2;
    printf("replay DIVERGED at line %zu of %s\n  recorded: %s\n  replayed: %s\n", line, o->path,
           line - 1 < t->file.count ? t->file.lines[line - 1] : "(end of trace)",
           produced ? produced : "(the replay ended here)");
    if (r->divergences)
        printf("  %zu recorded decision(s) could not be followed (first at step %llu)\n",
               r->divergences, (unsigned long long)r->first_divergence_step);
}

/* An event line from its "fiber" on (step and virtual time shift with any
 * change before them); false for pick lines, which are left out. */
static bool event_key(const char *line, char *out, size_t cap)
{
    if (strstr(line, "\"ev\":\"pick\"") != NULL) return false;
    const char *f = strstr(line, "\"fiber\":");
    snprintf(out, cap, "%s", f ? f : line);
    return true;
}

/* After a divergence: the first event (decisions and time aside) that
 * differs, which is where the code behaves otherwise, not where the
 * schedule or the clock first shifted. */
static void print_event_divergence(const loaded_trace *t, const run_config *base)
{
    run_config cfg = *base;
    cfg.trace = trace_sink_memory();
    cfg.trace_no_header = true;
    cfg.dump_at_step = 0;
    cfg.dump_out = NULL;
    run_result r;
    run_scenario(&cfg, &r);
    size_t a = 1, b = 0, na = t->file.count, nb = trace_sink_lines(cfg.trace);
    static char ka[1 << 16], kb[1 << 16];
    for (;;) {
        while (a < na && !event_key(t->file.lines[a], ka, sizeof ka)) a++;
        while (b < nb && !event_key(trace_sink_line(cfg.trace, b), kb, sizeof kb)) b++;
        if (a >= na || b >= nb) break;
        if (strcmp(ka, kb) != 0) {
            printf("  the first event that differs (decisions, steps and time aside), line %zu:\n"
                   "    recorded: %s\n    replayed: %s\n", a + 1, t->file.lines[a],
                   trace_sink_line(cfg.trace, b));
            break;
        }
        a++;
        b++;
    }
    if ((a >= na) != (b >= nb))
        printf("  the events agree until the %s ends (line %zu)\n",
               a >= na ? "recorded trace" : "replay", a + 1);
    run_result_free(&r);
    trace_sink_free(cfg.trace);
}

/* Re-executes and compares; returns true when every line matched. */
static bool verify(const loaded_trace *t, const replay_opts *o, run_result *r, FILE *dump)
{
    run_config cfg;
    loaded_trace_config(t, &cfg);
    cfg.trace = trace_sink_compare(t->file.lines + 1, t->file.count - 1);
    cfg.trace_no_header = true;
    cfg.dump_at_step = o->at;
    cfg.dump_out = dump;
    run_scenario(&cfg, r);
    const char *produced;
    size_t at = trace_sink_first_mismatch(cfg.trace, &produced);
    bool matched = trace_sink_matched(cfg.trace);
    if (!matched) print_divergence(t, o, r, at, produced);
    trace_sink_free(cfg.trace);
    if (!matched) print_event_divergence(t, &cfg);
    return matched;
}

/* A trace of a run that crashed: the re-execution would crash too, so it
 * runs in a child (supervise.h) whose trace, completed the same way when
 * it dies, is compared line by line after the header. */
static bool verify_crashed(const loaded_trace *t, const replay_opts *o, run_result *r, FILE *dump)
{
    run_config cfg;
    loaded_trace_config(t, &cfg);
    cfg.dump_at_step = o->at;
    cfg.dump_out = dump;
    char path[4096];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/wtlab-replay-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) return cli_usage_error("cannot create a temporary file"), false;
    close(fd);
    supervise_verdict v;
    trace_doc doc;
    char err[TRACE_READER_ERR_MAX];
    bool ran = supervise_run_scenario(&cfg, path, true, r, &v) &&
               trace_doc_load(path, &doc, err, sizeof err);
    unlink(path);
    if (!ran) {
        printf("replay DIVERGED: the re-execution left no readable trace\n");
        return false;
    }
    size_t n = doc.line_count < t->file.count ? doc.line_count : t->file.count, at = 1;
    while (at < n && strcmp(doc.lines[at], t->file.lines[at]) == 0) at++;
    bool matched = at == n && doc.line_count == t->file.count;
    if (!matched) print_divergence(t, o, r, at - 1, at < doc.line_count ? doc.lines[at] : NULL);
    trace_doc_free(&doc);
    return matched;
}

/* The whole of a file (a dump written by a child). */
static char *slurp(FILE *f, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    char buf[4096];
    size_t n;
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, out);
    fclose(out);
    return text;
}

int cmd_replay(int argc, char **argv)
{
    replay_opts o;
    int rc = parse_replay(argc, argv, &o);
    if (rc != EXIT_OK) return rc < 0 ? EXIT_OK : rc;
    rc = try_real(&o);
    if (rc >= 0) return rc;
    loaded_trace t;
    if (!loaded_trace_open(o.path, &t)) return EXIT_USAGE;
    if (t.header.build && strcmp(t.header.build, run_build_id()) != 0)
        fprintf(stderr, "wtlab: note: %s was recorded by build '%s'; this is '%s' "
                        "(a different build may diverge)\n", o.path, t.header.build, run_build_id());
    if (o.writer && !trace_has_writer(&t.doc, o.writer)) {
        loaded_trace_free(&t);
        return unknown_writer(o.path, o.writer);
    }
    run_result r;
    char *dump_text = NULL;
    size_t dump_len = 0;
    bool crashed = t.summary_outcome && strcmp(t.summary_outcome, SUPERVISE_CRASHED) == 0;
    FILE *dump = crashed ? tmpfile() : open_memstream(&dump_text, &dump_len);
    if (dump == NULL) {
        loaded_trace_free(&t);
        return cli_usage_error("cannot create a temporary file");
    }
    if (crashed) setvbuf(dump, NULL, _IONBF, 0); /* a child writes it and may die */
    bool matched = crashed ? verify_crashed(&t, &o, &r, dump) : verify(&t, &o, &r, dump);
    if (crashed) dump_text = slurp(dump, &dump_len);
    fclose(dump);
    if (o.text) print_timeline(&t, &o);
    if (o.at) {
        if (dump_len == 0) printf("step %llu was never reached\n", (unsigned long long)o.at);
        fputs(dump_text, stdout);
    }
    free(dump_text);
    if (matched) {
        printf("replay matched: %zu lines, %zu decisions; the run ended: %s", t.file.count,
               t.pick_count, crashed ? SUPERVISE_CRASHED : sched_outcome_name(r.outcome));
        if (r.failed_invariant)
            printf(", failing %s at step %llu: %s", r.failed_invariant,
                   (unsigned long long)r.violation_step, r.detail);
        putchar('\n');
    }
    bool fails = matched && !r.passed;
    if (fails)
        printf("(exit 1: the run it reproduces fails%s)\n",
               r.failed_invariant ? "" : " its expectations");
    run_result_free(&r);
    loaded_trace_free(&t);
    return matched && !fails ? EXIT_OK : EXIT_CHECK_FAILED;
}
