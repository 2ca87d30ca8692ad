/*
 * pos.c — partial order sampling; see pos.h.  Priorities live in the
 * policy (by fiber id), drawn from a splitmix64 stream seeded by the
 * run's seed; ties cannot matter (64-bit draws) but go to the lower id.
 * A fiber is "in a spin loop" from a pause or yield until it performs an
 * operation other than a load (the loop re-reads what it waits for).
 */
#include "pos.h"

#include <assert.h>
#include <stdlib.h>

#include "dpor.h"

typedef struct pos_policy {
    sched_policy base;
    uint64_t rng;
    bool pins;
    uint64_t prio[SCHED_MAX_FIBERS];
    bool spin[SCHED_MAX_FIBERS]; /* in a spin loop (see above) */
} pos_policy;

static uint64_t draw(pos_policy *q)
{
    uint64_t z = (q->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void pos_spawn(sched_policy *p, sched *s, sched_fiber *f)
{
    (void)s;
    pos_policy *q = (pos_policy *)p;
    q->prio[f->id] = draw(q);
}

static uint32_t pos_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    (void)s, (void)cur;
    pos_policy *q = (pos_policy *)p;
    uint32_t pick = c[0];
    for (size_t i = 1; i < n; i++)
        if (q->prio[c[i]] > q->prio[pick]) pick = c[i];
    return pick;
}

/* f performs its pending operation: re-draw it and the ones racing with
 * it.  A spin iteration (pause, yield) also re-draws every other runnable
 * fiber in a spin loop: spin counts race with the virtual clock, which
 * the dependency relation does not see, and a spinner that lost once would
 * otherwise keep its low priority and fall behind for the whole loop. */
static void pos_run(sched_policy *p, sched *s, sched_fiber *f)
{
    pos_policy *q = (pos_policy *)p;
    size_t n = sched_fiber_count(s);
    bool spin_step = f->pending_op == SCHED_OP_PAUSE || f->pending_op == SCHED_OP_YIELD;
    for (size_t i = 0; i < n; i++) {
        sched_fiber *g = sched_fiber_at(s, (uint32_t)i);
        if (g == f || g->state == SCHED_FINISHED) continue;
        if (dpor_dependent(q->pins, f->pending_op, f->pending_obj, g->pending_op, g->pending_obj) ||
            (spin_step && q->spin[i] && g->state == SCHED_RUNNABLE))
            q->prio[i] = draw(q);
    }
    q->prio[f->id] = draw(q);
    if (spin_step) q->spin[f->id] = true;
    else if (f->pending_op != SCHED_OP_LOAD) q->spin[f->id] = false;
}

static void pos_destroy(sched_policy *p) { free(p); }

sched_policy *pos_policy_new(uint64_t seed, bool pins)
{
    pos_policy *q = calloc(1, sizeof *q);
    assert(q != NULL);
    q->base = (sched_policy){.name = "pos", .pick = pos_pick, .on_spawn = pos_spawn,
                             .on_run = pos_run, .destroy = pos_destroy};
    q->rng = seed ^ 0x9051905190519051ull;
    q->pins = pins;
    return &q->base;
}
