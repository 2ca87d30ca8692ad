/*
 * port_sim_int.h — between the files of port_sim (port_sim.c,
 * port_sim_alloc.c); not for the engine.
 */
#ifndef WTLAB_PORT_SIM_INT_H
#define WTLAB_PORT_SIM_INT_H

#include <stdbool.h>
#include <stdint.h>

/* A race hook is set (port_sim_set_race_hook): freed memory is forgotten
 * by the happens-before tracker. */
bool port_sim_race_hook_set(void);

#endif
