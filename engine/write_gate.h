/*
 * write_gate.h — the active-writer gate (wtlab option max_active_writers,
 * off by default; RocksDB has nothing like it).  At most `limit` writes
 * without sync are inside WriteImpl at once; the others wait at the gate
 * in arrival order, parked, and hold no CPU.  See write_gate.c for why
 * (threads that outnumber the cores) and for the admission rules.
 *
 * Thread safety: every function may be called from any thread; the gate
 * is shared by every writer of one database.
 */
#ifndef WT_WRITE_GATE_H
#define WT_WRITE_GATE_H

#include <stdint.h>

#include "port.h"

typedef struct wt_gate_waiter wt_gate_waiter;

typedef struct write_gate {
    uint32_t limit;           /* writers inside at most; 0: the gate is off */
    uint32_t handoff_every;   /* every this many exits, one waiter gets the slot */
    port_atomic_u32 active;   /* writers inside */
    port_atomic_u32 waiting;  /* writers between deciding to wait and admission */
    port_atomic_u32 exits;    /* exits made while writers waited (wraps) */
    port_atomic_u32 claim;    /* GATE_CLAIM_NONE, GATE_CLAIM_ANY or 1 + the CPU
                                 of the called waiter (write_gate.c, "Hand-offs") */
    port_atomic_u64 waits;    /* writers that waited at the gate (statistics) */
    port_atomic_u64 calls;    /* waiters called by a hand-off (statistics) */
    port_mutex mutex;         /* guards the waiter queue and `called` */
    wt_gate_waiter *oldest;   /* waiter queue, oldest first (under mutex) */
    wt_gate_waiter *newest;
    wt_gate_waiter *called;   /* woken to take a slot, not yet given one (under mutex) */
} write_gate;

/* limit 0 leaves the gate off (enter and leave do nothing).
 * REQUIRES: handoff_every >= 1 when limit > 0. */
void write_gate_init(write_gate *g, uint32_t limit, uint32_t handoff_every);
/* REQUIRES: nobody inside or waiting. */
void write_gate_destroy(write_gate *g);

/* Enters, waiting (parked) while `limit` writers are inside.  Returns
 * whether the caller waited. */
bool write_gate_enter(write_gate *g);
/* Leaves; may admit the oldest waiter.  REQUIRES: the caller entered. */
void write_gate_leave(write_gate *g);

static inline bool write_gate_on(const write_gate *g)
{
    return g->limit > 0;
}

#endif /* WT_WRITE_GATE_H */
