/*
 * scenario_reads.c — "reads" of a scenario's "expect": gets and snapshots
 * taken while the run goes, with the value they must see.
 *
 *   {"get": KEY, "at": AT, "expect": VALUE or null, "snapshot": false}
 *
 * AT is a fiber waiting at a sync point, optionally from a step condition
 * on (its arrivals are counted from there), or, for a snapshot, a step
 * condition alone:
 *
 *   {"fiber": F, "sync_point": P, "occurrence": N}    ("writer" for "fiber")
 *   {"fiber": F, "sync_point": P, "after": EVENT, "nth": K}
 *   {"fiber": F, "sync_point": P, "step": S}
 *   {"after": EVENT, "nth": K}  or  {"step": S}      (snapshots only)
 *
 * EVENT is expect.order's event spec ("wal_append group=2"); the read
 * starts from the K-th event matching it (default 1).  A get needs a fiber
 * stopped at a sync point: the reader's Get takes several scheduling steps
 * and only a fiber held at a sync point stands still meanwhile.
 *
 * Shapes are checked in document order; fiber names, sync points, the
 * event's names, the fiber name "reader" and clashes with pins once the
 * whole file is read (scenario_expect_check_read_refs).  Not thread-safe
 * per load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"

/* "at" as written: "writer" and "fiber" are the same thing, one of them. */
typedef struct at_fields {
    char writer[SCENARIO_MAX_NAME], fiber[SCENARIO_MAX_NAME];
    scenario_read *r;
} at_fields;

static bool parse_sync_point(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_string(c, v, true, &((at_fields *)member)->r->sync_point);
}

static bool parse_occurrence(json_check *c, const json_doc_node *v, void *member)
{
    int64_t n;
    if (!json_check_int(c, v, 1, INT64_MAX, &n)) return false;
    ((at_fields *)member)->r->occurrence = (uint64_t)n;
    return true;
}

static bool parse_nth(json_check *c, const json_doc_node *v, void *member)
{
    int64_t n;
    if (!json_check_int(c, v, 1, INT64_MAX, &n)) return false;
    ((at_fields *)member)->r->nth = (uint64_t)n;
    return true;
}

static bool parse_step(json_check *c, const json_doc_node *v, void *member)
{
    int64_t n;
    if (!json_check_int(c, v, 1, INT64_MAX, &n)) return false;
    ((at_fields *)member)->r->step = (uint64_t)n;
    return true;
}

/* "after": an event to start from; "last" is only known at the end. */
static bool parse_after(json_check *c, const json_doc_node *v, void *member)
{
    scenario_read *r = ((at_fields *)member)->r;
    r->has_after = true;
    if (!scenario_parse_event_spec(c, v, &r->after)) return false;
    if (r->after.last)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "\"last\" is known only when the run ends, too late to read: "
                               "name the event by its fields, or count with \"nth\"");
    return true;
}

static const json_check_field at_table[] = {
    {F_NAME(at_fields, "writer", writer)},
    {F_NAME(at_fields, "fiber", fiber)},
    {F_WHOLE("sync_point", parse_sync_point)},
    {F_WHOLE("occurrence", parse_occurrence)},
    {F_WHOLE("after", parse_after)},
    {F_WHOLE("nth", parse_nth)},
    {F_WHOLE("step", parse_step)},
};

/* The keys of "at" that go together; false with a message at the key. */
static bool check_at_shape(json_check *c, const json_doc_node *at, const at_fields *f)
{
    const json_doc_node *writer = json_doc_get(at, "writer"), *fiber = json_doc_get(at, "fiber");
    const json_doc_node *sp = json_doc_get(at, "sync_point"), *after = json_doc_get(at, "after");
    const json_doc_node *step = json_doc_get(at, "step");
    if (writer != NULL && fiber != NULL)
        return json_check_fail(c, fiber, JSON_CHECK_AT_KEY,
                               "\"writer\" and \"fiber\" say the same: give one of them");
    if ((writer || fiber) && sp == NULL)
        return json_check_fail_missing(c, at, "sync_point",
                                       "required with \"%s\": the point where it waits for the "
                                       "read",
                                       writer ? "writer" : "fiber");
    if (sp != NULL && writer == NULL && fiber == NULL)
        return json_check_fail_missing(c, at, "fiber",
                                       "required with \"sync_point\": the fiber (or \"writer\") "
                                       "that waits there");
    if (after != NULL && step != NULL)
        return json_check_fail(c, step, JSON_CHECK_AT_KEY, "cannot be combined with \"after\"");
    if (json_doc_get(at, "nth") != NULL && after == NULL)
        return json_check_fail(c, json_doc_get(at, "nth"), JSON_CHECK_AT_KEY,
                               "goes with \"after\" (the nth event matching it)");
    if (json_doc_get(at, "occurrence") != NULL && sp == NULL)
        return json_check_fail(c, json_doc_get(at, "occurrence"), JSON_CHECK_AT_KEY,
                               "goes with \"sync_point\" (the nth arrival there)");
    if (sp == NULL && after == NULL && step == NULL)
        return json_check_fail(c, at, JSON_CHECK_AT_VALUE,
                               "expected {\"fiber\": F, \"sync_point\": P} (a fiber waiting at a "
                               "sync point) and/or a step condition, \"after\": EVENT or "
                               "\"step\": N");
    snprintf(f->r->fiber, sizeof f->r->fiber, "%s", writer ? f->writer : f->fiber);
    return true;
}

/* "at": member is the scenario_read. */
static bool parse_at(json_check *c, const json_doc_node *v, void *member)
{
    at_fields f = {.r = member};
    return json_check_fields(c, v, at_table, F_COUNT(at_table), &f) && check_at_shape(c, v, &f);
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
        const json_doc_node *obj = json_doc_at(v, i);
        r->occurrence = 1;
        r->nth = 1;
        e->read_count = i + 1;
        if (!json_check_fields(c, obj, read_fields, F_COUNT(read_fields), r)) return false;
        if (r->sync_point == NULL && !r->snapshot)
            return json_check_fail(c, json_doc_get(obj, "at"), JSON_CHECK_AT_VALUE,
                                   "a get needs a fiber waiting at a sync point: add \"fiber\" "
                                   "and \"sync_point\" (with a step condition, its first "
                                   "arrival there from then on), or make it \"snapshot\": true");
    }
    return true;
}

/* The read's fiber, sync point and event refer to things that exist. */
static bool check_at_refs(scenario_loader *l, const scenario_read *r, const json_doc_node *at)
{
    const json_doc_node *who = json_doc_get(at, "fiber");
    const char *what = who ? "fiber" : "writer";
    if (who == NULL) who = json_doc_get(at, "writer");
    if (r->sync_point != NULL &&
        (!scenario_check_fiber_ref(&l->check, l->s, r->fiber, who, what, false) ||
         !scenario_check_sync_point(&l->check, json_doc_get(at, "sync_point"), r->sync_point)))
        return false;
    return !r->has_after ||
           scenario_check_event_spec_refs(l, &r->after, json_doc_get(at, "after"));
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
        if (!check_at_refs(l, r, at)) return false;
        if (r->snapshot && s->crash.when != SCENARIO_CRASH_NONE)
            return json_check_fail(c, json_doc_get(obj, "snapshot"), JSON_CHECK_AT_VALUE,
                                   "a snapshot does not survive a crash: snapshot reads need a "
                                   "scenario without \"crash\"");
        for (size_t p = 0; !r->snapshot && p < s->schedule.pin_count; p++) {
            const scenario_pin *pin = &s->schedule.pins[p];
            if (strcmp(pin->hold, r->fiber) == 0 && strcmp(pin->at, r->sync_point) == 0)
                return json_check_fail(c, json_doc_get(at, "sync_point"), JSON_CHECK_AT_VALUE,
                                       "schedule.pins[%zu] holds \"%s\" at this sync point "
                                       "too: read at another one",
                                       p, r->fiber);
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
        if (e->reads[i].has_after) scenario_event_spec_free(&e->reads[i].after);
    }
    free(e->reads);
}
