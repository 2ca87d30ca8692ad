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
#include "switch_rules.h"

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
    switch_rules rules;     /* the same schedule as context switches (not for crashes) */
    switch_rules log;       /* the switches of the last run */
    uint64_t steps, preemptions, violation_step;
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

/* What a candidate runs under: switch rules (in process only), or
 * decisions by name followed by a fallback policy. */
typedef struct schedule_choice {
    const switch_rules *rules;
    char **picks;
    size_t npicks;
    scenario_policy fallback;
    uint64_t seed;
} schedule_choice;

/* Runs tree under the given schedule; true when it fails like the target.
 * On success *r is kept; the switches the run made are in m->log (in
 * process only). */
static bool attempt(mini *m, json_t *tree, const schedule_choice *ch, run_result *r)
{
    if (m->attempts >= m->budget) return false;
    m->attempts++;
    char *text = json_dumps(tree, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    scenario_error err;
    scenario *sc = scenario_load_text("(minimized scenario)", text, &err);
    free(text);
    if (sc == NULL) return false;
    run_config c;
    run_config_replay(&c, sc,
                      (run_picks){.names = (const char *const *)ch->picks, .count = ch->npicks},
                      ch->fallback, ch->seed, NULL);
    c.max_steps = m->max_steps;
    if (ch->rules != NULL) {
        assert(!m->crash);
        c.custom = switch_rules_policy(ch->rules, NULL, &m->log);
    } else if (!m->crash) {
        c.custom = switch_rules_policy(NULL, policy_create(&c), &m->log);
    }
    bool same;
    if (m->crash) {
        supervise_verdict v;
        same = supervise_run_scenario(&c, NULL, false, r, &v) && v.died &&
               (m->target_detail == NULL || strcmp(v.detail, m->target_detail) == 0);
    } else {
        run_scenario(&c, r);
        same = minimize_same_failure(r, m->target, m->target_detail);
    }
    if (c.custom) c.custom->destroy(c.custom);
    scenario_free(sc);
    if (!same) run_result_free(r);
    return same;
}

static bool attempt_with(mini *m, json_t *tree, char **picks, size_t npicks,
                         scenario_policy fallback, uint64_t seed, run_result *r)
{
    schedule_choice ch = {.picks = picks, .npicks = npicks, .fallback = fallback, .seed = seed};
    return attempt(m, tree, &ch, r);
}

static bool attempt_rules(mini *m, json_t *tree, const switch_rules *rules, run_result *r)
{
    schedule_choice ch = {.rules = rules, .fallback = SCENARIO_POLICY_FIFO, .seed = m->seed};
    return attempt(m, tree, &ch, r);
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
static void take_schedule(mini *m, run_result *r)
{
    free_picks(m->picks, m->npicks);
    m->picks = names_of(r, &m->npicks);
    m->steps = r->steps;
    m->preemptions = r->preemptions;
    m->violation_step = r->violation_step;
    if (!m->crash) {
        m->rules.n = 0;
        for (size_t i = 0; i < m->log.n; i++) switch_rules_push(&m->rules, &m->log.v[i]);
    }
    run_result_free(r);
}

static void take_run(mini *m, run_result *r)
{
    take_schedule(m, r);
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
    bool ok = m->crash ? attempt_with(m, tree, m->picks, m->npicks, SCENARIO_POLICY_FIFO, m->seed, &r)
                       : attempt_rules(m, tree, &m->rules, &r);
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
    if (!m->crash && r.preemptions >= m->preemptions && n == m->npicks) {
        run_result_free(&r); /* after the set pass: only a run with fewer preemptions */
        return false;
    }
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

/* ---------------------------------------- schedule passes, as switch rules */

/* The current rules with only the preemptive ones `keep` says (indexed
 * among the preemptive rules), the others all kept. */
static void rules_keeping(const switch_rules *from, const bool *keep, switch_rules *out)
{
    out->n = 0;
    for (size_t i = 0, p = 0; i < from->n; i++) {
        if (from->v[i].preemptive && !keep[p++]) continue;
        switch_rules_push(out, &from->v[i]);
    }
}

/* Adopts a rule set if the run fails the same way with fewer preemptions,
 * or as many and fewer steps (the violation comes earlier). */
static bool adopt_rules(mini *m, const switch_rules *rules)
{
    run_result r;
    if (!attempt_rules(m, m->tree, rules, &r)) return false;
    if (r.preemptions > m->preemptions ||
        (r.preemptions == m->preemptions && r.steps >= m->steps)) {
        run_result_free(&r);
        return false;
    }
    take_run(m, &r);
    return true;
}

/* The shortest prefix of the switches that still fails the same way
 * (binary search; after the prefix the running fiber goes on). */
static bool pass_truncate_rules(mini *m)
{
    m->pass = "truncate";
    size_t lo = 0, hi = m->rules.n;
    switch_rules cand = {0};
    bool progress = false;
    while (lo < hi && m->attempts < m->budget) {
        size_t mid = lo + (hi - lo) / 2;
        cand.n = 0;
        for (size_t i = 0; i < mid; i++) switch_rules_push(&cand, &m->rules.v[i]);
        run_result r;
        if (attempt_rules(m, m->tree, &cand, &r)) {
            run_result_free(&r);
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if (hi < m->rules.n) {
        cand.n = 0;
        for (size_t i = 0; i < hi; i++) switch_rules_push(&cand, &m->rules.v[i]);
        progress = adopt_rules(m, &cand);
    }
    switch_rules_free(&cand);
    return progress;
}

/* Delta debugging (Zeller's ddmin) over the set of preemptions: tries to
 * keep only one of n parts of them, then to drop one part, refining n
 * until every single preemption left is needed or the budget is spent.
 * Several preemptions that only together make the failure are kept or
 * dropped together, which removing them one at a time cannot do. */
static bool pass_preemption_set(mini *m)
{
    m->pass = "preemptions";
    bool progress = false;
    switch_rules cand = {0};
    size_t np = switch_rules_preemptive(&m->rules);
    bool *keep = calloc(np + 1, sizeof *keep);
    assert(keep != NULL);
    if (np > 0) { /* none at all? */
        rules_keeping(&m->rules, keep, &cand);
        progress = adopt_rules(m, &cand);
    }
    for (size_t n = 2; m->attempts < m->budget;) {
        np = switch_rules_preemptive(&m->rules);
        if (np < 2) break;
        keep = realloc(keep, (np + 1) * sizeof *keep);
        assert(keep != NULL);
        if (n > np) n = np;
        bool reduced = false;
        for (int drop = 0; drop < 2 && !reduced; drop++) {
            if (drop && n == 2) break; /* the complements of two halves are the halves */
            for (size_t c = 0; c < n && !reduced && m->attempts < m->budget; c++) {
                size_t lo = c * np / n, hi = (c + 1) * np / n;
                for (size_t p = 0; p < np; p++) keep[p] = (p >= lo && p < hi) != (drop == 1);
                rules_keeping(&m->rules, keep, &cand);
                if (adopt_rules(m, &cand)) {
                    reduced = progress = true;
                    n = drop ? (n > 3 ? n - 1 : 2) : 2;
                }
            }
        }
        if (reduced) continue;
        if (n >= np) break;
        n = 2 * n < np ? 2 * n : np;
    }
    free(keep);
    switch_rules_free(&cand);
    return progress;
}

/* What happens without each preemption that is left (why it is needed). */
static void explain_preemptions(mini *m, minimize_result *out)
{
    size_t np = switch_rules_preemptive(&m->rules);
    out->needed = calloc(np + 1, sizeof *out->needed);
    assert(out->needed != NULL);
    bool *keep = malloc((np + 1) * sizeof *keep);
    assert(keep != NULL);
    switch_rules cand = {0};
    for (size_t i = 0, p = 0; i < m->rules.n; i++) {
        const switch_rule *x = &m->rules.v[i];
        if (!x->preemptive) continue;
        minimize_preemption *e = &out->needed[out->needed_count++];
        e->step = x->step;
        e->decision = x->decision;
        snprintf(e->from, sizeof e->from, "%s", x->at);
        snprintf(e->to, sizeof e->to, "%s", x->to);
        if (m->attempts >= m->budget) {
            snprintf(e->without, sizeof e->without, "not tried (the budget is spent)");
            p++;
            continue;
        }
        for (size_t q = 0; q < np; q++) keep[q] = q != p;
        p++;
        rules_keeping(&m->rules, keep, &cand);
        /* the run itself, not just "same or not": say what it does instead */
        char *text = json_dumps(m->tree, JSON_COMPACT);
        scenario_error err;
        scenario *sc = scenario_load_text("(minimized scenario)", text, &err);
        free(text);
        assert(sc != NULL);
        run_config c;
        run_config_replay(&c, sc, (run_picks){0}, SCENARIO_POLICY_FIFO, m->seed, NULL);
        c.max_steps = m->max_steps;
        c.custom = switch_rules_policy(&cand, NULL, &m->log);
        run_result r;
        run_scenario(&c, &r);
        m->attempts++;
        c.custom->destroy(c.custom);
        scenario_free(sc);
        if (minimize_same_failure(&r, m->target, m->target_detail))
            snprintf(e->without, sizeof e->without, "still fails the same way (not needed)");
        else if (r.failed_invariant != NULL)
            snprintf(e->without, sizeof e->without, "fails %s instead", r.failed_invariant);
        else if (r.expectations[0] != '\0')
            snprintf(e->without, sizeof e->without, "only expectations fail");
        else
            snprintf(e->without, sizeof e->without, "the run passes");
        run_result_free(&r);
    }
    free(keep);
    switch_rules_free(&cand);
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
        more = m->crash ? pass_truncate(m) : false;
        more = pass_writers(m) || more;
        more = pass_batches(m) || more;
        more = pass_ops(m) || more;
        more = pass_array(m, "schedule", "pins") || more;
        more = pass_array(m, "device", "faults") || more;
        more = pass_crash(m) || more;
        if (m->crash) {
            more = pass_preemptions(m) || more;
        } else {
            more = pass_truncate_rules(m) || more;
            more = pass_preemption_set(m) || more;
            /* then one pick at a time, the later picks kept as they are: it
             * reaches some schedules the switch rules do not */
            more = pass_preemptions(m) || more;
        }
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
        take_schedule(&m, &r0); /* its switches, as rules */
        uint64_t r0_violation = m.violation_step;
        out->before = measure(&m);
        shrink(&m);
        out->after = measure(&m);
        out->violation_before = r0_violation;
        out->violation_after = m.violation_step;
        if (!m.crash) explain_preemptions(&m, out);
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
    switch_rules_free(&m.rules);
    switch_rules_free(&m.log);
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
    free(m->needed);
    free_picks(m->picks, m->pick_count);
    memset(m, 0, sizeof *m);
}
