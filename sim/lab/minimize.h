/*
 * minimize.h — shrinking a failing run while it fails the same way.
 *
 * The input is a run that failed: its scenario (JSON text), the decisions
 * it took (fiber names, as a trace records them), its seed and step bound,
 * and the invariant it failed.  A candidate is a scenario (edited as JSON)
 * plus a decision list.  It is kept only if running it fails with the
 * same invariant as the original (no slipping to another bug).  Passes,
 * repeated while they make progress: drop writers, lower "repeat", drop
 * batches, drop ops and shrink "puts", drop pinning rules, faults and the
 * crash; then shorten the decision list (the rest runs non-preemptively)
 * and replace preemptive picks by "let the running fiber go on".  When a
 * scenario edit no longer fails under the old decisions, a few random and
 * pct seeds are tried before giving up on that edit.  Unless the target is
 * "expectations", the scenario's "expect" is dropped first: the candidate
 * is judged by the invariant only.
 *
 * A run that crashed (target SUPERVISE_CRASHED, supervise.h) is minimized
 * the same way, each candidate in a child process: "fails the same way"
 * is "dies with the same verdict" (the same signal).
 *
 * Every candidate is one run_scenario (run.h), so minimizing shares the
 * sim's rule: one run at a time per process, not thread-safe.  The result
 * is a pure function of the input and the build.
 */
#ifndef WT_SIM_MINIMIZE_H
#define WT_SIM_MINIMIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "trace.h"

enum {
    MINIMIZE_DEFAULT_BUDGET = 20000, /* runs tried, when a front end has no better idea */
    MINIMIZE_RESCUE_SEEDS = 8,       /* fresh schedules tried for an edit the old one lost */
};

/* How big a run is: of its scenario (after "repeat") and its schedule. */
typedef struct minimize_sizes {
    size_t writers, batches, ops, decisions;
    uint64_t preemptions, steps;
} minimize_sizes;

/* Reported each time a smaller candidate is adopted. */
typedef struct minimize_progress {
    const char *pass;      /* "expect", "truncate", "writers", "batches", "ops",
                            * "pins", "faults", "crash" or "preemptions" */
    uint64_t attempts;     /* runs tried so far */
    uint64_t budget;
    minimize_sizes sizes;  /* of the candidate just adopted */
} minimize_progress;

typedef void (*minimize_progress_fn)(const minimize_progress *p, void *ctx);

typedef struct minimize_input {
    const char *scenario_text;     /* the failing run's scenario, JSON (not owned) */
    const char *const *picks;      /* its decisions, fiber names (not owned) */
    size_t pick_count;
    const char *target;            /* the invariant to keep failing (run_result.failed_invariant),
                                      or MINIMIZE_EXPECTATIONS: a run whose invariants held but
                                      whose expectations failed (target_detail: their text) */
    const char *target_detail;     /* target SUPERVISE_CRASHED: the verdict to keep ("SIGSEGV");
                                    * NULL: any crash */
    uint64_t seed;                 /* the run's seed: it also seeds the fibers' random streams */
    uint64_t max_steps;            /* the run's step bound; 0: the scenario's */
    uint64_t budget;               /* runs to try at most (the first reproduces the input) */
    minimize_progress_fn progress; /* NULL: no reports */
    void *progress_ctx;
} minimize_input;

/* A preemption the result still needs, and what the run does without it. */
typedef struct minimize_preemption {
    uint64_t step;                 /* the run's step at the switch */
    size_t decision;               /* the decision's index (0-based) */
    char from[SCHED_NAME_MAX];     /* the fiber switched away from (it could go on) */
    char to[SCHED_NAME_MAX];       /* the fiber switched to */
    char without[96];              /* "the run passes", "fails deadlock instead", ... */
} minimize_preemption;

typedef struct minimize_result {
    char *scenario_text;           /* the smaller scenario, indented JSON */
    char **picks;                  /* its decisions, fiber names */
    size_t pick_count;
    uint64_t seed;                 /* the input's, or the rescue seed the candidate fails under */
    uint64_t max_steps;            /* the input's */
    minimize_sizes before, after;  /* the input as it ran, and the result */
    uint64_t attempts;             /* runs tried */
    bool crashed;                  /* the target is a crash: runs go to child processes */
    uint64_t violation_before;     /* the step of the failure, as input and as result */
    uint64_t violation_after;
    minimize_preemption *needed;   /* the result's preemptions, each tried away (not for */
    size_t needed_count;           /* crashes: their runs go to child processes) */
} minimize_result;

typedef enum minimize_status {
    MINIMIZE_OK,             /* *out holds the smallest candidate found */
    MINIMIZE_NOT_REPRODUCED, /* the input does not fail `target` (with this build, within budget) */
    MINIMIZE_BAD_INPUT,      /* scenario_text is not a JSON object */
} minimize_status;

/* Minimizes in.  *out is always set and is freed with
 * minimize_result_free: on MINIMIZE_OK it holds the result, otherwise
 * only out->attempts (0 for MINIMIZE_BAD_INPUT).  Progress is reported
 * through in->progress, on this thread, before minimize_run returns. */
minimize_status minimize_run(const minimize_input *in, minimize_result *out);

/* Runs a result once the way it was judged — its decisions forced, FIFO
 * after them, its seed and step bound — under the policy label
 * "minimized", with its events going to sink (NULL: none).  The scenario
 * is named scenario_path (the trace header records it).  false (and *r
 * untouched) only if the result's scenario does not load, which a
 * MINIMIZE_OK result never does; else the caller frees *r. */
bool minimize_replay(const minimize_result *m, const char *scenario_path, trace_sink *sink,
                     run_result *r);

/* The same for a result whose target is a crash (m->crashed): the run
 * goes to a child process, its trace to path, completed with the crash
 * (supervise.h).  false if the scenario does not load or no trace could
 * be written. */
bool minimize_replay_to_file(const minimize_result *m, const char *path, run_result *r);

void minimize_result_free(minimize_result *m);

/* The target of a run that failed only its expectations. */
#define MINIMIZE_EXPECTATIONS "expectations"

/* Whether r fails as the target says (not for crashes): the same invariant;
 * for MINIMIZE_EXPECTATIONS, invariants held and the first failed
 * expectation is of the same kind as target_detail's first ("status",
 * "groups", ...: the text before its ':'). */
bool minimize_same_failure(const run_result *r, const char *target, const char *target_detail);

#endif
