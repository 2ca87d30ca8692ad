/*
 * db_impl.h — the DB's inside, shared by db_impl.c (events, background
 * error, sequences), db.c (write paths), db_flush.c (memtable switch,
 * flush, stalls), db_read.c (get, scan) and db_open.c (recovery, open,
 * close).  Not a public header.  The units call each other only downwards
 * (the order is in db_impl.c); the functions below are grouped by the
 * unit that defines them.
 *
 * Locks and who owns what:
 *  - `mutex` (RocksDB's DBImpl::mutex_) guards the immutable memtable list,
 *    the live tables, the version state and manifest, the stall state and
 *    the flush thread's shutdown flag.  Reads hold it while they search.
 *  - `log_write_mutex` serialises WAL appends when two leaders can append
 *    (two write queues, unordered write) and guards swapping `log`.
 *    Order: mutex before log_write_mutex.
 *  - `mem` is replaced only by the main queue's leader in PreprocessWrite,
 *    under `mutex`, after every earlier memtable writer has finished.
 *  - The main queue's leader owns `merge_main`, `group_wal_start` and, in
 *    single-queue mode, the WAL writer; the second queue's leader owns
 *    `merge_nonmem`.
 */
#ifndef WT_DB_IMPL_H
#define WT_DB_IMPL_H

#include "db.h"
#include "filename.h"
#include "manifest.h"
#include "memtable.h"
#include "table.h"
#include "write_gate.h"

enum {
    DB_ARENA_BLOCK = 1 << 20,
    DB_ERROR_DETAIL_MAX = 256,   /* wt_db_error_detail's text */
};

/* A memtable that is full and waits for its flush.  It holds exactly the
 * sequences min_seq..max_seq; WALs numbered below next_log hold nothing
 * newer than it. */
typedef struct imm_memtable {
    memtable *mem;
    uint64_t next_log;
    uint64_t min_seq, max_seq;
} imm_memtable;

typedef struct live_table {
    uint64_t number;
    table *t;
} live_table;

struct wt_db {
    wt_options opts;
    char *dir;
    bool read_only;                 /* wt_db_open_read_only: no file is written */
    port_lock *lock;                /* DIR/LOCK, held from open to close (NULL: read only) */
    uint64_t recovered_entries;     /* open: counted records replayed into mem */
    char error_detail[DB_ERROR_DETAIL_MAX]; /* under mutex: where the last read failed */
    port_mutex mutex;
    port_cond bg_cv;                /* flush progress: the flush thread and stalled leaders */
    write_thread write_thread;
    write_thread nonmem_write_thread;
    write_gate gate;                /* max_active_writers (write_gate.c); off: limit 0 */
    port_atomic_u64 last_sequence;
    port_atomic_u64 last_allocated_sequence;
    port_mutex log_write_mutex;
    port_cond log_sync_cv;          /* with log_write_mutex: a sync outside the lock ended */
    unsigned log_syncs_in_flight;   /* under log_write_mutex: syncs of `log` running unlocked */
    wal_writer *log;
    uint64_t group_wal_start;       /* WAL size before the current main group's record */
    wt_write_group *overlap_group;  /* sync_overlap_insert: the main leader's group whose
                                       inserts it offers during its fsync (NULL: none) */
    memtable *mem;
    uint64_t memtables_made;        /* memtable ids: the active one's is this count */
    uint64_t mem_min_seq;           /* the first sequence the active memtable may hold */
    imm_memtable *imm;              /* oldest first */
    size_t imm_count, imm_cap;
    port_atomic_u32 imm_count_hint; /* imm_count, readable without the mutex */
    live_table *tables;             /* ascending file number (oldest first) */
    size_t table_count, table_cap;
    version_state vs;
    manifest *man;
    uint64_t *alive_logs;           /* WAL numbers not yet obsolete, ascending */
    size_t alive_log_count, alive_log_cap;
    port_thread *flush_thread;
    bool shutting_down;
    bool flushing;                  /* the flush thread is writing a table */
    port_atomic_u32 has_unpersisted_data; /* a disableWAL write landed */
    wt_write_batch merge_main;
    wt_write_batch merge_nonmem;
    port_atomic_u64 pending_memtable_writes; /* unordered: inserts not yet done */
    port_mutex switch_mutex;
    port_cond switch_cv;
    port_atomic_u32 bg_error;       /* wt_status; sticky once set */
    uint64_t last_batch_group_size;
};

/* db_impl.c */
void db_emit(port_event_kind kind, uint32_t writer, wt_status status, uint64_t a, uint64_t b,
             uint64_t c, uint64_t d);
/* A failed WAL write, memtable insert or flush stops later writes until
 * reopen (paranoid_checks); busy/incomplete never do.  The _locked form
 * REQUIRES: mutex held. */
void db_set_background_error(wt_db *db, wt_status s);
void db_set_background_error_locked(wt_db *db, wt_status s);

/* db.c */
/* Inserts one batch's counted records into mem at seq, seq+1, ... (the
 * write paths and WAL replay).  WT_NOT_SUPPORTED: a record the memtable
 * cannot hold; WT_CORRUPTION: the batch does not parse. */
WT_MUST_USE wt_status db_insert_batch(memtable *mem, const wt_write_batch *b, uint64_t seq,
                                      bool concurrent, uint32_t owner);

/* db_flush.c */
/* Makes the active memtable immutable behind a new WAL (RocksDB's
 * SwitchMemtable), after waiting for earlier groups' memtable inserts.
 * A failed WAL switch becomes the background error and is returned.
 * REQUIRES: mutex held (released while waiting); the caller leads the
 * main queue, or no write is in flight. */
WT_MUST_USE wt_status db_switch_memtable(wt_db *db);
/* Stalls the main queue while max_write_buffer_number memtables wait for
 * flush (RocksDB's DelayWrite, memtable-count stop only).  WT_INCOMPLETE
 * for no_slowdown instead of waiting; else the background error, WT_OK
 * when none.  REQUIRES: mutex held (released while waiting); the caller
 * leads the main queue. */
WT_MUST_USE wt_status db_delay_write(wt_db *db, bool no_slowdown);
WT_MUST_USE wt_status db_start_flush_thread(wt_db *db);
/* Makes the active memtable immutable (if it holds anything) and waits
 * until every immutable memtable is flushed.  REQUIRES: no write in flight. */
WT_MUST_USE wt_status db_flush_all(wt_db *db);
void db_stop_flush_thread(wt_db *db);
void db_add_alive_log(wt_db *db, uint64_t number);
/* Deletes WAL files below the version's log_number.  REQUIRES: mutex held. */
void db_delete_obsolete_logs(wt_db *db);
WT_MUST_USE wt_status db_open_table(wt_db *db, uint64_t number, uint64_t size, char *why,
                                    size_t why_cap);

#endif
