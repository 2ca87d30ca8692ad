/*
 * dpor.c — vector clocks, races and class hashes over a run's steps.
 *
 * For each new step e' of fiber p, the latest step of every other fiber
 * q that is dependent with e' is found through per-fiber "last index"
 * tables (any step, clock-advancing steps, lock/condition steps, spawns
 * and joins, sync points, file steps) and per-object tables (last access,
 * last write, last file step, by fiber).  A fiber's earlier dependent
 * steps happen before its latest one (program order), so joining the
 * latest one's clock is enough, and only it can be in a race with e'.
 * Candidates that p already knows of (its clock covers them) are no
 * races; of the rest, one that happens before another candidate is no
 * race either (the path runs through that one).  A fiber whose latest
 * step p knows has no new candidate, so only the others are looked up
 * (in the yield-heavy scenarios most of them), and a race keeps the
 * table that made it (memory/sync, clock, spinning) for the summary.
 *
 * The initials of a race (e, e') are computed from the steps between
 * them that do not happen after e (notdep): a fiber's first such step is
 * an initial when no earlier such step of another fiber happens before
 * it; e''s fiber too, if it has no such step.
 */
#include "dpor.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum { NO_STEP = -1, OBJ_SLOTS_MIN = 256 };
enum { WAKE_NONE, WAKE_TICK, WAKE_JUMP };

typedef struct step {
    uint32_t fiber, local; /* local: 1-based index among the fiber's steps */
    int32_t node, prev_node;
    sched_op op;
    int wake;              /* WAKE_*: a timed wait ends with this step */
    bool quiet;            /* not an event: a join attempt that blocked */
    bool reads, adds;      /* it read the clock / advanced it (announced a point that costs time) */
    bool spinning;         /* its fiber was spinning (the scheduler may pass it over) */
    bool sets_spin;        /* it ends announcing a pause or yield: its fiber spins from then */
    bool announced;        /* its segment ended announcing a point (not blocking or ending) */
    bool ends;             /* its segment ended its fiber (which ends every spin) */
    uint64_t spinners;     /* other fibers spinning when it ran */
    const void *obj;
    uint32_t joined;       /* joins: the joined fiber's id, else DPOR_NO_FIBER */
    uint64_t sleeping;     /* fibers in a timed wait when it ran */
} step;

/* A race noted during the run, filtered at its end. */
typedef struct pending_race {
    int32_t e, e2;
    uint64_t initials;
    dpor_race_kind kind;
} pending_race;


typedef struct obj_entry {
    const void *key;
    bool used;
    int32_t acc[DPOR_MAX_FIBERS], wr[DPOR_MAX_FIBERS], file[DPOR_MAX_FIBERS];
} obj_entry;

struct dpor_log {
    bool pins, want_races, overflow, blind;
    step *steps;
    uint32_t *vcs; /* DPOR_MAX_FIBERS per step */
    uint32_t *local_of; /* steps[i].local, packed (the hot lookup of settle_step) */
    size_t n, cap;
    uint32_t nfibers; /* fibers seen (ids below this) */
    int32_t born_of[DPOR_MAX_FIBERS];   /* the step that spawned the fiber */
    uint32_t local[DPOR_MAX_FIBERS];
    int32_t last_any[DPOR_MAX_FIBERS], last_nonlocal[DPOR_MAX_FIBERS],
        last_sync[DPOR_MAX_FIBERS], last_spawn[DPOR_MAX_FIBERS], last_syncpoint[DPOR_MAX_FIBERS],
        last_file_any[DPOR_MAX_FIBERS], last_file_null[DPOR_MAX_FIBERS];
    int32_t last_read[DPOR_MAX_FIBERS], last_adv[DPOR_MAX_FIBERS]; /* clock readers, advancers */
    int32_t last_clear[DPOR_MAX_FIBERS], last_spin[DPOR_MAX_FIBERS]; /* writes and ends; steps taken spinning */
    int32_t last_setter[DPOR_MAX_FIBERS]; /* steps that began a spin (spin_begins) */
    int32_t last_nonspin[DPOR_MAX_FIBERS]; /* steps taken not spinning (also blocked joins) */
    int32_t last_live_clear[DPOR_MAX_FIBERS]; /* clearings while some fiber spun */
    int32_t jump_last[DPOR_MAX_FIBERS]; /* each fiber's last step before the clock's last jump */
    uint64_t jumps;                     /* the scheduler's jumps seen (sched_clock_jumps) */
    int32_t cleared[DPOR_MAX_FIBERS][DPOR_MAX_FIBERS]; /* [q][x]: q's last write or end while x spun */
    int32_t open;                     /* the step whose segment runs now (not settled), or NO_STEP */
    int32_t last_node;
    int32_t *node_step;               /* decision -> the step it chose */
    size_t node_cap;
    size_t tick_wakes;
    obj_entry *objs;
    size_t obj_cap, obj_used;
    pending_race *races;
    size_t nraces, races_cap;
};

static bool op_local(sched_op op)
{
    return op == SCHED_OP_START || op == SCHED_OP_PAUSE || op == SCHED_OP_YIELD ||
           op == SCHED_OP_SLEEP;
}

static bool op_sync(sched_op op)
{
    return op == SCHED_OP_LOCK || op == SCHED_OP_UNLOCK || op == SCHED_OP_WAIT ||
           op == SCHED_OP_WAKE;
}

static bool op_global(sched_op op) { return op == SCHED_OP_SPAWN || op == SCHED_OP_JOIN; }

bool dpor_dependent(bool pins, sched_op a, const void *oa, sched_op b, const void *ob)
{
    if (op_global(a) || op_global(b)) return true;
    if (op_local(a) || op_local(b)) return false;
    if (a == SCHED_OP_SYNC_POINT || b == SCHED_OP_SYNC_POINT) return pins;
    if (a == SCHED_OP_FILE || b == SCHED_OP_FILE)
        return a == b && (oa == NULL || ob == NULL || oa == ob);
    if (op_sync(a) && op_sync(b)) return true; /* cond waits release mutexes */
    if (oa != ob) return false;
    return !(a == SCHED_OP_LOAD && b == SCHED_OP_LOAD);
}

bool dpor_dependent_fibers(bool pins, dpor_op a, dpor_op b)
{
    if (a.op == SCHED_OP_JOIN || b.op == SCHED_OP_JOIN) {
        /* A join reads whether the joined fiber finished: dependent with
         * that fiber's steps only. */
        if (a.op == SCHED_OP_JOIN && (a.joined == DPOR_NO_FIBER || a.joined == b.fiber)) return true;
        if (b.op == SCHED_OP_JOIN && (b.joined == DPOR_NO_FIBER || b.joined == a.fiber)) return true;
        return false;
    }
    /* Spawns hand out fiber ids in order: dependent with each other only. */
    if (a.op == SCHED_OP_SPAWN || b.op == SCHED_OP_SPAWN) return a.op == b.op;
    return dpor_dependent(pins, a.op, a.obj, b.op, b.obj);
}

dpor_op dpor_op_of(const sched_fiber *f)
{
    dpor_op o = {.fiber = f->id, .op = f->pending_op, .obj = f->pending_obj, .joined = DPOR_NO_FIBER};
    if (f->pending_op == SCHED_OP_JOIN && f->pending_obj != NULL)
        o.joined = ((const sched_fiber *)f->pending_obj)->id;
    return o;
}

dpor_log *dpor_log_new(bool pins, bool races)
{
    dpor_log *l = calloc(1, sizeof *l);
    assert(l != NULL);
    l->pins = pins;
    l->want_races = races;
    dpor_log_reset(l);
    return l;
}

void dpor_log_free(dpor_log *l)
{
    if (l == NULL) return;
    free(l->steps);
    free(l->vcs);
    free(l->local_of);
    free(l->objs);
    free(l->races);
    free(l->node_step);
    free(l);
}

static void fill(int32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++) a[i] = NO_STEP;
}

void dpor_log_reset(dpor_log *l)
{
    l->n = 0;
    l->nfibers = 0;
    l->overflow = false;
    l->nraces = 0;
    l->tick_wakes = 0;
    l->last_node = NO_STEP;
    memset(l->local, 0, sizeof l->local);
    fill(l->born_of, DPOR_MAX_FIBERS);
    fill(l->last_any, DPOR_MAX_FIBERS);
    fill(l->last_nonlocal, DPOR_MAX_FIBERS);
    fill(l->last_sync, DPOR_MAX_FIBERS);
    fill(l->last_spawn, DPOR_MAX_FIBERS);
    fill(l->last_read, DPOR_MAX_FIBERS);
    fill(l->last_adv, DPOR_MAX_FIBERS);
    fill(l->last_clear, DPOR_MAX_FIBERS);
    fill(l->last_spin, DPOR_MAX_FIBERS);
    fill(l->last_setter, DPOR_MAX_FIBERS);
    fill(l->last_nonspin, DPOR_MAX_FIBERS);
    fill(l->last_live_clear, DPOR_MAX_FIBERS);
    fill(l->jump_last, DPOR_MAX_FIBERS);
    l->jumps = 0;
    fill(&l->cleared[0][0], (size_t)DPOR_MAX_FIBERS * DPOR_MAX_FIBERS);
    l->open = NO_STEP;
    fill(l->last_syncpoint, DPOR_MAX_FIBERS);
    fill(l->last_file_any, DPOR_MAX_FIBERS);
    fill(l->last_file_null, DPOR_MAX_FIBERS);
    if (l->obj_used > 0)
        for (size_t i = 0; i < l->obj_cap; i++) l->objs[i].used = false;
    l->obj_used = 0;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static obj_entry *obj_find(dpor_log *l, const void *key)
{
    if ((l->obj_used + 1) * 2 > l->obj_cap) {
        size_t cap = l->obj_cap ? l->obj_cap * 2 : OBJ_SLOTS_MIN;
        obj_entry *t = calloc(cap, sizeof *t);
        assert(t != NULL);
        for (size_t i = 0; i < l->obj_cap; i++) {
            if (!l->objs[i].used) continue;
            size_t j = mix((uint64_t)(uintptr_t)l->objs[i].key) & (cap - 1);
            while (t[j].used) j = (j + 1) & (cap - 1);
            t[j] = l->objs[i];
        }
        free(l->objs);
        l->objs = t;
        l->obj_cap = cap;
    }
    size_t j = mix((uint64_t)(uintptr_t)key) & (l->obj_cap - 1);
    while (l->objs[j].used && l->objs[j].key != key) j = (j + 1) & (l->obj_cap - 1);
    obj_entry *e = &l->objs[j];
    if (!e->used) {
        e->used = true;
        e->key = key;
        fill(e->acc, DPOR_MAX_FIBERS);
        fill(e->wr, DPOR_MAX_FIBERS);
        fill(e->file, DPOR_MAX_FIBERS);
        l->obj_used++;
    }
    return e;
}

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

/* Step st ends every spin: it writes (at its start) or ends its fiber. */
static bool spin_clears(const step *st) { return sched_op_writes(st->op) || st->ends; }

/* Step st makes its fiber spin where it did not: it ends announcing a
 * pause or yield, and its fiber was not spinning when it ran, or its
 * write ended that spin first.  (A spinner that announces its next pause
 * changes nothing: it spun before and spins after.) */
static bool spin_begins(const step *st)
{
    return st->sets_spin && (!st->spinning || sched_op_writes(st->op));
}

/* The latest step of fiber q dependent with (p, op, obj), or NO_STEP. */
static int32_t latest_dependent(const dpor_log *l, const obj_entry *oe, uint32_t q, uint32_t p,
                                sched_op op, const void *obj, int wake)
{
    /* Spawns hand out fiber ids in order: dependent with each other.  A
     * join reads whether the joined fiber finished: dependent with that
     * fiber's steps only.  (The sleep sets use the coarser dpor_dependent,
     * where both are dependent with everything; coarser is safe there.)
     * A wait the clock's jump ended comes after every step before the
     * jump and, as any step, after those its own operation depends on: a
     * timed park's wait point and an unpark or write of its word after
     * the jump are dependent in either order (a relation that returned
     * the jump's steps alone ordered the unpark after the wake-up only). */
    int32_t best = wake == WAKE_JUMP ? l->jump_last[q] : NO_STEP;
    if (op == SCHED_OP_SPAWN) return l->last_spawn[q];
    if (op == SCHED_OP_JOIN) return NO_STEP; /* ordered after the joined fiber's end at its next step */
    (void)p;
    if (op_local(op)) return best;
    if (op == SCHED_OP_SYNC_POINT) return l->pins ? max32(best, l->last_nonlocal[q]) : best;
    if (l->pins) best = max32(best, l->last_syncpoint[q]);
    if (op == SCHED_OP_FILE) {
        if (obj == NULL) return max32(best, l->last_file_any[q]);
        return max32(best, max32(l->last_file_null[q], oe->file[q]));
    }
    if (op_sync(op)) best = max32(best, l->last_sync[q]);
    return max32(best, op == SCHED_OP_LOAD ? oe->wr[q] : oe->acc[q]);
}

static uint32_t *vc_of(const dpor_log *l, size_t i) { return &l->vcs[i * DPOR_MAX_FIBERS]; }

static void note_race(dpor_log *l, size_t a, size_t b, dpor_race_kind kind)
{
    const step *e = &l->steps[a], *e2 = &l->steps[b];
    uint32_t first_v[DPOR_MAX_FIBERS];
    memset(first_v, 0, sizeof first_v);
    uint64_t initials = 0, seen = 0;
    for (size_t j = a + 1; j <= b; j++) {
        const step *s = &l->steps[j];
        const uint32_t *vc = vc_of(l, j);
        if (j < b && vc[e->fiber] >= e->local) continue; /* happens after e */
        if (s->quiet) continue;
        if (first_v[s->fiber] != 0) continue;
        bool initial = true;
        for (uint64_t m = seen; m != 0 && initial; m &= m - 1) {
            uint32_t r = (uint32_t)__builtin_ctzll(m);
            if (r != s->fiber && vc[r] >= first_v[r]) initial = false;
        }
        if (initial) initials |= 1ull << s->fiber;
        first_v[s->fiber] = s->local;
        seen |= 1ull << s->fiber;
    }
    if (l->nraces == l->races_cap) {
        l->races_cap = l->races_cap ? l->races_cap * 2 : 256;
        l->races = realloc(l->races, l->races_cap * sizeof *l->races);
        assert(l->races != NULL);
    }
    (void)e2;
    l->races[l->nraces++] =
        (pending_race){.e = (int32_t)a, .e2 = (int32_t)b, .initials = initials, .kind = kind};
}

/* Step i's segment is over (s: the scheduler, NULL at the end of the
 * run): its dependencies, clock, races and the tables. */
static void settle_step(dpor_log *l, sched *s, size_t i)
{
    step *st = &l->steps[i];
    uint32_t p = st->fiber;
    sched_op op = st->op;
    const void *obj = st->obj;
    uint32_t *vc = vc_of(l, i);
    int32_t before = l->last_any[p] != NO_STEP ? l->last_any[p] : l->born_of[p];
    if (before != NO_STEP) memcpy(vc, vc_of(l, (size_t)before), DPOR_MAX_FIBERS * sizeof *vc);
    else memset(vc, 0, DPOR_MAX_FIBERS * sizeof *vc);
    /* A join that had to block did nothing but find the fiber running:
     * no event (await reduction, as GenMC and Nidhugg treat a blocked
     * await); the step that resumes it is the join, so whether it had to
     * block makes no class of its own. */
    if (op == SCHED_OP_JOIN && s != NULL && !st->reads && !st->adds &&
        sched_fiber_at(s, p)->state == SCHED_BLOCKED) {
        st->quiet = true;
        st->local = l->local_of[i] = l->local[p];
        l->last_any[p] = (int32_t)i;
        /* It blocked its fiber: a spinner may run only after it. */
        if (!st->spinning) l->last_nonspin[p] = (int32_t)i;
        return;
    }
    st->local = l->local_of[i] = ++l->local[p];
    /* The joined fiber finished before the join returned: everything it
     * did happens before the join (an edge, not a race: the join cannot
     * return earlier). */
    if (op == SCHED_OP_JOIN && st->joined < l->nfibers && l->last_any[st->joined] != NO_STEP) {
        const uint32_t *o = vc_of(l, (size_t)l->last_any[st->joined]);
        for (uint32_t q = 0; q < l->nfibers; q++)
            if (o[q] > vc[q]) vc[q] = o[q];
    }
    bool memory = !op_local(op) && !op_global(op) && op != SCHED_OP_SYNC_POINT;
    obj_entry *oe = memory ? obj_find(l, obj) : NULL;
    int32_t cand[DPOR_MAX_FIBERS];
    dpor_race_kind kind[DPOR_MAX_FIBERS];
    uint32_t ncand = 0;
    bool clears = spin_clears(st), begins = spin_begins(st);
    bool live = clears && (st->spinners != 0 || st->spinning); /* it ends some spin */
    /* Every step of q in the tables has a local index of at most local[q]:
     * when p knows that one, none of them is new. */
    uint64_t unknown = 0;
    for (uint32_t q = 0; q < l->nfibers; q++) unknown |= (uint64_t)(vc[q] < l->local[q]) << q;
    unknown &= ~(1ull << p);
    for (uint64_t m = unknown; m != 0; m &= m - 1) {
        uint32_t q = (uint32_t)__builtin_ctzll(m);
        int32_t base = latest_dependent(l, oe, q, p, op, obj, st->wake), d = base;
        /* The clock: a reading and an advance of another fiber are
         * dependent (the value read is the sum of the advances before it);
         * two advances commute, and so do two readings. */
        if (!l->blind && st->reads) d = max32(d, l->last_adv[q]);
        if (!l->blind && st->adds) d = max32(d, l->last_read[q]);
        int32_t clock = d;
        /* Spinning: a fiber spins from its pause or yield until any
         * fiber writes or ends (spin_clears), and the scheduler passes a
         * spinner over while a fiber that does not spin can run.  So a
         * step taken spinning could run only because every other fiber
         * then spun, was blocked, asleep or done: whatever step of q made
         * it so was taken not spinning (it began q's spin, blocked q,
         * ended it) -- a step taken spinning and one taken not spinning
         * are dependent, in either order.  Besides: a step taken spinning
         * with the spin clearings and beginnings of others (a clearing
         * makes it a step not taken spinning, a beginning may be what let
         * it run); a spin beginning with the clearings of others (they
         * end it; the two orders leave different spinners); a
         * clearing with the next step of a fiber whose spin it ended; and
         * two clearings while some fiber spins (either may be the one
         * that ends the spin, and that step's dependency follows it). */
        if (!l->blind) {
            if (st->spinning)
                d = max32(d, max32(l->last_nonspin[q], max32(l->last_clear[q], l->last_setter[q])));
            else d = max32(d, l->last_spin[q]);
            if (clears) d = max32(d, max32(max32(l->last_spin[q], l->last_setter[q]), l->last_live_clear[q]));
            if (begins) d = max32(d, max32(l->last_clear[q], l->last_spin[q]));
            d = max32(d, l->cleared[q][p]);
        }
        if (d == NO_STEP || vc[q] >= l->local_of[d]) continue; /* known already */
        kind[ncand] = d == base && st->wake != WAKE_JUMP ? DPOR_RACE_MEMORY
                      : d == clock                     ? DPOR_RACE_CLOCK
                                                       : DPOR_RACE_SPIN;
        cand[ncand++] = d;
    }
    for (uint32_t k = 0; k < ncand; k++) {
        const uint32_t *o = vc_of(l, (size_t)cand[k]);
        for (uint32_t q = 0; q < l->nfibers; q++)
            if (o[q] > vc[q]) vc[q] = o[q];
    }
    vc[p] = st->local;
    /* A wake-up races too: its racer was in its timed wait where the
     * other step ran, and the search then asks for every option there
     * (other steps, spin counts, paths move the clock; explore.c). */
    if (l->want_races)
        for (uint32_t k = 0; k < ncand; k++) {
            const step *c = &l->steps[cand[k]];
            bool through_other = false;
            for (uint32_t m = 0; m < ncand && !through_other; m++)
                through_other = m != k && vc_of(l, (size_t)cand[m])[c->fiber] >= c->local;
            if (!through_other) note_race(l, (size_t)cand[k], i, kind[k]);
        }
    /* The tables now include step i. */
    int32_t me = (int32_t)i;
    l->last_any[p] = me;
    if (st->reads) l->last_read[p] = me;
    if (st->adds) l->last_adv[p] = me;
    if (st->spinning) l->last_spin[p] = me;
    else l->last_nonspin[p] = me;
    if (begins) l->last_setter[p] = me;
    if (live) l->last_live_clear[p] = me;
    if (clears) {
        l->last_clear[p] = me;
        for (uint64_t m = st->spinners; m != 0; m &= m - 1) l->cleared[p][__builtin_ctzll(m)] = me;
    }
    if (!op_local(op)) l->last_nonlocal[p] = me;
    if (op_sync(op)) l->last_sync[p] = me;
    if (op == SCHED_OP_SPAWN) l->last_spawn[p] = me;
    if (op == SCHED_OP_SYNC_POINT) l->last_syncpoint[p] = me;
    if (op == SCHED_OP_FILE) {
        l->last_file_any[p] = me;
        if (obj == NULL) l->last_file_null[p] = me;
        else oe->file[p] = me;
    } else if (oe != NULL) {
        oe->acc[p] = me;
        if (op != SCHED_OP_LOAD) oe->wr[p] = me;
    }
}

static void settle(dpor_log *l, sched *s)
{
    if (l->open == NO_STEP) return;
    size_t i = (size_t)l->open;
    l->open = NO_STEP;
    settle_step(l, s, i);
}

/* The open step's segment is over: did it end its fiber? */
void dpor_log_segment_over(dpor_log *l, sched *s)
{
    if (l->open == NO_STEP) return;
    step *st = &l->steps[l->open];
    const sched_fiber *f = s != NULL ? sched_fiber_at(s, st->fiber) : NULL;
    st->ends = f != NULL ? f->state == SCHED_FINISHED : !st->announced;
}

void dpor_log_cut(dpor_log *l, const sched_fiber *f)
{
    if (l->open != NO_STEP && l->steps[l->open].fiber == f->id) l->steps[l->open].announced = true;
}

/* Without the scheduler, a last step that announced nothing counts as
 * ending its fiber (it did, unless the run deadlocked: then it blocked,
 * and counting it as an end only adds dependencies). */
void dpor_log_end(dpor_log *l)
{
    dpor_log_segment_over(l, NULL);
    settle(l, NULL);
}

void dpor_log_set_clock_blind(dpor_log *l, bool blind) { l->blind = blind; }

void dpor_log_clock_read(dpor_log *l, const sched_fiber *f)
{
    if (l->open != NO_STEP && l->steps[l->open].fiber == f->id) l->steps[l->open].reads = true;
}

void dpor_log_announce(dpor_log *l, const sched_fiber *f)
{
    if (l->open == NO_STEP || l->steps[l->open].fiber != f->id) return;
    step *st = &l->steps[l->open];
    st->announced = true;
    if (sched_op_ticks(f->pending_op) > 0) st->adds = true;
    if (f->pending_op == SCHED_OP_PAUSE || f->pending_op == SCHED_OP_YIELD) st->sets_spin = true;
}

bool dpor_log_step(dpor_log *l, sched *s, const sched_fiber *f, int32_t node)
{
    if (l->overflow) return false;
    dpor_log_segment_over(l, s);
    settle(l, s);
    size_t nf = sched_fiber_count(s);
    if (nf > DPOR_MAX_FIBERS) {
        l->overflow = true;
        return false;
    }
    for (uint32_t k = l->nfibers; k < nf; k++)
        l->born_of[k] = l->n > 0 ? (int32_t)(l->n - 1) : NO_STEP;
    l->nfibers = (uint32_t)nf;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->steps = realloc(l->steps, l->cap * sizeof *l->steps);
        l->vcs = realloc(l->vcs, l->cap * DPOR_MAX_FIBERS * sizeof *l->vcs);
        l->local_of = realloc(l->local_of, l->cap * sizeof *l->local_of);
        assert(l->steps != NULL && l->vcs != NULL && l->local_of != NULL);
    }
    /* The clock jumped since the last step: every step so far came before
     * the jump (nothing could run), the steps from now on after it. */
    if (sched_clock_jumps(s) != l->jumps) {
        l->jumps = sched_clock_jumps(s);
        memcpy(l->jump_last, l->last_any, sizeof l->jump_last);
    }
    size_t i = l->n++;
    uint32_t p = f->id;
    sched_op op = f->pending_op;
    const void *obj = f->pending_obj;
    const step *prev = l->last_any[p] != NO_STEP ? &l->steps[l->last_any[p]] : NULL;
    /* Woken by the clock: a sleep, or a timed park (port_park_until) that
     * ran out rather than being unparked. */
    bool woke = prev != NULL && prev->op == op &&
                (op == SCHED_OP_SLEEP || (op == SCHED_OP_WAIT && f->block_timed_out));
    int wake = !woke ? WAKE_NONE : f->tick_woken ? WAKE_TICK : WAKE_JUMP;
    l->tick_wakes += wake == WAKE_TICK;
    if (node >= 0) {
        l->last_node = node;
        if ((size_t)node >= l->node_cap) {
            size_t cap = l->node_cap ? l->node_cap : 1024;
            while (cap <= (size_t)node) cap *= 2;
            l->node_step = realloc(l->node_step, cap * sizeof *l->node_step);
            assert(l->node_step != NULL);
            for (size_t k = l->node_cap; k < cap; k++) l->node_step[k] = NO_STEP;
            l->node_cap = cap;
        }
        l->node_step[node] = (int32_t)i;
    }
    dpor_op o = dpor_op_of(f);
    /* A timed wait that other fibers' steps ended read the clock: it is
     * due because their advances reached its deadline. */
    l->steps[i] = (step){.fiber = p, .node = node, .prev_node = node >= 0 ? node : l->last_node,
                         .op = op, .wake = wake, .reads = wake == WAKE_TICK, .obj = obj,
                         .joined = o.joined};
    /* The spinners: every fiber with a spin mark, also one that paused and
     * then sleeps or is blocked (a clearing ends its spin too). */
    uint64_t spinners;
    sched_fiber_masks(s, &l->steps[i].sleeping, &spinners);
    l->steps[i].spinners = spinners & ~(1ull << p);
    l->steps[i].spinning = f->spinning;
    l->open = (int32_t)i;
    return true;
}

int32_t dpor_log_node_step(const dpor_log *l, int32_t node)
{
    return node >= 0 && (size_t)node < l->node_cap ? l->node_step[node] : NO_STEP;
}

dpor_step_info dpor_log_step_info(const dpor_log *l, size_t i)
{
    const step *st = &l->steps[i];
    return (dpor_step_info){.op = {.fiber = st->fiber, .op = st->op, .obj = st->obj, .joined = st->joined},
                            .reads = st->reads, .adds = st->adds, .spinning = st->spinning,
                            .sets_spin = st->sets_spin, .begins_spin = spin_begins(st),
                            .ends = st->ends, .spin_live = st->spinners != 0 || st->spinning,
                            .timed_waits = st->sleeping != 0};
}

uint64_t dpor_log_class(const dpor_log *l)
{
    assert(l->open == NO_STEP); /* dpor_log_end */
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < l->n; i++) {
        const step *s = &l->steps[i];
        const uint32_t *vc = vc_of(l, i);
        if (s->quiet) continue;
        uint64_t e = mix(((uint64_t)s->fiber << 40) ^ ((uint64_t)s->op << 32) ^ s->local);
        for (uint32_t q = 0; q < l->nfibers; q++) e = mix(e ^ ((uint64_t)q << 32 | vc[q]));
        h += e; /* a sum: the order of the steps does not matter, only their clocks */
    }
    return h ? h : 1;
}

size_t dpor_log_steps(const dpor_log *l) { return l->n; }

size_t dpor_log_tick_wakes(const dpor_log *l) { return l->tick_wakes; }

void dpor_log_races(dpor_log *l, void (*fn)(void *arg, const dpor_race *r), void *arg)
{
    settle(l, NULL);
    for (size_t i = 0; i < l->nraces; i++) {
        const pending_race *pr = &l->races[i];
        const step *e = &l->steps[pr->e];
        uint32_t racer = l->steps[pr->e2].fiber;
        dpor_race r = {.node = e->node, .prev_node = e->prev_node, .racer = racer,
                       .initials = pr->initials,
                       .racer_slept = (e->sleeping >> racer) & 1, .kind = pr->kind};
        fn(arg, &r);
    }
}
