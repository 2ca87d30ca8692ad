/*
 * switch_rules.h — a schedule as the context switches it makes.
 *
 * A decision list ("run w1, then w2, then w1, ...") breaks as soon as one
 * decision changes: every later entry now lands on another point.  A
 * switch rule is anchored to the fiber that reached the point instead:
 * "when w1 has taken 34 steps, switch to w2".  Between rules, the running
 * fiber goes on while it can (no preemption); when it cannot, the rule
 * anchored there says who runs, or else the lowest-numbered runnable fiber
 * (FIFO).  Removing one rule therefore removes one context switch and
 * leaves the others where they were, which is what shrinking a schedule
 * needs (minimize.c): a preemption can be dropped on its own, or a set of
 * them at once.
 *
 * A rule is preemptive when the fiber it switches away from could have
 * gone on.  Every run through a switch-rule policy also records the rules
 * it actually followed, so a run is turned back into rules exactly: the
 * recorded rules, replayed, make the same decisions.
 */
#ifndef WT_SIM_SWITCH_RULES_H
#define WT_SIM_SWITCH_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scheduler.h"

typedef struct switch_rule {
    char at[SCHED_NAME_MAX];  /* the fiber that reached the point ("" for none) */
    uint64_t at_steps;        /* its steps taken then */
    char to[SCHED_NAME_MAX];  /* the fiber that runs next */
    bool preemptive;          /* `at` could have gone on */
    uint64_t step;            /* recorded runs: the run's step at the decision */
    size_t decision;          /* recorded runs: the decision's index */
} switch_rule;

typedef struct switch_rules {
    switch_rule *v;
    size_t n, cap;
} switch_rules;

void switch_rules_push(switch_rules *r, const switch_rule *x);
void switch_rules_free(switch_rules *r);
/* The preemptive rules of r. */
size_t switch_rules_preemptive(const switch_rules *r);

/* A policy that follows `rules` (copied) as described above, or, when
 * inner is set (owned), lets inner decide (e.g. recorded picks being
 * replayed).  Either way every decision that switches fibers is appended
 * to *log (the caller's, emptied first; it must outlive the run). */
sched_policy *switch_rules_policy(const switch_rules *rules, sched_policy *inner,
                                  switch_rules *log);

#endif
