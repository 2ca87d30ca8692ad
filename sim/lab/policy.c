/*
 * policy.c — the policy-name table and building a run's sched_policy.
 *
 * The scenario policies' names are scenario.c's table (scenario files
 * are where they are defined); explore_table maps each explore_kind to
 * one of them, or to explore's own "dfs".  Lookups are linear.
 * Constant data only; see policy.h.
 */
#include "policy.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum { NO_POLICY = -1 };

/* What `wtlab explore` can sweep: a scenario policy (named by the
 * scenario's table), or a policy of its own with its own name. */
static const struct explore_row {
    explore_kind kind;
    int policy;           /* a scenario_policy, or NO_POLICY */
    const char *own_name; /* when policy is NO_POLICY */
} explore_table[] = {
    {EXPLORE_RANDOM, SCENARIO_POLICY_RANDOM, NULL},
    {EXPLORE_PCT, SCENARIO_POLICY_PCT, NULL},
    {EXPLORE_DFS, NO_POLICY, "dfs"},
    {EXPLORE_DPOR, NO_POLICY, "dpor"},
    {EXPLORE_POS, NO_POLICY, "pos"},
};

enum { EXPLORE_ROWS = sizeof explore_table / sizeof explore_table[0] };

const char *policy_name(scenario_policy p)
{
    const char *name = scenario_policy_name(p);
    assert(strcmp(name, "unknown") != 0);
    return name;
}

bool policy_parse(const char *name, scenario_policy *out)
{
    assert(name != NULL);
    return scenario_policy_parse(name, out);
}

static const char *row_name(const struct explore_row *r)
{
    return r->policy == NO_POLICY ? r->own_name : policy_name((scenario_policy)r->policy);
}

const char *policy_explore_name(explore_kind k)
{
    for (size_t i = 0; i < EXPLORE_ROWS; i++)
        if (explore_table[i].kind == k) return row_name(&explore_table[i]);
    assert(!"an explore_kind without a row in explore_table");
    return "unknown";
}

bool policy_parse_explore(const char *name, explore_kind *out)
{
    assert(name != NULL);
    for (size_t i = 0; i < EXPLORE_ROWS; i++) {
        if (strcmp(row_name(&explore_table[i]), name) != 0) continue;
        *out = explore_table[i].kind;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------- building */

/* Runs the scenario's explicit decisions, then fifo. */
static sched_policy *explicit_policy(const scenario_schedule *sch)
{
    const char **names = malloc((sch->decision_count + 1) * sizeof *names);
    uint64_t *steps = malloc((sch->decision_count + 1) * sizeof *steps);
    assert(names != NULL);
    assert(steps != NULL);
    for (size_t i = 0; i < sch->decision_count; i++) {
        names[i] = sch->decisions[i].fiber;
        steps[i] = sch->decisions[i].steps;
    }
    sched_policy *p = sched_policy_explicit(names, steps, sch->decision_count, sched_policy_fifo());
    free(names);
    free(steps);
    return p;
}

sched_policy *policy_create(const run_config *c)
{
    assert(c != NULL);
    assert(c->sc != NULL);
    sched_policy *p;
    switch (c->policy) {
    case SCENARIO_POLICY_PCT:
        p = sched_policy_pct(c->seed, c->pct_depth ? c->pct_depth : 3,
                             c->pct_steps ? c->pct_steps : 2000);
        break;
    case SCENARIO_POLICY_FIFO:
        p = sched_policy_fifo();
        break;
    case SCENARIO_POLICY_EXPLICIT:
        p = explicit_policy(&c->sc->schedule);
        break;
    case SCENARIO_POLICY_RANDOM:
    default:
        p = sched_policy_random(c->seed);
        break;
    }
    /* The scheduler names its policies itself (trace headers show them). */
    assert(strcmp(p->name, policy_name(c->policy)) == 0);
    if (c->forced != NULL) p = sched_policy_forced(c->forced, c->forced_count, p);
    else if (c->forced_names != NULL)
        p = sched_policy_forced_names(c->forced_names, c->forced_name_count, p);
    return p;
}
