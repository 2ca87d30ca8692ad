/*
 * loaded_trace.h — a recorded sim trace ready to re-execute: replay, diff
 * and minimize start here.
 *
 * It is a trace_doc (trace_reader.h: header, lines, typed events, summary)
 * plus what re-execution needs: the embedded scenario, loaded, and the
 * recorded scheduling decisions by fiber name.  A real trace (recorded by
 * the pthreads build) cannot be re-executed: loading one says so.
 */
#ifndef WT_SIM_LOADED_TRACE_H
#define WT_SIM_LOADED_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "scenario.h"
#include "trace_reader.h"

/* The trace's lines (line 0 is the header), borrowed from the doc. */
typedef struct loaded_lines {
    char *const *lines;
    size_t count;
} loaded_lines;

typedef struct loaded_trace {
    trace_doc doc;
    trace_header header;       /* = doc.header */
    loaded_lines file;         /* = doc.lines */
    scenario *sc;              /* from the embedded text */
    const char **picks;        /* fiber names of the recorded decisions */
    size_t pick_count;
    const char *summary_invariant; /* NULL when the summary says ok or is missing */
    const char *summary_outcome;   /* NULL when the summary is missing */
} loaded_trace;

/* Reads and checks a trace; on failure prints "wtlab: FILE:LINE: why". */
bool loaded_trace_open(const char *path, loaded_trace *t);
void loaded_trace_free(loaded_trace *t);

/* A run_config that replays t exactly (forced picks by name). */
void loaded_trace_config(const loaded_trace *t, run_config *cfg);

#endif
