/*
 * wtengine.h — the wtlab write engine as a library: its one public header
 * and its stable C API (libwtengine, `pkg-config wtengine`).
 *
 * The engine is RocksDB's write path in C: WriteBatch, the write thread's
 * group commit, a WAL in RocksDB's log format (`ldb dump_wal` reads it), a
 * skiplist memtable, flushes and recovery.  This header shows none of its
 * insides: every type is opaque, options are set through functions, and
 * the shared library exports exactly the functions declared here (the
 * rest is built with hidden visibility).  Internal headers (db.h, ...)
 * are not installed and may change; this file changes only by adding.
 *
 * Thread safety: a wtengine_db may be used from any number of threads at
 * once, except wtengine_open and wtengine_close (close requires that no
 * other call is in progress).  Options, write options and batches are
 * plain values: one thread at a time each; the DB copies what it needs.
 *
 * Keys and values are byte strings (pointer and length, any bytes).
 */
#ifndef WTENGINE_H
#define WTENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks what the shared library exports; everything else is hidden. */
#define WTENGINE_API __attribute__((visibility("default")))
#define WTENGINE_MUST_USE __attribute__((warn_unused_result))

/* The result of every fallible call (RocksDB's Status::Code). */
typedef enum wtengine_status {
    WTENGINE_OK = 0,
    WTENGINE_NOT_FOUND,        /* key absent (get), file absent */
    WTENGINE_CORRUPTION,       /* bad bytes: checksum, framing, batch format */
    WTENGINE_NOT_SUPPORTED,    /* an option combination RocksDB rejects per write */
    WTENGINE_INVALID_ARGUMENT, /* caller error: bad options, sync with disable_wal */
    WTENGINE_IO_ERROR,         /* a file operation failed */
    WTENGINE_NO_SPACE,         /* a file operation failed with ENOSPC */
    WTENGINE_INCOMPLETE,       /* a no_slowdown write refused by a write stall */
    WTENGINE_BUSY,             /* the write was vetoed */
    WTENGINE_SHUTDOWN,         /* the DB is closing */
} wtengine_status;

/* The status's stable lower-case name ("ok", "io_error", ...). */
WTENGINE_API const char *wtengine_status_name(wtengine_status s);

/* The library's version ("0.1.0") and build id (which code made it). */
WTENGINE_API const char *wtengine_version(void);
WTENGINE_API const char *wtengine_build_id(void);

/* ------------------------------------------------------------- options
 * DBOptions, with RocksDB's names and defaults: create_if_missing false,
 * allow_concurrent_memtable_write true, pipelined/unordered/two queues
 * off, max_write_batch_group_size_bytes 1 MiB, write_buffer_size 64 MiB,
 * max_write_buffer_number 2, WAL recovery point in time.  flush_on_close
 * (false: WAL-logged data stays in the WAL at close) and sync_group_fill
 * (a wtlab extension, off) are wtlab's. */
typedef struct wtengine_options wtengine_options;

/* WAL recovery modes, as RocksDB numbers them. */
typedef enum wtengine_recovery_mode {
    WTENGINE_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS = 0,
    WTENGINE_RECOVERY_ABSOLUTE_CONSISTENCY = 1,
    WTENGINE_RECOVERY_POINT_IN_TIME = 2,
    WTENGINE_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS = 3,
} wtengine_recovery_mode;

/* NULL only when out of memory. */
WTENGINE_API wtengine_options *wtengine_options_create(void);
WTENGINE_API void wtengine_options_destroy(wtengine_options *o);
WTENGINE_API void wtengine_options_set_create_if_missing(wtengine_options *o, bool v);
WTENGINE_API void wtengine_options_set_allow_concurrent_memtable_write(wtengine_options *o, bool v);
WTENGINE_API void wtengine_options_set_enable_pipelined_write(wtengine_options *o, bool v);
WTENGINE_API void wtengine_options_set_unordered_write(wtengine_options *o, bool v);
WTENGINE_API void wtengine_options_set_two_write_queues(wtengine_options *o, bool v);
WTENGINE_API void wtengine_options_set_max_write_batch_group_size_bytes(wtengine_options *o,
                                                                        uint64_t v);
WTENGINE_API void wtengine_options_set_write_buffer_size(wtengine_options *o, uint64_t v);
WTENGINE_API void wtengine_options_set_max_write_buffer_number(wtengine_options *o, int v);
WTENGINE_API void wtengine_options_set_wal_recovery_mode(wtengine_options *o,
                                                         wtengine_recovery_mode v);
WTENGINE_API void wtengine_options_set_flush_on_close(wtengine_options *o, bool v);
WTENGINE_API void wtengine_options_set_sync_group_fill(wtengine_options *o, bool v);
/* wtlab extension, 0 (off) by default: sync group members wake v us before
 * the leader's fsync is expected to end (engine/write_thread_prewake.c);
 * at most 1000000, else the open fails with WTENGINE_INVALID_ARGUMENT.  The
 * first timed wait of each writing thread sets that thread's timer slack to
 * 1 us (prctl PR_SET_TIMERSLACK), and it stays so. */
WTENGINE_API void wtengine_options_set_sync_prewake_usec(wtengine_options *o, uint64_t v);
/* wtlab extension, 0 (off) by default: at most v writes without sync
 * inside the write path at once (the number of cores, say); the others
 * wait, parked, in arrival order (engine/write_gate.c).  handoff (128 by
 * default): every handoff-th exit while writers wait calls the oldest
 * waiter, which takes the slot of a writer that leaves after it runs.  v
 * at most 4096 and handoff 1..1000000, else the open fails with WTENGINE_INVALID_ARGUMENT.  A waiter parks with
 * a 10 ms deadline, so, as with sync_prewake_usec, the first wait of each
 * writing thread sets that thread's timer slack to 1 us. */
WTENGINE_API void wtengine_options_set_max_active_writers(wtengine_options *o, uint64_t v);
WTENGINE_API void wtengine_options_set_active_writer_handoff(wtengine_options *o, uint64_t handoff);

/* ------------------------------------------------------- write options
 * WriteOptions: sync (fdatasync the WAL before returning), disable_wal
 * (lost on a crash), no_slowdown (fail with WTENGINE_INCOMPLETE instead
 * of waiting in a stall); all false by default.  Every call that takes
 * write options accepts NULL for the defaults. */
typedef struct wtengine_write_options wtengine_write_options;

WTENGINE_API wtengine_write_options *wtengine_write_options_create(void);
WTENGINE_API void wtengine_write_options_destroy(wtengine_write_options *wo);
WTENGINE_API void wtengine_write_options_set_sync(wtengine_write_options *wo, bool v);
WTENGINE_API void wtengine_write_options_set_disable_wal(wtengine_write_options *wo, bool v);
WTENGINE_API void wtengine_write_options_set_no_slowdown(wtengine_write_options *wo, bool v);

/* ---------------------------------------------------------- WriteBatch
 * Updates applied atomically by wtengine_write, in order, under one
 * sequence range, as one WAL record. */
typedef struct wtengine_write_batch wtengine_write_batch;

WTENGINE_API wtengine_write_batch *wtengine_write_batch_create(void);
WTENGINE_API void wtengine_write_batch_destroy(wtengine_write_batch *b);
WTENGINE_API void wtengine_write_batch_clear(wtengine_write_batch *b);
WTENGINE_API void wtengine_write_batch_put(wtengine_write_batch *b, const char *key,
                                           size_t key_len, const char *value, size_t value_len);
WTENGINE_API void wtengine_write_batch_delete(wtengine_write_batch *b, const char *key,
                                              size_t key_len);
WTENGINE_API void wtengine_write_batch_single_delete(wtengine_write_batch *b, const char *key,
                                                     size_t key_len);
/* Updates in the batch. */
WTENGINE_API uint32_t wtengine_write_batch_count(const wtengine_write_batch *b);

/* ---------------------------------------------------------------- the DB
 * A directory of NNNNNN.log WALs (RocksDB's log format), NNNNNN.sst
 * tables, a MANIFEST and CURRENT.  Open replays the WALs. */
typedef struct wtengine_db wtengine_db;

/* Opens (with create_if_missing: creates) the DB in dir; options NULL:
 * the defaults with create_if_missing.  OK: *out is the DB.  CORRUPTION:
 * the recovery mode refused what it found.  INVALID_ARGUMENT: a bad
 * option combination or a missing DB.  IO_ERROR, NO_SPACE: files. */
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_open(const wtengine_options *o,
                                                             const char *dir,
                                                             wtengine_db **out);
/* Closes and frees the DB; its status is the last one it reports (a
 * background error, a failed flush).  REQUIRES: no call in progress. */
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_close(wtengine_db *db);

/* The writes.  OK: durable as wo says and visible.  A failed WAL write or
 * sync is sticky: that write and every later one fail with its status. */
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_put(wtengine_db *db,
                                                            const wtengine_write_options *wo,
                                                            const char *key, size_t key_len,
                                                            const char *value, size_t value_len);
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_delete(wtengine_db *db,
                                                               const wtengine_write_options *wo,
                                                               const char *key, size_t key_len);
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_write(wtengine_db *db,
                                                              const wtengine_write_options *wo,
                                                              wtengine_write_batch *b);

/* The newest visible value of key.  OK: *value is a malloc'd copy (the
 * caller frees it with wtengine_free; it is NUL-terminated, not counted
 * in *value_len).  NOT_FOUND: absent or deleted, *value is NULL. */
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_get(wtengine_db *db, const char *key,
                                                            size_t key_len, char **value,
                                                            size_t *value_len);
WTENGINE_API void wtengine_free(void *p);

/* Calls fn for every live key in key order with its newest visible
 * value (valid during the call only); fn returns false to stop. */
typedef bool (*wtengine_scan_fn)(const char *key, size_t key_len, const char *value,
                                 size_t value_len, void *arg);
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_scan(wtengine_db *db,
                                                             wtengine_scan_fn fn, void *arg);

/* The last published (visible) sequence number. */
WTENGINE_API uint64_t wtengine_last_sequence(wtengine_db *db);

/* ------------------------------------------------------------- tracing
 * The trace hook: while on, every engine event (writer states, groups,
 * WAL writes and syncs, ...) is recorded by the thread that emits it and
 * written, when stopped, as a trace in wtlab's format (`wtlab plot FILE
 * -o chart.png`, `wtlab replay --text FILE`).  One trace per process.
 * start: OK recording; INVALID_ARGUMENT a trace is already on; otherwise
 * the file could not be created.  stop REQUIRES that every thread that
 * wrote, other than the caller, has been joined and the DB closed; OK:
 * the file is complete. */
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_trace_start(const char *path,
                                                                    const char *program);
WTENGINE_API WTENGINE_MUST_USE wtengine_status wtengine_trace_stop(void);
/* Names the calling thread in traces (a chart lane), e.g. "w1". */
WTENGINE_API void wtengine_trace_name_thread(const char *name);

#ifdef __cplusplus
}
#endif

#endif
