/*
 * port_sim.h — what the sim's runner sets up around the port: the file
 * system used by port_file_* calls and tracking of engine allocations, so
 * an abandoned run (deadlock, failed assertion) frees everything it left.
 */
#ifndef WT_SIM_PORT_SIM_H
#define WT_SIM_PORT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "hb.h"
#include "port.h"
#include "simfs.h"
#include "timing.h"

/* The simulated file system for port_file_* (NULL: none; file calls fail). */
void port_sim_set_fs(simfs *fs);
simfs *port_sim_fs(void);

/* The timing model for file operations, memtable inserts and wake-ups
 * (copied; its sampling stream starts from seed).  NULL: simfs's flat
 * costs, no insert or wake-up cost. */
void port_sim_set_timing(const timing_model *m, uint64_t seed);

/* The running fiber computes for ns of virtual time (the runner's think
 * time): port_sleep_ns without a CPU model; with one it keeps its core
 * (scheduler.h, sched_cpu).  Outside a run: nothing. */
void port_sim_busy_ns(uint64_t ns);

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

/* A new run starts: forget the previous run's clocks, waits and writes. */
void port_sim_run_begin(void);

/* A plain access (PORT_PLAIN_LOAD/STORE) raced with an earlier one. */
typedef struct port_sim_race {
    const void *addr;  /* the field (a key: never printed) */
    const char *what;  /* the access's text, e.g. "(w)->shared.status" */
    const char *file;
    int line;
    bool write;
    hb_race race;      /* the earlier access it is not ordered after */
} port_sim_race;
typedef void (*port_sim_race_hook)(void *arg, const port_sim_race *r);
/* Who hears of races (NULL: nobody; accesses are then not checked). */
void port_sim_set_race_hook(port_sim_race_hook hook, void *arg);

/* What fiber waits for (port_await_begin) right now: its state word and
 * goal mask; false when it is not in AwaitState. */
bool port_sim_await_of(uint32_t fiber, const port_atomic_u32 **word, uint32_t *mask);

#endif
