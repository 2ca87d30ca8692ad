/*
 * port_arch_fast.h (pthreads build) — inline fast paths of port.h.
 *
 * Atomics are C11 atomics with the caller's order; CAS failure order is the
 * strongest order allowed for the given success order.  Sync points cost
 * nothing here; events cost one predictable branch on the recorder's flag
 * while no trace is on (port_pthread_trace.c, started and stopped through
 * port_pthread.h).
 */
#ifndef WT_PORT_ARCH_FAST_H
#define WT_PORT_ARCH_FAST_H

#include <stdatomic.h>

#define PORT_MO(o) ((memory_order)(o))

/* C11 forbids release/acq_rel as a CAS failure order. */
static inline memory_order port_failure_order(port_order o)
{
    if (o == PORT_RELEASE) return memory_order_relaxed;
    if (o == PORT_ACQ_REL) return memory_order_acquire;
    return PORT_MO(o);
}

#define PORT_DEFINE_ATOMIC_INT(T, S)                                                    \
    PORT_FAST void port_atomic_init_##S(port_atomic_##S *a, T v)                        \
    {                                                                                   \
        atomic_init(&a->v, v);                                                          \
    }                                                                                   \
    PORT_FAST T port_atomic_load_##S(const port_atomic_##S *a, port_order o)            \
    {                                                                                   \
        return atomic_load_explicit(&((port_atomic_##S *)a)->v, PORT_MO(o));            \
    }                                                                                   \
    PORT_FAST void port_atomic_store_##S(port_atomic_##S *a, T v, port_order o)         \
    {                                                                                   \
        atomic_store_explicit(&a->v, v, PORT_MO(o));                                    \
    }                                                                                   \
    PORT_FAST bool port_atomic_cas_##S(port_atomic_##S *a, T *expected, T desired,      \
                                       port_order o)                                    \
    {                                                                                   \
        return atomic_compare_exchange_strong_explicit(&a->v, expected, desired,        \
                                                       PORT_MO(o), port_failure_order(o)); \
    }                                                                                   \
    PORT_FAST T port_atomic_fetch_add_##S(port_atomic_##S *a, T v, port_order o)        \
    {                                                                                   \
        return atomic_fetch_add_explicit(&a->v, v, PORT_MO(o));                         \
    }                                                                                   \
    PORT_FAST T port_atomic_fetch_sub_##S(port_atomic_##S *a, T v, port_order o)        \
    {                                                                                   \
        return atomic_fetch_sub_explicit(&a->v, v, PORT_MO(o));                         \
    }

PORT_DEFINE_ATOMIC_INT(uint32_t, u32)
PORT_DEFINE_ATOMIC_INT(uint64_t, u64)

PORT_FAST void port_atomic_init_ptr(port_atomic_ptr *a, void *v) { atomic_init(&a->v, v); }

PORT_FAST void *port_atomic_load_ptr(const port_atomic_ptr *a, port_order o)
{
    return atomic_load_explicit(&((port_atomic_ptr *)a)->v, PORT_MO(o));
}

PORT_FAST void port_atomic_store_ptr(port_atomic_ptr *a, void *v, port_order o)
{
    atomic_store_explicit(&a->v, v, PORT_MO(o));
}

PORT_FAST bool port_atomic_cas_ptr(port_atomic_ptr *a, void **expected, void *desired,
                                   port_order o)
{
    return atomic_compare_exchange_strong_explicit(&a->v, expected, desired, PORT_MO(o),
                                                   port_failure_order(o));
}

PORT_FAST bool port_atomic_cas_weak_ptr(port_atomic_ptr *a, void **expected, void *desired,
                                        port_order o)
{
    return atomic_compare_exchange_weak_explicit(&a->v, expected, desired, PORT_MO(o),
                                                 port_failure_order(o));
}

PORT_FAST void *port_atomic_exchange_ptr(port_atomic_ptr *a, void *v, port_order o)
{
    return atomic_exchange_explicit(&a->v, v, PORT_MO(o));
}

PORT_FAST void port_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* port_prefetch_link: a hint that the node *a points to will be read
 * soon (a relaxed load of the link, then a prefetch of its target and of
 * the line `span` bytes in).  No effect on what the program computes; the
 * sim's version does nothing (no load, so no scheduling point). */
PORT_FAST void port_prefetch_link(const port_atomic_ptr *a, unsigned span)
{
    const char *p = atomic_load_explicit(&((port_atomic_ptr *)a)->v, memory_order_relaxed);
    if (p == NULL) return;
    __builtin_prefetch(p, 0, 3);
    __builtin_prefetch(p + span, 0, 3);
}

PORT_FAST void port_sync_point(const char *name) { (void)name; }

PORT_FAST void port_await_begin(const port_atomic_u32 *word, uint32_t goal_mask)
{
    (void)word, (void)goal_mask;
}
PORT_FAST void port_await_end(const port_atomic_u32 *word) { (void)word; }

/* Plain accesses are just that (port.h, "observation"). */
#define PORT_PLAIN_LOAD(x) (x)
#define PORT_PLAIN_STORE(x, v) ((x) = (v))

/* The trace recorder (port_pthread_trace.c): on while a trace records;
 * its record call is the slow path, taken only then. */
extern _Atomic bool port_pthread_trace_on;
void port_pthread_trace_record(const port_event *e);

PORT_FAST bool port_events_enabled(void)
{
    return __builtin_expect(atomic_load_explicit(&port_pthread_trace_on, memory_order_relaxed), 0);
}

PORT_FAST void port_event_emit(const port_event *e)
{
    if (__builtin_expect(atomic_load_explicit(&port_pthread_trace_on, memory_order_relaxed), 0))
        port_pthread_trace_record(e);
}

#endif
