/*
 * trace_state.h — what a trace says about every writer at one step,
 * rebuilt from its events alone (no re-execution).
 *
 * A sim trace can be re-executed to any step (run.h's state dump), a real
 * trace cannot: its state at a step is what its events imply.  Each writer
 * has the state of its last `state` event, the write it is in (between
 * write_begin and write_end), and the group it was last a member of; the
 * DB has its last published sequence, WAL append offset, open syncs and
 * stalls.  What no event records (the writer list's links, waits) is not
 * shown.  Bounded by TRACE_STATE_MAX_WRITERS writers; later ones are
 * counted, not tracked.
 */
#ifndef WT_SIM_TRACE_STATE_H
#define WT_SIM_TRACE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_event.h"

enum { TRACE_STATE_MAX_WRITERS = 256, TRACE_STATE_NAME_MAX = 64 };

typedef struct trace_state_writer {
    char name[TRACE_STATE_NAME_MAX];
    char state[32];           /* "INIT" until its first state event */
    bool in_write;            /* between write_begin and write_end */
    int64_t batch;
    uint64_t writes_done;
    uint64_t last_seq;        /* the last finished write's first sequence */
    char last_status[24];
    uint64_t group;           /* 1-based number of the last group it joined, 0: none */
    bool syncing;             /* between wal_sync_begin and wal_sync_end */
} trace_state_writer;

typedef struct trace_state {
    uint64_t step, t_ns;       /* of the last event applied */
    uint64_t events;
    trace_state_writer writers[TRACE_STATE_MAX_WRITERS];
    uint32_t writer_count;
    uint64_t untracked_writers;
    uint64_t groups, published_seq, wal_offset, wal_syncs;
    bool stalled;
    char bg_error[24];         /* "" while none */
} trace_state;

void trace_state_init(trace_state *s);
/* Applies one event (in trace order). */
void trace_state_apply(trace_state *s, const trace_event *e);
/* Prints the state as text. */
void trace_state_print(const trace_state *s, FILE *out);

#endif
