/*
 * expect.h — checking a run against its scenario's `expect` section.
 *
 * While the run goes, the runner reports each write group that got a
 * sequence range (its members as writer indexes, leader first); only the
 * first `expect.groups` count plus one are kept, as that is all the check
 * compares.  At the end, with the DB still open and after the oracle's
 * checks, expect_check compares the contents (and, with contents_exact,
 * that no other key is live), the last sequence, each batch's status, the
 * groups in order, the group count and sizes and the states visited.  It
 * appends one line per unmet expectation to the result's `expectations`
 * text, which stays "" when all are met; the verdict (including
 * expect.deadlock and expect.failed_invariant) is the runner's.
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

typedef struct expect_log {
    const scenario *sc;
    int (*group_members)[SCHED_MAX_FIBERS]; /* writer indexes; -1: not a writer */
    size_t *group_sizes;
    size_t group_count, group_cap;
} expect_log;

/* Sets up the log for sc (which must outlive x). */
void expect_init(expect_log *x, const scenario *sc);
void expect_free(expect_log *x);

/* A group formed with a sequence range; members: writer indexes, leader
 * first, member_count of them (only the first SCHED_MAX_FIBERS are read). */
void expect_note_group(expect_log *x, const int *members, size_t member_count);

/* Compares the run with the scenario's expectations; db is open, orc has
 * seen every event, r holds the run's counts.  Appends the unmet ones to
 * r->expectations. */
void expect_check(const expect_log *xlog, wt_db *db, const oracle *orc, run_result *r);

#endif
