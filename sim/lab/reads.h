/*
 * reads.h — a scenario's expect.reads during one run.
 *
 * A read is due when its fiber (a writer, or the sim's main, flush or
 * crasher fiber) reaches its sync point for the occurrence-th time,
 * counted from the start or, with a step condition, from the moment it is
 * met (the nth event matching "after", told by expect_events.c through
 * reads_on_trigger; or the end of scheduling step "step").  A snapshot
 * with a step condition and no sync point is taken at that moment.
 *
 * A snapshot read notes the published last sequence when it is due; the
 * key is read as of it once the writers are done, before the DB closes
 * (reads_resolve_snapshots).  A get is made there and then: the fiber is
 * held at the sync point, the sim's "reader" fiber (spawned only when the
 * scenario has gets) wakes, makes wt_db_get like any reader thread
 * (taking the DB mutex), and the fiber is released once its gets are
 * made.  If the get has to wait for a lock the held fiber owns (its sync
 * point is inside the DB mutex), the fiber is released so the run goes
 * on, and the read fails: it was not made at that point.  The reader
 * parks at RUN_READ_SYNC_POINT between gets and ends when nothing else
 * can run (reads_on_stuck), or with the process at a crash
 * (reads_on_crash); a get due after that is not made, and fails.
 * Every read is judged when the run has ended (reads_check).
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

typedef enum read_state {
    READ_IDLE,                  /* not due yet */
    READ_DUE,                   /* a get waits for the reader */
    READ_MADE,                  /* made (a snapshot: its sequence noted) */
    READ_NO_READER,             /* a get came due after the reader had ended */
} read_state;

typedef struct read_rt {
    uint64_t events;            /* events matching its "after" so far */
    bool armed;                 /* its step condition is met (or it has none) */
    uint64_t armed_step;        /* the scheduling step it was met at */
    uint64_t hits;              /* arrivals at the sync point since armed */
    read_state state;
    int held_fiber;             /* the fiber this get holds, -1: none */
    bool lock_clash;            /* the get waited for the held fiber's lock */
    uint64_t step;              /* the scheduling step it became due */
    uint64_t snapshot_seq;      /* snapshot: the published last sequence then */
    bool resolved;              /* snapshot: read as of snapshot_seq */
    wt_status status;           /* get (or resolved snapshot): its status */
    char *value;                /* the value seen (malloc), NULL: none */
} read_rt;

typedef struct reads {
    const scenario *sc;
    read_rt *r;                 /* one per expect.reads entry */
    int reader;                 /* the reader fiber's id while parked, -1 */
    int current;                /* the get being made, -1 */
    bool stop;                  /* the reader may end (or has: a crash) */
    uint64_t published;         /* the last published sequence */
    uint64_t last_step;         /* the last step seen by reads_after_step */
} reads;

void reads_init(reads *rd, const scenario *sc);
void reads_free(reads *rd);
/* The scenario has gets (so the runner spawns the reader fiber). */
bool reads_need_reader(const reads *rd);
/* Some read waits at fiber `name`'s sync points. */
bool reads_at_fiber(const reads *rd, const char *name);

/* The published last sequence is now seq (after open, and at each
 * publish event: a snapshot takes it from here, since reading the DB's
 * atomic inside a scheduler hook would be a scheduling point). */
void reads_note_published(reads *rd, uint64_t seq);
/* An event matching read i's "after" happened at step `step`; the nth
 * meets its condition (an expect_read_trigger_fn; arg: the reads). */
void reads_on_trigger(void *arg, size_t i, uint64_t step);
/* Fiber f reached sync point `name`; already_held: a pin holds f here.
 * True when the reads hold f (the fiber until its gets are made; the
 * reader until a get is due).  Takes no scheduling point. */
bool reads_on_sync_point(reads *rd, sched *s, sched_fiber *f, const char *name,
                         bool already_held);
/* After every step: meets "step" conditions, releases fibers whose gets
 * are made (or whose lock the get waits for) and the reader when a get is
 * due; true if it released a fiber. */
bool reads_after_step(reads *rd, sched *s);
/* Nothing can run: lets the parked reader end; true if it did. */
bool reads_on_stuck(reads *rd, sched *s);
/* The process crashed: the reader is gone with it. */
void reads_on_crash(reads *rd);

/* The reader fiber's body: *db is the open DB (read at each get). */
void reads_reader_main(reads *rd, wt_db *const *db);

/* Once the writers are done, db open: reads each snapshot taken so far as
 * of its sequence. */
void reads_resolve_snapshots(reads *rd, wt_db *db);
/* When the run has ended: appends each unmet read to r->expectations
 * (reads[i]: ...). */
void reads_check(const reads *rd, run_result *r);

#endif
