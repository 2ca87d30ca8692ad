/*
 * supervise.c — runs in child processes, and the traces of runs that died
 * (supervise.h).
 *
 * A child writes its trace through a sink that flushes every line, so when
 * it dies the file holds every line up to its last event (at most the
 * line being written is torn; it is dropped).  The parent then appends
 * what run.c would have written at the end: a violation event and a
 * summary, both through the format's encoder, counted from the events
 * through the format's reader -- no other code writes or parses a line.
 *
 * Where it died: the child's handler of fatal signals (or a sanitizer's
 * death callback) writes the scheduler's step, time and running fiber to
 * the report file before the child dies, so the violation names the step
 * and fiber that crashed, not only the last event before.
 *
 * Sanitizer reports: sanitizer runtimes export __sanitizer_set_report_fd;
 * it is declared weak here, so in a normal build it is NULL and nothing
 * happens.  In an ASan build the child's report goes to a file the parent
 * reads; the verdict keeps the report's kind ("AddressSanitizer:
 * heap-use-after-free") and drops its addresses, which differ per run.
 */
#define _GNU_SOURCE
#include "supervise.h"

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace_reader.h"
#include "writer_state.h"

/* The sanitizer runtimes' interface (sanitizer/common_interface_defs.h). */
extern void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char CRASH_EXPECTATIONS[] = "not checked: the run crashed";

/* ------------------------------------------------------------- verdicts */

const char *supervise_signal_name(int sig, char *buf, size_t cap)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {{SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGABRT, "SIGABRT"},
                 {SIGFPE, "SIGFPE"},   {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"},
                 {SIGSYS, "SIGSYS"},   {SIGKILL, "SIGKILL"}, {SIGTERM, "SIGTERM"},
                 {SIGINT, "SIGINT"},   {SIGPIPE, "SIGPIPE"}, {SIGXCPU, "SIGXCPU"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) return names[i].name;
    snprintf(buf, cap, "signal %d", sig);
    return buf;
}

FILE *supervise_report_file(void) { return tmpfile(); }

/* ------------------------------------------------- the child's last words */

enum { CRASH_ALT_STACK_BYTES = 64 * 1024, CRASH_LINE_MAX = 256 };

static const char POSITION_TAG[] = "wtlab-crash-position ";
static int position_fd = -1;

static size_t put_text(char *buf, size_t at, const char *text)
{
    while (*text != '\0' && at < CRASH_LINE_MAX - 1) buf[at++] = *text++;
    return at;
}

static size_t put_number(char *buf, size_t at, uint64_t v)
{
    char digits[24];
    size_t n = 0;
    do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (n > 0 && at < CRASH_LINE_MAX - 1) buf[at++] = digits[--n];
    return at;
}

/* "wtlab-crash-position step=S t=T fiber=F" to the report file (plain
 * writes: only what a signal handler may do), from the fatal-signal
 * handler (on its own stack, then the signal's default action) or a
 * sanitizer's death callback.  The scheduler's state is read as it is; a
 * run that corrupted it may have no position. */
static void write_position(void)
{
    sched *s = sched_current();
    if (s != NULL && position_fd >= 0) {
        char line[CRASH_LINE_MAX];
        const sched_fiber *f = sched_self(s);
        size_t n = put_text(line, 0, POSITION_TAG);
        n = put_number(line, put_text(line, n, "step="), sched_steps(s));
        n = put_number(line, put_text(line, n, " t="), sched_now_ns(s));
        n = put_text(line, put_text(line, n, " fiber="), f != NULL ? f->name : "-");
        line[n++] = '\n';
        ssize_t w = write(position_fd, line, n);
        (void)w;
    }
}

static void on_fatal_signal(int sig)
{
    write_position();
    raise(sig); /* SA_RESETHAND: the default action now */
}

/* Handles the fatal signals that nothing (a sanitizer) handles yet. */
static void install_position_handlers(void)
{
    static char alt_stack[CRASH_ALT_STACK_BYTES]; /* a fiber's stack may be what failed */
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) return;
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction old;
        if (sigaction(fatal[i], NULL, &old) != 0) continue;
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal[i], &sa, NULL);
    }
}

void supervise_child_begin(FILE *report)
{
    if (report == NULL) return;
    if (__sanitizer_set_report_fd != NULL)
        __sanitizer_set_report_fd((void *)(intptr_t)fileno(report));
    position_fd = fileno(report);
    install_position_handlers();
    if (__sanitizer_set_death_callback != NULL) /* a sanitizer that reports and exits */
        __sanitizer_set_death_callback(write_position);
}

/* Reads a position line into v; false if line is none. */
static bool read_position(const char *line, supervise_verdict *v)
{
    if (strncmp(line, POSITION_TAG, strlen(POSITION_TAG)) != 0) return false;
    unsigned long long step, t;
    int at = 0;
    if (sscanf(line + strlen(POSITION_TAG), "step=%llu t=%llu fiber=%n", &step, &t, &at) < 2 || at == 0)
        return true;
    const char *name = line + strlen(POSITION_TAG) + at;
    snprintf(v->fiber, sizeof v->fiber, "%.*s", (int)strcspn(name, "\r\n"), name);
    v->step = step;
    v->t_ns = t;
    v->where_known = true;
    return true;
}

/* The "XSanitizer: KIND" of a report line "... ERROR: XSanitizer: KIND on
 * address 0x..." (or "SUMMARY: XSanitizer: KIND file:line ...", which
 * UBSan writes without an ERROR line) after `tag`; false if none. */
static bool kind_after(const char *line, const char *tag, char *kind, size_t cap)
{
    const char *at = strstr(line, tag);
    const char *san = at ? strstr(at, "Sanitizer: ") : NULL;
    if (san == NULL) return false;
    at += strlen(tag);
    const char *end = san + strlen("Sanitizer: ");
    end += strcspn(end, " \t\r\n");
    snprintf(kind, cap, "%.*s", (int)(end - at), at);
    return true;
}

/* "AddressSanitizer: heap-use-after-free" from a sanitizer report: its
 * first ERROR line, else its first SUMMARY line; "" if none. */
static void report_kind(FILE *report, bool relay, char *kind, size_t cap, supervise_verdict *v)
{
    kind[0] = '\0';
    if (report == NULL || fseek(report, 0, SEEK_SET) != 0) return;
    char summary[SUPERVISE_VERDICT_MAX] = "";
    char *line = NULL;
    size_t line_cap = 0;
    while (getline(&line, &line_cap, report) >= 0) {
        if (read_position(line, v)) continue;
        if (relay) fputs(line, stderr);
        if (kind[0] == '\0') kind_after(line, "ERROR: ", kind, cap);
        if (summary[0] == '\0') kind_after(line, "SUMMARY: ", summary, sizeof summary);
    }
    free(line);
    if (kind[0] == '\0') snprintf(kind, cap, "%s", summary);
}

void supervise_judge(int wait_status, bool finished, FILE *report, bool relay,
                     supervise_verdict *out)
{
    memset(out, 0, sizeof *out);
    char kind[SUPERVISE_VERDICT_MAX];
    report_kind(report, relay, kind, sizeof kind, out);
    out->died = !finished;
    if (finished) {
        out->where_known = false;
        return;
    }
    char buf[32];
    if (WIFSIGNALED(wait_status)) {
        out->signal = WTERMSIG(wait_status);
        const char *name = supervise_signal_name(out->signal, buf, sizeof buf);
        snprintf(out->detail, sizeof out->detail, "%s%s%s", name, kind[0] ? ": " : "", kind);
    } else if (kind[0] != '\0') {
        snprintf(out->detail, sizeof out->detail, "%s", kind);
    } else if (WIFEXITED(wait_status)) {
        snprintf(out->detail, sizeof out->detail, "exited with status %d before finishing",
                 WEXITSTATUS(wait_status));
    } else {
        snprintf(out->detail, sizeof out->detail, "ended abnormally");
    }
}

/* ------------------------------------------------------ completing traces */

/* Cuts path after its last complete line. */
static bool drop_torn_line(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return false;
    long good = 0, pos = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        pos++;
        if (c == '\n') good = pos;
    }
    fclose(f);
    return good == pos || truncate(path, good) == 0;
}

/* What the summary of a run counts, from its events. */
typedef struct crash_tally {
    uint64_t steps, t_ns, decisions, preemptions, groups, max_group, wal_syncs;
    uint32_t visited; /* bit i: wt_state_table[i].to seen */
} crash_tally;

static bool names_contain(const trace_names *n, const char *name)
{
    for (uint32_t i = 0; i < n->count; i++)
        if (strcmp(n->names[i], name) == 0) return true;
    return false;
}

static void tally_event(crash_tally *t, const trace_event *e)
{
    t->steps = e->step;
    t->t_ns = e->t_ns;
    switch (e->kind) {
    case TRACE_PICK:
        t->decisions++;
        if (strcmp(e->pick, e->fiber) != 0 && names_contain(&e->of, e->fiber)) t->preemptions++;
        break;
    case TRACE_GROUP:
        if (e->first_seq == 0) break; /* run.c counts numbered groups */
        t->groups++;
        if (e->members.count > t->max_group) t->max_group = e->members.count;
        break;
    case TRACE_WAL_SYNC_END: t->wal_syncs++; break;
    case TRACE_STATE:
        for (int i = 0; i < WT_STATE_COUNT; i++)
            if (strcmp(wt_state_table[i].name, e->to) == 0) t->visited |= 1u << i;
        break;
    default: break;
    }
}

/* Reads the events of the trace at path into t; false if it is not a
 * readable sim trace without a summary. */
static bool tally_trace(const char *path, crash_tally *t, char *err, size_t err_cap)
{
    memset(t, 0, sizeof *t);
    trace_reader *r = trace_reader_open(path, err, err_cap);
    if (r == NULL) return false;
    bool ok = trace_reader_file_kind(r) == TRACE_FILE_TRACE && !trace_reader_is_real(r);
    if (!ok) snprintf(err, err_cap, "%s: not a sim trace", path);
    trace_event e;
    trace_item item = TRACE_ITEM_END;
    while (ok && (item = trace_reader_next(r, &e)) == TRACE_ITEM_EVENT) tally_event(t, &e);
    if (ok && item == TRACE_ITEM_SUMMARY) snprintf(err, err_cap, "%s: already has a summary", path);
    if (ok && item == TRACE_ITEM_ERROR) snprintf(err, err_cap, "%s", trace_reader_error(r));
    ok = ok && item == TRACE_ITEM_END;
    trace_reader_close(r);
    return ok;
}

bool supervise_complete_trace(const char *path, const supervise_verdict *verdict, char *err,
                              size_t err_cap)
{
    const char *detail = verdict->detail;
    crash_tally t;
    if (!drop_torn_line(path)) {
        snprintf(err, err_cap, "%s: cannot read: %s", path, strerror(errno));
        return false;
    }
    if (!tally_trace(path, &t, err, err_cap)) return false;
    const char *visited[WT_STATE_COUNT];
    uint32_t nvisited = 0;
    for (int i = 0; i < WT_STATE_COUNT; i++)
        if (t.visited & (1u << i)) visited[nvisited++] = wt_state_table[i].name;
    trace_text text;
    trace_text_init(&text);
    FILE *f = fopen(path, "a");
    bool ok = f != NULL;
    /* Where the signal struck, if the child could say; else after the
     * last event, by no known fiber ("-", as run.c's judge writes for
     * failures that are not an oracle's). */
    const char *fiber = "-";
    if (verdict->where_known && verdict->step >= t.steps) {
        t.steps = verdict->step;
        t.t_ns = verdict->t_ns;
        fiber = verdict->fiber;
    }
    trace_event v = {.kind = TRACE_VIOLATION, .step = t.steps, .t_ns = t.t_ns, .fiber = fiber,
                     .invariant = SUPERVISE_CRASHED, .detail = detail};
    trace_encode_event(&text, &v);
    ok = ok && fprintf(f, "%s\n", text.buf) > 0;
    trace_summary sum = {.outcome = SUPERVISE_CRASHED, .passed = false, .steps = t.steps,
                         .t_ns = t.t_ns, .decisions = t.decisions, .preemptions = t.preemptions,
                         .groups = t.groups, .max_group = t.max_group, .wal_syncs = t.wal_syncs,
                         .states_visited = {visited, nvisited}, .invariants = SUPERVISE_CRASHED,
                         .detail = detail, .expectations = CRASH_EXPECTATIONS};
    trace_encode_summary(&text, &sum, TRACE_SOURCE_SIM);
    ok = ok && fprintf(f, "%s\n", text.buf) > 0;
    if (f != NULL && fclose(f) != 0) ok = false;
    trace_text_free(&text);
    if (!ok) snprintf(err, err_cap, "%s: cannot append: %s", path, strerror(errno));
    return ok;
}

/* ------------------------------------------------- a run's result, read back */

typedef struct fiber_ids {
    char (*names)[SCHED_NAME_MAX];
    size_t count, cap;
} fiber_ids;

static uint32_t fiber_id(fiber_ids *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->names[i], name) == 0) return (uint32_t)i;
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->names = realloc(f->names, f->cap * sizeof *f->names);
        assert(f->names != NULL);
    }
    snprintf(f->names[f->count], SCHED_NAME_MAX, "%s", name);
    return (uint32_t)f->count++;
}

static sched_outcome outcome_named(const char *name)
{
    static const sched_outcome all[] = {SCHED_COMPLETED, SCHED_DEADLOCK, SCHED_STEP_LIMIT,
                                        SCHED_ASSERTION};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(sched_outcome_name(all[i]), name) == 0) return all[i];
    return SCHED_ABORTED; /* aborted, crashed */
}

static void summary_to_result(const trace_summary *s, run_result *r)
{
    static char invariant[64]; /* run_result.failed_invariant points to a constant */
    r->outcome = outcome_named(s->outcome);
    r->passed = s->passed;
    r->steps = s->steps;
    r->virtual_ns = s->t_ns;
    r->decisions = s->decisions;
    r->preemptions = s->preemptions;
    r->groups = s->groups;
    r->max_group = s->max_group;
    r->wal_syncs = s->wal_syncs;
    if (strcmp(s->invariants, "ok") != 0) {
        snprintf(invariant, sizeof invariant, "%s", s->invariants);
        r->failed_invariant = invariant;
        snprintf(r->detail, sizeof r->detail, "%s", s->detail ? s->detail : "");
    }
    r->expectations_checked = strncmp(s->expectations, "not checked", 11) != 0;
    if (strcmp(s->expectations, "ok") != 0 && r->expectations_checked)
        snprintf(r->expectations, sizeof r->expectations, "%s", s->expectations);
}

/* Fills r from a whole trace: the summary and the decisions. */
static void result_from_doc(const trace_doc *d, run_result *r)
{
    memset(r, 0, sizeof *r);
    fiber_ids ids = {0};
    size_t n = d->event_count + 1;
    r->picks = malloc(n * sizeof *r->picks);
    r->pick_candidates = malloc(n * sizeof *r->pick_candidates);
    r->pick_current = malloc(n * sizeof *r->pick_current);
    assert(r->picks != NULL && r->pick_candidates != NULL && r->pick_current != NULL);
    for (size_t i = 0; i < d->event_count; i++) {
        const trace_event *e = &d->events[i];
        if (e->kind == TRACE_VIOLATION) r->violation_step = e->step;
        if (e->kind != TRACE_PICK) continue;
        for (uint32_t k = 0; k < e->of.count; k++) fiber_id(&ids, e->of.names[k]);
        size_t k = r->pick_count++;
        r->picks[k] = fiber_id(&ids, e->pick);
        r->pick_candidates[k] = e->of.count;
        r->pick_current[k] = names_contain(&e->of, e->fiber) ? fiber_id(&ids, e->fiber) : UINT32_MAX;
    }
    r->fiber_names = ids.names;
    r->fiber_count = ids.count;
    if (d->has_summary) summary_to_result(&d->summary, r);
}

/* ---------------------------------------------------------- a child's run */

/* In the child: the run, its trace streamed to path.  Never returns. */
static void child_run(const run_config *cfg, const char *path, FILE *report)
{
    supervise_child_begin(report);
    FILE *f = fopen(path, "w");
    if (f == NULL) _exit(3);
    run_config c = *cfg;
    c.trace = trace_sink_file_flushed(f);
    c.trace_no_header = false;
    run_result r;
    run_scenario(&c, &r);
    trace_sink_free(c.trace);
    bool ok = fclose(f) == 0;
    if (c.dump_out != NULL) fflush(c.dump_out);
    _exit(ok ? 0 : 3);
}

static int wait_child(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
    return status;
}

bool supervise_run_scenario(const run_config *cfg, const char *trace_path, bool relay,
                            run_result *r, supervise_verdict *v)
{
    memset(r, 0, sizeof *r);
    memset(v, 0, sizeof *v);
    char tmp[4096];
    const char *dir = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/wtlab-run-XXXXXX", dir && dir[0] ? dir : "/tmp");
    const char *path = trace_path;
    if (path == NULL) {
        int fd = mkstemp(tmp);
        if (fd < 0) return false;
        close(fd);
        path = tmp;
    }
    FILE *report = supervise_report_file();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) child_run(cfg, path, report);
    bool ok = pid > 0;
    if (ok) {
        int status = wait_child(pid);
        supervise_judge(status, WIFEXITED(status) && WEXITSTATUS(status) == 0, report, relay, v);
    }
    if (report != NULL) fclose(report);
    char err[TRACE_READER_ERR_MAX];
    if (ok && v->died) ok = supervise_complete_trace(path, v, err, sizeof err);
    trace_doc doc;
    if (ok) ok = trace_doc_load(path, &doc, err, sizeof err);
    if (ok) {
        result_from_doc(&doc, r);
        trace_doc_free(&doc);
    }
    if (trace_path == NULL) unlink(tmp);
    return ok;
}
