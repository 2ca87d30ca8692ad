/* port_arch_fast.h (sim build) — nothing is inline: every call yields to
 * the scheduler in sim/port_sim.c.  Plain accesses to fields that cross
 * threads go through the happens-before checker first (port.h,
 * "observation"; sim/port/hb.c). */
#ifndef WT_PORT_ARCH_FAST_H
#define WT_PORT_ARCH_FAST_H

#include <stddef.h>

void port_plain_access(const void *addr, size_t size, const char *what, const char *file,
                       int line, int is_write);

#define PORT_PLAIN_LOAD(x) (port_plain_access(&(x), sizeof(x), #x, __FILE__, __LINE__, 0), (x))
#define PORT_PLAIN_STORE(x, v)                                           \
    (port_plain_access(&(x), sizeof(x), #x, __FILE__, __LINE__, 1), (x) = (v))

#endif
