/*
 * step_render.h — the parts of a `wtlab step` screen (step.h), rendered
 * while a run is frozen at a decision.  Engine state is read in port_sim's
 * quiet mode (no scheduling point, the run is not changed) and named, never
 * shown as addresses.  Each returns malloc'd text; not thread-safe.
 */
#ifndef WT_SIM_STEP_RENDER_H
#define WT_SIM_STEP_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "scenario.h"
#include "scheduler.h"
#include "trace.h"

/* What fiber f is about to do: the engine function it is in (from its last
 * sync point, may be NULL), the operation and its object, by name. */
void step_render_intent(sched *s, const wt_options *o, const sched_fiber *f, const char *sync_point,
                        char *buf, size_t cap);
/* Writers and their states (the scenario's writers whose threads do not
 * exist yet too), the writer list(s) as linked nodes, the groups
 * in progress, sequences and WAL position, of the run in progress. */
char *step_render_state(sched *s, const scenario *sc);
/* The event lines of sink from line `from` on (pick lines left out), one
 * short line each. */
char *step_render_events(const trace_sink *sink, size_t from);
/* A run that ended: the groups it formed and how each writer ended. */
char *step_render_final(const trace_sink *sink);
/* One trace event line as "step N  FIBER  EV key=value ...". */
void step_render_event_line(const char *line, char *buf, size_t cap);

#endif
