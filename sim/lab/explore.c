/*
 * explore.c — random, PCT and POS exploration, and what every sweep
 * counts (runs, classes, failures, transitions, sync points); the
 * searches (dfs, dpor) are explore_search.c.
 *
 * A seeded sweep runs index i with seed + i under the scenario's policy
 * (pos: its own), each run observed by a dpor log for its Mazurkiewicz
 * class.  Not thread-safe; one sweep per process.
 */
#include "explore.h"
#include "explore_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpor.h"
#include "policy.h"
#include "pos.h"
#include "scheduler.h"
#include "sync_points.h"

size_t explore_sync_point_count(void)
{
    return sizeof engine_sync_points / sizeof engine_sync_points[0];
}

const char *explore_sync_point_name(size_t i) { return engine_sync_points[i]; }

_Static_assert(sizeof engine_sync_points / sizeof engine_sync_points[0] <= EXPLORE_MAX_SYNC_POINTS,
               "raise EXPLORE_MAX_SYNC_POINTS");

/* ------------------------------------------------------------ statistics */

void explore_stats_init(explore_stats *st) { memset(st, 0, sizeof *st); }

void explore_stats_free(explore_stats *st)
{
    free(st->hashes);
    st->hashes = NULL;
    st->hash_cap = 0;
    free(st->class_hashes);
    st->class_hashes = NULL;
    st->class_cap = 0;
}

static uint64_t hash_picks(const run_result *r)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a over the pick sequence */
    for (size_t i = 0; i < r->pick_count; i++) {
        h ^= r->picks[i] + 1;
        h *= 0x100000001b3ull;
    }
    return h ? h : 1;
}

/* Adds h to an open-addressing set of nonzero hashes; true when new. */
static bool set_add(uint64_t **tab, size_t *cap, uint64_t count, uint64_t h)
{
    if (count * 2 >= *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        uint64_t *t = calloc(ncap, sizeof *t);
        assert(t != NULL);
        for (size_t i = 0; i < *cap; i++) {
            if (!(*tab)[i]) continue;
            size_t j = (*tab)[i] & (ncap - 1);
            while (t[j]) j = (j + 1) & (ncap - 1);
            t[j] = (*tab)[i];
        }
        free(*tab);
        *tab = t;
        *cap = ncap;
    }
    size_t j = h & (*cap - 1);
    while ((*tab)[j]) {
        if ((*tab)[j] == h) return false;
        j = (j + 1) & (*cap - 1);
    }
    (*tab)[j] = h;
    return true;
}

/* True when h was not seen before. */
bool explore_remember_hash(explore_stats *st, uint64_t h)
{
    return set_add(&st->hashes, &st->hash_cap, st->distinct, h);
}

bool explore_remember_class(explore_stats *st, uint64_t h)
{
    if (!set_add(&st->class_hashes, &st->class_cap, st->classes, h)) return false;
    st->classes++;
    return true;
}

void explore_each_class(const explore_stats *st, void (*fn)(void *arg, uint64_t h), void *arg)
{
    for (size_t i = 0; i < st->class_cap; i++)
        if (st->class_hashes[i]) fn(arg, st->class_hashes[i]);
}

static void note_failure(explore_stats *st, const explore_run_record *rec)
{
    const char *name = rec->invariant[0] ? rec->invariant : "expectations";
    st->failures++;
    if (st->first_failure_run == 0) st->first_failure_run = st->runs;
    for (size_t i = 0; i < st->fail_kinds; i++)
        if (strcmp(st->fail[i].invariant, name) == 0) {
            st->fail[i].count++;
            return;
        }
    if (st->fail_kinds == EXPLORE_MAX_INVARIANTS) return;
    explore_failure *f = &st->fail[st->fail_kinds++];
    snprintf(f->invariant, sizeof f->invariant, "%s", name);
    snprintf(f->detail, sizeof f->detail, "%s", rec->detail);
    f->count = 1;
    f->first_run = st->runs;
    f->first_index = rec->index;
}

void explore_record_of(const run_result *r, uint64_t index, explore_run_record *out)
{
    memset(out, 0, sizeof *out);
    out->index = index;
    out->steps = r->steps;
    out->decisions = r->decisions;
    out->hash = hash_picks(r);
    out->passed = r->passed;
    if (!r->passed)
        snprintf(out->invariant, sizeof out->invariant, "%s",
                 r->failed_invariant ? r->failed_invariant : "expectations");
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++) out->transitions[a][b] = (uint32_t)r->transitions[a][b];
    for (int k = 0; k < RUN_ROLES; k++)
        for (int a = 0; a < WT_STATE_COUNT; a++)
            for (int b = 0; b < WT_STATE_COUNT; b++)
                out->role_transitions[k][a][b] = (uint32_t)r->role_transitions[k][a][b];
    for (size_t i = 0; i < r->sync_point_count; i++)
        for (size_t k = 0; k < explore_sync_point_count(); k++)
            if (strcmp(r->sync_points[i], engine_sync_points[k]) == 0) out->sync_hits |= 1ull << k;
}

void explore_record(explore_stats *st, const explore_run_record *rec)
{
    st->runs++;
    st->steps += rec->steps;
    st->decisions += rec->decisions;
    if (rec->hash != 0 && explore_remember_hash(st, rec->hash)) st->distinct++;
    if (rec->class_hash != 0 && explore_remember_class(st, rec->class_hash)) st->since_new_class = 0;
    else st->since_new_class++;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++) st->transitions[a][b] += rec->transitions[a][b];
    for (int k = 0; k < RUN_ROLES; k++)
        for (int a = 0; a < WT_STATE_COUNT; a++)
            for (int b = 0; b < WT_STATE_COUNT; b++)
                st->role_transitions[k][a][b] += rec->role_transitions[k][a][b];
    for (size_t k = 0; k < explore_sync_point_count(); k++)
        if (rec->sync_hits & (1ull << k)) st->sync_hits[k]++;
    if (!rec->passed) note_failure(st, rec);
}

void explore_record_crash(explore_stats *st, uint64_t index, const char *detail)
{
    explore_run_record rec;
    memset(&rec, 0, sizeof rec);
    rec.index = index;
    snprintf(rec.invariant, sizeof rec.invariant, "crashed");
    snprintf(rec.detail, sizeof rec.detail, "%s", detail);
    explore_record(st, &rec);
}

const char *explore_role_name(int role)
{
    static const char *const names[RUN_ROLES] = {"leader", "follower", "memtable-leader", "caller"};
    return role >= 0 && role < RUN_ROLES ? names[role] : NULL;
}

static unsigned explore_legal_transitions(void)
{
    unsigned n = 0;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++)
            n += wt_state_transition_legal(wt_state_table[a].bit, wt_state_table[b].bit);
    return n;
}

unsigned explore_role_covered(const explore_stats *st, int role)
{
    unsigned n = 0;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++)
            n += st->role_transitions[role][a][b] != 0 &&
                 wt_state_transition_legal(wt_state_table[a].bit, wt_state_table[b].bit);
    return n;
}

void explore_print_roles(const explore_stats *st, bool json)
{
    if (!json) {
        printf("  transitions per writer role:");
        for (int k = 0; k < RUN_ROLES; k++)
            printf("%s %s %u", k ? "," : "", explore_role_name(k), explore_role_covered(st, k));
        printf(" of %u legal\n", explore_legal_transitions());
        return;
    }
    printf(", \"role_transitions\": {");
    for (int k = 0; k < RUN_ROLES; k++) {
        printf("%s\"%s\": {\"covered\": %u, \"transitions\": [", k ? ", " : "", explore_role_name(k),
               explore_role_covered(st, k));
        bool first = true;
        for (int a = 0; a < WT_STATE_COUNT; a++)
            for (int b = 0; b < WT_STATE_COUNT; b++)
                if (st->role_transitions[k][a][b]) {
                    printf("%s{\"from\": \"%s\", \"to\": \"%s\", \"count\": %llu}", first ? "" : ", ",
                           wt_state_table[a].name, wt_state_table[b].name,
                           (unsigned long long)st->role_transitions[k][a][b]);
                    first = false;
                }
        printf("]}");
    }
    printf("}");
}

/* The mean per run of the runs whose races dpor handled (runs cut as
 * redundant too: their races count). */
static double per_race_run(const explore_stats *st, uint64_t n)
{
    return st->race_runs ? (double)n / (double)st->race_runs : 0.0;
}

void explore_print_dpor_cost(const explore_stats *st, bool json)
{
    uint64_t memory = st->races - st->races_clock - st->races_spin;
    if (json) {
        printf(", \"race_runs\": %llu, \"races_memory\": %llu, \"races_clock\": %llu, "
               "\"races_spin\": %llu, \"races_per_run\": %.1f, \"backtrack_points\": %llu",
               (unsigned long long)st->race_runs, (unsigned long long)memory,
               (unsigned long long)st->races_clock, (unsigned long long)st->races_spin,
               per_race_run(st, st->races), (unsigned long long)st->backtracks);
        return;
    }
    printf("  dpor cost: %llu runs executed (cut ones too): %.1f races per run (memory/sync %.1f, "
           "clock %.1f, spinning %.1f); %.1f backtrack points added per run (%llu in all)\n",
           (unsigned long long)st->race_runs, per_race_run(st, st->races), per_race_run(st, memory),
           per_race_run(st, st->races_clock), per_race_run(st, st->races_spin),
           per_race_run(st, st->backtracks), (unsigned long long)st->backtracks);
}

/* ------------------------------------------------------ random, pct, pos */

bool explore_kind_searches(explore_kind k) { return k == EXPLORE_DFS || k == EXPLORE_DPOR; }

static const char *const order_names[] = {[EXPLORE_ORDER_FIXED] = "fixed",
                                           [EXPLORE_ORDER_RANDOM] = "random"};

const char *explore_order_name(explore_order o)
{
    assert((size_t)o < sizeof order_names / sizeof order_names[0]);
    return order_names[o];
}

bool explore_order_parse(const char *name, explore_order *out)
{
    assert(name != NULL);
    for (size_t i = 0; i < sizeof order_names / sizeof order_names[0]; i++)
        if (strcmp(order_names[i], name) == 0) {
            *out = (explore_order)i;
            return true;
        }
    return false;
}

void explore_seed_config(const explore_config *c, uint64_t index, run_config *cfg)
{
    assert(!explore_kind_searches(c->kind) && c->kind != EXPLORE_POS);
    run_config_default(cfg, c->sc);
    cfg->policy = c->kind == EXPLORE_PCT ? SCENARIO_POLICY_PCT : SCENARIO_POLICY_RANDOM;
    cfg->seed = c->seed + index;
    if (c->pct_depth) cfg->pct_depth = c->pct_depth;
    if (c->pct_steps) cfg->pct_steps = c->pct_steps;
}

/* Wraps a run's policy to log its steps (for the run's class) without
 * changing a single pick. */
typedef struct observed {
    sched_policy base;
    sched_policy *inner;
    dpor_log *log;
    int32_t decisions;
    bool picked;
} observed;

static uint32_t observed_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    observed *o = (observed *)p;
    o->picked = true;
    return o->inner->pick(o->inner, s, c, n, cur);
}

static void observed_spawn(sched_policy *p, sched *s, sched_fiber *f)
{
    observed *o = (observed *)p;
    if (o->inner->on_spawn) o->inner->on_spawn(o->inner, s, f);
}

static void observed_step(sched_policy *p, sched *s, sched_fiber *f)
{
    observed *o = (observed *)p;
    dpor_log_announce(o->log, f);
    if (o->inner->on_step) o->inner->on_step(o->inner, s, f);
}

static void observed_clock(sched_policy *p, sched *s, sched_fiber *f)
{
    observed *o = (observed *)p;
    dpor_log_clock_read(o->log, f);
    if (o->inner->on_clock_read) o->inner->on_clock_read(o->inner, s, f);
}

static void observed_run(sched_policy *p, sched *s, sched_fiber *f)
{
    observed *o = (observed *)p;
    dpor_log_step(o->log, s, f, o->picked ? o->decisions++ : -1);
    o->picked = false;
    if (o->inner->on_run) o->inner->on_run(o->inner, s, f);
}

/* One run of cfg (or of c->runner) under policy p, observed by log. */
static void run_observed(const explore_config *c, const run_config *cfg, sched_policy *p,
                         dpor_log *log, run_result *r)
{
    observed o = {.base = {.name = p->name, .pick = observed_pick, .on_spawn = observed_spawn,
                           .on_step = observed_step, .on_run = observed_run,
                           .on_clock_read = observed_clock},
                  .inner = p, .log = log};
    dpor_log_reset(log);
    if (c->runner) {
        c->runner(c->runner_arg, &o.base, r);
    } else {
        run_config with = *cfg;
        with.custom = &o.base;
        with.policy_label = p->name;
        run_scenario(&with, r);
    }
    dpor_log_end(log);
}

bool explore_stop_now(const explore_config *c, explore_stats *st)
{
    if (c->stop_at_failure && st->failures > 0) return true;
    if (c->until_covered == 0 || st->since_new_class < c->until_covered) return false;
    st->covered = true;
    return true;
}

static bool explore_seeds(const explore_config *c, explore_stats *st)
{
    uint64_t parts = c->part_count ? c->part_count : 1;
    uint64_t first = c->part_index;
    if (c->first_index > first) first += (c->first_index - first + parts - 1) / parts * parts;
    dpor_log *log = dpor_log_new(c->sc->schedule.pin_count > 0, false);
    dpor_log_set_clock_blind(log, c->clock_blind);
    for (uint64_t i = first; i < c->runs && !explore_stop_now(c, st); i += parts) {
        if (c->before_run) c->before_run(c->run_arg, i, true);
        run_config cfg;
        sched_policy *p;
        if (c->kind == EXPLORE_POS) {
            run_config_default(&cfg, c->sc);
            cfg.seed = c->seed + i;
            p = pos_policy_new(cfg.seed, c->sc->schedule.pin_count > 0);
        } else {
            explore_seed_config(c, i, &cfg);
            p = policy_create(&cfg);
        }
        run_result r;
        run_observed(c, &cfg, p, log, &r);
        p->destroy(p);
        explore_run_record rec;
        explore_record_of(&r, i, &rec);
        rec.class_hash = dpor_log_class(log);
        st->tick_wakes += dpor_log_tick_wakes(log);
        explore_record(st, &rec);
        if (c->after_run) c->after_run(c->run_arg, &rec);
        if (!r.passed && c->on_failure) {
            if (c->kind == EXPLORE_POS) { /* not a scenario policy: replay its picks */
                run_config repro;
                run_config_replay(&repro, c->sc, (run_picks){.ids = r.picks, .count = r.pick_count},
                                  SCENARIO_POLICY_FIFO, cfg.seed, policy_explore_name(c->kind));
                c->on_failure(c->failure_arg, &repro, &r, i);
            } else {
                c->on_failure(c->failure_arg, &cfg, &r, i);
            }
        }
        run_result_free(&r);
        if (c->progress) c->progress(c->progress_arg, st);
    }
    dpor_log_free(log);
    return true;
}

bool explore_run(const explore_config *c, explore_stats *st)
{
    if (explore_kind_searches(c->kind)) return explore_search(c, st);
    return explore_seeds(c, st);
}
