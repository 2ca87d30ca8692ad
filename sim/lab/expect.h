/*
 * expect.h — checking a run against its scenario's `expect` section.
 *
 * While the run goes, the runner reports each write group that got a
 * sequence range (its members as writer indexes, leader first); only the
 * first `expect.groups` count plus one are kept, as that is all the check
 * compares.  Once every writer has returned, with the DB still open and
 * after the oracle's checks, expect_check compares what the DB holds: the
 * contents (and, with contents_exact, that no other key is live), the
 * last sequence, each batch's status.  When the run has ended (the DB
 * closed, every fiber finished), expect_check_at_end compares what
 * happened: the groups in order, the group count and sizes, the states
 * visited and the expectations about events (transitions, wal, writes,
 * order), so events of the close (a flush of data no WAL holds) count.
 * Both append one line per unmet expectation to the result's
 * `expectations` text, which stays "" when all are met; the verdict
 * (including expect.deadlock and expect.failed_invariant) is the runner's.
 *
 * Not thread-safe (the sim is single-threaded); one expect_log per run.
 */
#ifndef WT_SIM_EXPECT_H
#define WT_SIM_EXPECT_H

#include <stddef.h>

#include "db.h"
#include "oracle.h"
#include "run.h"
#include "scenario.h"
#include "scheduler.h"
#include "trace_event.h"

/* One write call as it returned (expect.writes). */
typedef struct expect_write_seen {
    bool ended;
    wt_status status;
    uint64_t seq, count;
} expect_write_seen;

/* One appended WAL record (expect.wal). */
typedef struct expect_wal_seen {
    uint64_t first_seq, count, batches;
    int leader;                  /* writer index, -1: none */
} expect_wal_seen;

/* Where one side of an expect.order entry matched (ordinal 0: never). */
typedef struct expect_match {
    uint64_t first_ord, last_ord, first_step, last_step;
} expect_match;

/* An event matching expect.reads[read]'s "after" happened now, at
 * scheduling step `step` (expect_set_read_trigger). */
typedef void expect_read_trigger_fn(void *arg, size_t read, uint64_t step);

typedef struct expect_log {
    const scenario *sc;
    int (*group_members)[SCHED_MAX_FIBERS]; /* writer indexes; -1: not a writer */
    size_t *group_sizes;
    size_t group_count, group_cap;
    /* expect_events.c: what happened during the run. */
    int *cur_batch, *cur_group;  /* by writer index: the write in flight, its group */
    uint64_t *lead_wal_bound;    /* by writer index: WAL-bound batches of the group it last led */
    uint64_t group_events;       /* "group" events so far */
    expect_write_seen **writes;  /* [writer][batch] */
    uint64_t *transition_counts; /* one per expect.transitions entry */
    expect_wal_seen *wal;        /* the first expect.wal.records records */
    uint64_t wal_total;          /* records appended (status ok) */
    expect_match *order;         /* 2 per expect.order entry: before, after */
    uint64_t ordinal;            /* events seen, for order */
    expect_read_trigger_fn *read_trigger;
    void *read_trigger_arg;
} expect_log;

/* Sets up the log for sc (which must outlive x). */
void expect_init(expect_log *x, const scenario *sc);
void expect_free(expect_log *x);

/* A group formed with a sequence range; members: writer indexes, leader
 * first, member_count of them (only the first SCHED_MAX_FIBERS are read). */
void expect_note_group(expect_log *x, const int *members, size_t member_count);

/* Set up and free what expect_events.c records (expect_init and
 * expect_free call them). */
void expect_events_init(expect_log *x);
void expect_events_free(expect_log *x);

/* Every engine event as the runner sees it: writer / batch: the
 * event's writer (scenario index, -1: none) and its write; self: the
 * writer of the fiber that ran it (-1: a sim fiber); members: group
 * members (writer indexes, PORT_EV_GROUP); fiber: the name of the fiber
 * that ran it; te: the event as a trace line
 * (needed only when expect_wants_trace_events, else may be NULL). */
void expect_on_event(expect_log *x, const port_event *pe, const trace_event *te, int writer,
                     int batch, int self, const int *members, const char *fiber);
/* A line the runner traces that is not an engine event (hold, release,
 * crash, ...), or a sync point reached (kind SCENARIO_EVENT_SYNC_POINT:
 * te->at is its name); self as above. */
void expect_on_line(expect_log *x, int kind, const trace_event *te, int self);
/* A write call returned (also one rejected before it emitted any event,
 * e.g. sync with disable_wal). */
void expect_on_return(expect_log *x, int writer, int batch, wt_status st, uint64_t seq);
/* expect.order, or a read's "after", needs events as trace lines. */
bool expect_wants_trace_events(const expect_log *x);
/* fn is called for every event that matches a read's "after" (seen
 * through expect_on_event / expect_on_line). */
void expect_set_read_trigger(expect_log *x, expect_read_trigger_fn *fn, void *arg);
/* The checks of expect_events.c (transitions, wal, writes, order). */
void expect_check_events(const expect_log *x, run_result *r);

/* Appends one unmet expectation (a line) to r->expectations. */
__attribute__((format(printf, 2, 3)))
void expectation_failed(run_result *r, const char *fmt, ...);

/* Compares what the DB holds with the scenario's expectations; db is
 * open, every write has returned, orc has seen its events.  Appends the
 * unmet ones to r->expectations. */
void expect_check(const expect_log *xlog, wt_db *db, const oracle *orc, run_result *r);
/* Compares what happened during the run (groups, counts, states, events)
 * with the scenario's expectations, once the run has ended; r holds the
 * run's counts.  Appends the unmet ones to r->expectations. */
void expect_check_at_end(const expect_log *xlog, run_result *r);

#endif
