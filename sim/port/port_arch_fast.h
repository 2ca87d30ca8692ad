/* port_arch_fast.h (sim build) — nothing is inline: every call yields to
 * the scheduler in sim/port_sim.c. */
#ifndef WT_PORT_ARCH_FAST_H
#define WT_PORT_ARCH_FAST_H
#endif
