/* port_arch_fast.h (sim build) — nothing is inline: every call yields to
 * the scheduler in sim/port_sim.c.  Plain accesses to fields that cross
 * threads go through the happens-before checker first (port.h,
 * "observation"; sim/port/hb.c). */
#ifndef WT_PORT_ARCH_FAST_H
#define WT_PORT_ARCH_FAST_H

#include <stddef.h>

void port_plain_access(const void *addr, size_t size, const char *what, const char *file,
                       int line, int is_write);

/* A cache hint on the pthreads build (port_arch_fast.h there); here
 * nothing: no load, so no scheduling point and no change to a schedule. */
static inline void port_prefetch_link(const void *a, unsigned span) { (void)a, (void)span; }

#define PORT_PLAIN_LOAD(x) (port_plain_access(&(x), sizeof(x), #x, __FILE__, __LINE__, 0), (x))
#define PORT_PLAIN_STORE(x, v)                                           \
    (port_plain_access(&(x), sizeof(x), #x, __FILE__, __LINE__, 1), (x) = (v))

#endif
