/*
 * scenario.c — loads a scenario: jansson parses, json_pos locates,
 * table-driven validation fills the structs of scenario.h.
 *
 * Loading runs in three steps.  jansson parses the text (rejecting
 * duplicate keys); a syntax error is reported at the byte jansson stopped
 * on.  json_pos then records where every value starts, so that any later
 * error can name FILE:LINE:COLUMN as well as the key path.  Finally the
 * JSON tree is walked: each object is described by a table of fields
 * (key, kind, offset into the target struct, range, or a custom parser),
 * its members are checked in document order, so the first unknown key or
 * bad value in the file is the one reported; then references between
 * sections (writer names in pins, decisions and expectations, status
 * counts) are checked once everything is known.
 *
 * The validator keeps the current key path as a stack of segments (a key
 * or an index) and turns it into a JSON Pointer only to report an error.
 * It stops at the first error.  Every allocation is attached to the
 * scenario as soon as it is made (counts updated before an element is
 * filled), so one scenario_free releases a half-built scenario.
 *
 * Not thread-safe per call; distinct loads may run in parallel.
 */
#include "scenario.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_pos.h"

enum {
    CTX_MAX_DEPTH = 16,  /* the schema's deepest path has 7 segments */
    SHOW_MAX = 40,       /* bytes of a user's string quoted in a message */
    SUGGEST_MAX = 64,    /* longer words get no "did you mean" */
    READ_CHUNK = 64 << 10,
};

_Static_assert((long)SCENARIO_MAX_TEXT == (long)JSON_POS_MAX_TEXT, "json_pos can locate any loadable text");
_Static_assert(SCENARIO_MAX_OPS <= INT64_MAX && SCENARIO_MAX_OP_BYTES <= INT64_MAX,
               "limits are valid JSON integer bounds");
_Static_assert(WT_STATE_BITS <= 8, "state name table size");

typedef struct segment {
    const char *key; /* NULL: an array index */
    size_t index;
} segment;

typedef struct load_ctx {
    const char *file;
    const char *text;
    size_t len;
    json_pos *pos;
    json_t *root;
    scenario_error *err;
    segment seg[CTX_MAX_DEPTH];
    size_t depth;
    uint64_t batch_total, op_total, op_bytes; /* against the SCENARIO_MAX_ bounds */
} load_ctx;

/* Which position an error points at. */
typedef enum where {
    AT_VALUE,  /* the value at the current path */
    AT_KEY,    /* the key of the current member (unknown keys) */
    AT_PARENT, /* the enclosing value (a missing key: the path names it) */
} where;

/* ------------------------------------------------------------ key paths */

static void push_key(load_ctx *c, const char *key)
{
    assert(c->depth < CTX_MAX_DEPTH);
    c->seg[c->depth++] = (segment){.key = key};
}

static void push_index(load_ctx *c, size_t index)
{
    assert(c->depth < CTX_MAX_DEPTH);
    c->seg[c->depth++] = (segment){.key = NULL, .index = index};
}

static void pop(load_ctx *c)
{
    assert(c->depth > 0);
    c->depth--;
}

static void append_segments(const load_ctx *c, size_t depth, char *buf, size_t cap,
                            size_t *len)
{
    for (size_t d = 0; d < depth; d++) {
        const segment *g = &c->seg[d];
        if (g->key != NULL) {
            json_pos_append_key(buf, cap, len, g->key, strlen(g->key));
        } else {
            char num[24];
            int n = snprintf(num, sizeof num, "%zu", g->index);
            json_pos_append_key(buf, cap, len, num, (size_t)n);
        }
    }
}

/* The JSON Pointer of the first `depth` segments (malloc'd; NULL if OOM). */
static char *path_of(const load_ctx *c, size_t depth)
{
    size_t len = 0;
    append_segments(c, depth, NULL, 0, &len);
    char *buf = malloc(len + 1);
    if (buf == NULL) return NULL;
    size_t len2 = 0;
    buf[0] = '\0';
    append_segments(c, depth, buf, len + 1, &len2);
    assert(len2 == len);
    return buf;
}

/* Position of the value (or key) at the first `depth` segments; falls back
 * to the nearest ancestor json_pos knows (it knows all, barring OOM). */
static void locate(const load_ctx *c, size_t depth, bool key, uint32_t *line, uint32_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t d = depth + 1; d-- > 0;) {
        char *path = path_of(c, d);
        json_pos_loc loc;
        bool found = path != NULL && c->pos != NULL && json_pos_lookup(c->pos, path, &loc);
        free(path);
        if (!found) continue;
        bool use_key = key && d == depth && loc.is_member;
        *line = use_key ? loc.key_line : loc.line;
        *col = use_key ? loc.key_column : loc.column;
        return;
    }
}

/* Fills the error "FILE:LINE:COL: PATH: message" and returns false. */
__attribute__((format(printf, 3, 4)))
static bool fail(load_ctx *c, where w, const char *fmt, ...)
{
    assert(w != AT_PARENT || c->depth > 0);
    uint32_t line, col;
    if (w == AT_PARENT) locate(c, c->depth - 1, false, &line, &col);
    else locate(c, c->depth, w == AT_KEY, &line, &col);
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *path = path_of(c, c->depth);
    const char *shown = path == NULL ? "?" : path[0] != '\0' ? path : "(root)";
    snprintf(c->err->text, sizeof c->err->text, "%s:%u:%u: %s: %s", c->file, (unsigned)line,
             (unsigned)col, shown, msg);
    free(path);
    return false;
}

static bool fail_oom(load_ctx *c)
{
    return fail(c, AT_VALUE, "out of memory");
}

/* ------------------------------------------------------ message helpers */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a floating-point number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "an unknown value";
}

/* A user's string made safe to quote: at most SHOW_MAX bytes (cut at a
 * UTF-8 boundary, "..." appended), control bytes, quotes and backslashes
 * shown as '?'. */
static const char *show(const char *s, char out[SHOW_MAX + 4])
{
    size_t n = strlen(s), k = n > SHOW_MAX ? SHOW_MAX : n;
    while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80) k--;
    for (size_t i = 0; i < k; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[i] = ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\' ? '?' : (char)ch;
    }
    strcpy(out + k, k < n ? "..." : "");
    return out;
}

static void lower_copy(const char *s, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    out[n] = '\0';
}

/* Optimal-string-alignment distance (an adjacent swap costs 1). */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    assert(na <= SUGGEST_MAX && nb <= SUGGEST_MAX);
    size_t rows[3][SUGGEST_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= nb; j++) prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

/* The allowed name closest to `given` (case-insensitive), or NULL: a name
 * containing it (3+ bytes), else one within a small edit distance (1 for
 * words under 6 bytes, a third of the length beyond; always fewer edits
 * than either word is long, so "zz" does not suggest "a"). */
static const char *suggest(const char *given, const char *const *names, size_t n)
{
    size_t gn = strlen(given);
    if (gn == 0 || gn > SUGGEST_MAX) return NULL;
    char g[SUGGEST_MAX + 1], low[SUGGEST_MAX + 1];
    lower_copy(given, g, gn);
    size_t limit = gn < 6 ? 1 : gn / 3;
    const char *best = NULL;
    size_t best_score = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t nn = strlen(names[i]);
        if (nn > SUGGEST_MAX) continue;
        lower_copy(names[i], low, nn);
        size_t score;
        if (gn >= 3 && strstr(low, g) != NULL) score = nn - gn;         /* 0.. */
        else if ((score = edit_distance(g, gn, low, nn)) <= limit && score < gn && score < nn)
            score += SUGGEST_MAX;
        else continue;
        if (score < best_score) {
            best_score = score;
            best = names[i];
        }
    }
    return best;
}

/* "a, b, c" into buf (truncated). */
static const char *join_names(const char *const *names, size_t n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < cap; i++) {
        int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", names[i]);
        if (w < 0) break;
        len += (size_t)w;
    }
    return buf;
}

/* An "unknown THING" error with a suggestion or the allowed list. */
static bool fail_unknown(load_ctx *c, where w, const char *what, const char *given,
                         const char *const *names, size_t n)
{
    char shown[SHOW_MAX + 4], list[512];
    const char *hint = suggest(given, names, n);
    if (hint != NULL)
        return fail(c, w, "unknown %s \"%s\" (did you mean \"%s\"?)", what, show(given, shown),
                    hint);
    return fail(c, w, "unknown %s \"%s\" (expected one of: %s)", what, show(given, shown),
                join_names(names, n, list, sizeof list));
}

/* ------------------------------------------------------- scalar values */

static bool get_bool(load_ctx *c, const json_t *v, bool *out)
{
    if (!json_is_boolean(v)) return fail(c, AT_VALUE, "expected a boolean, got %s", type_name(v));
    *out = json_is_true(v);
    return true;
}

static bool get_int(load_ctx *c, const json_t *v, int64_t min, int64_t max, int64_t *out)
{
    assert(min <= max);
    if (!json_is_integer(v))
        return fail(c, AT_VALUE, "expected an integer, got %s", type_name(v));
    long long x = json_integer_value(v);
    if (x < 0 && min >= 0)
        return fail(c, AT_VALUE, "expected a non-negative integer, got %lld", x);
    if (x < min && max == INT64_MAX)
        return fail(c, AT_VALUE, "must be at least %lld, got %lld", (long long)min, x);
    if (x < min || x > max)
        return fail(c, AT_VALUE, "must be between %lld and %lld, got %lld", (long long)min,
                    (long long)max, x);
    *out = x;
    return true;
}

static bool get_string(load_ctx *c, const json_t *v, bool nonempty, char **out)
{
    if (!json_is_string(v)) return fail(c, AT_VALUE, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    if (nonempty && s[0] == '\0') return fail(c, AT_VALUE, "must not be empty");
    *out = strdup(s);
    return *out != NULL || fail_oom(c);
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= SCENARIO_MAX_NAME) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

/* A writer or fiber name: [A-Za-z0-9_-]{1,63}. */
static bool get_name(load_ctx *c, const json_t *v, char out[SCENARIO_MAX_NAME])
{
    if (!json_is_string(v)) return fail(c, AT_VALUE, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    char shown[SHOW_MAX + 4];
    if (!valid_name(s))
        return fail(c, AT_VALUE, "invalid name \"%s\": use 1 to %d of A-Z a-z 0-9 _ -",
                    show(s, shown), SCENARIO_MAX_NAME - 1);
    strcpy(out, s);
    return true;
}

/* A 64-bit seed: a JSON integer, or a decimal string for values beyond
 * what JSON numbers carry portably (2^53). */
static bool get_seed(load_ctx *c, const json_t *v, uint64_t *out)
{
    if (json_is_integer(v)) {
        int64_t x;
        if (!get_int(c, v, 0, INT64_MAX, &x)) return false;
        *out = (uint64_t)x;
        return true;
    }
    if (!json_is_string(v))
        return fail(c, AT_VALUE, "expected a non-negative integer or a decimal string, got %s",
                    type_name(v));
    const char *s = json_string_value(v);
    char shown[SHOW_MAX + 4];
    uint64_t x = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9')
            return fail(c, AT_VALUE, "expected a decimal string of digits, got \"%s\"",
                        show(s, shown));
        uint64_t d = (uint64_t)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return fail(c, AT_VALUE, "\"%s\" does not fit in 64 bits", show(s, shown));
        x = x * 10 + d;
    }
    if (s[0] == '\0') return fail(c, AT_VALUE, "expected a decimal string of digits, got \"\"");
    *out = x;
    return true;
}

/* One of names; *index receives its position. */
static bool get_enum(load_ctx *c, const json_t *v, const char *const *names, size_t n,
                     const char *what, size_t *index)
{
    if (!json_is_string(v)) return fail(c, AT_VALUE, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *index = i;
            return true;
        }
    }
    return fail_unknown(c, AT_VALUE, what, s, names, n);
}

static bool get_status(load_ctx *c, const json_t *v, wt_status *out)
{
    const char *names[WT_STATUS_COUNT];
    for (size_t i = 0; i < WT_STATUS_COUNT; i++) names[i] = wt_status_name((wt_status)i);
    size_t k;
    if (!get_enum(c, v, names, WT_STATUS_COUNT, "status", &k)) return false;
    bool ok = wt_status_parse(names[k], out);
    assert(ok && *out == (wt_status)k);
    return ok;
}

/* A writer state name (RocksDB's, e.g. "GROUP_LEADER") -> its bit. */
static bool get_state(load_ctx *c, const json_t *v, uint32_t *bit)
{
    const char *names[WT_STATE_BITS];
    for (unsigned i = 0; i < WT_STATE_BITS; i++) names[i] = wt_state_name(1u << i);
    size_t k;
    if (!get_enum(c, v, names, WT_STATE_BITS, "state", &k)) return false;
    *bit = 1u << k;
    return true;
}

/* --------------------------------------------------------- field tables */

typedef enum field_kind {
    FIELD_BOOL,   /* bool */
    FIELD_U64,    /* uint64_t in [min, max] */
    FIELD_I64,    /* int64_t in [min, max] */
    FIELD_INT,    /* int in [min, max] */
    FIELD_UINT,   /* unsigned in [min, max] */
    FIELD_STRING, /* char *, strdup'd; min = 1: must not be empty */
    FIELD_NAME,   /* char[SCENARIO_MAX_NAME], a valid name */
    FIELD_SEED,   /* uint64_t from an integer or a decimal string */
    FIELD_CUSTOM, /* fn(ctx, value, target) */
} field_kind;

typedef bool (*field_fn)(load_ctx *c, json_t *v, void *target);

/* One allowed key of an object and how to store its value into the
 * target struct passed to parse_fields. */
typedef struct field {
    const char *key;
    field_kind kind;
    size_t offset;
    int64_t min, max;
    field_fn fn;
    bool required;
} field;

#define F_BOOL(T, k, m) {.key = k, .kind = FIELD_BOOL, .offset = offsetof(T, m)}
#define F_NUM(kd, T, k, m, lo, hi) \
    {.key = k, .kind = kd, .offset = offsetof(T, m), .min = lo, .max = hi}
#define F_U64(T, k, m, lo) F_NUM(FIELD_U64, T, k, m, lo, INT64_MAX)
#define F_STR(T, k, m, nonempty) \
    {.key = k, .kind = FIELD_STRING, .offset = offsetof(T, m), .min = nonempty}
#define F_CUSTOM(k, f) {.key = k, .kind = FIELD_CUSTOM, .fn = f}
#define F_COUNT(table) (sizeof(table) / sizeof((table)[0]))

static bool parse_field(load_ctx *c, const field *f, json_t *v, void *target)
{
    char *at = (char *)target + f->offset;
    int64_t x = 0;
    bool numeric = f->kind == FIELD_U64 || f->kind == FIELD_I64 || f->kind == FIELD_INT ||
                   f->kind == FIELD_UINT;
    if (numeric && !get_int(c, v, f->min, f->max, &x)) return false;
    switch (f->kind) {
    case FIELD_BOOL: return get_bool(c, v, (bool *)at);
    case FIELD_U64: *(uint64_t *)at = (uint64_t)x; return true;
    case FIELD_I64: *(int64_t *)at = x; return true;
    case FIELD_INT:
        assert(f->max <= INT_MAX);
        *(int *)at = (int)x;
        return true;
    case FIELD_UINT:
        assert(f->max <= UINT_MAX);
        *(unsigned *)at = (unsigned)x;
        return true;
    case FIELD_STRING: {
        char *s;
        if (!get_string(c, v, f->min > 0, &s)) return false;
        free(*(char **)at);
        *(char **)at = s;
        return true;
    }
    case FIELD_NAME: return get_name(c, v, at);
    case FIELD_SEED: return get_seed(c, v, (uint64_t *)at);
    case FIELD_CUSTOM: return f->fn(c, v, target);
    }
    assert(!"unknown field kind");
    return false;
}

static bool fail_unknown_key(load_ctx *c, const char *key, const field *fields, size_t n)
{
    const char *names[32];
    assert(n <= 32);
    for (size_t i = 0; i < n; i++) names[i] = fields[i].key;
    char list[512];
    const char *hint = suggest(key, names, n);
    if (hint != NULL) return fail(c, AT_KEY, "unknown key (did you mean \"%s\"?)", hint);
    return fail(c, AT_KEY, "unknown key (expected one of: %s)",
                join_names(names, n, list, sizeof list));
}

/* Checks obj is an object whose keys are all in fields, stores each
 * member (in document order) into target, then checks required keys. */
static bool parse_fields(load_ctx *c, json_t *obj, const field *fields, size_t n, void *target)
{
    if (!json_is_object(obj))
        return fail(c, AT_VALUE, "expected an object, got %s", type_name(obj));
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const field *f = NULL;
        for (size_t i = 0; i < n && f == NULL; i++) {
            if (strcmp(fields[i].key, key) == 0) f = &fields[i];
        }
        push_key(c, key);
        bool ok = f != NULL ? parse_field(c, f, v, target) : fail_unknown_key(c, key, fields, n);
        pop(c);
        if (!ok) return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!fields[i].required || json_object_get(obj, fields[i].key) != NULL) continue;
        push_key(c, fields[i].key);
        return fail(c, AT_PARENT, "required key is missing");
    }
    return true;
}

/* Checks v is an array (non-empty if asked) and returns its size. */
static bool get_array(load_ctx *c, const json_t *v, bool nonempty, size_t *n)
{
    if (!json_is_array(v)) return fail(c, AT_VALUE, "expected an array, got %s", type_name(v));
    *n = json_array_size(v);
    if (nonempty && *n == 0) return fail(c, AT_VALUE, "must not be empty");
    return true;
}

/* calloc for n elements that tolerates n == 0 (returns NULL then). */
static bool alloc_array(load_ctx *c, size_t n, size_t size, void **out)
{
    *out = NULL;
    if (n == 0) return true;
    *out = calloc(n, size);
    return *out != NULL || fail_oom(c);
}

/* -------------------------------------------------------------- options */

static bool parse_recovery_mode(load_ctx *c, json_t *v, void *target)
{
    wt_options *o = target;
    const char *names[4];
    for (int i = 0; i < 4; i++) names[i] = wt_wal_recovery_mode_name((wt_wal_recovery_mode)i);
    size_t k;
    if (!get_enum(c, v, names, 4, "recovery mode", &k)) return false;
    bool ok = wt_wal_recovery_mode_parse(names[k], &o->wal_recovery_mode);
    assert(ok);
    return ok;
}

static const field option_fields[] = {
    F_BOOL(wt_options, "allow_concurrent_memtable_write", allow_concurrent_memtable_write),
    F_BOOL(wt_options, "enable_pipelined_write", enable_pipelined_write),
    F_BOOL(wt_options, "unordered_write", unordered_write),
    F_BOOL(wt_options, "two_write_queues", two_write_queues),
    F_U64(wt_options, "max_write_batch_group_size_bytes", max_write_batch_group_size_bytes, 1),
    F_BOOL(wt_options, "enable_write_thread_adaptive_yield", enable_write_thread_adaptive_yield),
    F_U64(wt_options, "write_thread_max_yield_usec", write_thread_max_yield_usec, 0),
    F_U64(wt_options, "write_thread_slow_yield_usec", write_thread_slow_yield_usec, 0),
    F_U64(wt_options, "write_buffer_size", write_buffer_size, 1),
    F_NUM(FIELD_INT, wt_options, "max_write_buffer_number", max_write_buffer_number, 1, INT_MAX),
    F_CUSTOM("wal_recovery_mode", parse_recovery_mode),
    F_BOOL(wt_options, "paranoid_checks", paranoid_checks),
    F_BOOL(wt_options, "sync_group_fill", sync_group_fill),
};

static bool parse_options(load_ctx *c, json_t *v, void *target)
{
    scenario *s = target;
    return parse_fields(c, v, option_fields, F_COUNT(option_fields), &s->options);
}

/* --------------------------------------------------------------- device */

static bool parse_fault_op(load_ctx *c, json_t *v, void *target)
{
    static const char *const names[] = {"append", "sync", "read", "memtable_insert"};
    static const scenario_fault_op ops[] = {SCENARIO_FAULT_APPEND, SCENARIO_FAULT_SYNC,
                                            SCENARIO_FAULT_READ, SCENARIO_FAULT_MEMTABLE_INSERT};
    size_t k;
    if (!get_enum(c, v, names, 4, "fault op", &k)) return false;
    ((scenario_fault *)target)->op = ops[k];
    return true;
}

static bool parse_fault_error(load_ctx *c, json_t *v, void *target)
{
    static const char *const names[] = {"io_error", "no_space"};
    static const wt_status codes[] = {WT_IO_ERROR, WT_NO_SPACE};
    size_t k;
    if (!get_enum(c, v, names, 2, "fault error", &k)) return false;
    ((scenario_fault *)target)->error = codes[k];
    return true;
}

static const field fault_fields[] = {
    {.key = "op", .kind = FIELD_CUSTOM, .fn = parse_fault_op, .required = true},
    F_U64(scenario_fault, "nth", nth, 1),
    F_CUSTOM("error", parse_fault_error),
    F_STR(scenario_fault, "path_suffix", path_suffix, 1),
    F_BOOL(scenario_fault, "sticky", sticky),
};

static bool parse_faults(load_ctx *c, json_t *v, void *target)
{
    scenario_device *d = target;
    size_t n;
    if (!get_array(c, v, false, &n) || !alloc_array(c, n, sizeof *d->faults, (void **)&d->faults))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_fault *f = &d->faults[i];
        d->fault_count = i + 1;
        f->nth = 1;
        f->error = WT_IO_ERROR;
        push_index(c, i);
        bool ok = parse_fields(c, json_array_get(v, i), fault_fields, F_COUNT(fault_fields), f);
        pop(c);
        if (!ok) return false;
    }
    return true;
}

static const field device_fields[] = {
    F_U64(scenario_device, "append_ns", append_ns, 0),
    F_U64(scenario_device, "append_ns_per_kib", append_ns_per_kib, 0),
    F_U64(scenario_device, "sync_ns", sync_ns, 0),
    F_U64(scenario_device, "read_ns", read_ns, 0),
    F_U64(scenario_device, "capacity_bytes", capacity_bytes, 0),
    F_CUSTOM("faults", parse_faults),
};

static bool parse_device(load_ctx *c, json_t *v, void *target)
{
    scenario *s = target;
    return parse_fields(c, v, device_fields, F_COUNT(device_fields), &s->device);
}

/* -------------------------------------------------------------- batches */

/* A batch as written: the scenario_batch flags plus how its ops are given. */
typedef struct batch_spec {
    scenario_batch b;
    json_t *ops;          /* "ops", or NULL */
    uint64_t puts;        /* "puts" generator count */
    uint64_t value_bytes; /* generated value size */
} batch_spec;

static bool parse_callback(load_ctx *c, json_t *v, void *target)
{
    static const field callback_fields[] = {
        F_BOOL(scenario_batch, "allow_batching", callback_allow_batching),
        F_BOOL(scenario_batch, "fail", callback_fail),
    };
    batch_spec *spec = target;
    spec->b.has_callback = true;
    return parse_fields(c, v, callback_fields, F_COUNT(callback_fields), &spec->b);
}

static bool keep_ops(load_ctx *c, json_t *v, void *target)
{
    size_t n;
    if (!get_array(c, v, false, &n)) return false;
    ((batch_spec *)target)->ops = v;
    return true;
}

static const field batch_fields[] = {
    F_CUSTOM("ops", keep_ops),
    F_NUM(FIELD_U64, batch_spec, "puts", puts, 1, SCENARIO_MAX_OPS),
    F_NUM(FIELD_U64, batch_spec, "value_bytes", value_bytes, 0, SCENARIO_MAX_OP_BYTES),
    F_BOOL(batch_spec, "sync", b.sync),
    F_BOOL(batch_spec, "disable_wal", b.disable_wal),
    F_BOOL(batch_spec, "no_slowdown", b.no_slowdown),
    F_BOOL(batch_spec, "disable_memtable", b.disable_memtable),
    F_CUSTOM("callback", parse_callback),
    F_U64(batch_spec, "think_ns", b.think_ns, 0),
};

/* Accounts for n more operations / bytes against the scenario bounds. */
static bool count_ops(load_ctx *c, uint64_t n)
{
    if (n > (uint64_t)SCENARIO_MAX_OPS - c->op_total)
        return fail(c, AT_VALUE, "the scenario expands to more than %d operations in all",
                    SCENARIO_MAX_OPS);
    c->op_total += n;
    return true;
}

static bool count_bytes(load_ctx *c, uint64_t n)
{
    if (n > (uint64_t)SCENARIO_MAX_OP_BYTES - c->op_bytes)
        return fail(c, AT_VALUE, "the scenario expands to more than %d bytes of keys and values",
                    SCENARIO_MAX_OP_BYTES);
    c->op_bytes += n;
    return true;
}

static bool op_string(load_ctx *c, json_t *op, size_t i, char **out)
{
    push_index(c, i);
    bool ok = get_string(c, json_array_get(op, i), false, out) && count_bytes(c, strlen(*out));
    pop(c);
    return ok;
}

/* ["put", KEY, VALUE], ["delete", KEY], ["single_delete", KEY], ["log_data", BLOB] */
static bool parse_op(load_ctx *c, json_t *v, scenario_op *op)
{
    static const char *const names[] = {"put", "delete", "single_delete", "log_data"};
    static const scenario_op_kind kinds[] = {SCENARIO_OP_PUT, SCENARIO_OP_DELETE,
                                             SCENARIO_OP_SINGLE_DELETE, SCENARIO_OP_LOG_DATA};
    static const char *const args[] = {"a key and a value", "a key", "a key", "a blob"};
    size_t n, k;
    if (!json_is_array(v))
        return fail(c, AT_VALUE, "expected an operation array such as [\"put\", KEY, VALUE], got %s",
                    type_name(v));
    if (!get_array(c, v, true, &n)) return false;
    push_index(c, 0);
    bool ok = get_enum(c, json_array_get(v, 0), names, 4, "operation", &k);
    pop(c);
    if (!ok) return false;
    size_t want = kinds[k] == SCENARIO_OP_PUT ? 3 : 2;
    if (n != want)
        return fail(c, AT_VALUE, "\"%s\" takes %s: expected %zu elements, got %zu", names[k],
                    args[k], want, n);
    op->kind = kinds[k];
    if (!op_string(c, v, 1, &op->key)) return false;
    return want < 3 || op_string(c, v, 2, &op->value);
}

static bool parse_ops(load_ctx *c, json_t *ops, scenario_batch *out)
{
    size_t n = json_array_size(ops);
    if (!count_ops(c, n) || !alloc_array(c, n, sizeof *out->ops, (void **)&out->ops))
        return false;
    for (size_t i = 0; i < n; i++) {
        out->op_count = i + 1;
        push_index(c, i);
        bool ok = parse_op(c, json_array_get(ops, i), &out->ops[i]);
        pop(c);
        if (!ok) return false;
    }
    return true;
}

/* "puts": N puts "<writer>-<index>-<j>" = "v<index>-<j>" padded with '.'
 * (or cut) to value_bytes. */
static bool generate_puts(load_ctx *c, const char *writer, uint64_t index,
                          const batch_spec *spec, scenario_batch *out)
{
    uint64_t n = spec->puts, vb = spec->value_bytes;
    if (!count_ops(c, n) || !alloc_array(c, n, sizeof *out->ops, (void **)&out->ops))
        return false;
    for (uint64_t j = 0; j < n; j++) {
        scenario_op *op = &out->ops[j];
        out->op_count = j + 1;
        char key[SCENARIO_MAX_NAME + 48], pattern[48];
        int kn = snprintf(key, sizeof key, "%s-%llu-%llu", writer, (unsigned long long)index,
                          (unsigned long long)j);
        int pn = snprintf(pattern, sizeof pattern, "v%llu-%llu", (unsigned long long)index,
                          (unsigned long long)j);
        assert(kn > 0 && (size_t)kn < sizeof key && pn > 0 && (size_t)pn < sizeof pattern);
        if (!count_bytes(c, (uint64_t)kn + vb)) return false;
        op->kind = SCENARIO_OP_PUT;
        op->key = strdup(key);
        op->value = malloc(vb + 1);
        if (op->key == NULL || op->value == NULL) return fail_oom(c);
        size_t copy = (uint64_t)pn < vb ? (size_t)pn : (size_t)vb;
        memcpy(op->value, pattern, copy);
        memset(op->value + copy, '.', vb - copy);
        op->value[vb] = '\0';
    }
    return true;
}

/* Expanded batch number `index` of writer from the batch object v. */
static bool parse_batch(load_ctx *c, json_t *v, const char *writer, uint64_t index,
                        scenario_batch *out)
{
    batch_spec spec = {.b.callback_allow_batching = true, .value_bytes = 8};
    if (!parse_fields(c, v, batch_fields, F_COUNT(batch_fields), &spec)) return false;
    bool has_puts = json_object_get(v, "puts") != NULL;
    if (spec.ops != NULL && has_puts) {
        push_key(c, "puts");
        return fail(c, AT_KEY, "cannot be combined with \"ops\" (give one of them)");
    }
    if (spec.ops == NULL && !has_puts) {
        push_key(c, "ops");
        return fail(c, AT_PARENT, "required key is missing (or give \"puts\")");
    }
    if (!has_puts && json_object_get(v, "value_bytes") != NULL) {
        push_key(c, "value_bytes");
        return fail(c, AT_KEY, "only allowed with \"puts\"");
    }
    *out = spec.b;
    out->ops = NULL;
    out->op_count = 0;
    push_key(c, spec.ops != NULL ? "ops" : "puts");
    bool ok = spec.ops != NULL ? parse_ops(c, spec.ops, out)
                               : generate_puts(c, writer, index, &spec, out);
    pop(c);
    return ok;
}

/* -------------------------------------------------------------- writers */

typedef struct writer_spec {
    char name[SCENARIO_MAX_NAME];
    uint64_t start_ns;
    uint64_t repeat;
    json_t *batches;
} writer_spec;

static bool keep_batches(load_ctx *c, json_t *v, void *target)
{
    size_t n;
    if (!get_array(c, v, true, &n)) return false;
    ((writer_spec *)target)->batches = v;
    return true;
}

static const field writer_fields[] = {
    {.key = "name", .kind = FIELD_NAME, .offset = offsetof(writer_spec, name), .required = true},
    F_U64(writer_spec, "start_ns", start_ns, 0),
    F_NUM(FIELD_U64, writer_spec, "repeat", repeat, 1, SCENARIO_MAX_BATCHES),
    {.key = "batches", .kind = FIELD_CUSTOM, .fn = keep_batches, .required = true},
};

/* The writer's name is not reserved and not used by an earlier writer. */
static bool check_writer_name(load_ctx *c, const scenario *s, size_t w)
{
    const char *name = s->writers[w].name;
    push_key(c, "name");
    if (strcmp(name, "main") == 0 || strcmp(name, "flush") == 0)
        return fail(c, AT_VALUE, "\"%s\" is reserved for the sim's own fibers", name);
    for (size_t i = 0; i < w; i++) {
        if (strcmp(s->writers[i].name, name) == 0)
            return fail(c, AT_VALUE, "duplicate writer name \"%s\" (also /writers/%zu/name)",
                        name, i);
    }
    pop(c);
    return true;
}

/* Expands the batch list `repeat` times into w->batches. */
static bool expand_batches(load_ctx *c, const writer_spec *spec, scenario_writer *w)
{
    size_t n = json_array_size(spec->batches);
    uint64_t total = (uint64_t)n * spec->repeat;
    if (total > (uint64_t)SCENARIO_MAX_BATCHES - c->batch_total) {
        push_key(c, spec->repeat > 1 ? "repeat" : "batches");
        return fail(c, AT_VALUE, "the scenario expands to more than %d batches in all",
                    SCENARIO_MAX_BATCHES);
    }
    c->batch_total += total;
    if (!alloc_array(c, (size_t)total, sizeof *w->batches, (void **)&w->batches)) return false;
    for (uint64_t i = 0; i < total; i++) {
        w->batch_count = (size_t)i + 1;
        push_key(c, "batches");
        push_index(c, (size_t)(i % n));
        bool ok = parse_batch(c, json_array_get(spec->batches, (size_t)(i % n)), w->name, i,
                              &w->batches[i]);
        pop(c);
        pop(c);
        if (!ok) return false;
    }
    return true;
}

static bool parse_writers(load_ctx *c, json_t *v, void *target)
{
    scenario *s = target;
    size_t n;
    if (!get_array(c, v, true, &n)) return false;
    if (n > SCENARIO_MAX_WRITERS) {
        push_index(c, SCENARIO_MAX_WRITERS);
        return fail(c, AT_VALUE, "too many writers (at most %d)", SCENARIO_MAX_WRITERS);
    }
    if (!alloc_array(c, n, sizeof *s->writers, (void **)&s->writers)) return false;
    for (size_t i = 0; i < n; i++) {
        json_t *obj = json_array_get(v, i);
        writer_spec spec = {.repeat = 1};
        scenario_writer *w = &s->writers[i];
        s->writer_count = i + 1;
        push_index(c, i);
        if (!parse_fields(c, obj, writer_fields, F_COUNT(writer_fields), &spec)) return false;
        memcpy(w->name, spec.name, sizeof w->name);
        w->start_ns = spec.start_ns;
        if (!check_writer_name(c, s, i) || !expand_batches(c, &spec, w)) return false;
        pop(c);
    }
    return true;
}

/* ------------------------------------------------------------- schedule */

static const char *const policy_names[] = {
    [SCENARIO_POLICY_RANDOM] = "random",
    [SCENARIO_POLICY_PCT] = "pct",
    [SCENARIO_POLICY_FIFO] = "fifo",
    [SCENARIO_POLICY_EXPLICIT] = "explicit",
};

const char *scenario_policy_name(scenario_policy p)
{
    return (unsigned)p < F_COUNT(policy_names) ? policy_names[p] : "unknown";
}

static bool parse_policy(load_ctx *c, json_t *v, void *target)
{
    size_t k;
    if (!get_enum(c, v, policy_names, F_COUNT(policy_names), "policy", &k)) return false;
    ((scenario_schedule *)target)->policy = (scenario_policy)k;
    return true;
}

static const field decision_fields[] = {
    {.key = "fiber", .kind = FIELD_NAME, .offset = offsetof(scenario_decision, fiber),
     .required = true},
    F_U64(scenario_decision, "steps", steps, 1),
};

static bool parse_decisions(load_ctx *c, json_t *v, void *target)
{
    scenario_schedule *sch = target;
    size_t n;
    if (!get_array(c, v, false, &n) ||
        !alloc_array(c, n, sizeof *sch->decisions, (void **)&sch->decisions))
        return false;
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(v, i);
        scenario_decision *out = &sch->decisions[i];
        sch->decision_count = i + 1;
        out->steps = 1;
        push_index(c, i);
        bool ok;
        if (json_is_string(d)) ok = get_name(c, d, out->fiber);
        else if (json_is_object(d))
            ok = parse_fields(c, d, decision_fields, F_COUNT(decision_fields), out);
        else ok = fail(c, AT_VALUE, "expected a fiber name or {\"fiber\": NAME, \"steps\": N}, got %s",
                       type_name(d));
        pop(c);
        if (!ok) return false;
    }
    return true;
}

static bool parse_until_state(load_ctx *c, json_t *v, void *target)
{
    return get_state(c, v, &((scenario_pin *)target)->until_state);
}

static bool parse_until_finished(load_ctx *c, json_t *v, void *target)
{
    bool b = false;
    (void)target;
    if (!get_bool(c, v, &b)) return false;
    return b || fail(c, AT_VALUE, "must be true (\"finished\": false is no condition)");
}

static const field until_fields[] = {
    {.key = "writer", .kind = FIELD_NAME, .offset = offsetof(scenario_pin, until_writer)},
    F_CUSTOM("state", parse_until_state),
    F_STR(scenario_pin, "sync_point", until_sync_point, 1),
    F_CUSTOM("finished", parse_until_finished),
    F_U64(scenario_pin, "time_ns", until_time_ns, 0),
};

/* Exactly one condition; "writer" with all but time_ns. */
static bool parse_until(load_ctx *c, json_t *v, void *target)
{
    static const char *const conds[] = {"state", "sync_point", "finished", "time_ns"};
    static const scenario_until_kind kinds[] = {SCENARIO_UNTIL_STATE, SCENARIO_UNTIL_SYNC_POINT,
                                                SCENARIO_UNTIL_FINISHED, SCENARIO_UNTIL_TIME};
    scenario_pin *pin = target;
    if (!parse_fields(c, v, until_fields, F_COUNT(until_fields), pin)) return false;
    const char *first = NULL, *key;
    json_t *m;
    json_object_foreach(v, key, m) {
        for (size_t i = 0; i < 4; i++) {
            if (strcmp(key, conds[i]) != 0) continue;
            if (first != NULL) {
                push_key(c, key);
                return fail(c, AT_KEY, "cannot be combined with \"%s\"", first);
            }
            first = conds[i];
            pin->until_kind = kinds[i];
        }
    }
    if (first == NULL)
        return fail(c, AT_VALUE, "expected one of \"state\", \"sync_point\", \"finished\" or "
                                 "\"time_ns\"");
    bool has_writer = json_object_get(v, "writer") != NULL;
    bool timed = pin->until_kind == SCENARIO_UNTIL_TIME;
    if (has_writer == !timed) return true;
    push_key(c, "writer");
    return timed ? fail(c, AT_KEY, "not allowed with \"time_ns\"")
                 : fail(c, AT_PARENT, "required key is missing (with \"%s\")", first);
}

static const field pin_fields[] = {
    {.key = "hold", .kind = FIELD_NAME, .offset = offsetof(scenario_pin, hold), .required = true},
    {.key = "at", .kind = FIELD_STRING, .offset = offsetof(scenario_pin, at), .min = 1,
     .required = true},
    F_U64(scenario_pin, "occurrence", occurrence, 1),
    {.key = "until", .kind = FIELD_CUSTOM, .fn = parse_until, .required = true},
};

static bool parse_pins(load_ctx *c, json_t *v, void *target)
{
    scenario_schedule *sch = target;
    size_t n;
    if (!get_array(c, v, false, &n) || !alloc_array(c, n, sizeof *sch->pins, (void **)&sch->pins))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_pin *pin = &sch->pins[i];
        sch->pin_count = i + 1;
        pin->occurrence = 1;
        push_index(c, i);
        bool ok = parse_fields(c, json_array_get(v, i), pin_fields, F_COUNT(pin_fields), pin);
        pop(c);
        if (!ok) return false;
    }
    return true;
}

static const field schedule_fields[] = {
    F_CUSTOM("policy", parse_policy),
    {.key = "seed", .kind = FIELD_SEED, .offset = offsetof(scenario_schedule, seed)},
    F_NUM(FIELD_UINT, scenario_schedule, "pct_depth", pct_depth, 1, SCENARIO_MAX_PCT_DEPTH),
    F_U64(scenario_schedule, "pct_steps", pct_steps, 1),
    F_CUSTOM("decisions", parse_decisions),
    F_U64(scenario_schedule, "max_steps", max_steps, 1),
    F_U64(scenario_schedule, "tick_ns", tick_ns, 1),
    F_U64(scenario_schedule, "wake_ns", wake_ns, 0),
    F_CUSTOM("pins", parse_pins),
};

/* "decisions" is required, non-empty, with the explicit policy only. */
static bool parse_schedule(load_ctx *c, json_t *v, void *target)
{
    scenario_schedule *sch = &((scenario *)target)->schedule;
    if (!parse_fields(c, v, schedule_fields, F_COUNT(schedule_fields), sch)) return false;
    bool explicit_policy = sch->policy == SCENARIO_POLICY_EXPLICIT;
    bool has_decisions = json_object_get(v, "decisions") != NULL;
    if (explicit_policy == has_decisions && (!has_decisions || sch->decision_count > 0))
        return true;
    push_key(c, "decisions");
    if (!explicit_policy)
        return fail(c, AT_KEY, "only allowed with \"policy\": \"explicit\" (policy is \"%s\")",
                    scenario_policy_name(sch->policy));
    if (!has_decisions) return fail(c, AT_PARENT, "required with \"policy\": \"explicit\"");
    return fail(c, AT_VALUE, "must not be empty with \"policy\": \"explicit\"");
}

/* ---------------------------------------------------------------- crash */

static bool parse_crash_at(load_ctx *c, json_t *v, void *target)
{
    static const field at_fields[] = {
        {.key = "time_ns", .kind = FIELD_U64, .offset = offsetof(scenario_crash, time_ns),
         .max = INT64_MAX, .required = true},
    };
    scenario_crash *cr = target;
    if (json_is_object(v)) {
        cr->when = SCENARIO_CRASH_AT_TIME;
        return parse_fields(c, v, at_fields, 1, cr);
    }
    if (json_is_string(v) && strcmp(json_string_value(v), "after_writers") == 0) {
        cr->when = SCENARIO_CRASH_AFTER_WRITERS;
        return true;
    }
    char shown[SHOW_MAX + 4];
    if (json_is_string(v))
        return fail(c, AT_VALUE, "unknown crash point \"%s\" (expected \"after_writers\" or "
                                 "{\"time_ns\": T})", show(json_string_value(v), shown));
    return fail(c, AT_VALUE, "expected \"after_writers\" or {\"time_ns\": T}, got %s",
                type_name(v));
}

static const field crash_fields[] = {
    {.key = "at", .kind = FIELD_CUSTOM, .fn = parse_crash_at, .required = true},
    F_BOOL(scenario_crash, "tear_last_write", tear_last_write),
    F_BOOL(scenario_crash, "reopen", reopen),
};

static bool parse_crash(load_ctx *c, json_t *v, void *target)
{
    scenario *s = target;
    return parse_fields(c, v, crash_fields, F_COUNT(crash_fields), &s->crash);
}

/* --------------------------------------------------------------- expect */

static bool parse_contents(load_ctx *c, json_t *v, void *target)
{
    scenario_expect *e = target;
    if (!json_is_object(v)) return fail(c, AT_VALUE, "expected an object, got %s", type_name(v));
    if (!alloc_array(c, json_object_size(v), sizeof *e->contents, (void **)&e->contents))
        return false;
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m) {
        scenario_expect_key *k = &e->contents[e->content_count++];
        push_key(c, key);
        if (!json_is_null(m) && !json_is_string(m))
            return fail(c, AT_VALUE, "expected a string (the value) or null (absent), got %s",
                        type_name(m));
        if (json_is_string(m) && !get_string(c, m, false, &k->value)) return false;
        if ((k->key = strdup(key)) == NULL) return fail_oom(c);
        pop(c);
    }
    return true;
}

static bool parse_status(load_ctx *c, json_t *v, void *target)
{
    scenario_expect *e = target;
    if (!json_is_object(v)) return fail(c, AT_VALUE, "expected an object, got %s", type_name(v));
    if (!alloc_array(c, json_object_size(v), sizeof *e->statuses, (void **)&e->statuses))
        return false;
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m) {
        scenario_expect_status *st = &e->statuses[e->status_count++];
        char shown[SHOW_MAX + 4];
        size_t n;
        push_key(c, key);
        if (!valid_name(key)) return fail(c, AT_KEY, "invalid writer name \"%s\"", show(key, shown));
        strcpy(st->writer, key);
        if (!get_array(c, m, false, &n) ||
            !alloc_array(c, n, sizeof *st->statuses, (void **)&st->statuses))
            return false;
        st->count = n;
        for (size_t i = 0; i < n; i++) {
            push_index(c, i);
            if (!get_status(c, json_array_get(m, i), &st->statuses[i])) return false;
            pop(c);
        }
        pop(c);
    }
    return true;
}

static bool parse_members(load_ctx *c, json_t *v, void *target)
{
    scenario_expect_group *g = target;
    size_t n;
    if (!get_array(c, v, true, &n) || !alloc_array(c, n, sizeof *g->members, (void **)&g->members))
        return false;
    for (size_t i = 0; i < n; i++) {
        push_index(c, i);
        if (!get_name(c, json_array_get(v, i), g->members[i])) return false;
        g->member_count = i + 1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(g->members[j], g->members[i]) == 0)
                return fail(c, AT_VALUE, "\"%s\" is listed twice", g->members[i]);
        }
        pop(c);
    }
    return true;
}

static const field group_fields[] = {
    {.key = "leader", .kind = FIELD_NAME, .offset = offsetof(scenario_expect_group, leader),
     .required = true},
    {.key = "members", .kind = FIELD_CUSTOM, .fn = parse_members, .required = true},
};

static bool parse_groups(load_ctx *c, json_t *v, void *target)
{
    scenario_expect *e = target;
    size_t n;
    if (!get_array(c, v, false, &n) || !alloc_array(c, n, sizeof *e->groups, (void **)&e->groups))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_expect_group *g = &e->groups[i];
        e->group_count = i + 1;
        push_index(c, i);
        if (!parse_fields(c, json_array_get(v, i), group_fields, F_COUNT(group_fields), g))
            return false;
        if (strcmp(g->members[0], g->leader) != 0) {
            push_key(c, "members");
            push_index(c, 0);
            return fail(c, AT_VALUE, "the first member must be the leader \"%s\" (members are "
                                     "listed oldest first)", g->leader);
        }
        pop(c);
    }
    return true;
}

static bool parse_states_visited(load_ctx *c, json_t *v, void *target)
{
    scenario_expect *e = target;
    size_t n;
    if (!get_array(c, v, false, &n) ||
        !alloc_array(c, n, sizeof *e->states_visited, (void **)&e->states_visited))
        return false;
    for (size_t i = 0; i < n; i++) {
        uint32_t bit;
        push_index(c, i);
        if (!get_state(c, json_array_get(v, i), &bit)) return false;
        e->states_visited[i] = strdup(wt_state_name(bit));
        e->states_visited_count = i + 1;
        if (e->states_visited[i] == NULL) return fail_oom(c);
        pop(c);
    }
    return true;
}

static const field expect_fields[] = {
    F_CUSTOM("contents", parse_contents),
    F_BOOL(scenario_expect, "contents_exact", contents_exact),
    F_CUSTOM("status", parse_status),
    F_CUSTOM("groups", parse_groups),
    F_NUM(FIELD_I64, scenario_expect, "group_count", group_count_total, 0, INT64_MAX),
    F_NUM(FIELD_I64, scenario_expect, "max_group_size", max_group_size, 0, INT64_MAX),
    F_NUM(FIELD_I64, scenario_expect, "min_largest_group", min_max_group_size, 0, INT64_MAX),
    F_NUM(FIELD_I64, scenario_expect, "last_sequence", last_sequence, 0, INT64_MAX),
    F_BOOL(scenario_expect, "deadlock", deadlock),
    F_CUSTOM("states_visited", parse_states_visited),
    F_STR(scenario_expect, "failed_invariant", failed_invariant, 1),
};

static bool parse_expect(load_ctx *c, json_t *v, void *target)
{
    scenario *s = target;
    return parse_fields(c, v, expect_fields, F_COUNT(expect_fields), &s->expect);
}

/* ------------------------------------------------------------ top level */

static const field top_fields[] = {
    {.key = "name", .kind = FIELD_STRING, .offset = offsetof(scenario, name), .min = 1,
     .required = true},
    F_STR(scenario, "description", description, 0),
    F_CUSTOM("options", parse_options),
    F_CUSTOM("device", parse_device),
    {.key = "writers", .kind = FIELD_CUSTOM, .fn = parse_writers, .required = true},
    F_CUSTOM("schedule", parse_schedule),
    F_CUSTOM("crash", parse_crash),
    F_CUSTOM("expect", parse_expect),
};

static void set_defaults(scenario *s)
{
    wt_options_default(&s->options);
    s->options.create_if_missing = true; /* the sim always starts from an empty device */
    s->device = (scenario_device){
        .append_ns = 2000, .append_ns_per_kib = 500, .sync_ns = 1000000, .read_ns = 1000};
    s->schedule = (scenario_schedule){.policy = SCENARIO_POLICY_RANDOM, .seed = 1, .pct_depth = 3,
                                      .pct_steps = 2000, .max_steps = 2000000, .tick_ns = 5};
    s->crash = (scenario_crash){.when = SCENARIO_CRASH_NONE, .reopen = true};
    s->expect = (scenario_expect){.group_count_total = -1, .max_group_size = -1,
                                  .min_max_group_size = -1, .last_sequence = -1};
}

/* -------------------------------------------------- cross-references */

static bool check_writer_ref(load_ctx *c, const scenario *s, const char *name, where w)
{
    if (scenario_writer_index(s, name) >= 0) return true;
    const char *names[SCENARIO_MAX_WRITERS];
    for (size_t i = 0; i < s->writer_count; i++) names[i] = s->writers[i].name;
    return fail_unknown(c, w, "writer", name, names, s->writer_count);
}

static bool check_schedule_refs(load_ctx *c, const scenario *s)
{
    const scenario_schedule *sch = &s->schedule;
    json_t *decisions = json_object_get(json_object_get(c->root, "schedule"), "decisions");
    push_key(c, "schedule");
    push_key(c, "decisions");
    for (size_t i = 0; i < sch->decision_count; i++) {
        const char *f = sch->decisions[i].fiber;
        if (strcmp(f, "main") == 0 || strcmp(f, "flush") == 0 || scenario_writer_index(s, f) >= 0)
            continue;
        push_index(c, i);
        if (json_is_object(json_array_get(decisions, i))) push_key(c, "fiber");
        return fail(c, AT_VALUE, "unknown fiber \"%s\": expected a writer's name, \"main\" or "
                                 "\"flush\"", f);
    }
    pop(c);
    push_key(c, "pins");
    for (size_t i = 0; i < sch->pin_count; i++) {
        const scenario_pin *pin = &sch->pins[i];
        push_index(c, i);
        push_key(c, "hold");
        if (!check_writer_ref(c, s, pin->hold, AT_VALUE)) return false;
        pop(c);
        push_key(c, "until");
        push_key(c, "writer");
        if (pin->until_kind != SCENARIO_UNTIL_TIME &&
            !check_writer_ref(c, s, pin->until_writer, AT_VALUE))
            return false;
        pop(c);
        pop(c);
        pop(c);
    }
    pop(c);
    pop(c);
    return true;
}

static bool check_expect_refs(load_ctx *c, const scenario *s)
{
    const scenario_expect *e = &s->expect;
    push_key(c, "expect");
    push_key(c, "status");
    for (size_t i = 0; i < e->status_count; i++) {
        const scenario_expect_status *st = &e->statuses[i];
        push_key(c, st->writer);
        if (!check_writer_ref(c, s, st->writer, AT_KEY)) return false;
        size_t want = s->writers[scenario_writer_index(s, st->writer)].batch_count;
        if (st->count != want)
            return fail(c, AT_VALUE, "expected %zu statuses (one per batch of \"%s\", after "
                                     "repeat), got %zu", want, st->writer, st->count);
        pop(c);
    }
    pop(c);
    push_key(c, "groups");
    for (size_t i = 0; i < e->group_count; i++) {
        const scenario_expect_group *g = &e->groups[i];
        push_index(c, i);
        push_key(c, "leader");
        if (!check_writer_ref(c, s, g->leader, AT_VALUE)) return false;
        pop(c);
        push_key(c, "members");
        for (size_t m = 0; m < g->member_count; m++) {
            push_index(c, m);
            if (!check_writer_ref(c, s, g->members[m], AT_VALUE)) return false;
            pop(c);
        }
        pop(c);
        pop(c);
    }
    pop(c);
    pop(c);
    return true;
}

/* ------------------------------------------------------------- loading */

/* A jansson error: the position is where it stopped reading. */
static void report_syntax(load_ctx *c, const json_error_t *je)
{
    enum json_error_code code = json_error_code(je);
    if (code == json_error_duplicate_key) {
        json_pos_error pe;
        json_pos *p = json_pos_scan(c->text, c->len, JSON_POS_REJECT_DUPLICATES, &pe);
        json_pos_free(p);
        if (p == NULL && pe.path[0] != '\0') {
            snprintf(c->err->text, sizeof c->err->text, "%s:%u:%u: %s: duplicate key", c->file,
                     (unsigned)pe.line, (unsigned)pe.column, pe.path);
            return;
        }
    }
    size_t offset = je->position > 0 ? (size_t)je->position - 1 : 0;
    uint32_t line, col;
    json_pos_line_column(c->text, c->len, offset, &line, &col);
    snprintf(c->err->text, sizeof c->err->text, "%s:%u:%u: %s%s", c->file, (unsigned)line,
             (unsigned)col, je->text,
             code == json_error_numeric_overflow
                 ? " (write large integers such as seeds as decimal strings)"
                 : "");
}

/* Validates text (owned by the new scenario from here on). */
static scenario *load(const char *file, char *text, size_t len, scenario_error *err)
{
    scenario *s = calloc(1, sizeof *s);
    load_ctx c = {.file = file, .text = text, .len = len, .err = err};
    json_error_t je;
    if (s == NULL || (s->path = strdup(file)) == NULL || (s->description = strdup("")) == NULL) {
        snprintf(err->text, sizeof err->text, "%s: out of memory", file);
        free(text);
        goto fail;
    }
    s->text = text;
    set_defaults(s);
    c.root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (c.root == NULL) {
        report_syntax(&c, &je);
        goto fail;
    }
    json_pos_error pe;
    c.pos = json_pos_scan(text, len, 0, &pe);
    if (c.pos == NULL) {
        snprintf(err->text, sizeof err->text, "%s:%u:%u: %s", file, (unsigned)pe.line,
                 (unsigned)pe.column, pe.text);
        goto fail;
    }
    if (!parse_fields(&c, c.root, top_fields, F_COUNT(top_fields), s) ||
        !check_schedule_refs(&c, s) || !check_expect_refs(&c, s))
        goto fail;
    assert(c.depth == 0);
    assert(s->writer_count > 0 && s->name != NULL);
    json_decref(c.root);
    json_pos_free(c.pos);
    return s;
fail:
    json_decref(c.root);
    json_pos_free(c.pos);
    scenario_free(s);
    return NULL;
}

scenario *scenario_load_text(const char *name, const char *text, scenario_error *err)
{
    assert(name != NULL && text != NULL && err != NULL);
    size_t len = strlen(text);
    if (len > SCENARIO_MAX_TEXT) {
        snprintf(err->text, sizeof err->text, "%s: larger than %d bytes", name, SCENARIO_MAX_TEXT);
        return NULL;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        snprintf(err->text, sizeof err->text, "%s: out of memory", name);
        return NULL;
    }
    memcpy(copy, text, len + 1);
    return load(name, copy, len, err);
}

/* Reads a whole file of at most SCENARIO_MAX_TEXT bytes, NUL-terminated. */
static char *read_file(const char *path, size_t *len, scenario_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err->text, sizeof err->text, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < READ_CHUNK) {
            /* Bounded: the loop ends once n passes SCENARIO_MAX_TEXT. */
            char *b = realloc(buf, cap + READ_CHUNK + 1);
            if (b == NULL) {
                snprintf(err->text, sizeof err->text, "%s: out of memory", path);
                goto fail;
            }
            buf = b;
            cap += READ_CHUNK;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > SCENARIO_MAX_TEXT) {
            snprintf(err->text, sizeof err->text, "%s: larger than %d bytes", path,
                     SCENARIO_MAX_TEXT);
            goto fail;
        }
        if (got == 0) break;
    }
    if (ferror(f)) {
        snprintf(err->text, sizeof err->text, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

scenario *scenario_load_file(const char *path, scenario_error *err)
{
    assert(path != NULL && err != NULL);
    size_t len;
    char *text = read_file(path, &len, err);
    return text == NULL ? NULL : load(path, text, len, err);
}

int scenario_writer_index(const scenario *s, const char *name)
{
    assert(s->writer_count <= SCENARIO_MAX_WRITERS);
    for (size_t i = 0; i < s->writer_count; i++) {
        if (strcmp(s->writers[i].name, name) == 0) return (int)i;
    }
    return -1;
}

/* ---------------------------------------------------------------- free */

static void free_writers(scenario *s)
{
    for (size_t w = 0; w < s->writer_count; w++) {
        scenario_writer *wr = &s->writers[w];
        for (size_t b = 0; b < wr->batch_count; b++) {
            scenario_batch *bt = &wr->batches[b];
            for (size_t o = 0; o < bt->op_count; o++) {
                free(bt->ops[o].key);
                free(bt->ops[o].value);
            }
            free(bt->ops);
        }
        free(wr->batches);
    }
    free(s->writers);
}

static void free_expect(scenario_expect *e)
{
    for (size_t i = 0; i < e->content_count; i++) {
        free(e->contents[i].key);
        free(e->contents[i].value);
    }
    free(e->contents);
    for (size_t i = 0; i < e->status_count; i++) free(e->statuses[i].statuses);
    free(e->statuses);
    for (size_t i = 0; i < e->group_count; i++) free(e->groups[i].members);
    free(e->groups);
    for (size_t i = 0; i < e->states_visited_count; i++) free(e->states_visited[i]);
    free(e->states_visited);
    free(e->failed_invariant);
}

void scenario_free(scenario *s)
{
    if (s == NULL) return;
    free(s->path);
    free(s->text);
    free(s->name);
    free(s->description);
    for (size_t i = 0; i < s->device.fault_count; i++) free(s->device.faults[i].path_suffix);
    free(s->device.faults);
    free_writers(s);
    free(s->schedule.decisions);
    for (size_t i = 0; i < s->schedule.pin_count; i++) {
        free(s->schedule.pins[i].at);
        free(s->schedule.pins[i].until_sync_point);
    }
    free(s->schedule.pins);
    free_expect(&s->expect);
    free(s);
}
