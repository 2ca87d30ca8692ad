/*
 * queue_check.h — the write queues walked safely and checked for shape.
 *
 * A queue is a LIFO list of Writers from its head (newest) along
 * link_older.  Walking it from outside the engine must survive a broken
 * list: every pointer is trusted only if it points into the stack of a
 * live fiber (where every Writer lives) or at the write thread's stall
 * dummy, and the walk stops at a cycle, naming the writer it loops back to.
 *
 * The checks the runner makes after every change to a list (oracle.h,
 * "writer_list"):
 *  - the list ends (no cycle) and every link is a live writer;
 *  - no COMPLETED writer is still linked: once completed, its owner may
 *    return and reuse the memory (RocksDB #4143, #9692);
 *  - at the leader's own list events (newer links built, group detached,
 *    writers moved aside), where a link_newer is set it points back to
 *    the writer whose link_older leads to it.
 * Reads engine memory in port_sim's quiet mode; prints names, never
 * addresses.  Not thread-safe (the sim is single-threaded).
 */
#ifndef WT_SIM_QUEUE_CHECK_H
#define WT_SIM_QUEUE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "scheduler.h"
#include "write_thread.h"

enum { QUEUE_WALK_MAX = SCHED_MAX_FIBERS + 2 };

typedef enum queue_end {
    QUEUE_END_NULL,        /* the last writer's link_older is NULL */
    QUEUE_END_CYCLE,       /* a link leads back to nodes[cycle_to] */
    QUEUE_END_BAD_POINTER, /* a link points at no live writer */
} queue_end;

typedef struct queue_walk {
    const write_thread *wt;
    const wt_writer *nodes[QUEUE_WALK_MAX]; /* newest first */
    size_t count;
    queue_end end;
    size_t cycle_to;
} queue_walk;

/* The queue's head pointer (NULL for a queue the options do not use). */
const wt_writer *queue_head(wt_db *db, const wt_options *o, wt_queue_id q);
const write_thread *queue_thread(wt_db *db, wt_queue_id q);
const char *queue_title(wt_queue_id q);

/* Walks from head (quiet: no scheduling points). */
void queue_walk_from(sched *s, const write_thread *wt, const wt_writer *head, queue_walk *out);

/* A writer's name: its owner fiber, "stall-dummy", "dummy" (a stack
 * marker with no owner) or "-" for NULL. */
const char *queue_writer_label(sched *s, const write_thread *wt, const wt_writer *w);

/* Checks queue q of db.  leader_view adds the link_newer agreement check.
 * On a violation returns false, writes why and sets *writer to the owner
 * fiber of the writer it concerns (UINT32_MAX: none). */
bool queue_check(sched *s, wt_db *db, const wt_options *o, wt_queue_id q, bool leader_view,
                 char *why, size_t cap, uint32_t *writer);

#endif
