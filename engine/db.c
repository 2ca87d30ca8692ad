/*
 * db.c — DBImpl's write paths (RocksDB's db_impl_write.cc): the default
 * path (serial or parallel memtable inserts), pipelined write, unordered
 * write, the second write queue, PreprocessWrite, and the WAL and memtable
 * steps they share.  PreprocessWrite calls into db_flush.c for memtable
 * switches and stalls, which never calls back; reads are in db_read.c,
 * recovery, open and close in db_open.c, what they all share in
 * db_impl.{c,h}.
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

#include "bugs.h"
#include "db_impl.h"

/* ---------------------------------------------------------------- events */

enum { GROUP_EVENT_STACK_MEMBERS = 128 };

static void emit_group(port_event_kind kind, const wt_write_group *g, uint64_t bytes,
                       uint64_t first_seq, uint64_t last_seq)
{
    if (!port_events_enabled()) return;
    /* Groups are as large as the writers waiting at once: the stack holds
     * the usual ones, so tracing a real run allocates nothing per group. */
    uint32_t on_stack[GROUP_EVENT_STACK_MEMBERS];
    uint32_t *members = g->size <= GROUP_EVENT_STACK_MEMBERS
                            ? on_stack
                            : port_alloc(g->size * sizeof *members);
    size_t n = 0;
    WT_GROUP_FOREACH(w, g) members[n++] = w->owner;
    WT_ASSERT(n == g->size);
    port_event e = {.kind = kind, .writer = g->leader->owner, .a = bytes, .b = first_seq,
                    .c = last_seq, .members = members, .member_count = (uint32_t)n};
    port_event_emit(&e);
    if (members != on_stack) port_free(members);
}

/* ------------------------------------------------- time-use statistics */

/* The clock for w's wt_write_stats: read only when the caller collects
 * them (wtbench --breakdown), so the sim sees no extra clock reads. */
static uint64_t stats_clock(const wt_writer *w)
{
    return w->stats != NULL ? port_now_ns() : 0;
}

/* Adds the time since *since to *field and moves *since to now. */
static void stats_lap(const wt_writer *w, uint64_t *since, uint64_t *field)
{
    if (w->stats == NULL) return;
    uint64_t now = port_now_ns();
    *field += now - *since;
    *since = now;
}

/* ----------------------------------------------------------- sequences */

static void publish_sequence(wt_db *db, uint64_t seq)
{
    WT_ASSERT(seq >= port_atomic_load_u64(&db->last_sequence, PORT_RELAXED));
    port_atomic_store_u64(&db->last_sequence, seq, PORT_RELEASE);
    db_emit(PORT_EV_PUBLISH, port_thread_id(), WT_OK, seq, 0, 0, 0);
}

/* ------------------------------------------------------ memtable insert */

/* Inserts one batch's records at sequences seq, seq+1, ...  A record the
 * memtable cannot hold (merge, range delete, other column families) fails
 * the insert with WT_NOT_SUPPORTED after the records before it; the
 * "memtable:insert" fault point fails it before any record. */
wt_status db_insert_batch(memtable *mem, const wt_write_batch *b, uint64_t seq, bool concurrent,
                          uint32_t owner)
{
    const uint64_t first = seq;
    db_emit(PORT_EV_MEM_INSERT_BEGIN, owner, WT_OK, first, wt_batch_count(b), memtable_id(mem), 0);
    wt_batch_iter it;
    wt_batch_record rec;
    wt_batch_iter_init(&it, b->rep, b->size);
    wt_batch_iter_result r = WT_BATCH_ITER_END;
    wt_status s = port_fault_point("memtable:insert");
    while (s == WT_OK && (r = wt_batch_iter_next(&it, &rec)) == WT_BATCH_ITER_RECORD) {
        if (!wt_batch_tag_counted(rec.tag)) continue;
        if (rec.column_family != 0) {
            s = WT_NOT_SUPPORTED;
        } else if (rec.tag == WT_TAG_VALUE || rec.tag == WT_TAG_CF_VALUE) {
            memtable_add(mem, seq, WT_TYPE_VALUE, rec.key, rec.value, concurrent);
        } else if (rec.tag == WT_TAG_DELETION || rec.tag == WT_TAG_CF_DELETION) {
            memtable_add(mem, seq, WT_TYPE_DELETION, rec.key, wt_slice_make(NULL, 0), concurrent);
        } else if (rec.tag == WT_TAG_SINGLE_DELETION || rec.tag == WT_TAG_CF_SINGLE_DELETION) {
            memtable_add(mem, seq, WT_TYPE_SINGLE_DELETION, rec.key, wt_slice_make(NULL, 0),
                         concurrent);
        } else {
            s = WT_NOT_SUPPORTED;
        }
        seq++;
    }
    if (s == WT_OK && r == WT_BATCH_ITER_CORRUPT) s = WT_CORRUPTION;
    db_emit(PORT_EV_MEM_INSERT_END, owner, s, first, wt_batch_count(b), memtable_id(mem), 0);
    return s;
}

/* The WAL writer's owner: the main queue's leader when only that queue
 * logs; whoever holds log_write_mutex when two leaders can log (two write
 * queues, unordered write).  Only the second kind can be asserted. */
static void assert_owns_wal(wt_db *db)
{
    if (db->opts.two_write_queues || db->opts.unordered_write)
        port_mutex_assert_held(&db->log_write_mutex);
}

/* Truncates the current WAL back to `size`, dropping what a failed group
 * appended (or tore).  REQUIRES: the caller owns the WAL writer. */
static void cut_wal_back(wt_db *db, uint64_t size)
{
    assert_owns_wal(db);
    char path[FILENAME_PATH_MAX];
    filename_log(path, sizeof path, db->dir, wal_log_number(db->log));
    if (port_truncate(path, size) == WT_OK) wal_writer_rewind(db->log, size);
}

/* A group whose memtable insert failed must not come back at recovery:
 * cut its WAL record off again (as RocksDB 10.2+ does, #13489).  Possible
 * only where no later record can follow it yet: the default path with one
 * write queue, whose leader still owns the WAL while it exits. */
static void take_back_wal_record(wt_db *db)
{
    if (db->opts.two_write_queues || db->opts.unordered_write || db->opts.enable_pipelined_write)
        return;
    if (wal_file_size(db->log) > db->group_wal_start) cut_wal_back(db, db->group_wal_start);
}

/* A memtable insert of the group failed: nothing is published, the WAL
 * record is taken back, and the DB stops accepting writes. */
static void memtable_insert_failed(wt_db *db, wt_status s)
{
    take_back_wal_record(db);
    db_set_background_error(db, s);
}

/* Serial insert of a whole group by its leader, in member order (as
 * RocksDB's leader does for a group it does not insert in parallel: no
 * other thread inserts into this memtable meanwhile). */
static wt_status insert_group(wt_db *db, wt_write_group *g)
{
    wt_status s = WT_OK;
    WT_GROUP_FOREACH(w, g) {
        if (!wt_writer_should_write_memtable(w)) continue;
        s = db_insert_batch(db->mem, w->batch, WT_LOAD(w, sequence), false, w->owner);
        if (s != WT_OK) break;
    }
    return s;
}

/* sync_overlap_insert: the job a waiting sync writer runs for the leader
 * during its fsync (write_thread_prewake.c): the serial insert of the
 * group, at sequences not yet published.  REQUIRES: the leader waits in
 * wt_sync_overlap_close. */
static wt_status overlap_insert(void *arg)
{
    wt_db *db = arg;
    return insert_group(db, db->overlap_group);
}

/* Gives members consecutive sequences from first; returns the next one. */
static uint64_t assign_sequences(wt_write_group *g, uint64_t first)
{
    uint64_t next = first;
    WT_GROUP_FOREACH(w, g) {
        if (wt_writer_callback_failed(w)) continue;
        WT_STORE(w, sequence, next);
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
    assert_owns_wal(db);
    uint64_t number = wal_log_number(db->log);
    WT_GROUP_FOREACH(w, g) w->log_used = number;
    PORT_SYNC_POINT("DBImpl::WriteToWAL:log_entry");
    uint64_t offset = 0, before = wal_file_size(db->log);
    wt_write_stats *st = g->leader->stats; /* the caller is the leader */
    uint64_t t = stats_clock(g->leader);
    wt_status s = wal_add_record(db->log, merged->rep, merged->size, &offset);
    if (st != NULL) stats_lap(g->leader, &t, &st->wal_ns);
    db_emit(PORT_EV_WAL_APPEND, g->leader->owner, s, offset, merged->size,
            wt_batch_sequence(merged), wt_batch_count(merged));
    if (s == WT_OK && need_sync) {
        db_emit(PORT_EV_WAL_SYNC_BEGIN, g->leader->owner, WT_OK, number, 0, 0, 0);
        uint64_t prewake = wt_sync_prewake_begin(&db->write_thread); /* the only WAL leader */
        if (db->overlap_group == g) wt_sync_overlap_open(&db->write_thread, overlap_insert, db);
        s = wal_sync(db->log);
        wt_sync_prewake_end(&db->write_thread, prewake, s);
        if (st != NULL) stats_lap(g->leader, &t, &st->sync_ns);
        db_emit(PORT_EV_WAL_SYNC_END, g->leader->owner, s, number, 0, 0, 0);
    }
    if (s != WT_OK) cut_wal_back(db, before); /* a failed write must not come back on reopen */
    return s;
}

/* RocksDB's WriteToWAL for a group (WriteGroupToWAL from 10.2).  Single
 * queue: the leader owns the WAL, sequences follow last_sequence. */
static wt_status write_group_to_wal(wt_db *db, wt_write_group *g, uint64_t first_seq,
                                    bool need_sync)
{
    size_t writers;
    uint64_t t = stats_clock(g->leader);
    wt_write_batch *merged = merge_group(g, &db->merge_main, &writers);
    if (g->leader->stats != NULL) stats_lap(g->leader, &t, &g->leader->stats->merge_ns);
    if (writers == 0) return WT_OK;
    wt_batch_set_sequence(merged, first_seq);
    return log_batch(db, g, merged, need_sync);
}

/* RocksDB's ConcurrentWriteToWAL (ConcurrentWriteGroupToWAL from 10.2).
 * Several queues may log: allocate sequences and append under the lock,
 * so WAL order equals sequence order; sync outside it (as RocksDB's
 * SyncWAL does), so the other queue's appends do not wait for this fsync.
 * *last_seq gets the sequence before this group's first. */
static wt_status concurrent_write_group_to_wal(wt_db *db, write_thread *wt, wt_write_group *g,
                                               wt_write_batch *scratch, size_t group_bytes,
                                               uint64_t seq_inc, bool need_sync,
                                               uint64_t *last_seq)
{
    size_t writers;
    wt_write_batch *merged = merge_group(g, scratch, &writers);
    port_mutex_lock(&db->log_write_mutex);
    *last_seq = port_atomic_fetch_add_u64(&db->last_allocated_sequence, seq_inc, PORT_SEQ_CST);
    db_emit(PORT_EV_ALLOCATE, g->leader->owner, WT_OK, *last_seq + 1, seq_inc, 0, 0);
    emit_group(PORT_EV_GROUP, g, group_bytes, *last_seq + 1, *last_seq + seq_inc);
    wt_status s = WT_OK;
    wal_writer *log = db->log;
    uint64_t before = wal_file_size(log), end = before;
    if (writers > 0) {
        wt_batch_set_sequence(merged, *last_seq + 1);
        s = log_batch(db, g, merged, false);
        end = wal_file_size(log);
    }
    bool sync = s == WT_OK && writers > 0 && need_sync;
    if (sync) db->log_syncs_in_flight++; /* keeps `log` open until we are done */
    port_mutex_unlock(&db->log_write_mutex);
    if (!sync) return s;
    uint64_t number = wal_log_number(log);
    db_emit(PORT_EV_WAL_SYNC_BEGIN, g->leader->owner, WT_OK, number, 0, 0, 0);
    uint64_t t = stats_clock(g->leader);
    uint64_t prewake = wt_sync_prewake_begin(wt);
    s = port_file_sync(wal_writer_file(log));
    wt_sync_prewake_end(wt, prewake, s);
    if (g->leader->stats != NULL) stats_lap(g->leader, &t, &g->leader->stats->sync_ns);
    db_emit(PORT_EV_WAL_SYNC_END, g->leader->owner, s, number, 0, 0, 0);
    port_mutex_lock(&db->log_write_mutex);
    if (s != WT_OK) {
        wal_writer_set_error(log, s);
        /* Take the record back unless the other queue appended after it. */
        if (db->log == log && wal_file_size(log) == end) cut_wal_back(db, before);
    }
    if (--db->log_syncs_in_flight == 0) port_cond_broadcast(&db->log_sync_cv);
    port_mutex_unlock(&db->log_write_mutex);
    return s;
}

/* ------------------------------------------------------ PreprocessWrite */

/* RocksDB's DBImpl::PreprocessWrite, run by a main-queue leader before it
 * forms its group: the sticky error; a memtable switch when the memtable
 * is full; a stall while max_write_buffer_number memtables wait for flush
 * (no_slowdown: WT_INCOMPLETE).  The mutex is taken only when one of the
 * two unlocked checks finds work (imm_count_hint is only a hint:
 * db_delay_write re-reads imm_count under the mutex). */
static wt_status preprocess_write(wt_db *db, bool no_slowdown)
{
    wt_status s = wt_db_background_error(db);
    if (s != WT_OK) return s;
    bool full = memtable_memory_usage(db->mem) >= db->opts.write_buffer_size;
    bool stop = port_atomic_load_u32(&db->imm_count_hint, PORT_RELAXED) >=
                (uint32_t)db->opts.max_write_buffer_number;
    if (!full && !stop) return WT_OK;
    port_mutex_lock(&db->mutex);
    if (full) s = db_switch_memtable(db);
    if (s == WT_OK) s = db_delay_write(db, no_slowdown);
    port_mutex_unlock(&db->mutex);
    return s;
}

/* ----------------------------------------------------------- the paths */

typedef struct group_totals {
    uint64_t count;  /* sequences the group consumes */
    bool parallel;   /* members insert their own batches */
} group_totals;

/* leader_inserts_parked_group: whether the leader of a group of several
 * inserts it itself because most members are parked.  With
 * sync_prewake_usec the members of a sync group sleep through the fsync
 * without announcing it (write_thread_prewake.c): they count as parked.
 * Used by the default path (collect_group) and pipelined mode's memtable
 * stage (pipelined_parallel_group). */
static bool leader_inserts_parked(const wt_db *db, const wt_write_group *g)
{
    if (!db->opts.leader_inserts_parked_group) return false;
    if (db->opts.sync_prewake_usec > 0 && g->leader->sync) return true;
    return 2 * wt_group_parked_members(g) > g->size - 1;
}

/* Runs members' callbacks and sums what they will write.  Parallel
 * inserts as in RocksDB (concurrent memtable writes, more than one member),
 * except with the wtlab option leader_inserts_parked_group when more than
 * half of the members are parked: waking a parked thread (a futex wake and
 * a trip through the scheduler, tens to hundreds of microseconds when
 * threads outnumber cores) costs far more than inserting its one small
 * batch, and the leader inserts them all instead.  The result is the same
 * memtable, sequences and statuses; only who does the inserts changes. */
static group_totals collect_group(const wt_db *db, wt_write_group *g)
{
    group_totals t = {0, db->opts.allow_concurrent_memtable_write && g->size > 1};
    WT_GROUP_FOREACH(w, g) {
        if (!wt_writer_check_callback(w)) continue;
        if (wt_writer_should_write_memtable(w)) t.count += wt_batch_count(w->batch);
    }
    if (t.parallel && leader_inserts_parked(db, g)) t.parallel = false;
    return t;
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
        s = concurrent_write_group_to_wal(db, &db->write_thread, g, &db->merge_main, bytes, t.count,
                                          wo->sync, &seq);
    } else {
        seq = port_atomic_fetch_add_u64(&db->last_allocated_sequence, t.count, PORT_SEQ_CST);
        db_emit(PORT_EV_ALLOCATE, g->leader->owner, WT_OK, seq + 1, t.count, 0, 0);
        emit_group(PORT_EV_GROUP, g, bytes, seq + 1, seq + t.count);
    }
    *first = seq + 1;
    *last = seq + t.count;
    return s;
}

/*
 * Taking a parked leader's group (wtlab option leader_takes_parked_group,
 * off in RocksDB; bench/README.md, "No collapse").  With 16 writers on 2
 * cores and no sync, runs fall into a convoy in which most leader
 * hand-offs go to a writer parked on its futex: it needs a wake-up and
 * then a CPU before the queue moves on, and the writers that arrive
 * meanwhile spin and park in their turn.  With the option, a leader (or the last parallel member,
 * which runs the exit) whose next leader is parked keeps the leadership:
 * it forms that writer's group under the same rules, runs PreprocessWrite,
 * writes its WAL record, numbers it, inserts it serially (the members are
 * not woken to insert, even with concurrent memtable writes), publishes,
 * exits it and completes every member, the parked leader last, so that
 * each of them is woken once, COMPLETED, with the group's status and its
 * sequence.  It does so for at most TAKE_MAX_GROUPS groups per write of
 * its own, and only while the next leader is parked and not a sync
 * writer (a sync group's fsync stays with its own leader), on the default
 * path with one write queue, and while PreprocessWrite has nothing to do
 * (no background error, the memtable not full, no stall): a memtable
 * switch or a stall is left to the next leader itself, woken as usual.
 * The groups, sequences, WAL records, contents and statuses are those the
 * parked leader would have made had it run at that point; what changes
 * is which thread runs them.
 */
enum { TAKE_MAX_GROUPS = 4 };

/* Whether an exiting leader of the default path may take a parked next
 * leader's group.  REQUIRES: the caller still leads the queue. */
static bool may_take_parked(wt_db *db)
{
    if (!db->opts.leader_takes_parked_group || db->opts.two_write_queues ||
        db->opts.unordered_write || db->opts.enable_pipelined_write)
        return false;
    return wt_db_background_error(db) == WT_OK &&
           memtable_memory_usage(db->mem) < db->opts.write_buffer_size &&
           port_atomic_load_u32(&db->imm_count_hint, PORT_RELAXED) <
               (uint32_t)db->opts.max_write_buffer_number;
}

/* The default path's leader: WAL, sequences, memtable, publish, exit.
 * taken: w is a parked next leader whose group this thread leads for it
 * (see above; w is completed, and gone, when this returns).  *next_taken:
 * the next parked leader whose group this thread must lead in turn (NULL:
 * none); only when may_take. */
static wt_status lead_default_group(wt_db *db, wt_writer *w, const wt_write_options *wo,
                                    bool taken, bool may_take, wt_writer **next_taken)
{
    write_thread *wt = &db->write_thread;
    wt_write_group g;
    wt_write_stats *st = w->stats;
    uint64_t lap = stats_clock(w), fill_before = st != NULL ? st->fill_wait_ns : 0;
    *next_taken = NULL;
    wt_status status = preprocess_write(db, wo->no_slowdown);
    uint64_t last = db->opts.two_write_queues ? 0 : wt_db_last_sequence(db), first = 0;
    if (taken)
        PORT_SYNC_POINT("DBImpl::WriteImpl:TakeParkedGroup");
    else
        PORT_SYNC_POINT("DBImpl::WriteImpl:BeforeLeaderEnters");
    db->last_batch_group_size = wt_enter_as_batch_group_leader(wt, w, &g);
    if (st != NULL) {
        stats_lap(w, &lap, &st->enter_ns);
        st->enter_ns -= st->fill_wait_ns - fill_before; /* counted on its own */
    }
    if (!db->opts.two_write_queues) db->group_wal_start = wal_file_size(db->log);
    bool in_parallel = false;
    group_totals t = {0, false};
    if (status == WT_OK) {
        t = collect_group(db, &g);
        if (taken) t.parallel = false; /* its members stay parked until COMPLETED */
        /* sync_overlap_insert (off in RocksDB): a serial insert of a sync
         * group may run during the fsync, by a waiting writer, at
         * sequences published only after the sync succeeded.  Only with
         * paranoid_checks: a failed sync must become the sticky background
         * error, or a later group would number and publish past records
         * inserted during it (their writers got the error). */
        if (db->opts.sync_overlap_insert && db->opts.paranoid_checks && wo->sync && !wo->disable_wal &&
            !db->opts.two_write_queues && !t.parallel) {
            assign_sequences(&g, last + 1); /* the same as after the WAL stage */
            db->overlap_group = &g;
        }
        status = leader_log_group(db, &g, wo, t, &first, &last);
        if (status != WT_OK) db_set_background_error(db, status);
        if (status == WT_OK && db->overlap_group == NULL) assign_sequences(&g, first);
    } else {
        emit_group(PORT_EV_GROUP, &g, db->last_batch_group_size, 0, 0); /* never numbered */
    }
    wt_sync_prewake_cancel(wt, &g, status != WT_OK);
    lap = stats_clock(w); /* the WAL stage timed its own parts */
    wt_status overlapped = WT_OK;
    bool ran = false;
    if (db->overlap_group != NULL) {
        /* A failed sync with the inserts done: they stay unpublished (the
         * error is sticky: no later group publishes, flushes or closes
         * put this memtable in a table). */
        ran = wt_sync_overlap_close(wt, &overlapped, st);
        db->overlap_group = NULL;
        /* Numbered before the WAL write: a failed group's writers report
         * no sequence, as without the option (the job is done). */
        if (status != WT_OK) WT_GROUP_FOREACH(m, &g) WT_STORE(m, sequence, WT_MAX_SEQUENCE_NUMBER);
    }
    if (status == WT_OK && !t.parallel) {
        WT_STORE(w, status, ran ? overlapped : insert_group(db, &g));
    } else if (status == WT_OK) {
        g.last_sequence = last;
        if (WT_BUG(PUBLISH_EARLY)) publish_sequence(db, last);
        wt_launch_parallel_memtable_writers(wt, &g);
        in_parallel = true;
        if (wt_writer_should_write_memtable(w))
            WT_STORE(w, status, db_insert_batch(db->mem, w->batch, WT_LOAD(w, sequence), true, w->owner));
    }
    bool should_exit = in_parallel ? wt_complete_parallel_memtable_writer(wt, w) : true;
    if (st != NULL) stats_lap(w, &lap, &st->memtable_ns);
    if (should_exit) {
        if (status == WT_OK && WT_LOAD(w, status) == WT_OK && !(in_parallel && WT_BUG(PUBLISH_EARLY)))
            publish_sequence(db, last);
        if (status == WT_OK && WT_LOAD(w, status) != WT_OK) memtable_insert_failed(db, WT_LOAD(w, status));
        if (st != NULL) stats_lap(w, &lap, &st->publish_ns);
        /* A failed insert fails the whole group: nothing is published. */
        wt_status exit_status = status != WT_OK ? status : WT_LOAD(w, status);
        *next_taken = wt_exit_as_batch_group_leader_take(wt, &g, exit_status,
                                                         may_take && may_take_parked(db));
        if (st != NULL) {
            stats_lap(w, &lap, &st->exit_ns);
            st->exits++;
        }
        if (taken) {
            wt_complete_taken_leader(w, exit_status); /* w may be gone after this */
            return exit_status;
        }
    }
    return status != WT_OK ? status : wt_writer_final_status(w);
}

/* Leads the groups of parked next leaders, from `next` on, for at most
 * TAKE_MAX_GROUPS groups (see "Taking a parked leader's group"); the
 * last one hands leadership on as usual.  mine: the caller's statistics. */
static void lead_taken_groups(wt_db *db, wt_writer *next, wt_write_stats *mine)
{
    for (unsigned n = 1; next != NULL; n++) {
        /* A writer's flags are its WriteOptions' (wt_db_write_ex). */
        wt_write_options wo = {.sync = next->sync, .disable_wal = next->disable_wal,
                               .no_slowdown = next->no_slowdown,
                               .disable_memtable = next->disable_memtable};
        wt_writer *after = NULL;
        lead_default_group(db, next, &wo, true, n < TAKE_MAX_GROUPS, &after);
        if (mine != NULL) mine->groups_taken++;
        next = after;
    }
}

/* A woken parallel member: insert own batch; the last one out exits. */
static void parallel_member_insert(wt_db *db, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    if (wt_writer_should_write_memtable(w))
        WT_STORE(w, status, db_insert_batch(db->mem, w->batch, WT_LOAD(w, sequence), true, w->owner));
    if (!wt_complete_parallel_memtable_writer(wt, w)) return;
    uint64_t last = WT_LOAD(w, write_group)->last_sequence;
    uint64_t t = stats_clock(w);
    if (WT_LOAD(w, status) == WT_OK)
        publish_sequence(db, last);
    else
        memtable_insert_failed(db, WT_LOAD(w, status));
    if (w->stats != NULL) stats_lap(w, &t, &w->stats->publish_ns);
    wt_writer *taken = wt_exit_as_batch_group_follower_take(wt, w, may_take_parked(db));
    if (w->stats != NULL) {
        stats_lap(w, &t, &w->stats->exit_ns);
        w->stats->exits++;
    }
    if (taken != NULL) lead_taken_groups(db, taken, w->stats);
}

/* RocksDB's DBImpl::WriteImpl after its dispatch: the default path (also
 * the memtable path of two write queues).  Join; a follower inserts its
 * own batch or is done; the leader runs the group. */
static wt_status write_impl(wt_db *db, const wt_write_options *wo, wt_writer *w)
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
    wt_writer *taken = NULL;
    wt_status s = lead_default_group(db, w, wo, false, true, &taken);
    if (taken != NULL) lead_taken_groups(db, taken, w->stats);
    return s;
}

/* ------------------------------------------------------------ pipelined */

/* The WAL stage: number the group (sequences run ahead of the published
 * one), log it, and pass the group on to the memtable queue. */
static void pipelined_wal_stage(wt_db *db, const wt_write_options *wo, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    wt_write_group g;
    if (w->callback != NULL && !w->callback->allow_batching) wt_wait_for_memtable_writers(wt);
    WT_STORE(w, status, preprocess_write(db, wo->no_slowdown));
    db->last_batch_group_size = wt_enter_as_batch_group_leader(wt, w, &g);
    uint64_t first = wt_update_last_sequence(wt, wt_db_last_sequence(db)) + 1, next = first;
    if (WT_LOAD(w, status) == WT_OK) {
        WT_GROUP_FOREACH(m, &g) {
            if (!wt_writer_check_callback(m) || !wt_writer_should_write_memtable(m)) continue;
            WT_STORE(m, sequence, next);
            next += wt_batch_count(m->batch);
        }
        wt_update_last_sequence(wt, next - 1);
    }
    emit_group(PORT_EV_GROUP, &g, db->last_batch_group_size, WT_LOAD(w, status) == WT_OK ? first : 0,
               WT_LOAD(w, status) == WT_OK ? next - 1 : 0);
    if (WT_LOAD(w, status) == WT_OK && !wo->disable_wal) {
        WT_STORE(w, status, write_group_to_wal(db, &g, first, wo->sync));
        if (WT_LOAD(w, status) != WT_OK) db_set_background_error(db, WT_LOAD(w, status));
    }
    wt_sync_prewake_cancel(wt, &g, WT_LOAD(w, status) != WT_OK);
    wt_exit_as_batch_group_leader(wt, &g, WT_LOAD(w, status));
}

/* The memtable stage's leader: insert serially, or launch the members.
 * With leader_inserts_parked_group, as on the default path
 * (collect_group), the leader inserts a group more than half of whose
 * members are parked itself: in pipelined mode a woken member would
 * insert, then wait (and mostly park again) in
 * CompleteParallelMemTableWriter for the others, two futex wakes and
 * four context switches for one small insert; so the group is inserted
 * as a serial one and each member is woken once, COMPLETED.  The same
 * memtable, sequences and statuses. */
static bool pipelined_parallel_group(const wt_db *db, const wt_write_group *mg)
{
    if (mg->size <= 1 || !db->opts.allow_concurrent_memtable_write) return false;
    return !leader_inserts_parked(db, mg);
}

static void pipelined_memtable_leader(wt_db *db, wt_writer *w, wt_write_group *mg)
{
    write_thread *wt = &db->write_thread;
    WT_ASSERT(wt_writer_should_write_memtable(w));
    wt_enter_as_memtable_writer(wt, w, mg);
    emit_group(PORT_EV_MEMTABLE_GROUP, mg, 0, WT_LOAD(w, sequence), mg->last_sequence);
    if (pipelined_parallel_group(db, mg)) {
        wt_launch_parallel_memtable_writers(wt, mg);
        return;
    }
    if (w->stats != NULL && mg->size > 1 && db->opts.allow_concurrent_memtable_write)
        w->stats->parked_groups_inserted++;
    wt_status s = insert_group(db, mg);
    port_atomic_store_u32(&mg->status, s, PORT_RELEASE);
    if (s == WT_OK)
        publish_sequence(db, mg->last_sequence);
    else
        db_set_background_error(db, s);
    wt_exit_as_memtable_writer(wt, w, mg);
}

static void pipelined_parallel_insert(wt_db *db, wt_writer *w)
{
    write_thread *wt = &db->write_thread;
    WT_ASSERT(wt_writer_should_write_memtable(w));
    WT_STORE(w, status, db_insert_batch(db->mem, w->batch, WT_LOAD(w, sequence), true, w->owner));
    if (!wt_complete_parallel_memtable_writer(wt, w)) return;
    if (WT_LOAD(w, status) == WT_OK)
        publish_sequence(db, WT_LOAD(w, write_group)->last_sequence);
    else
        db_set_background_error(db, WT_LOAD(w, status));
    wt_exit_as_memtable_writer(wt, w, WT_LOAD(w, write_group));
}

/* RocksDB's DBImpl::PipelinedWriteImpl: a writer passes through the WAL
 * queue, then the memtable queue, in whichever role each gives it. */
static wt_status pipelined_write_impl(wt_db *db, const wt_write_options *wo, wt_writer *w)
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

/* RocksDB's DBImpl::WriteImplWALOnly: a queue whose groups only log.
 * With assign_order each member gets sequences; with publish
 * (unordered_write) they become visible before the memtable inserts that
 * follow. */
static wt_status write_impl_wal_only(wt_db *db, write_thread *wt, const wt_write_options *wo,
                                     wt_writer *w, bool unordered, wt_write_batch *scratch)
{
    wt_join_batch_group(wt, w);
    WT_ASSERT(wt_writer_state(w) != WT_STATE_PARALLEL_MEMTABLE_WRITER);
    if (wt_writer_state(w) == WT_STATE_COMPLETED) return wt_writer_final_status(w);
    WT_ASSERT(wt_writer_state(w) == WT_STATE_GROUP_LEADER);
    wt_write_group g;
    /* Only the main queue switches memtables and stalls (RocksDB's second
     * queue does not preprocess); both see the sticky error. */
    wt_status s = wt == &db->write_thread ? preprocess_write(db, wo->no_slowdown)
                                          : wt_db_background_error(db);
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
            s = concurrent_write_group_to_wal(db, wt, &g, scratch, group_bytes, seq_inc, wo->sync,
                                              &last);
            if (s != WT_OK) db_set_background_error(db, s);
        } else {
            last = port_atomic_fetch_add_u64(&db->last_allocated_sequence, seq_inc, PORT_SEQ_CST);
            db_emit(PORT_EV_ALLOCATE, w->owner, WT_OK, last + 1, seq_inc, 0, 0);
            emit_group(PORT_EV_GROUP, &g, group_bytes, last + 1, last + seq_inc);
        }
    } else {
        emit_group(PORT_EV_GROUP, &g, group_bytes, 0, 0); /* never numbered */
    }
    if (s == WT_OK) {
        uint64_t cur = last + 1;
        WT_GROUP_FOREACH(m, &g) {
            if (wt_writer_callback_failed(m)) continue;
            WT_STORE(m, sequence, cur);
            if (unordered) cur += wt_batch_count(m->batch);
            if (!m->disable_memtable) memtable_writers++;
        }
    }
    if (s == WT_OK && unordered) {
        publish_sequence(db, last + seq_inc);
        port_atomic_fetch_add_u64(&db->pending_memtable_writes, memtable_writers, PORT_ACQ_REL);
    }
    wt_sync_prewake_cancel(wt, &g, s != WT_OK);
    wt_exit_as_batch_group_leader(wt, &g, s);
    return s != WT_OK ? s : wt_writer_final_status(w);
}

/* RocksDB's DBImpl::UnorderedWriteMemtable.  unordered_write: each writer
 * inserts its own batch after its group was logged and published; the
 * last pending insert wakes memtable switches. */
/* One pending unordered memtable write is done; the last wakes memtable
 * switches waiting for them. */
static void pending_memtable_write_done(wt_db *db)
{
    if (port_atomic_fetch_sub_u64(&db->pending_memtable_writes, 1, PORT_ACQ_REL) == 1) {
        port_mutex_lock(&db->switch_mutex);
        port_cond_broadcast(&db->switch_cv);
        port_mutex_unlock(&db->switch_mutex);
    }
}

static wt_status unordered_write_memtable(wt_db *db, wt_writer *w)
{
    PORT_SYNC_POINT("DBImpl::WriteImpl:BeforeUnorderedWriteMemtable");
    const bool early = WT_BUG(PENDING_DONE_EARLY);
    if (early) pending_memtable_write_done(db);
    if (wt_writer_check_callback(w) && wt_writer_should_write_memtable(w))
        WT_STORE(w, status, db_insert_batch(db->mem, w->batch, WT_LOAD(w, sequence), true, w->owner));
    if (!early) pending_memtable_write_done(db);
    if (WT_LOAD(w, status) != WT_OK) db_set_background_error(db, WT_LOAD(w, status));
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
    if (db->read_only) return WT_NOT_SUPPORTED; /* "Not supported operation in read only mode." */
    if (wo->sync && wo->disable_wal) return WT_INVALID_ARGUMENT; /* "Sync writes has to enable WAL." */
    /* A WAL-only write may carry only uncounted records (log data). */
    if (wo->disable_memtable && wt_batch_count(batch) != 0) return WT_INVALID_ARGUMENT;
    if (db->opts.enable_pipelined_write && db->opts.two_write_queues) return WT_NOT_SUPPORTED;
    return WT_OK;
}

/* RocksDB's DBImpl::WriteImpl up to its dispatch: the checks, then one
 * path per write mode.  unordered_write has no function of its own in
 * RocksDB either: WriteImplWALOnly, then UnorderedWriteMemtable. */
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
    wt_writer_flags flags = {.sync = wo->sync, .no_slowdown = wo->no_slowdown,
                             .disable_wal = wo->disable_wal,
                             .disable_memtable = wo->disable_memtable};
    wt_writer_init(&w, batch, flags, cb);
    w.stats = wo->stats;
    bool gated = write_gate_on(&db->gate) && !wo->sync; /* write_gate.c: sync writes pass */
    if (gated && write_gate_enter(&db->gate) && wo->stats != NULL) wo->stats->gate_waits++;
    if (db->opts.two_write_queues && wo->disable_memtable) {
        s = write_impl_wal_only(db, &db->nonmem_write_thread, wo, &w, false, &db->merge_nonmem);
    } else if (db->opts.unordered_write) {
        s = write_impl_wal_only(db, &db->write_thread, wo, &w, true, &db->merge_main);
        /* The gate covers the queue; the unordered inserts need none. */
        if (gated) write_gate_leave(&db->gate);
        gated = false;
        PORT_SYNC_POINT("DBImpl::WriteImpl:UnorderedWriteAfterWriteWAL");
        if (s == WT_OK && !wo->disable_memtable) s = unordered_write_memtable(db, &w);
    } else if (db->opts.enable_pipelined_write) {
        s = pipelined_write_impl(db, wo, &w);
    } else {
        s = write_impl(db, wo, &w);
    }
    if (gated) write_gate_leave(&db->gate);
    if (s == WT_OK && wo->disable_wal)
        port_atomic_store_u32(&db->has_unpersisted_data, 1, PORT_RELAXED); /* flush at close */
    if (seq_used != NULL) *seq_used = WT_LOAD(&w, sequence);
    db_emit(PORT_EV_WRITE_END, me, s, s == WT_OK ? WT_LOAD(&w, sequence) : 0, wt_batch_count(batch), 0, 0);
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

