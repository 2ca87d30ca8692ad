/*
 * trace.h — traces as JSON Lines: building lines, writing them somewhere,
 * reading them back.
 *
 * A trace is a header line, one line per event, and a summary line (see
 * DESIGN.md, Traces).  Lines are built with a fixed key order and integers
 * only (64-bit seeds as decimal strings), so the same run always gives the
 * same bytes.  A sink receives finished lines: a file, memory (kept for
 * later), or a comparator that checks a replay line by line.
 */
#ifndef WT_SIM_TRACE_H
#define WT_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_event.h" /* the format: TRACE_FORMAT_VERSION, the line table */

/* --------------------------------------------------------- line building */

typedef struct jline {
    char *buf;
    size_t len, cap;
    bool need_comma;
} jline;

void jline_init(jline *j);
void jline_free(jline *j);
void jline_begin(jline *j);            /* "{" */
void jline_end(jline *j);              /* "}" (no newline) */
void jline_key(jline *j, const char *key);
void jline_str(jline *j, const char *key, const char *value);
void jline_strn(jline *j, const char *key, const char *value, size_t n);
void jline_u64(jline *j, const char *key, uint64_t v);
void jline_i64(jline *j, const char *key, int64_t v);
void jline_bool(jline *j, const char *key, bool v);
void jline_null(jline *j, const char *key);
void jline_u64_as_str(jline *j, const char *key, uint64_t v); /* "123" */
/* Arrays and objects as values: key may be NULL inside arrays. */
void jline_array_begin(jline *j, const char *key);
void jline_array_end(jline *j);
void jline_object_begin(jline *j, const char *key);
void jline_object_end(jline *j);
void jline_raw(jline *j, const char *key, const char *json); /* pre-built JSON value */

/* ------------------------------------------------------------------ sinks */

typedef struct trace_sink trace_sink;

/* Writes lines to a file (+ '\n').  Owns nothing; FILE stays open. */
trace_sink *trace_sink_file(FILE *f);
/* Keeps lines in memory. */
trace_sink *trace_sink_memory(void);
/* Compares each line with expected[i]; records the first mismatch. */
trace_sink *trace_sink_compare(char *const *expected, size_t count);
void trace_sink_free(trace_sink *s);

void trace_emit(trace_sink *s, const jline *line);
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
