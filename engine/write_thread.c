/*
 * write_thread.c — the writer queue, group formation, hand-off and waits.
 *
 * Invariants (see write_thread.h for the model):
 *  - Only the writer that is currently leader of a queue walks or edits its
 *    link_newer pointers or removes writers; other threads only push with a
 *    CAS on the head, after setting their own link_older.
 *  - A writer's state moves only forward, through the transitions that
 *    writer_state.c lists (the sim's oracle checks each one against
 *    wt_state_transition_legal); LOCKED_WAITING is set only by the
 *    owner and cleared only by a waker (set_state), which then unparks.
 *  - After set_state(w, COMPLETED) nobody touches w again: its owner may
 *    return and reuse the stack memory at once.  Every loop that completes
 *    writers therefore reads the next pointer first.
 *
 * The file is split in three: this one (the list, groups, hand-off and
 * stalls), write_thread_wait.c (AwaitState / SetState) and
 * write_thread_mem.c (parallel and pipelined memtable writers, unbatched);
 * write_thread_impl.h declares what they share.
 *
 * Thread safety: functions are called by the queue's leader unless noted;
 * wt_join_batch_group, wt_complete_parallel_memtable_writer and the
 * parallel wake-up functions run in every writer's own thread.
 */
#include "write_thread_impl.h"

#include "bugs.h"
#include "util.h"

static void context_init(wt_await_context *ctx, const char *name)
{
    ctx->name = name;
    port_atomic_init_u32(&ctx->credit, 0);
}

void write_thread_init(write_thread *wt, const char *name, wt_queue_id id,
                       const write_thread_options *opts)
{
    WT_ASSERT(opts->max_write_batch_group_size_bytes > 0);
    WT_ASSERT(id == WT_QUEUE_WRITE || id == WT_QUEUE_NONMEM);
    wt->opts = *opts;
    wt->name = name;
    wt->id = id;
    port_atomic_init_ptr(&wt->newest_writer, NULL);
    port_atomic_init_ptr(&wt->newest_memtable_writer, NULL);
    wt->last_sequence = 0;
    wt_writer_init(&wt->write_stall_dummy, NULL, (wt_writer_flags){0}, NULL);
    wt->write_stall_dummy.owner = UINT32_MAX;
    port_mutex_init(&wt->stall_mu, "WriteThread::stall_mu");
    port_cond_init(&wt->stall_cv, "WriteThread::stall_cv");
    wt->stall_begun_count = 0;
    port_atomic_init_u64(&wt->stall_ended_count, 0);
    context_init(&wt->ctx_join, "JoinBatchGroup");
    context_init(&wt->ctx_complete_parallel, "CompleteParallelMemTableWriter");
    context_init(&wt->ctx_exit_leader, "ExitAsBatchGroupLeader");
    context_init(&wt->ctx_unbatched, "EnterUnbatched");
    context_init(&wt->ctx_wait_memtable, "WaitForMemTableWriters");
    wt->fill_expect = wt->fill_prev_ns = wt->fill_group_start_ns = 0;
    wt->fill_skip = wt->fill_backoff = 0;
    wt->fill_waits = wt->fill_timeouts = 0;
    port_atomic_init_u64(&wt->prewake_at, 0);
    port_atomic_init_u32(&wt->parked_writers, 0);
    port_atomic_init_u64(&wt->prewake_est_ns, 0);
    port_atomic_init_u64(&wt->prewake_group, 0);
    for (size_t i = 0; i < WT_PREWAKE_HISTORY; i++) wt->prewake_sync_ns[i] = 0;
    wt->prewake_samples = 0;
    wt->prewake_synced = false;
    port_atomic_init_u32(&wt->overlap_state, 0);
    port_atomic_init_u64(&wt->overlap_group, 0);
    wt->overlap_fn = NULL;
    wt->overlap_arg = NULL;
    wt->overlap_status = WT_OK;
}

void write_thread_destroy(write_thread *wt)
{
    WT_ASSERT(port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE) == NULL);
    port_cond_destroy(&wt->stall_cv);
    port_mutex_destroy(&wt->stall_mu);
}

void wt_writer_init(wt_writer *w, wt_write_batch *batch, wt_writer_flags flags,
                    const wt_write_callback *cb)
{
    w->batch = batch;
    w->sync = flags.sync;
    w->no_slowdown = flags.no_slowdown;
    w->disable_wal = flags.disable_wal;
    w->disable_memtable = flags.disable_memtable;
    w->callback = cb;
    w->stats = NULL;
    port_atomic_init_u32(&w->state, WT_STATE_INIT);
    port_atomic_init_u64(&w->prewake_group, 0);
    WT_STORE(w, write_group, NULL);
    WT_STORE(w, sequence, WT_MAX_SEQUENCE_NUMBER);
    WT_STORE(w, status, WT_OK);
    w->callback_status = WT_OK;
    w->log_used = 0;
    w->owner = port_thread_id();
    WT_STORE(w, link_older, NULL);
    WT_STORE(w, link_newer, NULL);
}

bool wt_writer_check_callback(wt_writer *w)
{
    if (w->callback != NULL && w->callback->check != NULL)
        w->callback_status = w->callback->check(w->callback->arg);
    return w->callback_status == WT_OK;
}

size_t wt_group_parked_members(const wt_write_group *g)
{
    size_t parked = 0;
    WT_GROUP_FOREACH(w, g) {
        if (w != g->leader && wt_writer_state(w) == WT_STATE_LOCKED_WAITING) parked++;
    }
    WT_ASSERT(parked < g->size);
    return parked;
}

wt_writer *wt_newest_writer(const write_thread *wt)
{
    return port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
}

/* ---------------------------------------------------------------- the list */

static wt_queue_id queue_of(const write_thread *wt, const port_atomic_ptr *head)
{
    return head == &wt->newest_memtable_writer ? WT_QUEUE_MEMTABLE : wt->id;
}


/* Pushes w onto the list at *head.  Returns true when the list was empty
 * (w is the leader).  While the stall dummy heads the main list, writers
 * that may slow down wait on stall_cv; no_slowdown writers fail at once. */
bool wtq_link_one(write_thread *wt, wt_writer *w, port_atomic_ptr *head)
{
    WT_ASSERT(port_atomic_load_u32(&w->state, PORT_RELAXED) == WT_STATE_INIT);
    void *writers = port_atomic_load_ptr(head, PORT_RELAXED);
    for (uint64_t attempts = 1;; attempts++) {
        WT_ASSERT(writers != w);
        if (writers == &wt->write_stall_dummy) {
            if (w->no_slowdown && !WT_BUG(NO_SLOWDOWN_WAITS)) {
                WT_STORE(w, status, WT_INCOMPLETE);
                wtq_set_state(w, WT_STATE_COMPLETED);
                return false;
            }
            port_mutex_lock(&wt->stall_mu);
            writers = port_atomic_load_ptr(head, PORT_RELAXED);
            if (writers == &wt->write_stall_dummy) {
                PORT_SYNC_POINT("WriteThread::WriteStall::Wait");
                port_cond_wait(&wt->stall_cv, &wt->stall_mu);
                writers = port_atomic_load_ptr(head, PORT_RELAXED);
                port_mutex_unlock(&wt->stall_mu);
                continue;
            }
            port_mutex_unlock(&wt->stall_mu);
        }
        WT_STORE(w, link_older, writers);
        if (port_atomic_cas_weak_ptr(head, &writers, w, PORT_ACQ_REL)) {
            wtq_emit_list(PORT_EV_LINK, w->owner, queue_of(wt, head), writers == NULL, attempts,
                      UINT32_MAX);
            return writers == NULL;
        }
    }
}

/* Pushes a whole group (leader..last_writer) onto the memtable queue.
 * Returns true when that queue was empty. */
static bool link_group(wt_write_group *g, port_atomic_ptr *head)
{
    wt_writer *leader = g->leader, *last = g->last_writer;
    for (wt_writer *w = last;; w = WT_LOAD(w, link_older)) {
        /* Cleared so that CreateMissingNewerLinks rebuilds every link. */
        WT_STORE(w, link_newer, NULL);
        WT_STORE(w, write_group, NULL);
        if (w == leader) break;
    }
    void *newest = port_atomic_load_ptr(head, PORT_RELAXED);
    for (uint64_t attempts = 1;; attempts++) {
        WT_STORE(leader, link_older, newest);
        if (port_atomic_cas_weak_ptr(head, &newest, last, PORT_ACQ_REL)) {
            wtq_emit_list(PORT_EV_LINK, leader->owner, WT_QUEUE_MEMTABLE, newest == NULL, attempts,
                      UINT32_MAX);
            return newest == NULL;
        }
    }
}

/* Fills in link_newer from head back to the first writer that has it
 * (CreateMissingNewerLinks) on queue q. */
void wtq_create_missing_newer_links(wt_queue_id q, wt_writer *head)
{
    uint64_t links = 0;
    for (;; links++) {
        wt_writer *next = WT_LOAD(head, link_older);
        if (next == NULL || WT_LOAD(next, link_newer) != NULL) {
            WT_ASSERT(next == NULL || WT_LOAD(next, link_newer) == head);
            break;
        }
        WT_STORE(next, link_newer, head);
        head = next;
    }
    if (links > 0) wtq_emit_list(PORT_EV_NEWER_LINKS, port_thread_id(), q, links, 0, UINT32_MAX);
}

/* Pipelined: the leader needs no memtable write; drop it from the group. */
static void complete_leader(wt_write_group *g)
{
    WT_ASSERT(g->size > 0);
    wt_writer *leader = g->leader;
    if (g->size == 1) {
        g->leader = NULL;
        g->last_writer = NULL;
    } else {
        wt_writer *newer = WT_LOAD(leader, link_newer);
        WT_ASSERT(newer != NULL);
        WT_STORE(newer, link_older, NULL);
        g->leader = newer;
    }
    g->size--;
    wtq_set_state(leader, WT_STATE_COMPLETED);
}

/* Pipelined: follower w needs no memtable write; unlink and complete it. */
static void complete_follower(wt_writer *w, wt_write_group *g)
{
    WT_ASSERT(g->size > 1);
    WT_ASSERT(w != g->leader);
    wt_writer *older = WT_LOAD(w, link_older), *newer = WT_LOAD(w, link_newer);
    if (w == g->last_writer) {
        WT_STORE(older, link_newer, NULL);
        g->last_writer = older;
    } else {
        WT_STORE(older, link_newer, newer);
        WT_STORE(newer, link_older, older);
    }
    g->size--;
    wtq_set_state(w, WT_STATE_COMPLETED);
}

/* -------------------------------------------------------------- stalls */

void wt_begin_write_stall(write_thread *wt)
{
    wt->stall_begun_count++;
    bool alone = wtq_link_one(wt, &wt->write_stall_dummy, &wt->newest_writer);
    WT_ASSERT(!alone); /* the caller leads the queue, so it is not empty */
    /* Fail queued no_slowdown writers now instead of after the stall.  The
     * walk stops at the current group, which never mixes the two kinds. */
    wt_writer *prev = &wt->write_stall_dummy;
    wt_writer *w = WT_LOAD(prev, link_older);
    while (w != NULL && WT_LOAD(w, write_group) == NULL) {
        if (w->no_slowdown) {
            wt_writer *older = WT_LOAD(w, link_older);
            WT_STORE(prev, link_older, older);
            WT_STORE(w, status, WT_INCOMPLETE);
            wtq_set_state(w, WT_STATE_COMPLETED);
            /* Repair link_newer only where already built, or the lazy
             * CreateMissingNewerLinks would stop early (RocksDB #7508). */
            if (older != NULL && WT_LOAD(older, link_newer) != NULL)
                WT_STORE(older, link_newer, prev);
            w = older;
        } else {
            prev = w;
            w = WT_LOAD(w, link_older);
        }
    }
}

void wt_end_write_stall(write_thread *wt)
{
    port_mutex_lock(&wt->stall_mu);
    WT_ASSERT(port_atomic_load_ptr(&wt->newest_writer, PORT_RELAXED) == &wt->write_stall_dummy);
    wt_writer *dummy = &wt->write_stall_dummy;
    wt_writer *older = WT_LOAD(dummy, link_older);
    if (older != NULL) WT_STORE(older, link_newer, WT_LOAD(dummy, link_newer));
    port_atomic_exchange_ptr(&wt->newest_writer, older, PORT_ACQ_REL);
    WT_STORE(dummy, link_older, NULL);
    WT_STORE(dummy, link_newer, NULL);
    port_atomic_fetch_add_u64(&wt->stall_ended_count, 1, PORT_RELEASE);
    port_cond_broadcast(&wt->stall_cv);
    port_mutex_unlock(&wt->stall_mu);
}

/* -------------------------------------------------------------- joining */

void wt_join_batch_group(write_thread *wt, wt_writer *w)
{
    WT_ASSERT(w->batch != NULL);
    PORT_SYNC_POINT("WriteThread::JoinBatchGroup:Start");
    bool linked_as_leader = wtq_link_one(wt, w, &wt->newest_writer);
    if (linked_as_leader) wtq_set_state(w, WT_STATE_GROUP_LEADER);
    PORT_SYNC_POINT("WriteThread::JoinBatchGroup:Wait");
    PORT_SYNC_POINT("WriteThread::JoinBatchGroup:Wait2");
    if (!linked_as_leader) {
        PORT_SYNC_POINT("WriteThread::JoinBatchGroup:BeganWaiting");
        wtq_await_state(wt, w,
                    WT_STATE_GROUP_LEADER | WT_STATE_MEMTABLE_WRITER_LEADER |
                        WT_STATE_PARALLEL_MEMTABLE_CALLER | WT_STATE_PARALLEL_MEMTABLE_WRITER |
                        WT_STATE_COMPLETED,
                    &wt->ctx_join);
        PORT_SYNC_POINT("WriteThread::JoinBatchGroup:DoneWaiting");
    }
}

/* Why w cannot join leader's group (RocksDB's rules); NULL if it can. */
static const char *incompatible(const wt_writer *leader, const wt_writer *w, size_t size,
                                size_t max_size)
{
    if (w->sync && !leader->sync) return "sync writer behind a non-sync leader";
    if (w->no_slowdown != leader->no_slowdown) return "no_slowdown differs";
    if (w->disable_wal != leader->disable_wal) return "disableWAL differs";
    if (w->batch == NULL) return "no batch";
    if (w->callback != NULL && !w->callback->allow_batching) return "callback refuses batching";
    if (size + wt_batch_byte_size(w->batch) > max_size) return "group size limit";
    return NULL;
}

/* Moves w (not the leader) out of the main list onto the side list rb..re. */
static void move_aside(wt_writer *w, wt_writer **rb, wt_writer **re)
{
    wt_writer *older = WT_LOAD(w, link_older), *newer = WT_LOAD(w, link_newer);
    WT_STORE(older, link_newer, newer);
    if (newer != NULL) WT_STORE(newer, link_older, older);
    if (*re == NULL) {
        *rb = *re = w;
        WT_STORE(w, link_older, NULL);
    } else {
        WT_STORE(w, link_older, *re);
        WT_STORE(*re, link_newer, w);
        *re = w;
    }
    /* w's link_newer still points into the main list: the walk goes on
     * from it, and relink_aside clears it on the last set-aside writer. */
}

/* Puts the side list rb..re back right after the group's last member `we`.
 * `newest` is the head the walk ended at; newer arrivals stay newest. */
static void relink_aside(write_thread *wt, wt_writer *we, wt_writer *rb, wt_writer *re,
                         wt_writer *newest)
{
    WT_STORE(rb, link_older, we);
    WT_STORE(re, link_newer, NULL);
    WT_STORE(we, link_newer, rb);
    void *head = newest;
    if (!port_atomic_cas_ptr(&wt->newest_writer, &head, re, PORT_ACQ_REL)) {
        wt_writer *w = head;
        while (WT_LOAD(w, link_older) != newest) w = WT_LOAD(w, link_older);
        WT_STORE(w, link_older, re);
    }
}

/* The most bytes a group led by a batch of leader_size bytes may hold: a
 * small leader only carries up to 1/8 of the limit more, so that it is not
 * slowed down much by a big group. */
size_t wtq_group_size_limit(const write_thread *wt, size_t leader_size)
{
    size_t max_size = wt->opts.max_write_batch_group_size_bytes;
    size_t small = max_size / 8;
    return leader_size <= small ? leader_size + small : max_size;
}

/*
 * Sync group fill (wtlab extension; RocksDB seals the group at once).
 *
 * With many writers doing sync writes in a loop, RocksDB's groups settle
 * into two cohorts that take turns: while one group's leader syncs, the
 * others queue up and become the next group; when the sync ends, its
 * members are woken and come back a few microseconds too late: the next
 * leader has already sealed its group.  So 16 sync writers make groups of
 * about 8 and every write pays for a sync shared by only half of them.
 *
 * With the option on, a sync leader that follows a sync group first waits
 * for that group's members to come back (until the list holds as many
 * writers as the previous group plus those queued behind it when it
 * ended), yielding the CPU
 * meanwhile, for at most half the time the previous group took (capped
 * at 1 ms): the wait costs microseconds, the sync it shares hundreds.  A
 * wait that times out (the writers did not come back) turns waiting off
 * for the next 1, 2, 4, ... 64 groups (doubling while waits keep timing
 * out; a wait that fills resets it), so a workload whose writers do not
 * come back pays for one timed-out wait in 64 groups.  Nothing changes for non-sync
 * leaders, and the group rules (size limit, compatibility) are the same.
 * The members' wake-ups after the fsync are the next cost; the option
 * sync_prewake_usec moves them into the fsync (write_thread_prewake.c).
 */
enum {
    FILL_BUDGET_DIV = 2,
    FILL_BUDGET_MAX_NS = 1000000,
    FILL_MAX_BACKOFF = 64,
};

/* Writers from `from` back to (not including) `stop`, via link_older. */
static uint64_t count_back(const wt_writer *from, const wt_writer *stop)
{
    uint64_t n = 0;
    for (const wt_writer *w = from; w != stop && w != NULL; w = WT_LOAD(w, link_older)) n++;
    return n;
}

static void wait_for_sync_group_fill(write_thread *wt, wt_writer *leader)
{
    if (wt->fill_skip > 0) {
        wt->fill_skip--;
        return;
    }
    uint64_t budget = wt->fill_prev_ns / FILL_BUDGET_DIV;
    if (budget > FILL_BUDGET_MAX_NS) budget = FILL_BUDGET_MAX_NS;
    wt_writer *newest = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
    uint64_t have = 1 + count_back(newest, leader);
    if (have >= wt->fill_expect || budget == 0) return;
    uint64_t deadline = port_now_ns() + budget;
    wt->fill_waits++;
    PORT_SYNC_POINT("WriteThread::SyncGroupFill:Wait");
    while (have < wt->fill_expect) {
        if (port_now_ns() >= deadline) {
            wt->fill_timeouts++;
            wt->fill_backoff = wt->fill_backoff == 0 ? 1 : wt->fill_backoff * 2;
            if (wt->fill_backoff > FILL_MAX_BACKOFF) wt->fill_backoff = FILL_MAX_BACKOFF;
            wt->fill_skip = wt->fill_backoff;
            return;
        }
        port_yield();
        wt_writer *head = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
        if (head != newest) {
            have += count_back(head, newest);
            newest = head;
        }
    }
    wt->fill_backoff = 0;
}

size_t wt_enter_as_batch_group_leader(write_thread *wt, wt_writer *leader, wt_write_group *g)
{
    wt_write_stats *st = leader->stats;
    wtq_prewake_enter(wt, leader);
    if (wt->opts.sync_group_fill && leader->sync) {
        uint64_t t0 = st != NULL ? port_now_ns() : 0;
        wait_for_sync_group_fill(wt, leader);
        if (st != NULL) st->fill_wait_ns += port_now_ns() - t0;
    }

    WT_ASSERT(WT_LOAD(leader, link_older) == NULL);
    WT_ASSERT(leader->batch != NULL);
    size_t size = wt_batch_byte_size(leader->batch);
    size_t max_size = wtq_group_size_limit(wt, size);

    WT_STORE(leader, write_group, g);
    g->leader = g->last_writer = leader;
    g->size = 1;
    g->last_sequence = 0;
    port_atomic_init_u32(&g->status, WT_OK);
    port_atomic_init_u32(&g->running, 0);
    wt_writer *newest = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
    wtq_create_missing_newer_links(wt->id, newest);

    wt_writer *w = leader, *we = leader, *rb = NULL, *re = NULL;
    while (w != newest) {
        WT_ASSERT(WT_LOAD(w, link_newer) != NULL);
        w = WT_LOAD(w, link_newer);
        if (incompatible(leader, w, size, max_size) != NULL) {
            move_aside(w, &rb, &re);
        } else {
            we = w;
            wtq_prewake_stamp(wt, w);
            WT_STORE(w, write_group, g);
            size += wt_batch_byte_size(w->batch);
            g->last_writer = w;
            g->size++;
        }
    }
    if (rb != NULL) {
        relink_aside(wt, we, rb, re, newest);
        for (wt_writer *m = rb; m != NULL && port_events_enabled();
             m = (m == re) ? NULL : WT_LOAD(m, link_newer))
            wtq_emit_list(PORT_EV_MOVE_ASIDE, leader->owner, wt->id, 0, 0, m->owner);
    }
    if (wt->opts.sync_group_fill) wt->fill_group_start_ns = port_now_ns();
    if (st != NULL) {
        st->groups++;
        st->members += g->size;
    }
    PORT_SYNC_POINT("WriteThread::EnterAsBatchGroupLeader:End");
    return size;
}

/* -------------------------------------------------------------- leaving */

/* leader_takes_parked_group: whether the exiting leader keeps leadership
 * for next (db.c, "Taking a parked leader's group"): next is parked on its
 * state word (only this thread may now change that word, so it stays
 * parked), is a real writer and not a sync one.  Reads next's state only
 * when the caller allows taking, so that without the option the sim sees
 * the same operations. */
static bool take_next(const write_thread *wt, const wt_writer *next, bool may_take)
{
    return may_take && next != &wt->write_stall_dummy && next->batch != NULL && !next->sync &&
           wt_writer_state(next) == WT_STATE_LOCKED_WAITING;
}

/* Non-pipelined: make the next writer leader, then complete the members.
 * Returns next instead of making it leader when take_next says so. */
static wt_writer *exit_serial(write_thread *wt, wt_write_group *g, wt_status status,
                              bool may_take)
{
    wt_writer *taken = NULL;
    wt_writer *leader = g->leader, *last = g->last_writer;
    if (WT_BUG(WAKE_BEFORE_DETACH)) {
        for (wt_writer *w = last; w != leader;) {
            wt_writer *next = WT_LOAD(w, link_older);
            WT_STORE(w, status, status);
            wtq_set_state(w, WT_STATE_COMPLETED);
            w = next;
        }
    }
    void *head = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
    if (head != last || !port_atomic_cas_ptr(&wt->newest_writer, &head, NULL, PORT_ACQ_REL)) {
        /* Writers arrived behind the group; the oldest of them leads next.
         * No retry is needed: only the departing leader removes writers. */
        WT_ASSERT(head != last);
        if (!WT_BUG(SKIP_NEWER_LINKS)) wtq_create_missing_newer_links(wt->id, head);
        wt_writer *next = WT_LOAD(last, link_newer);
        WT_ASSERT(next != NULL);
        WT_ASSERT(WT_LOAD(next, link_older) == last);
        WT_STORE(next, link_older, NULL);
        wtq_emit_list(PORT_EV_DETACH, leader->owner, wt->id, g->size, 0, next->owner);
        if (take_next(wt, next, may_take))
            taken = next;
        else
            wtq_set_state(next, WT_STATE_GROUP_LEADER);
    } else {
        wtq_emit_list(PORT_EV_DETACH, leader->owner, wt->id, g->size, 0, UINT32_MAX);
    }
    if (WT_BUG(WAKE_BEFORE_DETACH)) return taken;
    const bool late = WT_BUG(STATUS_AFTER_COMPLETE);
    while (last != leader) {
        if (!late) WT_STORE(last, status, status);
        wt_writer *next = WT_LOAD(last, link_older); /* read before last may vanish */
        wtq_set_state(last, WT_STATE_COMPLETED);
        if (late) WT_STORE(last, status, status);
        last = next;
    }
    return taken;
}

/* Pipelined: a stack dummy marks the group's end in the WAL queue so that
 * no newer WAL leader can overtake this group into the memtable queue and
 * the boundary never depends on a writer's (reusable) address. */
static void exit_pipelined(write_thread *wt, wt_write_group *g, wt_status status)
{
    wt_writer *leader = g->leader, *last = g->last_writer;
    const size_t size = g->size;
    wt_writer dummy;
    wt_writer_init(&dummy, NULL, (wt_writer_flags){0}, NULL);
    dummy.owner = UINT32_MAX;
    void *head = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
    if (head != last || !port_atomic_cas_ptr(&wt->newest_writer, &head, &dummy, PORT_ACQ_REL)) {
        WT_ASSERT(head != last);
        wtq_create_missing_newer_links(wt->id, head);
        WT_ASSERT(WT_LOAD(last, link_newer) != NULL);
        WT_STORE(WT_LOAD(last, link_newer), link_older, &dummy);
        WT_STORE(&dummy, link_newer, WT_LOAD(last, link_newer));
    }
    for (wt_writer *w = last; w != leader;) {
        wt_writer *next = WT_LOAD(w, link_older);
        WT_STORE(w, status, status);
        if (!wt_writer_should_write_memtable(w)) complete_follower(w, g);
        w = next;
    }
    if (!wt_writer_should_write_memtable(leader)) complete_leader(g);
    PORT_SYNC_POINT("WriteThread::ExitAsBatchGroupLeader:AfterCompleteWriters");
    bool link_late = WT_BUG(PIPELINED_LINK_LATE);
    if (!link_late && g->size > 0 && link_group(g, &wt->newest_memtable_writer))
        wtq_set_state(g->leader, WT_STATE_MEMTABLE_WRITER_LEADER);
    head = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
    if (head != &dummy || !port_atomic_cas_ptr(&wt->newest_writer, &head, NULL, PORT_ACQ_REL)) {
        wtq_create_missing_newer_links(wt->id, head);
        wt_writer *next_leader = WT_LOAD(&dummy, link_newer);
        WT_ASSERT(next_leader != NULL);
        WT_STORE(next_leader, link_older, NULL);
        wtq_emit_list(PORT_EV_DETACH, leader->owner, wt->id, size, 0, next_leader->owner);
        wtq_set_state(next_leader, WT_STATE_GROUP_LEADER);
    } else {
        wtq_emit_list(PORT_EV_DETACH, leader->owner, wt->id, size, 0, UINT32_MAX);
    }
    if (link_late && g->size > 0 && link_group(g, &wt->newest_memtable_writer))
        wtq_set_state(g->leader, WT_STATE_MEMTABLE_WRITER_LEADER);
    wtq_await_state(wt, leader,
                WT_STATE_MEMTABLE_WRITER_LEADER | WT_STATE_PARALLEL_MEMTABLE_CALLER |
                    WT_STATE_PARALLEL_MEMTABLE_WRITER | WT_STATE_COMPLETED,
                &wt->ctx_exit_leader);
}

void wt_exit_as_batch_group_leader(write_thread *wt, wt_write_group *g, wt_status status)
{
    wt_writer *taken = wt_exit_as_batch_group_leader_take(wt, g, status, false);
    WT_ASSERT(taken == NULL);
}

wt_writer *wt_exit_as_batch_group_leader_take(write_thread *wt, wt_write_group *g,
                                              wt_status status, bool may_take)
{
    WT_ASSERT(WT_LOAD(g->leader, link_older) == NULL);
    PORT_SYNC_POINT("WriteThread::ExitAsBatchGroupLeader:Start");
    /* A memtable error of a parallel member reaches the whole group. */
    wt_status group_status = (wt_status)port_atomic_load_u32(&g->status, PORT_ACQUIRE);
    if (status == WT_OK && group_status != WT_OK) status = group_status;
    if (wt->opts.sync_group_fill) {
        /* Before leadership passes on: the next leader reads these. */
        /* The group and the writers queued behind it: how many writers
         * were busy this round, all of whom may write again. */
        wt_writer *head = port_atomic_load_ptr(&wt->newest_writer, PORT_ACQUIRE);
        wt->fill_expect = g->leader->sync ? g->size + count_back(head, g->last_writer) : 0;
        wt->fill_prev_ns = port_now_ns() - wt->fill_group_start_ns;
    }
    if (wt->opts.enable_pipelined_write) {
        exit_pipelined(wt, g, status);
        return NULL;
    }
    return exit_serial(wt, g, status, may_take);
}

void wt_exit_as_batch_group_follower(write_thread *wt, wt_writer *w)
{
    wt_writer *taken = wt_exit_as_batch_group_follower_take(wt, w, false);
    WT_ASSERT(taken == NULL);
}

wt_writer *wt_exit_as_batch_group_follower_take(write_thread *wt, wt_writer *w, bool may_take)
{
    wt_write_group *g = WT_LOAD(w, write_group);
    WT_ASSERT(wt_writer_state(w) == WT_STATE_PARALLEL_MEMTABLE_WRITER);
    wt_writer *leader = g->leader;
    wt_status status = (wt_status)port_atomic_load_u32(&g->status, PORT_ACQUIRE);
    wt_writer *taken = wt_exit_as_batch_group_leader_take(wt, g, status, may_take);
    WT_ASSERT(wt_writer_state(w) == WT_STATE_COMPLETED);
    /* The exit gave every member but the leader the group's status.  A
     * failed group is not published, so the leader must fail too (RocksDB
     * leaves it its own insert's status). */
    if (status != WT_OK) WT_STORE(leader, status, status);
    /* The leader waits in CompleteParallelMemTableWriter; g lives on its
     * stack, so it is released last. */
    wtq_set_state(leader, WT_STATE_COMPLETED);
    return taken;
}

void wt_complete_taken_leader(wt_writer *w, wt_status status)
{
    WT_ASSERT(wt_writer_state(w) == WT_STATE_LOCKED_WAITING);
    WT_STORE(w, status, status);
    wtq_set_state(w, WT_STATE_COMPLETED);
}

