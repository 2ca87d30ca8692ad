/*
 * tracefile.h — reading a recorded trace for replay, diff and minimize:
 * its header (the embedded scenario, seed, policy, bounds, build) and the
 * scheduling decisions it recorded.
 */
#ifndef WT_SIM_TRACEFILE_H
#define WT_SIM_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "scenario.h"
#include "trace.h"

typedef struct trace_header {
    char *build;
    char *scenario_name;
    char *scenario_path;
    char *scenario_text;
    char *policy;
    uint64_t seed, pct_depth, pct_steps, max_steps;
} trace_header;

typedef struct loaded_trace {
    trace_file file;
    trace_header header;
    scenario *sc;              /* from the embedded text */
    char **picks;              /* fiber names of the recorded decisions */
    size_t pick_count;
    char *summary_invariant;   /* from the summary line, or NULL */
    char *summary_outcome;
} loaded_trace;

/* Reads and checks a trace; on failure prints "wtlab: FILE:LINE: why". */
bool loaded_trace_open(const char *path, loaded_trace *t);
void loaded_trace_free(loaded_trace *t);

/* A run_config that replays t exactly (forced picks by name). */
void loaded_trace_config(const loaded_trace *t, run_config *cfg);

#endif
