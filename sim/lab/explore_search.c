/*
 * explore_search.c — the bounded-exhaustive searches, dfs and dpor.
 *
 * dpor shares the dfs machinery: each node also keeps a backtrack set
 * (the picks some race asked for, plus the first), the run's steps are
 * logged (dpor.h) through the policy's on_run, and after each run its
 * races add picks to the nodes where the reversed order could begin.
 *
 * The dfs keeps the current path of decision nodes.  Each run replays the
 * path's picks, then extends it with a free pick at each new node (fixed
 * order: the non-preemptive default, keep the running fiber, else the
 * lowest id; random order: a viable option drawn from a hash of the seed
 * and the path), recording at each new node the candidates, the
 * operation each is about to perform, and the sleep set.  Nothing else
 * depends on which option a node took first: sleep sets grow from the
 * options done, races add to backtrack sets, and backtracking takes the
 * rest in id order.
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
 * (dpor_dependent_fibers); a clock reading with another fiber's advance;
 * and for spinning (spin_dependent, as dpor.c's settle_step): a step taken
 * spinning with one taken not spinning, or with a clearing (write or a
 * fiber's end) or a spin beginning; a beginning with a clearing; two
 * clearings while some fiber spins.  A sleeping fiber's step keeps what
 * it was when explored (taken spinning, beginning a spin, ending its
 * fiber).  Every step taken since the last decision is compared, also
 * those taken without a choice.
 * Under a preemption bound (--max-preemptions B) dfs covers every class
 * that has a schedule within B preemptions, and no other class:
 * interleavings needing more are not explored, and a fiber sleeps only
 * where the sibling that explored it reaches the same schedule within the
 * bound (may_sleep: a sleeping fiber's schedules are run, moved, within
 * the bound).  dpor under a bound asks for more options (ask_bounded) and
 * covers no class beyond the bound; that it covers every class within it
 * is measured, not proven: it agrees with every schedule within the bound
 * on test_dpor's tiny programs (also those with locks, read-modify-writes
 * and joins a review found), on random ones of a sweep, on random
 * programs with pauses (spinners; 0-449 of the review's generator, all
 * bounds, both searches, the fixed order and one seed), and on the scenarios measured (serial-group-commit, wal-sync-error and
 * status_after_complete at 0, pipelined-small and parallel-memtable-small
 * at 1, in both orders; scenarios/README.md, "Search order").  Each rule
 * of ask_bounded was added for a program where it missed.  Without a
 * bound dpor covers every class (argued; with timed waits next to
 * spinners measured on the review's generators, scenarios/README.md,
 * "Timed waits next to spinners"); for the sleep sets a step taken
 * spinning and a clock advance while a fiber is in a timed wait are
 * dependent.
 */
#include "explore.h"
#include "explore_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpor.h"
#include "policy.h"
#include "scheduler.h"

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
    uint64_t done_spin, sleep_spin;   /* their step was taken spinning */
    uint64_t done_sbeg, sleep_sbeg;   /* ... began a spin (dpor_step_info.begins_spin) */
    uint64_t done_end, sleep_end;     /* ... ended its fiber */
    uint64_t done_cont;     /* of the done picks: may still be a candidate after their step */
    uint64_t backtrack;     /* dpor: the picks races asked for (with the first) */
    uint64_t foreign;       /* options another partition explores */
    uint64_t key;           /* random order: hash of the seed and the picks before */
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
    bool random_order;      /* free picks drawn from the nodes' keys */
    uint64_t seed;
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

/* Would one more preemption at node n exceed the bound?  A bound of
 * EXPLORE_DFS_MAX_FIBERS (64) or more is none (--max-preemptions 64). */
static bool no_preemption_left(const dfs_search *d, const dfs_node *n)
{
    return d->bound < EXPLORE_DFS_MAX_FIBERS && n->preemptions + 1 > d->bound;
}

static bool bounded(const dfs_search *d) { return d->bound < EXPLORE_DFS_MAX_FIBERS; }

/* Under a bound, may the option q done at node n sleep in the subtree of
 * its sibling p?  A schedule of p's subtree where q stays asleep until it
 * runs is equivalent to the one with q's step moved to n, which q's
 * subtree covers if it is within the bound too.  Moving the step out of
 * its place never costs a preemption there (the fiber before it going on
 * to the one after costs at most what the two switches cost); at n it
 * costs is_preemption(n, q), plus one for switching from q to p if q can
 * still run after its step, instead of is_preemption(n, p).  So q sleeps
 * only where that is no more (Coons et al.'s bounded sleep sets: the
 * explored sibling reaches the same states within the bound); e.g. where
 * the running fiber was explored first and p preempts it, or where q's
 * step ended it.  Elsewhere q stays awake in p's subtree. */
static bool may_sleep(const dfs_node *n, uint32_t q, uint32_t p)
{
    unsigned moved = is_preemption(n, q) + ((n->done_cont & bit(q)) != 0);
    return moved <= (unsigned)is_preemption(n, p);
}

/* Spin-dependent (dpor.c, settle_step): a step taken spinning and one
 * not; a step taken spinning and a clearing (write or end) or beginning
 * of a spin; a beginning and a clearing. */
typedef struct spin_use {
    bool spinning, begins, clears;
    bool live;  /* some fiber spun when it ran */
} spin_use;

/* b ran where a would move: two clearings are dependent if some fiber
 * spun there (either may be the one that ends its spin). */
static bool spin_dependent(spin_use a, spin_use b)
{
    if (a.spinning != b.spinning) return true;
    if (a.clears && b.clears && b.live) return true;
    if (a.spinning && (b.clears || b.begins)) return true;
    if (b.spinning && (a.clears || a.begins)) return true;
    return (a.begins && b.clears) || (b.begins && a.clears);
}

/* The sleep set of the node after `prev` (node k - 1) took its pick: a
 * fiber stays asleep while every step taken since (the pick's and any
 * taken without a choice) is independent of its own -- of its operation
 * and of its use of the clock (a reading against an advance). */
static uint64_t propagate_sleep(const dfs_search *d, const dfs_node *prev, const dfs_ops *ops,
                                size_t k, uint64_t *reads,
                                uint64_t *adds, uint64_t *spin, uint64_t *sbeg, uint64_t *send)
{
    *reads = *adds = *spin = *sbeg = *send = 0;
    if (!d->reduction) return 0;
    int32_t from = dpor_log_node_step(d->log, (int32_t)(k - 1));
    if (from < 0) return 0; /* not logged: nothing stays asleep */
    size_t to = dpor_log_steps(d->log);
    uint64_t z = (prev->sleep | prev->done) & ~bit(prev->pick), keep = 0;
    if (bounded(d))
        for (uint64_t m = prev->done & ~prev->sleep & ~bit(prev->pick); m != 0;) {
            uint32_t q = next_cand(&m);
            if (!may_sleep(prev, q, prev->pick)) z &= ~bit(q);
        }
    uint64_t zr = prev->sleep_reads | prev->done_reads, za = prev->sleep_adds | prev->done_adds;
    uint64_t zs = prev->sleep_spin | prev->done_spin, zb = prev->sleep_sbeg | prev->done_sbeg;
    uint64_t ze = prev->sleep_end | prev->done_end;
    uint64_t m = prev->cands;
    for (uint32_t i = 0; m != 0; i++) {
        uint32_t q = next_cand(&m);
        if (!(z & bit(q))) continue;
        dpor_op a = {.fiber = q, .op = ops->op[i], .obj = ops->obj[i], .joined = ops->joined[i]};
        /* A step that read the clock may go on differently with another
         * value, and advance it where it did not: count it as advancing. */
        /* It may also begin a spin, or end its fiber, where it did not. */
        bool qr = zr & bit(q), qa = (za & bit(q)) || qr, dep = false;
        spin_use qs = {.spinning = zs & bit(q), .begins = (zb & bit(q)) || qr,
                       .clears = (ze & bit(q)) || qr || sched_op_writes(a.op)};
        if (d->blind) qr = qa = false;
        for (size_t j = (size_t)from; j < to && !dep; j++) {
            dpor_step_info si = dpor_log_step_info(d->log, j);
            spin_use js = {.spinning = si.spinning, .begins = si.begins_spin,
                           .clears = si.ends || sched_op_writes(si.op.op), .live = si.spin_live};
            /* An advance of the clock may end a timed wait, and the woken
             * fiber, if it does not spin, has the spinners passed over: a
             * step taken spinning and an advance, while a fiber is in a
             * timed wait, do not commute. */
            bool timed = !d->blind && si.timed_waits && ((qs.spinning && si.adds) || (qa && si.spinning));
            dep = si.op.fiber == q || dpor_dependent_fibers(d->pins, a, si.op) || (qr && si.adds) ||
                  (qa && si.reads) || (!d->blind && spin_dependent(qs, js)) || timed;
        }
        if (dep) continue;
        keep |= bit(q);
        *reads |= qr ? bit(q) : 0;
        *adds |= qa ? bit(q) : 0;
        *spin |= qs.spinning ? bit(q) : 0;
        *sbeg |= qs.begins ? bit(q) : 0;
        *send |= qs.clears && !sched_op_writes(a.op) ? bit(q) : 0;
    }
    return keep;
}

/* After a run: what each node's pick did with the clock (a pick whose
 * step was not logged counts as reading and advancing), and whether the
 * picked fiber could go on after it: known only when the next decision
 * follows its step directly (else it counts as going on). */
static void note_clock_use(dfs_search *d)
{
    for (size_t k = 0; k < d->len; k++) {
        dfs_node *n = &d->nodes[k];
        int32_t i = dpor_log_node_step(d->log, (int32_t)k);
        const dfs_node *next = k + 1 < d->len ? &d->nodes[k + 1] : NULL;
        bool stopped = i >= 0 && next != NULL && dpor_log_node_step(d->log, (int32_t)k + 1) == i + 1 &&
                       !(next->current == n->pick && has_cand(next, n->pick));
        if (!stopped) n->done_cont |= bit(n->pick);
        dpor_step_info si = {.reads = true, .adds = true, .spinning = true, .sets_spin = true,
                             .begins_spin = true, .ends = true};
        if (i >= 0 && (size_t)i < dpor_log_steps(d->log)) si = dpor_log_step_info(d->log, (size_t)i);
        if (si.reads) n->done_reads |= bit(n->pick);
        if (si.adds) n->done_adds |= bit(n->pick);
        if (si.spinning) n->done_spin |= bit(n->pick);
        if (si.begins_spin) n->done_sbeg |= bit(n->pick);
        if (si.ends) n->done_end |= bit(n->pick);
    }
}

/* Options at node n that a search may take (not asleep, within the bound). */
static uint32_t viable(const dfs_search *d, const dfs_node *n, uint32_t *out)
{
    uint32_t k = 0;
    for (uint64_t m = n->cands; m != 0;) {
        uint32_t alt = next_cand(&m);
        if (n->sleep & bit(alt)) continue;
        if (is_preemption(n, alt) && no_preemption_left(d, n)) continue;
        out[k++] = alt;
    }
    return k;
}

/* splitmix64's finalizer: a bijection of 64-bit words that mixes well. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Node k's key for the random order: a hash of the seed and the picks of
 * nodes 0..k-1, so a pick drawn from it depends on the path alone (not
 * on the runs before: the same seed and prefix give the same completion,
 * in every partition). */
static uint64_t node_key(const dfs_search *d, const dfs_node *prev)
{
    return prev ? mix64(prev->key + prev->pick + 1) : mix64(d->seed ^ 0x6a09e667f3bcc909ull);
}

/* The pick of a new node: fixed order, the running fiber if it may go on,
 * else the lowest awake id (a preemption only when the running fiber
 * sleeps, and only within the bound); random order, one of the viable
 * options (awake, within the bound) drawn from the node's key -- with a
 * bound only where the running fiber cannot go on or sleeps, so a free
 * pick preempts only where the fixed order's would (scenarios/README.md,
 * "Search order").  No option: the run only repeats a known ordering and
 * is cut. */
static uint32_t dfs_default_pick(dfs_search *d, dfs_node *n)
{
    bool cur = n->current != UINT32_MAX && has_cand(n, n->current);
    bool bounded = d->bound < EXPLORE_DFS_MAX_FIBERS;
    if (d->random_order && !(bounded && cur && !(n->sleep & bit(n->current)))) {
        uint32_t opts[EXPLORE_DFS_MAX_FIBERS];
        uint32_t k = viable(d, n, opts);
        if (k > 0) return opts[mix64(n->key ^ 0xbb67ae8584caa73bull) % k];
        d->blocked = true;
        return (uint32_t)__builtin_ctzll(n->cands);
    }
    if (cur && !(n->sleep & bit(n->current))) return n->current;
    bool switching_preempts = cur;
    for (uint64_t m = n->cands; m != 0;) {
        uint32_t id = next_cand(&m);
        if (n->sleep & bit(id)) continue;
        if (switching_preempts && no_preemption_left(d, n)) break;
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
    node->key = node_key(d, prev);
    uint64_t zr = 0, za = 0, zs = 0, zb = 0, ze = 0;
    if (prev) dpor_log_segment_over(d->log, s); /* the open step's info, read below */
    node->sleep =
        prev ? propagate_sleep(d, prev, &d->ops[k - 1], k, &zr, &za, &zs, &zb, &ze) & node->cands : 0;
    node->sleep_reads = zr & node->sleep;
    node->sleep_adds = za & node->sleep;
    node->sleep_spin = zs & node->sleep;
    node->sleep_sbeg = zb & node->sleep;
    node->sleep_end = ze & node->sleep;
    node->done_reads = node->done_adds = node->done_spin = node->done_cont = 0;
    node->done_sbeg = node->done_end = 0;
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
    if (d->blocked || d->mismatch || d->too_many_fibers) {
        dpor_log_cut(d->log, f); /* its last step did not end its fiber */
        sched_fail(s, SCHED_ABORTED, "dfs: run cut");
    }
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
    n->done_sbeg |= f;
    n->done_end |= f;
    n->done_cont |= f;
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
            if (is_preemption(n, alt) && no_preemption_left(d, n)) continue;
            take_option(n, alt);
            d->forced_len = d->len;
            if (st->shallowest == 0 || d->len < st->shallowest) st->shallowest = d->len;
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

/* Partition p of P takes the options of the first branching node whose
 * rank (the first run's pick 0, then the others by id) is p mod P (for
 * dpor, of all its options: a race found in one partition's subtree
 * cannot ask another partition for an option).
 * Returns false when this partition owns nothing. */
static bool dfs_partition(dfs_search *d, uint64_t part, uint64_t parts)
{
    if (parts <= 1) return true;
    for (size_t k = 0; k < d->len; k++) {
        uint32_t opts[EXPLORE_DFS_MAX_FIBERS];
        uint32_t n = viable(d, &d->nodes[k], opts);
        if (n < 2) continue;
        dfs_node *node = &d->nodes[k];
        /* In the order the unsplit search takes them: the first run's pick
         * (partition 0's), then the others by id, dealt out in turn, so
         * that every partition up to n gets an option. */
        uint32_t rank = 1;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = opts[i] == node->pick ? 0 : rank++;
            node->backtrack |= bit(opts[i]);
            if (r % parts != part) node->foreign |= bit(opts[i]);
        }
        if (part != 0) d->len = k + 1; /* the first run's subtree is partition 0's */
        return true;
    }
    return part == 0; /* no branching: one schedule, partition 0 runs it */
}

/* dpor: option q at node k, as a race asked.  When q cannot run there:
 * every option if the racer was in a timed wait (other steps move the
 * clock; Flanagan-Godefroid's conservative rule), else nothing (dpor.h). */
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
    n->backtrack |= bit((uint32_t)__builtin_ctzll(q));
    d->st->backtracks++;
}

/* The options of node n within the bound. */
static uint64_t within_bound(const dfs_search *d, const dfs_node *n)
{
    if (!has_cand(n, n->current) || !no_preemption_left(d, n)) return n->cands;
    return n->cands & bit(n->current);
}

/* The first node of the run of steps that node k's pick belongs to: the
 * last node where that fiber was not the running fiber going on (a switch
 * to it there, free or a preemption, cost as much as one to another
 * fiber).  A node where it was picked again after it could not go on (it
 * blocked, then was woken) begins a run even when the node before picked
 * it too. */
static size_t run_start(const dfs_search *d, size_t k)
{
    uint32_t x = d->nodes[k].pick;
    size_t j = k;
    while (j > 0 && d->nodes[j].current == x && d->nodes[j - 1].pick == x) j--;
    return j;
}

/* A join at node k that found the joined fiber y finished might have
 * blocked instead, had y's last step come later; then the racer could run
 * where the joiner blocks, without a preemption.  So the node that took
 * y's last step is asked for the joiner and the racer, and so is the
 * start of y's run there (run_start), where switching away from y costs
 * no preemption when it does at that node. */
static void await_instead(dfs_search *d, size_t k, uint32_t racer)
{
    dfs_node *n = &d->nodes[k];
    const dfs_ops *ops = &d->ops[k];
    uint32_t i = 0;
    for (uint64_t c = n->cands; c != 0; i++)
        if (next_cand(&c) == n->pick) break;
    if (i >= n->ncand || ops->op[i] != SCHED_OP_JOIN || ops->joined[i] >= EXPLORE_DFS_MAX_FIBERS) return;
    uint32_t y = ops->joined[i];
    size_t m = k;
    while (m > 0 && d->nodes[m - 1].pick != y) m--;
    if (m == 0) return;
    size_t jb = run_start(d, m - 1);
    for (size_t at = m - 1;; at = jb) {
        dfs_node *b = &d->nodes[at];
        uint64_t want = (bit(n->pick) | bit(racer)) & b->cands & ~(b->backtrack | b->sleep);
        /* Neither can run there (the joiner waits for another fiber,
         * the racer is blocked): every option, one of them may free them. */
        if (!((bit(n->pick) | bit(racer)) & b->cands)) want = b->cands & ~(b->backtrack | b->sleep);
        d->st->backtracks += (uint64_t)__builtin_popcountll(want);
        b->backtrack |= want;
        if (at == jb) break;
    }
}

static void ask_run_start(dfs_search *d, size_t k, const dpor_race *r);

/* dpor under a preemption bound (after Coons et al., bounded POR).  Three
 * changes from the unbounded rule, each needed by some tiny program of
 * test_dpor against every schedule within the bound.  (1) At node k an
 * option asked for before counts only if the bound lets k take it, and k
 * gets both an initial of the reversal (the source-set rule) and the
 * racer itself: an initial other than the racer may reach the reversal
 * only with one more preemption (its first step is local, then the racer
 * must preempt it), and the racer alone may start a reversal of another
 * class than the initial's (when its step has to follow the initial's).
 * (2) A reversal that preempts k's pick is also asked for where that
 * fiber's run of steps began (j): the same two options (an initial other
 * than k's pick, the racer), or every option if neither can run there.
 * On another path the preemption at k may be one too many, while a
 * switch at j costs no more than the path paid there; at j every
 * initial other than k's pick is asked for.  (3) If a pick of
 * that run (j..k) joins a fiber that had finished, the racer may also run
 * without a preemption where the join blocks, had that fiber ended later
 * (await_instead).  (1) asks for an initial other than the racer even
 * when the racer is one, and (3) looks at every join of the run, not
 * only k's, and where neither the joiner nor the racer can run at the
 * joined fiber's last step every option there is asked for: each was
 * needed by a tiny program with locks, joins and a clock reading
 * (test_dpor, test_bounded_dpor_lock_programs).  (4) When
 * neither the racer nor an initial can run at k and k's pick goes on with
 * its fiber's run, (2) and (3) still apply: the racer may be blocked at k
 * only on what that run took (status_after_complete at bound 0 missed 120
 * of 1,320 classes without it).  (5) (3) applies to every race, not only
 * to a reversal that preempts: with timed waits a join that found its
 * fiber done may block in another order where no preemption is involved
 * (two random programs with sleeps missed classes at bounds 0-2). */
static void ask_bounded(dfs_search *d, size_t k, const dpor_race *r)
{
    dfs_node *n = &d->nodes[k];
    uint64_t want = r->initials & bit(r->racer) ? bit(r->racer) : r->initials;
    uint64_t q = want & n->cands, ok = within_bound(d, n);
    for (size_t i = run_start(d, k); i <= k; i++) await_instead(d, i, r->racer); /* (5) */
    if (q == 0) {
        ask(d, k, want, r->racer_slept);
        /* None can run at k, maybe only because k's fiber took something
         * (a lock) earlier in its run: where that run goes on at k, its
         * start is asked (4). */
        if (n->current == n->pick && has_cand(n, n->pick)) ask_run_start(d, k, r);
        return;
    }
    uint64_t covered = (n->backtrack & ok) | n->sleep;
    if (!(r->initials & covered)) {
        uint64_t w = q & ok ? q & ok : q;
        n->backtrack |= bit((uint32_t)__builtin_ctzll(w));
        d->st->backtracks++;
    }
    if (has_cand(n, r->racer) && !(bit(r->racer) & (covered | n->backtrack))) {
        n->backtrack |= bit(r->racer);
        d->st->backtracks++;
    }
    /* An initial other than the racer as well, even when the racer is
     * one: the two reach the reversal at different costs (the other
     * initial may run where the racer's fiber would need a preemption,
     * or block and free a switch). */
    uint64_t others = r->initials & n->cands & ~bit(r->racer);
    if (others != 0 && !(others & covered)) {
        uint64_t w = others & ok ? others & ok : others;
        n->backtrack |= bit((uint32_t)__builtin_ctzll(w));
        d->st->backtracks++;
    }
    if (is_preemption(n, (uint32_t)__builtin_ctzll(q))) ask_run_start(d, k, r);
}

/* Rule (2) of ask_bounded for the race r at node k (rule (3), the joins
 * of the run, ask_bounded applies to every race itself: (5)). */
static void ask_run_start(dfs_search *d, size_t k, const dpor_race *r)
{
    const dfs_node *n = &d->nodes[k];
    size_t j = run_start(d, k);
    if (j == k) return;
    dfs_node *m = &d->nodes[j];
    uint64_t taken = m->backtrack | m->sleep;
    uint64_t w = r->initials & m->cands & ~bit(n->pick);
    /* Every such initial: one may run into a step dependent with e
     * before it can switch for free (its run goes on), another not. */
    uint64_t add = w & ~taken;
    m->backtrack |= add;
    d->st->backtracks += (uint64_t)__builtin_popcountll(add);
    if (has_cand(m, r->racer) && !(bit(r->racer) & (taken | m->backtrack))) {
        m->backtrack |= bit(r->racer);
        d->st->backtracks++;
    }
    if (w == 0 && !has_cand(m, r->racer)) {
        d->st->backtracks += (uint64_t)__builtin_popcountll(m->cands & ~m->sleep & ~m->backtrack);
        m->backtrack |= m->cands & ~m->sleep;
    }
}

static void on_race(void *arg, const dpor_race *r)
{
    dfs_search *d = arg;
    d->st->races++;
    d->st->races_clock += r->kind == DPOR_RACE_CLOCK;
    d->st->races_spin += r->kind == DPOR_RACE_SPIN;
    if (r->node >= 0 && (size_t)r->node < d->len) {
        if (bounded(d)) {
            ask_bounded(d, (size_t)r->node, r);
            return;
        }
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
    d->random_order = c->order == EXPLORE_ORDER_RANDOM;
    d->seed = c->seed;
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

bool explore_search(const explore_config *c, explore_stats *st)
{
    dfs_search d;
    dfs_init(&d, c, st);
    uint64_t index = 0;
    /* The first run finds the first branching node for partitioning. */
    bool first_counted = c->part_count <= 1 || c->part_index == 0;
    if (first_counted && c->take_run) (void)c->take_run(c->run_arg); /* a budget has >= 1 */
    bool ok = dfs_one(&d, c, st, first_counted, index++);
    if (ok && !dfs_partition(&d, c->part_index, c->part_count ? c->part_count : 1)) {
        st->exhausted = true;
        free(d.nodes);
        free(d.ops);
        dpor_log_free(d.log);
        return true;
    }
    while (ok && (c->runs == 0 || st->runs < c->runs) && !explore_stop_now(c, st)) {
        if (!dfs_backtrack(&d, st)) {
            st->exhausted = true;
            break;
        }
        if (c->take_run && !c->take_run(c->run_arg)) break; /* the shared budget is spent */
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
