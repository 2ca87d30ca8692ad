/*
 * cmd_minimize.c — `wtlab minimize TRACE -o OUT`: a smaller run that fails
 * the same invariant.
 *
 * A candidate is a scenario (edited as JSON) plus a decision list (fiber
 * names).  It is kept only if running it fails with the same invariant as
 * the original (no slipping to another bug).  Passes, repeated while they
 * make progress: drop writers, lower "repeat", drop batches, drop ops and
 * shrink "puts", drop pinning rules, faults and the crash; then shorten
 * the decision list (the rest runs non-preemptively) and replace
 * preemptive picks by "let the running fiber go on".  When a scenario edit
 * no longer fails under the old decisions, a few random and pct seeds are
 * tried before giving up on that edit.  The result is written as a normal
 * trace (the smaller scenario embedded), so `wtlab replay` reproduces it.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tracefile.h"

enum { DEFAULT_BUDGET = 20000, RESCUE_SEEDS = 8 };

typedef struct mini {
    const char *target;     /* the invariant to keep failing */
    uint64_t max_steps;
    uint64_t seed;          /* the trace's: it also seeds the fibers' random streams */
    uint64_t attempts, budget;
    json_t *tree;           /* the current scenario */
    char **picks;           /* the current decisions */
    size_t npicks;
    uint64_t steps, preemptions;
} mini;

typedef struct sizes {
    size_t writers, batches, ops, decisions;
    uint64_t preemptions, steps;
} sizes;

static void free_picks(char **p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i]);
    free(p);
}

static char **names_of(const run_result *r, size_t *n)
{
    char **names = malloc((r->pick_count + 1) * sizeof *names);
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
    run_scenario(&cfg, r);
    bool same = r->failed_invariant != NULL && strcmp(r->failed_invariant, m->target) == 0;
    scenario_free(sc);
    if (!same) run_result_free(r);
    return same;
}

/* Takes the schedule of a run that failed the same way as the current one. */
static void take_run(mini *m, run_result *r)
{
    free_picks(m->picks, m->npicks);
    m->picks = names_of(r, &m->npicks);
    m->steps = r->steps;
    m->preemptions = r->preemptions;
    run_result_free(r);
}

/* Adopts a candidate tree if it fails the same way (with the current
 * decisions, or with one of a few fresh schedules).  Takes tree. */
static bool adopt(mini *m, json_t *tree)
{
    run_result r;
    bool ok = attempt_with(m, tree, m->picks, m->npicks, SCENARIO_POLICY_FIFO, m->seed, &r);
    uint64_t seed = m->seed;
    for (uint64_t s = 1; !ok && s <= RESCUE_SEEDS; s++) {
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

/* Drops elements of an array at tree[section][key] one at a time. */
static bool pass_array(mini *m, const char *section, const char *key)
{
    bool progress = false;
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

static sizes measure(const mini *m)
{
    sizes z = {0};
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

static void minimize_usage(FILE *out)
{
    fputs("usage: wtlab minimize TRACE -o OUT [--budget N]\n"
          "Shrinks a failing trace (fewer writers, batches, ops; fewer decisions and\n"
          "preemptions) while it still fails the same invariant, and writes the result\n"
          "as a trace OUT that `wtlab replay` reproduces.  --budget caps the runs tried\n"
          "(default 20000).  exit status: 0 written, 1 could not reproduce, 2 bad input\n", out);
}

static int write_result(mini *m, const char *out, run_result *r)
{
    char *text = json_dumps(m->tree, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    scenario_error err;
    scenario *sc = scenario_load_text(out, text, &err);
    free(text);
    FILE *f = sc && cli_make_parent_dirs(out) ? fopen(out, "w") : NULL;
    if (f == NULL) {
        scenario_free(sc);
        return cli_usage_error("cannot write %s", out);
    }
    run_config cfg;
    run_config_replay(&cfg, sc,
                      (run_picks){.names = (const char *const *)m->picks, .count = m->npicks},
                      SCENARIO_POLICY_FIFO, m->seed, "minimized");
    cfg.max_steps = m->max_steps;
    cfg.trace = trace_sink_file(f);
    run_scenario(&cfg, r);
    trace_sink_free(cfg.trace);
    fclose(f);
    scenario_free(sc);
    return EXIT_OK;
}

static void print_sizes(const char *label, sizes z, size_t lines)
{
    printf("  %-7s %3zu writers, %4zu batches, %5zu ops, %6zu decisions, %4llu preemptions, "
           "%7llu steps, %6zu trace lines\n", label, z.writers, z.batches, z.ops, z.decisions,
           (unsigned long long)z.preemptions, (unsigned long long)z.steps, lines);
}

int cmd_minimize(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"budget", required_argument, 0, 'b'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL;
    uint64_t budget = DEFAULT_BUDGET;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "o:b:h", opts, NULL)) != -1) {
        if (o == 'o') out = optarg;
        else if (o == 'b' && cli_parse_u64(optarg, &budget)) continue;
        else if (o == 'h') { minimize_usage(stdout); return EXIT_OK; }
        else { minimize_usage(stderr); return EXIT_USAGE; }
    }
    if (out == NULL || optind != argc - 1) {
        minimize_usage(stderr);
        return EXIT_USAGE;
    }
    loaded_trace t;
    if (!loaded_trace_open(argv[optind], &t)) return EXIT_USAGE;
    if (t.summary_invariant == NULL) {
        loaded_trace_free(&t);
        return cli_usage_error("%s does not fail (its summary says every invariant held): nothing "
                               "to minimize", argv[optind]);
    }
    mini m = {.target = t.summary_invariant, .max_steps = t.header.max_steps,
              .seed = t.header.seed, .budget = budget};
    m.tree = json_loads(t.header.scenario_text, 0, NULL);
    m.npicks = t.pick_count;
    m.picks = malloc((t.pick_count + 1) * sizeof *m.picks);
    for (size_t i = 0; i < t.pick_count; i++) m.picks[i] = strdup(t.picks[i]);
    int rc = EXIT_OK;
    run_result r0;
    if (!attempt_with(&m, m.tree, m.picks, m.npicks, SCENARIO_POLICY_FIFO, m.seed, &r0)) {
        rc = EXIT_CHECK_FAILED;
        printf("minimize: the trace does not reproduce %s with this build\n", m.target);
    } else {
        m.steps = r0.steps;
        m.preemptions = r0.preemptions;
        run_result_free(&r0);
        sizes before = measure(&m);
        if (strcmp(m.target, "expectations") != 0 && json_object_get(m.tree, "expect")) {
            json_t *tr = json_deep_copy(m.tree);
            json_object_del(tr, "expect"); /* judged by the invariant only */
            adopt(&m, tr);
        }
        for (bool more = true; more && m.attempts < m.budget;) {
            more = pass_truncate(&m);
            more = pass_writers(&m) || more;
            more = pass_batches(&m) || more;
            more = pass_ops(&m) || more;
            more = pass_array(&m, "schedule", "pins") || more;
            more = pass_array(&m, "device", "faults") || more;
            more = pass_crash(&m) || more;
            more = pass_preemptions(&m) || more;
        }
        sizes after = measure(&m);
        run_result r;
        rc = write_result(&m, out, &r);
        bool same = r.failed_invariant && strcmp(r.failed_invariant, m.target) == 0;
        printf("minimize %s (%s): %llu runs tried\n", argv[optind], m.target,
               (unsigned long long)m.attempts);
        print_sizes("before", before, t.file.count);
        trace_file written;
        char err[256];
        size_t lines = trace_read(out, &written, err, sizeof err) ? written.count : 0;
        if (lines) trace_file_free(&written);
        print_sizes("after", after, lines);
        printf("  wrote %s: it fails %s at step %llu: %s\n", out,
               r.failed_invariant ? r.failed_invariant : "nothing",
               (unsigned long long)r.violation_step, r.detail);
        if (rc == EXIT_OK && !same) rc = EXIT_CHECK_FAILED;
        run_result_free(&r);
    }
    json_decref(m.tree);
    free_picks(m.picks, m.npicks);
    loaded_trace_free(&t);
    return rc;
}
