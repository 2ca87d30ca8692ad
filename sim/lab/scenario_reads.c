/*
 * scenario_reads.c — "reads" of a scenario's "expect": gets and snapshots
 * taken while the run goes, each at a writer's arrival at a sync point,
 * with the value they must see.
 *
 *   {"get": KEY, "at": {"writer": W, "sync_point": P, "occurrence": N},
 *    "expect": VALUE or null, "snapshot": false}
 *
 * Shapes are checked in document order; the writer, the sync point, the
 * fiber name "reader" and clashes with pins once the whole file is read
 * (scenario_expect_check_read_refs).  Not thread-safe per load.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"

static const json_check_field at_fields[] = {
    {F_NAME(scenario_read, "writer", writer), .required = true},
    {F_STR(scenario_read, "sync_point", sync_point, 1), .required = true},
    {F_U64(scenario_read, "occurrence", occurrence, 1)},
};

/* "at": member is the scenario_read. */
static bool parse_at(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, at_fields, F_COUNT(at_fields), member);
}

/* "expect": a string (the value) or null (absent); member: the read. */
static bool parse_value(json_check *c, const json_doc_node *v, void *member)
{
    scenario_read *r = member;
    if (v->type == JSON_DOC_NULL) return true;
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected a string (the value) or null (absent), got %s",
                               json_check_type_name(v));
    return json_check_string(c, v, false, &r->value);
}

static const json_check_field read_fields[] = {
    {F_STR(scenario_read, "get", key, 1), .required = true},
    {F_WHOLE("at", parse_at), .required = true},
    {F_WHOLE("expect", parse_value), .required = true},
    {F_BOOL(scenario_read, "snapshot", snapshot)},
};

bool scenario_expect_parse_reads(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->reads, (void **)&e->reads))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_read *r = &e->reads[i];
        r->occurrence = 1;
        e->read_count = i + 1;
        if (!json_check_fields(c, json_doc_at(v, i), read_fields, F_COUNT(read_fields), r))
            return false;
    }
    return true;
}

bool scenario_expect_check_read_refs(scenario_loader *l, const json_doc_node *expect)
{
    const scenario *s = l->s;
    const scenario_expect *e = &s->expect;
    json_check *c = &l->check;
    const json_doc_node *list = json_doc_get(expect, "reads");
    for (size_t i = 0; i < e->read_count; i++) {
        const scenario_read *r = &e->reads[i];
        const json_doc_node *obj = json_doc_at(list, i), *at = json_doc_get(obj, "at");
        if (!scenario_check_writer_ref(c, s, r->writer, json_doc_get(at, "writer"),
                                       JSON_CHECK_AT_VALUE) ||
            !scenario_check_sync_point(c, json_doc_get(at, "sync_point"), r->sync_point))
            return false;
        if (r->snapshot && s->crash.when != SCENARIO_CRASH_NONE)
            return json_check_fail(c, json_doc_get(obj, "snapshot"), JSON_CHECK_AT_VALUE,
                                   "a snapshot does not survive a crash: snapshot reads need a "
                                   "scenario without \"crash\"");
        for (size_t p = 0; !r->snapshot && p < s->schedule.pin_count; p++) {
            const scenario_pin *pin = &s->schedule.pins[p];
            if (strcmp(pin->hold, r->writer) == 0 && strcmp(pin->at, r->sync_point) == 0)
                return json_check_fail(c, json_doc_get(at, "sync_point"), JSON_CHECK_AT_VALUE,
                                       "schedule.pins[%zu] holds \"%s\" at this sync point "
                                       "too: read at another one",
                                       p, r->writer);
        }
        if (!r->snapshot && scenario_writer_index(s, "reader") >= 0)
            return json_check_fail(c, obj, JSON_CHECK_AT_VALUE,
                                   "a get needs the sim's fiber \"reader\": rename the writer "
                                   "called \"reader\"");
    }
    return true;
}

void scenario_expect_free_reads(scenario_expect *e)
{
    for (size_t i = 0; i < e->read_count; i++) {
        free(e->reads[i].key);
        free(e->reads[i].value);
        free(e->reads[i].sync_point);
    }
    free(e->reads);
}
