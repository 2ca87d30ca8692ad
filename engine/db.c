/*
 * db.c — DBImpl's write paths, reads, and WAL recovery.
 *
 * Sequence numbers (VersionSet's three counters, without seq_per_batch):
 *  - last_sequence: published; readers see entries with seq <= it;
 *  - last_allocated_sequence: handed out under log_write_mutex when WAL
 *    writes come from more than one queue (two_write_queues, unordered);
 *  - the pipelined WAL stage keeps its own in write_thread.last_sequence.
 * Each counted record of a batch takes one sequence; WAL-only writes take
 * none.  A group's WAL record carries the group's first sequence and total
 * count, so replay assigns every record the sequence it had.
 *
 * Locks: `mutex` (DBImpl::mutex_) guards the background error and the
 * memtable; `log_write_mutex` serialises WAL appends when two leaders can
 * write (two queues, unordered).  Order: mutex before log_write_mutex.
 * A queue's leader owns its merge buffer and (single queue) the WAL writer.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugs.h"
#include "memtable.h"

enum {
    DB_ARENA_BLOCK = 1 << 20,
    DB_MAX_WAL_FILES = 1 << 16, /* bound of the recovery file list */
};

struct wt_db {
    wt_options opts;
    char *dir;
    port_mutex mutex;
    write_thread write_thread;
    write_thread nonmem_write_thread;
    port_atomic_u64 last_sequence;
    port_atomic_u64 last_allocated_sequence;
    port_mutex log_write_mutex;
    wal_writer *log;
    uint64_t next_file_number;
    memtable *mem;
    wt_write_batch merge_main;   /* owned by the main queue's leader */
    wt_write_batch merge_nonmem; /* owned by the second queue's leader */
    port_atomic_u64 pending_memtable_writes; /* unordered: inserts not yet done */
    port_mutex switch_mutex;
    port_cond switch_cv;
    port_atomic_u32 bg_error;    /* wt_status; sticky once set */
    uint64_t last_batch_group_size;
};

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

static wt_status validate_options(const wt_options *o)
{
    if (o->max_write_batch_group_size_bytes == 0) return WT_INVALID_ARGUMENT;
    if (o->unordered_write && !o->allow_concurrent_memtable_write) return WT_INVALID_ARGUMENT;
    if (o->unordered_write && o->enable_pipelined_write) return WT_INVALID_ARGUMENT;
    if (o->max_write_buffer_number < 1 || o->write_buffer_size == 0) return WT_INVALID_ARGUMENT;
    if ((unsigned)o->wal_recovery_mode > WT_WAL_SKIP_ANY_CORRUPTED_RECORDS)
        return WT_INVALID_ARGUMENT;
    return WT_OK;
}

/* ------------------------------------------------------------ file names */

char *wt_log_file_name(char *buf, size_t n, const char *dir, uint64_t number)
{
    snprintf(buf, n, "%s/%06llu.log", dir, (unsigned long long)number);
    return buf;
}

bool wt_parse_log_file_name(const char *name, uint64_t *number)
{
    size_t len = strlen(name);
    if (len < 5 || strcmp(name + len - 4, ".log") != 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i + 4 < len; i++) {
        if (name[i] < '0' || name[i] > '9' || v > UINT64_MAX / 10) return false;
        v = v * 10 + (uint64_t)(name[i] - '0');
    }
    *number = v;
    return true;
}

/* ---------------------------------------------------------------- events */

static void emit(port_event_kind kind, uint32_t writer, wt_status status, uint64_t a,
                 uint64_t b, uint64_t c, uint64_t d)
{
    if (!port_events_enabled()) return;
    port_event e = {.kind = kind, .writer = writer, .status = status,
                    .a = a, .b = b, .c = c, .d = d};
    port_event_emit(&e);
}

static void emit_group(port_event_kind kind, const wt_write_group *g, uint64_t bytes,
                       uint64_t first_seq, uint64_t last_seq)
{
    if (!port_events_enabled()) return;
    uint32_t *members = port_alloc(g->size * sizeof *members);
    size_t n = 0;
    WT_GROUP_FOREACH(w, g) members[n++] = w->owner;
    WT_ASSERT(n == g->size);
    port_event e = {.kind = kind, .writer = g->leader->owner, .a = bytes, .b = first_seq,
                    .c = last_seq, .members = members, .member_count = (uint32_t)n};
    port_event_emit(&e);
    port_free(members);
}

/* ------------------------------------------------------ background error */

wt_status wt_db_background_error(wt_db *db)
{
    return (wt_status)port_atomic_load_u32(&db->bg_error, PORT_ACQUIRE);
}

/* A failed WAL write or memtable insert stops all later writes until the
 * DB is reopened (RocksDB: paranoid_checks makes it a background error). */
static void set_background_error(wt_db *db, wt_status s)
{
    WT_ASSERT(s != WT_OK);
    if (s == WT_BUSY || s == WT_INCOMPLETE || !db->opts.paranoid_checks) return;
    port_mutex_lock(&db->mutex);
    uint32_t expected = WT_OK;
    if (port_atomic_cas_u32(&db->bg_error, &expected, s, PORT_ACQ_REL))
        emit(PORT_EV_ERROR, port_thread_id(), s, 0, 0, 0, 0);
    port_mutex_unlock(&db->mutex);
}

/* What the queue's leader does before it forms a group. */
static wt_status preprocess_write(wt_db *db)
{
    return wt_db_background_error(db);
}

/* ----------------------------------------------------------- sequences */

uint64_t wt_db_last_sequence(wt_db *db)
{
    return port_atomic_load_u64(&db->last_sequence, PORT_ACQUIRE);
}

uint64_t wt_db_last_allocated_sequence(wt_db *db)
{
    return port_atomic_load_u64(&db->last_allocated_sequence, PORT_ACQUIRE);
}

static void publish_sequence(wt_db *db, uint64_t seq)
{
    WT_ASSERT(seq >= port_atomic_load_u64(&db->last_sequence, PORT_RELAXED));
    port_atomic_store_u64(&db->last_sequence, seq, PORT_RELEASE);
    emit(PORT_EV_PUBLISH, port_thread_id(), WT_OK, seq, 0, 0, 0);
}

/* ------------------------------------------------------ memtable insert */

/* Inserts one batch's records at sequences seq, seq+1, ...  A record the
 * memtable cannot hold (merge, range delete, other column families) fails
 * the insert with WT_NOT_SUPPORTED after the records before it. */
static wt_status insert_batch(memtable *mem, const wt_write_batch *b, uint64_t seq,
                              bool concurrent, uint32_t owner)
{
    emit(PORT_EV_MEM_INSERT_BEGIN, owner, WT_OK, seq, wt_batch_count(b), 0, 0);
    wt_batch_iter it;
    wt_batch_record rec;
    wt_batch_iter_init(&it, b->rep, b->size);
    wt_batch_iter_result r;
    wt_status s = WT_OK;
    while (s == WT_OK && (r = wt_batch_iter_next(&it, &rec)) == WT_BATCH_ITER_RECORD) {
        if (!wt_batch_tag_counted(rec.tag)) continue;
        if (rec.tag == WT_TAG_VALUE || rec.tag == WT_TAG_CF_VALUE)
            memtable_add(mem, seq, WT_TYPE_VALUE, rec.key, rec.value, concurrent);
        else if (rec.tag == WT_TAG_DELETION || rec.tag == WT_TAG_CF_DELETION)
            memtable_add(mem, seq, WT_TYPE_DELETION, rec.key, wt_slice_make(NULL, 0), concurrent);
        else if (rec.tag == WT_TAG_SINGLE_DELETION || rec.tag == WT_TAG_CF_SINGLE_DELETION)
            memtable_add(mem, seq, WT_TYPE_SINGLE_DELETION, rec.key, wt_slice_make(NULL, 0),
                         concurrent);
        else
            s = WT_NOT_SUPPORTED;
        if (s == WT_OK && rec.column_family != 0) s = WT_NOT_SUPPORTED;
        seq++;
    }
    if (s == WT_OK && r == WT_BATCH_ITER_CORRUPT) s = WT_CORRUPTION;
    emit(PORT_EV_MEM_INSERT_END, owner, s, seq - wt_batch_count(b), wt_batch_count(b), 0, 0);
    return s;
}

/* Serial insert of a whole group by its leader, in member order. */
static wt_status insert_group(wt_db *db, wt_write_group *g)
{
    wt_status s = WT_OK;
    WT_GROUP_FOREACH(w, g) {
        if (!wt_writer_should_write_memtable(w)) continue;
        s = insert_batch(db->mem, w->batch, w->sequence, false, w->owner);
        if (s != WT_OK) break;
    }
    return s;
}

/* Gives members consecutive sequences from first; returns the next one. */
static uint64_t assign_sequences(wt_write_group *g, uint64_t first)
{
    uint64_t next = first;
    WT_GROUP_FOREACH(w, g) {
        if (wt_writer_callback_failed(w)) continue;
        w->sequence = next;
        if (wt_writer_should_write_memtable(w)) next += wt_batch_count(w->batch);
    }
    return next;
}

/* ------------------------------------------------------------------ WAL */

/* The batch to log for g: a lone writer's own batch, else the members'
 * WAL-bound records appended into the queue's merge buffer. */
static wt_write_batch *merge_group(wt_write_group *g, wt_write_batch *scratch, size_t *writers)
{
    *writers = 0;
    wt_writer *only = NULL;
    WT_GROUP_FOREACH(w, g) {
        if (!wt_writer_should_write_wal(w)) continue;
        only = w;
        (*writers)++;
    }
    if (*writers == 1) return only->batch;
    wt_batch_clear(scratch);
    WT_GROUP_FOREACH(w, g) {
        if (wt_writer_should_write_wal(w)) wt_batch_append(scratch, w->batch);
    }
    return scratch;
}

/* Appends the record (and syncs).  REQUIRES: the caller owns the WAL
 * writer (single-queue leader, or log_write_mutex held). */
static wt_status log_batch(wt_db *db, wt_write_group *g, wt_write_batch *merged,
                           bool need_sync)
{
    uint64_t number = wal_log_number(db->log);
    WT_GROUP_FOREACH(w, g) w->log_used = number;
    PORT_SYNC_POINT("DBImpl::WriteToWAL:log_entry");
    uint64_t offset = 0;
    wt_status s = wal_add_record(db->log, merged->rep, merged->size, &offset);
    emit(PORT_EV_WAL_APPEND, g->leader->owner, s, offset, merged->size,
         wt_batch_sequence(merged), wt_batch_count(merged));
    if (s == WT_OK && need_sync) {
        emit(PORT_EV_WAL_SYNC_BEGIN, g->leader->owner, WT_OK, number, 0, 0, 0);
        s = wal_sync(db->log);
        emit(PORT_EV_WAL_SYNC_END, g->leader->owner, s, number, 0, 0, 0);
    }
    return s;
}

/* Single queue: the leader owns the WAL, sequences follow last_sequence. */
static wt_status write_group_to_wal(wt_db *db, wt_write_group *g, uint64_t first_seq,
                                    bool need_sync)
{
    size_t writers;
    wt_write_batch *merged = merge_group(g, &db->merge_main, &writers);
    if (writers == 0) return WT_OK;
    wt_batch_set_sequence(merged, first_seq);
    return log_batch(db, g, merged, need_sync);
}

/* Several queues may log: allocate sequences and append under the lock,
 * so WAL order equals sequence order.  *last_seq gets the sequence before
 * this group's first. */
static wt_status concurrent_write_group_to_wal(wt_db *db, wt_write_group *g,
                                               wt_write_batch *scratch, size_t group_bytes,
                                               uint64_t seq_inc, bool need_sync,
                                               uint64_t *last_seq)
{
    size_t writers;
    wt_write_batch *merged = merge_group(g, scratch, &writers);
    port_mutex_lock(&db->log_write_mutex);
    *last_seq = port_atomic_fetch_add_u64(&db->last_allocated_sequence, seq_inc, PORT_SEQ_CST);
    emit(PORT_EV_ALLOCATE, g->leader->owner, WT_OK, *last_seq + 1, seq_inc, 0, 0);
    emit_group(PORT_EV_GROUP, g, group_bytes, *last_seq + 1, *last_seq + seq_inc);
    wt_status s = WT_OK;
    if (writers > 0) {
        wt_batch_set_sequence(merged, *last_seq + 1);
        s = log_batch(db, g, merged, need_sync);
    }
    port_mutex_unlock(&db->log_write_mutex);
    return s;
}

/* ----------------------------------------------------------- the paths */

typedef struct group_totals {
    uint64_t count;  /* sequences the group consumes */
    bool parallel;   /* members insert their own batches */
} group_totals;

/* Runs members' callbacks and sums what they will write. */
static group_totals collect_group(const wt_db *db, wt_write_group *g)
{
    group_totals t = {0, db->opts.allow_concurrent_memtable_write && g->size > 1};
    WT_GROUP_FOREACH(w, g) {
        if (!wt_writer_check_callback(w)) continue;
        if (wt_writer_should_write_memtable(w)) t.count += wt_batch_count(w->batch);
    }
    return t;
}

/* A woken parallel member: insert own batch; the last one out exits. */
static void parallel_member_insert(wt_db *db, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    if (wt_writer_should_write_memtable(w))
        w->status = insert_batch(db->mem, w->batch, w->sequence, true, w->owner);
    if (!wt_complete_parallel_memtable_writer(wt, w)) return;
    uint64_t last = w->write_group->last_sequence;
    if (w->status == WT_OK)
        publish_sequence(db, last);
    else
        set_background_error(db, w->status);
    wt_exit_as_batch_group_follower(wt, w);
}

/* The WAL stage of a default-path leader: number the group (announcing
 * it as soon as its sequences are known) and log it.  *last holds the
 * published sequence on entry (single queue). */
static wt_status leader_log_group(wt_db *db, wt_write_group *g, const wt_write_options *wo,
                                  group_totals t, uint64_t *first, uint64_t *last)
{
    size_t bytes = db->last_batch_group_size;
    if (!db->opts.two_write_queues) {
        *first = *last + 1;
        *last += t.count;
        emit_group(PORT_EV_GROUP, g, bytes, *first, *last);
        return wo->disable_wal ? WT_OK : write_group_to_wal(db, g, *first, wo->sync);
    }
    uint64_t seq;
    wt_status s = WT_OK;
    if (!wo->disable_wal) {
        s = concurrent_write_group_to_wal(db, g, &db->merge_main, bytes, t.count, wo->sync, &seq);
    } else {
        seq = port_atomic_fetch_add_u64(&db->last_allocated_sequence, t.count, PORT_SEQ_CST);
        emit(PORT_EV_ALLOCATE, g->leader->owner, WT_OK, seq + 1, t.count, 0, 0);
        emit_group(PORT_EV_GROUP, g, bytes, seq + 1, seq + t.count);
    }
    *first = seq + 1;
    *last = seq + t.count;
    return s;
}

/* The default path's leader: WAL, sequences, memtable, publish, exit. */
static wt_status lead_default_group(wt_db *db, wt_writer *w, const wt_write_options *wo)
{
    write_thread *wt = &db->write_thread;
    wt_write_group g;
    wt_status status = preprocess_write(db);
    uint64_t last = db->opts.two_write_queues ? 0 : wt_db_last_sequence(db), first = 0;
    PORT_SYNC_POINT("DBImpl::WriteImpl:BeforeLeaderEnters");
    db->last_batch_group_size = wt_enter_as_batch_group_leader(wt, w, &g);
    bool in_parallel = false;
    group_totals t = {0, false};
    if (status == WT_OK) {
        t = collect_group(db, &g);
        status = leader_log_group(db, &g, wo, t, &first, &last);
        if (status != WT_OK) set_background_error(db, status);
        if (status == WT_OK) assign_sequences(&g, first);
    } else {
        emit_group(PORT_EV_GROUP, &g, db->last_batch_group_size, 0, 0); /* never numbered */
    }
    if (status == WT_OK && !t.parallel) {
        w->status = insert_group(db, &g);
    } else if (status == WT_OK) {
        g.last_sequence = last;
        if (WT_BUG(PUBLISH_EARLY)) publish_sequence(db, last);
        wt_launch_parallel_memtable_writers(wt, &g);
        in_parallel = true;
        if (wt_writer_should_write_memtable(w))
            w->status = insert_batch(db->mem, w->batch, w->sequence, true, w->owner);
    }
    bool should_exit = in_parallel ? wt_complete_parallel_memtable_writer(wt, w) : true;
    if (should_exit) {
        if (status == WT_OK && w->status == WT_OK && !(in_parallel && WT_BUG(PUBLISH_EARLY)))
            publish_sequence(db, last);
        if (w->status != WT_OK) set_background_error(db, w->status);
        /* A failed insert fails the whole group: nothing is published. */
        wt_exit_as_batch_group_leader(wt, &g, status != WT_OK ? status : w->status);
    }
    return status != WT_OK ? status : wt_writer_final_status(w);
}

static wt_status write_default(wt_db *db, const wt_write_options *wo, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    wt_join_batch_group(wt, w);
    if (wt_writer_state(w) == WT_STATE_PARALLEL_MEMTABLE_CALLER)
        wt_set_mem_writers_each_stride(wt, w);
    if (wt_writer_state(w) == WT_STATE_PARALLEL_MEMTABLE_WRITER) {
        parallel_member_insert(db, w);
        WT_ASSERT(wt_writer_state(w) == WT_STATE_COMPLETED);
    }
    if (wt_writer_state(w) == WT_STATE_COMPLETED) return wt_writer_final_status(w);
    WT_ASSERT(wt_writer_state(w) == WT_STATE_GROUP_LEADER);
    return lead_default_group(db, w, wo);
}

/* ------------------------------------------------------------ pipelined */

/* The WAL stage: number the group (sequences run ahead of the published
 * one), log it, and pass the group on to the memtable queue. */
static void pipelined_wal_stage(wt_db *db, const wt_write_options *wo, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    wt_write_group g;
    if (w->callback != NULL && !w->callback->allow_batching) wt_wait_for_memtable_writers(wt);
    w->status = preprocess_write(db);
    db->last_batch_group_size = wt_enter_as_batch_group_leader(wt, w, &g);
    uint64_t first = wt_update_last_sequence(wt, wt_db_last_sequence(db)) + 1, next = first;
    if (w->status == WT_OK) {
        WT_GROUP_FOREACH(m, &g) {
            if (!wt_writer_check_callback(m) || !wt_writer_should_write_memtable(m)) continue;
            m->sequence = next;
            next += wt_batch_count(m->batch);
        }
        wt_update_last_sequence(wt, next - 1);
    }
    emit_group(PORT_EV_GROUP, &g, db->last_batch_group_size, w->status == WT_OK ? first : 0,
               w->status == WT_OK ? next - 1 : 0);
    if (w->status == WT_OK && !wo->disable_wal) {
        w->status = write_group_to_wal(db, &g, first, wo->sync);
        if (w->status != WT_OK) set_background_error(db, w->status);
    }
    wt_exit_as_batch_group_leader(wt, &g, w->status);
}

/* The memtable stage's leader: insert serially, or launch the members. */
static void pipelined_memtable_leader(wt_db *db, wt_writer *w, wt_write_group *mg)
{
    write_thread *wt = &db->write_thread;
    WT_ASSERT(wt_writer_should_write_memtable(w));
    wt_enter_as_memtable_writer(wt, w, mg);
    emit_group(PORT_EV_MEMTABLE_GROUP, mg, 0, w->sequence, mg->last_sequence);
    if (mg->size > 1 && db->opts.allow_concurrent_memtable_write) {
        wt_launch_parallel_memtable_writers(wt, mg);
        return;
    }
    wt_status s = insert_group(db, mg);
    port_atomic_store_u32(&mg->status, s, PORT_RELEASE);
    if (s == WT_OK)
        publish_sequence(db, mg->last_sequence);
    else
        set_background_error(db, s);
    wt_exit_as_memtable_writer(wt, w, mg);
}

static void pipelined_parallel_insert(wt_db *db, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    WT_ASSERT(wt_writer_should_write_memtable(w));
    w->status = insert_batch(db->mem, w->batch, w->sequence, true, w->owner);
    if (!wt_complete_parallel_memtable_writer(wt, w)) return;
    if (w->status == WT_OK)
        publish_sequence(db, w->write_group->last_sequence);
    else
        set_background_error(db, w->status);
    wt_exit_as_memtable_writer(wt, w, w->write_group);
}

static wt_status write_pipelined(wt_db *db, const wt_write_options *wo, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    wt_write_group mg; /* lives here: members use it after the leader returns */
    wt_join_batch_group(wt, w);
    PORT_SYNC_POINT("DBImplWrite::PipelinedWriteImpl:AfterJoinBatchGroup");
    if (wt_writer_state(w) == WT_STATE_GROUP_LEADER) pipelined_wal_stage(db, wo, w);
    if (wt_writer_state(w) == WT_STATE_MEMTABLE_WRITER_LEADER)
        pipelined_memtable_leader(db, w, &mg);
    if (wt_writer_state(w) == WT_STATE_PARALLEL_MEMTABLE_CALLER)
        wt_set_mem_writers_each_stride(wt, w);
    if (wt_writer_state(w) == WT_STATE_PARALLEL_MEMTABLE_WRITER) pipelined_parallel_insert(db, w);
    WT_ASSERT(wt_writer_state(w) == WT_STATE_COMPLETED);
    return wt_writer_final_status(w);
}

/* ----------------------------------------------- WAL-only and unordered */

/* RocksDB's WriteImplWALOnly: a queue whose groups only log.  With
 * assign_order each member gets sequences; with publish (unordered_write)
 * they become visible before the memtable inserts that follow. */
static wt_status write_wal_only(wt_db *db, write_thread *wt, const wt_write_options *wo,
                                wt_writer *w, bool unordered, wt_write_batch *scratch)
{
    wt_join_batch_group(wt, w);
    WT_ASSERT(wt_writer_state(w) != WT_STATE_PARALLEL_MEMTABLE_WRITER);
    if (wt_writer_state(w) == WT_STATE_COMPLETED) return wt_writer_final_status(w);
    WT_ASSERT(wt_writer_state(w) == WT_STATE_GROUP_LEADER);
    wt_write_group g;
    wt_status s = preprocess_write(db);
    /* Only the main queue's leader records last_batch_group_size (the
     * stall logic reads it); the second queue has its own leader. */
    size_t group_bytes = wt_enter_as_batch_group_leader(wt, w, &g);
    if (wt == &db->write_thread) db->last_batch_group_size = group_bytes;
    uint64_t seq_inc = 0, last = 0, memtable_writers = 0;
    if (s == WT_OK) {
        WT_GROUP_FOREACH(m, &g) {
            if (wt_writer_check_callback(m) && unordered) seq_inc += wt_batch_count(m->batch);
        }
        if (!wo->disable_wal) {
            s = concurrent_write_group_to_wal(db, &g, scratch, group_bytes, seq_inc, wo->sync,
                                              &last);
            if (s != WT_OK) set_background_error(db, s);
        } else {
            last = port_atomic_fetch_add_u64(&db->last_allocated_sequence, seq_inc, PORT_SEQ_CST);
            emit(PORT_EV_ALLOCATE, w->owner, WT_OK, last + 1, seq_inc, 0, 0);
            emit_group(PORT_EV_GROUP, &g, group_bytes, last + 1, last + seq_inc);
        }
    } else {
        emit_group(PORT_EV_GROUP, &g, group_bytes, 0, 0); /* never numbered */
    }
    if (s == WT_OK) {
        uint64_t cur = last + 1;
        WT_GROUP_FOREACH(m, &g) {
            if (wt_writer_callback_failed(m)) continue;
            m->sequence = cur;
            if (unordered) cur += wt_batch_count(m->batch);
            if (!m->disable_memtable) memtable_writers++;
        }
    }
    if (s == WT_OK && unordered) {
        publish_sequence(db, last + seq_inc);
        port_atomic_fetch_add_u64(&db->pending_memtable_writes, memtable_writers, PORT_ACQ_REL);
    }
    wt_exit_as_batch_group_leader(wt, &g, s);
    return s != WT_OK ? s : wt_writer_final_status(w);
}

/* unordered_write: each writer inserts its own batch after its group was
 * logged and published; the last pending insert wakes memtable switches. */
static wt_status unordered_write_memtable(wt_db *db, wt_writer *w)
{
    PORT_SYNC_POINT("DBImpl::WriteImpl:BeforeUnorderedWriteMemtable");
    if (wt_writer_check_callback(w) && wt_writer_should_write_memtable(w))
        w->status = insert_batch(db->mem, w->batch, w->sequence, true, w->owner);
    if (port_atomic_fetch_sub_u64(&db->pending_memtable_writes, 1, PORT_ACQ_REL) == 1) {
        port_mutex_lock(&db->switch_mutex);
        port_cond_broadcast(&db->switch_cv);
        port_mutex_unlock(&db->switch_mutex);
    }
    if (w->status != WT_OK) set_background_error(db, w->status);
    return wt_writer_final_status(w);
}

/* -------------------------------------------------------------- writes */

static uint32_t write_flags(const wt_write_options *wo, const wt_write_callback *cb)
{
    return (wo->sync ? PORT_EV_FLAG_SYNC : 0) | (wo->disable_wal ? PORT_EV_FLAG_DISABLE_WAL : 0) |
           (wo->no_slowdown ? PORT_EV_FLAG_NO_SLOWDOWN : 0) |
           (wo->disable_memtable ? PORT_EV_FLAG_DISABLE_MEMTABLE : 0) |
           (cb != NULL && !cb->allow_batching ? PORT_EV_FLAG_NO_BATCHING : 0);
}

static wt_status check_write(const wt_db *db, const wt_write_options *wo,
                             const wt_write_batch *batch)
{
    if (batch == NULL) return WT_INVALID_ARGUMENT;
    if (wo->sync && wo->disable_wal) return WT_INVALID_ARGUMENT; /* "Sync writes has to enable WAL." */
    /* A WAL-only write may carry only uncounted records (log data). */
    if (wo->disable_memtable && wt_batch_count(batch) != 0) return WT_INVALID_ARGUMENT;
    if (db->opts.enable_pipelined_write && db->opts.two_write_queues) return WT_NOT_SUPPORTED;
    return WT_OK;
}

wt_status wt_db_write_ex(wt_db *db, const wt_write_options *wo, wt_write_batch *batch,
                         const wt_write_callback *cb, uint64_t *seq_used)
{
    wt_status s = check_write(db, wo, batch);
    if (s != WT_OK) return s;
    uint32_t me = port_thread_id();
    if (port_events_enabled()) {
        port_event e = {.kind = PORT_EV_WRITE_BEGIN, .writer = me, .flags = write_flags(wo, cb),
                        .a = wt_batch_byte_size(batch), .b = wt_batch_count(batch)};
        port_event_emit(&e);
    }
    wt_writer w;
    wt_writer_init(&w, batch, wo->sync, wo->no_slowdown, wo->disable_wal, wo->disable_memtable, cb);
    if (db->opts.two_write_queues && wo->disable_memtable) {
        s = write_wal_only(db, &db->nonmem_write_thread, wo, &w, false, &db->merge_nonmem);
    } else if (db->opts.unordered_write) {
        s = write_wal_only(db, &db->write_thread, wo, &w, true, &db->merge_main);
        PORT_SYNC_POINT("DBImpl::WriteImpl:UnorderedWriteAfterWriteWAL");
        if (s == WT_OK && !wo->disable_memtable) s = unordered_write_memtable(db, &w);
    } else if (db->opts.enable_pipelined_write) {
        s = write_pipelined(db, wo, &w);
    } else {
        s = write_default(db, wo, &w);
    }
    if (seq_used != NULL) *seq_used = w.sequence;
    emit(PORT_EV_WRITE_END, me, s, s == WT_OK ? w.sequence : 0, wt_batch_count(batch), 0, 0);
    return s;
}

wt_status wt_db_write(wt_db *db, const wt_write_options *wo, wt_write_batch *batch)
{
    return wt_db_write_ex(db, wo, batch, NULL, NULL);
}

wt_status wt_db_put(wt_db *db, const wt_write_options *wo, wt_slice key, wt_slice value)
{
    wt_write_batch b;
    wt_batch_init(&b);
    wt_batch_put(&b, key, value);
    wt_status s = wt_db_write(db, wo, &b);
    wt_batch_destroy(&b);
    return s;
}

wt_status wt_db_delete(wt_db *db, const wt_write_options *wo, wt_slice key)
{
    wt_write_batch b;
    wt_batch_init(&b);
    wt_batch_delete(&b, key);
    wt_status s = wt_db_write(db, wo, &b);
    wt_batch_destroy(&b);
    return s;
}

wt_status wt_db_single_delete(wt_db *db, const wt_write_options *wo, wt_slice key)
{
    wt_write_batch b;
    wt_batch_init(&b);
    wt_batch_single_delete(&b, key);
    wt_status s = wt_db_write(db, wo, &b);
    wt_batch_destroy(&b);
    return s;
}

/* --------------------------------------------------------------- reads */

wt_status wt_db_get(wt_db *db, wt_slice key, wt_buf *value)
{
    uint64_t snapshot = wt_db_last_sequence(db);
    wt_slice v;
    switch (memtable_get(db->mem, key, snapshot, &v)) {
    case MEMTABLE_GET_FOUND:
        wt_buf_set(value, v.data, v.size);
        return WT_OK;
    case MEMTABLE_GET_DELETED:
    case MEMTABLE_GET_ABSENT:
        break;
    }
    return WT_NOT_FOUND;
}

wt_status wt_db_scan(wt_db *db, bool (*fn)(wt_slice key, wt_slice value, void *arg), void *arg)
{
    uint64_t snapshot = wt_db_last_sequence(db);
    memtable_iter it;
    memtable_iter_init(&it, db->mem);
    memtable_iter_seek_to_first(&it);
    while (memtable_iter_valid(&it)) {
        wt_slice key = memtable_iter_key(&it);
        bool decided = false, keep_going = true;
        /* Versions of one key come newest first; the first visible decides. */
        for (; memtable_iter_valid(&it) && wt_slice_compare(memtable_iter_key(&it), key) == 0;
             memtable_iter_next(&it)) {
            if (decided || memtable_iter_sequence(&it) > snapshot) continue;
            decided = true;
            if (memtable_iter_type(&it) == WT_TYPE_VALUE)
                keep_going = fn(key, memtable_iter_value(&it), arg);
        }
        if (!keep_going) break;
    }
    return WT_OK;
}

/* --------------------------------------------------------- introspection */

const write_thread *wt_db_write_thread(const wt_db *db) { return &db->write_thread; }

const write_thread *wt_db_nonmem_write_thread(const wt_db *db) { return &db->nonmem_write_thread; }

uint64_t wt_db_current_log_number(wt_db *db) { return wal_log_number(db->log); }

uint64_t wt_db_wal_offset(wt_db *db) { return wal_file_size(db->log); }

void wt_db_for_each_entry(wt_db *db,
                          void (*fn)(wt_slice key, uint64_t seq, int type, wt_slice value,
                                     void *arg),
                          void *arg)
{
    memtable_iter it;
    memtable_iter_init(&it, db->mem);
    for (memtable_iter_seek_to_first(&it); memtable_iter_valid(&it); memtable_iter_next(&it))
        fn(memtable_iter_key(&it), memtable_iter_sequence(&it), (int)memtable_iter_type(&it),
           memtable_iter_value(&it), arg);
}

const wt_options *wt_db_options(const wt_db *db) { return &db->opts; }

/* ------------------------------------------------------------- recovery */

typedef struct recovery {
    wt_db *db;
    wt_recovery_report *report;
    uint64_t next_seq;   /* sequence the next replayed batch should have */
    bool stopped;        /* point in time: replay stopped at a corruption */
    bool fail;           /* the mode refuses what was found */
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
    if (!wt_parse_log_file_name(name, &number) || l->count >= DB_MAX_WAL_FILES) return;
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

/* Replays one WAL record.  False when the record is not a valid batch. */
static bool replay_record(recovery *rc, wt_slice rec)
{
    if (wt_batch_validate(rec.data, rec.size) != WT_OK) return false;
    wt_write_batch b;
    wt_batch_init(&b);
    if (wt_batch_set_contents(&b, rec.data, rec.size) != WT_OK) {
        wt_batch_destroy(&b);
        return false;
    }
    uint64_t seq = wt_batch_sequence(&b), count = wt_batch_count(&b);
    /* After a point-in-time stop, only a batch that continues the sequence
     * exactly may resume replay (it comes from a later, intact WAL). */
    if (rc->stopped && seq != rc->next_seq) {
        wt_batch_destroy(&b);
        return true;
    }
    rc->stopped = false;
    wt_status s = insert_batch(rc->db->mem, &b, seq, false, port_thread_id());
    wt_batch_destroy(&b);
    if (s != WT_OK) return false;
    rc->report->records++;
    if (count > 0 && seq + count - 1 > rc->report->last_sequence)
        rc->report->last_sequence = seq + count - 1;
    if (seq + count > rc->next_seq) rc->next_seq = seq + count;
    return true;
}

static wt_status recover_log(recovery *rc, uint64_t number)
{
    char path[4096];
    port_file *f;
    wt_status s = port_file_open(wt_log_file_name(path, sizeof path, rc->db->dir, number),
                                 PORT_OPEN_READ, &f);
    if (s != WT_OK) return s;
    wal_reader *reader = wal_reader_create(f, number);
    rc->report->wal_files++;
    for (bool more = true; more && !rc->fail;) {
        wt_slice rec;
        uint64_t offset;
        wal_problem p;
        switch (wal_read_record(reader, &rec, &offset, &p)) {
        case WAL_READ_RECORD:
            if (rc->stopped && rc->db->opts.wal_recovery_mode == WT_WAL_POINT_IN_TIME &&
                rec.size >= WT_BATCH_HEADER && wt_get_fixed64(rec.data) != rc->next_seq)
                break;
            if (!replay_record(rc, rec)) {
                wal_problem bad = {WAL_PROBLEM_CHECKSUM, offset, rec.size, false,
                                   "record is not a valid write batch"};
                more = handle_problem(rc, number, &bad);
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
    return WT_OK;
}

/* Replays every WAL in number order; sets the sequences and file numbers. */
static wt_status recover(wt_db *db, wt_recovery_report *report)
{
    log_list logs = {NULL, 0, 0};
    wt_status s = port_list_dir(db->dir, collect_log, &logs);
    if (s != WT_OK) return s;
    qsort(logs.numbers, logs.count, sizeof *logs.numbers, compare_u64);
    recovery rc = {db, report, 1, false, false};
    for (size_t i = 0; i < logs.count && s == WT_OK && !rc.fail; i++) {
        s = recover_log(&rc, logs.numbers[i]);
        if (logs.numbers[i] >= db->next_file_number) db->next_file_number = logs.numbers[i] + 1;
    }
    port_free(logs.numbers);
    if (s == WT_OK && rc.fail) s = WT_CORRUPTION;
    uint64_t last = report->last_sequence;
    port_atomic_store_u64(&db->last_sequence, last, PORT_RELEASE);
    port_atomic_store_u64(&db->last_allocated_sequence, last, PORT_RELEASE);
    db->write_thread.last_sequence = last;
    emit(PORT_EV_RECOVERY, port_thread_id(), s, report->records, last,
         report->problems ? report->problem_offset + 1 : 0, 0);
    return s;
}

/* --------------------------------------------------------- open, close */

static wt_status open_new_log(wt_db *db)
{
    char path[4096];
    uint64_t number = db->next_file_number++;
    port_file *f;
    wt_status s = port_file_open(wt_log_file_name(path, sizeof path, db->dir, number),
                                 PORT_OPEN_CREATE, &f);
    if (s != WT_OK) return s;
    db->log = wal_writer_create(f, number, 0);
    return port_sync_dir(db->dir);
}

static wt_db *db_alloc(const wt_options *o, const char *dir)
{
    wt_db *db = port_alloc_zeroed(sizeof *db);
    db->opts = *o;
    db->dir = port_alloc(strlen(dir) + 1);
    strcpy(db->dir, dir);
    port_mutex_init(&db->mutex, "DBImpl::mutex_");
    port_mutex_init(&db->log_write_mutex, "DBImpl::log_write_mutex_");
    port_mutex_init(&db->switch_mutex, "DBImpl::switch_mutex_");
    port_cond_init(&db->switch_cv, "DBImpl::switch_cv_");
    write_thread_options wto = {
        .allow_concurrent_memtable_write = o->allow_concurrent_memtable_write,
        .enable_pipelined_write = o->enable_pipelined_write,
        .max_write_batch_group_size_bytes = o->max_write_batch_group_size_bytes,
        .max_yield_usec = o->enable_write_thread_adaptive_yield ? o->write_thread_max_yield_usec : 0,
        .slow_yield_usec = o->write_thread_slow_yield_usec,
    };
    write_thread_init(&db->write_thread, "write_thread", &wto);
    wto.enable_pipelined_write = false;
    write_thread_init(&db->nonmem_write_thread, "nonmem_write_thread", &wto);
    port_atomic_init_u64(&db->last_sequence, 0);
    port_atomic_init_u64(&db->last_allocated_sequence, 0);
    port_atomic_init_u64(&db->pending_memtable_writes, 0);
    port_atomic_init_u32(&db->bg_error, WT_OK);
    wt_batch_init(&db->merge_main);
    wt_batch_init(&db->merge_nonmem);
    db->next_file_number = 1;
    db->mem = memtable_create(DB_ARENA_BLOCK);
    return db;
}

static void db_free(wt_db *db)
{
    if (db->mem != NULL) memtable_destroy(db->mem);
    wt_batch_destroy(&db->merge_main);
    wt_batch_destroy(&db->merge_nonmem);
    write_thread_destroy(&db->nonmem_write_thread);
    write_thread_destroy(&db->write_thread);
    port_cond_destroy(&db->switch_cv);
    port_mutex_destroy(&db->switch_mutex);
    port_mutex_destroy(&db->log_write_mutex);
    port_mutex_destroy(&db->mutex);
    port_free(db->dir);
    port_free(db);
}

wt_status wt_db_open(const wt_options *o, const char *dir, wt_db **out, wt_recovery_report *report)
{
    wt_recovery_report scratch;
    if (report == NULL) report = &scratch;
    memset(report, 0, sizeof *report);
    report->mode = o->wal_recovery_mode;
    wt_status s = validate_options(o);
    if (s != WT_OK) return s;
    if (o->create_if_missing) {
        s = port_mkdir(dir);
        if (s != WT_OK) return s;
    } else if (!port_exists(dir)) {
        return WT_INVALID_ARGUMENT; /* "does not exist (create_if_missing is false)" */
    }
    wt_db *db = db_alloc(o, dir);
    s = recover(db, report);
    if (s == WT_OK) s = open_new_log(db);
    if (s != WT_OK) {
        if (db->log != NULL && wal_writer_close(db->log) != WT_OK) s = WT_IO_ERROR;
        db_free(db);
        return s;
    }
    *out = db;
    return WT_OK;
}

wt_status wt_db_close(wt_db *db)
{
    WT_ASSERT(port_atomic_load_u64(&db->pending_memtable_writes, PORT_ACQUIRE) == 0);
    wt_status s = wal_writer_close(db->log);
    db_free(db);
    return s;
}
