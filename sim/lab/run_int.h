/*
 * run_int.h — what run.c (the hooks, setup and verdict) and run_fibers.c
 * (the fibers the run starts: main, writers, crasher, reader) share.
 * Internal to the runner; nothing outside sim/lab/run*.c includes it.
 *
 * All state of a run lives in one run_state, owned by run_scenario.  Not
 * thread-safe: one run at a time per process.
 */
#ifndef WT_SIM_RUN_INT_H
#define WT_SIM_RUN_INT_H

#include "expect.h"
#include "oracle.h"
#include "pins.h"
#include "reads.h"
#include "run.h"
#include "simfs.h"
#include "trace_event.h"

#define RUN_DB_DIR "/db"

typedef struct writer_rt {
    int index;
    uint32_t fiber;
    int batch;                  /* current batch, -1 before the first */
    uint32_t last_state;        /* last writer state seen in events */
    uint32_t states_seen;       /* bits */
    int role;                   /* run_role in the current write (last_state 0: a new write) */
    struct run_state *rs;
} writer_rt;

typedef struct run_state {
    const run_config *cfg;
    const scenario *sc;
    run_result *res;
    sched *s;
    simfs *fs;
    wt_db *db;
    oracle *orc;
    trace_text text;            /* the trace line being written */
    trace_port_scratch scratch; /* what an engine event's line borrows */
    writer_rt *writers;
    int fiber_writer[SCHED_MAX_FIBERS];
    pins pins;
    reads reads;
    expect_log expect;
    bool writers_spawned, crashed;
    bool judge_at_end;          /* the DB's expectations were checked: judge the rest
                                   (events, gets) when the run has ended */
    uint64_t writers_start_ns;  /* writers' start_ns count from here */
    uint64_t insert_faults_seen; /* calls of the "memtable:insert" fault point */
    uint64_t crash_count;
    uint32_t last_fiber;        /* the fiber that took the previous decision's step */
} run_state;

/* Naming: the fiber's name ("dummy" for UINT32_MAX), the scenario writer a
 * fiber runs (-1: none). */
const char *run_fiber_name(run_state *rs, uint32_t id);
int run_writer_of_fiber(const run_state *rs, uint32_t fiber);

/* An event of `kind` at the current step and virtual time, by the fiber
 * running (the caller fills the kind's fields). */
trace_event run_event_here(run_state *rs, trace_kind kind);
/* Writes one event line to the trace, if there is one. */
void run_emit_event(run_state *rs, const trace_event *e);
/* A line of the runner's own (hold, release, finish, crash, reopen):
 * seen by expectations about events, and traced. */
void run_runner_line(run_state *rs, const trace_event *e);

/* The run's first failure (later ones are ignored). */
void run_record_failure(run_state *rs, const char *invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An invariant broke: trace it (with the fiber id of the writer it
 * concerns, UINT32_MAX: none) and stop the run here. */
void run_violation_of(run_state *rs, const oracle_violation *v, uint32_t writer);
void run_violation(run_state *rs, const oracle_violation *v);

/* run_fibers.c: the root fiber's body; simfs's crash-point callback (the
 * run ends in the fiber that hit it); the engine's fault-point hook. */
void run_root_main(void *arg);
void run_on_crash_point(void *arg);
wt_status run_fault_point(const char *name, void *arg);

#endif
