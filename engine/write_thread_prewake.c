/*
 * write_thread_prewake.c — sync pre-wake (wtlab extension, option
 * sync_prewake_usec; 0 = off, RocksDB's behaviour) and inserts during the
 * fsync (option sync_overlap_insert; off by default).
 *
 * Sync pre-wake.  With many threads doing sync writes, the members of a
 * group park on their futexes (AwaitState's third phase) while the leader
 * sits in fdatasync, and the leader's completion then wakes them one futex
 * wake at a time: each woken thread needs the scheduler and a CPU before it
 * can return and write again, and on a machine with fewer cores than
 * writers those wake-ups (100-200 us for 15 members on 2 cores) come after
 * the fsync, so the next group cannot start its fsync before they are done.
 * The CPUs are idle while the leader waits for the device; the option moves
 * the wake-ups there:
 *
 *  - the leader of a sync group publishes, when it enters, that a sync
 *    group is forming (prewake_at = WT_PREWAKE_FORMING; any other leader
 *    publishes 0), and just before its fdatasync when the members should
 *    be running again: fsync begin + the fsync estimate - the lead
 *    (sync_prewake_usec);
 *  - a sync writer waiting to join skips the spin and yield phases while
 *    a sync group forms or syncs, and instead of parking until woken parks
 *    with a deadline (port_park_until) without announcing it
 *    (its state stays INIT, not LOCKED_WAITING): until that time while a
 *    fsync runs, or for estimate - lead while the group forms (its fsync
 *    is at least that far ahead); when it wakes before its state changed,
 *    it reads the published time again and parks again or, once that time
 *    has passed, yields until its state changes;
 *  - so when the leader completes the group its members are running: the
 *    completion is a compare-and-swap per member (wtq_set_state wakes only
 *    LOCKED_WAITING writers), and they return at once.
 *
 * The estimate is a low quantile of the last WT_PREWAKE_HISTORY fsyncs,
 * the second-smallest of the last 8 (at least 4 needed, else no timed
 * parks).  A low quantile rather than a mean: fsync times here have a
 * long tail (p50 0.3-0.5 ms, p99 5-15 ms), which drags a mean up, and the
 * two errors do not cost the same.  A member that wakes early yields (CPU
 * while the device works, the CPUs otherwise idle); a member whose
 * deadline is after the completion is not woken by it (it did not
 * announce its park) and returns only at its deadline, delaying the next
 * group.  The yield is bounded: a writer that has yielded for 8 times the
 * lead past the published time (the fsync runs far longer than the
 * estimate, or the writer is not in the syncing group) parks as RocksDB
 * does (LOCKED_WAITING) and is woken by its completion.  Why 8: at 16
 * threads with a lead of 50 us, 2 leads left 23-56 % of the writes to
 * that fallback (each a futex wake after the fsync), 4 leads 6-20 %,
 * 8 leads 1-22 %, at the same CPU per write (31-35 us) within the noise:
 * yielding threads cost less than the wake-ups they save.
 *
 * Semantics are RocksDB's: a member returns only when its leader completes
 * it, after the group's WAL record is synced; statuses, sequences, groups
 * and the memtable are unchanged.  Only sync writers waiting to join use
 * it (their join wait, which with pipelined writes also covers the
 * memtable stage).  There is one published time per queue, so a member
 * must know whether it is its own group's: the leader stamps each member
 * with the number of the group it entered (prewake_group), and a member
 * whose group is no longer the last one entered -- the next leader has
 * published FORMING or its own deadline while this member still waits
 * for its completion or, pipelined, its memtable stage -- does not sleep
 * on that time but yields (bounded as above) and then parks as RocksDB
 * does.  Before, such members slept through the next group's fsync:
 * pipelined with a serial memtable, 42 of 80 writes came back about
 * 900 us after their completion (tests/prewake.sh).
 * Parallel memtable members' own waits are not changed.
 * The members that sleep are not LOCKED_WAITING; a concurrent-memtable
 * leader with leader_inserts_parked_group counts a sync group's members as
 * parked all the same (db.c: collect_group, and pipelined_parallel_group
 * for pipelined mode's memtable stage) and inserts their batches itself:
 * woken to insert in parallel, each member would then wait for
 * the group's end in CompleteParallelMemTableWriter, park there and need
 * a futex wake after all (measured: memtable phase 196 us per group
 * against 15 us, 1.04 plain parks per write).
 *
 * Inserts during the fsync (option sync_overlap_insert, off by default;
 * meaningful only with the pre-wake).  A leader that inserts its sync
 * group serially (db.c, lead_default_group) numbers the group before its
 * WAL write and, right before its fdatasync, opens a job (a function and
 * its argument: the serial insert of the group at its sequences).  A sync
 * writer in this file's wait that is awake -- its timed park ended, or it
 * yields -- takes the job (OPEN -> CLAIMED, at most one writer) and runs
 * it while the fsync runs, then marks it DONE.  After the fsync the
 * leader closes it: OPEN -> IDLE if nobody took it (the leader inserts
 * itself, as without the option), else it yields until DONE.  It
 * publishes the group's sequence only after that and only if the sync
 * succeeded, so nothing becomes visible earlier than without the option;
 * records inserted during a failed fsync stay above the published
 * sequence behind the sticky background error (db.c).  The job's fields
 * are written before the release of OPEN and read after the acquiring
 * CAS; its result is written before the release of DONE.
 *
 * Thread safety: prewake_at and prewake_est_ns are atomics any writer
 * reads; the fsync history is the leader's, handed on with leadership
 * (the queue's release/acquire hand-off orders it, like the fill_ fields).
 */
#include "write_thread_impl.h"

#include "util.h"

enum { PREWAKE_MIN_SAMPLES = 4, WT_PREWAKE_YIELD_LEADS = 8 };

/* Inserts during the fsync: the job's states (write_thread.overlap_state). */
enum { OVERLAP_IDLE = 0, OVERLAP_OPEN = 1, OVERLAP_CLAIMED = 2, OVERLAP_DONE = 3 };

void wtq_prewake_enter(write_thread *wt, const wt_writer *leader)
{
    if (wt->opts.sync_prewake_usec == 0) return;
    wt->prewake_synced = false;
    uint64_t g = port_atomic_load_u64(&wt->prewake_group, PORT_RELAXED); /* the leader's */
    port_atomic_store_u64(&wt->prewake_group, g + 1, PORT_RELEASE);
    port_atomic_store_u64(&wt->prewake_at, leader->sync ? WT_PREWAKE_FORMING : 0, PORT_RELEASE);
}

/* The leader took w into the group it entered last: w's wait for that
 * group's fsync ends once a later group enters (its WAL stage is over). */
void wtq_prewake_stamp(const write_thread *wt, wt_writer *w)
{
    if (wt->opts.sync_prewake_usec == 0) return;
    port_atomic_store_u64(&w->prewake_group,
                          port_atomic_load_u64(&wt->prewake_group, PORT_RELAXED), PORT_RELAXED);
}

bool wtq_prewake_applies(const write_thread *wt, const wt_writer *w, const wt_await_context *ctx)
{
    return wt->opts.sync_prewake_usec > 0 && w->sync && ctx == &wt->ctx_join;
}

/* A sync writer that joins while a sync group forms or syncs: it joins
 * that group (or the next), so its wait lasts at least until an fsync
 * ends, and spinning and yielding first (AwaitState's first two phases)
 * only take the CPU from the writers still returning to fill the group
 * (measured at 16 threads: fill wait 65-110 us per group instead of
 * 110-160, cycle - fsync 139-158 us instead of 219). */
bool wtq_prewake_skip_spin(const write_thread *wt, const wt_writer *w, const wt_await_context *ctx)
{
    if (!wtq_prewake_applies(wt, w, ctx)) return false;
    uint64_t at = port_atomic_load_u64(&wt->prewake_at, PORT_ACQUIRE);
    return at != 0; /* stale (a group just ended): it yields in wtq_prewake_await */
}

uint64_t wt_sync_prewake_begin(write_thread *wt)
{
    if (wt->opts.sync_prewake_usec == 0) return 0;
    uint64_t now = port_now_ns();
    uint64_t est = port_atomic_load_u64(&wt->prewake_est_ns, PORT_RELAXED);
    uint64_t lead = wt->opts.sync_prewake_usec * 1000;
    /* No estimate yet, or one shorter than the lead: prewake_at stays
     * FORMING and the members park until woken, as without the option. */
    wt->prewake_synced = true;
    if (est > lead) port_atomic_store_u64(&wt->prewake_at, now + est - lead, PORT_RELEASE);
    PORT_SYNC_POINT("WriteThread::SyncPrewake:SyncBegin");
    return now;
}

/* Before this, a sync leader's group that did not fsync left FORMING
 * published from its enter to the next group's: sync writers that joined
 * slept est - lead with no fsync to wait for, and its members, completed
 * without a futex wake (their state was INIT), came back only at that
 * deadline.  Here the leader takes the time back and ends its members'
 * timed parks (a futex wake on each state word; it is the rare path: a
 * failed or empty group).  A member that read FORMING just before the
 * store and parks just after the wake still sleeps to its deadline (one
 * estimate at most); the next enter publishes again.  A group whose fsync
 * ran and failed (failed) is taken back too: its members would otherwise
 * sleep to the deadline on the error path. */
void wt_sync_prewake_cancel(write_thread *wt, const wt_write_group *g, bool failed)
{
    if (wt->opts.sync_prewake_usec == 0 || !g->leader->sync || (wt->prewake_synced && !failed))
        return;
    if (port_atomic_load_u64(&wt->prewake_at, PORT_RELAXED) == 0) return;
    port_atomic_store_u64(&wt->prewake_at, 0, PORT_RELEASE);
    PORT_SYNC_POINT("WriteThread::SyncPrewake:Cancel");
    WT_GROUP_FOREACH(w, g) {
        if (w != g->leader) port_unpark(&w->state);
    }
}

/* The second-smallest of the recorded fsyncs (n >= 2). */
static uint64_t low_quantile(const uint64_t *v, size_t n)
{
    uint64_t a = UINT64_MAX, b = UINT64_MAX; /* smallest, second-smallest */
    for (size_t i = 0; i < n; i++) {
        if (v[i] < a) {
            b = a;
            a = v[i];
        } else if (v[i] < b) {
            b = v[i];
        }
    }
    return b;
}

void wt_sync_prewake_end(write_thread *wt, uint64_t begin_ns, wt_status s)
{
    if (wt->opts.sync_prewake_usec == 0 || s != WT_OK) return;
    uint64_t now = port_now_ns();
    wt->prewake_sync_ns[wt->prewake_samples % WT_PREWAKE_HISTORY] = now - begin_ns;
    wt->prewake_samples++;
    size_t n = wt->prewake_samples < WT_PREWAKE_HISTORY ? (size_t)wt->prewake_samples
                                                        : WT_PREWAKE_HISTORY;
    if (n >= PREWAKE_MIN_SAMPLES)
        port_atomic_store_u64(&wt->prewake_est_ns, low_quantile(wt->prewake_sync_ns, n),
                              PORT_RELAXED);
}

void wt_sync_overlap_open(write_thread *wt, wt_status (*fn)(void *arg), void *arg)
{
    WT_ASSERT(port_atomic_load_u32(&wt->overlap_state, PORT_RELAXED) == OVERLAP_IDLE);
    wt->overlap_fn = fn;
    wt->overlap_arg = arg;
    port_atomic_store_u64(&wt->overlap_group,
                          port_atomic_load_u64(&wt->prewake_group, PORT_RELAXED), PORT_RELAXED);
    port_atomic_store_u32(&wt->overlap_state, OVERLAP_OPEN, PORT_RELEASE);
}

bool wt_sync_overlap_close(write_thread *wt, wt_status *s, wt_write_stats *st)
{
    uint32_t expected = OVERLAP_OPEN;
    if (port_atomic_cas_u32(&wt->overlap_state, &expected, OVERLAP_IDLE, PORT_ACQ_REL))
        return false; /* nobody took it */
    if (expected == OVERLAP_IDLE) return false; /* never opened */
    /* Taken: the inserts started during the fsync; wait for their end
     * (the helper is running, on the other CPU or after a yield). */
    while (port_atomic_load_u32(&wt->overlap_state, PORT_ACQUIRE) != OVERLAP_DONE) port_yield();
    *s = wt->overlap_status;
    port_atomic_store_u32(&wt->overlap_state, OVERLAP_IDLE, PORT_RELAXED);
    if (st != NULL) st->overlap_led++;
    return true;
}

/* A sync writer awake in its join wait takes the leader's open job (at
 * most one writer does) and runs it.  Only a job of the last group
 * entered: its leader is still in its WAL stage and waits for the job in
 * wt_sync_overlap_close before it goes on. */
static void overlap_try_run(write_thread *wt, wt_writer *w)
{
    if (port_atomic_load_u32(&wt->overlap_state, PORT_ACQUIRE) != OVERLAP_OPEN) return;
    uint32_t expected = OVERLAP_OPEN;
    if (!port_atomic_cas_u32(&wt->overlap_state, &expected, OVERLAP_CLAIMED, PORT_ACQ_REL)) return;
    WT_ASSERT(port_atomic_load_u64(&wt->overlap_group, PORT_RELAXED) ==
              port_atomic_load_u64(&wt->prewake_group, PORT_RELAXED));
    PORT_SYNC_POINT("WriteThread::SyncOverlap:Run");
    wt->overlap_status = wt->overlap_fn(wt->overlap_arg);
    if (w->stats != NULL) w->stats->overlap_ran++;
    port_atomic_store_u32(&wt->overlap_state, OVERLAP_DONE, PORT_RELEASE);
}

uint32_t wtq_prewake_await(write_thread *wt, wt_writer *w, uint32_t goal_mask)
{
    const uint64_t lead = wt->opts.sync_prewake_usec * 1000;
    const uint64_t window = WT_PREWAKE_YIELD_LEADS * lead;
    uint64_t seen_at = 0, yield_until = 0;
    for (;;) {
        uint32_t state = port_atomic_load_u32(&w->state, PORT_ACQUIRE);
        if (state & goal_mask) return state;
        WT_ASSERT(state != WT_STATE_LOCKED_WAITING);
        /* Taken by a group whose WAL stage is over (a later group has
         * entered: its completion is under way, or, pipelined, its memtable
         * stage): what is published now is another group's, so it must not
         * sleep on it; it yields for a bounded time, then parks until woken.
         * The stamp was stored before leadership was handed on, so this
         * acquire of the later group's number sees it. */
        uint64_t current = port_atomic_load_u64(&wt->prewake_group, PORT_ACQUIRE);
        uint64_t mine = port_atomic_load_u64(&w->prewake_group, PORT_RELAXED);
        bool over = mine != 0 && mine != current;
        uint64_t at = port_atomic_load_u64(&wt->prewake_at, PORT_ACQUIRE);
        if (at == 0 && !over) return state; /* no sync group: park until woken */
        uint64_t now = port_now_ns(), until;
        if (wt->opts.sync_overlap_insert && !over) overlap_try_run(wt, w);
        if (over || (at != WT_PREWAKE_FORMING && now >= at)) {
            /* Yield for a bounded time per published fsync (or once its
             * group is over; no time is published as ~mine). */
            uint64_t key = over ? ~mine : at;
            if (key != seen_at) {
                seen_at = key;
                yield_until = now + window;
            }
            if (now >= yield_until) {
                if (w->stats != NULL) w->stats->prewake_fallbacks++;
                return state;
            }
            port_yield();
            continue;
        }
        if (at == WT_PREWAKE_FORMING) {
            uint64_t est = port_atomic_load_u64(&wt->prewake_est_ns, PORT_RELAXED);
            if (est <= lead) return state;
            until = now + est - lead;
        } else {
            until = at;
        }
        if (w->stats != NULL) w->stats->prewake_parks++;
        port_park_until(&w->state, state, until, "WriteThread::SyncPrewake");
        /* Nobody wakes a timed park: a state changed meanwhile was set
         * while this writer slept past it (the estimate was too long). */
        if (w->stats != NULL && (port_atomic_load_u32(&w->state, PORT_RELAXED) & goal_mask))
            w->stats->prewake_overslept++;
    }
}
