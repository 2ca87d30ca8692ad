/*
 * pins.h — a scenario's pinning rules during one run (schedule.pins).
 *
 * A pin holds fiber `hold` (a writer, or the sim's main, flush or crasher
 * fiber) at sync point `at` (the occurrence-th time it gets there) until a
 * condition holds: another writer has been in a state or has finished,
 * another fiber has reached a sync point or is blocked, or virtual time
 * has passed a mark (RocksDB's SyncPoint::LoadDependency).  The runner tells
 * the pins what happens from its scheduler hooks — state changes, sync
 * points reached, writers finished, steps taken — and the pins hold and
 * release fibers through the scheduler.  Every hold and release goes to
 * the runner's line callback, which traces it.  A time condition needs no
 * other fiber: the writer sleeps at the sync point instead of being held.
 *
 * Invariants: a pin holds at most one fiber at a time; a condition once
 * met stays met; a held fiber is released after the first step at whose
 * end its pin's condition holds, so a pin that can never be met ends the
 * run in a deadlock (lessons use that).  Pins are checked in scenario
 * order and a writer is held by the first pin that fires.  Not
 * thread-safe (the sim is single-threaded); one `pins` per run.
 */
#ifndef WT_SIM_PINS_H
#define WT_SIM_PINS_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"
#include "scheduler.h"
#include "trace_event.h"

typedef struct pin_rt {
    const scenario_pin *pin;
    uint64_t hits;              /* times `hold` reached `at` */
    bool until_met;             /* a state or sync-point condition happened */
    int held_fiber;             /* -1 when not holding */
} pin_rt;

/* Traces a hold or release (TRACE_HOLD, TRACE_RELEASE) of `writer` by p. */
typedef void pins_line_fn(void *arg, pin_rt *p, trace_kind kind, const char *writer);

typedef struct pins {
    const scenario *sc;
    pin_rt *rules;              /* one per scenario pin, in scenario order */
    bool *finished;             /* by writer index: it has finished all its batches */
    pins_line_fn *line;
    void *line_arg;
    uint64_t held;              /* holds that took effect */
} pins;

/* Sets up the rules of sc (which must outlive ps); line is called for
 * every hold and release. */
void pins_init(pins *ps, const scenario *sc, pins_line_fn *line, void *line_arg);
void pins_free(pins *ps);

/* Writer `writer` (a scenario index) entered `state` (a wt_state bit). */
void pins_on_state(pins *ps, int writer, uint32_t state);

/* Writer `writer` has finished all its batches. */
void pins_on_finished(pins *ps, int writer);

/* Fiber f (a writer's, or "main", "flush", "crasher": pins go by fiber
 * name) reached sync point `name`.  Returns true when a pin holds it
 * there (the scheduler parks it until pins_after_step releases it); a
 * time pin sleeps it here instead. */
bool pins_on_sync_point(pins *ps, sched *s, sched_fiber *f, const char *name);

/* After every step, and when no fiber can run: releases each held fiber
 * whose condition now holds; true if it released one. */
bool pins_after_step(pins *ps, sched *s);

#endif
