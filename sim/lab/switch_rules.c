/*
 * switch_rules.c — schedules as context switches (see switch_rules.h).
 */
#include "switch_rules.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void switch_rules_push(switch_rules *r, const switch_rule *x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        assert(r->v != NULL);
    }
    r->v[r->n++] = *x;
}

void switch_rules_free(switch_rules *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

size_t switch_rules_preemptive(const switch_rules *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) n += r->v[i].preemptive;
    return n;
}

typedef struct rules_policy {
    sched_policy base;
    switch_rule *rules;       /* to follow (rule mode) */
    bool *used;
    size_t n;
    sched_policy *inner;      /* or: who decides (owned) */
    switch_rules *log;
    uint64_t clock;
    uint64_t last_ran[SCHED_MAX_FIBERS]; /* FIFO among the rest: least recently run */
} rules_policy;

static uint32_t follow_rules(rules_policy *p, sched *s, const char *at, uint64_t steps,
                             const uint32_t *c, size_t n, uint32_t cur)
{
    for (size_t r = 0; r < p->n; r++) {
        if (p->used[r] || p->rules[r].at_steps != steps || strcmp(p->rules[r].at, at) != 0)
            continue;
        /* A rule made where its fiber could not go on never preempts it. */
        if (!p->rules[r].preemptive && cur != UINT32_MAX) continue;
        p->used[r] = true;
        for (size_t i = 0; i < n; i++)
            if (strcmp(sched_fiber_at(s, c[i])->name, p->rules[r].to) == 0) return c[i];
        break; /* its fiber cannot run here: go on as if there were no rule */
    }
    if (cur != UINT32_MAX) return cur;
    uint32_t pick = c[0];
    for (size_t i = 1; i < n; i++)
        if (p->last_ran[c[i]] < p->last_ran[pick]) pick = c[i];
    return pick;
}

static uint32_t rules_pick(sched_policy *base, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    rules_policy *p = (rules_policy *)base;
    bool cur_can = false; /* `cur` may be a spinner the scheduler passed over */
    for (size_t i = 0; i < n; i++) cur_can = cur_can || c[i] == cur;
    if (!cur_can) cur = UINT32_MAX;
    const sched_fiber *self = sched_self(s);
    const char *at = self ? self->name : "";
    uint64_t steps = self ? self->steps : 0;
    uint32_t pick = p->inner ? p->inner->pick(p->inner, s, c, n, cur)
                             : follow_rules(p, s, at, steps, c, n, cur);
    assert(pick < SCHED_MAX_FIBERS);
    p->last_ran[pick] = ++p->clock;
    if (pick != cur) {
        switch_rule x = {.at_steps = steps, .preemptive = cur != UINT32_MAX,
                         .step = sched_steps(s), .decision = sched_decision_count(s)};
        snprintf(x.at, sizeof x.at, "%s", at);
        snprintf(x.to, sizeof x.to, "%s", sched_fiber_at(s, pick)->name);
        switch_rules_push(p->log, &x);
    }
    return pick;
}

static void rules_on_spawn(sched_policy *base, sched *s, sched_fiber *f)
{
    rules_policy *p = (rules_policy *)base;
    if (p->inner && p->inner->on_spawn) p->inner->on_spawn(p->inner, s, f);
}

static void rules_on_step(sched_policy *base, sched *s, sched_fiber *f)
{
    rules_policy *p = (rules_policy *)base;
    if (p->inner && p->inner->on_step) p->inner->on_step(p->inner, s, f);
}

static void rules_destroy(sched_policy *base)
{
    rules_policy *p = (rules_policy *)base;
    if (p->inner) p->inner->destroy(p->inner);
    free(p->rules);
    free(p->used);
    free(p);
}

sched_policy *switch_rules_policy(const switch_rules *rules, sched_policy *inner,
                                  switch_rules *log)
{
    assert(log != NULL);
    rules_policy *p = calloc(1, sizeof *p);
    assert(p != NULL);
    size_t n = rules ? rules->n : 0;
    p->rules = malloc((n + 1) * sizeof *p->rules);
    p->used = calloc(n + 1, sizeof *p->used);
    assert(p->rules != NULL && p->used != NULL);
    if (n) memcpy(p->rules, rules->v, n * sizeof *p->rules);
    p->n = n;
    p->inner = inner;
    p->log = log;
    log->n = 0;
    p->base = (sched_policy){.name = inner ? inner->name : "minimized", .pick = rules_pick,
                             .on_spawn = rules_on_spawn, .on_step = rules_on_step,
                             .destroy = rules_destroy};
    return &p->base;
}
