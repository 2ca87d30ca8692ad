/*
 * test_supervise.c — runs in child processes and the traces of runs that
 * died (sim/lab/supervise.c).
 *
 * Goal: a child's end is judged right (a signal by its name; a sanitizer
 * report by its kind, with no address; an early exit; a finished child is
 * no death; a child's position line gives the step, time and fiber); a
 * trace cut short -- even mid-line -- is completed with a "crashed"
 * violation (where the signal struck, when known) and a summary whose
 * counts are the ones run.c
 * would have written for the same events; a trace that already ended is
 * refused; and a run in a child yields the same result as in-process.
 *
 * Method: children forked here die on purpose (raise, abort, a report
 * written to the report file, exit codes).  For the traces, a normal run
 * of a small scenario is traced to a file; its summary line is replaced by
 * half a line, as a dying writer would leave, and the completed trace is
 * compared with the original summary.  The same run under
 * supervise_run_scenario must give the same decisions and counts.
 */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "run.h"
#include "scenario.h"
#include "supervise.h"
#include "trace.h"
#include "trace_reader.h"

static const char small_text[] =
    "{\"name\": \"small\",\n"
    " \"writers\": [\n"
    "  {\"name\": \"w1\", \"repeat\": 3, \"batches\": [{\"puts\": 2, \"sync\": true}]},\n"
    "  {\"name\": \"w2\", \"repeat\": 3, \"batches\": [{\"puts\": 1}]},\n"
    "  {\"name\": \"w3\", \"repeat\": 2, \"batches\": [{\"puts\": 1, \"sync\": true}]}],\n"
    " \"schedule\": {\"policy\": \"random\", \"seed\": 5}}\n";

/* ------------------------------------------------------------- verdicts */

enum { DIE_SEGV, DIE_ABORT, DIE_EXIT3, DIE_REPORT_EXIT, DIE_REPORT_ABORT, DIE_UBSAN,
       DIE_HANDLED_SEGV, DIE_POSITION, FINISH };

static const char position_line[] = "wtlab-crash-position step=4321 t=98765 fiber=w 2\n";

static const char asan_line[] =
    "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
    "0x55d0 bp 0x7ffc sp 0x7ffc\n";

static const char ubsan_lines[] =
    "../engine/x.c:12:5: runtime error: signed integer overflow: 2147483647 + 1\n"
    "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior ../engine/x.c:12:5 in\n";

/* Forks a child that ends as `how` says; returns the parent's verdict. */
static supervise_verdict child_ends(int how)
{
    FILE *report = supervise_report_file();
    ck_assert_ptr_nonnull(report);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        signal(SIGABRT, SIG_DFL);
        if (how == DIE_REPORT_EXIT || how == DIE_REPORT_ABORT) {
            ssize_t w = write(fileno(report), asan_line, strlen(asan_line));
            (void)w;
        }
        if (how == DIE_UBSAN) {
            ssize_t w = write(fileno(report), ubsan_lines, strlen(ubsan_lines));
            (void)w;
        }
        if (how == DIE_POSITION) {
            ssize_t w = write(fileno(report), position_line, strlen(position_line));
            (void)w;
        }
        if (how == DIE_HANDLED_SEGV || how == DIE_POSITION) {
            supervise_child_begin(report); /* outside a run: nothing to tell */
            raise(SIGSEGV);
        }
        if (how == DIE_SEGV) raise(SIGSEGV);
        if (how == DIE_ABORT || how == DIE_REPORT_ABORT) abort();
        _exit(how == DIE_EXIT3 ? 3 : how == DIE_REPORT_EXIT || how == DIE_UBSAN ? 1 : 0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    supervise_verdict v;
    supervise_judge(status, how == FINISH, report, false, &v);
    fclose(report);
    return v;
}

START_TEST(test_signal_names)
{
    char buf[32];
    ck_assert_str_eq(supervise_signal_name(SIGSEGV, buf, sizeof buf), "SIGSEGV");
    ck_assert_str_eq(supervise_signal_name(SIGBUS, buf, sizeof buf), "SIGBUS");
    ck_assert_str_eq(supervise_signal_name(SIGFPE, buf, sizeof buf), "SIGFPE");
    ck_assert_str_eq(supervise_signal_name(SIGRTMIN + 1, buf, sizeof buf), buf);
    ck_assert_int_eq(strncmp(buf, "signal ", 7), 0);
}
END_TEST

START_TEST(test_judge_signals)
{
    supervise_verdict v = child_ends(DIE_SEGV);
    ck_assert(v.died);
    ck_assert_int_eq(v.signal, SIGSEGV);
    ck_assert_str_eq(v.detail, "SIGSEGV");
    v = child_ends(DIE_ABORT);
    ck_assert(v.died);
    ck_assert_int_eq(v.signal, SIGABRT);
    ck_assert_str_eq(v.detail, "SIGABRT");
}
END_TEST

START_TEST(test_judge_position)
{
    supervise_verdict v = child_ends(DIE_HANDLED_SEGV);
    ck_assert(v.died);
    ck_assert_int_eq(v.signal, SIGSEGV); /* the handler lets the signal kill */
    ck_assert_str_eq(v.detail, "SIGSEGV");
    ck_assert(!v.where_known);
    v = child_ends(DIE_POSITION);
    ck_assert_int_eq(v.signal, SIGSEGV);
    ck_assert(v.where_known);
    ck_assert_uint_eq(v.step, 4321);
    ck_assert_uint_eq(v.t_ns, 98765);
    ck_assert_str_eq(v.fiber, "w 2");
}
END_TEST

START_TEST(test_judge_reports_and_exits)
{
    supervise_verdict v = child_ends(DIE_REPORT_EXIT);
    ck_assert(v.died);
    ck_assert_int_eq(v.signal, 0);
    ck_assert_str_eq(v.detail, "AddressSanitizer: heap-use-after-free");
    v = child_ends(DIE_REPORT_ABORT);
    ck_assert_str_eq(v.detail, "SIGABRT: AddressSanitizer: heap-use-after-free");
    ck_assert_ptr_null(strstr(v.detail, "0x"));
    v = child_ends(DIE_UBSAN);
    ck_assert_str_eq(v.detail, "UndefinedBehaviorSanitizer: undefined-behavior");
    v = child_ends(DIE_EXIT3);
    ck_assert(v.died);
    ck_assert_str_eq(v.detail, "exited with status 3 before finishing");
    v = child_ends(FINISH);
    ck_assert(!v.died);
    ck_assert_str_eq(v.detail, "");
}
END_TEST

/* --------------------------------------------------------------- traces */

static scenario *small_scenario(void)
{
    scenario_error err;
    scenario *sc = scenario_load_text("small.json", small_text, &err);
    ck_assert_msg(sc != NULL, "%s", err.text);
    return sc;
}

/* A normal run of the small scenario, traced to path. */
static void trace_small(const char *path)
{
    scenario *sc = small_scenario();
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    run_config cfg;
    run_config_default(&cfg, sc);
    cfg.trace = trace_sink_file(f);
    run_result r;
    ck_assert(run_scenario(&cfg, &r));
    ck_assert(r.passed);
    run_result_free(&r);
    trace_sink_free(cfg.trace);
    fclose(f);
    scenario_free(sc);
}

static trace_doc load(const char *path)
{
    trace_doc d;
    char err[TRACE_READER_ERR_MAX];
    ck_assert_msg(trace_doc_load(path, &d, err, sizeof err), "%s", err);
    return d;
}

static void temp_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/wtlab-test-supervise-XXXXXX");
    int fd = mkstemp(buf);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

START_TEST(test_complete_counts_like_run)
{
    char path[64];
    temp_path(path, sizeof path);
    trace_small(path);
    trace_doc whole = load(path);
    ck_assert(whole.has_summary);
    /* As a dying writer leaves it: every event line, then half a line. */
    FILE *f = fopen(path, "w");
    for (size_t i = 0; i + 1 < whole.line_count; i++) fprintf(f, "%s\n", whole.lines[i]);
    fputs("{\"step\":99999,\"t\":1,\"fib", f);
    fclose(f);
    char err[TRACE_READER_ERR_MAX];
    supervise_verdict segv = {.died = true, .signal = SIGSEGV, .detail = "SIGSEGV"};
    ck_assert_msg(supervise_complete_trace(path, &segv, err, sizeof err), "%s", err);
    trace_doc cut = load(path);
    ck_assert_uint_eq(cut.line_count, whole.line_count + 1);
    const trace_event *last = &cut.events[cut.event_count - 1];
    ck_assert_int_eq(last->kind, TRACE_VIOLATION);
    ck_assert_str_eq(last->invariant, "crashed");
    ck_assert_str_eq(last->detail, "SIGSEGV");
    ck_assert_str_eq(last->fiber, "-");
    ck_assert_uint_eq(last->step, whole.events[whole.event_count - 1].step);
    const trace_summary *a = &whole.summary, *b = &cut.summary;
    ck_assert(cut.has_summary);
    ck_assert_str_eq(b->outcome, "crashed");
    ck_assert(!b->passed);
    ck_assert_str_eq(b->invariants, "crashed");
    ck_assert_str_eq(b->detail, "SIGSEGV");
    ck_assert_uint_eq(b->decisions, a->decisions);
    ck_assert_uint_eq(b->preemptions, a->preemptions);
    ck_assert_uint_eq(b->groups, a->groups);
    ck_assert_uint_eq(b->max_group, a->max_group);
    ck_assert_uint_eq(b->wal_syncs, a->wal_syncs);
    ck_assert_uint_eq(b->states_visited.count, a->states_visited.count);
    for (uint32_t i = 0; i < a->states_visited.count; i++)
        ck_assert_str_eq(b->states_visited.names[i], a->states_visited.names[i]);
    /* A trace that ended is not a crashed one. */
    ck_assert(!supervise_complete_trace(path, &segv, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "already has a summary"));
    /* Where the signal struck, when the child could tell. */
    f = fopen(path, "w");
    for (size_t i = 0; i + 1 < whole.line_count; i++) fprintf(f, "%s\n", whole.lines[i]);
    fclose(f);
    supervise_verdict there = segv;
    there.where_known = true;
    there.step = whole.summary.steps + 7;
    there.t_ns = whole.summary.t_ns + 1;
    snprintf(there.fiber, sizeof there.fiber, "w2");
    ck_assert_msg(supervise_complete_trace(path, &there, err, sizeof err), "%s", err);
    trace_doc placed = load(path);
    last = &placed.events[placed.event_count - 1];
    ck_assert_str_eq(last->fiber, "w2");
    ck_assert_uint_eq(last->step, there.step);
    ck_assert_uint_eq(last->t_ns, there.t_ns);
    ck_assert_uint_eq(placed.summary.steps, there.step);
    trace_doc_free(&placed);
    trace_doc_free(&cut);
    trace_doc_free(&whole);
    unlink(path);
}
END_TEST

START_TEST(test_child_run_matches_in_process)
{
    scenario *sc = small_scenario();
    run_config cfg;
    run_config_default(&cfg, sc);
    run_result here, there;
    ck_assert(run_scenario(&cfg, &here));
    supervise_verdict v;
    ck_assert(supervise_run_scenario(&cfg, NULL, false, &there, &v));
    ck_assert(!v.died);
    ck_assert(there.passed);
    ck_assert_ptr_null(there.failed_invariant);
    ck_assert_uint_eq(there.steps, here.steps);
    ck_assert_uint_eq(there.preemptions, here.preemptions);
    ck_assert_uint_eq(there.groups, here.groups);
    ck_assert_uint_eq(there.pick_count, here.pick_count);
    for (size_t i = 0; i < here.pick_count; i++) {
        ck_assert_str_eq(there.fiber_names[there.picks[i]], here.fiber_names[here.picks[i]]);
        ck_assert_uint_eq(there.pick_candidates[i], here.pick_candidates[i]);
        bool on_here = here.pick_current[i] != UINT32_MAX;
        ck_assert_int_eq(there.pick_current[i] != UINT32_MAX, on_here);
        if (on_here)
            ck_assert_str_eq(there.fiber_names[there.pick_current[i]],
                             here.fiber_names[here.pick_current[i]]);
    }
    run_result_free(&here);
    run_result_free(&there);
    scenario_free(sc);
}
END_TEST

static Suite *supervise_suite(void)
{
    Suite *s = suite_create("supervise");
    TCase *t = tcase_create("supervise");
    tcase_add_test(t, test_signal_names);
    tcase_add_test(t, test_judge_signals);
    tcase_add_test(t, test_judge_position);
    tcase_add_test(t, test_judge_reports_and_exits);
    tcase_add_test(t, test_complete_counts_like_run);
    tcase_add_test(t, test_child_run_matches_in_process);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return wt_run_suite(supervise_suite());
}
