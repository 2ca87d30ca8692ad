/*
 * lesson_extra.c — a lesson's chart windows and exercises (see
 * lesson_extra.h), read with the strict JSON checker (json_check.h), and
 * a scenario re-written with an exercise's expectations.
 */
#define _GNU_SOURCE
#include "lesson_extra.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

/* ------------------------------------------------------ JSON written out */

static void put_json_string(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

/* A node written back as JSON (compact; reals with full precision). */
static void put_json(FILE *f, const json_doc_node *n)
{
    switch (n->type) {
    case JSON_DOC_OBJECT:
    case JSON_DOC_ARRAY: {
        bool obj = n->type == JSON_DOC_OBJECT;
        fputc(obj ? '{' : '[', f);
        for (size_t i = 0; i < n->child_count; i++) {
            const json_doc_node *c = json_doc_at(n, i);
            if (i) fputs(", ", f);
            if (obj) {
                put_json_string(f, c->key, strlen(c->key));
                fputs(": ", f);
            }
            put_json(f, c);
        }
        fputc(obj ? '}' : ']', f);
        break;
    }
    case JSON_DOC_STRING: put_json_string(f, n->string, n->string_len); break;
    case JSON_DOC_INTEGER: fprintf(f, "%lld", (long long)n->integer); break;
    case JSON_DOC_REAL: fprintf(f, "%.17g", n->real); break;
    case JSON_DOC_TRUE: fputs("true", f); break;
    case JSON_DOC_FALSE: fputs("false", f); break;
    case JSON_DOC_NULL: fputs("null", f); break;
    }
}

static char *json_text(const json_doc_node *n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert(f != NULL);
    put_json(f, n);
    fclose(f);
    return text;
}

/* ------------------------------------------------------------- loading */

static const json_check_field window_fields[] = {
    {"from_ns", JSON_CHECK_U64, offsetof(lesson_window, from_ns), 0, INT64_MAX, NULL, true},
    {"to_ns", JSON_CHECK_U64, offsetof(lesson_window, to_ns), 0, INT64_MAX, NULL, true},
};

static const json_check_field zoom_fields[] = {
    {"name", JSON_CHECK_STRING, offsetof(lesson_window, name), 1, 1, NULL, true},
    {"from_ns", JSON_CHECK_U64, offsetof(lesson_window, from_ns), 0, INT64_MAX, NULL, true},
    {"to_ns", JSON_CHECK_U64, offsetof(lesson_window, to_ns), 0, INT64_MAX, NULL, true},
};

static bool check_window(json_check *c, const json_doc_node *v, lesson_window *w)
{
    if (w->to_ns > w->from_ns) return true;
    return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "to_ns must be after from_ns");
}

static bool parse_window(json_check *c, const json_doc_node *v, void *member)
{
    lesson_extra *x = member;
    x->has_window = true;
    return json_check_fields(c, v, window_fields, 2, &x->window) && check_window(c, v, &x->window);
}

static bool parse_zooms(json_check *c, const json_doc_node *v, void *member)
{
    lesson_extra *x = member;
    size_t n;
    if (!json_check_array(c, v, true, &n)) return false;
    if (n > LESSON_MAX_ZOOMS)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "at most %d zooms", LESSON_MAX_ZOOMS);
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *z = json_doc_at(v, i);
        lesson_window *w = &x->zooms[x->zoom_count++];
        if (!json_check_fields(c, z, zoom_fields, 3, w) || !check_window(c, z, w)) return false;
        for (const char *p = w->name; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                return json_check_fail(c, json_doc_get(z, "name"), JSON_CHECK_AT_VALUE,
                                       "a zoom's name is a file name suffix: a-z, 0-9 and -");
    }
    return true;
}

static bool parse_expect(json_check *c, const json_doc_node *v, void *member)
{
    if (!json_check_object(c, v)) return false;
    char **out = member;
    free(*out);
    *out = json_text(v);
    return true;
}

static bool state_name(json_check *c, const json_doc_node *v, const char *name, int *index)
{
    *index = wt_state_index_by_name(name);
    if (*index >= 0) return true;
    const char *names[WT_STATE_COUNT];
    for (int i = 0; i < WT_STATE_COUNT; i++) names[i] = wt_state_table[i].name;
    return json_check_fail_unknown(c, v, JSON_CHECK_AT_VALUE, "state", name, names, WT_STATE_COUNT);
}

/* ["FROM -> TO", ...] into a from x to table of flags. */
static bool parse_transition_list(json_check *c, const json_doc_node *v,
                                  bool table[WT_STATE_COUNT][WT_STATE_COUNT])
{
    size_t n;
    if (!json_check_array(c, v, true, &n)) return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *t = json_doc_at(v, i);
        char *text = NULL;
        if (!json_check_string(c, t, true, &text)) return false;
        char *arrow = strstr(text, " -> ");
        int from = -1, to = -1;
        bool ok = arrow != NULL;
        if (ok) {
            *arrow = '\0';
            ok = state_name(c, t, text, &from) && state_name(c, t, arrow + 4, &to);
        } else {
            json_check_fail(c, t, JSON_CHECK_AT_VALUE, "expected \"FROM -> TO\" (state names)");
        }
        free(text);
        if (!ok) return false;
        if (!wt_state_transition_legal(wt_state_table[from].bit, wt_state_table[to].bit))
            return json_check_fail(c, t, JSON_CHECK_AT_VALUE, "not a legal transition");
        table[from][to] = true;
    }
    return true;
}

static bool parse_need(json_check *c, const json_doc_node *v, void *member)
{
    return parse_transition_list(c, v, ((lesson_exercise *)member)->need);
}

static bool parse_banned(json_check *c, const json_doc_node *v, void *member)
{
    return parse_transition_list(c, v, ((lesson_exercise *)member)->banned);
}

static bool parse_absent_states(json_check *c, const json_doc_node *v, void *member)
{
    lesson_exercise *e = member;
    size_t n;
    if (!json_check_array(c, v, true, &n)) return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *t = json_doc_at(v, i);
        int k;
        if (t->type != JSON_DOC_STRING)
            return json_check_fail(c, t, JSON_CHECK_AT_VALUE, "expected a state name, got %s",
                                   json_check_type_name(t));
        if (!state_name(c, t, t->string, &k)) return false;
        e->absent_states |= wt_state_table[k].bit;
    }
    return true;
}

static const json_check_field exercise_fields[] = {
    {"transitions", JSON_CHECK_CUSTOM, 0, 0, 0, parse_need, false},
    {"absent_transitions", JSON_CHECK_CUSTOM, 0, 0, 0, parse_banned, false},
    {"absent_states", JSON_CHECK_CUSTOM, 0, 0, 0, parse_absent_states, false},
    {"task", JSON_CHECK_STRING, offsetof(lesson_exercise, task), 1, 1, NULL, true},
    {"expect", JSON_CHECK_CUSTOM, offsetof(lesson_exercise, expect_json), 0, 0, parse_expect, true},
    {"hint", JSON_CHECK_STRING, offsetof(lesson_exercise, hint), 1, 1, NULL, true},
    {"answer", JSON_CHECK_STRING, offsetof(lesson_exercise, answer), 1, 1, NULL, true},
};

static bool parse_exercises(json_check *c, const json_doc_node *v, void *member)
{
    lesson_extra *x = member;
    size_t n;
    if (!json_check_array(c, v, true, &n)) return false;
    if (n > LESSON_MAX_EXERCISES)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "at most %d exercises",
                               LESSON_MAX_EXERCISES);
    for (size_t i = 0; i < n; i++)
        if (!json_check_fields(c, json_doc_at(v, i), exercise_fields, 7,
                               &x->exercises[x->exercise_count++]))
            return false;
    return true;
}

static const json_check_field top_fields[] = {
    {"window", JSON_CHECK_CUSTOM, 0, 0, 0, parse_window, false},
    {"zooms", JSON_CHECK_CUSTOM, 0, 0, 0, parse_zooms, false},
    {"exercises", JSON_CHECK_CUSTOM, 0, 0, 0, parse_exercises, false},
};

/* The whole file, or NULL (errno set). */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *text = NULL;
    size_t cap = 0;
    FILE *m = open_memstream(&text, &cap);
    assert(m != NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && cap + n <= JSON_DOC_MAX_TEXT) fwrite(buf, 1, n, m);
    bool bad = ferror(f) != 0;
    fclose(f);
    fclose(m);
    *len = cap;
    if (bad) {
        free(text);
        errno = EIO;
        return NULL;
    }
    return text;
}

bool lesson_extra_load(const char *path, lesson_extra *x, char *err, size_t err_cap)
{
    memset(x, 0, sizeof *x);
    size_t len;
    char *text = read_all(path, &len);
    if (text == NULL) {
        if (errno == ENOENT) return true;
        snprintf(err, err_cap, "%s: cannot read: %s", path, strerror(errno));
        return false;
    }
    json_check c = {.file = path, .message = err, .message_cap = err_cap};
    json_doc *doc = json_check_parse(&c, text, len, "");
    bool ok = doc != NULL &&
              json_check_fields(&c, json_doc_root(doc), top_fields, 3, x);
    json_doc_free(doc);
    free(text);
    if (!ok) lesson_extra_free(x);
    return ok;
}

void lesson_extra_free(lesson_extra *x)
{
    for (size_t i = 0; i < LESSON_MAX_ZOOMS; i++) free(x->zooms[i].name);
    for (size_t i = 0; i < LESSON_MAX_EXERCISES; i++) {
        lesson_exercise *e = &x->exercises[i];
        free(e->task);
        free(e->hint);
        free(e->answer);
        free(e->expect_json);
    }
    free(x->window.name);
    memset(x, 0, sizeof *x);
}

bool lesson_exercise_counts_ok(const lesson_exercise *e,
                               const uint64_t transitions[WT_STATE_COUNT][WT_STATE_COUNT],
                               uint32_t states_visited, char *why, size_t why_cap)
{
    size_t used = 0;
    why[0] = '\0';
    for (int f = 0; f < WT_STATE_COUNT; f++)
        for (int t = 0; t < WT_STATE_COUNT; t++) {
            const char *what = e->need[f][t] && transitions[f][t] == 0   ? "never happened"
                               : e->banned[f][t] && transitions[f][t] > 0 ? "happened"
                                                                          : NULL;
            if (what && used < why_cap)
                used += (size_t)snprintf(why + used, why_cap - used, "transition %s -> %s %s\n",
                                         wt_state_table[f].name, wt_state_table[t].name, what);
        }
    for (int i = 0; i < WT_STATE_COUNT; i++)
        if ((e->absent_states & states_visited & wt_state_table[i].bit) && used < why_cap)
            used += (size_t)snprintf(why + used, why_cap - used, "state %s was entered\n",
                                     wt_state_table[i].name);
    return why[0] == '\0';
}

char *lesson_replace_expect(const char *name, const char *text, const char *expect_json,
                            char *err, size_t err_cap)
{
    json_check c = {.file = name, .message = err, .message_cap = err_cap};
    json_doc *doc = json_check_parse(&c, text, strlen(text), "");
    if (doc == NULL) return NULL;
    const json_doc_node *root = json_doc_root(doc);
    if (!json_check_object(&c, root)) {
        json_doc_free(doc);
        return NULL;
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert(f != NULL);
    fputc('{', f);
    for (size_t i = 0; i < root->child_count; i++) {
        const json_doc_node *m = json_doc_at(root, i);
        if (strcmp(m->key, "expect") == 0) continue;
        put_json_string(f, m->key, strlen(m->key));
        fputs(": ", f);
        put_json(f, m);
        fputs(",\n", f);
    }
    fprintf(f, "\"expect\": %s}\n", expect_json);
    fclose(f);
    json_doc_free(doc);
    return out;
}
