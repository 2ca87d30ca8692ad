/*
 * dump.h — the write queues and the whole run state, described by name.
 *
 * Two views of a run in progress.  dump_deadlock_queues appends each write
 * queue (newest first, every writer with its state) to a deadlock report.
 * dump_state prints the full picture at one step for `wtlab replay --at`:
 * every fiber with what it waits on, each writer's batch and last state,
 * the queues with their links and groups, the sequences and the WAL
 * position.  Both read engine state in port_sim's quiet mode, so looking
 * is never a scheduling point and a dump does not change the run.  Only
 * names appear, never addresses, so a dump is as deterministic as the run.
 *
 * Not thread-safe (the sim is single-threaded).
 */
#ifndef WT_SIM_DUMP_H
#define WT_SIM_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "scheduler.h"

/* What the runner knows of a fiber's writer that the engine does not. */
typedef struct dump_writer {
    int batch;                  /* the batch being written; -1 before the first or no writer */
    size_t batch_count;         /* the writer's batches in all */
    uint32_t last_state;        /* the last wt_state seen in its events; 0 before any */
} dump_writer;

/* Appends the queues of db (the memtable queue with enable_pipelined_write,
 * the second queue with two_write_queues, as o says) to buf[cap], each
 * line ending in '\n'.  Does nothing when db is NULL or cap is 0. */
void dump_deadlock_queues(sched *s, wt_db *db, const wt_options *o, char *buf, size_t cap);

/* Prints the state at the current step to out.  writers has one entry per
 * fiber (by fiber id); db may be NULL (not open, or crashed). */
void dump_state(FILE *out, sched *s, wt_db *db, const wt_options *o, const dump_writer *writers);

#endif
