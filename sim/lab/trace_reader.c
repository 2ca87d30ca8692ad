/*
 * trace_reader.c — trace lines parsed against the format's table
 * (trace_reader.h, engine/trace_event.h).
 *
 * Each line is parsed with jansson, then walked with the table row of its
 * kind: a field's type says which JSON type it must have, its offset where
 * its value goes in the typed struct.  Strings point into the line's JSON
 * tree, which the reader keeps until the next line (header and summary:
 * until close).  Name lists are arrays allocated per line.
 *
 * Version 1 traces (before "source" existed) are read as sim traces.
 */
#define _GNU_SOURCE
#include "trace_reader.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { LINE_ALLOCS_MAX = 4 }; /* name lists on one line (one per TRACE_NAMES field) */

struct trace_reader {
    char *path;
    FILE *f;
    char *line;             /* the last line read, NUL-terminated, no '\n' */
    size_t line_cap;
    size_t line_number;
    trace_file_kind kind;
    json_t *header_json, *summary_json, *event_json;
    trace_header header;
    trace_summary summary;
    bool summary_seen;
    uint64_t version_read;  /* the header's version (the reader fills in newer keys) */
    trace_exploration exploration;
    void *header_allocs[LINE_ALLOCS_MAX], *summary_allocs[LINE_ALLOCS_MAX];
    void *event_allocs[LINE_ALLOCS_MAX];
    char err[TRACE_READER_ERR_MAX];
};

static bool fail(trace_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records "FILE:LINE: message" and returns false. */
static bool fail(trace_reader *r, const char *fmt, ...)
{
    int n = snprintf(r->err, sizeof r->err, "%s:%zu: ", r->path, r->line_number);
    if (n < 0 || (size_t)n >= sizeof r->err) return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static void free_allocs(void **allocs)
{
    for (int i = 0; i < LINE_ALLOCS_MAX; i++) {
        free(allocs[i]);
        allocs[i] = NULL;
    }
}

/* ------------------------------------------------------------ one field */

static const char *type_name(trace_field_type t)
{
    switch (t) {
    case TRACE_U64: return "a non-negative integer";
    case TRACE_I64: return "an integer";
    case TRACE_BOOL: return "true or false";
    case TRACE_STR: return "a string";
    case TRACE_NAMES: return "an array of strings";
    case TRACE_U64_STR: return "a decimal string";
    }
    return "?";
}

static bool read_names(json_t *v, trace_names *out, void **allocs)
{
    size_t n = json_array_size(v);
    if (n > TRACE_MAX_NAMES) return false;
    int slot = 0;
    while (slot < LINE_ALLOCS_MAX && allocs[slot] != NULL) slot++;
    assert(slot < LINE_ALLOCS_MAX);
    const char **names = calloc(n + 1, sizeof *names);
    assert(names != NULL);
    allocs[slot] = names;
    for (size_t i = 0; i < n; i++) {
        names[i] = json_string_value(json_array_get(v, i));
        if (names[i] == NULL) return false;
    }
    *out = (trace_names){names, (uint32_t)n};
    return true;
}

static bool parse_u64_text(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = v;
    return true;
}

/* Stores the value of one field into base; false if it has the wrong type. */
static bool store(const trace_field_def *f, json_t *v, void *base, void **allocs)
{
    void *p = (char *)base + f->offset;
    switch (f->type) {
    case TRACE_U64:
        if (!json_is_integer(v) || json_integer_value(v) < 0) return false;
        *(uint64_t *)p = (uint64_t)json_integer_value(v);
        return true;
    case TRACE_I64:
        if (!json_is_integer(v)) return false;
        *(int64_t *)p = (int64_t)json_integer_value(v);
        return true;
    case TRACE_BOOL:
        if (!json_is_boolean(v)) return false;
        *(bool *)p = json_is_true(v);
        return true;
    case TRACE_STR:
        if (!json_is_string(v)) return false;
        *(const char **)p = json_string_value(v);
        return true;
    case TRACE_NAMES: return json_is_array(v) && read_names(v, (trace_names *)p, allocs);
    case TRACE_U64_STR: return parse_u64_text(json_string_value(v), (uint64_t *)p);
    }
    return false;
}

static bool known_key(const char *key, const trace_field_def *a, const trace_field_def *b)
{
    for (; a != NULL && a->key != NULL; a++)
        if (strcmp(a->key, key) == 0) return true;
    for (; b != NULL && b->key != NULL; b++)
        if (strcmp(b->key, key) == 0) return true;
    return false;
}

/* Reads field f of the line `what` from o into base. */
static bool read_field(trace_reader *r, json_t *o, const char *what, const trace_field_def *f,
                       void *base, void **allocs)
{
    json_t *v = json_object_get(o, f->key);
    if (v == NULL && (f->optional || f->since > r->version_read)) return true;
    if (v == NULL) return fail(r, "%s: key \"%s\": missing (%s)", what, f->key, type_name(f->type));
    if (!store(f, v, base, allocs))
        return fail(r, "%s: key \"%s\": not %s", what, f->key, type_name(f->type));
    return true;
}

/* Reads every field of `fields` from o into base; `what` names the line in
 * errors; keys outside `fields` and `also` are refused. */
static bool read_fields(trace_reader *r, json_t *o, const char *what,
                        const trace_field_def *fields, const trace_field_def *also, void *base,
                        void **allocs)
{
    for (const trace_field_def *f = fields; f->key != NULL; f++)
        if (!read_field(r, o, what, f, base, allocs)) return false;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!known_key(key, fields, also)) return fail(r, "%s: unknown key \"%s\"", what, key);
    }
    return true;
}

/* ----------------------------------------------------------------- lines */

/* Reads the next line into r->line; false at end of file (or on error,
 * with r->err set). */
static bool read_line(trace_reader *r, bool *error)
{
    *error = false;
    ssize_t n = getline(&r->line, &r->line_cap, r->f);
    if (n < 0) {
        if (ferror(r->f)) *error = !fail(r, "read error: %s", strerror(errno));
        return false;
    }
    r->line_number++;
    if (n > 0 && r->line[n - 1] == '\n') r->line[--n] = '\0';
    if ((size_t)n > TRACE_READER_MAX_LINE_BYTES) {
        *error = !fail(r, "line longer than %d bytes", TRACE_READER_MAX_LINE_BYTES);
        return false;
    }
    return true;
}

static json_t *parse_object(trace_reader *r)
{
    json_error_t je;
    json_t *o = json_loads(r->line, JSON_REJECT_DUPLICATES, &je);
    if (o == NULL) {
        fail(r, "column %d: not JSON: %s", je.column, je.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        fail(r, "not a JSON object");
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------ first line */

static bool read_header(trace_reader *r, json_t *o)
{
    const char *format = json_string_value(json_object_get(o, "format"));
    json_t *version = json_object_get(o, "version");
    if (format == NULL || strcmp(format, TRACE_FORMAT_NAME) != 0)
        return fail(r, "not a wtlab trace (the header's \"format\" is not \"%s\")", TRACE_FORMAT_NAME);
    if (!json_is_integer(version))
        return fail(r, "header: key \"version\": missing or not an integer");
    if (json_integer_value(version) < 1 || json_integer_value(version) > TRACE_FORMAT_VERSION)
        return fail(r, "trace format version %lld, this wtlab reads 1 to %d",
                    (long long)json_integer_value(version), TRACE_FORMAT_VERSION);
    r->version_read = (uint64_t)json_integer_value(version);
    if (json_integer_value(version) == 1) /* before "source": always a sim trace */
        json_object_set_new(o, "source", json_string(TRACE_SOURCE_SIM));
    const char *source = json_string_value(json_object_get(o, "source"));
    const trace_field_def *fields = source ? trace_header_fields_for(source) : NULL;
    if (fields == NULL)
        return fail(r, "header: key \"source\": not \"%s\" or \"%s\"", TRACE_SOURCE_SIM,
                    TRACE_SOURCE_REAL);
    static const trace_field_def type_key[] = {{"type", TRACE_STR, 0, false, NULL},
                                               {NULL, TRACE_U64, 0, false, NULL}};
    if (!read_fields(r, o, "header", fields, type_key, &r->header, r->header_allocs)) return false;
    r->header.version = TRACE_FORMAT_VERSION;
    return true;
}

static bool read_exploration(trace_reader *r, json_t *o)
{
    trace_exploration *x = &r->exploration;
    x->scenario_name = json_string_value(json_object_get(o, "scenario_name"));
    json_t *runs = json_object_get(o, "runs"), *list = json_object_get(o, "transitions");
    if (!json_is_integer(runs) || json_integer_value(runs) < 0)
        return fail(r, "exploration: key \"runs\": not a non-negative integer");
    if (!json_is_array(list)) return fail(r, "exploration: key \"transitions\": not an array");
    x->runs = (uint64_t)json_integer_value(runs);
    x->failures = (uint64_t)json_integer_value(json_object_get(o, "failures"));
    x->distinct = (uint64_t)json_integer_value(json_object_get(o, "distinct"));
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *t = json_array_get(list, i);
        const char *from = json_string_value(json_object_get(t, "from"));
        const char *to = json_string_value(json_object_get(t, "to"));
        json_t *count = json_object_get(t, "count");
        int a = from ? wt_state_index_by_name(from) : -1, b = to ? wt_state_index_by_name(to) : -1;
        if (a < 0 || b < 0 || !json_is_integer(count) || json_integer_value(count) < 0)
            return fail(r, "exploration: transitions[%zu]: needs a known \"from\" and \"to\" "
                           "state and a count", i);
        x->transitions[a][b] += (uint64_t)json_integer_value(count);
    }
    return true;
}

static bool read_first_line(trace_reader *r)
{
    bool error;
    if (!read_line(r, &error)) return error ? false : fail(r, "empty file: not a wtlab trace");
    json_t *o = parse_object(r);
    if (o == NULL) return fail(r, "not a wtlab trace (the first line is not JSON)");
    r->header_json = o;
    const char *type = json_string_value(json_object_get(o, "type"));
    if (type != NULL && strcmp(type, "exploration") == 0) {
        r->kind = TRACE_FILE_EXPLORATION;
        return read_exploration(r, o);
    }
    if (type == NULL || strcmp(type, "header") != 0)
        return fail(r, "not a wtlab trace (the first line is not its header)");
    r->kind = TRACE_FILE_TRACE;
    return read_header(r, o);
}

/* Opens path for reading if it is a regular file: a device or a FIFO
 * (/dev/zero, a pipe with no writer) would never end or never start.  The
 * open does not block, so a FIFO is refused too. */
static FILE *open_regular(const char *path, char *err, size_t err_cap)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_cap, "%s: cannot open: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_cap, "%s: cannot open: not a regular file", path);
        close(fd);
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "r");
    if (f == NULL) {
        snprintf(err, err_cap, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

trace_reader *trace_reader_open(const char *path, char *err, size_t err_cap)
{
    trace_reader *r = calloc(1, sizeof *r);
    assert(r != NULL);
    r->path = strdup(path);
    r->f = open_regular(path, err, err_cap);
    if (r->f == NULL) {
        trace_reader_close(r);
        return NULL;
    }
    if (!read_first_line(r)) {
        snprintf(err, err_cap, "%s", r->err);
        trace_reader_close(r);
        return NULL;
    }
    return r;
}

void trace_reader_close(trace_reader *r)
{
    if (r == NULL) return;
    if (r->f) fclose(r->f);
    json_decref(r->header_json);
    json_decref(r->summary_json);
    json_decref(r->event_json);
    free_allocs(r->header_allocs);
    free_allocs(r->summary_allocs);
    free_allocs(r->event_allocs);
    free(r->line);
    free(r->path);
    free(r);
}

trace_file_kind trace_reader_file_kind(const trace_reader *r) { return r->kind; }

const trace_header *trace_reader_header(const trace_reader *r)
{
    assert(r->kind == TRACE_FILE_TRACE);
    return &r->header;
}

bool trace_reader_is_real(const trace_reader *r)
{
    return r->kind == TRACE_FILE_TRACE && strcmp(r->header.source, TRACE_SOURCE_REAL) == 0;
}

const trace_exploration *trace_reader_exploration(const trace_reader *r)
{
    assert(r->kind == TRACE_FILE_EXPLORATION);
    return &r->exploration;
}

/* ---------------------------------------------------------- later lines */

static trace_item read_summary(trace_reader *r, json_t *o)
{
    r->summary_json = o;
    static const trace_field_def type_key[] = {{"type", TRACE_STR, 0, false, NULL},
                                               {NULL, TRACE_U64, 0, false, NULL}};
    if (!read_fields(r, o, "summary", trace_summary_fields_for(r->header.source), type_key,
                     &r->summary, r->summary_allocs))
        return TRACE_ITEM_ERROR;
    r->summary_seen = true;
    return TRACE_ITEM_SUMMARY;
}

static trace_item read_event(trace_reader *r, json_t *o, trace_event *e)
{
    memset(e, 0, sizeof *e);
    const char *ev = json_string_value(json_object_get(o, "ev"));
    trace_kind kind;
    if (ev == NULL) return fail(r, "key \"ev\": missing (a string)"), TRACE_ITEM_ERROR;
    if (!trace_kind_by_name(ev, &kind))
        return fail(r, "unknown event kind \"%s\"", ev), TRACE_ITEM_ERROR;
    char what[64];
    snprintf(what, sizeof what, "ev %s", ev);
    for (const trace_field_def *f = trace_event_common_fields; f->key != NULL; f++) {
        if (strcmp(f->key, "ev") == 0) continue; /* the kind, read above */
        if (!read_field(r, o, what, f, e, r->event_allocs)) return TRACE_ITEM_ERROR;
    }
    if (!read_fields(r, o, what, trace_kinds[kind].fields, trace_event_common_fields, e,
                     r->event_allocs))
        return TRACE_ITEM_ERROR;
    e->kind = kind;
    return TRACE_ITEM_EVENT;
}

trace_item trace_reader_next(trace_reader *r, trace_event *e)
{
    assert(r->kind == TRACE_FILE_TRACE);
    json_decref(r->event_json);
    r->event_json = NULL;
    free_allocs(r->event_allocs);
    bool error;
    if (!read_line(r, &error)) return error ? TRACE_ITEM_ERROR : TRACE_ITEM_END;
    if (r->summary_seen) return fail(r, "a line after the summary"), TRACE_ITEM_ERROR;
    json_t *o = parse_object(r);
    if (o == NULL) return TRACE_ITEM_ERROR;
    const char *type = json_string_value(json_object_get(o, "type"));
    if (type != NULL && strcmp(type, "summary") == 0) return read_summary(r, o);
    r->event_json = o;
    if (type != NULL) return fail(r, "a \"%s\" line inside the trace", type), TRACE_ITEM_ERROR;
    return read_event(r, o, e);
}

const trace_summary *trace_reader_summary(const trace_reader *r)
{
    return r->summary_seen ? &r->summary : NULL;
}

const char *trace_reader_line(const trace_reader *r) { return r->line ? r->line : ""; }
size_t trace_reader_line_number(const trace_reader *r) { return r->line_number; }
const char *trace_reader_error(const trace_reader *r) { return r->err; }
