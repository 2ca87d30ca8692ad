/*
 * profile.c — loads and writes device profiles (profile.h).
 */
#include "profile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "writer_state.h"

_Static_assert((int)WT_STATE_COUNT <= (int)TIMING_WAKE_VALUES, "a wake-up latency per writer state");

enum { READ_CHUNK = 16 << 10 };

static bool check_format(json_check *c, const json_doc_node *v, void *member)
{
    (void)member;
    if (v->type != JSON_DOC_STRING)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected a string, got %s",
                               json_check_type_name(v));
    if (strcmp(v->string, PROFILE_FORMAT) != 0)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "expected \"%s\" (not a device profile)",
                               PROFILE_FORMAT);
    return true;
}

static bool check_version(json_check *c, const json_doc_node *v, void *member)
{
    int64_t n;
    (void)member;
    if (!json_check_int(c, v, 1, INT64_MAX, &n)) return false;
    if (n != PROFILE_VERSION)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "version %" PRId64 " is not known (this "
                               "build reads version %d)", n, PROFILE_VERSION);
    return true;
}

/* {"quantiles": [N, ...]}: 1..TIMING_DIST_MAX_POINTS, never decreasing. */
static bool parse_quantiles(json_check *c, const json_doc_node *v, void *member)
{
    timing_dist *d = member;
    size_t n;
    if (!json_check_array(c, v, true, &n)) return false;
    if (n > TIMING_DIST_MAX_POINTS)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE, "%zu points: at most %d", n,
                               TIMING_DIST_MAX_POINTS);
    for (size_t i = 0; i < n; i++) {
        const json_doc_node *e = json_doc_at(v, i);
        int64_t x;
        if (!json_check_int(c, e, 0, INT64_MAX, &x)) return false;
        if (i > 0 && (uint64_t)x < d->q[i - 1])
            return json_check_fail(c, e, JSON_CHECK_AT_VALUE,
                                   "quantiles must not decrease (%" PRId64 " after %" PRIu64 ")",
                                   x, d->q[i - 1]);
        d->q[i] = (uint64_t)x;
    }
    d->count = n;
    return true;
}

static const json_check_field dist_fields[] = {
    {.key = "quantiles", .kind = JSON_CHECK_CUSTOM, .fn = parse_quantiles, .required = true},
};

static bool parse_dist(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, dist_fields, 1, member);
}

#define U64(k, m) \
    {.key = k, .kind = JSON_CHECK_U64, .offset = offsetof(device_profile, m), .min = 0, \
     .max = INT64_MAX, .required = true}
#define SUB(k, f) {.key = k, .kind = JSON_CHECK_CUSTOM, .fn = f, .required = true}

static const json_check_field wal_fields[] = {
    U64("append_ns", wal_append_ns),
    U64("append_ns_per_kib", wal_append_ns_per_kib),
    {.key = "sync", .kind = JSON_CHECK_CUSTOM, .offset = offsetof(device_profile, wal_sync),
     .fn = parse_dist, .required = true},
};
static const json_check_field memtable_fields[] = {
    U64("insert_ns_per_entry", insert_ns_per_entry),
    U64("insert_ns_per_kib", insert_ns_per_kib),
};
/* "wake_latency_by_state": {"STATE": distribution, ...}: keys are writer
 * states' names (wt_state_table), at least one. */
#define BY_STATE(i) \
    {.key = NULL, .kind = JSON_CHECK_CUSTOM, .offset = (i) * sizeof(timing_dist), .fn = parse_dist}
/* Member: a timing_dist[TIMING_WAKE_VALUES]. */
static bool parse_by_state(json_check *c, const json_doc_node *v, void *member)
{
    json_check_field fields[WT_STATE_COUNT] = {BY_STATE(0), BY_STATE(1), BY_STATE(2), BY_STATE(3),
                                               BY_STATE(4), BY_STATE(5), BY_STATE(6)};
    _Static_assert(WT_STATE_COUNT == 7, "one field per state");
    for (size_t i = 0; i < WT_STATE_COUNT; i++) fields[i].key = wt_state_table[i].name;
    if (!json_check_fields(c, v, fields, WT_STATE_COUNT, member)) return false;
    if (v->child_count == 0)
        return json_check_fail(c, v, JSON_CHECK_AT_VALUE,
                               "no state (name at least one, e.g. \"GROUP_LEADER\", or leave "
                               "the key out)");
    return true;
}

/* schedule.spin_descheduled_ppm: {"first_wait": N, "member_wait": N}. */
static bool parse_spin_descheduled(json_check *c, const json_doc_node *v, void *member)
{
    device_profile *p = member;
    uint64_t raw[2] = {0, 0};
    static const json_check_field fields[] = {
        {.key = "first_wait", .kind = JSON_CHECK_U64, .offset = 0, .max = 1000000,
         .required = true},
        {.key = "member_wait", .kind = JSON_CHECK_U64, .offset = sizeof(uint64_t),
         .max = 1000000, .required = true},
    };
    if (!json_check_fields(c, v, fields, 2, raw)) return false;
    p->spin_descheduled_ppm[0] = (uint32_t)raw[0];
    p->spin_descheduled_ppm[1] = (uint32_t)raw[1];
    p->has_spin_descheduled = true;
    return true;
}

/* schedule.spin_descheduled_wait: {"first_wait": dist, "member_wait": dist}
 * (each optional; member: timing_dist[2]). */
static bool parse_wait_kinds(json_check *c, const json_doc_node *v, void *member)
{
    static const json_check_field fields[] = {
        {.key = "first_wait", .kind = JSON_CHECK_CUSTOM, .offset = 0, .fn = parse_dist},
        {.key = "member_wait", .kind = JSON_CHECK_CUSTOM, .offset = sizeof(timing_dist),
         .fn = parse_dist},
    };
    return json_check_fields(c, v, fields, 2, member);
}

static const json_check_field schedule_fields[] = {
    U64("wake_ns", wake_ns),
    {.key = "wake_latency", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_latency), .fn = parse_dist, .required = true},
    {.key = "wake_cost", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_cost), .fn = parse_dist},
    {.key = "wake_latency_by_state", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_latency_to), .fn = parse_by_state},
    {.key = "wake_cost_by_state", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_cost_to), .fn = parse_by_state},
    {.key = "wake_latency_by_state_busy", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_latency_idle_to[0]), .fn = parse_by_state},
    {.key = "wake_latency_by_state_idle", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_latency_idle_to[1]), .fn = parse_by_state},
    {.key = "wake_latency_by_state_parked", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_latency_parked_to), .fn = parse_by_state},
    {.key = "wake_cost_by_state_busy", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_cost_idle_to[0]), .fn = parse_by_state},
    {.key = "wake_cost_by_state_idle", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, wake_cost_idle_to[1]), .fn = parse_by_state},
    {.key = "spin_descheduled_ppm", .kind = JSON_CHECK_CUSTOM, .offset = 0,
     .fn = parse_spin_descheduled},
    {.key = "spin_descheduled_wait", .kind = JSON_CHECK_CUSTOM,
     .offset = offsetof(device_profile, spin_descheduled_wait), .fn = parse_wait_kinds},
    {.key = "wake_pushback_ns", .kind = JSON_CHECK_U64,
     .offset = offsetof(device_profile, wake_pushback_ns), .max = 1000000000},
    {.key = "tick_ns", .kind = JSON_CHECK_U64, .offset = offsetof(device_profile, tick_ns),
     .min = 1, .max = INT64_MAX},
};
static const json_check_field writers_fields[] = {U64("think_ns", think_ns)};

#define SECTION(name, table) \
    static bool name(json_check *c, const json_doc_node *v, void *member) \
    { \
        return json_check_fields(c, v, table, sizeof table / sizeof table[0], member); \
    }
SECTION(parse_wal, wal_fields)
SECTION(parse_memtable, memtable_fields)
SECTION(parse_schedule, schedule_fields)
SECTION(parse_writers, writers_fields)

/* Member: the profile; its cpu (a uint32_t cores read as u64). */
static bool parse_cpu(json_check *c, const json_doc_node *v, void *member)
{
    device_profile *p = member;
    return profile_parse_cpu(c, v, &p->cpu);
}

static bool parse_measured(json_check *c, const json_doc_node *v, void *member)
{
    (void)member;
    return json_check_object(c, v);
}

static const json_check_field top_fields[] = {
    SUB("format", check_format),
    SUB("version", check_version),
    SUB("wal", parse_wal),
    SUB("memtable", parse_memtable),
    SUB("schedule", parse_schedule),
    SUB("writers", parse_writers),
    {.key = "cpu", .kind = JSON_CHECK_CUSTOM, .fn = parse_cpu},
    {.key = "measured", .kind = JSON_CHECK_CUSTOM, .fn = parse_measured},
};

static char *read_all(const char *path, size_t *len, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, cap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0;
    for (;;) {
        char *b = realloc(buf, n + READ_CHUNK + 1);
        if (b == NULL) {
            snprintf(err, cap, "%s: out of memory", path);
            break;
        }
        buf = b;
        size_t got = fread(buf + n, 1, READ_CHUNK, f);
        n += got;
        if (n > PROFILE_MAX_TEXT) {
            snprintf(err, cap, "%s: larger than %d bytes", path, PROFILE_MAX_TEXT);
            break;
        }
        if (got == 0) {
            bool bad = ferror(f);
            fclose(f);
            if (bad) {
                snprintf(err, cap, "%s: cannot read", path);
                free(buf);
                return NULL;
            }
            buf[n] = '\0';
            *len = n;
            return buf;
        }
    }
    fclose(f);
    free(buf);
    return NULL;
}

bool profile_load_file(const char *path, device_profile *p, char *err, size_t cap,
                       bool *unreadable)
{
    size_t len;
    char *text = read_all(path, &len, err, cap);
    *unreadable = text == NULL;
    if (text == NULL) return false;
    memset(p, 0, sizeof *p);
    json_check c = {.file = path, .message = err, .message_cap = cap};
    json_doc *doc = json_check_parse(&c, text, len, "");
    bool ok = doc != NULL && json_check_fields(&c, json_doc_root(doc), top_fields,
                                               sizeof top_fields / sizeof top_fields[0], p);
    json_doc_free(doc);
    free(text);
    return ok;
}

struct cpu_raw {
    uint64_t cores, switch_ns, slice_ns, other_ns;
    bool wake_preempt;
    uint64_t wake_pushback_ns; /* UINT64_MAX: "profile" (a scenario's only) */
    uint8_t spin_preempt; /* 0 false, 1 true, 2 "by_wait", 3 "by_wait_held" (a scenario's only) */
    bool switch_sampled;
};

/* "spin_preempt": true, false, or (a scenario's cpu) "by_wait" or
 * "by_wait_held". */
static bool check_spin_preempt(json_check *c, const json_doc_node *v, void *member)
{
    uint8_t *mode = member;
    if (v->type == JSON_DOC_STRING) {
        static const char *const names[] = {"by_wait", "by_wait_held"};
        size_t k;
        if (!json_check_enum(c, v, names, 2, "spin_preempt", &k)) return false;
        *mode = (uint8_t)(2 + k);
        return true;
    }
    bool b;
    if (!json_check_bool(c, v, &b)) return false;
    *mode = b;
    return true;
}

/* "wake_pushback_ns": N, or (a scenario's cpu) "profile". */
static bool check_pushback(json_check *c, const json_doc_node *v, void *member)
{
    uint64_t *ns = member;
    if (v->type == JSON_DOC_STRING) {
        static const char *const names[] = {"profile"};
        size_t k;
        if (!json_check_enum(c, v, names, 1, "wake pushback", &k)) return false;
        *ns = UINT64_MAX;
        return true;
    }
    int64_t n;
    if (!json_check_int(c, v, 0, 1000000000, &n)) return false;
    *ns = (uint64_t)n;
    return true;
}

static bool check_switch(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"fixed", "sampled"};
    size_t k;
    if (!json_check_enum(c, v, names, 2, "switch", &k)) return false;
    *(bool *)member = k == 1;
    return true;
}

static bool parse_cpu_object(json_check *c, const json_doc_node *v, sched_cpu *cpu,
                             bool *switch_sampled, bool *spin_by_wait)
{
    struct cpu_raw raw = {0, 0, 0, 0, false, 0, 0, false};
    static const json_check_field fields[] = {
        {.key = "cores", .kind = JSON_CHECK_U64, .offset = 0, .min = 0, .max = SCHED_MAX_CORES,
         .required = true},
        {.key = "switch_ns", .kind = JSON_CHECK_U64, .offset = offsetof(struct cpu_raw, switch_ns), .max = INT64_MAX},
        {.key = "slice_ns", .kind = JSON_CHECK_U64, .offset = offsetof(struct cpu_raw, slice_ns),
         .max = INT64_MAX},
        {.key = "other_ns", .kind = JSON_CHECK_U64, .offset = offsetof(struct cpu_raw, other_ns),
         .max = INT64_MAX},
        {.key = "wake_preempt", .kind = JSON_CHECK_BOOL,
         .offset = offsetof(struct cpu_raw, wake_preempt)},
        {.key = "spin_preempt", .kind = JSON_CHECK_CUSTOM,
         .offset = offsetof(struct cpu_raw, spin_preempt), .fn = check_spin_preempt},
        {.key = "wake_pushback_ns", .kind = JSON_CHECK_CUSTOM,
         .offset = offsetof(struct cpu_raw, wake_pushback_ns), .fn = check_pushback},
        {.key = "switch", .kind = JSON_CHECK_CUSTOM,
         .offset = offsetof(struct cpu_raw, switch_sampled), .fn = check_switch},
    };
    /* A profile's cpu has no "switch" (the last field). */
    size_t n = sizeof fields / sizeof fields[0] - (switch_sampled == NULL);
    if (!json_check_fields(c, v, fields, n, &raw)) return false;
    /* A profile's cpu is a model (0 cores is the scenario's way to turn
     * one off), so what loads is what profile_write writes back. */
    if (switch_sampled == NULL && raw.cores == 0)
        return json_check_fail(c, json_doc_get(v, "cores"), JSON_CHECK_AT_VALUE,
                               "a profile's cpu needs at least 1 core (leave \"cpu\" out for none)");
    if (switch_sampled == NULL && raw.spin_preempt >= 2)
        return json_check_fail(c, json_doc_get(v, "spin_preempt"), JSON_CHECK_AT_VALUE,
                               raw.spin_preempt == 3
                                   ? "\"by_wait_held\" only in a scenario's cpu (the profile "
                                     "holds the shares: schedule.spin_descheduled_ppm)"
                                   : "\"by_wait\" only in a scenario's cpu (the profile holds the "
                                     "shares: schedule.spin_descheduled_ppm)");
    if (switch_sampled == NULL && raw.wake_pushback_ns == UINT64_MAX)
        return json_check_fail(c, json_doc_get(v, "wake_pushback_ns"), JSON_CHECK_AT_VALUE,
                               "\"profile\" only in a scenario's cpu (the profile holds it: "
                               "schedule.wake_pushback_ns)");
    if (switch_sampled != NULL) *switch_sampled = raw.switch_sampled;
    if (spin_by_wait != NULL) *spin_by_wait = raw.spin_preempt >= 2;
    *cpu = (sched_cpu){.cores = (uint32_t)raw.cores, .switch_ns = raw.switch_ns,
                       .slice_ns = raw.slice_ns, .wake_preempt = raw.wake_preempt,
                       .other_ns = raw.other_ns, .spin_preempt = raw.spin_preempt != 0,
                       .spin_held = raw.spin_preempt == 3,
                       .wake_pushback_ns = raw.wake_pushback_ns};
    /* UINT64_MAX ("profile"): the scenario's device code takes the
     * profile's schedule.wake_pushback_ns (scenario_device.c). */
    return true;
}

bool profile_parse_cpu(json_check *c, const json_doc_node *v, sched_cpu *cpu)
{
    return parse_cpu_object(c, v, cpu, NULL, NULL);
}

bool profile_parse_scenario_cpu(json_check *c, const json_doc_node *v, sched_cpu *cpu,
                                bool *switch_sampled, bool *spin_by_wait)
{
    return parse_cpu_object(c, v, cpu, switch_sampled, spin_by_wait);
}

void profile_write_dist(FILE *out, const timing_dist *d)
{
    fputs("{\"quantiles\": [", out);
    for (size_t i = 0; i < d->count; i++)
        fprintf(out, "%s%" PRIu64, i ? ", " : "", d->q[i]);
    fputs("]}", out);
}

/* ",\n  "key": {"STATE": dist, ...}" for the states with points; nothing
 * when none has. */
static void write_by_state(FILE *out, const char *key, const timing_dist *to)
{
    bool any = false;
    for (size_t i = 0; i < WT_STATE_COUNT; i++) {
        if (to[i].count == 0) continue;
        if (any)
            fputs(",\n                  ", out);
        else
            fprintf(out, ",\n               \"%s\": {\n                  ", key);
        fprintf(out, "\"%s\": ", wt_state_table[i].name);
        profile_write_dist(out, &to[i]);
        any = true;
    }
    if (any) fputs("}", out);
}

void profile_write(FILE *out, const device_profile *p, const char *measured)
{
    fprintf(out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n", PROFILE_FORMAT, PROFILE_VERSION);
    fprintf(out, "  \"wal\": {\"append_ns\": %" PRIu64 ", \"append_ns_per_kib\": %" PRIu64
                 ",\n          \"sync\": ",
            p->wal_append_ns, p->wal_append_ns_per_kib);
    profile_write_dist(out, &p->wal_sync);
    fprintf(out, "},\n  \"memtable\": {\"insert_ns_per_entry\": %" PRIu64
                 ", \"insert_ns_per_kib\": %" PRIu64 "},\n",
            p->insert_ns_per_entry, p->insert_ns_per_kib);
    fprintf(out, "  \"schedule\": {\"wake_ns\": %" PRIu64 ",\n               \"wake_latency\": ",
            p->wake_ns);
    profile_write_dist(out, &p->wake_latency);
    if (p->wake_cost.count > 0) {
        fputs(",\n               \"wake_cost\": ", out);
        profile_write_dist(out, &p->wake_cost);
    }
    write_by_state(out, "wake_latency_by_state", p->wake_latency_to);
    write_by_state(out, "wake_cost_by_state", p->wake_cost_to);
    write_by_state(out, "wake_latency_by_state_busy", p->wake_latency_idle_to[0]);
    write_by_state(out, "wake_latency_by_state_idle", p->wake_latency_idle_to[1]);
    write_by_state(out, "wake_latency_by_state_parked", p->wake_latency_parked_to);
    write_by_state(out, "wake_cost_by_state_busy", p->wake_cost_idle_to[0]);
    write_by_state(out, "wake_cost_by_state_idle", p->wake_cost_idle_to[1]);
    if (p->has_spin_descheduled)
        fprintf(out, ",\n               \"spin_descheduled_ppm\": {\"first_wait\": %" PRIu32
                     ", \"member_wait\": %" PRIu32 "}",
                p->spin_descheduled_ppm[0], p->spin_descheduled_ppm[1]);
    static const char *const wait_kinds[2] = {"first_wait", "member_wait"};
    bool any_wait = false;
    for (int k = 0; k < 2 && p->has_spin_descheduled; k++) { /* only with the shares */
        if (p->spin_descheduled_wait[k].count == 0) continue;
        fprintf(out, "%s\"%s\": ",
                any_wait ? ",\n                                         "
                         : ",\n               \"spin_descheduled_wait\": {",
                wait_kinds[k]);
        profile_write_dist(out, &p->spin_descheduled_wait[k]);
        any_wait = true;
    }
    if (any_wait) fputs("}", out);
    if (p->wake_pushback_ns > 0)
        fprintf(out, ",\n               \"wake_pushback_ns\": %" PRIu64, p->wake_pushback_ns);
    if (p->tick_ns > 0) fprintf(out, ",\n               \"tick_ns\": %" PRIu64, p->tick_ns);
    fprintf(out, "},\n  \"writers\": {\"think_ns\": %" PRIu64 "}", p->think_ns);
    if (p->cpu.cores > 0)
        fprintf(out, ",\n  \"cpu\": {\"cores\": %" PRIu32 ", \"switch_ns\": %" PRIu64
                     ", \"slice_ns\": %" PRIu64 ", \"wake_preempt\": %s, \"other_ns\": %" PRIu64
                     "%s",
                p->cpu.cores, p->cpu.switch_ns, p->cpu.slice_ns,
                p->cpu.wake_preempt ? "true" : "false", p->cpu.other_ns,
                p->cpu.spin_preempt ? ", \"spin_preempt\": true" : "");
    if (p->cpu.cores > 0 && p->cpu.wake_pushback_ns > 0)
        fprintf(out, ", \"wake_pushback_ns\": %" PRIu64, p->cpu.wake_pushback_ns);
    if (p->cpu.cores > 0) fputs("}", out);
    if (measured != NULL && measured[0] != '\0') fprintf(out, ",\n  \"measured\": {\n%s\n  }", measured);
    fputs("\n}\n", out);
}
