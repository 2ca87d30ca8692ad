/*
 * scenario_goals.c — the scenario schema's "goals": what a learner
 * stepping the scenario by hand (`wtlab step`) tries to make happen.
 *
 * "goals": [{"text": "make w2 lead a group of five",
 *            "leader": "w2", "group_size": 5}, ...]
 * Each goal has a text and exactly one kind:
 *   "leader" (+ optional "group_size"): a group led by that writer forms
 *       (of exactly that many members);
 *   "writer" + "state": that writer enters that state;
 *   "invariant": the run fails that invariant ("deadlock" included).
 * Writer names are checked once all writers are known.  Goals change
 * nothing in a run; only `wtlab step` reads them (step_goals.c).
 */
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"

typedef struct goal_fields {
    char *text, *leader, *writer, *state, *invariant;
    uint64_t group_size;
} goal_fields;

static const json_check_field goal_table[] = {
    {F_STR(goal_fields, "text", text, 1), .required = true},
    {F_STR(goal_fields, "leader", leader, 1)},
    {F_U64(goal_fields, "group_size", group_size, 1)},
    {F_STR(goal_fields, "writer", writer, 1)},
    {F_STR(goal_fields, "state", state, 1)},
    {F_STR(goal_fields, "invariant", invariant, 1)},
};

static void free_fields(goal_fields *f)
{
    free(f->text);
    free(f->leader);
    free(f->writer);
    free(f->state);
    free(f->invariant);
}

/* The one kind the fields name, filled into g; false with a message. */
static bool take_kind(json_check *c, const json_doc_node *v, goal_fields *f, scenario_goal *g)
{
    int kinds = (f->leader != NULL) + (f->writer != NULL || f->state != NULL) +
                (f->invariant != NULL);
    if (kinds != 1)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "a goal names exactly one of \"leader\" (a group), \"writer\" + "
                               "\"state\", or \"invariant\"");
    if (f->group_size != 0 && f->leader == NULL)
        return json_check_fail(c, json_doc_get(v, "group_size"), JSON_CHECK_AT_KEY,
                               "\"group_size\" goes with \"leader\"");
    g->group_size = f->group_size;
    if (f->leader != NULL) {
        g->kind = SCENARIO_GOAL_GROUP;
        if (!scenario_check_name(c, json_doc_get(v, "leader"), g->writer)) return false;
    } else if (f->invariant != NULL) {
        g->kind = SCENARIO_GOAL_INVARIANT;
        g->invariant = f->invariant;
        f->invariant = NULL;
    } else {
        g->kind = SCENARIO_GOAL_STATE;
        if (f->writer == NULL || f->state == NULL)
            return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                                   "a state goal needs both \"writer\" and \"state\"");
        if (!scenario_check_name(c, json_doc_get(v, "writer"), g->writer) ||
            !scenario_check_state(c, json_doc_get(v, "state"), &g->state))
            return false;
    }
    g->text = f->text;
    f->text = NULL;
    return true;
}

bool scenario_goals_parse(json_check *c, const json_doc_node *v, void *member)
{
    (void)member;
    scenario *s = scenario_loader_of(c)->s;
    size_t n;
    if (!json_check_array(c, v, true, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *s->goals, (void **)&s->goals))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *e = json_doc_at(v, i);
        goal_fields f = {0};
        scenario_goal *g = &s->goals[s->goal_count++];
        bool ok = json_check_fields(c, e, goal_table, F_COUNT(goal_table), &f) &&
                  take_kind(c, e, &f, g);
        free_fields(&f);
        if (!ok) return false;
    }
    return true;
}

bool scenario_goals_check_refs(scenario_loader *l)
{
    const scenario *s = l->s;
    const json_doc_node *goals = json_doc_get(l->root, "goals");
    for (size_t i = 0; i < s->goal_count; i++) {
        const scenario_goal *g = &s->goals[i];
        if (g->kind == SCENARIO_GOAL_INVARIANT) continue;
        const json_doc_node *e = json_doc_at(goals, i);
        const json_doc_node *at = json_doc_get(e, g->kind == SCENARIO_GOAL_GROUP ? "leader" : "writer");
        if (!scenario_check_writer_ref(&l->check, s, g->writer, at, JSON_CHECK_AT_VALUE)) return false;
    }
    return true;
}

void scenario_goals_free(scenario *s)
{
    for (size_t i = 0; i < s->goal_count; i++) {
        free(s->goals[i].text);
        free(s->goals[i].invariant);
    }
    free(s->goals);
}
