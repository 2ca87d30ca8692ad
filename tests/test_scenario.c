/*
 * test_scenario.c — scenario loading (sim/lab/scenario*.c).  The JSON
 * parser and validator under it have their own tests (test_json.c).
 *
 * Goal: a scenario file means exactly what scenarios/README.md says, and
 * every mistake in one is reported as "FILE:LINE:COL: PATH: message" with
 * the right position, path and wording.
 *
 * Method: a fixture with every field set to a non-default value is loaded
 * and each field compared; a minimal one must come back with every
 * default.  Then tables of bad scenarios (files under
 * $WTLAB_TEST_DATA/scenarios/bad-*.json, and inline texts loaded with
 * scenario_load_text) are loaded, each checked against the exact expected
 * prefix of its error text; each table row is its own TAP test.
 *
 * WTLAB_TEST_DATA defaults to "tests/data" (running from the repo root).
 * Under valgrind: CK_FORK=no valgrind --leak-check=full tests/test_scenario.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
/* By path: no sim folder is on the include path of this pthreads-linked test. */
#include "../sim/lab/scenario.h"

static const char *data_dir(void)
{
    const char *d = getenv("WTLAB_TEST_DATA");
    return d != NULL && d[0] != '\0' ? d : "tests/data";
}

static void fixture_path(char *buf, size_t n, const char *file)
{
    int w = snprintf(buf, n, "%s/scenarios/%s", data_dir(), file);
    ck_assert(w > 0 && (size_t)w < n);
}

static scenario *load_fixture(const char *file)
{
    char path[1024];
    scenario_error err;
    fixture_path(path, sizeof path, file);
    scenario *s = scenario_load_file(path, &err);
    ck_assert_msg(s != NULL, "%s", err.text);
    return s;
}

static scenario *load_inline(const char *text)
{
    scenario_error err;
    scenario *s = scenario_load_text("inline.json", text, &err);
    ck_assert_msg(s != NULL, "%s", err.text);
    return s;
}

/* --------------------------------------------------------- good files */

static void check_full_options(const scenario *s)
{
    const wt_options *o = &s->options;
    ck_assert(o->create_if_missing);
    ck_assert(!o->allow_concurrent_memtable_write);
    ck_assert(o->enable_pipelined_write);
    ck_assert(!o->unordered_write);
    ck_assert(o->two_write_queues);
    ck_assert_uint_eq(o->max_write_batch_group_size_bytes, 4096);
    ck_assert(!o->enable_write_thread_adaptive_yield);
    ck_assert_uint_eq(o->write_thread_max_yield_usec, 50);
    ck_assert_uint_eq(o->write_thread_slow_yield_usec, 7);
    ck_assert_uint_eq(o->write_buffer_size, 65536);
    ck_assert_int_eq(o->max_write_buffer_number, 4);
    ck_assert_int_eq(o->wal_recovery_mode, WT_WAL_ABSOLUTE_CONSISTENCY);
    ck_assert(!o->paranoid_checks);
    const scenario_device *d = &s->device;
    ck_assert_uint_eq(d->append_ns, 100);
    ck_assert_uint_eq(d->append_ns_per_kib, 20);
    ck_assert_uint_eq(d->sync_ns, 5000);
    ck_assert_uint_eq(d->read_ns, 30);
    ck_assert_uint_eq(d->capacity_bytes, 1048576);
    ck_assert_uint_eq(d->fault_count, 2);
    ck_assert_int_eq(d->faults[0].op, SCENARIO_FAULT_SYNC);
    ck_assert_uint_eq(d->faults[0].nth, 2);
    ck_assert_int_eq(d->faults[0].error, WT_NO_SPACE);
    ck_assert_str_eq(d->faults[0].path_suffix, ".log");
    ck_assert(d->faults[0].sticky);
    ck_assert_int_eq(d->faults[1].op, SCENARIO_FAULT_APPEND);
    ck_assert_uint_eq(d->faults[1].nth, 1);
    ck_assert_int_eq(d->faults[1].error, WT_IO_ERROR);
    ck_assert_ptr_null(d->faults[1].path_suffix);
    ck_assert(!d->faults[1].sticky);
}

static void check_op(const scenario_op *op, scenario_op_kind kind, const char *key,
                     const char *value)
{
    ck_assert_int_eq(op->kind, kind);
    ck_assert_str_eq(op->key, key);
    if (value == NULL) ck_assert_ptr_null(op->value);
    else ck_assert_str_eq(op->value, value);
}

static void check_full_writers(const scenario *s)
{
    ck_assert_uint_eq(s->writer_count, 2);
    const scenario_writer *w1 = &s->writers[0], *w2 = &s->writers[1];
    ck_assert_str_eq(w1->name, "w1");
    ck_assert_uint_eq(w1->start_ns, 10);
    ck_assert_uint_eq(w1->batch_count, 1);
    const scenario_batch *b = &w1->batches[0];
    ck_assert_uint_eq(b->op_count, 4);
    check_op(&b->ops[0], SCENARIO_OP_PUT, "a", "1");
    check_op(&b->ops[1], SCENARIO_OP_DELETE, "b", NULL);
    check_op(&b->ops[2], SCENARIO_OP_SINGLE_DELETE, "c", NULL);
    check_op(&b->ops[3], SCENARIO_OP_LOG_DATA, "blob", NULL);
    ck_assert(b->sync && !b->disable_wal && b->no_slowdown && !b->disable_memtable);
    ck_assert(b->has_callback && !b->callback_allow_batching && b->callback_fail);
    ck_assert_uint_eq(b->think_ns, 7);

    /* repeat 2 over [puts 2, ops]: generated keys follow the expanded index. */
    ck_assert_str_eq(w2->name, "w-2");
    ck_assert_uint_eq(w2->start_ns, 0);
    ck_assert_uint_eq(w2->batch_count, 4);
    ck_assert_uint_eq(w2->batches[0].op_count, 2);
    check_op(&w2->batches[0].ops[0], SCENARIO_OP_PUT, "w-2-0-0", "v0-0........");
    check_op(&w2->batches[0].ops[1], SCENARIO_OP_PUT, "w-2-0-1", "v0-1........");
    check_op(&w2->batches[2].ops[1], SCENARIO_OP_PUT, "w-2-2-1", "v2-1........");
    ck_assert(!w2->batches[0].has_callback && w2->batches[0].callback_allow_batching);
    for (size_t i = 1; i < 4; i += 2) {
        ck_assert_uint_eq(w2->batches[i].op_count, 1);
        check_op(&w2->batches[i].ops[0], SCENARIO_OP_PUT, "k", "v");
        ck_assert(w2->batches[i].has_callback);
        ck_assert(w2->batches[i].callback_allow_batching && !w2->batches[i].callback_fail);
    }
    ck_assert_int_eq(scenario_writer_index(s, "w-2"), 1);
    ck_assert_int_eq(scenario_writer_index(s, "w3"), -1);
}

static void check_full_schedule(const scenario *s)
{
    const scenario_schedule *sch = &s->schedule;
    ck_assert_int_eq(sch->policy, SCENARIO_POLICY_EXPLICIT);
    ck_assert_str_eq(scenario_policy_name(sch->policy), "explicit");
    ck_assert(sch->seed == UINT64_MAX);
    ck_assert_uint_eq(sch->pct_depth, 5);
    ck_assert_uint_eq(sch->pct_steps, 100);
    ck_assert_uint_eq(sch->max_steps, 5000);
    ck_assert_uint_eq(sch->tick_ns, 2);
    ck_assert_uint_eq(sch->decision_count, 4);
    ck_assert_str_eq(sch->decisions[0].fiber, "w1");
    ck_assert_uint_eq(sch->decisions[0].steps, 1);
    ck_assert_str_eq(sch->decisions[1].fiber, "w-2");
    ck_assert_uint_eq(sch->decisions[1].steps, 3);
    ck_assert_str_eq(sch->decisions[2].fiber, "main");
    ck_assert_str_eq(sch->decisions[3].fiber, "flush");
    ck_assert_uint_eq(sch->decisions[3].steps, 1);
    ck_assert_uint_eq(sch->pin_count, 4);
    const scenario_pin *p = sch->pins;
    ck_assert_str_eq(p[0].hold, "w1");
    ck_assert_str_eq(p[0].at, "WriteThread::JoinBatchGroup:Wait");
    ck_assert_uint_eq(p[0].occurrence, 2);
    ck_assert_int_eq(p[0].until_kind, SCENARIO_UNTIL_STATE);
    ck_assert_str_eq(p[0].until_writer, "w-2");
    ck_assert_uint_eq(p[0].until_state, WT_STATE_GROUP_LEADER);
    ck_assert_uint_eq(p[1].occurrence, 1);
    ck_assert_int_eq(p[1].until_kind, SCENARIO_UNTIL_SYNC_POINT);
    ck_assert_str_eq(p[1].until_sync_point, "WriteThread::ExitAsBatchGroupLeader:Start");
    ck_assert_int_eq(p[2].until_kind, SCENARIO_UNTIL_FINISHED);
    ck_assert_str_eq(p[2].until_writer, "w1");
    ck_assert_int_eq(p[3].until_kind, SCENARIO_UNTIL_TIME);
    ck_assert_uint_eq(p[3].until_time_ns, 123456);
    ck_assert_str_eq(p[3].until_writer, "");
    ck_assert_int_eq(s->crash.when, SCENARIO_CRASH_AT_TIME);
    ck_assert_uint_eq(s->crash.time_ns, 999);
    ck_assert(s->crash.tear_last_write && !s->crash.reopen);
}

static void check_full_expect(const scenario *s)
{
    const scenario_expect *e = &s->expect;
    ck_assert_uint_eq(e->content_count, 3);
    ck_assert_str_eq(e->contents[0].key, "a");
    ck_assert_str_eq(e->contents[0].value, "1");
    ck_assert_str_eq(e->contents[1].key, "b");
    ck_assert_ptr_null(e->contents[1].value);
    ck_assert_str_eq(e->contents[2].key, "a/b~c");
    ck_assert(e->contents_exact);
    ck_assert_uint_eq(e->status_count, 2);
    ck_assert_str_eq(e->statuses[0].writer, "w1");
    ck_assert_uint_eq(e->statuses[0].count, 1);
    ck_assert_int_eq(e->statuses[0].statuses[0], WT_BUSY);
    ck_assert_str_eq(e->statuses[1].writer, "w-2");
    ck_assert_uint_eq(e->statuses[1].count, 4);
    ck_assert_int_eq(e->statuses[1].statuses[2], WT_IO_ERROR);
    ck_assert_int_eq(e->statuses[1].statuses[3], WT_INCOMPLETE);
    ck_assert_uint_eq(e->group_count, 1);
    ck_assert_str_eq(e->groups[0].leader, "w1");
    ck_assert_uint_eq(e->groups[0].member_count, 2);
    ck_assert_str_eq(e->groups[0].members[1], "w-2");
    ck_assert_int_eq(e->group_count_total, 3);
    ck_assert_int_eq(e->max_group_size, 2);
    ck_assert_int_eq(e->min_max_group_size, 1);
    ck_assert_int_eq(e->last_sequence, 9);
    ck_assert(e->deadlock);
    ck_assert_uint_eq(e->states_visited_count, 2);
    ck_assert_str_eq(e->states_visited[0], "GROUP_LEADER");
    ck_assert_str_eq(e->states_visited[1], "LOCKED_WAITING");
    ck_assert_str_eq(e->failed_invariant, "publish_order");
}

START_TEST(test_full)
{
    scenario *s = load_fixture("good-full.json");
    ck_assert_str_eq(s->name, "full");
    ck_assert_str_eq(s->description, "every field set to a non-default value");
    check_full_options(s);
    check_full_writers(s);
    check_full_schedule(s);
    check_full_expect(s);
    scenario_free(s);
}
END_TEST

START_TEST(test_minimal_defaults)
{
    scenario *s = load_fixture("good-minimal.json");
    wt_options def;
    wt_options_default(&def);
    def.create_if_missing = true;
    ck_assert(memcmp(&s->options, &def, sizeof def) == 0);
    ck_assert_str_eq(s->name, "minimal");
    ck_assert_str_eq(s->description, "");
    ck_assert_uint_eq(s->device.append_ns, 2000);
    ck_assert_uint_eq(s->device.append_ns_per_kib, 500);
    ck_assert_uint_eq(s->device.sync_ns, 1000000);
    ck_assert_uint_eq(s->device.read_ns, 1000);
    ck_assert_uint_eq(s->device.capacity_bytes, 0);
    ck_assert_uint_eq(s->device.fault_count, 0);
    const scenario_writer *w = &s->writers[0];
    ck_assert_uint_eq(w->start_ns, 0);
    ck_assert_uint_eq(w->batch_count, 1);
    const scenario_batch *b = &w->batches[0];
    ck_assert(!b->sync && !b->disable_wal && !b->no_slowdown && !b->disable_memtable);
    ck_assert(!b->has_callback && b->callback_allow_batching && !b->callback_fail);
    ck_assert_uint_eq(b->think_ns, 0);
    ck_assert_uint_eq(b->op_count, 1);
    check_op(&b->ops[0], SCENARIO_OP_PUT, "a-0-0", "v0-0....");
    const scenario_schedule *sch = &s->schedule;
    ck_assert_int_eq(sch->policy, SCENARIO_POLICY_RANDOM);
    ck_assert(sch->seed == 1);
    ck_assert_uint_eq(sch->pct_depth, 3);
    ck_assert_uint_eq(sch->pct_steps, 2000);
    ck_assert_uint_eq(sch->max_steps, 2000000);
    ck_assert_uint_eq(sch->tick_ns, 5);
    ck_assert_uint_eq(sch->decision_count + sch->pin_count, 0);
    ck_assert_int_eq(s->crash.when, SCENARIO_CRASH_NONE);
    ck_assert(!s->crash.tear_last_write && s->crash.reopen);
    const scenario_expect *e = &s->expect;
    ck_assert_uint_eq(e->content_count + e->status_count + e->group_count, 0);
    ck_assert(!e->contents_exact && !e->deadlock);
    ck_assert_int_eq(e->group_count_total, -1);
    ck_assert_int_eq(e->max_group_size, -1);
    ck_assert_int_eq(e->min_max_group_size, -1);
    ck_assert_int_eq(e->last_sequence, -1);
    ck_assert_uint_eq(e->states_visited_count, 0);
    ck_assert_ptr_null(e->failed_invariant);
    scenario_free(s);
}
END_TEST

/* The text is kept byte for byte (traces embed it) with the path. */
START_TEST(test_text_and_path_kept)
{
    char path[1024];
    fixture_path(path, sizeof path, "good-full.json");
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char bytes[1 << 16];
    size_t n = fread(bytes, 1, sizeof bytes - 1, f);
    fclose(f);
    bytes[n] = '\0';
    scenario *s = load_fixture("good-full.json");
    ck_assert_str_eq(s->path, path);
    ck_assert_uint_eq(strlen(s->text), n);
    ck_assert(memcmp(s->text, bytes, n + 1) == 0);
    scenario_free(s);
    s = load_inline(bytes);
    ck_assert_str_eq(s->path, "inline.json");
    ck_assert_str_eq(s->text, bytes);
    scenario_free(s);
}
END_TEST

#define ONE_WRITER "\"writers\": [{\"name\": \"a\", \"batches\": [{\"puts\": 1}]}]"

START_TEST(test_seed_forms)
{
    static const struct {
        const char *seed;
        uint64_t want;
    } cases[] = {
        {"0", 0},
        {"42", 42},
        {"9007199254740993", 9007199254740993ull},
        {"\"0\"", 0},
        {"\"0042\"", 42},
        {"\"18446744073709551615\"", UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "{\"name\": \"s\", " ONE_WRITER ", \"schedule\": {\"seed\": %s}}",
                 cases[i].seed);
        scenario *s = load_inline(text);
        ck_assert_msg(s->schedule.seed == cases[i].want, "seed %s", cases[i].seed);
        scenario_free(s);
    }
}
END_TEST

/* Crash kinds and crash points: the parsed values, and the defaults. */
START_TEST(test_crash_kinds)
{
    static const char *const texts[] = {
        "{\"name\": \"k\", \"crash\": {\"at\": \"after_writers\", \"kind\": \"process_kill\"}, "
        "\"writers\": [{\"name\": \"x\", \"batches\": [{\"puts\": 1}]}]}",
        "{\"name\": \"k\", \"crash\": {\"at\": \"after_writers\", \"kind\": \"clean_reopen\"}, "
        "\"writers\": [{\"name\": \"x\", \"batches\": [{\"puts\": 1}]}]}",
        "{\"name\": \"k\", \"crash\": {\"at\": {\"file_op\": 7, \"torn_bytes\": 3}}, "
        "\"writers\": [{\"name\": \"x\", \"batches\": [{\"puts\": 1}]}]}",
    };
    scenario *s = load_inline(texts[0]);
    ck_assert_int_eq(s->crash.when, SCENARIO_CRASH_AFTER_WRITERS);
    ck_assert_int_eq(s->crash.kind, SCENARIO_CRASH_PROCESS_KILL);
    ck_assert_str_eq(scenario_crash_kind_name(s->crash.kind), "process_kill");
    scenario_free(s);
    s = load_inline(texts[1]);
    ck_assert_int_eq(s->crash.kind, SCENARIO_CRASH_CLEAN_REOPEN);
    scenario_free(s);
    s = load_inline(texts[2]);
    ck_assert_int_eq(s->crash.when, SCENARIO_CRASH_AT_FILE_OP);
    ck_assert_int_eq(s->crash.kind, SCENARIO_CRASH_POWER_LOSS);
    ck_assert_uint_eq(s->crash.file_op, 7);
    ck_assert_uint_eq(s->crash.torn_bytes, 3);
    ck_assert(s->crash.reopen);
    scenario_free(s);
}
END_TEST

START_TEST(test_generator_and_repeat)
{
    scenario *s = load_inline(
        "{\"name\": \"g\", \"crash\": {\"at\": \"after_writers\"}, \"writers\": [{\"name\": \"x\", "
        "\"repeat\": 3, \"batches\": [{\"puts\": 1, \"value_bytes\": 0}, {\"puts\": 2, "
        "\"value_bytes\": 3}, {\"ops\": []}, {\"puts\": 1, \"value_bytes\": 20}]}]}");
    const scenario_writer *w = &s->writers[0];
    ck_assert_int_eq(s->crash.when, SCENARIO_CRASH_AFTER_WRITERS);
    ck_assert(s->crash.reopen);
    ck_assert_uint_eq(w->batch_count, 12);
    check_op(&w->batches[0].ops[0], SCENARIO_OP_PUT, "x-0-0", "");
    check_op(&w->batches[1].ops[1], SCENARIO_OP_PUT, "x-1-1", "v1-");
    ck_assert_uint_eq(w->batches[2].op_count, 0);
    check_op(&w->batches[3].ops[0], SCENARIO_OP_PUT, "x-3-0", "v3-0................");
    check_op(&w->batches[7].ops[0], SCENARIO_OP_PUT, "x-7-0", "v7-0................");
    check_op(&w->batches[9].ops[1], SCENARIO_OP_PUT, "x-9-1", "v9-");
    check_op(&w->batches[5].ops[1], SCENARIO_OP_PUT, "x-5-1", "v5-");
    ck_assert_uint_eq(w->batches[10].op_count, 0);
    scenario_free(s);
}
END_TEST

/* ---------------------------------------------------------- bad files */

typedef struct bad_file {
    const char *file;
    const char *expect; /* the error text after the file's path */
} bad_file;

static const bad_file bad_files[] = {
    {"bad-syntax.json", ":3:52: invalid token near 'tru'"},
    {"bad-unknown-top.json", ":4:3: /colour: unknown key (expected one of: name, description, "
                             "options, device, writers, schedule, crash, expect, goals)"},
    {"bad-goal-two-kinds.json", ":5:5: /goals/0: a goal names exactly one of \"leader\" (a group), "
                                "\"writer\" + \"state\", or \"invariant\""},
    {"bad-goal-writer.json", ":5:42: /goals/0/leader: unknown writer \"w9\""},
    {"bad-unknown-option.json",
     ":4:5: /options/pipelined: unknown key (did you mean \"enable_pipelined_write\"?)"},
    {"bad-type.json", ":5:51: /writers/1/batches/0/sync: expected a boolean, got a string"},
    {"bad-negative.json", ":3:25: /device/sync_ns: expected a non-negative integer, got -5"},
    {"bad-float.json",
     ":3:41: /writers/0/start_ns: expected an integer, got a floating-point number"},
    {"bad-duplicate.json", ":6:5: /schedule/seed: duplicate key"},
    {"bad-policy.json", ":4:26: /schedule/policy: unknown policy \"rand\" (did you mean "
                        "\"random\"?)"},
    {"bad-state.json", ":7:42: /schedule/pins/0/until/state: unknown state \"LEADER\" (did you "
                       "mean \"GROUP_LEADER\"?)"},
    {"bad-pin-writer.json", ":6:87: /schedule/pins/0/until/writer: unknown writer \"betta\" "
                            "(did you mean \"beta\"?)"},
    {"bad-explicit-no-decisions.json",
     ":4:15: /schedule/decisions: required with \"policy\": \"explicit\""},
    {"bad-decisions-not-explicit.json", ":4:33: /schedule/decisions: only allowed with "
                                        "\"policy\": \"explicit\" (policy is \"pct\")"},
    {"bad-ops-and-puts.json",
     ":5:36: /writers/0/batches/0/puts: cannot be combined with \"ops\""},
    {"bad-status-length.json", ":5:21: /expect/status/a: expected 3 statuses (one per batch of "
                               "\"a\", after repeat), got 2"},
    {"bad-op-arity.json", ":5:5: /writers/0/batches/0/ops/1: \"put\" takes a key and a value: "
                          "expected 3 elements, got 2"},
};

START_TEST(test_bad_file)
{
    const bad_file *b = &bad_files[_i];
    char path[1024];
    scenario_error err;
    fixture_path(path, sizeof path, b->file);
    scenario *s = scenario_load_file(path, &err);
    ck_assert_msg(s == NULL, "%s loaded", b->file);
    size_t n = strlen(path);
    ck_assert_msg(strncmp(err.text, path, n) == 0, "%s: got %s", b->file, err.text);
    ck_assert_msg(strncmp(err.text + n, b->expect, strlen(b->expect)) == 0,
                  "%s:\n  want %s\n  got  %s", b->file, b->expect, err.text + n);
}
END_TEST

/* -------------------------------------------------------- bad inline */

#define W_A "{\"name\": \"a\", \"batches\": [{\"puts\": 1}]}"
#define W_B "{\"name\": \"b\", \"batches\": [{\"puts\": 1}]}"
#define HEAD "{\"name\": \"t\", \"writers\": [" W_A ", " W_B "], "

typedef struct bad_text {
    const char *text;
    const char *expect; /* prefix of the error text */
} bad_text;

static const bad_text bad_texts[] = {
    {"", "inline.json:1:1: '[' or '{' expected near end of file"},
    {"[1]", "inline.json:1:1: (root): expected an object, got an array"},
    {"{\"writers\": [" W_A "]}", "inline.json:1:1: /name: required key is missing"},
    {"{\"name\": \"\", \"writers\": [" W_A "]}", "inline.json:1:10: /name: must not be empty"},
    {"{\"name\": \"t\", \"writers\": []}", "inline.json:1:26: /writers: must not be empty"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"main\", \"batches\": [{\"puts\": 1}]}]}",
     "inline.json:1:36: /writers/0/name: \"main\" is reserved for the sim's own fibers"},
    {"{\"name\": \"t\", \"writers\": [" W_A ", " W_A "]}",
     "inline.json:1:77: /writers/1/name: duplicate writer name \"a\" (also /writers/0/name)"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a b\", \"batches\": [{}]}]}",
     "inline.json:1:36: /writers/0/name: invalid name \"a b\": use 1 to 63 of A-Z a-z 0-9 _ -"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"batches\": [{}]}]}",
     "inline.json:1:53: /writers/0/batches/0/ops: required key is missing (or give \"puts\")"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"batches\": [{\"ops\": [], "
     "\"value_bytes\": 3}]}]}",
     "inline.json:1:65: /writers/0/batches/0/value_bytes: only allowed with \"puts\""},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"batches\": [{\"ops\": [[\"putt\", "
     "\"k\", \"v\"]]}]}]}",
     "inline.json:1:63: /writers/0/batches/0/ops/0/0: unknown operation \"putt\" (did you mean "
     "\"put\"?)"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"batches\": [{\"ops\": [[\"put\", "
     "\"k\", 1]]}]}]}",
     "inline.json:1:75: /writers/0/batches/0/ops/0/2: expected a string, got an integer"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"batches\": [{\"ops\": [\"put\"]}]}]}",
     "inline.json:1:62: /writers/0/batches/0/ops/0: expected an operation array such as "
     "[\"put\", KEY, VALUE], got a string"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"start_ns\": 99999999999999999999, "
     "\"batches\": []}]}",
     "inline.json:1:72: too big integer near '99999999999999999999' (write large integers such "
     "as seeds as decimal strings)"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"repeat\": 2000000, \"batches\": [{}]}]}",
     "inline.json:1:51: /writers/0/repeat: must be between 1 and 1048576, got 2000000"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"repeat\": 1048576, \"batches\": "
     "[{\"ops\": []}, {\"ops\": []}]}]}",
     "inline.json:1:51: /writers/0/repeat: the scenario expands to more than 1048576 batches"},
    {"{\"name\": \"t\", \"writers\": [{\"name\": \"a\", \"batches\": [{\"puts\": 2, "
     "\"value_bytes\": 67108864}]}]}",
     "inline.json:1:62: /writers/0/batches/0/puts: the scenario expands to more than 67108864 "
     "bytes of keys and values"},
    {HEAD "\"schedule\": {\"seed\": \"18446744073709551616\"}}",
     "inline.json:1:131: /schedule/seed: \"18446744073709551616\" does not fit in 64 bits"},
    {HEAD "\"schedule\": {\"seed\": \"12x\"}}",
     "inline.json:1:131: /schedule/seed: expected a decimal string of digits, got \"12x\""},
    {HEAD "\"schedule\": {\"seed\": -1}}",
     "inline.json:1:131: /schedule/seed: expected a non-negative integer, got -1"},
    {HEAD "\"schedule\": {\"pct_depth\": 11}}",
     "inline.json:1:136: /schedule/pct_depth: must be between 1 and 10, got 11"},
    {HEAD "\"schedule\": {\"max_steps\": 0}}",
     "inline.json:1:136: /schedule/max_steps: must be at least 1, got 0"},
    {HEAD "\"schedule\": {\"policy\": \"explicit\", \"decisions\": []}}",
     "inline.json:1:158: /schedule/decisions: must not be empty with \"policy\": \"explicit\""},
    {HEAD "\"schedule\": {\"policy\": \"explicit\", \"decisions\": [\"a\", {\"fiber\": \"c\"}]}}",
     "inline.json:1:174: /schedule/decisions/1/fiber: unknown fiber \"c\": expected a writer's "
     "name, \"main\" or \"flush\""},
    {HEAD "\"schedule\": {\"policy\": \"explicit\", \"decisions\": [7]}}",
     "inline.json:1:159: /schedule/decisions/0: expected a fiber name or {\"fiber\": NAME, "
     "\"steps\": N}, got an integer"},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"p\", \"until\": {\"writer\": "
          "\"b\", \"state\": \"INIT\", \"finished\": true}}]}}",
     "inline.json:1:199: /schedule/pins/0/until/finished: cannot be combined with \"state\""},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"p\", \"until\": {\"writer\": "
          "\"b\"}}]}}",
     "inline.json:1:166: /schedule/pins/0/until: expected one of \"state\", \"sync_point\", "
     "\"finished\", \"blocked\" or \"time_ns\""},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"p\", \"until\": {\"time_ns\": 5, "
          "\"writer\": \"b\"}}]}}",
     "inline.json:1:181: /schedule/pins/0/until/writer: not allowed with \"time_ns\""},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"p\", \"until\": {\"sync_point\": "
          "\"q\"}}]}}",
     "inline.json:1:166: /schedule/pins/0/until/writer: required key is missing (with "
     "\"sync_point\")"},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"p\", \"until\": {\"writer\": "
          "\"b\", \"finished\": false}}]}}",
     "inline.json:1:194: /schedule/pins/0/until/finished: must be true"},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"p\", \"until\": {\"writer\": "
          "\"b\", \"sync_pont\": \"q\"}}]}}",
     "inline.json:1:182: /schedule/pins/0/until/sync_pont: unknown key (did you mean "
     "\"sync_point\"?)"},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"zz\", \"at\": \"p\", \"until\": {\"time_ns\": "
          "1}}]}}",
     "inline.json:1:141: /schedule/pins/0/hold: unknown fiber \"zz\" (expected one of: a, b, "
     "main, flush)"},
    {HEAD "\"schedule\": {\"pins\": [{\"hold\": \"a\", \"at\": \"\", \"until\": {\"time_ns\": "
          "1}}]}}",
     "inline.json:1:152: /schedule/pins/0/at: must not be empty"},
    {HEAD "\"crash\": {\"at\": \"later\"}}",
     "inline.json:1:126: /crash/at: unknown crash point \"later\" (expected \"after_writers\", "
     "{\"time_ns\": T} or {\"file_op\": N})"},
    {HEAD "\"crash\": {\"reopen\": true}}",
     "inline.json:1:119: /crash/at: required key is missing"},
    {HEAD "\"crash\": {\"at\": {\"time_ns\": 1.0}}}",
     "inline.json:1:138: /crash/at/time_ns: expected an integer, got a floating-point number"},
    {HEAD "\"options\": {\"max_write_buffer_number\": 0}}",
     "inline.json:1:149: /options/max_write_buffer_number: must be between 1 and 2147483647, "
     "got 0"},
    {HEAD "\"options\": {\"wal_recovery_mode\": \"point-in-time\"}}",
     "inline.json:1:143: /options/wal_recovery_mode: unknown recovery mode \"point-in-time\" "
     "(did you mean \"point_in_time\"?)"},
    {HEAD "\"device\": {\"faults\": [{\"nth\": 0, \"op\": \"sync\"}]}}",
     "inline.json:1:140: /device/faults/0/nth: must be at least 1, got 0"},
    {HEAD "\"device\": {\"faults\": [{\"sticky\": true}]}}",
     "inline.json:1:132: /device/faults/0/op: required key is missing"},
    {HEAD "\"device\": {\"faults\": [{\"op\": \"sync\", \"error\": \"eio\"}]}}",
     "inline.json:1:156: /device/faults/0/error: unknown fault error \"eio\" (expected one of: "
     "io_error, no_space)"},
    {HEAD "\"expect\": {\"contents\": {\"k\": 1}}}",
     "inline.json:1:139: /expect/contents/k: expected a string (the value) or null (absent), "
     "got an integer"},
    {HEAD "\"expect\": {\"contents\": {\"a/b~\": true}}}",
     "inline.json:1:142: /expect/contents/a~1b~0: expected a string (the value) or null"},
    {HEAD "\"expect\": {\"status\": {\"a\": [\"oops\"]}}}",
     "inline.json:1:138: /expect/status/a/0: unknown status \"oops\" (expected one of: ok, "
     "not_found, corruption, not_supported, invalid_argument, io_error, no_space, incomplete, "
     "busy, shutdown)"},
    {HEAD "\"expect\": {\"status\": {\"c\": [\"ok\"]}}}",
     "inline.json:1:132: /expect/status/c: unknown writer \"c\" (expected one of: a, b)"},
    {HEAD "\"expect\": {\"groups\": [{\"leader\": \"a\", \"members\": [\"b\", \"a\"]}]}}",
     "inline.json:1:160: /expect/groups/0/members/0: the first member must be the leader \"a\""},
    {HEAD "\"expect\": {\"groups\": [{\"leader\": \"a\", \"members\": [\"a\", \"a\"]}]}}",
     "inline.json:1:165: /expect/groups/0/members/1: \"a\" is listed twice"},
    {HEAD "\"expect\": {\"states_visited\": [\"COMPLETED\", \"WAITING\"]}}",
     "inline.json:1:153: /expect/states_visited/1: unknown state \"WAITING\" (did you mean "
     "\"LOCKED_WAITING\"?)"},
    {HEAD "\"expect\": {\"group_count\": -2}}",
     "inline.json:1:136: /expect/group_count: expected a non-negative integer, got -2"},
    {HEAD "\"a/b\": 1}", "inline.json:1:110: /a~1b: unknown key (expected one of: name,"},
    /* Columns count bytes: "é" is two. */
    {"{\"name\": \"\xc3\xa9\", \"x\": 1}", "inline.json:1:16: /x: unknown key"},
    {"{\"name\": \"t\",\n \"writers\": [" W_A "],\n \"expect\": {\n  \"deadlock\": \"no\"}}",
     "inline.json:4:15: /expect/deadlock: expected a boolean, got a string"},
    {"{\"name\": \"t\", \"writers\": [" W_A "], \"name\": \"u\"}",
     "inline.json:1:69: /name: duplicate key"},
    {"{\"name\": \"t\", \"writers\": [" W_A "],}",
     "inline.json:1:68: string or '}' expected near '}'"},
};

START_TEST(test_bad_text)
{
    const bad_text *b = &bad_texts[_i];
    scenario_error err;
    scenario *s = scenario_load_text("inline.json", b->text, &err);
    ck_assert_msg(s == NULL, "loaded: %s", b->text);
    ck_assert_msg(strncmp(err.text, b->expect, strlen(b->expect)) == 0,
                  "case %d:\n  want %s\n  got  %s", _i, b->expect, err.text);
}
END_TEST

START_TEST(test_too_many_writers)
{
    size_t cap = 64 + (SCENARIO_MAX_WRITERS + 1) * 64;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t n = (size_t)snprintf(text, cap, "{\"name\": \"many\", \"writers\": [\n");
    for (int i = 0; i <= SCENARIO_MAX_WRITERS; i++) {
        n += (size_t)snprintf(text + n, cap - n, "%s{\"name\": \"w%d\", \"batches\": [{\"puts\": 1}]}\n",
                              i ? "," : "", i);
    }
    snprintf(text + n, cap - n, "]}");
    scenario_error err;
    ck_assert_ptr_null(scenario_load_text("many.json", text, &err));
    ck_assert_str_eq(err.text, "many.json:258:2: /writers/256: too many writers (at most 256)");
    /* Exactly the limit loads. */
    char *last = strstr(text, ",{\"name\": \"w256\"");
    ck_assert_ptr_nonnull(last);
    strcpy(last, "]}");
    scenario *s = scenario_load_text("many.json", text, &err);
    ck_assert_msg(s != NULL, "%s", err.text);
    ck_assert_uint_eq(s->writer_count, SCENARIO_MAX_WRITERS);
    ck_assert_int_eq(scenario_writer_index(s, "w255"), 255);
    scenario_free(s);
    free(text);
}
END_TEST

START_TEST(test_unreadable_and_huge)
{
    scenario_error err;
    ck_assert_ptr_null(scenario_load_file("/nonexistent/x.json", &err));
    ck_assert_str_eq(err.text, "/nonexistent/x.json: cannot open: No such file or directory");
    size_t n = (size_t)SCENARIO_MAX_TEXT + 1;
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', n);
    big[n] = '\0';
    ck_assert_ptr_null(scenario_load_text("big.json", big, &err));
    ck_assert_str_eq(err.text, "big.json: larger than 16777216 bytes");
    free(big);
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *good = tcase_create("good");
    tcase_add_test(good, test_full);
    tcase_add_test(good, test_minimal_defaults);
    tcase_add_test(good, test_text_and_path_kept);
    tcase_add_test(good, test_seed_forms);
    tcase_add_test(good, test_generator_and_repeat);
    tcase_add_test(good, test_crash_kinds);
    suite_add_tcase(s, good);
    TCase *bad = tcase_create("bad");
    tcase_add_loop_test(bad, test_bad_file, 0, (int)(sizeof bad_files / sizeof bad_files[0]));
    tcase_add_loop_test(bad, test_bad_text, 0, (int)(sizeof bad_texts / sizeof bad_texts[0]));
    tcase_add_test(bad, test_too_many_writers);
    tcase_add_test(bad, test_unreadable_and_huge);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return wt_run_suite(scenario_suite());
}
