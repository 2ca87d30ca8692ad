/*
 * run.h — one execution of a scenario in the sim.
 *
 * run_scenario builds the simulated device, opens the DB, starts one fiber
 * per scenario writer, lets the scheduler interleave them under the chosen
 * policy (policy.h; with the scenario's pinning rules, pins.h), optionally
 * crashes and recovers, and checks the invariant oracle and the scenario's
 * expectations (expect.h).  Everything observable goes to the trace sink,
 * if given; `dump_at_step` prints the whole state at one step (dump.h).
 * A run_config comes from run_config_default (the scenario's schedule) or
 * run_config_replay (recorded decisions first), then bounds and outputs.
 * The result is a pure function of (scenario, policy, seed, forced picks,
 * build).  Not thread-safe; one run at a time per process.
 */
#ifndef WT_SIM_RUN_H
#define WT_SIM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dump.h"
#include "scenario.h"
#include "scheduler.h"
#include "writer_state.h"
#include "trace.h"

enum { RUN_MAX_SYNC_POINTS = 64 };

typedef struct run_config {
    const scenario *sc;
    scenario_policy policy;      /* usually sc->schedule.policy */
    uint64_t seed;
    unsigned pct_depth;
    uint64_t pct_steps;
    /* Decisions to follow first (set by run_config_replay): */
    const uint32_t *forced;      /* picks by fiber id (dfs), or NULL */
    size_t forced_count;
    const char *const *forced_names; /* picks by fiber name (replay, minimize), or NULL */
    size_t forced_name_count;
    sched_policy *custom;        /* overrides everything above if set (not owned) */
    const char *policy_label;    /* for the trace header; NULL: the policy's name */
    trace_sink *trace;           /* NULL: no trace */
    bool trace_decisions;        /* write "pick" lines (default true via run_config_default) */
    bool trace_no_header;        /* replay compares from the first event line */
    uint64_t stop_after_step;    /* 0: run to the end; else abort the run after this step */
    uint64_t max_steps;          /* 0: the scenario's */
    uint64_t dump_at_step;       /* 0: none; else write the full state there */
    FILE *dump_out;
    const char *export_dir;      /* NULL: none; else the DB's files are copied here at the end */
    bool record_file_ops;        /* fill run_result.op_sizes (crash sweeps) */
} run_config;

/* The scenario's own schedule (policy, seed, pct bounds), decisions traced. */
void run_config_default(run_config *c, const scenario *sc);

/* A recorded decision list: the fiber to run at each decision, by name
 * (from a trace, or edited by minimize: names survive scenario edits that
 * shift fiber ids) or by id (the picks of a run_result of the same
 * scenario).  At most one of names and ids is set; neither with count 0. */
typedef struct run_picks {
    const char *const *names;
    const uint32_t *ids;
    size_t count;
} run_picks;

/* The one way to replay decisions: run_config_default, then follow picks
 * and after them, or where one is not possible (counted in
 * run_result.divergences), the fallback policy.  seed seeds the whole run
 * (device, fibers' random streams, fallback), so a replay passes the
 * recorded one.  label names the policy in the trace header (NULL: the
 * policy's own name, "forced" when there are picks).  The picks are not
 * copied: they must outlive run_scenario.  With no picks the run is the
 * fallback's.  Callers set bounds, trace and dump fields afterwards. */
void run_config_replay(run_config *c, const scenario *sc, run_picks picks,
                       scenario_policy fallback, uint64_t seed, const char *label);

/* A writer's role in its write when it makes a transition: the last role
 * state it entered in that write (GROUP_LEADER: leader,
 * MEMTABLE_WRITER_LEADER: memtable leader, PARALLEL_MEMTABLE_CALLER:
 * caller; the transition into it counts in the new role), follower before
 * any. */
typedef enum run_role {
    RUN_ROLE_LEADER,
    RUN_ROLE_FOLLOWER,
    RUN_ROLE_MEMTABLE_LEADER,
    RUN_ROLE_CALLER,
    RUN_ROLES
} run_role;

/* The role after a transition to state `to` (role -1: none yet). */
static inline run_role run_role_next(int role, uint32_t to)
{
    if (to == WT_STATE_GROUP_LEADER) return RUN_ROLE_LEADER;
    if (to == WT_STATE_MEMTABLE_WRITER_LEADER) return RUN_ROLE_MEMTABLE_LEADER;
    if (to == WT_STATE_PARALLEL_MEMTABLE_CALLER) return RUN_ROLE_CALLER;
    return role < 0 ? RUN_ROLE_FOLLOWER : (run_role)role;
}

typedef struct run_result {
    sched_outcome outcome;
    bool passed;                 /* what the scenario expects happened */
    const char *failed_invariant;/* NULL, an oracle invariant, or "deadlock",
                                    "step_limit", "assertion", "open_failed" */
    char detail[4096];           /* why (names the step and writers) */
    uint64_t violation_step;
    char expectations[4096];     /* failed expectations, one per line; "" if none */
    bool expectations_checked;   /* the run got as far as checking them */
    uint64_t steps, decisions, virtual_ns;
    uint64_t groups, max_group, wal_syncs;
    uint64_t transitions[WT_STATE_COUNT][WT_STATE_COUNT];
    /* The same by the writer's role when it made them (run_role; explore's
     * coverage). */
    uint64_t role_transitions[RUN_ROLES][WT_STATE_COUNT][WT_STATE_COUNT];
    uint32_t states_visited;     /* wt_state bits some writer entered */
    const char *sync_points[RUN_MAX_SYNC_POINTS];
    size_t sync_point_count;
    uint64_t held;               /* pin holds that took effect */
    size_t divergences;          /* forced picks that were not possible */
    uint64_t first_divergence_step;
    uint32_t *picks;             /* the decisions taken (fiber ids) */
    uint32_t *pick_candidates;   /* candidate counts per decision */
    uint32_t *pick_current;      /* who would have gone on (UINT32_MAX: nobody) */
    char (*fiber_names)[SCHED_NAME_MAX]; /* by fiber id */
    size_t fiber_count;
    size_t pick_count;
    uint64_t preemptions;        /* decisions that switched away from a runnable fiber */
    uint64_t leaked_blocks;      /* engine memory left after a completed run */
    size_t exported_files;       /* --export-db: files written */
    char export_error[512];      /* --export-db: why it failed; "" if it did not */
    bool crashed;                /* the scenario's crash happened */
    uint64_t file_ops;           /* crash points the device passed (simfs.h) */
    uint64_t *op_sizes;          /* with record_file_ops: per crash point, the
                                    append's length (0: another call) */
} run_result;

/* Returns false only if the run could not be set up; res says what happened. */
bool run_scenario(const run_config *cfg, run_result *res);
void run_result_free(run_result *r);

/* The run in progress, for a custom policy that looks at it at a decision
 * (wtlab step): its open DB (NULL when none is open or outside
 * run_scenario), and what the runner knows of the writer of a fiber
 * (false: the fiber runs no scenario writer). */
wt_db *run_current_db(void);
bool run_current_writer(uint32_t fiber, dump_writer *out);

/* The build identity written into trace headers. */
const char *run_build_id(void);

#endif
