/*
 * test_policy.c — the policy-name table and building a run's policy
 * (sim/lab/policy.c), and replaying recorded decisions through
 * run_config_replay (sim/lab/run.c).
 *
 * Goal: every policy has one name that prints and parses back the same
 * way everywhere — scenario.c's table (which scenario files are read
 * with), explore's kinds, the scheduler's policy objects, whose names go
 * into trace headers — and a run_config built by run_config_replay reproduces
 * the run it was recorded from, whether the picks are fiber names or ids.
 *
 * Method: round-trip every enum value through the table and compare with
 * scenario_policy_name and with the name of the policy policy_create
 * builds (and "forced" when it follows recorded picks); check that names
 * of the other kind are refused.  Then run a small scenario of three
 * writers under a random seed, replay its picks by name and by id with
 * fifo as the fallback (the picks alone must decide), and compare the
 * decisions, outcome and counts; a truncated pick list is followed as far
 * as it goes, then fifo finishes the run.
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
    run_config_replay(&cfg, sc, (run_picks){.names = names, .count = 2}, all_policies[_i], 3, "x");
    p = policy_create(&cfg);
    ck_assert_str_eq(p->name, "forced");
    p->destroy(p);
    scenario_free(sc);
}
END_TEST

START_TEST(test_replay_config_fields)
{
    scenario *sc = load_three();
    static const char *const names[] = {"w1", "w2", "w1"};
    static const uint32_t ids[] = {1, 2};
    run_config cfg;
    run_config_replay(&cfg, sc, (run_picks){.names = names, .count = 3}, SCENARIO_POLICY_FIFO, 42,
                      "minimized");
    ck_assert_ptr_eq(cfg.sc, sc);
    ck_assert_int_eq(cfg.policy, SCENARIO_POLICY_FIFO);
    ck_assert_uint_eq(cfg.seed, 42);
    ck_assert_ptr_eq(cfg.forced_names, names);
    ck_assert_uint_eq(cfg.forced_name_count, 3);
    ck_assert_ptr_null(cfg.forced);
    ck_assert_uint_eq(cfg.forced_count, 0);
    ck_assert_str_eq(cfg.policy_label, "minimized");
    ck_assert(cfg.trace_decisions);
    ck_assert_uint_eq(cfg.pct_depth, sc->schedule.pct_depth);
    run_config_replay(&cfg, sc, (run_picks){.ids = ids, .count = 2}, SCENARIO_POLICY_RANDOM, 7, NULL);
    ck_assert_ptr_eq(cfg.forced, ids);
    ck_assert_uint_eq(cfg.forced_count, 2);
    ck_assert_ptr_null(cfg.forced_names);
    ck_assert_uint_eq(cfg.forced_name_count, 0);
    ck_assert_ptr_null(cfg.policy_label);
    /* No picks: a plain run of the fallback policy. */
    run_config_replay(&cfg, sc, (run_picks){0}, SCENARIO_POLICY_PCT, 5, NULL);
    ck_assert_ptr_null(cfg.forced);
    ck_assert_ptr_null(cfg.forced_names);
    ck_assert_int_eq(cfg.policy, SCENARIO_POLICY_PCT);
    scenario_free(sc);
}
END_TEST

static void check_same_run(const run_result *a, const run_result *b)
{
    ck_assert_int_eq(a->outcome, b->outcome);
    ck_assert_uint_eq(a->steps, b->steps);
    ck_assert_uint_eq(a->groups, b->groups);
    ck_assert_uint_eq(a->pick_count, b->pick_count);
    for (size_t i = 0; i < a->pick_count; i++)
        ck_assert_msg(a->picks[i] == b->picks[i], "decision %zu differs", i);
}

/* Recorded under random seed 11, replayed with fifo after the picks: the
 * picks alone decide, whether given by name or by id.  The seed stays 11:
 * it also seeds the device and the fibers' own random streams. */
START_TEST(test_replay_reproduces_the_run)
{
    scenario *sc = load_three();
    run_config cfg;
    run_config_default(&cfg, sc);
    cfg.policy = SCENARIO_POLICY_RANDOM;
    cfg.seed = 11;
    run_result rec;
    ck_assert(run_scenario(&cfg, &rec));
    ck_assert(rec.passed);
    ck_assert_uint_gt(rec.pick_count, 10);
    ck_assert_uint_gt(rec.preemptions, 0); /* else fifo alone would reproduce it */
    const char **names = malloc(rec.pick_count * sizeof *names);
    for (size_t i = 0; i < rec.pick_count; i++) names[i] = rec.fiber_names[rec.picks[i]];

    run_result by_name, by_id;
    run_config_replay(&cfg, sc, (run_picks){.names = names, .count = rec.pick_count},
                      SCENARIO_POLICY_FIFO, 11, NULL);
    ck_assert(run_scenario(&cfg, &by_name));
    run_config_replay(&cfg, sc, (run_picks){.ids = rec.picks, .count = rec.pick_count},
                      SCENARIO_POLICY_FIFO, 11, NULL);
    ck_assert(run_scenario(&cfg, &by_id));
    check_same_run(&rec, &by_name);
    check_same_run(&rec, &by_id);
    ck_assert_uint_eq(by_name.divergences, 0);
    ck_assert_uint_eq(by_id.divergences, 0);

    /* Half the picks, then fifo: the recorded half is followed exactly. */
    run_result half;
    run_config_replay(&cfg, sc, (run_picks){.names = names, .count = rec.pick_count / 2},
                      SCENARIO_POLICY_FIFO, 11, NULL);
    ck_assert(run_scenario(&cfg, &half));
    ck_assert_int_eq(half.outcome, SCHED_COMPLETED);
    ck_assert(half.passed);
    ck_assert_uint_eq(half.divergences, 0);
    for (size_t i = 0; i < rec.pick_count / 2; i++) ck_assert_uint_eq(half.picks[i], rec.picks[i]);
    free(names);
    run_result_free(&half);
    run_result_free(&by_id);
    run_result_free(&by_name);
    run_result_free(&rec);
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
    TCase *replay = tcase_create("replay");
    tcase_add_test(replay, test_replay_config_fields);
    tcase_add_test(replay, test_replay_reproduces_the_run);
    suite_add_tcase(s, replay);
    return s;
}

int main(void)
{
    return wt_run_suite(policy_suite());
}
