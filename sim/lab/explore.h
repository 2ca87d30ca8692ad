/*
 * explore.h — running a scenario under many schedules.
 *
 * random: run i uses seed + i.  pct: the same seeds with PCT's priority
 * change points (depth d).  dfs: every interleaving whose number of
 * preemptions (switching away from a fiber that could have gone on) is at
 * most the bound, by re-executing with forced decision prefixes; sleep
 * sets (Godefroid) skip schedules that only reorder independent operations
 * (different objects, or two loads), and the search says when the space
 * is exhausted (with a bound, a fiber sleeps only where the explored
 * sibling reaches the same schedules within it, so an exhausted dfs
 * covers every class with a schedule within the bound; bounded dpor
 * agrees with it on every space measured, but that is measured, not
 * proven: scenarios/README.md, "Search order").  dpor: the same search, but an alternative is taken only
 * where a race of an executed run asks for it (source sets over the
 * happens-before order of dpor.h, with sleep sets and, with a bound,
 * bounded POR's extra points).  Both take their free picks (the first
 * run, each run after its replayed prefix) in a fixed order or drawn from
 * the seed (explore_order).  pos: the seeds of random with partial
 * order sampling (pos.h).  Every run's Mazurkiewicz class (dpor.h) is
 * counted.  Every run is checked by the oracle and the scenario's
 * expectations; a run that does not pass is a failure.
 *
 * A sweep can be split with a partition (index/count): random/pct/pos take
 * run indexes i with i % count == index; dfs and dpor split the
 * alternatives of the first branching decision (dpor takes all of them
 * there, so no partition needs a race found in another's subtree).  The union of all partitions is the whole
 * sweep, so batch systems need no other coordination.
 */
#ifndef WT_SIM_EXPLORE_H
#define WT_SIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#include "run.h"
#include "scenario.h"
#include "writer_state.h"

typedef enum explore_kind { EXPLORE_RANDOM, EXPLORE_PCT, EXPLORE_DFS, EXPLORE_DPOR, EXPLORE_POS } explore_kind;

/* dfs, dpor: how a run goes on where no earlier run or race forces a
 * pick (the first run, and every run after its replayed prefix).  fixed:
 * keep the running fiber, else the lowest id.  random: one of the options
 * the search may take there (awake, within the preemption bound) drawn
 * from a hash of the seed and the picks before, so one seed gives the same
 * runs in the same order.  The options not taken first are still
 * backtracked to, so an exhausted search covers the same classes in
 * either order, with a bound too (scenarios/README.md, "Search order"). */
typedef enum explore_order { EXPLORE_ORDER_FIXED, EXPLORE_ORDER_RANDOM } explore_order;

/* "fixed", "random"; parsing: false (and *out untouched) on another name. */
const char *explore_order_name(explore_order o);
bool explore_order_parse(const char *name, explore_order *out);

/* The kinds that search a tree of decisions (dfs, dpor) rather than seeds. */
bool explore_kind_searches(explore_kind k);

enum { EXPLORE_MAX_INVARIANTS = 16, EXPLORE_MAX_SYNC_POINTS = 64, EXPLORE_DFS_MAX_FIBERS = 64 };

struct explore_stats;

/* What one run adds to the totals: explore_record() takes it.  Workers of
 * a parallel sweep send these to their parent, which keeps the totals, so
 * a worker that dies loses nothing but the run that killed it. */
typedef struct explore_run_record {
    uint64_t index;             /* the run's index in the sweep */
    uint64_t steps, decisions;
    uint64_t hash;              /* of its decisions (distinct interleavings); 0: unknown */
    uint64_t class_hash;        /* of its happens-before order (Mazurkiewicz class); 0: unknown */
    uint64_t sync_hits;         /* bit k: explore_sync_point_name(k) reached */
    bool passed;
    char invariant[64];         /* what failed ("expectations", "crashed", ...); "" if passed */
    char detail[64];            /* a crashed run's verdict ("SIGSEGV"); else "" */
    uint32_t transitions[WT_STATE_COUNT][WT_STATE_COUNT];
    uint32_t role_transitions[RUN_ROLES][WT_STATE_COUNT][WT_STATE_COUNT];
} explore_run_record;

typedef struct explore_config {
    const scenario *sc;
    explore_kind kind;
    uint64_t runs;              /* random/pct: run indexes 0..runs-1; dfs: a cap (0 = none) */
    uint64_t seed;
    unsigned pct_depth;
    uint64_t pct_steps;
    unsigned max_preemptions;   /* dfs bound */
    explore_order order;        /* dfs, dpor: the free picks (seeded by seed when random) */
    bool reduction;             /* dfs, dpor: sleep sets (default on) */
    bool clock_blind;           /* reading the clock and spinning are no dependency
                                   (unsound: scenarios/README.md) */
    bool stop_at_failure;       /* stop after the first failing run */
    uint64_t until_covered;     /* stop after this many runs in a row bring no new class (0: never) */
    /* Tests: runs one execution under policy p instead of the scenario
     * (NULL: run_scenario); fills r as run_scenario would (picks, passed). */
    void (*runner)(void *arg, sched_policy *p, run_result *r);
    void *runner_arg;
    uint64_t part_index, part_count; /* partition of the sweep (0/1 = all) */
    uint64_t first_index;       /* random/pct: skip run indexes below this (resuming) */
    /* Called before every run with its index and whether this sweep counts
     * it (a dfs partition other than 0 repeats partition 0's first run
     * uncounted), and after every counted run with what it adds (both may
     * be NULL; a dfs run cut as redundant is begun but not counted). */
    void (*before_run)(void *arg, uint64_t run_index, bool counted);
    /* dfs, dpor: asked before each counted run whether the sweep's run
     * budget has one more (NULL: only `runs` caps the runs); --jobs shares
     * one budget of --runs N between its workers this way, so a worker
     * whose part of the tree is small leaves its runs to the others. */
    bool (*take_run)(void *arg);
    void (*after_run)(void *arg, const explore_run_record *rec);
    void *run_arg;
    /* Called after every run with the running totals (may be NULL). */
    void (*progress)(void *arg, const struct explore_stats *st);
    void *progress_arg;
    /* Called for every failing run with what reproduces it (may be NULL). */
    void (*on_failure)(void *arg, const run_config *repro, const run_result *r, uint64_t run_index);
    void *failure_arg;
} explore_config;

typedef struct explore_failure {
    char invariant[64];
    char detail[64];            /* "crashed": the first crash's verdict ("SIGSEGV") */
    uint64_t count;
    uint64_t first_run;         /* 1-based index of the first run that failed so */
    uint64_t first_index;       /* that run's index in the sweep */
} explore_failure;

typedef struct explore_stats {
    uint64_t runs, failures, distinct;
    uint64_t classes;           /* distinct Mazurkiewicz classes (happens-before orders) */
    uint64_t since_new_class;   /* runs since the last new class */
    bool covered;               /* stopped by until_covered */
    uint64_t pruned_dpor;       /* dpor: alternatives no race asked for */
    uint64_t races, unreversible; /* dpor: races seen; races at a point without a choice */
    uint64_t races_clock, races_spin; /* dpor: of the races, those dependent only by the clock / spinning */
    uint64_t race_runs;         /* dpor: runs whose races were handled (also those cut) */
    uint64_t backtracks;        /* dpor: options races added to backtrack sets */
    uint64_t tick_wakes;        /* timed waits ended by other fibers' steps */
    uint64_t first_failure_run; /* runs until the first failure (0: none) */
    uint64_t steps, decisions;
    uint64_t pruned_sleep;      /* dfs: alternatives skipped by sleep sets */
    uint64_t blocked_sleep;     /* dfs: runs cut because every candidate slept */
    uint64_t bound_skips;       /* dfs: alternatives beyond the preemption bound */
    bool exhausted;             /* dfs: every schedule within the bound was run */
    uint64_t shallowest;        /* dfs, dpor: 1 + the lowest decision index where a run took
                                   another option than the run before (0: none) */
    uint64_t transitions[WT_STATE_COUNT][WT_STATE_COUNT];
    uint64_t role_transitions[RUN_ROLES][WT_STATE_COUNT][WT_STATE_COUNT]; /* by run_role */
    uint64_t sync_hits[EXPLORE_MAX_SYNC_POINTS]; /* by index in explore_sync_point_name */
    explore_failure fail[EXPLORE_MAX_INVARIANTS];
    size_t fail_kinds;
    /* distinct-interleaving and class hashes (internal) */
    uint64_t *hashes;
    size_t hash_cap;
    uint64_t *class_hashes;
    size_t class_cap;
} explore_stats;

void explore_stats_init(explore_stats *st);
void explore_stats_free(explore_stats *st);
/* Adds an interleaving hash; true when it was new. */
bool explore_remember_hash(explore_stats *st, uint64_t h);
/* Adds a class hash; true when it was new (st->classes counts them). */
bool explore_remember_class(explore_stats *st, uint64_t h);
/* Calls fn for every class hash remembered (in table order). */
void explore_each_class(const explore_stats *st, void (*fn)(void *arg, uint64_t h), void *arg);

/* What run r (index `index` in the sweep) adds to the totals. */
void explore_record_of(const run_result *r, uint64_t index, explore_run_record *out);
/* Adds one run to the totals. */
void explore_record(explore_stats *st, const explore_run_record *rec);
/* Adds a run whose process died (invariant "crashed", detail the verdict). */
void explore_record_crash(explore_stats *st, uint64_t index, const char *detail);

/* random/pct: the configuration of run `index` (seed + index). */
void explore_seed_config(const explore_config *c, uint64_t index, run_config *cfg);

/* Runs the sweep; returns false on a setup error. */
bool explore_run(const explore_config *c, explore_stats *st);

/* Writer roles (run_role): "leader", "follower", "memtable-leader",
 * "caller"; NULL past the last. */
const char *explore_role_name(int role);
/* Legal transitions covered in role r. */
unsigned explore_role_covered(const explore_stats *st, int role);
/* The summary line "transitions per writer role: ..." (text) or the
 * JSON member ", \"role_transitions\": {...}". */
void explore_print_roles(const explore_stats *st, bool json);

/* dpor's cost: the text line "  dpor cost: ..." (scenarios/README.md,
 * "What a dpor run costs"), or the JSON members ", \"race_runs\": ...,
 * \"backtrack_points\": N". */
void explore_print_dpor_cost(const explore_stats *st, bool json);

/* The engine's sync points (for coverage reports). */
size_t explore_sync_point_count(void);
const char *explore_sync_point_name(size_t i);

#endif
