/*
 * trace.h — where a run's trace lines go: trace sinks.
 *
 * Lines are made by the format's encoder (engine/trace_event.h) and read
 * back by the trace reader (trace_reader.h); a sink receives finished
 * lines: a file, memory (kept for later), or a comparator that checks a
 * replay line by line against the recorded trace.
 */
#ifndef WT_SIM_TRACE_H
#define WT_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_event.h" /* the format: TRACE_FORMAT_VERSION, the line table */

/* ------------------------------------------------------------------ sinks */

typedef struct trace_sink trace_sink;

/* Writes lines to a file (+ '\n').  Owns nothing; FILE stays open. */
trace_sink *trace_sink_file(FILE *f);
/* Like trace_sink_file, but flushes after every line, so that a process
 * that dies leaves every line written before it (supervise.h). */
trace_sink *trace_sink_file_flushed(FILE *f);
/* Keeps lines in memory. */
trace_sink *trace_sink_memory(void);
/* Compares each line with expected[i]; records the first mismatch. */
trace_sink *trace_sink_compare(char *const *expected, size_t count);
void trace_sink_free(trace_sink *s);

void trace_emit_text(trace_sink *s, const char *line);
size_t trace_sink_lines(const trace_sink *s);
/* Memory sinks: line i (valid until the sink is freed). */
const char *trace_sink_line(const trace_sink *s, size_t i);
/* Write a memory sink's lines to f; returns false on a write error. */
bool trace_sink_write_to(const trace_sink *s, FILE *f);
/* Compare sinks: index of the first differing line (count if none) and
 * the line produced there (NULL if the run produced fewer lines). */
size_t trace_sink_first_mismatch(const trace_sink *s, const char **produced);
/* Compare sinks: a line was checked against `expected` and matched? */
bool trace_sink_matched(const trace_sink *s);

#endif
