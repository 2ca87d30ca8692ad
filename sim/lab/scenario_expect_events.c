/*
 * scenario_expect_events.c — the expectations about what happened during
 * a run, as opposed to what the DB holds at its end: state transitions
 * ("transitions"), WAL records and syncs ("wal"), each write call's
 * status and sequence ("writes") and the order of named events ("order").
 * Also the engine's list of sync point names, against which pins and
 * event specs are checked.
 *
 * An event spec is one readable string, "[first|last] KIND KEY=VALUE ...":
 * KIND is a trace event kind (traces/README.md) or "sync_point"; each KEY
 * is one of that kind's trace fields, or "fiber" (who ran it) or "group"
 * (the number of the write group the event belongs to, counting every
 * "group" event from 0).  Values are checked against the field's type
 * here, so a misspelt key or kind fails at load with "did you mean".
 *
 * Loading is two steps like scenario_expect.c: shapes and values in
 * document order, then writer and fiber names once the writers are known.
 * Not thread-safe per load (see scenario_schema.h).
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"
#include "sync_points.h"
#include "trace_event.h"

enum { SPEC_MAX_FILTERS = 16, SPEC_MAX_TEXT = 512 };

static const size_t sync_point_count = sizeof engine_sync_points / sizeof engine_sync_points[0];

bool scenario_check_sync_point(json_check *c, const json_doc_node *v, const char *name)
{
    const char *names[sizeof engine_sync_points / sizeof engine_sync_points[0] + 1];
    for (size_t i = 0; i < sync_point_count; i++) {
        names[i] = engine_sync_points[i];
        if (strcmp(engine_sync_points[i], name) == 0) return true;
    }
    names[sync_point_count] = RUN_CRASH_SYNC_POINT; /* the sim's own */
    if (strcmp(name, RUN_CRASH_SYNC_POINT) == 0) return true;
    return json_check_fail_unknown(c, v, JSON_CHECK_AT_VALUE, "sync point", name, names,
                                   sync_point_count + 1);
}

/* --------------------------------------------------------- event specs */

/* The fields a "sync_point" event has (it is not a trace line). */
static const trace_field_def sync_point_fields[] = {
    {"name", TRACE_STR, (uint16_t)offsetof(trace_event, at), false, "the sync point", 0},
    {"writer", TRACE_STR, (uint16_t)offsetof(trace_event, writer), false, "its writer", 0},
    {"batch", TRACE_I64, (uint16_t)offsetof(trace_event, batch), false, "its batch", 0},
    {NULL, TRACE_U64, 0, false, NULL, 0},
};

static const trace_field_def fiber_field = {
    "fiber", TRACE_STR, (uint16_t)offsetof(trace_event, fiber), false, "who ran it", 0};

static const trace_field_def *fields_of(int kind)
{
    return kind == SCENARIO_EVENT_SYNC_POINT ? sync_point_fields : trace_kinds[kind].fields;
}

/* The field KEY of kind (or "fiber"); NULL if none. */
static const trace_field_def *field_named(int kind, const char *key, const char **names,
                                          size_t *n)
{
    *n = 0;
    names[(*n)++] = "fiber";
    names[(*n)++] = "group";
    if (strcmp(key, "fiber") == 0) return &fiber_field;
    const trace_field_def *found = NULL;
    for (const trace_field_def *f = fields_of(kind); f->key != NULL; f++) {
        if (f->type != TRACE_NAMES && *n < 32) names[(*n)++] = f->key;
        if (strcmp(f->key, key) == 0 && f->type != TRACE_NAMES) found = f;
    }
    return found;
}

static bool parse_number(const char *s, int64_t *out)
{
    if (*s == '\0') return false;
    bool neg = *s == '-';
    int64_t v = 0;
    for (const char *p = s + neg; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10) return false;
        v = v * 10 + (*p - '0');
    }
    if (neg && s[1] == '\0') return false;
    *out = neg ? -v : v;
    return true;
}

/* One KEY=VALUE of a spec into f. */
static bool parse_filter(json_check *c, const json_doc_node *v, int kind, char *word,
                         scenario_event_filter *f)
{
    char *eq = strchr(word, '=');
    if (eq == NULL || eq == word || eq[1] == '\0')
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "\"%.60s\": expected KEY=VALUE after the event kind", word);
    *eq = '\0';
    const char *value = eq + 1;
    const char *names[40];
    size_t n;
    const trace_field_def *def = field_named(kind, word, names, &n);
    if ((f->key = strdup(word)) == NULL || (f->text = strdup(value)) == NULL)
        return json_check_fail_oom(c, v);
    if (strcmp(word, "group") == 0) {
        f->type = -1;
        if (!parse_number(value, &f->number) || f->number < 0)
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                                   "group=%.40s: expected a group number (0 = the first)", value);
        return true;
    }
    if (def == NULL) {
        char what[64];
        snprintf(what, sizeof what, "key of a \"%s\" event",
                 kind == SCENARIO_EVENT_SYNC_POINT ? "sync_point" : trace_kinds[kind].name);
        return json_check_fail_unknown(c, v, JSON_CHECK_AT_VALUE, what, word, names, n);
    }
    f->type = def->type;
    f->offset = def->offset;
    switch (def->type) {
    case TRACE_U64:
    case TRACE_I64:
    case TRACE_U64_STR:
        if (!parse_number(value, &f->number) || (def->type != TRACE_I64 && f->number < 0))
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "%s=%.40s: expected an integer",
                                   word, value);
        f->type = def->type == TRACE_I64 ? TRACE_I64 : TRACE_U64;
        return true;
    case TRACE_BOOL:
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "%s=%.40s: expected true or false",
                                   word, value);
        f->number = value[0] == 't';
        return true;
    case TRACE_STR:
        if (strcmp(word, "name") == 0 && kind == SCENARIO_EVENT_SYNC_POINT)
            return scenario_check_sync_point(c, v, value);
        if (strcmp(word, "to") == 0 || strcmp(word, "from") == 0) {
            uint32_t bit = 0;
            for (int i = 0; i < WT_STATE_COUNT; i++)
                if (strcmp(wt_state_table[i].name, value) == 0) bit = wt_state_table[i].bit;
            if (bit == 0) {
                const char *states[WT_STATE_COUNT];
                for (int i = 0; i < WT_STATE_COUNT; i++) states[i] = wt_state_table[i].name;
                return json_check_fail_unknown(c, v, JSON_CHECK_AT_VALUE, "state", value, states,
                                               WT_STATE_COUNT);
            }
        }
        return true;
    case TRACE_NAMES: break;
    }
    return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "%s: cannot be matched", word);
}

/* "[first|last] KIND KEY=VALUE ..." into spec (scenario_schema.h). */
bool scenario_parse_event_spec(json_check *c, const json_doc_node *v, scenario_event_spec *spec)
{
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected an event, e.g. \"wal_append group=1\", got %s",
                               json_check_type_name(v));
    if (strlen(v->string) >= SPEC_MAX_TEXT)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "longer than %d bytes",
                               SPEC_MAX_TEXT - 1);
    char buf[SPEC_MAX_TEXT];
    strcpy(buf, v->string);
    if ((spec->text = strdup(v->string)) == NULL) return json_check_fail_oom(c, v);
    if (!scenario_alloc_array(c, v, SPEC_MAX_FILTERS, sizeof *spec->filters,
                              (void **)&spec->filters))
        return false;
    char *save = NULL, *word = strtok_r(buf, " ", &save);
    if (word != NULL && (strcmp(word, "first") == 0 || strcmp(word, "last") == 0)) {
        spec->last = word[0] == 'l';
        word = strtok_r(NULL, " ", &save);
    }
    if (word == NULL)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected an event kind, e.g. \"wal_append group=1\"");
    trace_kind k;
    if (strcmp(word, "sync_point") == 0) {
        spec->kind = SCENARIO_EVENT_SYNC_POINT;
    } else if (trace_kind_by_name(word, &k) && k != TRACE_PICK && k != TRACE_VIOLATION) {
        spec->kind = (int)k;
    } else {
        const char *names[TRACE_KIND_COUNT + 1];
        size_t n = 0;
        for (int i = 0; i < TRACE_KIND_COUNT; i++)
            if (i != TRACE_PICK && i != TRACE_VIOLATION) names[n++] = trace_kinds[i].name;
        names[n++] = "sync_point";
        return json_check_fail_unknown(c, v, JSON_CHECK_AT_VALUE, "event kind", word, names, n);
    }
    while ((word = strtok_r(NULL, " ", &save)) != NULL) {
        if (spec->filter_count == SPEC_MAX_FILTERS)
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "more than %d KEY=VALUE conditions",
                                   SPEC_MAX_FILTERS);
        if (!parse_filter(c, v, spec->kind, word, &spec->filters[spec->filter_count++]))
            return false;
    }
    return true;
}

static bool parse_before(json_check *c, const json_doc_node *v, void *member)
{
    return scenario_parse_event_spec(c, v, &((scenario_expect_order *)member)->before);
}

static bool parse_after(json_check *c, const json_doc_node *v, void *member)
{
    return scenario_parse_event_spec(c, v, &((scenario_expect_order *)member)->after);
}

static const json_check_field order_fields[] = {
    {F_WHOLE("before", parse_before), .required = true},
    {F_WHOLE("after", parse_after), .required = true},
};

bool scenario_expect_parse_order(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->order, (void **)&e->order))
        return false;
    for (size_t i = 0; i < n; i++) {
        e->order_count = i + 1;
        if (!json_check_fields(c, json_doc_at(v, i), order_fields, F_COUNT(order_fields),
                               &e->order[i]))
            return false;
    }
    return true;
}

/* --------------------------------------------------------- transitions */

static bool check_state_bit(json_check *c, const json_doc_node *v, void *member)
{
    return scenario_check_state(c, v, (uint32_t *)member);
}

static const json_check_field transition_fields[] = {
    {F_CUSTOM(scenario_expect_transition, "from", from, check_state_bit)},
    {F_CUSTOM(scenario_expect_transition, "to", to, check_state_bit)},
    {F_NAME(scenario_expect_transition, "writer", writer)},
    {F_NAME(scenario_expect_transition, "by", by)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_transition, "count", count, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_transition, "min", min, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_transition, "max", max, 0, INT64_MAX)},
};

bool scenario_expect_parse_transitions(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->transitions, (void **)&e->transitions))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *obj = json_doc_at(v, i);
        scenario_expect_transition *t = &e->transitions[i];
        *t = (scenario_expect_transition){.count = -1, .min = -1, .max = -1};
        e->transition_count = i + 1;
        if (!json_check_fields(c, obj, transition_fields, F_COUNT(transition_fields), t))
            return false;
        const json_doc_node *count = json_doc_get(obj, "count");
        const json_doc_node *min = json_doc_get(obj, "min"), *max = json_doc_get(obj, "max");
        if (count == NULL && min == NULL && max == NULL)
            return json_check_fail_missing(c, obj, "count",
                                           "required key is missing (or \"min\" / \"max\")");
        if (count != NULL && (min != NULL || max != NULL))
            return json_check_fail(c, min ? min : max, JSON_CHECK_AT_KEY,
                                   "cannot be combined with \"count\"");
        if (min != NULL && max != NULL && t->min > t->max)
            return json_check_fail(c, max, JSON_CHECK_AT_VALUE, "is below \"min\" (%lld)",
                                   (long long)t->min);
        if (json_doc_get(obj, "from") == NULL && json_doc_get(obj, "to") == NULL)
            return json_check_fail_missing(c, obj, "to",
                                           "required key is missing (or \"from\")");
    }
    return true;
}

/* ----------------------------------------------------------------- wal */

static const json_check_field record_fields[] = {
    {F_NUM(JSON_CHECK_I64, scenario_expect_wal_record, "first_seq", first_seq, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_wal_record, "count", count, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_wal_record, "batches", batches, 0, INT64_MAX)},
    {F_NAME(scenario_expect_wal_record, "writer", writer)},
};

static bool parse_records(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->wal_records, (void **)&e->wal_records))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_expect_wal_record *r = &e->wal_records[i];
        *r = (scenario_expect_wal_record){.first_seq = -1, .count = -1, .batches = -1};
        e->wal_record_count = i + 1;
        if (!json_check_fields(c, json_doc_at(v, i), record_fields, F_COUNT(record_fields), r))
            return false;
    }
    return true;
}

static const json_check_field wal_fields[] = {
    {F_WHOLE("records", parse_records)},
    {F_NUM(JSON_CHECK_I64, scenario_expect, "record_count", wal_record_total, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect, "syncs", wal_syncs, 0, INT64_MAX)},
};

bool scenario_expect_parse_wal(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, wal_fields, F_COUNT(wal_fields), member);
}

/* -------------------------------------------------------------- writes */

static bool check_write_status(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect_write *w = member;
    const char *names[WT_STATUS_COUNT];
    for (size_t i = 0; i < WT_STATUS_COUNT; i++) names[i] = wt_status_name((wt_status)i);
    size_t k;
    if (!json_check_enum(c, v, names, WT_STATUS_COUNT, "status", &k)) return false;
    w->has_status = true;
    w->status = (wt_status)k;
    return true;
}

static const json_check_field write_fields[] = {
    {F_NAME(scenario_expect_write, "writer", writer), .required = true},
    {F_NUM(JSON_CHECK_I64, scenario_expect_write, "batch", batch, 0, INT64_MAX)},
    {F_WHOLE("status", check_write_status)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_write, "seq", seq, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect_write, "count", count, 0, INT64_MAX)},
};

bool scenario_expect_parse_writes(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->writes, (void **)&e->writes))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *obj = json_doc_at(v, i);
        scenario_expect_write *w = &e->writes[i];
        *w = (scenario_expect_write){.batch = 0, .seq = -1, .count = -1};
        e->write_count = i + 1;
        if (!json_check_fields(c, obj, write_fields, F_COUNT(write_fields), w)) return false;
        if (obj->child_count == 1 || (obj->child_count == 2 && json_doc_get(obj, "batch")))
            return json_check_fail(c, obj, JSON_CHECK_AT_VALUE,
                                   "expects nothing: add \"status\", \"seq\" or \"count\"");
    }
    return true;
}

/* ---------------------------------------------------------- references */

/* A writer's name, or with fibers_too also "main", "flush", "crasher". */
static bool check_name_ref(scenario_loader *l, const char *name, const json_doc_node *at,
                           bool fibers_too)
{
    if (name[0] == '\0') return true;
    if (!fibers_too)
        return scenario_check_writer_ref(&l->check, l->s, name, at, JSON_CHECK_AT_VALUE);
    return scenario_check_fiber_ref(&l->check, l->s, name, at, "fiber", true);
}

bool scenario_check_event_spec_refs(scenario_loader *l, const scenario_event_spec *spec,
                                    const json_doc_node *at)
{
    for (size_t i = 0; i < spec->filter_count; i++) {
        const scenario_event_filter *f = &spec->filters[i];
        /* "writer" of hold and release lines is the held fiber, any fiber */
        bool fiber = strcmp(f->key, "fiber") == 0;
        bool writer = strcmp(f->key, "writer") == 0 || strcmp(f->key, "leader") == 0;
        if ((fiber || writer) && !check_name_ref(l, f->text, at, true)) return false;
    }
    return true;
}

/* obj's member key; NULL when obj or the member is absent. */
static const json_doc_node *member_of(const json_doc_node *obj, const char *key)
{
    return obj == NULL ? NULL : json_doc_get(obj, key);
}

bool scenario_expect_check_event_refs(scenario_loader *l, const json_doc_node *expect)
{
    const scenario_expect *e = &l->s->expect;
    const json_doc_node *list = member_of(expect, "transitions");
    for (size_t i = 0; i < e->transition_count; i++) {
        const json_doc_node *obj = json_doc_at(list, i);
        if (!check_name_ref(l, e->transitions[i].writer, member_of(obj, "writer"), false) ||
            !check_name_ref(l, e->transitions[i].by, member_of(obj, "by"), true))
            return false;
    }
    list = member_of(member_of(expect, "wal"), "records");
    for (size_t i = 0; i < e->wal_record_count; i++)
        if (!check_name_ref(l, e->wal_records[i].writer,
                            member_of(json_doc_at(list, i), "writer"), false))
            return false;
    list = member_of(expect, "writes");
    for (size_t i = 0; i < e->write_count; i++) {
        const json_doc_node *obj = json_doc_at(list, i);
        const scenario_expect_write *w = &e->writes[i];
        if (!check_name_ref(l, w->writer, member_of(obj, "writer"), false)) return false;
        size_t batches = l->s->writers[scenario_writer_index(l->s, w->writer)].batch_count;
        if ((uint64_t)w->batch >= batches)
            return json_check_fail(&l->check, member_of(obj, "batch"), JSON_CHECK_AT_VALUE,
                                   "\"%s\" has %zu batch%s (after repeat): 0 to %zu", w->writer,
                                   batches, batches == 1 ? "" : "es", batches - 1);
    }
    list = member_of(expect, "order");
    for (size_t i = 0; i < e->order_count; i++) {
        const json_doc_node *obj = json_doc_at(list, i);
        if (!scenario_check_event_spec_refs(l, &e->order[i].before, member_of(obj, "before")) ||
            !scenario_check_event_spec_refs(l, &e->order[i].after, member_of(obj, "after")))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- free */

void scenario_event_spec_free(scenario_event_spec *s)
{
    for (size_t i = 0; i < s->filter_count; i++) {
        free(s->filters[i].key);
        free(s->filters[i].text);
    }
    free(s->filters);
    free(s->text);
}

void scenario_expect_free_events(scenario_expect *e)
{
    free(e->transitions);
    free(e->wal_records);
    free(e->writes);
    for (size_t i = 0; i < e->order_count; i++) {
        scenario_event_spec_free(&e->order[i].before);
        scenario_event_spec_free(&e->order[i].after);
    }
    free(e->order);
}
