/*
 * explore.c — random, PCT, POS and bounded-exhaustive (dfs, dpor)
 * exploration.
 *
 * dpor shares the dfs machinery: each node also keeps a backtrack set
 * (the picks some race asked for, plus the first), the run's steps are
 * logged (dpor.h) through the policy's on_run, and after each run its
 * races add picks to the nodes where the reversed order could begin.
 *
 * The dfs keeps the current path of decision nodes.  Each run replays the
 * path's picks, then extends it with the non-preemptive default (keep the
 * running fiber, else the lowest id), recording at each new node the
 * candidates, the operation each is about to perform, and the sleep set.
 * Backtracking takes the deepest node with an untried pick that is neither
 * asleep nor beyond the preemption bound.
 *
 * Sleep sets: after exploring pick p at node n, a sibling q that sleeps
 * stays asleep in p's subtree while every operation taken is independent
 * of q's pending one; a sleeping fiber is never picked, and a run where
 * every candidate sleeps is cut (it only repeats a known ordering).  Two
 * operations are dependent when they touch the same object (unless both
 * are loads), or both are spawns or lock/condition operations, or either
 * is a directory-level file operation or (with pinning rules) a sync
 * point; a join is dependent with the joined fiber's steps only
 * (dpor_dependent_fibers); a clock reading with another fiber's advance,
 * and a spinner's steps with others' writes and spins (dpor.h).  Every
 * step taken since the last decision is compared, also those taken
 * without a choice.
 * Combined with the preemption bound this is the usual conservative use
 * (as in loom): interleavings needing more preemptions are not explored.
 */
#include "explore.h"

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

/* ------------------------------------------------------ random, pct, pos */

bool explore_kind_searches(explore_kind k) { return k == EXPLORE_DFS || k == EXPLORE_DPOR; }

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

static bool stop_now(const explore_config *c, explore_stats *st)
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
    for (uint64_t i = first; i < c->runs && !stop_now(c, st); i += parts) {
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

/* ------------------------------------------------------------------ dfs */

/* A run replays and revisits every node of its path (stride-wakeup: some
 * 14,000), so a node holds only bit sets; the candidates' operations, read
 * where a sibling sleeps, are in a parallel array (dfs_ops). */
typedef struct dfs_node {
    uint64_t cands;         /* the candidates (fiber ids, all below 64) */
    uint32_t ncand;         /* how many */
    uint32_t current;       /* the fiber that reached the point, if it could go on */
    uint32_t pick;
    uint32_t preemptions;   /* on the path before this node */
    uint64_t done, sleep;   /* fiber-id bit sets */
    uint64_t done_reads, done_adds;   /* of the done picks: their step read / advanced the clock */
    uint64_t sleep_reads, sleep_adds; /* the same for the sleeping fibers' steps */
    uint64_t done_spin, sleep_spin;   /* their step was taken spinning or began a spin */
    uint64_t backtrack;     /* dpor: the picks races asked for (with the first) */
    uint64_t foreign;       /* options another partition explores */
} dfs_node;

/* The pending operations of a node's candidates, in ascending id order. */
typedef struct dfs_ops {
    sched_op op[EXPLORE_DFS_MAX_FIBERS];
    uint32_t joined[EXPLORE_DFS_MAX_FIBERS]; /* joins: the joined fiber (dpor_op) */
    const void *obj[EXPLORE_DFS_MAX_FIBERS];
} dfs_ops;

typedef struct dfs_search {
    sched_policy base;
    dfs_node *nodes;
    dfs_ops *ops;           /* ops[k]: node k's */
    size_t len, cap;
    size_t forced_len;      /* nodes replayed from the previous path */
    size_t next;
    bool blocked, mismatch, too_many_fibers;
    unsigned bound;
    bool reduction, pins, dpor, blind;
    dpor_log *log;          /* the run's steps: classes, and races for dpor */
    int32_t chosen;         /* the node whose pick runs next, or -1 */
    explore_stats *st;
} dfs_search;

static uint64_t bit(uint32_t id) { return 1ull << id; }

static bool has_cand(const dfs_node *n, uint32_t id)
{
    return id < EXPLORE_DFS_MAX_FIBERS && (n->cands & bit(id));
}

/* The lowest candidate in the bit set *m, which loses it. */
static uint32_t next_cand(uint64_t *m)
{
    uint32_t id = (uint32_t)__builtin_ctzll(*m);
    *m &= *m - 1;
    return id;
}

static bool is_preemption(const dfs_node *n, uint32_t pick)
{
    return n->current != UINT32_MAX && pick != n->current && has_cand(n, n->current);
}

/* The sleep set of the node after `prev` (node k - 1) took its pick: a
 * fiber stays asleep while every step taken since (the pick's and any
 * taken without a choice) is independent of its own -- of its operation
 * and of its use of the clock (a reading against an advance). */
static uint64_t propagate_sleep(const dfs_search *d, const dfs_node *prev, const dfs_ops *ops,
                                size_t k, uint64_t *reads,
                                uint64_t *adds, uint64_t *spin)
{
    *reads = *adds = *spin = 0;
    if (!d->reduction) return 0;
    int32_t from = dpor_log_node_step(d->log, (int32_t)(k - 1));
    if (from < 0) return 0; /* not logged: nothing stays asleep */
    size_t to = dpor_log_steps(d->log);
    uint64_t z = (prev->sleep | prev->done) & ~bit(prev->pick), keep = 0;
    uint64_t zr = prev->sleep_reads | prev->done_reads, za = prev->sleep_adds | prev->done_adds;
    uint64_t zs = prev->sleep_spin | prev->done_spin;
    uint64_t m = prev->cands;
    for (uint32_t i = 0; m != 0; i++) {
        uint32_t q = next_cand(&m);
        if (!(z & bit(q))) continue;
        dpor_op a = {.fiber = q, .op = ops->op[i], .obj = ops->obj[i], .joined = ops->joined[i]};
        /* A step that read the clock may go on differently with another
         * value, and advance it where it did not: count it as advancing. */
        bool qr = zr & bit(q), qa = (za & bit(q)) || qr, qs = (zs & bit(q)) || qr, dep = false;
        bool qw = sched_op_writes(a.op);
        if (d->blind) qr = qa = qs = qw = false;
        for (size_t j = (size_t)from; j < to && !dep; j++) {
            dpor_step_info si = dpor_log_step_info(d->log, j);
            bool sw = sched_op_writes(si.op.op), ss = si.spinning || si.sets_spin;
            dep = si.op.fiber == q || dpor_dependent_fibers(d->pins, a, si.op) || (qr && si.adds) ||
                  (qa && si.reads) || (qs && (sw || ss)) || (qw && ss);
        }
        if (dep) continue;
        keep |= bit(q);
        *reads |= qr ? bit(q) : 0;
        *adds |= qa ? bit(q) : 0;
        *spin |= qs ? bit(q) : 0;
    }
    return keep;
}

/* After a run: what each node's pick did with the clock (a pick whose
 * step was not logged counts as reading and advancing). */
static void note_clock_use(dfs_search *d)
{
    for (size_t k = 0; k < d->len; k++) {
        dfs_node *n = &d->nodes[k];
        int32_t i = dpor_log_node_step(d->log, (int32_t)k);
        dpor_step_info si = {.reads = true, .adds = true, .spinning = true, .sets_spin = true};
        if (i >= 0 && (size_t)i < dpor_log_steps(d->log)) si = dpor_log_step_info(d->log, (size_t)i);
        if (si.reads) n->done_reads |= bit(n->pick);
        if (si.adds) n->done_adds |= bit(n->pick);
        if (si.spinning || si.sets_spin) n->done_spin |= bit(n->pick);
    }
}

static uint32_t dfs_default_pick(dfs_search *d, dfs_node *n)
{
    bool cur = n->current != UINT32_MAX && has_cand(n, n->current);
    if (cur && !(n->sleep & bit(n->current))) return n->current;
    bool switching_preempts = cur;
    for (uint64_t m = n->cands; m != 0;) {
        uint32_t id = next_cand(&m);
        if (n->sleep & bit(id)) continue;
        if (switching_preempts && n->preemptions + 1 > d->bound) break;
        return id;
    }
    d->blocked = true; /* every allowed pick only repeats a known ordering */
    return (uint32_t)__builtin_ctzll(n->cands);
}

static uint32_t dfs_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    dfs_search *d = (dfs_search *)p;
    size_t k = d->next++;
    if (k < d->forced_len) {
        /* The candidates are ascending ids: their bit set is the list. */
        uint64_t cands = 0;
        for (size_t i = 0; i < n; i++) cands |= c[i] < EXPLORE_DFS_MAX_FIBERS ? bit(c[i]) : 0;
        if (cands != d->nodes[k].cands || n != d->nodes[k].ncand) d->mismatch = true;
        d->chosen = (int32_t)k;
        return d->nodes[k].pick;
    }
    if (n > EXPLORE_DFS_MAX_FIBERS || c[n - 1] >= EXPLORE_DFS_MAX_FIBERS) {
        d->too_many_fibers = true;
        return c[0];
    }
    if (k >= d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->nodes = realloc(d->nodes, d->cap * sizeof *d->nodes);
        d->ops = realloc(d->ops, d->cap * sizeof *d->ops);
        assert(d->nodes != NULL && d->ops != NULL);
    }
    dfs_node *node = &d->nodes[k];
    dfs_ops *ops = &d->ops[k];
    node->cands = 0;
    node->ncand = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        sched_fiber *f = sched_fiber_at(s, c[i]);
        node->cands |= bit(c[i]);
        dpor_op o = dpor_op_of(f);
        ops->op[i] = o.op;
        ops->obj[i] = o.obj;
        ops->joined[i] = o.joined;
    }
    node->current = cur;
    const dfs_node *prev = k > 0 ? &d->nodes[k - 1] : NULL;
    node->preemptions = prev ? prev->preemptions + is_preemption(prev, prev->pick) : 0;
    uint64_t zr = 0, za = 0, zs = 0;
    node->sleep = prev ? propagate_sleep(d, prev, &d->ops[k - 1], k, &zr, &za, &zs) & node->cands : 0;
    node->sleep_reads = zr & node->sleep;
    node->sleep_adds = za & node->sleep;
    node->sleep_spin = zs & node->sleep;
    node->done_reads = node->done_adds = node->done_spin = 0;
    node->pick = dfs_default_pick(d, node);
    node->done = node->backtrack = bit(node->pick);
    node->foreign = 0;
    d->len = k + 1;
    d->chosen = (int32_t)k;
    return node->pick;
}

/* Cuts a run that can only repeat an explored ordering (or replays wrongly). */
static void dfs_step(sched_policy *p, sched *s, sched_fiber *f)
{
    dfs_search *d = (dfs_search *)p;
    if (d->blocked || d->mismatch || d->too_many_fibers)
        sched_fail(s, SCHED_ABORTED, "dfs: run cut");
    dpor_log_announce(d->log, f);
}

static void dfs_clock_read(sched_policy *p, sched *s, sched_fiber *f)
{
    (void)s;
    dfs_search *d = (dfs_search *)p;
    dpor_log_clock_read(d->log, f);
}

/* Logs the step that runs now (not the one of a run being cut). */
static void dfs_run_step(sched_policy *p, sched *s, sched_fiber *f)
{
    dfs_search *d = (dfs_search *)p;
    int32_t node = d->chosen;
    d->chosen = -1;
    if (d->blocked || d->mismatch || d->too_many_fibers) return;
    dpor_log_step(d->log, s, f, node);
}

/* An option node n may take now: untried, awake, in this partition and
 * (for dpor) asked for by a race. */
static bool open_option(const dfs_search *d, const dfs_node *n, uint32_t alt)
{
    if ((n->done | n->sleep | n->foreign) & bit(alt)) return false;
    return !d->dpor || (n->backtrack & bit(alt));
}

/* Takes option alt at node n: the options another partition explores
 * before alt in the unsplit order count as done (they sleep in alt's
 * subtree as they would there), the later ones do not. */
static void take_option(dfs_node *n, uint32_t alt)
{
    uint64_t f = n->foreign & n->cands & (bit(alt) - 1);
    n->done |= f;
    n->done_reads |= f; /* not run here: may read and advance the clock, spin */
    n->done_adds |= f;
    n->done_spin |= f;
    n->done |= bit(alt);
    n->pick = alt;
}

/* Moves to the next unexplored schedule; false when the space is done. */
static bool dfs_backtrack(dfs_search *d, explore_stats *st)
{
    while (d->len > 0) {
        dfs_node *n = &d->nodes[d->len - 1];
        for (uint64_t m = n->cands; m != 0;) {
            uint32_t alt = next_cand(&m);
            if (!open_option(d, n, alt)) continue;
            if (is_preemption(n, alt) && n->preemptions + 1 > d->bound) continue;
            take_option(n, alt);
            d->forced_len = d->len;
            return true;
        }
        for (uint64_t m = n->cands; m != 0;) {
            uint32_t alt = next_cand(&m);
            if ((n->done | n->foreign) & bit(alt)) continue;
            if (n->sleep & bit(alt)) st->pruned_sleep++;
            else if (d->dpor && !(n->backtrack & bit(alt))) st->pruned_dpor++;
            else st->bound_skips++;
        }
        d->len--;
    }
    return false;
}

/* Options at node n that a search may take (not asleep, within the bound). */
static uint32_t viable(const dfs_search *d, const dfs_node *n, uint32_t *out)
{
    uint32_t k = 0;
    for (uint64_t m = n->cands; m != 0;) {
        uint32_t alt = next_cand(&m);
        if (n->sleep & bit(alt)) continue;
        if (is_preemption(n, alt) && n->preemptions + 1 > d->bound) continue;
        out[k++] = alt;
    }
    return k;
}

/* Partition p of P takes the options of the first branching node whose
 * index is p mod P (for dpor, of all its options: a race found in one
 * partition's subtree cannot ask another partition for an option).
 * Returns false when this partition owns nothing. */
static bool dfs_partition(dfs_search *d, uint64_t part, uint64_t parts)
{
    if (parts <= 1) return true;
    for (size_t k = 0; k < d->len; k++) {
        uint32_t opts[EXPLORE_DFS_MAX_FIBERS];
        uint32_t n = viable(d, &d->nodes[k], opts);
        if (n < 2) continue;
        dfs_node *node = &d->nodes[k];
        for (uint32_t i = 0; i < n; i++) {
            node->backtrack |= bit(opts[i]);
            if (i % parts != part) node->foreign |= bit(opts[i]);
        }
        if (part != 0) d->len = k + 1; /* the first run's subtree is partition 0's */
        return true;
    }
    return part == 0; /* no branching: one schedule, partition 0 runs it */
}

/* dpor: option q at node k, as a race asked.  When q cannot run there:
 * every option if the racer was in a timed wait (other steps move the
 * clock; Flanagan-Godefroid's conservative rule), else nothing (dpor.h).
 * With a preemption bound, a reversal that costs a preemption is also
 * asked for where the fiber it preempts began its run of steps (Coons et
 * al., bounded POR): on another path the preemption at k may be one too
 * many, and switching where that fiber was scheduled costs none more. */
static void ask(dfs_search *d, size_t k, uint64_t want, bool timed)
{
    dfs_node *n = &d->nodes[k];
    uint64_t cands = n->cands;
    uint64_t q = want & cands;
    if (q == 0) { /* cannot run here */
        d->st->unreversible++;
        if (timed) { /* every option (Flanagan-Godefroid) */
            d->st->backtracks += (uint64_t)__builtin_popcountll(cands & ~n->sleep & ~n->backtrack);
            n->backtrack |= cands & ~n->sleep;
        }
        return;
    }
    if (q & (n->backtrack | n->sleep)) return;
    uint32_t first = (uint32_t)__builtin_ctzll(q);
    n->backtrack |= bit(first);
    d->st->backtracks++;
    if (d->bound >= EXPLORE_DFS_MAX_FIBERS || !is_preemption(n, first)) return;
    size_t j = k;
    while (j > 0 && d->nodes[j - 1].pick == n->pick) j--;
    if (j != k) ask(d, j, bit(first), timed);
}

static void on_race(void *arg, const dpor_race *r)
{
    dfs_search *d = arg;
    d->st->races++;
    d->st->races_clock += r->kind == DPOR_RACE_CLOCK;
    d->st->races_spin += r->kind == DPOR_RACE_SPIN;
    if (r->node >= 0 && (size_t)r->node < d->len) {
        const dfs_node *n = &d->nodes[r->node];
        uint64_t want = r->initials & bit(r->racer) ? bit(r->racer) : r->initials;
        if (r->initials & (n->backtrack | n->sleep)) return;
        ask(d, (size_t)r->node, want, r->racer_slept);
        return;
    }
    /* The first step had no alternative: if the racer was in a timed wait,
     * every option at the decision before (other steps there move the
     * clock); else the race cannot be reversed (dpor.h). */
    d->st->unreversible++;
    if (r->racer_slept && r->prev_node >= 0 && (size_t)r->prev_node < d->len)
        ask(d, (size_t)r->prev_node, 0, true);
}

static void dfs_init(dfs_search *d, const explore_config *c, explore_stats *st)
{
    memset(d, 0, sizeof *d);
    d->dpor = c->kind == EXPLORE_DPOR;
    d->base = (sched_policy){.name = policy_explore_name(c->kind), .pick = dfs_pick,
                             .on_step = dfs_step, .on_run = dfs_run_step,
                             .on_clock_read = dfs_clock_read};
    d->bound = c->max_preemptions;
    d->reduction = c->reduction;
    d->pins = c->sc->schedule.pin_count > 0;
    d->log = dpor_log_new(d->pins, d->dpor);
    d->blind = c->clock_blind;
    dpor_log_set_clock_blind(d->log, d->blind);
    d->chosen = -1;
    d->st = st;
}

/* One dfs run along the current path; false on nondeterminism. */
static bool dfs_one(dfs_search *d, const explore_config *c, explore_stats *st, bool count_it,
                    uint64_t index)
{
    run_config cfg;
    run_config_default(&cfg, c->sc);
    cfg.custom = &d->base;
    d->next = 0;
    d->chosen = -1;
    d->blocked = d->mismatch = d->too_many_fibers = false;
    dpor_log_reset(d->log);
    if (c->before_run) c->before_run(c->run_arg, index, count_it);
    run_result r;
    if (c->runner) c->runner(c->runner_arg, &d->base, &r);
    else run_scenario(&cfg, &r);
    dpor_log_end(d->log);
    bool ok = !d->mismatch && !d->too_many_fibers;
    if (!ok) {
        run_result_free(&r);
        return false;
    }
    note_clock_use(d);
    if (d->dpor) {
        st->race_runs++;
        dpor_log_races(d->log, on_race, d);
    }
    if (d->blocked) {
        st->blocked_sleep++;
    } else if (count_it) {
        explore_run_record rec;
        explore_record_of(&r, index, &rec);
        rec.class_hash = dpor_log_class(d->log);
        st->tick_wakes += dpor_log_tick_wakes(d->log);
        explore_record(st, &rec);
        if (c->after_run) c->after_run(c->run_arg, &rec);
        if (!r.passed && c->on_failure) {
            /* What reproduces it: the picks it took, in order. */
            run_config repro;
            run_config_replay(&repro, c->sc, (run_picks){.ids = r.picks, .count = r.pick_count},
                              SCENARIO_POLICY_FIFO, c->sc->schedule.seed,
                              policy_explore_name(c->kind));
            c->on_failure(c->failure_arg, &repro, &r, index);
        }
    }
    run_result_free(&r);
    if (c->progress) c->progress(c->progress_arg, st);
    return true;
}

static bool explore_dfs(const explore_config *c, explore_stats *st)
{
    dfs_search d;
    dfs_init(&d, c, st);
    uint64_t index = 0;
    /* The first run finds the first branching node for partitioning. */
    bool ok = dfs_one(&d, c, st, c->part_count <= 1 || c->part_index == 0, index++);
    if (ok && !dfs_partition(&d, c->part_index, c->part_count ? c->part_count : 1)) {
        st->exhausted = true;
        free(d.nodes);
        free(d.ops);
        dpor_log_free(d.log);
        return true;
    }
    while (ok && (c->runs == 0 || st->runs < c->runs) && !stop_now(c, st)) {
        if (!dfs_backtrack(&d, st)) {
            st->exhausted = true;
            break;
        }
        ok = dfs_one(&d, c, st, true, index++);
    }
    free(d.nodes);
    free(d.ops);
    dpor_log_free(d.log);
    if (!ok)
        fprintf(stderr, "wtlab: %s: %s\n", policy_explore_name(c->kind),
                d.too_many_fibers ? "the search handles at most 64 fibers"
                                  : "a replayed prefix took a different path: the run is not "
                                    "deterministic");
    return ok;
}

bool explore_run(const explore_config *c, explore_stats *st)
{
    if (explore_kind_searches(c->kind)) return explore_dfs(c, st);
    return explore_seeds(c, st);
}
