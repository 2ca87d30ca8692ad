/*
 * json_check.c — field tables, typed getters and "FILE:LINE:COL: PATH:
 * message" errors over a json_doc tree.
 *
 * Every node of a json_doc knows its parent, its key or index and where
 * it starts, so an error needs nothing but the node: the path is rebuilt
 * from the parent chain, and only when an error is reported.  No state is
 * kept between calls besides the message buffer.
 */
#include "json_check.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- errors */

/* Writes "FILE:LINE:COL: PATH: message" (path = n's, plus key if any). */
static bool report(json_check *c, const json_doc_node *n, uint32_t line, uint32_t column,
                   const char *key, const char *fmt, va_list ap)
{
    assert(c != NULL && c->message != NULL && c->message_cap > 0);
    char msg[768];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = json_doc_path(n, NULL, 0);
    if (key != NULL) json_doc_append_key(NULL, 0, &len, key, strlen(key));
    char *path = malloc(len + 1);
    if (path != NULL) {
        size_t len2 = json_doc_path(n, path, len + 1);
        if (key != NULL) json_doc_append_key(path, len + 1, &len2, key, strlen(key));
        assert(len2 == len);
    }
    const char *shown = path == NULL ? "?" : path[0] != '\0' ? path : "(root)";
    snprintf(c->message, c->message_cap, "%s:%u:%u: %s: %s", c->file, (unsigned)line,
             (unsigned)column, shown, msg);
    free(path);
    return false;
}

bool json_check_fail(json_check *c, const json_doc_node *n, json_check_where w, const char *fmt,
                     ...)
{
    assert(n != NULL);
    bool at_key = w == JSON_CHECK_AT_KEY && n->key != NULL;
    va_list ap;
    va_start(ap, fmt);
    report(c, n, at_key ? n->key_line : n->line, at_key ? n->key_column : n->column, NULL, fmt,
           ap);
    va_end(ap);
    return false;
}

bool json_check_fail_missing(json_check *c, const json_doc_node *obj, const char *key,
                             const char *fmt, ...)
{
    assert(obj != NULL && key != NULL);
    va_list ap;
    va_start(ap, fmt);
    report(c, obj, obj->line, obj->column, key, fmt, ap);
    va_end(ap);
    return false;
}

bool json_check_fail_oom(json_check *c, const json_doc_node *n)
{
    return json_check_fail(c, n, JSON_CHECK_AT_VALUE, "out of memory");
}

json_doc *json_check_parse(json_check *c, const char *text, size_t len, const char *overflow_hint)
{
    assert(c != NULL && c->message != NULL && c->message_cap > 0);
    json_doc_error e;
    json_doc *d = json_doc_parse(text, len, &e);
    if (d != NULL) return d;
    if (e.code == JSON_DOC_ERROR_DUPLICATE_KEY)
        snprintf(c->message, c->message_cap, "%s:%u:%u: %s: %s", c->file, (unsigned)e.line,
                 (unsigned)e.column, e.path, e.text);
    else
        snprintf(c->message, c->message_cap, "%s:%u:%u: %s%s", c->file, (unsigned)e.line,
                 (unsigned)e.column, e.text,
                 e.code == JSON_DOC_ERROR_NUMERIC_OVERFLOW && overflow_hint != NULL
                     ? overflow_hint
                     : "");
    return NULL;
}

/* ------------------------------------------------------ message helpers */

const char *json_check_type_name(const json_doc_node *v)
{
    switch (v->type) {
    case JSON_DOC_OBJECT: return "an object";
    case JSON_DOC_ARRAY: return "an array";
    case JSON_DOC_STRING: return "a string";
    case JSON_DOC_INTEGER: return "an integer";
    case JSON_DOC_REAL: return "a floating-point number";
    case JSON_DOC_TRUE:
    case JSON_DOC_FALSE: return "a boolean";
    case JSON_DOC_NULL: return "null";
    }
    return "an unknown value";
}

const char *json_check_show(const char *s, char out[JSON_CHECK_SHOW_MAX + 4])
{
    size_t n = strlen(s), k = n > JSON_CHECK_SHOW_MAX ? JSON_CHECK_SHOW_MAX : n;
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
    assert(na <= JSON_CHECK_SUGGEST_MAX && nb <= JSON_CHECK_SUGGEST_MAX);
    size_t rows[3][JSON_CHECK_SUGGEST_MAX + 1];
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

const char *json_check_suggest(const char *given, const char *const *names, size_t count)
{
    size_t gn = strlen(given);
    if (gn == 0 || gn > JSON_CHECK_SUGGEST_MAX) return NULL;
    char g[JSON_CHECK_SUGGEST_MAX + 1], low[JSON_CHECK_SUGGEST_MAX + 1];
    lower_copy(given, g, gn);
    size_t limit = gn < 6 ? 1 : gn / 3;
    const char *best = NULL;
    size_t best_score = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        size_t nn = strlen(names[i]);
        if (nn > JSON_CHECK_SUGGEST_MAX) continue;
        lower_copy(names[i], low, nn);
        size_t score;
        if (gn >= 3 && strstr(low, g) != NULL) score = nn - gn; /* 0.. */
        else if ((score = edit_distance(g, gn, low, nn)) <= limit && score < gn && score < nn)
            score += JSON_CHECK_SUGGEST_MAX;
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

bool json_check_fail_unknown(json_check *c, const json_doc_node *n, json_check_where w,
                             const char *what, const char *given, const char *const *names,
                             size_t count)
{
    char shown[JSON_CHECK_SHOW_MAX + 4], list[512];
    const char *hint = json_check_suggest(given, names, count);
    if (hint != NULL)
        return json_check_fail(c, n, w, "unknown %s \"%s\" (did you mean \"%s\"?)", what,
                               json_check_show(given, shown), hint);
    return json_check_fail(c, n, w, "unknown %s \"%s\" (expected one of: %s)", what,
                           json_check_show(given, shown), join_names(names, count, list,
                                                                     sizeof list));
}

/* ------------------------------------------------------- single values */

bool json_check_bool(json_check *c, const json_doc_node *v, bool *out)
{
    if (v->type != JSON_DOC_TRUE && v->type != JSON_DOC_FALSE)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected a boolean, got %s",
                               json_check_type_name(v));
    *out = v->type == JSON_DOC_TRUE;
    return true;
}

bool json_check_int(json_check *c, const json_doc_node *v, int64_t min, int64_t max,
                    int64_t *out)
{
    assert(min <= max);
    if (v->type != JSON_DOC_INTEGER)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected an integer, got %s",
                               json_check_type_name(v));
    long long x = v->integer;
    if (x < 0 && min >= 0)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected a non-negative integer, got %lld", x);
    if (x < min && max == INT64_MAX)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "must be at least %lld, got %lld",
                               (long long)min, x);
    if (x < min || x > max)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "must be between %lld and %lld, got %lld",
                               (long long)min, (long long)max, x);
    *out = x;
    return true;
}

bool json_check_string(json_check *c, const json_doc_node *v, bool nonempty, char **out)
{
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected a string, got %s",
                               json_check_type_name(v));
    if (nonempty && v->string_len == 0)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "must not be empty");
    *out = strdup(v->string);
    return *out != NULL || json_check_fail_oom(c, v);
}

bool json_check_u64_text(json_check *c, const json_doc_node *v, uint64_t *out)
{
    if (v->type == JSON_DOC_INTEGER) {
        int64_t x;
        if (!json_check_int(c, v, 0, INT64_MAX, &x)) return false;
        *out = (uint64_t)x;
        return true;
    }
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected a non-negative integer or a decimal string, got %s",
                               json_check_type_name(v));
    const char *s = v->string;
    char shown[JSON_CHECK_SHOW_MAX + 4];
    uint64_t x = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9')
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                                   "expected a decimal string of digits, got \"%s\"",
                                   json_check_show(s, shown));
        uint64_t d = (uint64_t)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "\"%s\" does not fit in 64 bits",
                                   json_check_show(s, shown));
        x = x * 10 + d;
    }
    if (s[0] == '\0')
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected a decimal string of digits, got \"\"");
    *out = x;
    return true;
}

bool json_check_enum(json_check *c, const json_doc_node *v, const char *const *names, size_t n,
                     const char *what, size_t *index)
{
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected a string, got %s",
                               json_check_type_name(v));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v->string, names[i]) == 0) {
            *index = i;
            return true;
        }
    }
    return json_check_fail_unknown(c, v, JSON_CHECK_AT_VALUE, what, v->string, names, n);
}

bool json_check_object(json_check *c, const json_doc_node *v)
{
    if (v->type == JSON_DOC_OBJECT) return true;
    return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected an object, got %s",
                           json_check_type_name(v));
}

bool json_check_array(json_check *c, const json_doc_node *v, bool nonempty, size_t *count)
{
    if (v->type != JSON_DOC_ARRAY)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected an array, got %s",
                               json_check_type_name(v));
    *count = v->child_count;
    if (nonempty && *count == 0)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "must not be empty");
    return true;
}

/* --------------------------------------------------------- field tables */

static bool check_field(json_check *c, const json_check_field *f, const json_doc_node *v,
                        void *target)
{
    char *at = (char *)target + f->offset;
    int64_t x = 0;
    bool numeric = f->kind == JSON_CHECK_U64 || f->kind == JSON_CHECK_I64 ||
                   f->kind == JSON_CHECK_INT || f->kind == JSON_CHECK_UINT;
    if (numeric && !json_check_int(c, v, f->min, f->max, &x)) return false;
    switch (f->kind) {
    case JSON_CHECK_BOOL: return json_check_bool(c, v, (bool *)at);
    case JSON_CHECK_U64:
        assert(f->min >= 0);
        *(uint64_t *)at = (uint64_t)x;
        return true;
    case JSON_CHECK_I64: *(int64_t *)at = x; return true;
    case JSON_CHECK_INT:
        assert(f->min >= INT_MIN && f->max <= INT_MAX);
        *(int *)at = (int)x;
        return true;
    case JSON_CHECK_UINT:
        assert(f->min >= 0 && f->max <= UINT_MAX);
        *(unsigned *)at = (unsigned)x;
        return true;
    case JSON_CHECK_STRING: {
        char *s;
        if (!json_check_string(c, v, f->min > 0, &s)) return false;
        free(*(char **)at);
        *(char **)at = s;
        return true;
    }
    case JSON_CHECK_U64_TEXT: return json_check_u64_text(c, v, (uint64_t *)at);
    case JSON_CHECK_CUSTOM: return f->fn(c, v, at);
    }
    assert(!"unknown field kind");
    return false;
}

static bool fail_unknown_key(json_check *c, const json_doc_node *member,
                             const json_check_field *fields, size_t n)
{
    const char *names[JSON_CHECK_MAX_FIELDS] = {0}; /* all set below; gcc -O3 cannot tell */
    assert(n <= JSON_CHECK_MAX_FIELDS);
    for (size_t i = 0; i < n; i++) names[i] = fields[i].key;
    char list[512];
    const char *hint = json_check_suggest(member->key, names, n);
    if (hint != NULL)
        return json_check_fail(c, member, JSON_CHECK_AT_KEY, "unknown key (did you mean \"%s\"?)",
                               hint);
    return json_check_fail(c, member, JSON_CHECK_AT_KEY, "unknown key (expected one of: %s)",
                           join_names(names, n, list, sizeof list));
}

bool json_check_fields(json_check *c, const json_doc_node *obj, const json_check_field *fields,
                       size_t n, void *target)
{
    assert(fields != NULL && n <= JSON_CHECK_MAX_FIELDS);
    if (!json_check_object(c, obj)) return false;
    for (size_t m = 0; m < obj->child_count; m++) {
        const json_doc_node *v = obj->children[m];
        const json_check_field *f = NULL;
        for (size_t i = 0; i < n && f == NULL; i++) {
            if (strcmp(fields[i].key, v->key) == 0) f = &fields[i];
        }
        if (f == NULL) return fail_unknown_key(c, v, fields, n);
        assert(f->kind != JSON_CHECK_CUSTOM || f->fn != NULL);
        if (!check_field(c, f, v, target)) return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (fields[i].required && json_doc_get(obj, fields[i].key) == NULL)
            return json_check_fail_missing(c, obj, fields[i].key, "required key is missing");
    }
    return true;
}
