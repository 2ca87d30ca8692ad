/*
 * port_arch.h (sim build) — types behind port.h when every port call is a
 * scheduling point of the fiber scheduler (sim/port_sim.c).
 *
 * All fibers run on one OS thread, so atomic cells are plain values: the
 * scheduler makes each access indivisible and sequentially consistent.
 * Mutexes and condition variables keep only what the scheduler needs: the
 * holder and a name for deadlock reports; waiters are found by address.
 */
#ifndef WT_PORT_ARCH_H
#define WT_PORT_ARCH_H

#include <stdint.h>

#define PORT_FAST

typedef struct port_atomic_u32 { uint32_t v; } port_atomic_u32;
typedef struct port_atomic_u64 { uint64_t v; } port_atomic_u64;
typedef struct port_atomic_ptr { void *v; } port_atomic_ptr;

typedef struct port_mutex {
    uint32_t owner; /* fiber id + 1 of the holder, 0 when free */
    const char *name;
} port_mutex;

typedef struct port_cond {
    const char *name;
} port_cond;

#endif
