/*
 * step_check.h — the checks the runner makes at the step where something
 * happens, beyond the oracle's event bookkeeping (oracle.h):
 *
 *   wake_mask     a waker moved a writer's state word to a state its
 *                 thread is not waiting for (port_await_begin's mask);
 *   writer_list   after every change to a writer list (a link, newer
 *                 links built, a group detached, writers moved aside) and
 *                 every completion, the lists have the shape
 *                 queue_check.h describes;
 *   data_race     a plain shared field accessed without happens-before
 *                 (port.h "observation", sim/port/hb.h).
 *
 * Each returns false with a violation naming the step and the writer it
 * concerns.  Not thread-safe (the sim is single-threaded).
 */
#ifndef WT_SIM_STEP_CHECK_H
#define WT_SIM_STEP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "oracle.h"
#include "port.h"
#include "port_sim.h"
#include "scheduler.h"

/* Checks one engine event at `step`.  *writer is set to the fiber id of
 * the writer a violation concerns (UINT32_MAX: none). */
bool step_check_event(sched *s, wt_db *db, const wt_options *o, const port_event *e,
                      oracle_violation *v, uint32_t *writer);

/* The message of a data race reported by port_sim. */
void step_check_race(sched *s, const port_sim_race *r, oracle_violation *v, uint32_t *writer);

#endif
