/*
 * cmd_minimize.c — `wtlab minimize TRACE -o OUT`: a smaller run that fails
 * the same invariant.
 *
 * This file reads the trace (loaded_trace.h), hands its scenario, decisions,
 * seed and failed invariant to the lab's minimizer (minimize.h), writes
 * the result as a normal trace (the smaller scenario embedded, so
 * `wtlab replay` reproduces it) and prints the sizes before and after.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "minimize.h"
#include "loaded_trace.h"

static void minimize_usage(FILE *out)
{
    fputs("usage: wtlab minimize TRACE -o OUT [--budget N]\n"
          "Shrinks a failing trace (fewer writers, batches, ops; fewer decisions and\n"
          "preemptions) while it still fails the same invariant (or, for a run whose\n"
          "invariants held, the same kind of expectation), and writes the result as a\n"
          "trace OUT that `wtlab replay` reproduces.  Preemptions are shrunk as a set\n"
          "(delta debugging): several that only together make the failure stay\n"
          "together.  It then lists each preemption left and what the run does without\n"
          "it.  --budget caps the runs tried (default 20000).\n"
          "exit status: 0 written, 1 could not reproduce, 2 bad input\n", out);
}

static int parse_minimize_args(int argc, char **argv, const char **out, uint64_t *budget)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"budget", required_argument, 0, 'b'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "o:b:h", opts, NULL)) != -1) {
        if (o == 'o') *out = optarg;
        else if (o == 'b' && cli_parse_u64(optarg, budget)) continue;
        else if (o == 'h') { minimize_usage(stdout); return -1; }
        else if (o == 'b') return cli_usage_error("minimize: --budget wants a number of runs, not '%s'", optarg);
        else return cli_usage_error("minimize: unknown option (see wtlab minimize --help)");
    }
    if (optind == argc)
        return cli_usage_error("minimize: which trace? (wtlab minimize TRACE -o OUT)");
    if (optind < argc - 1)
        return cli_usage_error("minimize: one trace at a time, got %d (%s, %s%s); pick one, "
                               "e.g. the first: wtlab minimize %s -o OUT",
                               argc - optind, argv[optind], argv[optind + 1],
                               argc - optind > 2 ? ", ..." : "", argv[optind]);
    if (*out == NULL)
        return cli_usage_error("minimize: where to write the result? add -o OUT.jsonl");
    return EXIT_OK;
}

/* Writes the result as a trace at out; *r is the run that wrote it. */
static int write_result(const minimize_result *m, const char *out, run_result *r)
{
    FILE *f = cli_make_parent_dirs(out) ? fopen(out, "w") : NULL;
    if (f == NULL) return cli_usage_error("cannot write %s", out);
    bool ran;
    if (m->crashed) { /* the run crashes: in a child, which writes the file */
        fclose(f);
        ran = minimize_replay_to_file(m, out, r);
    } else {
        trace_sink *sink = trace_sink_file(f);
        ran = minimize_replay(m, out, sink, r);
        trace_sink_free(sink);
        fclose(f);
    }
    return ran ? EXIT_OK : cli_usage_error("cannot write %s", out);
}

static void print_sizes(const char *label, minimize_sizes z, size_t lines)
{
    printf("  %-7s %3zu writers, %4zu batches, %5zu ops, %6zu decisions, %4llu preemptions, "
           "%7llu steps, %6zu trace lines\n", label, z.writers, z.batches, z.ops, z.decisions,
           (unsigned long long)z.preemptions, (unsigned long long)z.steps, lines);
}

/* Writes and reports a minimized run; exit 1 if it no longer fails target. */
static int report(const minimize_result *m, const loaded_trace *t, const char *trace_path,
                  const char *out)
{
    run_result r;
    int rc = write_result(m, out, &r);
    if (rc != EXIT_OK) return rc;
    const char *target = t->summary_invariant ? t->summary_invariant : MINIMIZE_EXPECTATIONS;
    bool same = m->crashed ? r.failed_invariant && strcmp(r.failed_invariant, target) == 0 &&
                                 (t->doc.summary.detail == NULL ||
                                  strcmp(r.detail, t->doc.summary.detail) == 0)
                           : minimize_same_failure(&r, target, t->doc.summary.expectations);
    printf("minimize %s (%s): %llu runs tried\n", trace_path, target,
           (unsigned long long)m->attempts);
    print_sizes("before", m->before, t->file.count);
    trace_doc written;
    char err[TRACE_READER_ERR_MAX];
    size_t lines = trace_doc_load(out, &written, err, sizeof err) ? written.line_count : 0;
    if (lines) trace_doc_free(&written);
    print_sizes("after", m->after, lines);
    if (r.failed_invariant == NULL && r.expectations[0] != '\0')
        printf("  wrote %s: its invariants hold, its expectations fail: %s", out, r.expectations);
    else
        printf("  wrote %s: it fails %s at step %llu: %s\n", out,
               r.failed_invariant ? r.failed_invariant : "nothing",
               (unsigned long long)r.violation_step, r.detail);
    run_result_free(&r);
    if (!m->crashed && m->violation_before)
        printf("  the failure comes at step %llu (it came at %llu)\n",
               (unsigned long long)m->violation_after, (unsigned long long)m->violation_before);
    if (m->needed_count > 0) printf("  preemptions left, each tried away:\n");
    for (size_t i = 0; i < m->needed_count; i++)
        printf("    step %6llu  %s -> %s: without it %s\n", (unsigned long long)m->needed[i].step,
               m->needed[i].from, m->needed[i].to, m->needed[i].without);
    return same ? EXIT_OK : EXIT_CHECK_FAILED;
}

int cmd_minimize(int argc, char **argv)
{
    const char *out = NULL;
    uint64_t budget = MINIMIZE_DEFAULT_BUDGET;
    int rc = parse_minimize_args(argc, argv, &out, &budget);
    if (rc != EXIT_OK) return rc < 0 ? EXIT_OK : rc;
    const char *trace_path = argv[optind];
    loaded_trace t;
    if (!loaded_trace_open(trace_path, &t)) return EXIT_USAGE;
    const char *expected = t.doc.summary.expectations;
    bool expectations_only = t.summary_invariant == NULL && expected != NULL &&
                             strcmp(expected, "ok") != 0;
    if (t.summary_invariant == NULL && !expectations_only) {
        loaded_trace_free(&t);
        return cli_usage_error("%s does not fail (its summary says every invariant and expectation "
                               "held): nothing to minimize", trace_path);
    }
    minimize_input in = {.scenario_text = t.header.scenario,
                         .picks = t.picks, .pick_count = t.pick_count,
                         .target = expectations_only ? MINIMIZE_EXPECTATIONS : t.summary_invariant,
                         .target_detail = expectations_only ? expected : t.doc.summary.detail,
                         .seed = t.header.seed,
                         .max_steps = t.header.max_steps, .budget = budget};
    minimize_result m;
    switch (minimize_run(&in, &m)) {
    case MINIMIZE_OK: rc = report(&m, &t, trace_path, out); break;
    case MINIMIZE_NOT_REPRODUCED:
        printf("minimize: the trace does not reproduce %s with this build\n", in.target);
        rc = EXIT_CHECK_FAILED;
        break;
    case MINIMIZE_BAD_INPUT:
        rc = cli_usage_error("%s: the embedded scenario is not a JSON object", trace_path);
        break;
    }
    minimize_result_free(&m);
    loaded_trace_free(&t);
    return rc;
}
