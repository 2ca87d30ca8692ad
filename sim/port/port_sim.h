/*
 * port_sim.h — what the sim's runner sets up around the port: the file
 * system used by port_file_* calls and tracking of engine allocations, so
 * an abandoned run (deadlock, failed assertion) frees everything it left.
 */
#ifndef WT_SIM_PORT_SIM_H
#define WT_SIM_PORT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "simfs.h"

/* The simulated file system for port_file_* (NULL: none; file calls fail). */
void port_sim_set_fs(simfs *fs);
simfs *port_sim_fs(void);

/* Answers port_fault_point(name) (NULL: never fail). */
void port_sim_set_fault_hook(wt_status (*hook)(const char *name, void *arg), void *arg);

/* Between begin and end, port calls are not scheduling points: for hooks
 * that inspect engine state from inside the scheduler. Nestable. */
void port_sim_quiet_begin(void);
void port_sim_quiet_end(void);

/* Starts tracking port_alloc'd blocks (one tracking scope at a time). */
void port_sim_track_begin(void);
/* Ends tracking: frees every block still live and reports how many. */
void port_sim_track_end(size_t *leaked_blocks, size_t *leaked_bytes);

#endif
