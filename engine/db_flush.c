/*
 * db_flush.c — memtable switch, background flush, write stalls, and the
 * bookkeeping of live tables and WALs.
 *
 * When the active memtable reaches write_buffer_size, the next main-queue
 * leader (in db.c's PreprocessWrite) calls db_switch_memtable: it waits
 * for earlier memtable writers, starts a new WAL, and makes the memtable
 * immutable.  The flush thread writes the oldest immutable memtable to a
 * table file, records it in the manifest together with the oldest WAL still
 * needed, and deletes the WALs it made obsolete.  While max_write_buffer_number
 * immutable memtables wait, db_delay_write stalls the queue with RocksDB's
 * mechanism (BeginWriteStall: the stall dummy heads the writer list, so new
 * writers wait or, with no_slowdown, fail with WT_INCOMPLETE) until a flush
 * finishes.  Nothing here calls the write paths (db.c) or recovery
 * (db_open.c); they call in.
 *
 * Thread safety: see db_impl.h.  Every wait here releases the DB mutex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugs.h"
#include "db_impl.h"

/* ---------------------------------------------------------- bookkeeping */

void db_add_alive_log(wt_db *db, uint64_t number)
{
    if (db->alive_log_count == db->alive_log_cap) {
        db->alive_log_cap = db->alive_log_cap ? db->alive_log_cap * 2 : 8;
        db->alive_logs = port_realloc(db->alive_logs, db->alive_log_cap * sizeof *db->alive_logs);
    }
    WT_ASSERT(db->alive_log_count == 0 || db->alive_logs[db->alive_log_count - 1] < number);
    db->alive_logs[db->alive_log_count++] = number;
}

void db_delete_obsolete_logs(wt_db *db)
{
    port_mutex_assert_held(&db->mutex);
    size_t keep = 0;
    char path[FILENAME_PATH_MAX];
    for (size_t i = 0; i < db->alive_log_count; i++) {
        uint64_t n = db->alive_logs[i];
        if (n >= db->vs.log_number) {
            db->alive_logs[keep++] = n;
            continue;
        }
        /* Its data is in tables now; a failed unlink only leaves a file
         * that recovery will skip. */
        wt_best_effort(port_unlink(filename_log(path, sizeof path, db->dir, n)));
    }
    db->alive_log_count = keep;
}

/* Opens table `number` of `size` bytes; `why` names the file on failure. */
static wt_status open_table_file(wt_db *db, uint64_t number, uint64_t size, table **out,
                                 char *why, size_t why_cap)
{
    char path[FILENAME_PATH_MAX];
    port_file *f;
    wt_status s = port_file_open(filename_table(path, sizeof path, db->dir, number),
                                 PORT_OPEN_READ, &f);
    if (s != WT_OK) {
        wt_why(why, why_cap, "%s: cannot open: %s", path, wt_status_name(s));
        return s;
    }
    char reason[200];
    s = table_open(f, size, out, reason, sizeof reason);
    if (s != WT_OK) wt_why(why, why_cap, "%s: %s", path, reason);
    return s;
}

/* Appends an open table to the live ones (newest last).  Takes t. */
static void add_live_table(wt_db *db, uint64_t number, table *t)
{
    if (db->table_count == db->table_cap) {
        db->table_cap = db->table_cap ? db->table_cap * 2 : 8;
        db->tables = port_realloc(db->tables, db->table_cap * sizeof *db->tables);
    }
    db->tables[db->table_count++] = (live_table){number, t};
}

wt_status db_open_table(wt_db *db, uint64_t number, uint64_t size, char *why, size_t why_cap)
{
    table *t;
    wt_status s = open_table_file(db, number, size, &t, why, why_cap);
    if (s == WT_OK) add_live_table(db, number, t);
    return s;
}

/* Reads a table the flush just wrote back before anything durable names
 * it (RocksDB's BuildTable checks an iterator over the new file; with
 * paranoid_checks every entry is read, as paranoid_file_checks does): a
 * table that cannot be read must never replace the WAL holding the same
 * data.  *out is the open table on WT_OK. */
static wt_status verify_table(wt_db *db, uint64_t number, const table_properties *props,
                              table **out, char *why, size_t why_cap)
{
    wt_status s = open_table_file(db, number, props->file_size, out, why, why_cap);
    if (s != WT_OK || !db->opts.paranoid_checks) return s;
    table_iter *it = table_iter_create(*out);
    uint64_t entries = 0;
    for (table_iter_seek_to_first(it); table_iter_valid(it); table_iter_next(it)) entries++;
    const char *reason;
    s = table_iter_status(it, &reason);
    char path[FILENAME_PATH_MAX];
    filename_table(path, sizeof path, db->dir, number);
    if (s != WT_OK) wt_why(why, why_cap, "%s: %s", path, reason);
    if (s == WT_OK && entries != props->entries) {
        wt_why(why, why_cap, "%s: reads back %llu entries, the flush wrote %llu", path,
                 (unsigned long long)entries, (unsigned long long)props->entries);
        s = WT_CORRUPTION;
    }
    table_iter_destroy(it);
    if (s != WT_OK) table_close(*out);
    return s;
}

/* ----------------------------------------------------------------- switch */

/* Waits until no memtable insert of an earlier group is running.
 * REQUIRES: mutex held (released while waiting). */
static void wait_for_pending_writes(wt_db *db)
{
    port_mutex_assert_held(&db->mutex);
    PORT_SYNC_POINT("DBImpl::WaitForPendingWrites:BeforeBlock");
    if (db->opts.enable_pipelined_write) {
        port_mutex_unlock(&db->mutex);
        wt_wait_for_memtable_writers(&db->write_thread);
        port_mutex_lock(&db->mutex);
    }
    if (db->opts.unordered_write &&
        port_atomic_load_u64(&db->pending_memtable_writes, PORT_ACQUIRE) > 0) {
        port_mutex_unlock(&db->mutex);
        port_mutex_lock(&db->switch_mutex);
        while (port_atomic_load_u64(&db->pending_memtable_writes, PORT_ACQUIRE) > 0)
            port_cond_wait(&db->switch_cv, &db->switch_mutex);
        port_mutex_unlock(&db->switch_mutex);
        port_mutex_lock(&db->mutex);
    }
}

/* Starts a new WAL; syncs and closes the old one (so a later sync write
 * never leaves an unsynced gap behind it).  REQUIRES: mutex held. */
static wt_status switch_wal(wt_db *db, uint64_t *new_number)
{
    port_mutex_assert_held(&db->mutex);
    char path[FILENAME_PATH_MAX];
    uint64_t number = db->vs.next_file_number++;
    port_file *f;
    wt_status s = port_file_open(filename_log(path, sizeof path, db->dir, number),
                                 PORT_OPEN_CREATE, &f);
    if (s == WT_OK) s = port_sync_dir(db->dir);
    if (s != WT_OK) return s;
    wal_writer *fresh = wal_writer_create(f, number, 0);
    port_mutex_lock(&db->log_write_mutex);
    while (db->log_syncs_in_flight > 0) /* a second-queue leader syncs the old WAL */
        port_cond_wait(&db->log_sync_cv, &db->log_write_mutex);
    wal_writer *old = db->log;
    s = wal_sync(old);
    db->log = fresh;
    port_mutex_unlock(&db->log_write_mutex);
    wt_status c = wal_writer_close(old);
    db_add_alive_log(db, number);
    *new_number = number;
    return s != WT_OK ? s : c;
}

/* The active memtable becomes immutable; a new one takes its place.
 * REQUIRES: mutex held; the caller leads the main queue. */
wt_status db_switch_memtable(wt_db *db)
{
    port_mutex_assert_held(&db->mutex);
    wait_for_pending_writes(db);
    PORT_SYNC_POINT("DBImpl::SwitchMemtable:Start");
    uint64_t last = wt_db_last_sequence(db), new_log = 0;
    wt_status s = switch_wal(db, &new_log);
    if (s != WT_OK) {
        db_set_background_error_locked(db, s);
        return s;
    }
    if (db->imm_count == db->imm_cap) {
        db->imm_cap = db->imm_cap ? db->imm_cap * 2 : 4;
        db->imm = port_realloc(db->imm, db->imm_cap * sizeof *db->imm);
    }
    db->imm[db->imm_count++] = (imm_memtable){db->mem, new_log, db->mem_min_seq, last};
    port_atomic_store_u32(&db->imm_count_hint, (uint32_t)db->imm_count, PORT_RELAXED);
    db->mem = memtable_create(DB_ARENA_BLOCK);
    memtable_set_id(db->mem, ++db->memtables_made);
    db->mem_min_seq = last + 1;
    db_emit(PORT_EV_MEMTABLE_SWITCH, port_thread_id(), WT_OK, new_log, db->imm_count, 0, 0);
    port_cond_broadcast(&db->bg_cv);
    return WT_OK;
}

/* ----------------------------------------------------------------- stalls */

/* Writes stop while max_write_buffer_number memtables wait for flush
 * (RocksDB's memtable-count stop).  REQUIRES: mutex held. */
wt_status db_delay_write(wt_db *db, bool no_slowdown)
{
    port_mutex_assert_held(&db->mutex);
    PORT_SYNC_POINT("DBImpl::DelayWrite:Start");
    while (db->imm_count >= (size_t)db->opts.max_write_buffer_number &&
           wt_db_background_error(db) == WT_OK && !db->shutting_down) {
        if (no_slowdown) return WT_INCOMPLETE; /* "Write stall" */
        db_emit(PORT_EV_STALL_BEGIN, port_thread_id(), WT_OK, db->imm_count, 0, 0, 0);
        wt_begin_write_stall(&db->write_thread);
        PORT_SYNC_POINT("DBImpl::DelayWrite:Wait");
        port_cond_wait(&db->bg_cv, &db->mutex);
        wt_end_write_stall(&db->write_thread);
        db_emit(PORT_EV_STALL_END, port_thread_id(), WT_OK, db->imm_count, 0, 0, 0);
    }
    return wt_db_background_error(db);
}

/* ------------------------------------------------------------------ flush */

/* Writes mem into table `number`.  Called without the mutex: an immutable
 * memtable no longer changes. */
static wt_status build_table(wt_db *db, memtable *mem, uint64_t number, table_properties *props)
{
    char path[FILENAME_PATH_MAX];
    port_file *f;
    wt_status s = port_file_open(filename_table(path, sizeof path, db->dir, number),
                                 PORT_OPEN_CREATE, &f);
    if (s != WT_OK) return s;
    table_builder *b = table_builder_create(f);
    memtable_iter it;
    memtable_iter_init(&it, mem);
    for (memtable_iter_seek_to_first(&it); memtable_iter_valid(&it); memtable_iter_next(&it))
        table_builder_add(b, memtable_iter_key(&it), memtable_iter_sequence(&it),
                          memtable_iter_type(&it), memtable_iter_value(&it));
    /* Injected bug: "the builder has every entry now" -- but the memtable
     * stays in the immutable list, where readers search it, until the
     * table is installed. */
    if (WT_BUG(FREE_MEMTABLE_EARLY)) memtable_destroy(mem);
    s = table_builder_finish(b, props);
    if (s != WT_OK) wt_best_effort(port_unlink(path));
    return s;
}

/* Records the flushed table (or just the new WAL boundary when the
 * memtable was empty) and retires the memtable.  REQUIRES: mutex held. */
static wt_status install_flush(wt_db *db, const imm_memtable *im, uint64_t number,
                               const table_properties *props, table *t)
{
    port_mutex_assert_held(&db->mutex);
    version_edit e;
    version_edit_init(&e);
    if (props->entries > 0) version_edit_add_table(&e, number, props);
    version_edit_set_log_number(&e, im->next_log);
    version_edit_set_next_file_number(&e, db->vs.next_file_number);
    version_edit_set_last_sequence(&e, wt_max_u64(db->vs.last_sequence, im->max_seq));
    PORT_SYNC_POINT("DBImpl::FlushJob:InstallResults");
    wt_status s = manifest_log_and_apply(db->man, &e, &db->vs);
    version_edit_free(&e);
    if (s != WT_OK) {
        if (t != NULL) table_close(t);
        return s;
    }
    if (t != NULL) add_live_table(db, number, t); /* verified by flush_oldest */
    /* Readers search under the mutex we hold.  (The injected bug freed a
     * memtable that had entries already, in build_table.) */
    if (!WT_BUG(FREE_MEMTABLE_EARLY) || props->entries == 0) memtable_destroy(db->imm[0].mem);
    memmove(db->imm, db->imm + 1, (db->imm_count - 1) * sizeof *db->imm);
    db->imm_count--;
    port_atomic_store_u32(&db->imm_count_hint, (uint32_t)db->imm_count, PORT_RELAXED);
    db_delete_obsolete_logs(db);
    return WT_OK;
}

/* Flushes the oldest immutable memtable.  REQUIRES: mutex held (released
 * while the table is written). */
static wt_status flush_oldest(wt_db *db)
{
    port_mutex_assert_held(&db->mutex);
    imm_memtable im = db->imm[0];
    uint64_t number = db->vs.next_file_number++;
    uint64_t entries = memtable_entry_count(im.mem);
    db->flushing = true;
    db_emit(PORT_EV_FLUSH_BEGIN, port_thread_id(), WT_OK, number, entries, memtable_id(im.mem),
            im.max_seq);
    table_properties props;
    table_properties_init(&props);
    port_mutex_unlock(&db->mutex);
    wt_status s = entries > 0 ? build_table(db, im.mem, number, &props) : WT_OK;
    table *t = NULL;
    char why[DB_ERROR_DETAIL_MAX] = "";
    if (s == WT_OK && entries > 0) {
        s = verify_table(db, number, &props, &t, why, sizeof why);
        if (s != WT_OK) {
            char path[FILENAME_PATH_MAX];
            wt_best_effort(port_unlink(filename_table(path, sizeof path, db->dir, number)));
        }
    }
    port_mutex_lock(&db->mutex);
    if (why[0] != '\0') wt_why(db->error_detail, sizeof db->error_detail, "flush: %s", why);
    if (s == WT_OK) s = install_flush(db, &im, number, &props, t);
    table_properties_free(&props);
    db_emit(PORT_EV_FLUSH_END, port_thread_id(), s, number, entries, im.min_seq, im.max_seq);
    db->flushing = false;
    port_cond_broadcast(&db->bg_cv);
    return s;
}

static void flush_main(void *arg)
{
    wt_db *db = arg;
    port_mutex_lock(&db->mutex);
    for (;;) {
        while (!db->shutting_down && (db->imm_count == 0 || wt_db_background_error(db) != WT_OK))
            port_cond_wait(&db->bg_cv, &db->mutex);
        if (db->shutting_down) break;
        wt_status s = flush_oldest(db);
        if (s != WT_OK) db_set_background_error_locked(db, s);
    }
    port_mutex_unlock(&db->mutex);
}

wt_status db_start_flush_thread(wt_db *db)
{
    return port_thread_create(&db->flush_thread, "flush", flush_main, db);
}

void db_stop_flush_thread(wt_db *db)
{
    if (db->flush_thread == NULL) return;
    port_mutex_lock(&db->mutex);
    db->shutting_down = true;
    port_cond_broadcast(&db->bg_cv);
    port_mutex_unlock(&db->mutex);
    port_thread_join(db->flush_thread);
    db->flush_thread = NULL;
}

wt_status db_flush_all(wt_db *db)
{
    port_mutex_lock(&db->mutex);
    wt_status s = wt_db_background_error(db);
    if (s == WT_OK && memtable_entry_count(db->mem) > 0) s = db_switch_memtable(db);
    while (s == WT_OK && db->imm_count > 0 && (s = wt_db_background_error(db)) == WT_OK)
        port_cond_wait(&db->bg_cv, &db->mutex);
    port_mutex_unlock(&db->mutex);
    return s;
}

wt_status wt_db_flush(wt_db *db)
{
    if (db->read_only) return WT_NOT_SUPPORTED;
    return db_flush_all(db);
}
