/*
 * reads.h — a scenario's expect.reads during one run.
 *
 * A read is due when its writer reaches its sync point for the
 * occurrence-th time.  A snapshot read notes the published last sequence
 * there and reads the key as of it when the run ends (reads_check).  A get
 * is made there and then: the writer is held at the sync point, the sim's
 * "reader" fiber (spawned only when the scenario has gets) wakes, makes
 * wt_db_get like any reader thread (taking the DB mutex), and the writer is
 * released once its gets are made.  If the get has to wait for a lock the
 * held writer owns (its sync point is inside the DB mutex), the writer is
 * released so the run goes on, and the read fails: it was not made at that
 * point.  The reader parks at RUN_READ_SYNC_POINT between gets and ends
 * when nothing else can run (reads_on_stuck).
 *
 * Not thread-safe (the sim is single-threaded); one `reads` per run.
 */
#ifndef WT_SIM_READS_H
#define WT_SIM_READS_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "run.h"
#include "scenario.h"
#include "scheduler.h"

/* Where the reader fiber waits for the next get (not an engine sync point). */
#define RUN_READ_SYNC_POINT "wtlab::Read:Wait"

typedef enum read_state { READ_IDLE, READ_DUE, READ_MADE } read_state;

typedef struct read_rt {
    uint64_t hits;              /* times the writer reached the sync point */
    read_state state;
    int held_fiber;             /* the writer this get holds, -1: none */
    bool lock_clash;            /* the get waited for the held writer's lock */
    uint64_t step;              /* the scheduling step it became due */
    uint64_t snapshot_seq;      /* snapshot: the published last sequence then */
    wt_status status;           /* get: its status */
    char *value;                /* get: the value seen (malloc), NULL: none */
} read_rt;

typedef struct reads {
    const scenario *sc;
    read_rt *r;                 /* one per expect.reads entry */
    int reader;                 /* the reader fiber's id while parked, -1 */
    int current;                /* the get being made, -1 */
    bool stop;                  /* the reader may end */
    uint64_t published;         /* the last published sequence */
} reads;

void reads_init(reads *rd, const scenario *sc);
void reads_free(reads *rd);
/* The scenario has gets (so the runner spawns the reader fiber). */
bool reads_need_reader(const reads *rd);

/* The published last sequence is now seq (after open, and at each
 * publish event: a snapshot takes it from here, since reading the DB's
 * atomic inside a scheduler hook would be a scheduling point). */
void reads_note_published(reads *rd, uint64_t seq);
/* Fiber f reached sync point `name`; writer: its scenario index (-1: not
 * a writer); already_held: a pin holds f here.  True when the reads hold
 * f (the writer until its gets are made; the reader until a get is due).
 * Takes no scheduling point. */
bool reads_on_sync_point(reads *rd, sched *s, sched_fiber *f, int writer, const char *name,
                         bool already_held);
/* After every step: releases writers whose gets are made (or whose lock
 * the get waits for) and the reader when a get is due; true if it
 * released a fiber. */
bool reads_after_step(reads *rd, sched *s);
/* Nothing can run: lets the parked reader end; true if it did. */
bool reads_on_stuck(reads *rd, sched *s);

/* The reader fiber's body: *db is the open DB (read at each get). */
void reads_reader_main(reads *rd, wt_db *const *db);

/* At the end of the run, db open: appends each unmet read to
 * r->expectations (reads[i]: ...). */
void reads_check(const reads *rd, wt_db *db, run_result *r);

#endif
