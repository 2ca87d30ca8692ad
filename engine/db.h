/*
 * db.h — the database: open, write (every RocksDB write mode), get, scan,
 * close, and recovery from the WAL on open.
 *
 * Files in a DB directory, numbered from one counter: NNNNNN.log WAL files
 * in RocksDB's log format (readable by `ldb dump_wal`), NNNNNN.sst tables
 * written by flushes, MANIFEST-NNNNNN (live tables, the oldest WAL still
 * needed) and CURRENT naming it (filename.h makes and parses the names).
 * LOCK is held with an OS file lock (port_lock_file) from open to close,
 * so a second writable open, in this process or another, fails with
 * WT_IO_ERROR.  A read-only open takes no lock and writes nothing.
 *
 * Thread safety: all calls may be made from any number of threads at once,
 * except open and close.  Close requires that no call is in progress.
 *
 * Write modes (DBOptions), as in RocksDB:
 *  - default: one leader writes the group's WAL record and inserts every
 *    batch into the memtable itself, or, with allow_concurrent_memtable_write
 *    and a group of more than one, wakes the members to insert their own
 *    batches in parallel;
 *  - enable_pipelined_write: WAL groups and memtable groups form in two
 *    queues, so the next WAL group is written while the previous group
 *    inserts into the memtable;
 *  - unordered_write: sequences are assigned and published in WAL order,
 *    memtable inserts happen afterwards without ordering (a reader may see
 *    a later write before an earlier one);
 *  - two_write_queues: WAL-only writes (disable_memtable) use a second
 *    queue and never wait behind memtable writes.
 */
#ifndef WT_DB_H
#define WT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "status.h"
#include "util.h"
#include "wal.h"
#include "write_batch.h"
#include "write_thread.h"

typedef enum wt_wal_recovery_mode {
    WT_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS = 0,
    WT_WAL_ABSOLUTE_CONSISTENCY = 1,
    WT_WAL_POINT_IN_TIME = 2,
    WT_WAL_SKIP_ANY_CORRUPTED_RECORDS = 3,
} wt_wal_recovery_mode;

const char *wt_wal_recovery_mode_name(wt_wal_recovery_mode m);
bool wt_wal_recovery_mode_parse(const char *name, wt_wal_recovery_mode *out);

typedef struct wt_options {
    bool create_if_missing;                   /* false */
    bool allow_concurrent_memtable_write;     /* true */
    bool enable_pipelined_write;              /* false */
    bool unordered_write;                     /* false */
    bool two_write_queues;                    /* false */
    uint64_t max_write_batch_group_size_bytes; /* 1 MiB */
    bool enable_write_thread_adaptive_yield;  /* true */
    uint64_t write_thread_max_yield_usec;     /* 100 */
    uint64_t write_thread_slow_yield_usec;    /* 3 */
    uint64_t write_buffer_size;               /* 64 MiB: memtable switch threshold */
    int max_write_buffer_number;              /* 2: memtables before writes stop */
    wt_wal_recovery_mode wal_recovery_mode;   /* point in time */
    bool paranoid_checks;                     /* true */
    bool flush_on_close;                      /* false: leave WAL-logged data in the WAL
                                                 (disableWAL data is flushed anyway) */
    bool sync_group_fill;                     /* false: wtlab extension, not in RocksDB:
                                                 a sync leader waits briefly for the last
                                                 sync group's writers to rejoin
                                                 (write_thread.c, "Sync group fill") */
    bool leader_inserts_parked_group;         /* false: wtlab extension, not in RocksDB:
                                                 with concurrent memtable writes, a leader
                                                 whose members are mostly parked inserts
                                                 the group itself instead of waking each
                                                 member to insert its own batch
                                                 (db.c, collect_group; pipelined: the
                                                 memtable group's leader,
                                                 pipelined_parallel_group) */
    uint64_t sync_prewake_usec;               /* 0 (off): wtlab extension, not in RocksDB:
                                                 the members of a sync group sleep with a
                                                 deadline this many us before the leader's
                                                 fsync is expected to end, then yield, so
                                                 that they are running when completed
                                                 (write_thread_prewake.c) */
    bool sync_overlap_insert;                 /* false: wtlab extension, not in RocksDB:
                                                 with sync_prewake_usec, a sync group that
                                                 its leader inserts serially may be
                                                 inserted by a pre-woken waiting writer
                                                 while the leader's fsync runs; published
                                                 only after the sync succeeded
                                                 (write_thread_prewake.c, db.c) */
    bool leader_takes_parked_group;           /* false: wtlab extension, not in RocksDB:
                                                 a leader whose next leader is parked
                                                 forms, writes and completes that
                                                 writer's group itself (a few groups at
                                                 most) instead of waking it to lead
                                                 (db.c, "Taking a parked leader's group";
                                                 default path, one write queue) */
    bool join_park_behind_parked;             /* false: wtlab extension, not in RocksDB:
                                                 a joining writer parks at once (no spin,
                                                 no yield) while another writer of its
                                                 queue is parked (write_thread_wait.c,
                                                 "Park behind parked") */
    bool strict_yield_credit;                 /* false: wtlab extension, not in RocksDB:
                                                 a waiter's yield phase in which a yield
                                                 gave the CPU away (a slow yield) and
                                                 left the goal unmet counts
                                                 as a failure for the adaptive yield
                                                 credit, so writers that outnumber the
                                                 cores stop yielding to each other
                                                 (write_thread_wait.c) */
    uint64_t max_active_writers;              /* 0 (off): wtlab extension, not in RocksDB:
                                                 at most this many writes without sync
                                                 inside WriteImpl at once; the others
                                                 wait, parked, at a gate in front of it
                                                 (write_gate.c; the number of cores) */
    uint64_t active_writer_handoff;           /* 128: with max_active_writers, every this
                                                 many exits while writers wait, the
                                                 oldest waiter is called to take a
                                                 slot (write_gate.c, "Hand-offs") */
} wt_options;

void wt_options_default(wt_options *o);

typedef struct wt_write_options {
    bool sync;            /* fdatasync the WAL before returning */
    bool disable_wal;     /* skip the WAL (lost on crash) */
    bool no_slowdown;     /* fail with WT_INCOMPLETE instead of waiting in a stall */
    bool disable_memtable;/* WAL-only write: the batch may hold only log data */
    /* wtlab extension: NULL, or where this caller's time goes (write_thread.h,
     * wt_write_stats); owned and read by the calling thread only. */
    wt_write_stats *stats;
} wt_write_options;

/* What recovery found and did; filled by wt_db_open when non-NULL. */
typedef struct wt_recovery_report {
    uint64_t wal_files;       /* WAL files read */
    uint64_t records;         /* batches replayed */
    uint64_t last_sequence;   /* restored last sequence */
    uint64_t problems;        /* corruption problems seen */
    wt_wal_recovery_mode mode;
    /* The first problem (when problems > 0): */
    uint64_t problem_log_number;
    uint64_t problem_offset;
    const char *problem_reason;
    bool problem_at_tail;
    const char *action;       /* what the mode did about it */
    /* The open succeeded but left out data the files held (a torn tail
     * dropped, replay stopped early, records skipped): warn the user. */
    bool data_dropped;
    char detail[256];         /* why an open failed: file, offset, reason (LOCK held,
                                 CURRENT missing, a manifest or table problem) */
} wt_recovery_report;

typedef struct wt_db wt_db;

/* Opens (and with create_if_missing creates) the DB in dir, replaying its
 * WALs.  WT_CORRUPTION when the recovery mode refuses what it found (the
 * report says where), WT_INVALID_ARGUMENT for bad option combinations. */
WT_MUST_USE wt_status wt_db_open(const wt_options *o, const char *dir, wt_db **out,
                                 wt_recovery_report *report);
/* Opens an existing DB to read (RocksDB's OpenForReadOnly): replays the
 * manifest and WALs into memory and writes nothing — no LOCK, no new
 * manifest or WAL, no flush, no deletion.  Writes and wt_db_flush return
 * WT_NOT_SUPPORTED.  create_if_missing is ignored: a directory without
 * CURRENT is WT_INVALID_ARGUMENT ("does not exist"), with report->detail
 * saying so.  Other results as for wt_db_open. */
WT_MUST_USE wt_status wt_db_open_read_only(const wt_options *o, const char *dir, wt_db **out,
                                           wt_recovery_report *report);
/* Closes the DB and frees it.  REQUIRES: no other call in progress. */
WT_MUST_USE wt_status wt_db_close(wt_db *db);

WT_MUST_USE wt_status wt_db_put(wt_db *db, const wt_write_options *wo, wt_slice key,
                                wt_slice value);
WT_MUST_USE wt_status wt_db_delete(wt_db *db, const wt_write_options *wo, wt_slice key);
WT_MUST_USE wt_status wt_db_single_delete(wt_db *db, const wt_write_options *wo, wt_slice key);
WT_MUST_USE wt_status wt_db_write(wt_db *db, const wt_write_options *wo, wt_write_batch *batch);
/* The general write: cb may be NULL; *seq_used (may be NULL) receives the
 * batch's first sequence.  The batch header's sequence is overwritten. */
WT_MUST_USE wt_status wt_db_write_ex(wt_db *db, const wt_write_options *wo,
                                     wt_write_batch *batch, const wt_write_callback *cb,
                                     uint64_t *seq_used);

/* Newest visible value of key.  WT_NOT_FOUND when absent or deleted. */
WT_MUST_USE wt_status wt_db_get(wt_db *db, wt_slice key, wt_buf *value);

/* Calls fn for every live key in order with its newest visible value.
 * fn returns false to stop early.  WT_CORRUPTION / WT_IO_ERROR: a table
 * block could not be read; the scan stops there (fn has seen the keys
 * before it) and wt_db_error_detail names the file and offset. */
WT_MUST_USE wt_status wt_db_scan(wt_db *db,
                                 bool (*fn)(wt_slice key, wt_slice value, void *arg),
                                 void *arg);

/* Where the last failed read (get, scan, for_each_entry) of this DB failed:
 * "DIR/NNNNNN.sst: offset N: reason", copied into buf ("" when none). */
void wt_db_error_detail(wt_db *db, char *buf, size_t cap);

/* Writes the active memtable (and every immutable one) to tables and waits
 * (RocksDB's DB::Flush); afterwards no WAL holds needed data.  REQUIRES: no
 * write in progress.  The background error if a flush failed. */
WT_MUST_USE wt_status wt_db_flush(wt_db *db);

/* The last published (visible) sequence. */
uint64_t wt_db_last_sequence(wt_db *db);
/* The last sequence handed out (two write queues, unordered write). */
uint64_t wt_db_last_allocated_sequence(wt_db *db);
/* The sticky background error, WT_OK if none. */
wt_status wt_db_background_error(wt_db *db);

/* Introspection for tests, the sim and the CLI (not for the hot path). */
const write_thread *wt_db_write_thread(const wt_db *db);
const write_thread *wt_db_nonmem_write_thread(const wt_db *db);
uint64_t wt_db_current_log_number(wt_db *db);
/* Bytes in the current WAL file (the next record's offset). */
uint64_t wt_db_wal_offset(wt_db *db);
/* Every stored entry, all versions, in internal key order: key, sequence,
 * value type (wt_value_type), value.  For checkers; call it only while
 * no write is in progress.  Errors as for wt_db_scan. */
wt_status wt_db_for_each_entry(wt_db *db,
                          void (*fn)(wt_slice key, uint64_t seq, int type, wt_slice value,
                                     void *arg),
                          void *arg);
const wt_options *wt_db_options(const wt_db *db);

#endif
