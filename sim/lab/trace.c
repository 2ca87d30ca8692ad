/*
 * trace.c — JSON line building, trace sinks, trace reading.
 *
 * jline writes JSON directly (no intermediate tree): keys in the order the
 * caller adds them, strings escaped per RFC 8259 (control characters as
 * \u00XX, bytes >= 0x80 passed through), integers in decimal.  Sinks copy
 * what they keep.  Not thread-safe.
 */
#define _GNU_SOURCE
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ jline */

void jline_init(jline *j)
{
    j->buf = NULL;
    j->len = j->cap = 0;
    j->need_comma = false;
}

void jline_free(jline *j)
{
    free(j->buf);
    jline_init(j);
}

static void put(jline *j, const char *s, size_t n)
{
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 256;
        while (cap < j->len + n + 1) cap *= 2;
        j->buf = realloc(j->buf, cap);
        assert(j->buf != NULL);
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void puts_(jline *j, const char *s) { put(j, s, strlen(s)); }

static void put_escaped(jline *j, const char *s, size_t n)
{
    put(j, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(j, esc, 2);
        } else if (c == '\n') {
            put(j, "\\n", 2);
        } else if (c == '\t') {
            put(j, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(j, esc, 6);
        } else {
            put(j, (const char *)&s[i], 1);
        }
    }
    put(j, "\"", 1);
}

void jline_key(jline *j, const char *key)
{
    if (j->need_comma) put(j, ",", 1);
    j->need_comma = true;
    if (key != NULL) {
        put_escaped(j, key, strlen(key));
        put(j, ":", 1);
    }
}

void jline_begin(jline *j)
{
    j->len = 0;
    if (j->buf) j->buf[0] = '\0';
    j->need_comma = false;
    put(j, "{", 1);
}

void jline_end(jline *j)
{
    put(j, "}", 1);
    j->need_comma = true;
}

void jline_str(jline *j, const char *key, const char *value)
{
    jline_strn(j, key, value, strlen(value));
}

void jline_strn(jline *j, const char *key, const char *value, size_t n)
{
    jline_key(j, key);
    put_escaped(j, value, n);
}

void jline_u64(jline *j, const char *key, uint64_t v)
{
    char num[32];
    jline_key(j, key);
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    puts_(j, num);
}

void jline_i64(jline *j, const char *key, int64_t v)
{
    char num[32];
    jline_key(j, key);
    snprintf(num, sizeof num, "%lld", (long long)v);
    puts_(j, num);
}

void jline_bool(jline *j, const char *key, bool v)
{
    jline_key(j, key);
    puts_(j, v ? "true" : "false");
}

void jline_null(jline *j, const char *key)
{
    jline_key(j, key);
    puts_(j, "null");
}

void jline_u64_as_str(jline *j, const char *key, uint64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    jline_str(j, key, num);
}

void jline_array_begin(jline *j, const char *key)
{
    jline_key(j, key);
    put(j, "[", 1);
    j->need_comma = false;
}

void jline_array_end(jline *j)
{
    put(j, "]", 1);
    j->need_comma = true;
}

void jline_object_begin(jline *j, const char *key)
{
    jline_key(j, key);
    put(j, "{", 1);
    j->need_comma = false;
}

void jline_object_end(jline *j)
{
    put(j, "}", 1);
    j->need_comma = true;
}

void jline_raw(jline *j, const char *key, const char *json)
{
    jline_key(j, key);
    puts_(j, json);
}

/* ------------------------------------------------------------------ sinks */

typedef enum sink_kind { SINK_FILE, SINK_MEMORY, SINK_COMPARE } sink_kind;

struct trace_sink {
    sink_kind kind;
    FILE *file;
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

void trace_emit(trace_sink *s, const jline *line) { trace_emit_text(s, line->buf); }

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

