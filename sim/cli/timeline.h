/*
 * timeline.h — trace lines as a fixed-width human timeline, one line per
 * event: step, virtual time, fiber, event, writer, details.
 */
#ifndef WT_SIM_TIMELINE_H
#define WT_SIM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Column headings matching timeline_format. */
void timeline_heading(FILE *out);

/* Formats one trace line (a JSON object).  Returns false for lines that
 * are not events (header, summary) or cannot be parsed. *step receives the
 * event's step.  `writer` (may be NULL) filters: only events that involve
 * that writer pass (false otherwise). */
bool timeline_format(const char *json_line, const char *writer, bool with_picks, char *buf,
                     size_t cap, uint64_t *step);

#endif
