/*
 * supervise.h — runs that may crash, contained in child processes.
 *
 * A run whose process dies (SIGSEGV in the engine, an abort, a sanitizer
 * report) is a failed run, never the end of wtlab.  The pieces:
 *
 *  - supervise_child_begin / supervise_judge: a forked child sends
 *    sanitizer reports to a file its parent reads; the parent turns the
 *    child's wait status and that report into a verdict ("SIGSEGV",
 *    "SIGABRT", "AddressSanitizer: heap-use-after-free", ...) with no
 *    addresses or process ids in it, so it can go into a trace.
 *  - supervise_complete_trace: a trace that a dead run left (its header
 *    and events, flushed line by line) gets the lines the run could not
 *    write: a "violation" event (invariant SUPERVISE_CRASHED, the verdict
 *    as detail) at the step where the signal struck (or, if that is not
 *    known, of its last event), and the summary (outcome
 *    SUPERVISE_CRASHED) counted from its events.  The completed trace is a
 *    pure function of the lines and the verdict, so a replay that crashes
 *    the same way produces the same lines.
 *  - supervise_run_scenario: one run_scenario in a child, its trace
 *    streamed to a file; the result is read back from that trace.
 *
 * Not thread-safe; one supervised run at a time per process.
 */
#ifndef WT_SIM_SUPERVISE_H
#define WT_SIM_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "run.h"
#include "scheduler.h"

/* The invariant and the summary outcome of a run whose process died. */
#define SUPERVISE_CRASHED "crashed"

enum { SUPERVISE_VERDICT_MAX = 128 };

typedef struct supervise_verdict {
    bool died;                           /* the child did not finish its work */
    int signal;                          /* what killed it (0: it exited) */
    char detail[SUPERVISE_VERDICT_MAX];  /* "SIGSEGV", "SIGABRT: AddressSanitizer: ..." */
    /* Where a run was when it died, if the child's signal handler or
     * sanitizer death callback could tell: the scheduler's step, virtual
     * time and running fiber. */
    bool where_known;
    uint64_t step, t_ns;
    char fiber[SCHED_NAME_MAX];
} supervise_verdict;

/* A fresh, unnamed file for a child's sanitizer report; NULL on failure. */
FILE *supervise_report_file(void);

/* In a freshly forked child: sanitizer reports (if this is a sanitizer
 * build) go to report instead of stderr, and a fatal signal (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGABRT -- those no sanitizer handles already)
 * first writes where the run was to report, then kills the child as it
 * would have. */
void supervise_child_begin(FILE *report);

/*
 * Judges a child that ended with wait_status.  finished: it delivered
 * everything it was to deliver (a worker's final record; exit status 0 of
 * a supervised run).  A child that did not finish died: by a signal, or
 * by exiting early (sanitizers exit with status 1 after their report).
 * If relay, the report (if any) is copied to stderr.
 */
void supervise_judge(int wait_status, bool finished, FILE *report, bool relay,
                     supervise_verdict *out);

/* "SIGSEGV" for SIGSEGV, ...; "signal N" for one without a name here. */
const char *supervise_signal_name(int sig, char *buf, size_t cap);

/*
 * Completes the trace at path that a run left when its process died:
 * drops a torn last line, then appends the violation and summary lines.
 * The violation is at v's step, time and fiber when known (and not
 * before the last event), else at the last event's step and time with
 * fiber "-".  false (err filled) if the file cannot be read as a trace,
 * or already has a summary.
 */
bool supervise_complete_trace(const char *path, const supervise_verdict *v, char *err,
                              size_t err_cap);

/*
 * Runs cfg in a child process with its trace (header included, flushed
 * per line) going to trace_path, or to a temporary file when trace_path
 * is NULL; cfg->trace is ignored.  If the child dies, the trace is
 * completed (supervise_complete_trace).  *r is filled from the trace:
 * outcome, passed, failed_invariant (SUPERVISE_CRASHED for a death; the
 * string is valid until the next call), detail, violation_step, counts,
 * and the decisions (picks by id into fiber_names, candidates, current).
 * Returns false (with *r empty, freeable) only if no trace could be read.
 * cfg->dump_out, if set, must be unbuffered to survive a crash.
 */
bool supervise_run_scenario(const run_config *cfg, const char *trace_path, bool relay,
                            run_result *r, supervise_verdict *v);

#endif
