/*
 * oracle.h — the invariant oracle, run on every sim execution.
 *
 * The runner feeds it every engine event (with the writer and batch it
 * belongs to) as the run goes, and calls the final checks when the writers
 * are done and again after a crash and recovery.  Each check returns NULL
 * or the name of the violated invariant with a message naming the step
 * and the writers involved.  Invariants (DESIGN.md):
 *   legal_transition       every writer state change is in the table
 *   publish_order          the published sequence never goes back, and
 *                          (except unordered_write) covers only writes whose
 *                          memtable inserts have finished
 *   wal_order              WAL records appear in sequence order, disjoint
 *   group_rules            group members are compatible with the leader
 *                          and the group keeps the size limit
 *   sequence_contiguous    successful writes' sequence ranges are disjoint
 *                          and contiguous (gaps only after a sticky error)
 *   memtable_exact         the memtable holds exactly the acknowledged writes
 *   failed_write_invisible nothing of a failed write is visible (entries
 *                          it left unpublished in the memtable are allowed)
 *   recovery_prefix        after a crash, recovery gives a prefix of the WAL
 *                          order that contains every synced write
 *   one_leader             a queue's group is detached before the queue's
 *                          next group forms (one leader per queue at a time)
 *   group_sequences        no two groups take overlapping sequence ranges
 *   group_status           every member of a group ends with one status
 *                          (callback vetoes and unordered inserts aside)
 *   group_completion       a leader returns only after completing every
 *                          other member of its group (not pipelined)
 *   insert_after_flush     no memtable is handed to flush while an insert
 *                          into it runs, and none is inserted into after
 *   pending_writes         unordered_write: no memtable switch while a
 *                          published write has not finished its insert
 * The runner adds the checks at the step of step_check.h (lost_wakeup,
 * wake_mask, writer_list, data_race) and no_slowdown_waits (a no_slowdown
 * write reaching a stall's wait).
 * Not thread-safe (the sim is single-threaded).
 */
#ifndef WT_SIM_CHECK_H
#define WT_SIM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "port.h"
#include "scenario.h"

typedef struct oracle oracle;

typedef struct oracle_violation {
    const char *invariant; /* NULL: none */
    char detail[1024];
} oracle_violation;

oracle *oracle_create(const scenario *sc);
void oracle_free(oracle *o);

/* writer: scenario writer index of the event's writer, or -1; batch: the
 * batch index of that writer's current write (or -1).  `name_of` maps
 * writer indexes to names for messages. */
bool oracle_on_event(oracle *o, const port_event *e, int writer, int batch, uint64_t step,
                     const int *member_writers, oracle_violation *v);

/* The writers finished (no crash): check the DB as it is. */
bool oracle_check_final(oracle *o, wt_db *db, oracle_violation *v);
/* A crash happened now: freeze what was durable. */
void oracle_on_crash(oracle *o);
/* After oracle_on_crash, for a crash that lost no written byte (a process
 * kill, a clean close): every WAL record appended counts as durable, but
 * those of failed writes (the engine cuts them off again). */
void oracle_on_crash_kept_writes(oracle *o);
/* After reopening following a crash. */
bool oracle_check_recovery(oracle *o, wt_db *db, oracle_violation *v);

/* Results per write, for expectations and the summary. */
bool oracle_write_status(const oracle *o, int writer, int batch, wt_status *status,
                         uint64_t *seq);

#endif
