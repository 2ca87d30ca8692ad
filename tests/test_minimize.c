/*
 * test_minimize.c — shrinking a failing run (sim/lab/minimize.c).
 *
 * Goal: the minimizer keeps the failure it was given and nothing else:
 * the result still fails the same invariant when replayed, is as small as
 * the failure allows, is the same for the same input, stays within its
 * budget, reports progress, and refuses input it cannot reproduce.
 *
 * Method: a scenario whose failure does not depend on the schedule —
 * three writers, and a pin that holds w1 at JoinBatchGroup:Start until w1
 * itself has finished, so every run deadlocks — is run once to record its
 * decisions, as a trace would.  Minimizing that "deadlock" must leave one
 * writer (w1, the held one), one batch of one op, and the pin (without it
 * nothing deadlocks); replaying the result into a memory trace must fail
 * with "deadlock" under the "minimized" policy label.  Then the edges: a
 * target the run does not fail, a budget of 0 and of 5, and text that is
 * not a scenario object.
 */
#define _GNU_SOURCE
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "minimize.h"
#include "run.h"
#include "scenario.h"
#include "trace.h"

static const char self_pin_text[] =
    "{\"name\": \"self-pin\",\n"
    " \"writers\": [\n"
    "  {\"name\": \"w1\", \"repeat\": 3, \"batches\": [{\"puts\": 2, \"sync\": true}, {\"puts\": 1}]},\n"
    "  {\"name\": \"w2\", \"repeat\": 3, \"batches\": [{\"puts\": 2, \"sync\": true}, {\"puts\": 1}]},\n"
    "  {\"name\": \"w3\", \"repeat\": 3, \"batches\": [{\"puts\": 2}]}],\n"
    " \"schedule\": {\"policy\": \"random\", \"seed\": 3,\n"
    "  \"pins\": [{\"hold\": \"w1\", \"at\": \"WriteThread::JoinBatchGroup:Start\",\n"
    "            \"until\": {\"writer\": \"w1\", \"finished\": true}}]}}\n";

/* The failing run as a trace would hold it: decisions by fiber name. */
typedef struct recorded {
    char **picks;
    size_t pick_count;
    uint64_t seed;
} recorded;

static recorded record_run(void)
{
    scenario_error err;
    scenario *sc = scenario_load_text("self-pin.json", self_pin_text, &err);
    ck_assert_msg(sc != NULL, "%s", err.text);
    run_config cfg;
    run_config_default(&cfg, sc);
    run_result r;
    ck_assert(run_scenario(&cfg, &r));
    ck_assert_ptr_nonnull(r.failed_invariant);
    ck_assert_str_eq(r.failed_invariant, "deadlock");
    recorded rec = {.pick_count = r.pick_count, .seed = cfg.seed};
    rec.picks = calloc(r.pick_count + 1, sizeof *rec.picks);
    ck_assert_ptr_nonnull(rec.picks);
    for (size_t i = 0; i < r.pick_count; i++) rec.picks[i] = strdup(r.fiber_names[r.picks[i]]);
    run_result_free(&r);
    scenario_free(sc);
    return rec;
}

static void recorded_free(recorded *rec)
{
    for (size_t i = 0; i < rec->pick_count; i++) free(rec->picks[i]);
    free(rec->picks);
}

static minimize_input input_of(const recorded *rec, const char *target, uint64_t budget)
{
    return (minimize_input){.scenario_text = self_pin_text,
                            .picks = (const char *const *)rec->picks,
                            .pick_count = rec->pick_count, .target = target, .seed = rec->seed,
                            .budget = budget};
}

typedef struct progress_log {
    size_t calls;
    uint64_t last_attempts;
    bool attempts_grew;        /* every report saw more runs than the one before */
    minimize_sizes last;
} progress_log;

static void note_progress(const minimize_progress *p, void *ctx)
{
    progress_log *log = ctx;
    if (log->calls > 0 && p->attempts <= log->last_attempts) log->attempts_grew = false;
    ck_assert_uint_le(p->attempts, p->budget);
    ck_assert_ptr_nonnull(p->pass);
    log->calls++;
    log->last_attempts = p->attempts;
    log->last = p->sizes;
}

START_TEST(test_shrinks_to_the_held_writer)
{
    recorded rec = record_run();
    progress_log log = {.attempts_grew = true};
    minimize_input in = input_of(&rec, "deadlock", MINIMIZE_DEFAULT_BUDGET);
    in.progress = note_progress;
    in.progress_ctx = &log;
    minimize_result m;
    ck_assert_int_eq(minimize_run(&in, &m), MINIMIZE_OK);
    ck_assert_uint_eq(m.before.writers, 3);
    ck_assert_uint_eq(m.before.batches, 15);
    ck_assert_uint_eq(m.before.decisions, rec.pick_count);
    ck_assert_uint_eq(m.after.writers, 1);
    ck_assert_uint_eq(m.after.batches, 1);
    ck_assert_uint_eq(m.after.ops, 1);
    ck_assert_uint_lt(m.after.decisions, m.before.decisions);
    ck_assert_uint_lt(m.after.steps, m.before.steps);
    ck_assert_uint_eq(m.after.decisions, m.pick_count);
    ck_assert_uint_gt(m.attempts, 1);
    ck_assert_uint_le(m.attempts, MINIMIZE_DEFAULT_BUDGET);
    /* Progress: reported, in order, ending at the result. */
    ck_assert_uint_gt(log.calls, 0);
    ck_assert(log.attempts_grew);
    ck_assert_uint_eq(log.last.writers, m.after.writers);
    ck_assert_uint_eq(log.last.decisions, m.after.decisions);
    /* The result keeps w1 and the pin that holds it. */
    json_t *tree = json_loads(m.scenario_text, 0, NULL);
    ck_assert_ptr_nonnull(tree);
    json_t *writers = json_object_get(tree, "writers");
    ck_assert_uint_eq(json_array_size(writers), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(writers, 0), "name")), "w1");
    json_t *schedule = json_object_get(tree, "schedule");
    ck_assert_uint_eq(json_array_size(json_object_get(schedule, "pins")), 1);
    json_decref(tree);
    /* Replayed, it fails the same way, and its trace says how it was made. */
    trace_sink *sink = trace_sink_memory();
    run_result r;
    ck_assert(minimize_replay(&m, "min.json", sink, &r));
    ck_assert_ptr_nonnull(r.failed_invariant);
    ck_assert_str_eq(r.failed_invariant, "deadlock");
    ck_assert_uint_eq(r.steps, m.after.steps);
    ck_assert_uint_gt(trace_sink_lines(sink), 1);
    ck_assert_ptr_nonnull(strstr(trace_sink_line(sink, 0), "\"policy\":\"minimized\""));
    run_result_free(&r);
    trace_sink_free(sink);
    minimize_result_free(&m);
    recorded_free(&rec);
}
END_TEST

START_TEST(test_same_input_same_result)
{
    recorded rec = record_run();
    minimize_input in = input_of(&rec, "deadlock", MINIMIZE_DEFAULT_BUDGET);
    minimize_result a, b;
    ck_assert_int_eq(minimize_run(&in, &a), MINIMIZE_OK);
    ck_assert_int_eq(minimize_run(&in, &b), MINIMIZE_OK);
    ck_assert_str_eq(a.scenario_text, b.scenario_text);
    ck_assert_uint_eq(a.pick_count, b.pick_count);
    for (size_t i = 0; i < a.pick_count; i++) ck_assert_str_eq(a.picks[i], b.picks[i]);
    ck_assert_uint_eq(a.seed, b.seed);
    ck_assert_uint_eq(a.attempts, b.attempts);
    minimize_result_free(&a);
    minimize_result_free(&b);
    recorded_free(&rec);
}
END_TEST

START_TEST(test_other_failure_not_reproduced)
{
    recorded rec = record_run();
    minimize_input in = input_of(&rec, "no_such_invariant", MINIMIZE_DEFAULT_BUDGET);
    minimize_result m;
    ck_assert_int_eq(minimize_run(&in, &m), MINIMIZE_NOT_REPRODUCED);
    ck_assert_uint_eq(m.attempts, 1);
    ck_assert_ptr_null(m.scenario_text);
    minimize_result_free(&m);
    recorded_free(&rec);
}
END_TEST

START_TEST(test_budget)
{
    recorded rec = record_run();
    minimize_input in = input_of(&rec, "deadlock", 0);
    minimize_result m;
    ck_assert_int_eq(minimize_run(&in, &m), MINIMIZE_NOT_REPRODUCED);
    ck_assert_uint_eq(m.attempts, 0);
    minimize_result_free(&m);
    in.budget = 5;
    ck_assert_int_eq(minimize_run(&in, &m), MINIMIZE_OK);
    ck_assert_uint_le(m.attempts, 5);
    ck_assert_uint_ge(m.after.writers, 1);
    ck_assert_uint_le(m.after.writers, m.before.writers);
    minimize_result_free(&m);
    recorded_free(&rec);
}
END_TEST

START_TEST(test_bad_input)
{
    minimize_input in = {.scenario_text = "[1, 2]", .target = "deadlock", .budget = 10};
    minimize_result m;
    ck_assert_int_eq(minimize_run(&in, &m), MINIMIZE_BAD_INPUT);
    ck_assert_uint_eq(m.attempts, 0);
    minimize_result_free(&m);
    in.scenario_text = "{not json";
    ck_assert_int_eq(minimize_run(&in, &m), MINIMIZE_BAD_INPUT);
    minimize_result_free(&m);
}
END_TEST

static Suite *minimize_suite(void)
{
    Suite *s = suite_create("minimize");
    TCase *t = tcase_create("minimize");
    tcase_add_test(t, test_shrinks_to_the_held_writer);
    tcase_add_test(t, test_same_input_same_result);
    tcase_add_test(t, test_other_failure_not_reproduced);
    tcase_add_test(t, test_budget);
    tcase_add_test(t, test_bad_input);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return wt_run_suite(minimize_suite());
}
