/*
 * scenario_device.c — the scenario's "device" section: the costs of file
 * operations (all files, or per kind of file: WAL, tables, manifest), the
 * memtable insert cost, a calibrated profile (profile.h), capacity and
 * faults.  See scenarios/README.md, "device".
 *
 * Costs are resolved once everything is loaded (scenario_device_finish),
 * because a key's meaning depends on others wherever they stand in the
 * file: for each kind of file and each cost, the first of
 *   1. the kind's own key ("wal": {"sync_ns": ...}),
 *   2. the top-level key ("sync_ns"),
 *   3. the profile (WAL costs only: what a real trace measures),
 *   4. the default,
 * gives it.  The memtable costs come from "memtable", else the profile,
 * else 0; the profile's wake_ns and tick_ns are schedule.wake_ns and
 * schedule.tick_ns unless the scenario sets them; with "wake_cost":
 * "sampled" the waker's cost is sampled from the profile's wake_cost
 * distribution instead of its median wake_ns.  A profile path is relative to the scenario file's directory.
 * "cpu" (the CPU model, scheduler.h) comes from the scenario, else the
 * profile; with one, the profile's wake latency is sampled only with
 * "switch": "sampled" (as the dispatch delay).  "think": "profile" gives
 * batches without think_ns the profile's think time.  "wake_latency":
 * "by_state" samples a woken writer's latency from the profile's
 * distribution for the state it was woken to (where it has one).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "scenario_schema.h"

static bool check_fault_op(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"append", "sync", "read", "memtable_insert"};
    static const scenario_fault_op ops[] = {SCENARIO_FAULT_APPEND, SCENARIO_FAULT_SYNC,
                                            SCENARIO_FAULT_READ, SCENARIO_FAULT_MEMTABLE_INSERT};
    size_t k;
    if (!json_check_enum(c, v, names, 4, "fault op", &k)) return false;
    *(scenario_fault_op *)member = ops[k];
    return true;
}

static bool check_fault_error(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"io_error", "no_space"};
    static const wt_status codes[] = {WT_IO_ERROR, WT_NO_SPACE};
    size_t k;
    if (!json_check_enum(c, v, names, 2, "fault error", &k)) return false;
    *(wt_status *)member = codes[k];
    return true;
}

static const json_check_field fault_fields[] = {
    {F_CUSTOM(scenario_fault, "op", op, check_fault_op), .required = true},
    {F_U64(scenario_fault, "nth", nth, 1)},
    {F_CUSTOM(scenario_fault, "error", error, check_fault_error)},
    {F_STR(scenario_fault, "path_suffix", path_suffix, 1)},
    {F_BOOL(scenario_fault, "sticky", sticky)},
};

/* Member: the scenario_device. */
static bool parse_faults(json_check *c, const json_doc_node *v, void *member)
{
    scenario_device *d = member;
    size_t n;
    if (!json_check_array(c, v, false, &n) ||
        !scenario_alloc_array(c, v, n, sizeof *d->faults, (void **)&d->faults))
        return false;
    for (size_t i = 0; i < n; i++) {
        scenario_fault *f = &d->faults[i];
        d->fault_count = i + 1;
        f->nth = 1;
        f->error = WT_IO_ERROR;
        if (!json_check_fields(c, json_doc_at(v, i), fault_fields, F_COUNT(fault_fields), f))
            return false;
    }
    return true;
}

/* "wal", "table", "manifest": the same four costs, for that kind only. */
static const json_check_field kind_fields[] = {
    {F_U64(timing_file_cost, "append_ns", append_ns, 0)},
    {F_U64(timing_file_cost, "append_ns_per_kib", append_ns_per_kib, 0)},
    {F_U64(timing_file_cost, "sync_ns", sync_ns, 0)},
    {F_U64(timing_file_cost, "read_ns", read_ns, 0)},
};

static bool parse_kind(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, kind_fields, F_COUNT(kind_fields), member);
}

static const json_check_field memtable_fields[] = {
    {F_U64(timing_model, "insert_ns_per_entry", insert_ns_per_entry, 0)},
    {F_U64(timing_model, "insert_ns_per_kib", insert_ns_per_kib, 0)},
};

static bool parse_memtable(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, memtable_fields, F_COUNT(memtable_fields), member);
}

/* Member: the scenario_device. */
static bool check_wake_cost(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"median", "sampled", "by_state", "by_state_idle"};
    scenario_device *d = member;
    size_t k;
    if (!json_check_enum(c, v, names, 4, "wake cost", &k)) return false;
    d->sample_wake_cost = k >= 1;
    d->wake_cost_by_state = k >= 2;
    d->wake_cost_idle = k == 3;
    return true;
}

static bool check_wake_latency(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"pooled", "by_state", "by_state_idle",
                                        "by_state_parked"};
    scenario_device *d = member;
    size_t k;
    if (!json_check_enum(c, v, names, 4, "wake latency", &k)) return false;
    d->wake_by_state = k >= 1;
    d->wake_latency_idle = k == 2;
    d->wake_latency_parked = k == 3;
    return true;
}

static bool check_think(json_check *c, const json_doc_node *v, void *member)
{
    static const char *const names[] = {"profile"};
    size_t k;
    if (!json_check_enum(c, v, names, 1, "think", &k)) return false;
    *(bool *)member = true;
    return true;
}

/* Member: the scenario_device. */
static bool parse_cpu(json_check *c, const json_doc_node *v, void *member)
{
    scenario_device *d = member;
    return profile_parse_scenario_cpu(c, v, &d->cpu, &d->cpu_switch_sampled,
                                      &d->cpu_spin_by_wait);
}

#define D(m) offsetof(scenario, device) + offsetof(scenario_device, m)
#define KIND(k) offsetof(scenario, device) + offsetof(scenario_device, timing) + \
                    offsetof(timing_model, file) + (k) * sizeof(timing_file_cost)

static const json_check_field device_fields[] = {
    {.key = "profile", .kind = JSON_CHECK_STRING, .offset = D(profile), .min = 1},
    {.key = "append_ns", .kind = JSON_CHECK_U64, .offset = D(append_ns), .max = INT64_MAX},
    {.key = "append_ns_per_kib", .kind = JSON_CHECK_U64, .offset = D(append_ns_per_kib),
     .max = INT64_MAX},
    {.key = "sync_ns", .kind = JSON_CHECK_U64, .offset = D(sync_ns), .max = INT64_MAX},
    {.key = "read_ns", .kind = JSON_CHECK_U64, .offset = D(read_ns), .max = INT64_MAX},
    {.key = "capacity_bytes", .kind = JSON_CHECK_U64, .offset = D(capacity_bytes),
     .max = INT64_MAX},
    {.key = "wal", .kind = JSON_CHECK_CUSTOM, .offset = KIND(TIMING_FILE_WAL), .fn = parse_kind},
    {.key = "table", .kind = JSON_CHECK_CUSTOM, .offset = KIND(TIMING_FILE_TABLE),
     .fn = parse_kind},
    {.key = "manifest", .kind = JSON_CHECK_CUSTOM, .offset = KIND(TIMING_FILE_MANIFEST),
     .fn = parse_kind},
    {.key = "memtable", .kind = JSON_CHECK_CUSTOM, .offset = D(timing), .fn = parse_memtable},
    {.key = "wake_cost", .kind = JSON_CHECK_CUSTOM, .offset = offsetof(scenario, device),
     .fn = check_wake_cost},
    {.key = "wake_latency", .kind = JSON_CHECK_CUSTOM, .offset = offsetof(scenario, device),
     .fn = check_wake_latency},
    {.key = "think", .kind = JSON_CHECK_CUSTOM, .offset = D(think_from_profile),
     .fn = check_think},
    {.key = "cpu", .kind = JSON_CHECK_CUSTOM, .offset = offsetof(scenario, device),
     .fn = parse_cpu},
    {.key = "faults", .kind = JSON_CHECK_CUSTOM, .offset = offsetof(scenario, device), .fn = parse_faults},
};

/* Member: the whole scenario. */
bool scenario_device_parse(json_check *c, const json_doc_node *v, void *member)
{
    return json_check_fields(c, v, device_fields, F_COUNT(device_fields), member);
}

void scenario_device_defaults(scenario *s)
{
    s->device.timing = (timing_model){.meta_ns = 1000};
}

/* n's member key, or NULL (also when n is NULL: a section not written). */
static const json_doc_node *get(const json_doc_node *n, const char *key)
{
    return n != NULL ? json_doc_get(n, key) : NULL;
}

/* dir of the scenario file + rel, unless rel is absolute or the scenario
 * has no directory part. */
static void profile_path(const char *scenario_path, const char *rel, char *out, size_t cap)
{
    const char *slash = strrchr(scenario_path, '/');
    if (rel[0] == '/' || slash == NULL) {
        snprintf(out, cap, "%s", rel);
        return;
    }
    snprintf(out, cap, "%.*s/%s", (int)(slash - scenario_path), scenario_path, rel);
}

/* "think": "profile": every batch without a think time gets ns. */
static void apply_think(scenario *s, uint64_t ns)
{
    for (size_t w = 0; w < s->writer_count; w++)
        for (size_t b = 0; b < s->writers[w].batch_count; b++)
            if (s->writers[w].batches[b].think_ns == 0) s->writers[w].batches[b].think_ns = ns;
}

/* One cost of one kind: its own key, the top-level key, the profile's
 * value (has_profile), the default (= top-level member's default). */
static uint64_t pick(const json_doc_node *kind_node, const json_doc_node *dev, const char *key,
                     uint64_t own, uint64_t top, bool has_profile, uint64_t profile_value)
{
    if (get(kind_node, key) != NULL) return own;
    if (get(dev, key) != NULL || !has_profile) return top;
    return profile_value;
}

/* Whether a per-state distribution set (one per state value) holds any
 * sample: a profile calibrated before that set existed has none. */
static bool has_samples(const timing_dist d[TIMING_WAKE_VALUES])
{
    for (size_t i = 0; i < TIMING_WAKE_VALUES; i++)
        if (d[i].count > 0) return true;
    return false;
}

/* prof: room for the profile (large: kept off the stack). */
static bool device_finish(scenario_loader *l, device_profile *prof)
{
    scenario *s = l->s;
    scenario_device *d = &s->device;
    json_check *c = &l->check;
    const json_doc_node *dev = get(l->root, "device");
    bool has_profile = d->profile != NULL;
    if (d->sample_wake_cost && !has_profile)
        return json_check_fail(c, get(dev, "wake_cost"), JSON_CHECK_AT_KEY,
                               "only with a \"profile\" (it samples the profile's wake_cost)");
    if (d->cpu_switch_sampled && !has_profile)
        return json_check_fail(c, get(get(dev, "cpu"), "switch"), JSON_CHECK_AT_KEY,
                               "\"sampled\" only with a \"profile\" (it samples the profile's "
                               "wake_latency)");
    if (d->wake_by_state && !has_profile)
        return json_check_fail(c, get(dev, "wake_latency"), JSON_CHECK_AT_KEY,
                               d->wake_latency_parked
                                   ? "\"by_state_parked\" only with a \"profile\" (it samples the "
                                     "profile's wake_latency_by_state_parked)"
                                   : "\"by_state\" only with a \"profile\" (it samples the "
                                     "profile's wake_latency_by_state)");
    if (d->cpu_spin_by_wait && !has_profile)
        return json_check_fail(c, get(get(dev, "cpu"), "spin_preempt"), JSON_CHECK_AT_VALUE,
                               d->cpu.spin_held
                                   ? "\"by_wait_held\" only with a \"profile\" (it takes the "
                                     "profile's schedule.spin_descheduled_ppm)"
                                   : "\"by_wait\" only with a \"profile\" (it takes the profile's "
                                     "schedule.spin_descheduled_ppm)");
    if (d->cpu.wake_pushback_ns == UINT64_MAX && !has_profile)
        return json_check_fail(c, get(get(dev, "cpu"), "wake_pushback_ns"), JSON_CHECK_AT_VALUE,
                               "\"profile\" only with a \"profile\" (it takes the profile's "
                               "schedule.wake_pushback_ns)");
    if (d->think_from_profile && !has_profile)
        return json_check_fail(c, get(dev, "think"), JSON_CHECK_AT_KEY,
                               "only with a \"profile\" (it takes the profile's think time)");
    if (has_profile) {
        char path[4096], perr[1024];
        profile_path(l->base, d->profile, path, sizeof path);
        bool unreadable = false;
        if (!profile_load_file(path, prof, perr, sizeof perr, &unreadable)) {
            if (unreadable)
                return json_check_fail(c, get(dev, "profile"), JSON_CHECK_AT_VALUE, "%s",
                                       perr);
            snprintf(c->message, c->message_cap, "%s (the profile of %s)", perr, s->path);
            return false;
        }
    }
    static const char *const kind_keys[] = {"wal", "table", "manifest", NULL};
    timing_model *m = &d->timing;
    for (int k = 0; k < TIMING_FILE_KINDS; k++) {
        const json_doc_node *kn = kind_keys[k] ? get(dev, kind_keys[k]) : NULL;
        timing_file_cost *fc = &m->file[k];
        bool wal_profile = has_profile && k == TIMING_FILE_WAL;
        fc->append_ns = pick(kn, dev, "append_ns", fc->append_ns, d->append_ns, wal_profile,
                             wal_profile ? prof->wal_append_ns : 0);
        fc->append_ns_per_kib = pick(kn, dev, "append_ns_per_kib", fc->append_ns_per_kib,
                                     d->append_ns_per_kib, wal_profile,
                                     wal_profile ? prof->wal_append_ns_per_kib : 0);
        fc->read_ns = pick(kn, dev, "read_ns", fc->read_ns, d->read_ns, false, 0);
        bool own_sync = get(kn, "sync_ns") != NULL;
        bool top_sync = get(dev, "sync_ns") != NULL;
        fc->sync_dist.count = 0;
        if (!own_sync) fc->sync_ns = d->sync_ns;
        if (!own_sync && !top_sync && wal_profile) fc->sync_dist = prof->wal_sync;
    }
    const json_doc_node *mem = get(dev, "memtable");
    if (has_profile) {
        if (get(mem, "insert_ns_per_entry") == NULL)
            m->insert_ns_per_entry = prof->insert_ns_per_entry;
        if (get(mem, "insert_ns_per_kib") == NULL)
            m->insert_ns_per_kib = prof->insert_ns_per_kib;
        if (get(dev, "cpu") == NULL) d->cpu = prof->cpu;
        /* With a CPU model the wait for a core is the wake-up latency;
         * sampling the measured one as well would count it twice. */
        bool sampled = d->cpu.cores == 0 || d->cpu_switch_sampled;
        if (sampled) m->wake_latency = prof->wake_latency;
        if (d->wake_by_state) {
            const char *why = NULL;
            if (!sampled)
                why = "the wake-up latency is sampled only without a CPU model or with "
                      "\"cpu\": {\"switch\": \"sampled\"}";
            const timing_dist *to = d->wake_latency_parked ? prof->wake_latency_parked_to
                                                           : prof->wake_latency_to;
            if (why == NULL && !has_samples(to))
                why = d->wake_latency_parked
                          ? "the profile has no schedule.wake_latency_by_state_parked "
                            "(calibrate it again)"
                          : "the profile has no schedule.wake_latency_by_state (calibrate it again)";
            if (why != NULL)
                return json_check_fail(c, get(dev, "wake_latency"), JSON_CHECK_AT_VALUE,
                                       "\"%s\": %s",
                                       d->wake_latency_parked ? "by_state_parked" : "by_state",
                                       why);
            memcpy(m->wake_latency_to, to, sizeof m->wake_latency_to);
        }
        if (d->wake_latency_idle) {
            if (!has_samples(prof->wake_latency_idle_to[1]))
                return json_check_fail(c, get(dev, "wake_latency"), JSON_CHECK_AT_VALUE,
                                       "\"by_state_idle\": the profile has no "
                                       "schedule.wake_latency_by_state_idle (calibrate it again)");
            memcpy(m->wake_latency_idle_to, prof->wake_latency_idle_to,
                   sizeof m->wake_latency_idle_to);
        }
        if (d->cpu_switch_sampled) d->cpu.switch_ns = 0;
        if (d->cpu_spin_by_wait) {
            if (!prof->has_spin_descheduled)
                return json_check_fail(c, get(get(dev, "cpu"), "spin_preempt"),
                                       JSON_CHECK_AT_VALUE,
                                       d->cpu.spin_held
                                           ? "\"by_wait_held\": the profile has no "
                                             "schedule.spin_descheduled_ppm (calibrate it again)"
                                           : "\"by_wait\": the profile has no "
                                             "schedule.spin_descheduled_ppm (calibrate it again)");
            m->spin_by_wait = true;
            /* by_wait_held: a released held wait returns as a writer set
             * on a busy machine, parked or not (most were not). */
            if (d->cpu.spin_held) {
                /* Per state: busy, else by_state (a state in neither
                 * keeps the scenario's mode). */
                const timing_dist *busy = prof->wake_latency_idle_to[0];
                for (size_t i = 0; i < TIMING_WAKE_VALUES; i++)
                    m->held_return_to[i] = busy[i].count > 0 ? busy[i] : prof->wake_latency_to[i];
            }
            memcpy(m->spin_descheduled_ppm, prof->spin_descheduled_ppm,
                   sizeof m->spin_descheduled_ppm);
            memcpy(m->spin_descheduled_wait, prof->spin_descheduled_wait,
                   sizeof m->spin_descheduled_wait);
        }
        if (d->cpu.wake_pushback_ns == UINT64_MAX) {
            if (prof->wake_pushback_ns == 0)
                return json_check_fail(c, get(get(dev, "cpu"), "wake_pushback_ns"),
                                       JSON_CHECK_AT_VALUE,
                                       "\"profile\": the profile has no "
                                       "schedule.wake_pushback_ns (calibrate it again)");
            d->cpu.wake_pushback_ns = prof->wake_pushback_ns;
        }
        if (d->think_from_profile) apply_think(s, prof->think_ns);
        if (get(get(l->root, "schedule"), "wake_ns") == NULL) {
            s->schedule.wake_ns = prof->wake_ns;
            if (d->sample_wake_cost) m->wake_cost = prof->wake_cost;
            if (d->wake_cost_by_state) {
                if (!has_samples(prof->wake_cost_to))
                    return json_check_fail(c, get(dev, "wake_cost"), JSON_CHECK_AT_VALUE,
                                           "\"by_state\": the profile has no "
                                           "schedule.wake_cost_by_state (calibrate it again)");
                memcpy(m->wake_cost_to, prof->wake_cost_to, sizeof m->wake_cost_to);
            }
            if (d->wake_cost_idle) {
                if (!has_samples(prof->wake_cost_idle_to[1]))
                    return json_check_fail(c, get(dev, "wake_cost"), JSON_CHECK_AT_VALUE,
                                           "\"by_state_idle\": the profile has no "
                                           "schedule.wake_cost_by_state_idle (calibrate it again)");
                memcpy(m->wake_cost_idle_to, prof->wake_cost_idle_to, sizeof m->wake_cost_idle_to);
            }
        }
        if (prof->tick_ns > 0 && get(get(l->root, "schedule"), "tick_ns") == NULL)
            s->schedule.tick_ns = prof->tick_ns;
    }
    return true;
}

bool scenario_device_finish(scenario_loader *l)
{
    device_profile *prof = malloc(sizeof *prof);
    assert(prof != NULL);
    bool ok = device_finish(l, prof);
    free(prof);
    return ok;
}
