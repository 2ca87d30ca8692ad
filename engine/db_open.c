/*
 * db_open.c — options, recovery, open and close, and the introspection
 * accessors.  The top of the db*.c units: it calls db.c (replay inserts
 * batches with db_insert_batch) and db_flush.c, and nothing calls it.
 *
 * Open = the manifest (live tables, the oldest WAL still needed, the next
 * file number, the last sequence in tables) + the WALs from that one on,
 * replayed under the chosen WAL recovery mode (RocksDB's four: tolerate
 * corrupted tail records, absolute consistency, point in time, skip any
 * corrupted records) into a memtable that becomes the first immutable one
 * and is flushed in the background.  A new manifest and a new WAL are
 * started; obsolete WALs and manifests are deleted, and so are the
 * recovered WALs when they replayed nothing (so opens that write nothing
 * leave no trail of empty logs).  LOCK is held with an OS lock from open
 * to close.  An open never guesses: CURRENT missing while tables exist
 * is corruption (opening would orphan the tables), and every
 * WAL in the directory is read (no cap).  A read-only open does only the
 * recovery, into memory, and writes nothing.  Close flushes first
 * when a disableWAL write left data that no WAL holds (RocksDB's
 * has_unpersisted_data), or when flush_on_close asks for it.
 *
 * Thread safety: open and close run alone (no other call in progress).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"

/* ------------------------------------------------------------- options */

void wt_options_default(wt_options *o)
{
    memset(o, 0, sizeof *o);
    o->allow_concurrent_memtable_write = true;
    o->max_write_batch_group_size_bytes = 1 << 20;
    o->enable_write_thread_adaptive_yield = true;
    o->write_thread_max_yield_usec = 100;
    o->write_thread_slow_yield_usec = 3;
    o->write_buffer_size = 64u << 20;
    o->max_write_buffer_number = 2;
    o->wal_recovery_mode = WT_WAL_POINT_IN_TIME;
    o->paranoid_checks = true;
    o->active_writer_handoff = 128;
}

static const char *const recovery_mode_names[] = {
    "tolerate_corrupted_tail_records", "absolute_consistency", "point_in_time",
    "skip_any_corrupted_records"};

const char *wt_wal_recovery_mode_name(wt_wal_recovery_mode m)
{
    return (unsigned)m < WT_ARRAY_LEN(recovery_mode_names) ? recovery_mode_names[m] : "unknown";
}

bool wt_wal_recovery_mode_parse(const char *name, wt_wal_recovery_mode *out)
{
    for (unsigned i = 0; i < WT_ARRAY_LEN(recovery_mode_names); i++) {
        if (strcmp(name, recovery_mode_names[i]) == 0) {
            *out = (wt_wal_recovery_mode)i;
            return true;
        }
    }
    return false;
}

/* NULL when the options may be used together, else why not (RocksDB's
 * words where it has them). */
static const char *invalid_options(const wt_options *o)
{
    if (o->max_write_batch_group_size_bytes == 0) return "max_write_batch_group_size_bytes is 0";
    if (o->unordered_write && !o->allow_concurrent_memtable_write)
        return "unordered_write is incompatible with !allow_concurrent_memtable_write";
    if (o->unordered_write && o->enable_pipelined_write)
        return "unordered_write is incompatible with enable_pipelined_write";
    if (o->max_write_buffer_number < 1) return "max_write_buffer_number is below 1";
    if (o->write_buffer_size == 0) return "write_buffer_size is 0";
    if ((unsigned)o->wal_recovery_mode > WT_WAL_SKIP_ANY_CORRUPTED_RECORDS)
        return "unknown wal_recovery_mode";
    if (o->sync_prewake_usec > 1000000) return "sync_prewake_usec is above 1000000 (1 s)";
    if (o->max_active_writers > 4096) return "max_active_writers is above 4096";
    if (o->max_active_writers > 0 && (o->active_writer_handoff == 0 || o->active_writer_handoff > 1000000))
        return "active_writer_handoff is not in 1..1000000";
    return NULL;
}

/* --------------------------------------------------------- introspection */

const write_thread *wt_db_write_thread(const wt_db *db) { return &db->write_thread; }

const write_thread *wt_db_nonmem_write_thread(const wt_db *db) { return &db->nonmem_write_thread; }

uint64_t wt_db_current_log_number(wt_db *db) { return db->log ? wal_log_number(db->log) : 0; }

uint64_t wt_db_wal_offset(wt_db *db) { return db->log ? wal_file_size(db->log) : 0; }

const wt_options *wt_db_options(const wt_db *db) { return &db->opts; }

/* ------------------------------------------------------------- recovery */

typedef struct recovery {
    wt_db *db;
    wt_recovery_report *report;
    uint64_t next_seq;   /* sequence the next replayed batch should have */
    bool stopped;        /* point in time: replay stopped at a corruption */
    bool fail;           /* the mode refuses what was found */
    wt_status replay_error; /* a record's insert failed: the open fails with it */
} recovery;

typedef struct log_list {
    uint64_t *numbers;
    size_t count;
    size_t cap;
} log_list;

static void collect_log(const char *name, void *arg)
{
    log_list *l = arg;
    uint64_t number;
    if (!filename_parse_log(name, &number)) return; /* no cap: a skipped WAL is lost data */
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->numbers = port_realloc(l->numbers, l->cap * sizeof *l->numbers);
    }
    l->numbers[l->count++] = number;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Applies the recovery mode to one problem the reader reported.
 * Returns true when reading this file should continue. */
static bool handle_problem(recovery *rc, uint64_t log_number, const wal_problem *p)
{
    wt_recovery_report *r = rc->report;
    if (r->problems++ == 0) {
        r->problem_log_number = log_number;
        r->problem_offset = p->offset;
        r->problem_reason = p->reason;
        r->problem_at_tail = p->at_tail;
    }
    if (p->kind == WAL_PROBLEM_IO) {
        rc->fail = true;
        r->action = "open failed: read error";
        return false;
    }
    switch (rc->db->opts.wal_recovery_mode) {
    case WT_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS:
        if (p->at_tail) {
            if (r->action == NULL) r->action = "dropped the torn tail record";
            return true;
        }
        rc->fail = true;
        r->action = "open failed: corruption before the tail";
        return false;
    case WT_WAL_ABSOLUTE_CONSISTENCY:
        rc->fail = true;
        r->action = "open failed: any corruption is fatal (absolute consistency)";
        return false;
    case WT_WAL_POINT_IN_TIME:
        rc->stopped = true;
        if (r->action == NULL) r->action = "stopped replay at the first corruption (point in time)";
        return false;
    case WT_WAL_SKIP_ANY_CORRUPTED_RECORDS:
        if (r->action == NULL) r->action = "skipped corrupted records";
        return true;
    }
    return false;
}

/* Replays one WAL record.  WT_CORRUPTION when the record is not a valid
 * batch (the recovery mode decides); any other error is the memtable's
 * (an injected fault, a record it cannot hold) and fails the open: it
 * says nothing about the WAL, so dropping the record would lose it. */
static wt_status replay_record(recovery *rc, wt_slice rec)
{
    if (wt_batch_validate(rec.data, rec.size) != WT_OK) return WT_CORRUPTION;
    wt_write_batch b;
    wt_batch_init(&b);
    if (wt_batch_set_contents(&b, rec.data, rec.size) != WT_OK) {
        wt_batch_destroy(&b);
        return WT_CORRUPTION;
    }
    uint64_t seq = wt_batch_sequence(&b), count = wt_batch_count(&b);
    /* After a point-in-time stop, only a batch that continues the sequence
     * exactly may resume replay (it comes from a later, intact WAL). */
    if (rc->stopped && seq != rc->next_seq) {
        wt_batch_destroy(&b);
        return WT_OK;
    }
    rc->stopped = false;
    wt_status s = db_insert_batch(rc->db->mem, &b, seq, false, port_thread_id());
    wt_batch_destroy(&b);
    if (s != WT_OK) return s;
    rc->report->records++;
    rc->db->recovered_entries += count;
    if (count > 0 && seq + count - 1 > rc->report->last_sequence)
        rc->report->last_sequence = seq + count - 1;
    if (seq + count > rc->next_seq) rc->next_seq = seq + count;
    return WT_OK;
}

static wt_status recover_log(recovery *rc, uint64_t number)
{
    char path[FILENAME_PATH_MAX];
    port_file *f;
    wt_status s = port_file_open(filename_log(path, sizeof path, rc->db->dir, number),
                                 PORT_OPEN_READ, &f);
    if (s != WT_OK) {
        wt_why(rc->report->detail, sizeof rc->report->detail, "%s: cannot open: %s", path,
               wt_status_name(s));
        return s;
    }
    wal_reader *reader = wal_reader_create(f, number);
    rc->report->wal_files++;
    for (bool more = true; more && !rc->fail;) {
        wt_slice rec;
        uint64_t offset;
        wal_problem p;
        switch (wal_read_record(reader, &rec, &offset, &p)) {
        case WAL_READ_RECORD:
            s = replay_record(rc, rec);
            if (s == WT_CORRUPTION) {
                wal_problem bad = {WAL_PROBLEM_CHECKSUM, offset, rec.size, false,
                                   "record is not a valid write batch"};
                more = handle_problem(rc, number, &bad);
            } else if (s != WT_OK) {
                wt_why(rc->report->detail, sizeof rc->report->detail,
                       "%s: offset %llu: replaying the record failed: %s", path,
                       (unsigned long long)offset, wt_status_name(s));
                rc->report->action = "open failed: a record could not be replayed";
                rc->replay_error = s;
                more = false;
            }
            break;
        case WAL_READ_EOF:
            more = false;
            break;
        case WAL_READ_PROBLEM:
            more = handle_problem(rc, number, &p);
            break;
        }
    }
    wal_reader_destroy(reader);
    return rc->replay_error;
}

/* ------------------------------------------------------------ manifest */

typedef struct dir_listing {
    log_list logs;
    uint64_t max_number;   /* of every numbered file: WALs, tables, manifests */
    uint64_t manifest_count, table_count;
} dir_listing;

static void collect_file(const char *name, void *arg)
{
    dir_listing *l = arg;
    uint64_t n;
    if (filename_parse_log(name, &n)) {
        collect_log(name, &l->logs);
    } else if (filename_parse_manifest(name, &n)) {
        l->manifest_count++;
    } else if (filename_parse_table(name, &n)) {
        l->table_count++;
    } else {
        return;
    }
    if (n > l->max_number) l->max_number = n;
}

/* The manifest's state (or a fresh one) and its live tables. */
static wt_status load_version(wt_db *db, wt_recovery_report *report, const dir_listing *dl)
{
    wt_status s = manifest_recover(db->dir, &db->vs, report->detail, sizeof report->detail);
    if (s == WT_NOT_FOUND && dl->table_count > 0) {
        /* Starting afresh would write a new manifest that knows none of
         * the tables, and delete the old one.  Manifests without tables
         * are what a crash while creating the DB leaves (the manifest is
         * written before CURRENT): nothing to orphan, so, as RocksDB does
         * with create_if_missing, the DB is created anew (its WALs are
         * still replayed). */
        wt_why(report->detail, sizeof report->detail,
               "%s/CURRENT: missing, but the directory holds %llu manifest(s) and %llu "
               "table(s); refusing to open (restore CURRENT, or move the files away)",
               db->dir, (unsigned long long)dl->manifest_count,
               (unsigned long long)dl->table_count);
        report->action = "open failed: CURRENT is missing";
        return WT_CORRUPTION;
    }
    if (s == WT_NOT_FOUND && db->read_only) {
        wt_why(report->detail, sizeof report->detail,
               "%s/CURRENT: does not exist (a read-only open creates nothing)", db->dir);
        return WT_INVALID_ARGUMENT;
    }
    if (s == WT_NOT_FOUND) { /* a new DB, or one that only has WALs */
        version_state_free(&db->vs);
        version_state_init(&db->vs);
        db->vs.next_file_number = 1;
        report->detail[0] = '\0';
        return WT_OK;
    }
    for (size_t i = 0; s == WT_OK && i < db->vs.file_count; i++)
        s = db_open_table(db, db->vs.files[i].number, db->vs.files[i].file_size, report->detail,
                          sizeof report->detail);
    if (s != WT_OK && report->action == NULL) report->action = "open failed: manifest or table";
    return s;
}

/* Replays the WALs from the manifest's log_number on. */
static wt_status replay_logs(wt_db *db, wt_recovery_report *report, dir_listing *dl)
{
    if (dl->logs.count > 0) qsort(dl->logs.numbers, dl->logs.count, sizeof *dl->logs.numbers, compare_u64);
    recovery rc = {db, report, db->vs.last_sequence + 1, false, false, WT_OK};
    report->last_sequence = db->vs.last_sequence;
    wt_status s = WT_OK;
    for (size_t i = 0; i < dl->logs.count && s == WT_OK && !rc.fail; i++) {
        /* Below log_number: in tables already, left by a failed unlink;
         * alive only until start_db deletes it. */
        if (dl->logs.numbers[i] >= db->vs.log_number) s = recover_log(&rc, dl->logs.numbers[i]);
        if (s == WT_OK) db_add_alive_log(db, dl->logs.numbers[i]);
    }
    if (s == WT_OK && rc.fail) s = WT_CORRUPTION;
    report->data_dropped = s == WT_OK && report->problems > 0;
    return s;
}

/* Replays everything; sets the sequences and the next file number. */
static wt_status recover(wt_db *db, wt_recovery_report *report)
{
    dir_listing dl;
    memset(&dl, 0, sizeof dl);
    wt_status s = port_list_dir(db->dir, collect_file, &dl);
    if (s == WT_OK) s = load_version(db, report, &dl);
    if (s == WT_OK) s = replay_logs(db, report, &dl);
    port_free(dl.logs.numbers);
    if (dl.max_number >= db->vs.next_file_number) db->vs.next_file_number = dl.max_number + 1;
    uint64_t last = wt_max_u64(report->last_sequence, db->vs.last_sequence);
    report->last_sequence = last;
    port_atomic_store_u64(&db->last_sequence, last, PORT_RELEASE);
    port_atomic_store_u64(&db->last_allocated_sequence, last, PORT_RELEASE);
    db->write_thread.last_sequence = last;
    db_emit(PORT_EV_RECOVERY, port_thread_id(), s, report->records, last,
            report->problems ? report->problem_offset + 1 : 0, 0);
    return s;
}

static void delete_old_manifest(const char *name, void *arg)
{
    const wt_db *db = arg;
    uint64_t n;
    char path[FILENAME_PATH_MAX];
    if (filename_parse_manifest(name, &n) && n != manifest_number(db->man)) {
        snprintf(path, sizeof path, "%s/%s", db->dir, name);
        wt_best_effort(port_unlink(path));
    }
}

/* --------------------------------------------------------- open, close */

static wt_status open_new_log(wt_db *db, uint64_t number)
{
    char path[FILENAME_PATH_MAX];
    port_file *f;
    wt_status s = port_file_open(filename_log(path, sizeof path, db->dir, number),
                                 PORT_OPEN_CREATE, &f);
    if (s != WT_OK) return s;
    db->log = wal_writer_create(f, number, 0);
    db_add_alive_log(db, number);
    return port_sync_dir(db->dir);
}

/* What recovery replayed waits for flush as the first immutable memtable. */
static void retire_recovered_memtable(wt_db *db)
{
    uint64_t last = wt_db_last_sequence(db);
    if (memtable_entry_count(db->mem) > 0) {
        db->imm = port_alloc(sizeof *db->imm);
        db->imm_cap = 1;
        db->imm[db->imm_count++] =
            (imm_memtable){db->mem, wal_log_number(db->log), db->vs.last_sequence + 1, last};
        port_atomic_store_u32(&db->imm_count_hint, 1, PORT_RELAXED);
        db->mem = memtable_create(DB_ARENA_BLOCK);
        memtable_set_id(db->mem, ++db->memtables_made);
    }
    db->mem_min_seq = last + 1;
}

/* After recovery: a new manifest, a new WAL, the flush thread. */
static wt_status start_db(wt_db *db)
{
    uint64_t number = db->vs.next_file_number++;
    uint64_t log_number = db->vs.next_file_number++;
    if (db->recovered_entries == 0) { /* (memtable_entry_count is a sim step) */
        /* Recovery put nothing in memory: no recovered WAL is needed any
         * more (once this manifest is durable), so the new WAL is the
         * oldest one to keep and the older ones are deleted below. */
        db->vs.log_number = log_number;
        /* The plain copy recovery set: an atomic load is a sim step. */
        db->vs.last_sequence = wt_max_u64(db->vs.last_sequence, db->write_thread.last_sequence);
    }
    wt_status s = manifest_create_new(db->dir, number, &db->vs, &db->man);
    if (s != WT_OK) return s;
    s = port_list_dir(db->dir, delete_old_manifest, db);
    if (s == WT_OK) s = open_new_log(db, log_number);
    if (s != WT_OK) return s;
    retire_recovered_memtable(db);
    if (db->alive_logs[0] < db->vs.log_number) { /* only then: a lock is a sim step */
        port_mutex_lock(&db->mutex);
        db_delete_obsolete_logs(db);
        port_mutex_unlock(&db->mutex);
    }
    return db_start_flush_thread(db);
}

static wt_db *db_alloc(const wt_options *o, const char *dir)
{
    wt_db *db = port_alloc_zeroed(sizeof *db);
    db->opts = *o;
    db->dir = port_alloc(strlen(dir) + 1);
    strcpy(db->dir, dir);
    port_mutex_init(&db->mutex, "DBImpl::mutex_");
    port_cond_init(&db->bg_cv, "DBImpl::bg_cv_");
    port_mutex_init(&db->log_write_mutex, "DBImpl::log_write_mutex_");
    port_cond_init(&db->log_sync_cv, "DBImpl::log_sync_cv_");
    port_mutex_init(&db->switch_mutex, "DBImpl::switch_mutex_");
    port_cond_init(&db->switch_cv, "DBImpl::switch_cv_");
    write_thread_options wto = {
        .allow_concurrent_memtable_write = o->allow_concurrent_memtable_write,
        .enable_pipelined_write = o->enable_pipelined_write,
        .max_write_batch_group_size_bytes = o->max_write_batch_group_size_bytes,
        .max_yield_usec = o->enable_write_thread_adaptive_yield ? o->write_thread_max_yield_usec : 0,
        .slow_yield_usec = o->write_thread_slow_yield_usec,
        .sync_group_fill = o->sync_group_fill,
        .sync_prewake_usec = o->sync_prewake_usec,
        .sync_overlap_insert = o->sync_overlap_insert,
        .strict_yield_credit = o->strict_yield_credit,
        .join_park_behind_parked = o->join_park_behind_parked,
    };
    write_thread_init(&db->write_thread, "write_thread", WT_QUEUE_WRITE, &wto);
    wto.enable_pipelined_write = false;
    write_thread_init(&db->nonmem_write_thread, "nonmem_write_thread", WT_QUEUE_NONMEM, &wto);
    write_gate_init(&db->gate, (uint32_t)o->max_active_writers, (uint32_t)o->active_writer_handoff);
    port_atomic_init_u64(&db->last_sequence, 0);
    port_atomic_init_u64(&db->last_allocated_sequence, 0);
    port_atomic_init_u64(&db->pending_memtable_writes, 0);
    port_atomic_init_u32(&db->bg_error, WT_OK);
    port_atomic_init_u32(&db->imm_count_hint, 0);
    port_atomic_init_u32(&db->has_unpersisted_data, 0);
    wt_batch_init(&db->merge_main);
    wt_batch_init(&db->merge_nonmem);
    version_state_init(&db->vs);
    db->mem = memtable_create(DB_ARENA_BLOCK);
    memtable_set_id(db->mem, db->memtables_made = 1);
    db->mem_min_seq = 1;
    return db;
}

static wt_status db_free(wt_db *db)
{
    wt_status s = WT_OK;
    port_unlock_file(db->lock); /* last: the files are closed (below) or no longer change */
    if (db->log != NULL) s = wal_writer_close(db->log);
    if (db->man != NULL) {
        wt_status m = manifest_close(db->man);
        if (s == WT_OK) s = m;
    }
    for (size_t i = 0; i < db->table_count; i++) table_close(db->tables[i].t);
    for (size_t i = 0; i < db->imm_count; i++) memtable_destroy(db->imm[i].mem);
    memtable_destroy(db->mem);
    port_free(db->tables);
    port_free(db->imm);
    port_free(db->alive_logs);
    version_state_free(&db->vs);
    wt_batch_destroy(&db->merge_main);
    wt_batch_destroy(&db->merge_nonmem);
    write_thread_destroy(&db->nonmem_write_thread);
    write_thread_destroy(&db->write_thread);
    write_gate_destroy(&db->gate);
    port_cond_destroy(&db->switch_cv);
    port_mutex_destroy(&db->switch_mutex);
    port_cond_destroy(&db->log_sync_cv);
    port_mutex_destroy(&db->log_write_mutex);
    port_cond_destroy(&db->bg_cv);
    port_mutex_destroy(&db->mutex);
    port_free(db->dir);
    port_free(db);
    return s;
}

/* Takes DIR/LOCK for the life of the DB (RocksDB: "While lock file:
 * DIR/LOCK: Resource temporarily unavailable" is an IO error). */
static wt_status lock_db(wt_db *db, wt_recovery_report *report)
{
    char path[FILENAME_PATH_MAX];
    snprintf(path, sizeof path, "%s/LOCK", db->dir);
    wt_status s = port_lock_file(path, &db->lock);
    if (s == WT_OK) return WT_OK;
    db->lock = NULL;
    wt_why(report->detail, sizeof report->detail, "%s: %s", path,
           s == WT_BUSY ? "held by another open of this DB (one process at a time)"
                        : wt_status_name(s));
    report->action = "open failed: LOCK";
    return WT_IO_ERROR;
}

static wt_status open_db(const wt_options *o, const char *dir, bool read_only, wt_db **out,
                         wt_recovery_report *report)
{
    memset(report, 0, sizeof *report);
    report->mode = o->wal_recovery_mode;
    const char *invalid = invalid_options(o);
    if (invalid != NULL) {
        wt_why(report->detail, sizeof report->detail, "options: %s", invalid);
        return WT_INVALID_ARGUMENT;
    }
    wt_status s;
    if (o->create_if_missing && !read_only) {
        s = port_mkdir(dir);
        if (s != WT_OK) return s;
    } else if (!port_exists(dir)) {
        wt_why(report->detail, sizeof report->detail,
               "%s: does not exist (create_if_missing is false)", dir);
        return WT_INVALID_ARGUMENT;
    }
    wt_db *db = db_alloc(o, dir);
    db->read_only = read_only;
    s = read_only ? WT_OK : lock_db(db, report);
    if (s == WT_OK) s = recover(db, report);
    if (s == WT_OK && !read_only) s = start_db(db);
    if (s != WT_OK) {
        db_stop_flush_thread(db);
        (void)db_free(db);
        return s;
    }
    *out = db;
    return WT_OK;
}

wt_status wt_db_open(const wt_options *o, const char *dir, wt_db **out, wt_recovery_report *report)
{
    wt_recovery_report scratch;
    return open_db(o, dir, false, out, report ? report : &scratch);
}

wt_status wt_db_open_read_only(const wt_options *o, const char *dir, wt_db **out,
                               wt_recovery_report *report)
{
    wt_recovery_report scratch;
    return open_db(o, dir, true, out, report ? report : &scratch);
}

wt_status wt_db_close(wt_db *db)
{
    WT_ASSERT(port_atomic_load_u64(&db->pending_memtable_writes, PORT_ACQUIRE) == 0);
    wt_status s = WT_OK;
    bool unpersisted = port_atomic_load_u32(&db->has_unpersisted_data, PORT_ACQUIRE) != 0;
    if ((unpersisted || db->opts.flush_on_close) && !db->read_only &&
        wt_db_background_error(db) == WT_OK)
        s = db_flush_all(db);
    db_stop_flush_thread(db);
    wt_status f = db_free(db);
    return s != WT_OK ? s : f;
}
