/*
 * write_thread_mem.c — the memtable side of the write queue: parallel
 * memtable writers and their stride wake-up, the pipelined memtable queue,
 * and unbatched (exclusive) access.  Split from write_thread.c, whose
 * invariants hold here too: only a queue's leader edits its links, and
 * nobody touches a writer after setting it COMPLETED.
 */
#include "write_thread_impl.h"

#include "util.h"

/* ------------------------------------------------------ parallel inserts */

static size_t integer_sqrt(size_t n)
{
    size_t r = 0;
    while ((r + 1) * (r + 1) <= n) r++;
    return r;
}

void wt_set_mem_writers_each_stride(write_thread *wt, wt_writer *w)
{
    (void)wt;
    wt_write_group *g = WT_LOAD(w, write_group);
    wt_writer *last = g->last_writer;
    size_t stride = integer_sqrt(g->size);
    WT_ASSERT(stride >= 1);
    for (size_t count = 0; w != NULL; count++) {
        wt_writer *next = (w == last) ? NULL : WT_LOAD(w, link_newer); /* w may vanish once woken */
        if (count % stride == 0) wtq_set_state(w, WT_STATE_PARALLEL_MEMTABLE_WRITER);
        w = next;
    }
}

void wt_launch_parallel_memtable_writers(write_thread *wt, wt_write_group *g)
{
    WT_ASSERT(g->size > 1);
    port_atomic_store_u32(&g->running, (uint32_t)g->size, PORT_RELEASE);
    if (g->size < WT_MIN_PARALLEL_CALLER_GROUP) {
        for (wt_writer *w = g->leader; w != NULL;) {
            wt_writer *next = (w == g->last_writer) ? NULL : WT_LOAD(w, link_newer);
            wtq_set_state(w, WT_STATE_PARALLEL_MEMTABLE_WRITER);
            w = next;
        }
        return;
    }
    /* Members 1..stride-1 become callers; each wakes its own residue class
     * mod stride, and the leader wakes class 0 from member `stride` on. */
    size_t stride = integer_sqrt(g->size);
    wt_writer *w = g->leader;
    wt_writer *next = WT_LOAD(w, link_newer);
    wtq_set_state(w, WT_STATE_PARALLEL_MEMTABLE_WRITER);
    for (size_t i = 1; i < stride; i++) {
        w = next;
        next = WT_LOAD(w, link_newer);
        wtq_set_state(w, WT_STATE_PARALLEL_MEMTABLE_CALLER);
    }
    wt_set_mem_writers_each_stride(wt, next);
}

bool wt_complete_parallel_memtable_writer(write_thread *wt, wt_writer *w)
{
    wt_write_group *g = WT_LOAD(w, write_group);
    wt_status mine = WT_LOAD(w, status);
    if (mine != WT_OK) port_atomic_store_u32(&g->status, mine, PORT_RELAXED);
    if (port_atomic_fetch_sub_u32(&g->running, 1, PORT_ACQ_REL) > 1) {
        wtq_await_state(wt, w, WT_STATE_COMPLETED, &wt->ctx_complete_parallel);
        return false;
    }
    /* The last one out does the exit work for the whole group. */
    WT_STORE(w, status, (wt_status)port_atomic_load_u32(&g->status, PORT_RELAXED));
    return true;
}

/* --------------------------------------------------- pipelined memtable */

uint64_t wt_update_last_sequence(write_thread *wt, uint64_t seq)
{
    if (seq > wt->last_sequence) wt->last_sequence = seq;
    return wt->last_sequence;
}

void wt_enter_as_memtable_writer(write_thread *wt, wt_writer *leader, wt_write_group *g)
{
    WT_ASSERT(WT_LOAD(leader, link_older) == NULL);
    WT_ASSERT(leader->batch != NULL);
    size_t size = wt_batch_byte_size(leader->batch);
    size_t max_size = wtq_group_size_limit(wt, size);
    WT_STORE(leader, write_group, g);
    g->leader = leader;
    g->size = 1;
    port_atomic_init_u32(&g->status, WT_OK);
    port_atomic_init_u32(&g->running, 0);
    wt_writer *last = leader;
    wt_writer *newest = port_atomic_load_ptr(&wt->newest_memtable_writer, PORT_ACQUIRE);
    wtq_create_missing_newer_links(WT_QUEUE_MEMTABLE, newest);
    for (wt_writer *w = leader; w != newest;) {
        WT_ASSERT(WT_LOAD(w, link_newer) != NULL);
        w = WT_LOAD(w, link_newer);
        if (w->batch == NULL) break;
        if (!wt->opts.allow_concurrent_memtable_write) {
            /* Serial inserts: keep the group within the byte limit. */
            if (size + wt_batch_byte_size(w->batch) > max_size) break;
            size += wt_batch_byte_size(w->batch);
        }
        WT_STORE(w, write_group, g);
        last = w;
        g->size++;
    }
    g->last_writer = last;
    g->last_sequence = WT_LOAD(last, sequence) + wt_batch_count(last->batch) - 1;
}

void wt_exit_as_memtable_writer(write_thread *wt, wt_writer *self, wt_write_group *g)
{
    (void)self;
    wt_writer *leader = g->leader, *last = g->last_writer;
    void *head = last;
    if (!port_atomic_cas_ptr(&wt->newest_memtable_writer, &head, NULL, PORT_ACQ_REL)) {
        wtq_create_missing_newer_links(WT_QUEUE_MEMTABLE, head);
        wt_writer *next_leader = WT_LOAD(last, link_newer);
        WT_ASSERT(next_leader != NULL);
        WT_STORE(next_leader, link_older, NULL);
        wtq_emit_list(PORT_EV_DETACH, leader->owner, WT_QUEUE_MEMTABLE, g->size, 0, next_leader->owner);
        wtq_set_state(next_leader, WT_STATE_MEMTABLE_WRITER_LEADER);
    } else {
        wtq_emit_list(PORT_EV_DETACH, leader->owner, WT_QUEUE_MEMTABLE, g->size, 0, UINT32_MAX);
    }
    wt_status group_status = (wt_status)port_atomic_load_u32(&g->status, PORT_ACQUIRE);
    for (wt_writer *w = leader;;) {
        if (group_status != WT_OK) WT_STORE(w, status, group_status);
        wt_writer *next = WT_LOAD(w, link_newer);
        bool at_end = (w == last);
        if (w != leader) wtq_set_state(w, WT_STATE_COMPLETED);
        if (at_end) break;
        WT_ASSERT(next != NULL);
        w = next;
    }
    /* The leader owns g, so it goes last. */
    wtq_set_state(leader, WT_STATE_COMPLETED);
}

void wt_wait_for_memtable_writers(write_thread *wt)
{
    WT_ASSERT(wt->opts.enable_pipelined_write);
    if (port_atomic_load_ptr(&wt->newest_memtable_writer, PORT_ACQUIRE) == NULL) return;
    wt_writer w;
    wt_writer_init(&w, NULL, (wt_writer_flags){0}, NULL);
    if (!wtq_link_one(wt, &w, &wt->newest_memtable_writer))
        wtq_await_state(wt, &w, WT_STATE_MEMTABLE_WRITER_LEADER, &wt->ctx_wait_memtable);
    /* Only the WAL leader (our caller) adds memtable groups, so nobody can
     * have linked behind us. */
    port_atomic_store_ptr(&wt->newest_memtable_writer, NULL, PORT_RELEASE);
}

/* ------------------------------------------------------------ unbatched */

void wt_enter_unbatched(write_thread *wt, wt_writer *w, port_mutex *mu)
{
    port_mutex_assert_held(mu);
    WT_ASSERT(w->batch == NULL);
    port_mutex_unlock(mu);
    bool linked_as_leader = wtq_link_one(wt, w, &wt->newest_writer);
    if (!linked_as_leader) {
        PORT_SYNC_POINT("WriteThread::EnterUnbatched:Wait");
        /* Leaders never take a writer without a batch as a follower. */
        wtq_await_state(wt, w, WT_STATE_GROUP_LEADER, &wt->ctx_unbatched);
    }
    if (wt->opts.enable_pipelined_write) wt_wait_for_memtable_writers(wt);
    port_mutex_lock(mu);
}

void wt_exit_unbatched(write_thread *wt, wt_writer *w)
{
    void *head = w;
    if (!port_atomic_cas_ptr(&wt->newest_writer, &head, NULL, PORT_ACQ_REL)) {
        wtq_create_missing_newer_links(wt->id, head);
        wt_writer *next_leader = WT_LOAD(w, link_newer);
        WT_ASSERT(next_leader != NULL);
        WT_STORE(next_leader, link_older, NULL);
        wtq_emit_list(PORT_EV_DETACH, w->owner, wt->id, 1, 0, next_leader->owner);
        wtq_set_state(next_leader, WT_STATE_GROUP_LEADER);
    } else {
        wtq_emit_list(PORT_EV_DETACH, w->owner, wt->id, 1, 0, UINT32_MAX);
    }
}
