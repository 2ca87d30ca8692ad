/*
 * writer_state.h — the states of a wt_writer (RocksDB's WriteThread::State)
 * as data: each state's bit and name, and which transitions a writer may
 * make.  write_thread.c moves writers between the states; the sim's oracle
 * checks every transition it sees with wt_state_transition_legal, and the
 * traces, charts and scenarios name states with wt_state_table, so all of
 * them agree with the engine.  Chart-only data (colours) stays in the lab.
 *
 * Thread safety: constant data and pure functions.
 */
#ifndef WT_WRITER_STATE_H
#define WT_WRITER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writer states: one bit each so a waiter can wait for a set of them. */
typedef enum wt_state {
    /* Linked into the queue, waiting for a leader to act on it. */
    WT_STATE_INIT = 1,
    /* Heads the queue: must build and run a write group. */
    WT_STATE_GROUP_LEADER = 2,
    /* Pipelined only: heads the memtable queue; forms a memtable group. */
    WT_STATE_MEMTABLE_WRITER_LEADER = 4,
    /* Insert your own batch now, concurrently, then report completion. */
    WT_STATE_PARALLEL_MEMTABLE_WRITER = 8,
    /* Terminal: the write is done; status holds the result. */
    WT_STATE_COMPLETED = 16,
    /* The owner is parked on the state word; a waker must unpark it. */
    WT_STATE_LOCKED_WAITING = 32,
    /* Wake every stride-th member starting with yourself, then write. */
    WT_STATE_PARALLEL_MEMTABLE_CALLER = 64,
} wt_state;

enum {
    WT_STATE_BITS = 7,              /* the states are the bits 0 .. WT_STATE_BITS-1 */
    WT_STATE_COUNT = WT_STATE_BITS, /* rows of wt_state_table: one per state, in bit order */
};

_Static_assert(WT_STATE_PARALLEL_MEMTABLE_CALLER == 1 << (WT_STATE_BITS - 1),
               "the last state is the highest bit");

typedef struct wt_state_info {
    uint32_t bit;     /* the wt_state value */
    const char *name; /* RocksDB's name without "STATE_": "GROUP_LEADER" */
} wt_state_info;

/* WT_STATE_COUNT rows; row i is the state 1 << i.  Other tables about
 * states (the charts' colours) are indexed the same way, by
 * wt_state_index.  (Declared without its size so that writer_state.c can
 * assert the size of what it defines.) */
extern const wt_state_info wt_state_table[];

/* The row of one state bit, or -1 (no state, or more than one bit). */
int wt_state_index(uint32_t bit);
/* The row of a state name ("GROUP_LEADER"), or -1. */
int wt_state_index_by_name(const char *name);
/* The name of one state bit, or "UNKNOWN". */
const char *wt_state_name(uint32_t state);
/* A set of states (a goal mask) as "GROUP_LEADER|COMPLETED" into buf. */
void wt_state_mask_text(uint32_t mask, char *buf, size_t cap);
/* Whether a writer may move from `from` to `to` (one state bit each);
 * false for anything that is not a single state. */
bool wt_state_transition_legal(uint32_t from, uint32_t to);

#endif
