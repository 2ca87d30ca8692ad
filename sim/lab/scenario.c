/*
 * scenario.c — loads a scenario: one parse that keeps positions
 * (json_doc), then table-driven validation (json_check) that fills the
 * structs of scenario.h.
 *
 * Loading runs in three steps.  json_doc parses the text once into a
 * tree whose every value knows its line, column and key path; a syntax
 * error or a repeated key is reported there.  Then the tree is walked:
 * each object is described by a table of fields (key, kind, offset into
 * the target struct, range, or a function of its own), its members are
 * checked in document order, so the first unknown key or bad value in the
 * file is the one reported.  Last, references between sections (writer
 * names in pins, decisions and expectations, status counts) are checked
 * once everything is known.  Every error names FILE:LINE:COLUMN and the
 * key path, from the offending node.
 *
 * The schema is split where a reader would look for it: this file has
 * the top level, options, schedule and crash, and the loading and
 * freeing; scenario_device.c the device (costs, profile, faults);
 * scenario_writers.c the writers and their batches (the part
 * that expands); scenario_expect.c the expectations.  What they share is
 * in scenario_schema.h.
 *
 * Not thread-safe per call; distinct loads may run in parallel.
 */
#include "scenario.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_schema.h"

enum {
    READ_CHUNK = 64 << 10,
};

_Static_assert((long)SCENARIO_MAX_TEXT == (long)JSON_DOC_MAX_TEXT,
               "json_doc can parse any loadable text");
_Static_assert(SCENARIO_MAX_OPS <= INT64_MAX && SCENARIO_MAX_OP_BYTES <= INT64_MAX,
               "limits are valid JSON integer bounds");
_Static_assert(WT_STATE_BITS <= 8, "state name table size");

/* ------------------------------------------------ shared by the schema */

bool scenario_valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= SCENARIO_MAX_NAME) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

bool scenario_check_name(json_check *c, const json_doc_node *v, void *member)
{
    char *out = member;
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected a string, got %s",
                               json_check_type_name(v));
    char shown[JSON_CHECK_SHOW_MAX + 4];
    if (!scenario_valid_name(v->string))
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "invalid name \"%s\": use 1 to %d of A-Z a-z 0-9 _ -",
                               json_check_show(v->string, shown), SCENARIO_MAX_NAME - 1);
    assert(v->string_len < SCENARIO_MAX_NAME);
    memcpy(out, v->string, v->string_len + 1);
    return true;
}

bool scenario_check_state(json_check *c, const json_doc_node *v, uint32_t *bit)
{
    const char *names[WT_STATE_BITS];
    for (unsigned i = 0; i < WT_STATE_BITS; i++) names[i] = wt_state_name(1u << i);
    size_t k;
    if (!json_check_enum(c, v, names, WT_STATE_BITS, "state", &k)) return false;
    *bit = 1u << k;
    return true;
}

bool scenario_alloc_array(json_check *c, const json_doc_node *at, size_t n, size_t size,
                          void **out)
{
    *out = NULL;
    if (n == 0) return true;
    *out = calloc(n, size);
    return *out != NULL || json_check_fail_oom(c, at);
}

bool scenario_check_writer_ref(json_check *c, const scenario *s, const char *name,
                               const json_doc_node *at, json_check_where w)
{
    if (scenario_writer_index(s, name) >= 0) return true;
    const char *names[SCENARIO_MAX_WRITERS];
    assert(s->writer_count <= SCENARIO_MAX_WRITERS);
    for (size_t i = 0; i < s->writer_count; i++) names[i] = s->writers[i].name;
    return json_check_fail_unknown(c, at, w, "writer", name, names, s->writer_count);
}

/* -------------------------------------------------------------- options */

static bool check_recovery_mode(json_check *c, const json_doc_node *v, void *member)
{
    const char *names[4];
    for (int i = 0; i < 4; i++) names[i] = wt_wal_recovery_mode_name((wt_wal_recovery_mode)i);
    size_t k;
    if (!json_check_enum(c, v, names, 4, "recovery mode", &k)) return false;
    bool ok = wt_wal_recovery_mode_parse(names[k], (wt_wal_recovery_mode *)member);
    assert(ok);
    return ok;
}

static const json_check_field option_fields[] = {
    {F_BOOL(wt_options, "allow_concurrent_memtable_write", allow_concurrent_memtable_write)},
    {F_BOOL(wt_options, "enable_pipelined_write", enable_pipelined_write)},
    {F_BOOL(wt_options, "unordered_write", unordered_write)},
    {F_BOOL(wt_options, "two_write_queues", two_write_queues)},
    {F_U64(wt_options, "max_write_batch_group_size_bytes", max_write_batch_group_size_bytes, 1)},
    {F_BOOL(wt_options, "enable_write_thread_adaptive_yield", enable_write_thread_adaptive_yield)},
    {F_U64(wt_options, "write_thread_max_yield_usec", write_thread_max_yield_usec, 0)},
    {F_U64(wt_options, "write_thread_slow_yield_usec", write_thread_slow_yield_usec, 0)},
    {F_U64(wt_options, "write_buffer_size", write_buffer_size, 1)},
    {F_NUM(JSON_CHECK_INT, wt_options, "max_write_buffer_number", max_write_buffer_number, 1,
           INT_MAX)},
    {F_CUSTOM(wt_options, "wal_recovery_mode", wal_recovery_mode, check_recovery_mode)},
    {F_BOOL(wt_options, "paranoid_checks", paranoid_checks)},
    {F_BOOL(wt_options, "sync_group_fill", sync_group_fill)},
    {F_BOOL(wt_options, "leader_inserts_parked_group", leader_inserts_parked_group)},
    {F_NUM(JSON_CHECK_U64, wt_options, "sync_prewake_usec", sync_prewake_usec, 0, 1000000)},
    {F_BOOL(wt_options, "sync_overlap_insert", sync_overlap_insert)},
    {F_BOOL(wt_options, "strict_yield_credit", strict_yield_credit)},
    {F_BOOL(wt_options, "join_park_behind_parked", join_park_behind_parked)},
    {F_BOOL(wt_options, "leader_takes_parked_group", leader_takes_parked_group)},
    {F_NUM(JSON_CHECK_U64, wt_options, "max_active_writers", max_active_writers, 0, 4096)},
    {F_NUM(JSON_CHECK_U64, wt_options, "active_writer_handoff", active_writer_handoff, 1, 1000000)},
};

static bool parse_options(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, option_fields, F_COUNT(option_fields), member);
}

/* ------------------------------------------------------------- schedule */

/* The one table of the schedule policies' names (policy.c adds explore's
 * own "dfs" on top of it). */
static const char *const policy_names[] = {
    [SCENARIO_POLICY_RANDOM] = "random",
    [SCENARIO_POLICY_PCT] = "pct",
    [SCENARIO_POLICY_FIFO] = "fifo",
    [SCENARIO_POLICY_EXPLICIT] = "explicit",
};

const char *scenario_policy_name(scenario_policy p)
{
    return (unsigned)p < F_COUNT(policy_names) ? policy_names[p] : "unknown";
}

bool scenario_policy_parse(const char *name, scenario_policy *out)
{
    for (size_t i = 0; i < F_COUNT(policy_names); i++) {
        if (strcmp(policy_names[i], name) != 0) continue;
        *out = (scenario_policy)i;
        return true;
    }
    return false;
}

static bool check_policy(json_check *c, const json_doc_node *v, void *member)
{
    size_t k;
    if (!json_check_enum(c, v, policy_names, F_COUNT(policy_names), "policy", &k)) return false;
    *(scenario_policy *)member = (scenario_policy)k;
    return true;
}

static const json_check_field decision_fields[] = {
    {F_NAME(scenario_decision, "fiber", fiber), .required = true},
    {F_U64(scenario_decision, "steps", steps, 1)},
};

/* Member: the scenario_schedule. */
static bool parse_decisions(json_check *c, const json_doc_node *v, void *member)
{
    scenario_schedule *sch = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *sch->decisions, (void **)&sch->decisions))
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *d = json_doc_at(v, i);
        scenario_decision *out = &sch->decisions[i];
        sch->decision_count = i + 1;
        out->steps = 1;
        bool ok;
        if (d->type == JSON_DOC_STRING)
            ok = scenario_check_name(c, d, out->fiber);
        else if (d->type == JSON_DOC_OBJECT)
            ok = json_check_fields(c, d, decision_fields, F_COUNT(decision_fields), out);
        else
            ok = json_check_fail(c, d, JSON_CHECK_AT_VALUE,
                                 "expected a fiber name or {\"fiber\": NAME, \"steps\": N}, got %s",
                                 json_check_type_name(d));
        if (!ok) return false;
    }
    return true;
}

static bool check_until_state(json_check *c, const json_doc_node *v, void *member)
{
    return scenario_check_state(c, v, (uint32_t *)member);
}

static bool check_until_finished(json_check *c, const json_doc_node *v, void *member)
{
    bool b = false;
    (void)member;
    if (!json_check_bool(c, v, &b)) return false;
    return b || json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                                "must be true (\"finished\": false is no condition)");
}

static const json_check_field until_fields[] = {
    {F_NAME(scenario_pin, "writer", until_writer)},
    {F_NAME(scenario_pin, "fiber", until_writer)},
    {F_CUSTOM(scenario_pin, "state", until_state, check_until_state)},
    {F_STR(scenario_pin, "sync_point", until_sync_point, 1)},
    {F_WHOLE("finished", check_until_finished)},
    {F_WHOLE("blocked", check_until_finished)},
    {F_U64(scenario_pin, "time_ns", until_time_ns, 0)},
};

/* Exactly one condition; "writer" (or "fiber") with all but time_ns.
 * Member: the pin. */
static bool parse_until(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const conds[] = {"state", "sync_point", "finished", "time_ns", "blocked"};
    static const scenario_until_kind kinds[] = {SCENARIO_UNTIL_STATE, SCENARIO_UNTIL_SYNC_POINT,
                                                SCENARIO_UNTIL_FINISHED, SCENARIO_UNTIL_TIME,
                                                SCENARIO_UNTIL_BLOCKED};
    scenario_pin *pin = member;
    if (!json_check_fields(c, v, until_fields, F_COUNT(until_fields), pin)) return false;
    const json_doc_node *fiber = json_doc_get(v, "fiber");
    if (fiber != NULL && json_doc_get(v, "writer") != NULL)
        return json_check_fail(c, fiber, JSON_CHECK_AT_KEY, "cannot be combined with \"writer\"");
    const char *first = NULL;
    for (size_t m = 0; m < v->child_count; m++) {
        const json_doc_node *cond = json_doc_at(v, m);
        for (size_t i = 0; i < 5; i++) {
            if (strcmp(cond->key, conds[i]) != 0) continue;
            if (first != NULL)
                return json_check_fail(c, cond, JSON_CHECK_AT_KEY, "cannot be combined with \"%s\"",
                                       first);
            first = conds[i];
            pin->until_kind = kinds[i];
        }
    }
    if (first == NULL)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected one of \"state\", \"sync_point\", \"finished\", "
                               "\"blocked\" or \"time_ns\"");
    const json_doc_node *writer = fiber != NULL ? fiber : json_doc_get(v, "writer");
    bool timed = pin->until_kind == SCENARIO_UNTIL_TIME;
    if ((writer != NULL) == !timed) return true;
    if (timed) return json_check_fail(c, writer, JSON_CHECK_AT_KEY, "not allowed with \"time_ns\"");
    return json_check_fail_missing(c, v, "writer", "required key is missing (with \"%s\")", first);
}

static const json_check_field pin_fields[] = {
    {F_NAME(scenario_pin, "hold", hold), .required = true},
    {F_STR(scenario_pin, "at", at, 1), .required = true},
    {F_U64(scenario_pin, "occurrence", occurrence, 1)},
    {F_WHOLE("until", parse_until), .required = true},
};

/* Member: the scenario_schedule. */
static bool parse_pins(json_check *c, const json_doc_node *v, void *member)
{
    scenario_schedule *sch = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *sch->pins, (void **)&sch->pins))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_pin *pin = &sch->pins[i];
        sch->pin_count = i + 1;
        pin->occurrence = 1;
        if (!json_check_fields(c, json_doc_at(v, i), pin_fields, F_COUNT(pin_fields), pin))
            return false;
    }
    return true;
}

static const json_check_field schedule_fields[] = {
    {F_CUSTOM(scenario_schedule, "policy", policy, check_policy)},
    {.key = "seed", .kind = JSON_CHECK_U64_TEXT, .offset = offsetof(scenario_schedule, seed)},
    {F_NUM(JSON_CHECK_UINT, scenario_schedule, "pct_depth", pct_depth, 1,
           SCENARIO_MAX_PCT_DEPTH)},
    {F_U64(scenario_schedule, "pct_steps", pct_steps, 1)},
    {F_WHOLE("decisions", parse_decisions)},
    {F_U64(scenario_schedule, "max_steps", max_steps, 1)},
    {F_U64(scenario_schedule, "tick_ns", tick_ns, 1)},
    {F_U64(scenario_schedule, "wake_ns", wake_ns, 0)},
    {F_WHOLE("pins", parse_pins)},
};

/* "decisions" is required, non-empty, with the explicit policy only.
 * Member: the scenario_schedule. */
static bool parse_schedule(json_check *c, const json_doc_node *v, void *member)
{
    scenario_schedule *sch = member;
    if (!json_check_fields(c, v, schedule_fields, F_COUNT(schedule_fields), sch)) return false;
    bool explicit_policy = sch->policy == SCENARIO_POLICY_EXPLICIT;
    const json_doc_node *decisions = json_doc_get(v, "decisions");
    if (explicit_policy == (decisions != NULL) && (decisions == NULL || sch->decision_count > 0))
        return true;
    if (!explicit_policy)
        return json_check_fail(c, decisions, JSON_CHECK_AT_KEY,
                               "only allowed with \"policy\": \"explicit\" (policy is \"%s\")",
                               scenario_policy_name(sch->policy));
    if (decisions == NULL)
        return json_check_fail_missing(c, v, "decisions", "required with \"policy\": \"explicit\"");
    return json_check_fail(c, decisions, JSON_CHECK_AT_VALUE,
                           "must not be empty with \"policy\": \"explicit\"");
}

bool scenario_check_fiber_ref(json_check *c, const scenario *s, const char *name,
                              const json_doc_node *at, const char *what, bool any_crasher)
{
    bool crasher = any_crasher || s->crash.when == SCENARIO_CRASH_AT_TIME;
    if (scenario_writer_index(s, name) >= 0 || strcmp(name, "main") == 0 ||
        strcmp(name, "flush") == 0 || (crasher && strcmp(name, "crasher") == 0))
        return true;
    const char *names[SCENARIO_MAX_WRITERS + 3];
    size_t n = 0;
    for (size_t i = 0; i < s->writer_count; i++) names[n++] = s->writers[i].name;
    names[n++] = "main";
    names[n++] = "flush";
    if (crasher) names[n++] = "crasher";
    return json_check_fail_unknown(c, at, JSON_CHECK_AT_VALUE, what, name, names, n);
}

/* name is a writer, or with sim_fibers_too "main", "flush" or "crasher"
 * (the last only with a crash at a time), else an error at `at`. */
static bool check_fiber_ref(scenario_loader *l, const char *name, const json_doc_node *at,
                            bool sim_fibers_too)
{
    if (!sim_fibers_too)
        return scenario_check_writer_ref(&l->check, l->s, name, at, JSON_CHECK_AT_VALUE);
    return scenario_check_fiber_ref(&l->check, l->s, name, at, "fiber", false);
}

/* Every decision names a writer or a sim fiber; every pin holds and waits
 * for fibers that exist. */
static bool check_schedule_refs(scenario_loader *l)
{
    const scenario *s = l->s;
    const scenario_schedule *sch = &s->schedule;
    json_check *c = &l->check;
    const json_doc_node *schedule = json_doc_get(l->root, "schedule");
    for (size_t i = 0; i < sch->decision_count; i++) {
        const char *f = sch->decisions[i].fiber;
        if (strcmp(f, "main") == 0 || strcmp(f, "flush") == 0 || scenario_writer_index(s, f) >= 0)
            continue;
        const json_doc_node *d = json_doc_at(json_doc_get(schedule, "decisions"), i);
        return json_check_fail(c, d->type == JSON_DOC_OBJECT ? json_doc_get(d, "fiber") : d,
                               JSON_CHECK_AT_VALUE,
                               "unknown fiber \"%s\": expected a writer's name, \"main\" or "
                               "\"flush\"",
                               f);
    }
    for (size_t i = 0; i < sch->pin_count; i++) {
        const scenario_pin *pin = &sch->pins[i];
        const json_doc_node *p = json_doc_at(json_doc_get(schedule, "pins"), i);
        const json_doc_node *until = json_doc_get(p, "until");
        const json_doc_node *who = json_doc_get(until, "fiber");
        bool any_fiber = pin->until_kind == SCENARIO_UNTIL_SYNC_POINT ||
                         pin->until_kind == SCENARIO_UNTIL_BLOCKED;
        if (!check_fiber_ref(l, pin->hold, json_doc_get(p, "hold"), true) ||
            !scenario_check_sync_point(c, json_doc_get(p, "at"), pin->at))
            return false;
        if (pin->until_kind == SCENARIO_UNTIL_SYNC_POINT &&
            !scenario_check_sync_point(c, json_doc_get(until, "sync_point"),
                                       pin->until_sync_point))
            return false;
        if (pin->until_kind != SCENARIO_UNTIL_TIME &&
            !check_fiber_ref(l, pin->until_writer, who ? who : json_doc_get(until, "writer"),
                             any_fiber))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- crash */

static const char *const crash_kind_names[] = {"power_loss", "process_kill", "clean_reopen"};

const char *scenario_crash_kind_name(scenario_crash_kind k)
{
    return (unsigned)k < F_COUNT(crash_kind_names) ? crash_kind_names[k] : "?";
}

/* "after_writers", {"time_ns": T} or {"file_op": N, "torn_bytes": K}.
 * Member: the scenario_crash. */
static bool parse_crash_at(json_check *c, const json_doc_node *v, void *member)
{
    static const json_check_field time_fields[] = {
        {F_U64(scenario_crash, "time_ns", time_ns, 0), .required = true},
    };
    static const json_check_field op_fields[] = {
        {F_U64(scenario_crash, "file_op", file_op, 1), .required = true},
        {F_U64(scenario_crash, "torn_bytes", torn_bytes, 0)},
    };
    scenario_crash *cr = member;
    if (v->type == JSON_DOC_OBJECT && json_doc_get(v, "file_op") != NULL) {
        cr->when = SCENARIO_CRASH_AT_FILE_OP;
        return json_check_fields(c, v, op_fields, F_COUNT(op_fields), cr);
    }
    if (v->type == JSON_DOC_OBJECT) {
        cr->when = SCENARIO_CRASH_AT_TIME;
        return json_check_fields(c, v, time_fields, F_COUNT(time_fields), cr);
    }
    if (v->type == JSON_DOC_STRING && strcmp(v->string, "after_writers") == 0) {
        cr->when = SCENARIO_CRASH_AFTER_WRITERS;
        return true;
    }
    char shown[JSON_CHECK_SHOW_MAX + 4];
    if (v->type == JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "unknown crash point \"%s\" (expected \"after_writers\", "
                               "{\"time_ns\": T} or {\"file_op\": N})",
                               json_check_show(v->string, shown));
    return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                           "expected \"after_writers\", {\"time_ns\": T} or {\"file_op\": N}, "
                           "got %s",
                           json_check_type_name(v));
}

/* "power_loss", "process_kill" or "clean_reopen".  Member: the kind. */
static bool parse_crash_kind(json_check *c, const json_doc_node *v, void *member)
{
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "expected \"power_loss\", \"process_kill\" or \"clean_reopen\", "
                               "got %s",
                               json_check_type_name(v));
    for (size_t i = 0; i < F_COUNT(crash_kind_names); i++)
        if (strcmp(v->string, crash_kind_names[i]) == 0) {
            *(scenario_crash_kind *)member = (scenario_crash_kind)i;
            return true;
        }
    char shown[JSON_CHECK_SHOW_MAX + 4];
    return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                           "unknown crash kind \"%s\" (expected \"power_loss\", "
                           "\"process_kill\" or \"clean_reopen\")",
                           json_check_show(v->string, shown));
}

static const json_check_field crash_fields[] = {
    {F_WHOLE("at", parse_crash_at), .required = true},
    {F_CUSTOM(scenario_crash, "kind", kind, parse_crash_kind)},
    {F_BOOL(scenario_crash, "tear_last_write", tear_last_write)},
    {F_BOOL(scenario_crash, "reopen", reopen)},
};

static bool parse_crash(json_check *c, const json_doc_node *v, void *member)
{
    if (!json_check_fields(c, v, crash_fields, F_COUNT(crash_fields), member)) return false;
    const scenario_crash *cr = member;
    if (cr->kind == SCENARIO_CRASH_CLEAN_REOPEN && cr->when != SCENARIO_CRASH_AFTER_WRITERS)
        return json_check_fail(c, json_doc_get(v, "kind"), JSON_CHECK_AT_VALUE,
                               "a clean_reopen closes the DB, so it needs \"at\": "
                               "\"after_writers\"");
    if (cr->kind != SCENARIO_CRASH_POWER_LOSS && cr->tear_last_write)
        return json_check_fail(c, json_doc_get(v, "tear_last_write"), JSON_CHECK_AT_VALUE,
                               "tear_last_write needs a power_loss (a %s loses no written "
                               "bytes)",
                               crash_kind_names[cr->kind]);
    return true;
}

/* ------------------------------------------------------------ top level */

static const json_check_field top_fields[] = {
    {F_STR(scenario, "name", name, 1), .required = true},
    {F_STR(scenario, "description", description, 0)},
    {F_CUSTOM(scenario, "options", options, parse_options)},
    {F_WHOLE("device", scenario_device_parse)},
    {F_WHOLE("writers", scenario_writers_parse), .required = true},
    {F_CUSTOM(scenario, "schedule", schedule, parse_schedule)},
    {F_CUSTOM(scenario, "crash", crash, parse_crash)},
    {F_CUSTOM(scenario, "expect", expect, scenario_expect_parse)},
    {F_WHOLE("goals", scenario_goals_parse)},
};

static void set_defaults(scenario *s)
{
    wt_options_default(&s->options);
    s->options.create_if_missing = true; /* the sim always starts from an empty device */
    s->device = (scenario_device){
        .append_ns = 2000, .append_ns_per_kib = 500, .sync_ns = 1000000, .read_ns = 1000};
    scenario_device_defaults(s);
    s->schedule = (scenario_schedule){.policy = SCENARIO_POLICY_RANDOM, .seed = 1, .pct_depth = 3,
                                      .pct_steps = 2000, .max_steps = 2000000, .tick_ns = 5};
    s->crash = (scenario_crash){.when = SCENARIO_CRASH_NONE, .reopen = true};
    scenario_expect_none(&s->expect);
}

/* ------------------------------------------------------------- loading */

/* Validates text (owned by the new scenario from here on). */
static scenario *load(const char *file, const char *base, char *text, size_t len,
                      scenario_error *err)
{
    scenario *s = calloc(1, sizeof *s);
    scenario_loader l = {
        .check = {.file = file, .message = err->text, .message_cap = sizeof err->text},
        .s = s,
        .base = base != NULL ? base : file,
    };
    l.check.user = &l;
    json_doc *doc = NULL;
    if (s == NULL || (s->path = strdup(file)) == NULL || (s->description = strdup("")) == NULL) {
        snprintf(err->text, sizeof err->text, "%s: out of memory", file);
        free(text);
        goto fail;
    }
    s->text = text;
    set_defaults(s);
    doc = json_check_parse(&l.check, text, len,
                           " (write large integers such as seeds as decimal strings)");
    if (doc == NULL) goto fail;
    l.root = json_doc_root(doc);
    if (!json_check_fields(&l.check, l.root, top_fields, F_COUNT(top_fields), s) ||
        !check_schedule_refs(&l) || !scenario_expect_check_refs(&l) ||
        !scenario_device_finish(&l) || !scenario_goals_check_refs(&l))
        goto fail;
    assert(s->writer_count > 0 && s->name != NULL);
    json_doc_free(doc);
    return s;
fail:
    json_doc_free(doc);
    scenario_free(s);
    return NULL;
}

scenario *scenario_load_text(const char *name, const char *text, scenario_error *err)
{
    return scenario_load_text_at(name, text, NULL, err);
}

scenario *scenario_load_text_at(const char *name, const char *text, const char *base,
                                scenario_error *err)
{
    assert(name != NULL && text != NULL && err != NULL);
    size_t len = strlen(text);
    if (len > SCENARIO_MAX_TEXT) {
        snprintf(err->text, sizeof err->text, "%s: larger than %d bytes", name, SCENARIO_MAX_TEXT);
        return NULL;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        snprintf(err->text, sizeof err->text, "%s: out of memory", name);
        return NULL;
    }
    memcpy(copy, text, len + 1);
    return load(name, base, copy, len, err);
}

/* Reads a whole file of at most SCENARIO_MAX_TEXT bytes, NUL-terminated. */
static char *read_file(const char *path, size_t *len, scenario_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err->text, sizeof err->text, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < READ_CHUNK) {
            /* Bounded: the loop ends once n passes SCENARIO_MAX_TEXT. */
            char *b = realloc(buf, cap + READ_CHUNK + 1);
            if (b == NULL) {
                snprintf(err->text, sizeof err->text, "%s: out of memory", path);
                goto fail;
            }
            buf = b;
            cap += READ_CHUNK;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > SCENARIO_MAX_TEXT) {
            snprintf(err->text, sizeof err->text, "%s: larger than %d bytes", path,
                     SCENARIO_MAX_TEXT);
            goto fail;
        }
        if (got == 0) break;
    }
    if (ferror(f)) {
        snprintf(err->text, sizeof err->text, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

scenario *scenario_load_file(const char *path, scenario_error *err)
{
    assert(path != NULL && err != NULL);
    size_t len;
    char *text = read_file(path, &len, err);
    return text == NULL ? NULL : load(path, NULL, text, len, err);
}

int scenario_writer_index(const scenario *s, const char *name)
{
    assert(s->writer_count <= SCENARIO_MAX_WRITERS);
    for (size_t i = 0; i < s->writer_count; i++) {
        if (strcmp(s->writers[i].name, name) == 0) return (int)i;
    }
    return -1;
}

/* ---------------------------------------------------------------- free */

static void free_writers(scenario *s)
{
    for (size_t w = 0; w < s->writer_count; w++) {
        scenario_writer *wr = &s->writers[w];
        for (size_t b = 0; b < wr->batch_count; b++) {
            scenario_batch *bt = &wr->batches[b];
            for (size_t o = 0; o < bt->op_count; o++) {
                free(bt->ops[o].key);
                free(bt->ops[o].value);
            }
            free(bt->ops);
        }
        free(wr->batches);
    }
    free(s->writers);
}

static void free_expect(scenario_expect *e)
{
    for (size_t i = 0; i < e->content_count; i++) {
        free(e->contents[i].key);
        free(e->contents[i].value);
    }
    free(e->contents);
    for (size_t i = 0; i < e->status_count; i++) free(e->statuses[i].statuses);
    free(e->statuses);
    for (size_t i = 0; i < e->group_count; i++) free(e->groups[i].members);
    free(e->groups);
    for (size_t i = 0; i < e->states_visited_count; i++) free(e->states_visited[i]);
    free(e->states_visited);
    free(e->failed_invariant);
    scenario_expect_free_events(e);
    scenario_expect_free_reads(e);
}

void scenario_free(scenario *s)
{
    if (s == NULL) return;
    free(s->path);
    free(s->text);
    free(s->name);
    free(s->description);
    for (size_t i = 0; i < s->device.fault_count; i++) free(s->device.faults[i].path_suffix);
    free(s->device.faults);
    free(s->device.profile);
    free_writers(s);
    free(s->schedule.decisions);
    for (size_t i = 0; i < s->schedule.pin_count; i++) {
        free(s->schedule.pins[i].at);
        free(s->schedule.pins[i].until_sync_point);
    }
    free(s->schedule.pins);
    free_expect(&s->expect);
    scenario_goals_free(s);
    free(s);
}

void scenario_expect_none(scenario_expect *e)
{
    *e = (scenario_expect){.group_count_total = -1, .max_group_size = -1,
                           .min_max_group_size = -1, .last_sequence = -1,
                           .wal_record_total = -1, .wal_syncs = -1};
}
