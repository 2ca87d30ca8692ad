/*
 * write_thread_wait.c — how a writer waits for its state word to change
 * (AwaitState: spin, adaptive yield, park) and how another thread changes
 * it (SetState).  Split from write_thread.c; the queue and the groups are
 * there, the memtable-side protocol in write_thread_mem.c.
 *
 * Thread safety: every function here runs in any writer's thread; the
 * state word is the only shared cell, accessed with the port atomics.
 */
#include "write_thread_impl.h"

#include "bugs.h"
#include "util.h"

/* ------------------------------------------------------- states and waits */

/* w's state word went from -> to (as this thread saw it; the sim reads
 * the value really replaced through .word). */
static void emit_state(const wt_writer *w, uint32_t owner, uint32_t from, uint32_t to)
{
    if (!port_events_enabled()) return;
    port_event e = {.kind = PORT_EV_STATE, .writer = owner, .from = from, .to = to,
                    .word = &w->state};
    port_event_emit(&e);
}

/* A writer-list event of queue q (PORT_EV_LINK and the rest); `other` is
 * the writer it names besides the emitting thread (UINT32_MAX: none). */
void wtq_emit_list(port_event_kind kind, uint32_t who, wt_queue_id q, uint64_t b, uint64_t c,
                   uint32_t other)
{
    if (!port_events_enabled()) return;
    port_event e = {.kind = kind, .writer = who, .a = q, .b = b, .c = c, .members = &other,
                    .member_count = other != UINT32_MAX ? 1 : 0};
    port_event_emit(&e);
}

/* Moves w to new_state and wakes its owner if it is parked.  w may be
 * gone as soon as this returns (its owner may already have returned). */
void wtq_set_state(wt_writer *w, uint32_t new_state)
{
    uint32_t owner = w->owner;
    uint32_t state = port_atomic_load_u32(&w->state, PORT_ACQUIRE);
    if (state != WT_STATE_LOCKED_WAITING &&
        port_atomic_cas_u32(&w->state, &state, new_state, PORT_SEQ_CST)) {
        emit_state(w, owner, state, new_state);
        return;
    }
    /* The owner parked (or is about to): only a store plus a wake-up can
     * reach it, and nobody else may change the state meanwhile. */
    WT_ASSERT(state == WT_STATE_LOCKED_WAITING);
    port_atomic_store_u32(&w->state, new_state, PORT_RELEASE);
    emit_state(w, owner, WT_STATE_LOCKED_WAITING, new_state);
    port_unpark(&w->state);
}

/* Park behind parked (below): whether a writer parking in this wait is
 * still in the write queue, ahead of the writers that join it.  In
 * pipelined mode the waits of the memtable stage (a WAL leader's wait for
 * its memtable role after its exit, its parallel writers') come after the
 * writer left the WAL queue, so they are not counted.
 * WaitForMemTableWriters is counted: its caller is the WAL queue's leader
 * (EnterUnbatched, a callback that refuses batching), which waits there
 * for the memtable queue to drain with the joiners behind it.  (A WAL
 * group's follower waits for its memtable role in JoinBatchGroup's wait
 * and is counted; pipelined WAL groups seldom have followers without
 * sync.) */
static bool parks_ahead_of_joiners(const write_thread *wt, const wt_await_context *ctx)
{
    if (ctx == &wt->ctx_join || ctx == &wt->ctx_unbatched || ctx == &wt->ctx_wait_memtable)
        return true;
    return ctx == &wt->ctx_complete_parallel && !wt->opts.enable_pipelined_write;
}

/* Phase 3: CAS the state to LOCKED_WAITING and park until a waker moves it.
 * If the CAS fails, a waker already stored a new state, and every waker
 * moves a waiter straight to a state it waits for. */
static uint32_t blocking_await_state(write_thread *wt, wt_writer *w, uint32_t goal_mask,
                                     const wt_await_context *ctx)
{
    PORT_SYNC_POINT("WriteThread::AwaitState:BlockingWaiting");
    uint32_t state = port_atomic_load_u32(&w->state, PORT_ACQUIRE);
    WT_ASSERT(state != WT_STATE_LOCKED_WAITING);
    bool parked;
    if (WT_BUG(LOST_WAKEUP)) {
        parked = (state & goal_mask) == 0;
        if (parked) port_atomic_store_u32(&w->state, WT_STATE_LOCKED_WAITING, PORT_SEQ_CST);
    } else {
        parked = (state & goal_mask) == 0 &&
                 port_atomic_cas_u32(&w->state, &state, WT_STATE_LOCKED_WAITING, PORT_SEQ_CST);
    }
    if (parked) {
        emit_state(w, w->owner, state, WT_STATE_LOCKED_WAITING);
        bool count = wt->opts.join_park_behind_parked && parks_ahead_of_joiners(wt, ctx);
        if (count) port_atomic_fetch_add_u32(&wt->parked_writers, 1, PORT_RELAXED);
        while ((state = port_atomic_load_u32(&w->state, PORT_ACQUIRE)) == WT_STATE_LOCKED_WAITING)
            port_park(&w->state, WT_STATE_LOCKED_WAITING, "WriteThread::AwaitState");
        if (count) port_atomic_fetch_sub_u32(&wt->parked_writers, 1, PORT_RELAXED);
    }
    WT_ASSERT((state & goal_mask) != 0);
    return state;
}

/* Phase 2: yield while it pays off.  Returns the last state seen;
 * *success when the goal was met, *give_up after too many slow yields;
 * *slow: whether a yield was slow after which the goal was still not met
 * (the yield that ends the wait is not timed). */
static uint32_t yield_await_state(const write_thread *wt, wt_writer *w, uint32_t goal_mask,
                                  bool *success, bool *give_up, bool *slow)
{
    const uint64_t max_ns = wt->opts.max_yield_usec * 1000;
    const uint64_t slow_ns = wt->opts.slow_yield_usec * 1000;
    uint64_t spin_begin = port_now_ns(), iter_begin = spin_begin;
    unsigned slow_yields = 0;
    uint32_t state = 0;
    while (iter_begin - spin_begin <= max_ns) {
        port_yield();
        state = port_atomic_load_u32(&w->state, PORT_ACQUIRE);
        if (state & goal_mask) {
            *success = true;
            break;
        }
        uint64_t now = port_now_ns();
        if (now == iter_begin || now - iter_begin >= slow_ns) {
            *slow = true;
            if (++slow_yields >= WT_MAX_SLOW_YIELDS) {
                *give_up = true;
                break;
            }
        }
        iter_begin = now;
    }
    return state;
}

/* The clock for w's wait statistics: read only when someone collects them. */
static uint64_t stats_clock(const wt_writer *w)
{
    return w->stats != NULL ? port_now_ns() : 0;
}

/*
 * Strict yield credit (wtlab extension, off in RocksDB).  The adaptive
 * yield counts a sampled yield phase as a success when the state changed
 * before the phase gave up, however its yields went.  When writers
 * outnumber the cores (4 or 16 threads on 2), a yield gives the CPU to
 * another runnable writer, often one that is waiting too and spins, then
 * yields in turn: each such yield is a system call and a context switch
 * (2-3 us of CPU on this project's VM, two threads yielding to each other
 * on one core: half of a whole write), and the waits still end within
 * max_yield_usec, so the credit stays positive and the waiters go on
 * yielding to each other.  With the option, every yield phase in which
 * a yield was slow (took slow_yield_usec or more, or the clock did not
 * move: RocksDB's test, which takes it that the CPU went to another
 * thread) and the goal was still not met after it counts as a failure,
 * sampled or not (the yield after which the state has changed is not
 * timed, as in RocksDB's loop), so that a storm turns the credit
 * negative within about 710 such phases from the highest credit; the
 * waits of that call site then spin and park, as they do when the yields
 * do not come back in time, until sampled phases (one wait in 256) find
 * fast yields again (about 710 successful samples from the lowest
 * credit, some 180,000 waits).  (Counting only the
 * sampled phases as failures, as RocksDB counts its samples, reacted too
 * slowly: the credit built up over many samples outlived the storms.)
 * Yields that come back fast (a spare core) count as before.  The states,
 * transitions, groups and results are the same either way; in the sim
 * the option changes when waiters yield, so it is off by default.
 */

/*
 * Park behind parked (wtlab extension, off in RocksDB).  Measured at issue
 * 23 (bench/README.md, "No collapse"): with 16 writers on 2 cores and no sync,
 * a run either stays in a state where writes rarely meet, or falls into a
 * convoy: 60-90 % of the leader hand-offs go to a parked writer, which
 * needs a futex wake and then a free CPU; the writers that run meanwhile
 * link behind it, spin 200 PAUSEs (8 us here) and park in their turn, so
 * the next hand-off goes to a parked writer again.  With the option, a
 * joining writer (JoinBatchGroup) that finds another writer of its queue
 * parked skips the spin and the yield and parks at once: its spin could
 * only end if every writer ahead of it, parked ones included, were woken
 * and done within 8 us, and it holds a CPU the woken writer needs.  The
 * count of parked writers is kept only with the option on; the states,
 * transitions, groups and results are unchanged, only when a joining
 * writer parks.
 */
static bool park_behind_parked(const write_thread *wt, const wt_await_context *ctx)
{
    return wt->opts.join_park_behind_parked && ctx == &wt->ctx_join &&
           port_atomic_load_u32(&wt->parked_writers, PORT_RELAXED) > 0;
}

/* Waits until w's state is in goal_mask: spin, then (adaptively) yield,
 * then park.  The adaptation credit of the call site decides whether the
 * yield phase is worth it; one call in 256 samples it regardless.  With
 * w->stats, the time of each phase is added there. */
static uint32_t await_phases(write_thread *wt, wt_writer *w, uint32_t goal_mask,
                             wt_await_context *ctx)
{
    uint32_t state = 0;
    uint64_t t0 = stats_clock(w);
    unsigned spins = WT_AWAIT_SPINS;
    bool skip = wtq_prewake_skip_spin(wt, w, ctx) || park_behind_parked(wt, ctx);
    if (skip) spins = 1;
    for (unsigned tries = 0; tries < spins; tries++) {
        state = port_atomic_load_u32(&w->state, PORT_ACQUIRE);
        if (state & goal_mask) break;
        port_pause();
    }
    uint64_t t1 = stats_clock(w);
    if (w->stats != NULL) w->stats->spin_ns += t1 - t0;
    if (state & goal_mask) return state;
    bool sample = false, success = false;
    if (wt->opts.max_yield_usec > 0 && !skip) {
        sample = port_random_u32() % 256 == 0;
        int32_t credit = (int32_t)port_atomic_load_u32(&ctx->credit, PORT_RELAXED);
        if (sample || credit >= 0) {
            bool give_up = false, slow = false;
            state = yield_await_state(wt, w, goal_mask, &success, &give_up, &slow);
            /* Strict yield credit: every phase with a slow yield is
             * counted (as a failure), sampled or not. */
            bool strict_fail = wt->opts.strict_yield_credit && slow;
            if (strict_fail) success = false;
            sample = sample || give_up || strict_fail;
        }
    }
    uint64_t t2 = stats_clock(w);
    if ((state & goal_mask) == 0) {
        /* Sync pre-wake (write_thread_prewake.c): timed parks, then park
         * until woken only if that did not end the wait. */
        if (wtq_prewake_applies(wt, w, ctx)) state = wtq_prewake_await(wt, w, goal_mask);
        if ((state & goal_mask) == 0) {
            state = blocking_await_state(wt, w, goal_mask, ctx);
            if (w->stats != NULL) w->stats->blocks++;
        }
        if (w->stats != NULL) w->stats->block_ns += stats_clock(w) - t2;
    }
    if (w->stats != NULL) w->stats->yield_ns += t2 - t1;
    if (sample) {
        /* Decays by 1/1024 per sample; stays within +-2^27. */
        int32_t v = (int32_t)port_atomic_load_u32(&ctx->credit, PORT_RELAXED);
        v = v - v / 1024 + (success ? 131072 : -131072);
        port_atomic_store_u32(&ctx->credit, (uint32_t)v, PORT_RELAXED);
    }
    WT_ASSERT((state & goal_mask) != 0);
    return state;
}

/* AwaitState: the sim knows what w waits for while it waits. */
uint32_t wtq_await_state(write_thread *wt, wt_writer *w, uint32_t goal_mask,
                         wt_await_context *ctx)
{
    port_await_begin(&w->state, goal_mask);
    uint32_t state = await_phases(wt, w, goal_mask, ctx);
    port_await_end(&w->state);
    return state;
}

