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
 * not have that problem and batch well (issue 23, README "No collapse").
 * The gate keeps the number of writers inside WriteImpl at `limit` (the
 * number of cores, say); the others wait here, parked, in arrival order,
 * and take no CPU.  It is what InnoDB's innodb_thread_concurrency does for
 * its own threads.
 *
 * Admission.  A writer enters at once while fewer than `limit` are inside,
 * waiters or not (a writer that has just left and writes again usually
 * takes its own slot back, with no context switch).  To keep the waiters
 * from starving, every `handoff_every`-th exit made while writers wait
 * gives its slot to the oldest waiter instead (the leaving writer, if it
 * writes again, waits in turn).  A waiter parks with a deadline and, every
 * GATE_RECHECK_NS, takes a free slot itself if it is the oldest: the
 * writers inside may leave and never write again, and then no hand-off
 * comes.  (Admitting a waiter at every exit that left the gate empty did
 * that job without the timeout, but a gate of one is empty at every exit:
 * it handed off at almost every write, 35 K writes/s against 230 K.)  So
 * a waiter waits for about (waiters ahead + 1) x handoff_every exits, and
 * at most GATE_RECHECK_NS once a slot stays free while it is the oldest.
 * In unordered mode (db.c) a write leaves after its WAL stage, before its
 * own memtable insert.
 *
 * What it changes: when writers enter WriteImpl and so which of them meet
 * in a group; nothing inside (states, groups' rules, sequences, WAL,
 * results).  Writes with sync pass without it: their groups must fill
 * while the leader syncs, and with the gate they could not.
 *
 * Races: the queue, `oldest`/`newest` and every admission are under the
 * mutex, which a waiter holds from counting itself in `waiting` to
 * queueing, and takes again for its re-check; `admitted` is stored (under
 * the mutex) only after the node is unlinked, so a waiter that sees it set
 * is no longer in the queue.  A waiter that finds a slot free under the
 * mutex takes it instead of queueing.  An exit reads `waiting` without the
 * mutex only to decide whether to look for a waiter to hand off to; a
 * waiter it misses is admitted by a later hand-off or by its own re-check.
 */
#include "write_gate.h"

#include "util.h"

/* How long a waiter parks before it looks for a free slot itself. */
#define GATE_RECHECK_NS (10 * 1000 * 1000ull)

struct wt_gate_waiter {
    port_atomic_u32 admitted; /* 0 while waiting; 1 once given a slot */
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
    port_atomic_init_u64(&g->waits, 0);
    g->oldest = NULL;
    g->newest = NULL;
    if (limit > 0) port_mutex_init(&g->mutex, "write_gate");
}

void write_gate_destroy(write_gate *g)
{
    if (g->limit == 0) return;
    WT_ASSERT(g->oldest == NULL);
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

/* Unlinks the oldest waiter and stops counting it as waiting.
 * REQUIRES: mutex held, a waiter queued. */
static wt_gate_waiter *unlink_oldest(write_gate *g)
{
    port_mutex_assert_held(&g->mutex);
    wt_gate_waiter *w = g->oldest;
    WT_ASSERT(w != NULL);
    g->oldest = PORT_PLAIN_LOAD(w->newer);
    if (g->oldest == NULL) g->newest = NULL;
    port_atomic_fetch_sub_u32(&g->waiting, 1, PORT_SEQ_CST);
    return w;
}

/* Gives the oldest waiter the caller's slot.  REQUIRES: mutex held, a
 * waiter queued.  The waiter may return, and its node vanish, as soon as
 * `admitted` is stored. */
static void admit_oldest(write_gate *g)
{
    wt_gate_waiter *w = unlink_oldest(g);
    port_atomic_store_u32(&w->admitted, 1, PORT_RELEASE);
    port_unpark(&w->admitted);
}

/* A waiter that is the oldest and finds a slot free takes it and leaves
 * the queue.  REQUIRES: mutex held, me queued. */
static bool take_slot_as_oldest(write_gate *g, wt_gate_waiter *me)
{
    port_mutex_assert_held(&g->mutex);
    if (g->oldest != me || !take_slot(g)) return false;
    unlink_oldest(g);
    return true;
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
    port_atomic_store_u32(&me.admitted, 0, PORT_RELAXED);
    PORT_PLAIN_STORE(me.newer, NULL);
    if (g->newest != NULL)
        PORT_PLAIN_STORE(g->newest->newer, &me);
    else
        g->oldest = &me;
    g->newest = &me;
    port_atomic_fetch_add_u64(&g->waits, 1, PORT_RELAXED);
    port_mutex_unlock(&g->mutex);
    PORT_SYNC_POINT("WriteGate::Enter:Wait");
    /* Acquire pairs with admit_oldest's release: the slot is ours.  Each
     * timeout lets an oldest waiter take a slot that exits freed without
     * admitting anyone (the writers inside left and did not come back). */
    for (;;) {
        uint64_t deadline = port_now_ns() + GATE_RECHECK_NS;
        while (port_atomic_load_u32(&me.admitted, PORT_ACQUIRE) == 0 && port_now_ns() < deadline)
            port_park_until(&me.admitted, 0, deadline, "WriteGate::Enter");
        if (port_atomic_load_u32(&me.admitted, PORT_ACQUIRE) != 0) return true;
        port_mutex_lock(&g->mutex);
        bool took = port_atomic_load_u32(&me.admitted, PORT_ACQUIRE) != 0 ||
                    take_slot_as_oldest(g, &me);
        port_mutex_unlock(&g->mutex);
        if (took) return true;
    }
}

void write_gate_leave(write_gate *g)
{
    if (g->limit == 0) return;
    /* Only exits made while writers wait are counted: without waiters an
     * exit is one atomic load and one decrement. */
    if (port_atomic_load_u32(&g->waiting, PORT_SEQ_CST) > 0 &&
        (port_atomic_fetch_add_u32(&g->exits, 1, PORT_RELAXED) + 1) % g->handoff_every == 0) {
        port_mutex_lock(&g->mutex);
        bool handed = g->oldest != NULL;
        if (handed) admit_oldest(g); /* our slot, still counted in active */
        port_mutex_unlock(&g->mutex);
        if (handed) return;
    }
    port_atomic_fetch_sub_u32(&g->active, 1, PORT_SEQ_CST);
}
