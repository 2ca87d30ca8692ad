/*
 * timeline.h — trace events as a fixed-width human timeline, one line per
 * event: step, time, fiber, event, writer, details.  Used by `wtlab
 * replay --text` and `wtlab diff`; works on sim and real traces alike.
 */
#ifndef WT_SIM_TIMELINE_H
#define WT_SIM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "trace_event.h"

/* Column headings matching timeline_format. */
void timeline_heading(FILE *out);

/* Does e involve `writer` (as the running fiber, writer, leader, pick or
 * group member)? */
bool timeline_involves(const trace_event *e, const char *writer);

/* Formats one event as one line (no '\n'), cut to cap. */
void timeline_format(const trace_event *e, char *buf, size_t cap);

#endif
