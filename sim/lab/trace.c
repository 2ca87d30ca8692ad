/*
 * trace.c — trace sinks (trace.h).  Sinks copy what they keep.  Not
 * thread-safe.
 */
#define _GNU_SOURCE
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ sinks */

typedef enum sink_kind { SINK_FILE, SINK_MEMORY, SINK_COMPARE } sink_kind;

struct trace_sink {
    sink_kind kind;
    FILE *file;
    bool flush_lines;           /* file sinks: fflush after each line */
    char **lines;
    size_t count, cap;
    char *const *expected;
    size_t expected_count;
    size_t mismatch; /* SIZE_MAX while none */
    char *mismatch_line;
};

static trace_sink *sink_new(sink_kind kind)
{
    trace_sink *s = calloc(1, sizeof *s);
    assert(s != NULL);
    s->kind = kind;
    s->mismatch = SIZE_MAX;
    return s;
}

trace_sink *trace_sink_file(FILE *f)
{
    trace_sink *s = sink_new(SINK_FILE);
    s->file = f;
    return s;
}

trace_sink *trace_sink_file_flushed(FILE *f)
{
    trace_sink *s = trace_sink_file(f);
    s->flush_lines = true;
    return s;
}

trace_sink *trace_sink_memory(void) { return sink_new(SINK_MEMORY); }

trace_sink *trace_sink_compare(char *const *expected, size_t count)
{
    trace_sink *s = sink_new(SINK_COMPARE);
    s->expected = expected;
    s->expected_count = count;
    return s;
}

void trace_sink_free(trace_sink *s)
{
    if (s == NULL) return;
    for (size_t i = 0; s->kind == SINK_MEMORY && i < s->count; i++) free(s->lines[i]);
    free(s->lines);
    free(s->mismatch_line);
    free(s);
}

void trace_emit_text(trace_sink *s, const char *line)
{
    size_t index = s->count;
    switch (s->kind) {
    case SINK_FILE:
        fputs(line, s->file);
        fputc('\n', s->file);
        if (s->flush_lines) fflush(s->file);
        break;
    case SINK_MEMORY:
        if (s->count == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 1024;
            s->lines = realloc(s->lines, s->cap * sizeof *s->lines);
            assert(s->lines != NULL);
        }
        s->lines[s->count] = strdup(line);
        assert(s->lines[s->count] != NULL);
        break;
    case SINK_COMPARE:
        if (s->mismatch == SIZE_MAX &&
            (index >= s->expected_count || strcmp(s->expected[index], line) != 0)) {
            s->mismatch = index;
            s->mismatch_line = strdup(line);
        }
        break;
    }
    s->count = index + 1;
}


size_t trace_sink_lines(const trace_sink *s) { return s->count; }

const char *trace_sink_line(const trace_sink *s, size_t i)
{
    assert(s->kind == SINK_MEMORY && i < s->count);
    return s->lines[i];
}

bool trace_sink_write_to(const trace_sink *s, FILE *f)
{
    for (size_t i = 0; i < s->count; i++)
        if (fputs(s->lines[i], f) < 0 || fputc('\n', f) == EOF) return false;
    return true;
}

size_t trace_sink_first_mismatch(const trace_sink *s, const char **produced)
{
    if (s->mismatch != SIZE_MAX) {
        *produced = s->mismatch_line;
        return s->mismatch;
    }
    *produced = NULL;
    return s->count < s->expected_count ? s->count : s->expected_count;
}

bool trace_sink_matched(const trace_sink *s)
{
    return s->mismatch == SIZE_MAX && s->count == s->expected_count;
}

