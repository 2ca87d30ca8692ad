/*
 * trace_stats.h — timing samples and run statistics read from one trace
 * (real or sim): what `wtlab calibrate` fits the sim's timing model to and
 * what `wtlab compare` sets side by side.
 *
 * One pass over the events (trace_reader.h; a real trace may be large).
 * Per thread ("fiber") it remembers its last event, so durations are
 * taken between events of one thread:
 *   - WAL append: a wal_append's time since its thread's previous event
 *     (the leader's group/detach: merging the batches and the write call),
 *     with the record's bytes;
 *   - WAL sync: wal_sync_begin -> wal_sync_end of one thread;
 *   - memtable insert: insert_begin -> insert_end, with the count and the
 *     bytes of the batch's write_begin;
 *   - wake-up latency: a state set by another thread on a writer that was
 *     LOCKED_WAITING (parked) -> that writer's next event;
 *   - return latency by state: any state set by another thread on a
 *     writer, parked or not -> that writer's next event, kept by the
 *     state it was set to (a writer not parked yet may have been
 *     descheduled: more runnable threads than cores);
 *   - setter's cost by state: any state set by another thread, parked or
 *     not -> the setter's next event, kept by the state set (where the
 *     sim's writer parked and a real one was only descheduled, the real
 *     set needed no futex wake: the mixture is what a set costs);
 *   - wake cost: the same state set -> the waker's next event (its futex
 *     wake call, as the sim's schedule.wake_ns models it);
 *   - the return latency and the setter's cost by state once more, split
 *     by whether another writer (not the setter, not the one set) was
 *     active at the set: one not parked (running, ready, spinning or descheduled)
 *     and not inside wal_sync_begin..end, or parked after its own insert
 *     as a PARALLEL_MEMTABLE_WRITER (a member waiting for COMPLETED);
 *     none active: the machine was idle but for the two (port_sim.c
 *     tells the same apart in the sim);
 *   - think time: a writer's write_end -> its next write_begin;
 *   - spin phase: a follower's link -> its own INIT -> LOCKED_WAITING
 *     (AwaitState's spin and yield before it parks);
 *   - a wait's spin phase by kind: a follower's first wait (link) and a
 *     member's wait for COMPLETED (its insert_end as a
 *     PARALLEL_MEMTABLE_WRITER), each until it parks (its own ->
 *     LOCKED_WAITING) or another thread sets its state, whichever first
 *     (a member that completes the group itself did not wait);
 *   - waits: a writer released from INIT or LOCKED_WAITING by another
 *     thread; blocked when from LOCKED_WAITING.
 * Run statistics: groups by size, writes, WAL syncs, the time from the
 * first write_begin to the last write_end, and the time writers spend in
 * each state (from write_begin, which starts INIT, to write_end).
 * Not thread-safe per stats.
 */
#ifndef WT_SIM_TRACE_STATS_H
#define WT_SIM_TRACE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "writer_state.h"

enum { TRACE_STATS_MAX_GROUP = 256, TRACE_STATS_MAX_THREADS = 1024 };

typedef struct stats_samples {
    uint64_t *v;
    size_t n, cap;
} stats_samples;

typedef struct trace_stats {
    bool real;
    /* timing samples (parallel arrays where several go together) */
    stats_samples append_ns, append_bytes;
    stats_samples sync_ns;
    stats_samples insert_ns, insert_count, insert_bytes;
    stats_samples wake_latency_ns, wake_cost_ns;
    stats_samples wake_latency_to_ns[WT_STATE_COUNT]; /* return latency by the state set */
    stats_samples wake_cost_to_ns[WT_STATE_COUNT];    /* setter's cost by the state set */
    /* The return latency and the setter's cost by the state set, [0] when
     * another writer was active at the set, [1] when none */
    stats_samples wake_latency_idle_to_ns[2][WT_STATE_COUNT];
    stats_samples wake_cost_idle_to_ns[2][WT_STATE_COUNT];
    /* The return latency by the state set, of parked writers only (set
     * out of LOCKED_WAITING) that their setter woke no other parked writer
     * after before they ran again */
    stats_samples wake_latency_parked_to_ns[WT_STATE_COUNT];
    /* The other parked ones: return latency and how many parked writers
     * the same setter woke after them before they ran (parallel arrays) */
    stats_samples pushback_ns[WT_STATE_COUNT], pushback_k[WT_STATE_COUNT];
    stats_samples think_ns;
    stats_samples spin_ns;   /* a follower's link -> its own INIT->LOCKED_WAITING */
    stats_samples spin_steps;/* the same in steps (a sim trace's scheduling points) */
    /* A wait's spin phase, [0] a follower's first wait (link -> parked or
     * released), [1] a member's wait for COMPLETED (its insert_end -> the
     * same): how long it spun before it parked or another thread set its
     * state, whichever came first */
    stats_samples wait_spin_ns[2];
    stats_samples wait_parked[2]; /* parallel: 1 when that wait ended parked, 0 released */
    uint64_t waits, waits_blocked;
    /* run statistics */
    uint64_t groups_by_size[TRACE_STATS_MAX_GROUP + 1]; /* [n]: groups of n writers (last: n+) */
    uint64_t groups, group_members, writes, wal_syncs;
    uint64_t span_ns;                  /* first write_begin to last write_end, summed over traces */
    uint64_t state_ns[WT_STATE_COUNT]; /* all writers together */
    uint64_t think_total_ns;
    size_t writers;                    /* threads that wrote (summed over traces) */
    size_t traces;                     /* traces added */
} trace_stats;

/* Adds the trace at path to *st (zeroed, or holding earlier traces).
 * false with err "FILE:LINE: why" on a bad trace. */
bool trace_stats_add(const char *path, trace_stats *st, char *err, size_t cap);
void trace_stats_free(trace_stats *st);

void stats_samples_push(stats_samples *s, uint64_t v);
/* Sorted copy's quantile p in [0,1] (nearest rank, interpolated). */
uint64_t stats_quantile(const stats_samples *s, double p);
double stats_mean(const stats_samples *s);
double stats_sd(const stats_samples *s);

#endif
