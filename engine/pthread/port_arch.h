/*
 * port_arch.h (pthreads build) — types behind port.h.
 *
 * Atomic cells wrap C11 _Atomic integers so engine code can only reach them
 * through the port_atomic_* calls.  The mutex records its owner so
 * port_mutex_assert_held can be checked in every build.
 */
#ifndef WT_PORT_ARCH_H
#define WT_PORT_ARCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define PORT_FAST static inline __attribute__((always_inline))

_Static_assert(PORT_RELAXED == (int)memory_order_relaxed, "port_order must match C11");
_Static_assert(PORT_ACQUIRE == (int)memory_order_acquire, "port_order must match C11");
_Static_assert(PORT_RELEASE == (int)memory_order_release, "port_order must match C11");
_Static_assert(PORT_ACQ_REL == (int)memory_order_acq_rel, "port_order must match C11");
_Static_assert(PORT_SEQ_CST == (int)memory_order_seq_cst, "port_order must match C11");

typedef struct port_atomic_u32 { _Atomic uint32_t v; } port_atomic_u32;
typedef struct port_atomic_u64 { _Atomic uint64_t v; } port_atomic_u64;
typedef struct port_atomic_ptr { _Atomic(void *) v; } port_atomic_ptr;

typedef struct port_mutex {
    pthread_mutex_t m;
    _Atomic uint32_t owner; /* port_thread_id() + 1 of the holder, 0 when free */
    const char *name;
} port_mutex;

typedef struct port_cond {
    pthread_cond_t c;
    const char *name;
} port_cond;

#endif
