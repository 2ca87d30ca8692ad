/*
 * explore.c — random, PCT and bounded-exhaustive (dfs) exploration.
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
 * are loads), or when either is a spawn, join, lock/condition operation,
 * a directory-level file operation, or (with pinning rules) a sync point.
 * Combined with the preemption bound this is the usual conservative use
 * (as in loom): interleavings needing more preemptions are not explored.
 */
#include "explore.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
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

/* True when h was not seen before. */
bool explore_remember_hash(explore_stats *st, uint64_t h)
{
    if (st->distinct * 2 >= st->hash_cap) {
        size_t cap = st->hash_cap ? st->hash_cap * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        assert(t != NULL);
        for (size_t i = 0; i < st->hash_cap; i++) {
            if (!st->hashes[i]) continue;
            size_t j = st->hashes[i] & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = st->hashes[i];
        }
        free(st->hashes);
        st->hashes = t;
        st->hash_cap = cap;
    }
    size_t j = h & (st->hash_cap - 1);
    while (st->hashes[j]) {
        if (st->hashes[j] == h) return false;
        j = (j + 1) & (st->hash_cap - 1);
    }
    st->hashes[j] = h;
    return true;
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
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++) st->transitions[a][b] += rec->transitions[a][b];
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

/* Counts run r and tells the caller's after_run hook. */
static void record_run(const explore_config *c, explore_stats *st, const run_result *r,
                       uint64_t index)
{
    explore_run_record rec;
    explore_record_of(r, index, &rec);
    explore_record(st, &rec);
    if (c->after_run) c->after_run(c->run_arg, &rec);
}

/* ---------------------------------------------------------- random, pct */

void explore_seed_config(const explore_config *c, uint64_t index, run_config *cfg)
{
    assert(c->kind != EXPLORE_DFS);
    run_config_default(cfg, c->sc);
    cfg->policy = c->kind == EXPLORE_PCT ? SCENARIO_POLICY_PCT : SCENARIO_POLICY_RANDOM;
    cfg->seed = c->seed + index;
    if (c->pct_depth) cfg->pct_depth = c->pct_depth;
    if (c->pct_steps) cfg->pct_steps = c->pct_steps;
}

static bool explore_seeds(const explore_config *c, explore_stats *st)
{
    uint64_t parts = c->part_count ? c->part_count : 1;
    uint64_t first = c->part_index;
    if (c->first_index > first) first += (c->first_index - first + parts - 1) / parts * parts;
    for (uint64_t i = first; i < c->runs; i += parts) {
        if (c->before_run) c->before_run(c->run_arg, i, true);
        run_config cfg;
        explore_seed_config(c, i, &cfg);
        run_result r;
        run_scenario(&cfg, &r);
        record_run(c, st, &r, i);
        if (!r.passed && c->on_failure) c->on_failure(c->failure_arg, &cfg, &r, i);
        run_result_free(&r);
        if (c->progress) c->progress(c->progress_arg, st);
    }
    return true;
}

/* ------------------------------------------------------------------ dfs */

typedef struct dfs_node {
    uint32_t ncand;
    uint32_t cand[EXPLORE_DFS_MAX_FIBERS];
    sched_op op[EXPLORE_DFS_MAX_FIBERS];
    const void *obj[EXPLORE_DFS_MAX_FIBERS];
    uint32_t current;       /* the fiber that reached the point, if it could go on */
    uint32_t pick;
    uint64_t done, sleep;   /* fiber-id bit sets */
    uint32_t preemptions;   /* on the path before this node */
} dfs_node;

typedef struct dfs_search {
    sched_policy base;
    dfs_node *nodes;
    size_t len, cap;
    size_t forced_len;      /* nodes replayed from the previous path */
    size_t next;
    bool blocked, mismatch, too_many_fibers;
    unsigned bound;
    bool reduction, pins;
} dfs_search;

static uint64_t bit(uint32_t id) { return 1ull << id; }

static bool op_is_local(sched_op op)
{
    return op == SCHED_OP_START || op == SCHED_OP_PAUSE || op == SCHED_OP_YIELD ||
           op == SCHED_OP_SLEEP;
}

static bool op_is_sync(sched_op op)
{
    return op == SCHED_OP_LOCK || op == SCHED_OP_UNLOCK || op == SCHED_OP_WAIT ||
           op == SCHED_OP_WAKE;
}

static bool dependent(const dfs_search *d, sched_op a, const void *oa, sched_op b, const void *ob)
{
    if (a == SCHED_OP_SPAWN || b == SCHED_OP_SPAWN || a == SCHED_OP_JOIN || b == SCHED_OP_JOIN)
        return true;
    if (op_is_local(a) || op_is_local(b)) return false;
    if (a == SCHED_OP_SYNC_POINT || b == SCHED_OP_SYNC_POINT) return d->pins;
    if (a == SCHED_OP_FILE || b == SCHED_OP_FILE)
        return a == b && (oa == NULL || ob == NULL || oa == ob);
    if (op_is_sync(a) && op_is_sync(b)) return true; /* cond waits release mutexes */
    if (oa != ob) return false;
    return !(a == SCHED_OP_LOAD && b == SCHED_OP_LOAD);
}

static int cand_index(const dfs_node *n, uint32_t id)
{
    for (uint32_t i = 0; i < n->ncand; i++)
        if (n->cand[i] == id) return (int)i;
    return -1;
}

static bool is_preemption(const dfs_node *n, uint32_t pick)
{
    return n->current != UINT32_MAX && pick != n->current && cand_index(n, n->current) >= 0;
}

/* The sleep set of the node after `prev` took its pick. */
static uint64_t propagate_sleep(const dfs_search *d, const dfs_node *prev)
{
    if (!d->reduction) return 0;
    int p = cand_index(prev, prev->pick);
    uint64_t z = (prev->sleep | prev->done) & ~bit(prev->pick), keep = 0;
    for (uint32_t i = 0; i < prev->ncand; i++) {
        uint32_t q = prev->cand[i];
        if ((z & bit(q)) && !dependent(d, prev->op[i], prev->obj[i], prev->op[p], prev->obj[p]))
            keep |= bit(q);
    }
    return keep;
}

static uint32_t dfs_default_pick(dfs_search *d, dfs_node *n)
{
    int cur = n->current != UINT32_MAX ? cand_index(n, n->current) : -1;
    if (cur >= 0 && !(n->sleep & bit(n->current))) return n->current;
    bool switching_preempts = cur >= 0;
    for (uint32_t i = 0; i < n->ncand; i++) {
        if (n->sleep & bit(n->cand[i])) continue;
        if (switching_preempts && n->preemptions + 1 > d->bound) break;
        return n->cand[i];
    }
    d->blocked = true; /* every allowed pick only repeats a known ordering */
    return n->cand[0];
}

static uint32_t dfs_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    dfs_search *d = (dfs_search *)p;
    size_t k = d->next++;
    if (k < d->forced_len) {
        const dfs_node *node = &d->nodes[k];
        if (node->ncand != n || memcmp(node->cand, c, n * sizeof *c) != 0) d->mismatch = true;
        return node->pick;
    }
    if (n > EXPLORE_DFS_MAX_FIBERS || c[n - 1] >= EXPLORE_DFS_MAX_FIBERS) {
        d->too_many_fibers = true;
        return c[0];
    }
    if (k >= d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->nodes = realloc(d->nodes, d->cap * sizeof *d->nodes);
        assert(d->nodes != NULL);
    }
    dfs_node *node = &d->nodes[k];
    node->ncand = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        sched_fiber *f = sched_fiber_at(s, c[i]);
        node->cand[i] = c[i];
        node->op[i] = f->pending_op;
        node->obj[i] = f->pending_obj;
    }
    node->current = cur;
    const dfs_node *prev = k > 0 ? &d->nodes[k - 1] : NULL;
    node->preemptions = prev ? prev->preemptions + is_preemption(prev, prev->pick) : 0;
    uint64_t cands = 0;
    for (size_t i = 0; i < n; i++) cands |= bit(c[i]);
    node->sleep = prev ? propagate_sleep(d, prev) & cands : 0;
    node->pick = dfs_default_pick(d, node);
    node->done = bit(node->pick);
    d->len = k + 1;
    return node->pick;
}

/* Cuts a run that can only repeat an explored ordering (or replays wrongly). */
static void dfs_step(sched_policy *p, sched *s, sched_fiber *f)
{
    (void)f;
    dfs_search *d = (dfs_search *)p;
    if (d->blocked || d->mismatch || d->too_many_fibers)
        sched_fail(s, SCHED_ABORTED, "dfs: run cut");
}

/* Moves to the next unexplored schedule; false when the space is done. */
static bool dfs_backtrack(dfs_search *d, explore_stats *st)
{
    while (d->len > 0) {
        dfs_node *n = &d->nodes[d->len - 1];
        for (uint32_t i = 0; i < n->ncand; i++) {
            uint32_t alt = n->cand[i];
            if ((n->done | n->sleep) & bit(alt)) continue;
            if (is_preemption(n, alt) && n->preemptions + 1 > d->bound) continue;
            n->done |= bit(alt);
            n->pick = alt;
            d->forced_len = d->len;
            return true;
        }
        for (uint32_t i = 0; i < n->ncand; i++) {
            uint32_t alt = n->cand[i];
            if (n->done & bit(alt)) continue;
            if (n->sleep & bit(alt)) st->pruned_sleep++;
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
    for (uint32_t i = 0; i < n->ncand; i++) {
        uint32_t alt = n->cand[i];
        if (n->sleep & bit(alt)) continue;
        if (is_preemption(n, alt) && n->preemptions + 1 > d->bound) continue;
        out[k++] = alt;
    }
    return k;
}

/* Partition p of P keeps the options of the first branching node whose
 * index is p mod P.  Returns false when this partition owns nothing. */
static bool dfs_partition(dfs_search *d, uint64_t part, uint64_t parts, bool *own_first)
{
    *own_first = true;
    if (parts <= 1) return true;
    for (size_t k = 0; k < d->len; k++) {
        uint32_t opts[EXPLORE_DFS_MAX_FIBERS];
        uint32_t n = viable(d, &d->nodes[k], opts);
        if (n < 2) continue;
        dfs_node *node = &d->nodes[k];
        for (uint32_t i = 0; i < n; i++)
            if (i % parts != part) node->done |= bit(opts[i]);
        *own_first = part == 0;
        if (!*own_first) d->len = k + 1; /* the first run's subtree is partition 0's */
        return true;
    }
    *own_first = part == 0; /* no branching: one schedule, partition 0 runs it */
    return part == 0;
}

static void dfs_init(dfs_search *d, const explore_config *c)
{
    memset(d, 0, sizeof *d);
    d->base = (sched_policy){.name = policy_explore_name(EXPLORE_DFS), .pick = dfs_pick,
                             .on_step = dfs_step};
    d->bound = c->max_preemptions;
    d->reduction = c->reduction;
    d->pins = c->sc->schedule.pin_count > 0;
}

/* One dfs run along the current path; false on nondeterminism. */
static bool dfs_one(dfs_search *d, const explore_config *c, explore_stats *st, bool count_it,
                    uint64_t index)
{
    run_config cfg;
    run_config_default(&cfg, c->sc);
    cfg.custom = &d->base;
    d->next = 0;
    d->blocked = d->mismatch = d->too_many_fibers = false;
    if (c->before_run) c->before_run(c->run_arg, index, count_it);
    run_result r;
    run_scenario(&cfg, &r);
    bool ok = !d->mismatch && !d->too_many_fibers;
    if (!ok) {
        run_result_free(&r);
        return false;
    }
    if (d->blocked) {
        st->blocked_sleep++;
    } else if (count_it) {
        record_run(c, st, &r, index);
        if (!r.passed && c->on_failure) {
            /* What reproduces it: the picks it took, in order. */
            run_config repro;
            run_config_replay(&repro, c->sc, (run_picks){.ids = r.picks, .count = r.pick_count},
                              SCENARIO_POLICY_FIFO, c->sc->schedule.seed,
                              policy_explore_name(EXPLORE_DFS));
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
    dfs_init(&d, c);
    bool ok = true, own_first = true;
    uint64_t index = 0;
    /* The first run finds the first branching node for partitioning. */
    ok = dfs_one(&d, c, st, c->part_count <= 1 || c->part_index == 0, index++);
    if (ok && !dfs_partition(&d, c->part_index, c->part_count ? c->part_count : 1, &own_first)) {
        st->exhausted = true;
        free(d.nodes);
        return true;
    }
    (void)own_first;
    while (ok && (c->runs == 0 || st->runs < c->runs)) {
        if (!dfs_backtrack(&d, st)) {
            st->exhausted = true;
            break;
        }
        ok = dfs_one(&d, c, st, true, index++);
    }
    free(d.nodes);
    if (!ok)
        fprintf(stderr, "wtlab: dfs: %s\n",
                d.too_many_fibers ? "dfs handles at most 64 fibers"
                                  : "a replayed prefix took a different path: the run is not "
                                    "deterministic");
    return ok;
}

bool explore_run(const explore_config *c, explore_stats *st)
{
    if (c->kind == EXPLORE_DFS) return explore_dfs(c, st);
    return explore_seeds(c, st);
}
