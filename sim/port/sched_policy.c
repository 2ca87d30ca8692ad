/*
 * sched_policy.c — the scheduler's policies (scheduler.h): who runs when
 * more than one fiber could.  Each sees only the candidates (ascending
 * ids) and the public scheduler API, so a run depends only on the seed,
 * the policy and the program.  Split from scheduler.c, unchanged.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* --------------------------------------------------------------- policies */

typedef struct random_policy {
    sched_policy base;
    uint64_t rng;
} random_policy;

static uint32_t random_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    (void)s, (void)cur;
    random_policy *r = (random_policy *)p;
    return c[splitmix64(&r->rng) % n];
}

static void free_policy(sched_policy *p) { free(p); }

sched_policy *sched_policy_random(uint64_t seed)
{
    random_policy *r = calloc(1, sizeof *r);
    assert(r != NULL);
    r->base = (sched_policy){.name = "random", .pick = random_pick, .destroy = free_policy};
    r->rng = seed;
    return &r->base;
}

/* fifo: never preempt; when the running fiber cannot go on, run the one
 * that has waited longest since it last ran (round robin). */
typedef struct fifo_policy {
    sched_policy base;
    uint64_t clock;
    uint64_t last_ran[SCHED_MAX_FIBERS];
} fifo_policy;

static uint32_t fifo_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    (void)s;
    fifo_policy *f = (fifo_policy *)p;
    uint32_t pick = c[0];
    for (size_t i = 0; i < n; i++) {
        if (c[i] == cur) {
            pick = cur;
            break;
        }
        if (f->last_ran[c[i]] < f->last_ran[pick]) pick = c[i];
    }
    f->last_ran[pick] = ++f->clock;
    return pick;
}

sched_policy *sched_policy_fifo(void)
{
    fifo_policy *f = calloc(1, sizeof *f);
    assert(f != NULL);
    f->base = (sched_policy){.name = "fifo", .pick = fifo_pick, .destroy = free_policy};
    return &f->base;
}

/* pct (Burckhardt et al., ASPLOS 2010): distinct random priorities, always
 * run the highest-priority candidate; at each of depth-1 change points
 * (steps chosen in 1..expected_steps) the running fiber drops to priority
 * i, below every initial priority.  Spinners are already passed over. */
typedef struct pct_policy {
    sched_policy base;
    uint64_t rng;
    unsigned depth;
    uint64_t change_steps[16];
    unsigned changes;
} pct_policy;

static void pct_spawn(sched_policy *p, sched *s, sched_fiber *f)
{
    (void)s;
    pct_policy *q = (pct_policy *)p;
    /* Initial priorities sit above all change-point priorities (< 16). */
    f->priority = 16 + (int64_t)(splitmix64(&q->rng) >> 2);
}

static void pct_step(sched_policy *p, sched *s, sched_fiber *f)
{
    pct_policy *q = (pct_policy *)p;
    for (unsigned i = 0; i < q->changes; i++)
        if (q->change_steps[i] == sched_steps(s)) f->priority = (int64_t)i + 1;
}

static uint32_t pct_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    (void)p, (void)cur;
    uint32_t pick = c[0];
    for (size_t i = 1; i < n; i++)
        if (sched_fiber_at(s, c[i])->priority > sched_fiber_at(s, pick)->priority) pick = c[i];
    return pick;
}

sched_policy *sched_policy_pct(uint64_t seed, unsigned depth, uint64_t expected_steps)
{
    pct_policy *q = calloc(1, sizeof *q);
    assert(q != NULL && depth >= 1 && depth <= 16);
    q->base = (sched_policy){.name = "pct", .pick = pct_pick, .on_spawn = pct_spawn,
                             .on_step = pct_step, .destroy = free_policy};
    q->rng = seed ^ 0x7c7c7c7c7c7c7c7cull;
    q->depth = depth;
    q->changes = depth - 1;
    for (unsigned i = 0; i < q->changes; i++)
        q->change_steps[i] = 1 + splitmix64(&q->rng) % (expected_steps ? expected_steps : 1);
    return &q->base;
}

/* forced: follow recorded picks, then a fallback policy. */
typedef struct forced_policy {
    sched_policy base;
    char (*names)[SCHED_NAME_MAX]; /* by name instead of id, when set */
    uint32_t *picks;
    size_t count, next;
    size_t divergences;
    uint64_t first_divergence; /* step of the first pick that was not possible */
    sched_policy *fallback;
} forced_policy;

static uint32_t forced_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    forced_policy *f = (forced_policy *)p;
    if (f->next < f->count) {
        size_t at = f->next++;
        for (size_t i = 0; i < n; i++) {
            if (f->names == NULL && c[i] == f->picks[at]) return c[i];
            if (f->names != NULL && strcmp(sched_fiber_at(s, c[i])->name, f->names[at]) == 0)
                return c[i];
        }
        if (f->divergences++ == 0) f->first_divergence = sched_steps(s);
    }
    return f->fallback->pick(f->fallback, s, c, n, cur);
}

static void forced_spawn(sched_policy *p, sched *s, sched_fiber *fb)
{
    forced_policy *f = (forced_policy *)p;
    if (f->fallback->on_spawn) f->fallback->on_spawn(f->fallback, s, fb);
}

static void forced_step(sched_policy *p, sched *s, sched_fiber *fb)
{
    forced_policy *f = (forced_policy *)p;
    if (f->fallback->on_step) f->fallback->on_step(f->fallback, s, fb);
}

static void forced_destroy(sched_policy *p)
{
    forced_policy *f = (forced_policy *)p;
    f->fallback->destroy(f->fallback);
    free(f->picks);
    free(f->names);
    free(f);
}

sched_policy *sched_policy_forced(const uint32_t *picks, size_t count, sched_policy *fallback)
{
    forced_policy *f = calloc(1, sizeof *f);
    assert(f != NULL && fallback != NULL);
    f->base = (sched_policy){.name = "forced", .pick = forced_pick, .on_spawn = forced_spawn,
                             .on_step = forced_step, .destroy = forced_destroy};
    f->picks = malloc((count ? count : 1) * sizeof *picks);
    assert(f->picks != NULL);
    if (count) memcpy(f->picks, picks, count * sizeof *picks);
    f->count = count;
    f->fallback = fallback;
    return &f->base;
}

sched_policy *sched_policy_forced_names(const char *const *names, size_t count,
                                        sched_policy *fallback)
{
    forced_policy *f = (forced_policy *)sched_policy_forced(NULL, 0, fallback);
    f->names = calloc(count ? count : 1, sizeof *f->names);
    assert(f->names != NULL);
    for (size_t i = 0; i < count; i++) snprintf(f->names[i], SCHED_NAME_MAX, "%s", names[i]);
    f->count = count;
    return &f->base;
}

size_t sched_policy_forced_divergences(const sched_policy *p)
{
    return ((const forced_policy *)p)->divergences;
}

uint64_t sched_policy_forced_first_divergence(const sched_policy *p)
{
    return ((const forced_policy *)p)->first_divergence;
}

/* explicit: the scenario's list of (fiber name, steps).  An entry whose
 * fiber cannot run is finished early; after the list, the fallback. */
typedef struct explicit_policy {
    sched_policy base;
    char (*names)[SCHED_NAME_MAX];
    uint64_t *steps;
    size_t count, next;
    uint64_t used;     /* steps taken from entry `next` */
    size_t skipped;
    sched_policy *fallback;
} explicit_policy;

static uint32_t explicit_pick(sched_policy *p, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    explicit_policy *e = (explicit_policy *)p;
    while (e->next < e->count) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(sched_fiber_at(s, c[i])->name, e->names[e->next]) != 0) continue;
            if (++e->used >= e->steps[e->next]) {
                e->next++;
                e->used = 0;
            }
            return c[i];
        }
        e->skipped++;
        e->next++;
        e->used = 0;
    }
    return e->fallback->pick(e->fallback, s, c, n, cur);
}

static void explicit_destroy(sched_policy *p)
{
    explicit_policy *e = (explicit_policy *)p;
    e->fallback->destroy(e->fallback);
    free(e->names);
    free(e->steps);
    free(e);
}

sched_policy *sched_policy_explicit(const char *const *names, const uint64_t *steps, size_t count,
                                    sched_policy *fallback)
{
    explicit_policy *e = calloc(1, sizeof *e);
    assert(e != NULL && fallback != NULL);
    e->base = (sched_policy){.name = "explicit", .pick = explicit_pick,
                             .destroy = explicit_destroy};
    e->names = calloc(count ? count : 1, sizeof *e->names);
    e->steps = calloc(count ? count : 1, sizeof *e->steps);
    assert(e->names != NULL && e->steps != NULL);
    for (size_t i = 0; i < count; i++) {
        snprintf(e->names[i], SCHED_NAME_MAX, "%s", names[i]);
        e->steps[i] = steps[i] ? steps[i] : 1;
    }
    e->count = count;
    e->fallback = fallback;
    return &e->base;
}

size_t sched_policy_explicit_skipped(const sched_policy *p)
{
    return ((const explicit_policy *)p)->skipped;
}
