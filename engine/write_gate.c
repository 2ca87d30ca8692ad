/*
 * write_gate.c — the active-writer gate (wtlab option max_active_writers,
 * off by default; RocksDB has no such option).
 *
 * Why.  With 16 writers on 2 cores and no sync, every write of the
 * default path passes one queue, and the kernel shares the 2 cores among
 * 16 runnable threads: a leader is preempted while the queue waits on it,
 * the next leader is handed the queue while it is not running (parked,
 * or runnable behind a time slice), and the writers that arrive meanwhile
 * spin, yield to each other and park.  Two writers on the same 2 cores do
 * not have that problem and batch well (issue 23; bench/README.md,
 * "No collapse").
 * The gate keeps the number of writers inside WriteImpl at `limit` (the
 * number of cores, say); the others wait here, parked, in arrival order,
 * and take no CPU.  It is what InnoDB's innodb_thread_concurrency does for
 * its own threads.
 *
 * Admission.  A writer enters at once while fewer than `limit` are inside,
 * waiters or not (a writer that has just left and writes again usually
 * takes its own slot back, with no context switch).  To keep the waiters
 * from starving, every `handoff_every`-th exit made while writers wait
 * calls the oldest waiter (below), which then takes the slot of a writer
 * inside (that writer, if it writes again, waits in turn).  A waiter
 * parks with a deadline and, every GATE_RECHECK_NS, takes a free slot
 * itself if it is the oldest: the writers inside may leave and never
 * write again, and then no hand-off comes.  (Admitting a waiter at every
 * exit that left the gate empty did that job without the timeout, but a
 * gate of one is empty at every exit: it handed off at almost every
 * write, 35 K writes/s against 230 K.)  So a waiter waits for about
 * (waiters ahead + 1) x handoff_every exits, and at most GATE_RECHECK_NS
 * once a slot stays free while it is the oldest.  In unordered mode
 * (db.c) a write leaves after its WAL stage, before its own memtable
 * insert.
 *
 * Hand-offs.  The first version gave the leaving writer's slot to the
 * oldest waiter at once and woke it.  On 2 busy cores the woken thread
 * was queued behind a running writer and took 116 us on average to run
 * (perf sched latency, 16 writers, gate of 2), while the writer that gave
 * its slot found the gate full at its next write and parked: one core
 * idle and one slot empty for each hand-off, 1.66 cores busy where 2
 * writers without the gate keep 1.95 (issue 23).  So a hand-off now
 * keeps every slot busy until the waiter runs:
 *  - the exit that hands off only calls the oldest waiter: unlinks it,
 *    marks it called and wakes it, and leaves as any exit does (the
 *    leaving writer takes its slot back when it writes again);
 *  - the called waiter, once it runs, sets `claim` to 1 + its CPU and
 *    yields until given a slot: the writer it is queued behind on that
 *    CPU runs on, and that writer's next exit gives it its slot (that
 *    writer then waits at its next entry and its CPU goes to the waiter);
 *  - after GATE_CLAIM_ANY_NS without that (no writer inside runs on its
 *    CPU: an idle core, a gate of one), the claim becomes GATE_CLAIM_ANY
 *    and the next exit on any CPU gives its slot;
 *  - from then on, a called waiter that finds a slot free takes it (the
 *    writers inside left for good);
 *  - after GATE_CLAIM_PARK_NS more it parks between its looks, 1 ms at a
 *    time (the writers inside wait for a write stall, say, and no exit
 *    comes for a while), and the exit that gives it a slot wakes it.
 * One waiter is called at a time.  The CPU is a hint (port_cpu_hint);
 * a wrong one costs a context switch, not correctness.
 *
 * What it changes: when writers enter WriteImpl and so which of them meet
 * in a group; nothing inside (states, groups' rules, sequences, WAL,
 * results).  Writes with sync pass without it: their groups must fill
 * while the leader syncs, and with the gate they could not.
 *
 * Races: the queue, `oldest`/`newest`, `called` and every admission are
 * under the mutex, which a waiter holds from counting itself in `waiting`
 * to queueing, and takes again for its re-check; `admitted` is stored
 * (under the mutex) only after the node is unlinked and `called` cleared,
 * so a waiter that sees it set is no longer referenced.  A waiter stays
 * counted in `waiting` until it is admitted, called or not.  A waiter that
 * finds a slot free under the mutex takes it instead of queueing.  An exit
 * reads `waiting` and `claim` without the mutex only to decide whether to
 * look for a waiter; a waiter it misses is called by a later exit or
 * admits itself by its re-check.  `claim` is set only by the called
 * waiter (its CPU, then GATE_CLAIM_ANY by compare-and-swap from that) and
 * cleared under the mutex when `called` is, so a stale claim is at worst
 * one mutex round trip for an exit that finds nobody called.
 */
#include "write_gate.h"

#include "util.h"

/* How long a waiter parks before it looks for a free slot itself. */
#define GATE_RECHECK_NS (10 * 1000 * 1000ull)
/* How long a called waiter waits for an exit on its own CPU before it
 * takes the slot of an exit on any CPU. */
#define GATE_CLAIM_ANY_NS (20 * 1000ull)
/* How long it yields in all before it parks between looks (no exit comes:
 * the writers inside wait for a write stall, say), and for how long. */
#define GATE_CLAIM_PARK_NS (200 * 1000ull)
#define GATE_CLAIM_NAP_NS (1000 * 1000ull)

enum { WAITER_WAITING = 0, WAITER_ADMITTED = 1, WAITER_CALLED = 2 };
enum { GATE_CLAIM_NONE = 0, GATE_CLAIM_ANY = UINT32_MAX };

struct wt_gate_waiter {
    port_atomic_u32 admitted; /* WAITER_*: set under the gate's mutex */
    wt_gate_waiter *newer;    /* under the gate's mutex */
};

void write_gate_init(write_gate *g, uint32_t limit, uint32_t handoff_every)
{
    WT_ASSERT(limit == 0 || handoff_every >= 1);
    g->limit = limit;
    g->handoff_every = handoff_every;
    /* Initialisation, not operations: no scheduling points in the sim, so
     * that a DB without the gate runs the same steps as before it. */
    port_atomic_init_u32(&g->active, 0);
    port_atomic_init_u32(&g->waiting, 0);
    port_atomic_init_u32(&g->exits, 0);
    port_atomic_init_u32(&g->claim, GATE_CLAIM_NONE);
    port_atomic_init_u64(&g->waits, 0);
    port_atomic_init_u64(&g->calls, 0);
    g->oldest = NULL;
    g->newest = NULL;
    g->called = NULL;
    if (limit > 0) port_mutex_init(&g->mutex, "write_gate");
}

void write_gate_destroy(write_gate *g)
{
    if (g->limit == 0) return;
    WT_ASSERT(g->oldest == NULL && g->called == NULL);
    WT_ASSERT(port_atomic_load_u32(&g->active, PORT_RELAXED) == 0);
    port_mutex_destroy(&g->mutex);
}

/* Takes a slot if one is free.  Each failed CAS saw another writer take
 * or free one: bounded by the writers. */
static bool take_slot(write_gate *g)
{
    uint32_t a = port_atomic_load_u32(&g->active, PORT_SEQ_CST);
    while (a < g->limit) {
        if (port_atomic_cas_u32(&g->active, &a, a + 1, PORT_SEQ_CST)) return true;
    }
    return false;
}

/* Unlinks the oldest waiter (it stays counted in `waiting`).
 * REQUIRES: mutex held, a waiter queued. */
static wt_gate_waiter *unlink_oldest(write_gate *g)
{
    port_mutex_assert_held(&g->mutex);
    wt_gate_waiter *w = g->oldest;
    WT_ASSERT(w != NULL);
    g->oldest = PORT_PLAIN_LOAD(w->newer);
    if (g->oldest == NULL) g->newest = NULL;
    return w;
}

/* The waiter holds a slot now and stops counting as waiting.  REQUIRES:
 * mutex held, w unlinked and not `called`.  w may return, and its node
 * vanish, as soon as `admitted` is stored. */
static void admit(write_gate *g, wt_gate_waiter *w)
{
    port_mutex_assert_held(&g->mutex);
    port_atomic_fetch_sub_u32(&g->waiting, 1, PORT_SEQ_CST);
    port_atomic_store_u32(&w->admitted, WAITER_ADMITTED, PORT_RELEASE);
}

/* Ends the call: the called waiter holds a slot now (the caller's, or one
 * it took).  REQUIRES: mutex held, a waiter called.  Returns it (see
 * admit for how long it may be touched). */
static wt_gate_waiter *end_call(write_gate *g)
{
    wt_gate_waiter *w = g->called;
    WT_ASSERT(w != NULL);
    g->called = NULL;
    port_atomic_store_u32(&g->claim, GATE_CLAIM_NONE, PORT_RELAXED);
    admit(g, w);
    return w;
}

/* A waiter that is the oldest and finds a slot free takes it and leaves
 * the queue.  REQUIRES: mutex held, me queued (not called). */
static bool take_slot_as_oldest(write_gate *g, wt_gate_waiter *me)
{
    port_mutex_assert_held(&g->mutex);
    if (g->oldest != me || !take_slot(g)) return false;
    admit(g, unlink_oldest(g));
    return true;
}

/* Wakes the oldest waiter to come and take a slot ("Hand-offs"), unless
 * one is already called. */
static void call_oldest(write_gate *g)
{
    port_mutex_lock(&g->mutex);
    if (g->called == NULL && g->oldest != NULL) {
        wt_gate_waiter *w = unlink_oldest(g);
        g->called = w;
        port_atomic_fetch_add_u64(&g->calls, 1, PORT_RELAXED);
        port_atomic_store_u32(&w->admitted, WAITER_CALLED, PORT_RELEASE);
        port_unpark(&w->admitted);
    }
    port_mutex_unlock(&g->mutex);
}

/* The caller's slot goes to the called waiter, if there is one.  Returns
 * whether it went. */
static bool give_to_called(write_gate *g)
{
    port_mutex_lock(&g->mutex);
    bool gave = g->called != NULL;
    if (gave) {
        wt_gate_waiter *w = end_call(g);
        port_unpark(&w->admitted); /* if it naps; a stale address is harmless */
    }
    port_mutex_unlock(&g->mutex);
    return gave;
}

/* A called waiter, now running, waits for a slot ("Hand-offs"). */
static void claim_slot(write_gate *g, wt_gate_waiter *me)
{
    uint32_t mine = 1 + port_cpu_hint();
    if (mine == GATE_CLAIM_ANY) mine--; /* keep the values apart */
    port_atomic_store_u32(&g->claim, mine, PORT_RELEASE);
    PORT_SYNC_POINT("WriteGate::Enter:Claim");
    uint64_t any_at = port_now_ns() + GATE_CLAIM_ANY_NS, nap_at = any_at + GATE_CLAIM_PARK_NS;
    for (;;) {
        if (port_atomic_load_u32(&me->admitted, PORT_ACQUIRE) == WAITER_ADMITTED) return;
        /* Only once any exit will do: before that a slot is free only
         * between a writer's exit and its next entry, and taking it would
         * make that writer wait on a CPU other than ours. */
        if (mine == GATE_CLAIM_ANY && take_slot(g)) {
            /* A slot was free: ours unless an exit gave us one meanwhile. */
            port_mutex_lock(&g->mutex);
            bool still_called = g->called == me;
            if (still_called) end_call(g);
            port_mutex_unlock(&g->mutex);
            if (!still_called) port_atomic_fetch_sub_u32(&g->active, 1, PORT_SEQ_CST);
            return;
        }
        uint64_t now = port_now_ns();
        if (mine != GATE_CLAIM_ANY && now >= any_at) {
            /* Fails if an exit gave us a slot and cleared the claim. */
            port_atomic_cas_u32(&g->claim, &mine, GATE_CLAIM_ANY, PORT_RELAXED);
            mine = GATE_CLAIM_ANY;
        }
        if (now >= nap_at)
            port_park_until(&me->admitted, WAITER_CALLED, now + GATE_CLAIM_NAP_NS,
                            "WriteGate::Claim");
        else
            port_yield();
    }
}

bool write_gate_enter(write_gate *g)
{
    if (g->limit == 0) return false;
    PORT_SYNC_POINT("WriteGate::Enter:Start");
    if (take_slot(g)) return false;
    port_mutex_lock(&g->mutex);
    port_atomic_fetch_add_u32(&g->waiting, 1, PORT_SEQ_CST);
    if (take_slot(g)) {
        port_atomic_fetch_sub_u32(&g->waiting, 1, PORT_SEQ_CST);
        port_mutex_unlock(&g->mutex);
        return false;
    }
    wt_gate_waiter me;
    port_atomic_store_u32(&me.admitted, WAITER_WAITING, PORT_RELAXED);
    PORT_PLAIN_STORE(me.newer, NULL);
    if (g->newest != NULL)
        PORT_PLAIN_STORE(g->newest->newer, &me);
    else
        g->oldest = &me;
    g->newest = &me;
    port_atomic_fetch_add_u64(&g->waits, 1, PORT_RELAXED);
    port_mutex_unlock(&g->mutex);
    PORT_SYNC_POINT("WriteGate::Enter:Wait");
    /* Acquire pairs with the release in call_oldest and admit.  Each
     * timeout lets an oldest waiter take a slot that exits freed without
     * calling anyone (the writers inside left and did not come back). */
    for (;;) {
        uint64_t deadline = port_now_ns() + GATE_RECHECK_NS;
        while (port_atomic_load_u32(&me.admitted, PORT_ACQUIRE) == WAITER_WAITING &&
               port_now_ns() < deadline)
            port_park_until(&me.admitted, WAITER_WAITING, deadline, "WriteGate::Enter");
        if (port_atomic_load_u32(&me.admitted, PORT_ACQUIRE) == WAITER_WAITING) {
            port_mutex_lock(&g->mutex);
            if (port_atomic_load_u32(&me.admitted, PORT_ACQUIRE) == WAITER_WAITING)
                take_slot_as_oldest(g, &me);
            port_mutex_unlock(&g->mutex);
        }
        uint32_t st = port_atomic_load_u32(&me.admitted, PORT_ACQUIRE);
        if (st == WAITER_ADMITTED) return true;
        if (st == WAITER_CALLED) {
            claim_slot(g, &me);
            return true;
        }
    }
}

void write_gate_leave(write_gate *g)
{
    if (g->limit == 0) return;
    /* Only exits made while writers wait look further: without waiters an
     * exit is one atomic load and one decrement. */
    if (port_atomic_load_u32(&g->waiting, PORT_SEQ_CST) > 0) {
        uint32_t claim = port_atomic_load_u32(&g->claim, PORT_ACQUIRE);
        if (claim != GATE_CLAIM_NONE &&
            (claim == GATE_CLAIM_ANY || claim == 1 + port_cpu_hint()) && give_to_called(g))
            return; /* our slot, still counted in active, is the called waiter's */
        if ((port_atomic_fetch_add_u32(&g->exits, 1, PORT_RELAXED) + 1) % g->handoff_every == 0)
            call_oldest(g);
    }
    port_atomic_fetch_sub_u32(&g->active, 1, PORT_SEQ_CST);
}
