/*
 * policy.c — the policy-name table and building a run's sched_policy.
 *
 * Each row of the table is one name with what it means in each place a
 * policy is chosen: a scenario_policy (scenario files, `wtlab run`, trace
 * headers) and an explore_kind (`wtlab explore`), or NO_POLICY where the
 * name does not apply.  Lookups are linear: the table has five rows.
 * Constant data only; see policy.h.
 */
#include "policy.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum { NO_POLICY = -1 };

static const struct policy_row {
    const char *name;
    int policy;  /* a scenario_policy, or NO_POLICY */
    int explore; /* an explore_kind, or NO_POLICY */
} policy_table[] = {
    {"random", SCENARIO_POLICY_RANDOM, EXPLORE_RANDOM},
    {"pct", SCENARIO_POLICY_PCT, EXPLORE_PCT},
    {"fifo", SCENARIO_POLICY_FIFO, NO_POLICY},
    {"explicit", SCENARIO_POLICY_EXPLICIT, NO_POLICY},
    {"dfs", NO_POLICY, EXPLORE_DFS},
};

enum { POLICY_ROWS = sizeof policy_table / sizeof policy_table[0] };

const char *policy_name(scenario_policy p)
{
    for (size_t i = 0; i < POLICY_ROWS; i++)
        if (policy_table[i].policy == (int)p) return policy_table[i].name;
    assert(!"a scenario_policy without a name in policy_table");
    return "unknown";
}

bool policy_parse(const char *name, scenario_policy *out)
{
    assert(name != NULL);
    for (size_t i = 0; i < POLICY_ROWS; i++) {
        if (policy_table[i].policy == NO_POLICY || strcmp(policy_table[i].name, name) != 0)
            continue;
        *out = (scenario_policy)policy_table[i].policy;
        return true;
    }
    return false;
}

const char *policy_explore_name(explore_kind k)
{
    for (size_t i = 0; i < POLICY_ROWS; i++)
        if (policy_table[i].explore == (int)k) return policy_table[i].name;
    assert(!"an explore_kind without a name in policy_table");
    return "unknown";
}

bool policy_parse_explore(const char *name, explore_kind *out)
{
    assert(name != NULL);
    for (size_t i = 0; i < POLICY_ROWS; i++) {
        if (policy_table[i].explore == NO_POLICY || strcmp(policy_table[i].name, name) != 0)
            continue;
        *out = (explore_kind)policy_table[i].explore;
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
