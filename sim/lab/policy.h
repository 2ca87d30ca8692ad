/*
 * policy.h — schedule policies by name, and building the one a run follows.
 *
 * The names of the lab's policies: the four a scenario's schedule can
 * name (scenario_policy: random, pct, fifo, explicit; spelled once, in
 * scenario.c's table) and the exhaustive search only `wtlab explore` runs
 * (dfs, a custom policy of explore.c).  A name maps to a scenario_policy,
 * to an explore_kind, or to both (random and pct are both).  Command-line
 * options, run summaries, trace headers read back for replay and
 * explore's saved files all print and parse names through here, and
 * policy_create asserts that the scheduler's policy objects carry the same
 * names, so the trace header cannot drift either.
 *
 * policy_create turns a run_config into a sched_policy: the base policy
 * (with the scenario's explicit decisions for "explicit"), wrapped in the
 * forced-picks policy when the config replays recorded decisions.
 *
 * The table is constant data; everything here is thread-safe except that
 * a created policy belongs to one run.
 */
#ifndef WT_SIM_POLICY_H
#define WT_SIM_POLICY_H

#include <stdbool.h>

#include "explore.h"
#include "run.h"
#include "scenario.h"
#include "scheduler.h"
#include "status.h"

/* The name of a scenario policy ("random", "pct", "fifo", "explicit").
 * p must be a scenario_policy value (asserted). */
const char *policy_name(scenario_policy p);

/* Parses a scenario policy name.  true: *out is set; false: name is no
 * scenario policy ("dfs", "minimized", a typo) and *out is untouched. */
WT_MUST_USE bool policy_parse(const char *name, scenario_policy *out);

/* The name of an explore kind ("random", "pct", "dfs"). */
const char *policy_explore_name(explore_kind k);

/* Parses an explore kind name; false (and *out untouched) when `wtlab
 * explore` cannot sweep with that policy ("fifo", "explicit", a typo). */
WT_MUST_USE bool policy_parse_explore(const char *name, explore_kind *out);

/* The policy c asks for (c->custom is the caller's business): a new
 * object the caller frees with p->destroy.  Follows c->forced or
 * c->forced_names first when set, then c->policy. */
sched_policy *policy_create(const run_config *c);

#endif
