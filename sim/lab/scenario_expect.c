/*
 * scenario_expect.c — the "expect" section of a scenario: final contents,
 * statuses per writer, write groups, counts, deadlock, states visited and
 * the invariant a bug lesson must fail.
 *
 * Loading runs in two steps because "expect" may name writers before
 * "writers" has been read: scenario_expect_parse checks shapes and
 * values in document order; scenario_expect_check_refs, called once the
 * whole file is read, checks every writer name and that each writer's
 * status list has one entry per batch after "repeat".
 *
 * Not thread-safe per load (see scenario_schema.h).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"

/* {"KEY": "VALUE" or null}: member is the scenario_expect. */
static bool parse_contents(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    if (!json_check_object(c, v) ||
        !scenario_alloc_array(c, v, v->child_count, sizeof *e->contents, (void **)&e->contents))
        return false;
    for (size_t i = 0; i < v->child_count; i++) {
        const json_doc_node *m = json_doc_at(v, i);
        scenario_expect_key *k = &e->contents[e->content_count++];
        if (m->type != JSON_DOC_NULL && m->type != JSON_DOC_STRING)
            return json_check_fail(c, m, JSON_CHECK_AT_VALUE,
                                   "expected a string (the value) or null (absent), got %s",
                                   json_check_type_name(m));
        if (m->type == JSON_DOC_STRING && !json_check_string(c, m, false, &k->value)) return false;
        if ((k->key = strdup(m->key)) == NULL) return json_check_fail_oom(c, m);
    }
    return true;
}

static bool check_status(json_check *c, const json_doc_node *v, wt_status *out)
{
    const char *names[WT_STATUS_COUNT];
    for (size_t i = 0; i < WT_STATUS_COUNT; i++) names[i] = wt_status_name((wt_status)i);
    size_t k;
    if (!json_check_enum(c, v, names, WT_STATUS_COUNT, "status", &k)) return false;
    bool ok = wt_status_parse(names[k], out);
    assert(ok && *out == (wt_status)k);
    return ok;
}

/* {"WRITER": ["ok", ...]}: member is the scenario_expect. */
static bool parse_status(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    if (!json_check_object(c, v) ||
        !scenario_alloc_array(c, v, v->child_count, sizeof *e->statuses, (void **)&e->statuses))
        return false;
    for (size_t w = 0; w < v->child_count; w++) {
        const json_doc_node *m = json_doc_at(v, w);
        scenario_expect_status *st = &e->statuses[e->status_count++];
        char shown[JSON_CHECK_SHOW_MAX + 4];
        size_t n;
        if (!scenario_valid_name(m->key))
            return json_check_fail(c, m, JSON_CHECK_AT_KEY, "invalid writer name \"%s\"",
                                   json_check_show(m->key, shown));
        strcpy(st->writer, m->key);
        if (!json_check_array(c, m, false, &n) ||
            !scenario_alloc_array(c, m, n, sizeof *st->statuses, (void **)&st->statuses))
            return false;
        st->count = n;
        for (size_t i = 0; i < n; i++) {
            if (!check_status(c, json_doc_at(m, i), &st->statuses[i])) return false;
        }
    }
    return true;
}

/* ["LEADER", "MEMBER", ...]: member is the scenario_expect_group. */
static bool parse_members(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect_group *g = member;
    size_t n;
    if (!json_check_array(c, v, true, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *g->members, (void **)&g->members))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *name = json_doc_at(v, i);
        if (!scenario_check_name(c, name, g->members[i])) return false;
        g->member_count = i + 1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(g->members[j], g->members[i]) == 0)
                return json_check_fail(c, name, JSON_CHECK_AT_VALUE, "\"%s\" is listed twice",
                                       g->members[i]);
        }
    }
    return true;
}

static const json_check_field group_fields[] = {
    {F_NAME(scenario_expect_group, "leader", leader), .required = true},
    {F_WHOLE("members", parse_members), .required = true},
};

/* [{"leader": ..., "members": [...]}, ...]: member is the scenario_expect. */
static bool parse_groups(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->groups, (void **)&e->groups))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *obj = json_doc_at(v, i);
        scenario_expect_group *g = &e->groups[i];
        e->group_count = i + 1;
        if (!json_check_fields(c, obj, group_fields, F_COUNT(group_fields), g)) return false;
        if (strcmp(g->members[0], g->leader) != 0)
            return json_check_fail(c, json_doc_at(json_doc_get(obj, "members"), 0),
                                   JSON_CHECK_AT_VALUE,
                                   "the first member must be the leader \"%s\" (members are "
                                   "listed oldest first)",
                                   g->leader);
    }
    return true;
}

/* ["STATE", ...]: member is the scenario_expect. */
static bool parse_states_visited(json_check *c, const json_doc_node *v, void *member)
{
    scenario_expect *e = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *e->states_visited, (void **)&e->states_visited))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *state = json_doc_at(v, i);
        uint32_t bit;
        if (!scenario_check_state(c, state, &bit)) return false;
        e->states_visited[i] = strdup(wt_state_name(bit));
        e->states_visited_count = i + 1;
        if (e->states_visited[i] == NULL) return json_check_fail_oom(c, state);
    }
    return true;
}

static const json_check_field expect_fields[] = {
    {F_WHOLE("contents", parse_contents)},
    {F_BOOL(scenario_expect, "contents_exact", contents_exact)},
    {F_WHOLE("status", parse_status)},
    {F_WHOLE("groups", parse_groups)},
    {F_NUM(JSON_CHECK_I64, scenario_expect, "group_count", group_count_total, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect, "max_group_size", max_group_size, 0, INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect, "min_largest_group", min_max_group_size, 0,
           INT64_MAX)},
    {F_NUM(JSON_CHECK_I64, scenario_expect, "last_sequence", last_sequence, 0, INT64_MAX)},
    {F_BOOL(scenario_expect, "deadlock", deadlock)},
    {F_WHOLE("states_visited", parse_states_visited)},
    {F_STR(scenario_expect, "failed_invariant", failed_invariant, 1)},
    {F_WHOLE("transitions", scenario_expect_parse_transitions)},
    {F_WHOLE("wal", scenario_expect_parse_wal)},
    {F_WHOLE("writes", scenario_expect_parse_writes)},
    {F_WHOLE("order", scenario_expect_parse_order)},
    {F_WHOLE("reads", scenario_expect_parse_reads)},
};

bool scenario_expect_parse(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, expect_fields, F_COUNT(expect_fields), member);
}

/* Each status list names a writer and has one status per batch. */
static bool check_status_refs(scenario_loader *l, const json_doc_node *status)
{
    const scenario *s = l->s;
    const scenario_expect *e = &s->expect;
    assert(status->child_count == e->status_count);
    for (size_t i = 0; i < e->status_count; i++) {
        const scenario_expect_status *st = &e->statuses[i];
        const json_doc_node *m = json_doc_at(status, i);
        if (!scenario_check_writer_ref(&l->check, s, st->writer, m, JSON_CHECK_AT_KEY))
            return false;
        size_t want = s->writers[scenario_writer_index(s, st->writer)].batch_count;
        if (st->count != want)
            return json_check_fail(&l->check, m, JSON_CHECK_AT_VALUE,
                                   "expected %zu statuses (one per batch of \"%s\", after "
                                   "repeat), got %zu",
                                   want, st->writer, st->count);
    }
    return true;
}

/* Each group's leader and members are writers. */
static bool check_group_refs(scenario_loader *l, const json_doc_node *groups)
{
    const scenario *s = l->s;
    const scenario_expect *e = &s->expect;
    assert(groups->child_count == e->group_count);
    for (size_t i = 0; i < e->group_count; i++) {
        const scenario_expect_group *g = &e->groups[i];
        const json_doc_node *obj = json_doc_at(groups, i);
        const json_doc_node *members = json_doc_get(obj, "members");
        if (!scenario_check_writer_ref(&l->check, s, g->leader, json_doc_get(obj, "leader"),
                                       JSON_CHECK_AT_VALUE))
            return false;
        for (size_t m = 0; m < g->member_count; m++) {
            if (!scenario_check_writer_ref(&l->check, s, g->members[m], json_doc_at(members, m),
                                           JSON_CHECK_AT_VALUE))
                return false;
        }
    }
    return true;
}

bool scenario_expect_check_refs(scenario_loader *l)
{
    const scenario_expect *e = &l->s->expect;
    const json_doc_node *expect = json_doc_get(l->root, "expect");
    if (expect == NULL) return true;
    assert(expect->type == JSON_DOC_OBJECT);
    const json_doc_node *status = json_doc_get(expect, "status");
    const json_doc_node *groups = json_doc_get(expect, "groups");
    if (status != NULL && !check_status_refs(l, status)) return false;
    assert(groups != NULL || e->group_count == 0);
    if (groups != NULL && !check_group_refs(l, groups)) return false;
    return scenario_expect_check_event_refs(l, expect) &&
           scenario_expect_check_read_refs(l, expect);
}
