/*
 * test_policy.c — the policy-name table and building a run's policy
 * (sim/lab/policy.c).
 *
 * Goal: every policy has one name that prints and parses back the same
 * way everywhere — the table, scenario files (scenario.c's loader still
 * has its own copy), the scheduler's policy objects, whose names go into
 * trace headers.
 *
 * Method: round-trip every enum value through the table and compare with
 * scenario_policy_name and with the name of the policy policy_create
 * builds (and "forced" when it follows recorded picks); check that names
 * of the other kind are refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "policy.h"
#include "run.h"
#include "scenario.h"

static const char *const scenario_text =
    "{\"name\": \"three\", \"writers\": ["
    "{\"name\": \"w1\", \"batches\": [{\"puts\": 2}, {\"puts\": 1, \"sync\": true}]},"
    "{\"name\": \"w2\", \"batches\": [{\"puts\": 3}]},"
    "{\"name\": \"w3\", \"batches\": [{\"puts\": 1, \"sync\": true}, {\"puts\": 2}]}],"
    " \"schedule\": {\"policy\": \"explicit\", \"seed\": 9,"
    " \"decisions\": [\"w2\", {\"fiber\": \"w1\", \"steps\": 5}]}}";

static scenario *load_three(void)
{
    scenario_error err;
    scenario *sc = scenario_load_text("three.json", scenario_text, &err);
    ck_assert_msg(sc != NULL, "%s", err.text);
    return sc;
}

static const scenario_policy all_policies[] = {SCENARIO_POLICY_RANDOM, SCENARIO_POLICY_PCT,
                                               SCENARIO_POLICY_FIFO, SCENARIO_POLICY_EXPLICIT};
enum { POLICY_COUNT = sizeof all_policies / sizeof all_policies[0] };

START_TEST(test_scenario_names_round_trip)
{
    scenario_policy p = all_policies[_i];
    const char *name = policy_name(p);
    ck_assert_str_eq(name, scenario_policy_name(p));
    scenario_policy back = (scenario_policy)-1;
    ck_assert(policy_parse(name, &back));
    ck_assert_int_eq(back, p);
}
END_TEST

START_TEST(test_explore_names_round_trip)
{
    static const explore_kind kinds[] = {EXPLORE_RANDOM, EXPLORE_PCT, EXPLORE_DFS};
    static const char *const names[] = {"random", "pct", "dfs"};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(policy_explore_name(kinds[i]), names[i]);
        explore_kind back = (explore_kind)-1;
        ck_assert(policy_parse_explore(names[i], &back));
        ck_assert_int_eq(back, kinds[i]);
    }
}
END_TEST

START_TEST(test_unknown_names_refused)
{
    scenario_policy p = SCENARIO_POLICY_PCT;
    explore_kind k = EXPLORE_PCT;
    static const char *const not_policies[] = {"dfs", "minimized", "forced", "", "Random", "fifo "};
    for (size_t i = 0; i < sizeof not_policies / sizeof not_policies[0]; i++)
        ck_assert_msg(!policy_parse(not_policies[i], &p), "\"%s\" parsed", not_policies[i]);
    ck_assert_int_eq(p, SCENARIO_POLICY_PCT); /* untouched */
    static const char *const not_kinds[] = {"fifo", "explicit", "minimized", "", "DFS"};
    for (size_t i = 0; i < sizeof not_kinds / sizeof not_kinds[0]; i++)
        ck_assert_msg(!policy_parse_explore(not_kinds[i], &k), "\"%s\" parsed", not_kinds[i]);
    ck_assert_int_eq(k, EXPLORE_PCT);
}
END_TEST

/* The scheduler names its policy objects itself; they must match. */
START_TEST(test_created_policy_carries_the_name)
{
    scenario *sc = load_three();
    run_config cfg;
    run_config_default(&cfg, sc);
    cfg.policy = all_policies[_i];
    sched_policy *p = policy_create(&cfg);
    ck_assert_str_eq(p->name, policy_name(all_policies[_i]));
    p->destroy(p);
    static const char *const names[] = {"w1", "w2"};
    cfg.forced_names = names;
    cfg.forced_name_count = 2;
    p = policy_create(&cfg);
    ck_assert_str_eq(p->name, "forced");
    p->destroy(p);
    scenario_free(sc);
}
END_TEST

static Suite *policy_suite(void)
{
    Suite *s = suite_create("policy");
    TCase *names = tcase_create("names");
    tcase_add_loop_test(names, test_scenario_names_round_trip, 0, POLICY_COUNT);
    tcase_add_test(names, test_explore_names_round_trip);
    tcase_add_test(names, test_unknown_names_refused);
    tcase_add_loop_test(names, test_created_policy_carries_the_name, 0, POLICY_COUNT);
    suite_add_tcase(s, names);
    return s;
}

int main(void)
{
    return wt_run_suite(policy_suite());
}
