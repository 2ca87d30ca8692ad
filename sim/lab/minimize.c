/*
 * minimize.c — shrinking a failing run (see minimize.h).
 *
 * The current candidate is a jansson tree plus a decision list; each pass
 * edits a deep copy of the tree (or the list) and keeps it only if a run
 * of it fails with the target invariant (attempt_with).  Adopting a
 * candidate takes that run's own decisions (take_run), so the decision
 * list always matches the tree.  Every run counts against the budget,
 * which bounds the whole search: each pass stops trying once it is spent.
 * A scenario that no longer loads (an edit the validator refuses) is
 * simply a candidate that does not fail.
 */
#define _GNU_SOURCE
#include "minimize.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "scenario.h"
#include "supervise.h"

typedef struct mini {
    const minimize_input *in;
    const char *target;     /* the invariant to keep failing */
    const char *target_detail; /* a crash: the verdict to keep (NULL: any) */
    bool crash;             /* candidates run in child processes */
    const char *pass;       /* the pass running, for progress reports */
    uint64_t max_steps;     /* the input run's bound, for every candidate */
    uint64_t seed;          /* the input's, or a rescue seed; it also seeds the fibers' random
                             * streams */
    uint64_t attempts, budget;
    json_t *tree;           /* the current scenario */
    char **picks;           /* the current decisions */
    size_t npicks;
    uint64_t steps, preemptions;
} mini;

static void free_picks(char **p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i]);
    free(p);
}

static char **names_of(const run_result *r, size_t *n)
{
    char **names = malloc((r->pick_count + 1) * sizeof *names);
    assert(names != NULL);
    for (size_t i = 0; i < r->pick_count; i++) names[i] = strdup(r->fiber_names[r->picks[i]]);
    *n = r->pick_count;
    return names;
}

/* Runs tree with the given decisions (and a fallback policy); true when
 * it fails with the target invariant.  On success *r is kept. */
static bool attempt_with(mini *m, json_t *tree, char **picks, size_t npicks,
                         scenario_policy fallback, uint64_t seed, run_result *r)
{
    if (m->attempts >= m->budget) return false;
    m->attempts++;
    char *text = json_dumps(tree, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    scenario_error err;
    scenario *sc = scenario_load_text("(minimized scenario)", text, &err);
    free(text);
    if (sc == NULL) return false;
    run_config cfg;
    run_config_replay(&cfg, sc, (run_picks){.names = (const char *const *)picks, .count = npicks},
                      fallback, seed, NULL);
    cfg.max_steps = m->max_steps;
    bool same;
    if (m->crash) {
        supervise_verdict v;
        same = supervise_run_scenario(&cfg, NULL, false, r, &v) && v.died &&
               (m->target_detail == NULL || strcmp(v.detail, m->target_detail) == 0);
    } else {
        run_scenario(&cfg, r);
        same = minimize_same_failure(r, m->target, m->target_detail);
    }
    scenario_free(sc);
    if (!same) run_result_free(r);
    return same;
}

static minimize_sizes measure(const mini *m);

/* The length of an expectation's kind: "status: w1 ..." -> 6. */
static size_t expectation_kind(const char *text)
{
    const char *colon = text ? strchr(text, ':') : NULL;
    return colon ? (size_t)(colon - text) : 0;
}

bool minimize_same_failure(const run_result *r, const char *target, const char *target_detail)
{
    if (strcmp(target, MINIMIZE_EXPECTATIONS) != 0)
        return r->failed_invariant != NULL && strcmp(r->failed_invariant, target) == 0;
    if (r->failed_invariant != NULL || r->expectations[0] == '\0') return false;
    size_t n = expectation_kind(target_detail);
    return n == 0 || (expectation_kind(r->expectations) == n &&
                      strncmp(r->expectations, target_detail, n) == 0);
}

/* Takes the schedule of a run that failed the same way as the current one,
 * and reports the adopted candidate. */
static void take_run(mini *m, run_result *r)
{
    free_picks(m->picks, m->npicks);
    m->picks = names_of(r, &m->npicks);
    m->steps = r->steps;
    m->preemptions = r->preemptions;
    run_result_free(r);
    if (m->in->progress == NULL) return;
    minimize_progress p = {.pass = m->pass, .attempts = m->attempts, .budget = m->budget,
                           .sizes = measure(m)};
    m->in->progress(&p, m->in->progress_ctx);
}

/* Adopts a candidate tree if it fails the same way (with the current
 * decisions, or with one of a few fresh schedules).  Takes tree. */
static bool adopt(mini *m, json_t *tree)
{
    run_result r;
    bool ok = attempt_with(m, tree, m->picks, m->npicks, SCENARIO_POLICY_FIFO, m->seed, &r);
    uint64_t seed = m->seed;
    for (uint64_t s = 1; !ok && s <= MINIMIZE_RESCUE_SEEDS; s++) {
        seed = m->seed + s;
        ok = attempt_with(m, tree, NULL, 0, s % 2 ? SCENARIO_POLICY_RANDOM : SCENARIO_POLICY_PCT,
                          seed, &r);
    }
    if (!ok) {
        json_decref(tree);
        return false;
    }
    json_decref(m->tree);
    m->tree = tree;
    m->seed = seed;
    take_run(m, &r);
    return true;
}

/* ------------------------------------------------------ scenario passes */

static const char *name_of_writer(json_t *w) { return json_string_value(json_object_get(w, "name")); }

/* Removes pins and decisions that mention writer `name`. */
static void forget_writer(json_t *tree, const char *name)
{
    json_t *schedule = json_object_get(tree, "schedule");
    json_t *pins = json_object_get(schedule, "pins");
    for (size_t i = json_array_size(pins); i-- > 0;) {
        json_t *p = json_array_get(pins, i);
        const char *until = json_string_value(json_object_get(json_object_get(p, "until"), "writer"));
        if (strcmp(json_string_value(json_object_get(p, "hold")), name) == 0 ||
            (until && strcmp(until, name) == 0))
            json_array_remove(pins, i);
    }
    json_t *dec = json_object_get(schedule, "decisions");
    for (size_t i = json_array_size(dec); i-- > 0;) {
        json_t *d = json_array_get(dec, i);
        const char *f = json_is_string(d) ? json_string_value(d)
                                          : json_string_value(json_object_get(d, "fiber"));
        if (f && strcmp(f, name) == 0) json_array_remove(dec, i);
    }
    if (dec && json_array_size(dec) == 0) {
        json_object_del(schedule, "decisions");
        json_object_set_new(schedule, "policy", json_string(policy_name(SCENARIO_POLICY_FIFO)));
    }
}

static bool pass_writers(mini *m)
{
    bool progress = false;
    m->pass = "writers";
    for (size_t i = json_array_size(json_object_get(m->tree, "writers")); i-- > 0;) {
        json_t *writers = json_object_get(m->tree, "writers");
        if (json_array_size(writers) <= 1 || i >= json_array_size(writers)) continue;
        json_t *t = json_deep_copy(m->tree);
        json_t *w = json_array_get(json_object_get(t, "writers"), i);
        char *name = strdup(name_of_writer(w));
        json_array_remove(json_object_get(t, "writers"), i);
        forget_writer(t, name);
        free(name);
        progress = adopt(m, t) || progress;
    }
    return progress;
}

static json_t *writer_at(json_t *t, size_t w) { return json_array_get(json_object_get(t, "writers"), w); }
static json_t *batches_of(json_t *t, size_t w) { return json_object_get(writer_at(t, w), "batches"); }
static json_t *batch_at(json_t *t, size_t w, size_t b) { return json_array_get(batches_of(t, w), b); }

/* Lowers an integer field (a writer's repeat, a batch's puts) toward 1:
 * first straight to 1, then by halves. */
static bool shrink_int(mini *m, size_t w, int batch, const char *key)
{
    bool progress = false;
    for (int round = 0; round < 2; round++) {
        json_t *t = json_deep_copy(m->tree);
        json_t *obj = batch < 0 ? writer_at(t, w) : batch_at(t, w, (size_t)batch);
        json_int_t v = json_integer_value(json_object_get(obj, key));
        if (v <= 1) {
            json_decref(t);
            break;
        }
        json_object_set_new(obj, key, json_integer(round == 0 ? 1 : v / 2));
        progress = adopt(m, t) || progress;
    }
    return progress;
}

static bool pass_batches(mini *m)
{
    bool progress = false;
    m->pass = "batches";
    for (size_t w = 0; w < json_array_size(json_object_get(m->tree, "writers")); w++) {
        progress = shrink_int(m, w, -1, "repeat") || progress;
        for (size_t b = json_array_size(batches_of(m->tree, w)); b-- > 0;) {
            if (json_array_size(batches_of(m->tree, w)) <= 1 || b >= json_array_size(batches_of(m->tree, w)))
                continue;
            json_t *t = json_deep_copy(m->tree);
            json_array_remove(batches_of(t, w), b);
            progress = adopt(m, t) || progress;
        }
    }
    return progress;
}

static bool pass_ops(mini *m)
{
    bool progress = false;
    m->pass = "ops";
    for (size_t w = 0; w < json_array_size(json_object_get(m->tree, "writers")); w++) {
        for (size_t b = 0; b < json_array_size(batches_of(m->tree, w)); b++) {
            progress = shrink_int(m, w, (int)b, "puts") || progress;
            for (size_t o = json_array_size(json_object_get(batch_at(m->tree, w, b), "ops")); o-- > 0;) {
                if (json_array_size(json_object_get(batch_at(m->tree, w, b), "ops")) <= 1) break;
                json_t *t = json_deep_copy(m->tree);
                json_array_remove(json_object_get(batch_at(t, w, b), "ops"), o);
                progress = adopt(m, t) || progress;
            }
        }
    }
    return progress;
}

/* Drops elements of an array at tree[section][key] one at a time; the
 * pass is named by key ("pins", "faults"). */
static bool pass_array(mini *m, const char *section, const char *key)
{
    bool progress = false;
    m->pass = key;
    for (size_t i = json_array_size(json_object_get(json_object_get(m->tree, section), key)); i-- > 0;) {
        json_t *t = json_deep_copy(m->tree);
        json_array_remove(json_object_get(json_object_get(t, section), key), i);
        progress = adopt(m, t) || progress;
    }
    return progress;
}

static bool pass_crash(mini *m)
{
    if (json_object_get(m->tree, "crash") == NULL) return false;
    m->pass = "crash";
    json_t *t = json_deep_copy(m->tree);
    json_object_del(t, "crash");
    return adopt(m, t);
}

/* ------------------------------------------------------ schedule passes */

/* Runs the current tree with the first n decisions only. */
static bool adopt_prefix(mini *m, size_t n)
{
    run_result r;
    if (!attempt_with(m, m->tree, m->picks, n, SCENARIO_POLICY_FIFO, m->seed, &r)) return false;
    take_run(m, &r);
    return true;
}

/* The shortest decision prefix that still fails (binary search). */
static bool pass_truncate(mini *m)
{
    size_t lo = 0, hi = m->npicks, before = m->npicks;
    m->pass = "truncate";
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        run_result r;
        if (attempt_with(m, m->tree, m->picks, mid, SCENARIO_POLICY_FIFO, m->seed, &r)) {
            run_result_free(&r);
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return hi < before && adopt_prefix(m, hi) && m->npicks < before;
}

/* The next preemptive decision at or after `from` in the current
 * schedule, with the fiber that would have gone on; false if none. */
static bool next_preemption(mini *m, size_t from, size_t *at, char **keep)
{
    run_result r;
    if (!attempt_with(m, m->tree, m->picks, m->npicks, SCENARIO_POLICY_FIFO, m->seed, &r))
        return false;
    bool found = false;
    for (size_t i = from; i < r.pick_count && !found; i++) {
        uint32_t cur = r.pick_current[i];
        if (cur == UINT32_MAX || cur == r.picks[i]) continue;
        *at = i;
        *keep = strdup(r.fiber_names[cur]);
        found = true;
    }
    run_result_free(&r);
    return found;
}

/* Replaces one preemptive pick at a time by the fiber that would have
 * gone on; keeps each change that still fails the same way. */
static bool pass_preemptions(mini *m)
{
    bool progress = false;
    size_t i;
    char *keep;
    m->pass = "preemptions";
    for (size_t from = 0; m->attempts < m->budget && next_preemption(m, from, &i, &keep);
         from = i + 1) {
        if (i >= m->npicks) {
            free(keep);
            break;
        }
        char *old = m->picks[i];
        m->picks[i] = keep;
        if (adopt_prefix(m, m->npicks)) {
            free(old);
            progress = true;
        } else {
            m->picks[i] = old;
            free(keep);
        }
    }
    return progress;
}

/* ------------------------------------------------------------------ main */

static minimize_sizes measure(const mini *m)
{
    minimize_sizes z = {0};
    char *text = json_dumps(m->tree, JSON_COMPACT);
    scenario_error err;
    scenario *sc = scenario_load_text("(size)", text, &err);
    free(text);
    if (sc) {
        z.writers = sc->writer_count;
        for (size_t w = 0; w < sc->writer_count; w++) {
            z.batches += sc->writers[w].batch_count;
            for (size_t b = 0; b < sc->writers[w].batch_count; b++)
                z.ops += sc->writers[w].batches[b].op_count;
        }
        scenario_free(sc);
    }
    z.decisions = m->npicks;
    z.preemptions = m->preemptions;
    z.steps = m->steps;
    return z;
}

/* Runs the passes until a round makes no progress or the budget is spent. */
static void shrink(mini *m)
{
    if (strcmp(m->target, "expectations") != 0 && json_object_get(m->tree, "expect")) {
        m->pass = "expect";
        json_t *t = json_deep_copy(m->tree);
        json_object_del(t, "expect"); /* judged by the invariant only */
        adopt(m, t);
    }
    for (bool more = true; more && m->attempts < m->budget;) {
        more = pass_truncate(m);
        more = pass_writers(m) || more;
        more = pass_batches(m) || more;
        more = pass_ops(m) || more;
        more = pass_array(m, "schedule", "pins") || more;
        more = pass_array(m, "device", "faults") || more;
        more = pass_crash(m) || more;
        more = pass_preemptions(m) || more;
    }
}

minimize_status minimize_run(const minimize_input *in, minimize_result *out)
{
    assert(in->scenario_text != NULL);
    assert(in->target != NULL);
    memset(out, 0, sizeof *out);
    json_t *tree = json_loads(in->scenario_text, 0, NULL);
    if (!json_is_object(tree)) {
        json_decref(tree);
        return MINIMIZE_BAD_INPUT;
    }
    mini m = {.in = in, .target = in->target, .target_detail = in->target_detail,
              .crash = strcmp(in->target, SUPERVISE_CRASHED) == 0,
              .pass = "reproduce", .max_steps = in->max_steps,
              .seed = in->seed, .budget = in->budget, .tree = tree, .npicks = in->pick_count};
    m.picks = malloc((in->pick_count + 1) * sizeof *m.picks);
    assert(m.picks != NULL);
    for (size_t i = 0; i < in->pick_count; i++) m.picks[i] = strdup(in->picks[i]);
    minimize_status st = MINIMIZE_NOT_REPRODUCED;
    run_result r0;
    if (attempt_with(&m, m.tree, m.picks, m.npicks, SCENARIO_POLICY_FIFO, m.seed, &r0)) {
        m.steps = r0.steps;
        m.preemptions = r0.preemptions;
        run_result_free(&r0);
        out->before = measure(&m);
        shrink(&m);
        out->after = measure(&m);
        out->scenario_text = json_dumps(m.tree, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        out->picks = m.picks;
        out->pick_count = m.npicks;
        out->seed = m.seed;
        out->max_steps = m.max_steps;
        out->crashed = m.crash;
        m.picks = NULL;
        m.npicks = 0;
        st = MINIMIZE_OK;
    }
    out->attempts = m.attempts;
    json_decref(m.tree);
    free_picks(m.picks, m.npicks);
    return st;
}

/* The run a result stands for: its decisions, FIFO after them. */
static void result_config(const minimize_result *m, const scenario *sc, run_config *cfg)
{
    run_config_replay(cfg, sc,
                      (run_picks){.names = (const char *const *)m->picks, .count = m->pick_count},
                      SCENARIO_POLICY_FIFO, m->seed, "minimized");
    cfg->max_steps = m->max_steps;
}

bool minimize_replay(const minimize_result *m, const char *scenario_path, trace_sink *sink,
                     run_result *r)
{
    assert(m->scenario_text != NULL);
    assert(scenario_path != NULL);
    scenario_error err;
    scenario *sc = scenario_load_text(scenario_path, m->scenario_text, &err);
    if (sc == NULL) return false;
    run_config cfg;
    result_config(m, sc, &cfg);
    cfg.trace = sink;
    run_scenario(&cfg, r);
    scenario_free(sc);
    return true;
}

bool minimize_replay_to_file(const minimize_result *m, const char *path, run_result *r)
{
    assert(m->scenario_text != NULL);
    scenario_error err;
    scenario *sc = scenario_load_text(path, m->scenario_text, &err);
    if (sc == NULL) return false;
    run_config cfg;
    result_config(m, sc, &cfg);
    supervise_verdict v;
    bool ok = supervise_run_scenario(&cfg, path, false, r, &v);
    scenario_free(sc);
    return ok;
}

void minimize_result_free(minimize_result *m)
{
    free(m->scenario_text);
    free_picks(m->picks, m->pick_count);
    memset(m, 0, sizeof *m);
}
