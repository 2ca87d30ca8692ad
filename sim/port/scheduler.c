/*
 * scheduler.c — fibers, scheduling points, blocking, virtual time, policies.
 *
 * Control flow: sched_run switches from the OS thread's context ("home")
 * to the chosen fiber; fibers then switch directly to each other at
 * scheduling points.  A fiber whose function returns comes back home (its
 * exit target), where the next fiber is chosen.  A failed run (deadlock,
 * assertion, step limit, abort) switches home and its fibers are never
 * resumed; their stacks are re-armed by the next run.
 *
 * Invariants: exactly one fiber is `current` while a run executes; a
 * fiber is a candidate iff RUNNABLE (with a CPU model: and it holds a core
 * or one is free; at most cpu.cores fibers hold one); decisions are recorded iff more than
 * one candidate remained after spinners were passed over; candidates are
 * always listed in ascending id order, so a run depends only on the seed,
 * the policy and the program.
 */
#include "scheduler.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fiber.h"
#include "hb.h"

struct sched {
    sched_config cfg;
    sched_fiber *fibers[SCHED_MAX_FIBERS];
    size_t nfibers;
    sched_fiber *current;
    fiber *home;
    uint64_t now_ns;
    uint64_t step;
    uint64_t blocked_counter;
    uint64_t rng;
    sched_outcome outcome;
    char message[4096];
    sched_decision *decisions;
    size_t ndecisions, decisions_cap;
    uint32_t *pool;
    size_t npool, pool_cap;
    uint32_t cands[SCHED_MAX_FIBERS];
    /* At the last choice (choose's scan), for explore's dependency log:
     * the fibers (ids below 64) in a timed wait, and those with a spin
     * mark (runnable or not). */
    uint64_t sleeping_mask, spinning_mask;
    uint64_t jumps;         /* times the clock jumped to a sleeper's deadline */
    uint64_t other_until[SCHED_MAX_CORES]; /* CPU model: cores serving other work, until */
    uint32_t nother;
    bool spinners_wait;     /* CPU model, spin_preempt: spinners give way (cpu_settle) */
};

static sched *running_sched;

/* Stacks are expensive to map; keep them across runs. */
static fiber *fiber_pool[SCHED_MAX_FIBERS * 2];
static size_t fiber_pool_count;

/* ----------------------------------------------------------------- names */

const char *sched_op_name(sched_op op)
{
    static const char *const names[SCHED_OP_COUNT] = {
        "start", "load", "store", "rmw", "pause", "yield", "lock", "unlock", "wait", "wake",
        "spawn", "join", "sleep", "file", "sync_point"};
    return (unsigned)op < SCHED_OP_COUNT ? names[op] : "?";
}

bool sched_op_writes(sched_op op)
{
    switch (op) {
    case SCHED_OP_STORE:
    case SCHED_OP_RMW:
    case SCHED_OP_UNLOCK:
    case SCHED_OP_WAKE:
    case SCHED_OP_SPAWN:
    case SCHED_OP_FILE:
        return true;
    default:
        return false;
    }
}

const char *sched_outcome_name(sched_outcome o)
{
    switch (o) {
    case SCHED_RUNNING: return "running";
    case SCHED_COMPLETED: return "completed";
    case SCHED_DEADLOCK: return "deadlock";
    case SCHED_STEP_LIMIT: return "step_limit";
    case SCHED_ASSERTION: return "assertion";
    case SCHED_ABORTED: return "aborted";
    }
    return "?";
}

/* Virtual cost of each kind of point, in ticks. */
uint64_t sched_op_ticks(sched_op op)
{
    switch (op) {
    case SCHED_OP_RMW: case SCHED_OP_PAUSE: return 2;
    case SCHED_OP_LOCK: case SCHED_OP_UNLOCK: return 4;
    case SCHED_OP_WAIT: case SCHED_OP_WAKE: case SCHED_OP_JOIN: return 10;
    case SCHED_OP_YIELD: return 200;
    case SCHED_OP_SPAWN: return 10;
    case SCHED_OP_START: case SCHED_OP_SLEEP: case SCHED_OP_FILE: case SCHED_OP_SYNC_POINT:
        return 0;
    default: return 1;
    }
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------ lifecycle */

sched *sched_create(const sched_config *cfg)
{
    assert(cfg->policy != NULL);
    sched *s = calloc(1, sizeof *s);
    assert(s != NULL);
    s->cfg = *cfg;
    if (s->cfg.max_steps == 0) s->cfg.max_steps = UINT64_MAX;
    if (s->cfg.tick_ns == 0) s->cfg.tick_ns = 5;
    if (s->cfg.stack_bytes == 0) s->cfg.stack_bytes = 256 * 1024;
    assert(s->cfg.cpu.cores <= SCHED_MAX_CORES);
    s->rng = cfg->seed ^ 0x5eed5eed5eed5eedull;
    s->outcome = SCHED_RUNNING;
    return s;
}

static fiber *take_stack(sched *s, sched_fiber *f);

void sched_destroy(sched *s)
{
    assert(running_sched != s);
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->ctx != NULL && fiber_pool_count < sizeof fiber_pool / sizeof fiber_pool[0])
            fiber_pool[fiber_pool_count++] = f->ctx;
        else if (f->ctx != NULL)
            fiber_destroy(f->ctx);
        free(f);
    }
    free(s->decisions);
    free(s->pool);
    free(s);
}

sched *sched_current(void) { return running_sched; }

sched_fiber *sched_self(sched *s) { return s->current; }

uint64_t sched_now_ns(const sched *s) { return s->now_ns; }

uint64_t sched_read_clock(sched *s)
{
    if (s->current != NULL && s->cfg.policy->on_clock_read)
        s->cfg.policy->on_clock_read(s->cfg.policy, s, s->current);
    return s->now_ns;
}
uint64_t sched_wake_ns(const sched *s) { return s->cfg.wake_ns; }
const sched_cpu *sched_cpu_model(const sched *s) { return &s->cfg.cpu; }

uint32_t sched_cores_busy(const sched *s)
{
    uint32_t n = 0;
    for (size_t i = 0; i < s->nfibers; i++) n += s->fibers[i]->on_core;
    return n;
}

uint64_t sched_steps(const sched *s) { return s->step; }

size_t sched_fiber_count(const sched *s) { return s->nfibers; }

sched_fiber *sched_fiber_at(sched *s, uint32_t id) { return id < s->nfibers ? s->fibers[id] : NULL; }

void sched_fiber_masks(const sched *s, uint64_t *sleeping, uint64_t *spinning)
{
    *sleeping = s->sleeping_mask;
    *spinning = s->spinning_mask;
}

uint64_t sched_clock_jumps(const sched *s) { return s->jumps; }

sched_fiber *sched_fiber_stack_of(sched *s, const void *p)
{
    for (size_t i = 0; i < s->nfibers; i++)
        if (s->fibers[i]->state != SCHED_FINISHED && fiber_stack_contains(s->fibers[i]->ctx, p))
            return s->fibers[i];
    return NULL;
}

const char *sched_failure_message(const sched *s) { return s->message; }

size_t sched_decision_count(const sched *s) { return s->ndecisions; }

const sched_decision *sched_decision_at(const sched *s, size_t i) { return &s->decisions[i]; }

const uint32_t *sched_decision_candidates(const sched *s, const sched_decision *d)
{
    return &s->pool[d->candidates_at];
}

uint64_t sched_random(sched *s) { return splitmix64(&s->rng); }

/* ---------------------------------------------------------------- fibers */

static void fiber_entry(void *arg)
{
    sched_fiber *f = arg;
    sched *s = running_sched;
    f->fn(f->arg);
    f->state = SCHED_FINISHED;
    sched_wake_all(s, f); /* joiners */
    for (size_t i = 0; i < s->nfibers; i++) s->fibers[i]->spinning = false;
    if (s->cfg.hooks.on_fiber_end) s->cfg.hooks.on_fiber_end(s->cfg.hooks.arg, s, f);
    /* Returning switches to the exit target: home picks the next fiber. */
}

static fiber *take_stack(sched *s, sched_fiber *f)
{
    fiber *ctx;
    if (fiber_pool_count > 0) {
        ctx = fiber_pool[--fiber_pool_count];
        fiber_reset(ctx, fiber_entry, f);
    } else {
        ctx = fiber_create(s->cfg.stack_bytes, fiber_entry, f);
        if (ctx == NULL) {
            perror("wtlab: cannot create a fiber stack");
            abort();
        }
    }
    fiber_set_exit_target(ctx, s->home);
    return ctx;
}

sched_fiber *sched_spawn(sched *s, const char *name, void (*fn)(void *), void *arg)
{
    if (s->nfibers >= SCHED_MAX_FIBERS) sched_fail(s, SCHED_ABORTED, "too many fibers");
    sched_fiber *f = calloc(1, sizeof *f);
    assert(f != NULL);
    f->id = (uint32_t)s->nfibers;
    snprintf(f->name, sizeof f->name, "%s", name);
    f->state = SCHED_RUNNABLE;
    f->wait_owner = -1;
    f->waker = -1;
    f->pending_op = SCHED_OP_START;
    f->fn = fn;
    f->arg = arg;
    uint64_t x = s->cfg.seed * 0x9e3779b97f4a7c15ull + f->id;
    f->rng = splitmix64(&x) | 1;
    f->ctx = take_stack(s, f);
    s->fibers[s->nfibers++] = f;
    hb_spawn(s->current != NULL ? s->current->id : UINT32_MAX, f->id);
    if (s->cfg.policy->on_spawn) s->cfg.policy->on_spawn(s->cfg.policy, s, f);
    return f;
}

/* ------------------------------------------------------------- choosing */

static void record_decision(sched *s, const uint32_t *cands, size_t n, uint32_t pick,
                            uint32_t current)
{
    if (s->ndecisions == s->decisions_cap) {
        s->decisions_cap = s->decisions_cap ? s->decisions_cap * 2 : 1024;
        s->decisions = realloc(s->decisions, s->decisions_cap * sizeof *s->decisions);
        assert(s->decisions != NULL);
    }
    while (s->npool + n > s->pool_cap) {
        s->pool_cap = s->pool_cap ? s->pool_cap * 2 : 4096;
        s->pool = realloc(s->pool, s->pool_cap * sizeof *s->pool);
        assert(s->pool != NULL);
    }
    sched_decision *d = &s->decisions[s->ndecisions++];
    d->step = s->step;
    d->pick = pick;
    d->current = current;
    d->candidate_count = (uint32_t)n;
    d->candidates_at = (uint32_t)s->npool;
    memcpy(&s->pool[s->npool], cands, n * sizeof *cands);
    s->npool += n;
    if (s->cfg.hooks.on_decision) s->cfg.hooks.on_decision(s->cfg.hooks.arg, s, d, cands);
}

static void wake_sleepers(sched *s, bool jumped)
{
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->state == SCHED_BLOCKED && f->block_until_ns != 0 &&
            f->block_until_ns <= s->now_ns) { /* a timed wait ran out */
            f->wait_obj = NULL;
            f->state = SCHED_RUNNABLE;
            f->tick_woken = !jumped;
            f->block_until_ns = 0;
            f->block_timed_out = true;
            continue;
        }
        if (f->state == SCHED_SLEEPING && f->wake_ns <= s->now_ns) {
            f->state = SCHED_RUNNABLE;
            f->tick_woken = !jumped;
            f->waking = false;
        }
    }
}

/* f spins in a wait loop that gives its core away (sched_spin_wait_for:
 * until its deadline). */
static bool yielding_spinner(const sched *s, const sched_fiber *f)
{
    return f->spin_wait && s->now_ns < f->spin_until_ns;
}

/* cpu.spin_held: f gives its core away for a limited time and is off
 * every core until then (sched_spin_wait_for, sched_spin_release). */
static bool held_spinner(const sched *s, const sched_fiber *f)
{
    return s->cfg.cpu.spin_held && f->spin_until_ns != UINT64_MAX && yielding_spinner(s, f);
}

/* The earliest wake time of a sleeper (or the end of a spinner's time off
 * its core: sched_spin_wait_for), or UINT64_MAX. */
static uint64_t next_wake(const sched *s)
{
    uint64_t t = UINT64_MAX;
    for (size_t i = 0; i < s->nfibers; i++) {
        const sched_fiber *f = s->fibers[i];
        if (f->state == SCHED_SLEEPING && f->wake_ns < t) t = f->wake_ns;
        if (f->state == SCHED_BLOCKED && f->block_until_ns != 0 && f->block_until_ns < t)
            t = f->block_until_ns;
        if (f->state == SCHED_RUNNABLE && yielding_spinner(s, f) && f->spin_until_ns < t)
            t = f->spin_until_ns;
    }
    for (uint32_t i = 0; i < s->nother; i++)
        if (s->other_until[i] < t) t = s->other_until[i];
    return t;
}

const char *sched_fiber_state_name(sched_fiber_state st)
{
    switch (st) {
    case SCHED_RUNNABLE: return "runnable";
    case SCHED_BLOCKED: return "blocked";
    case SCHED_SLEEPING: return "sleeping";
    case SCHED_HELD: return "held";
    case SCHED_FINISHED: return "finished";
    }
    return "?";
}

static void report_deadlock(sched *s)
{
    size_t n = (size_t)snprintf(s->message, sizeof s->message,
                                "deadlock at step %llu, t=%llu ns: no fiber can run or wake\n",
                                (unsigned long long)s->step, (unsigned long long)s->now_ns);
    for (size_t i = 0; i < s->nfibers && n < sizeof s->message; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->state == SCHED_FINISHED) continue;
        n += (size_t)snprintf(s->message + n, sizeof s->message - n, "  %-8s %s", f->name,
                              sched_fiber_state_name(f->state));
        if (n < sizeof s->message && f->wait_what != NULL)
            n += (size_t)snprintf(s->message + n, sizeof s->message - n, "%s %s",
                                  f->state == SCHED_HELD ? " at" : " on", f->wait_what);
        if (n < sizeof s->message && f->wait_owner >= 0 && (size_t)f->wait_owner < s->nfibers)
            n += (size_t)snprintf(s->message + n, sizeof s->message - n, " (held by %s)",
                                  s->fibers[f->wait_owner]->name);
        if (n < sizeof s->message) n += (size_t)snprintf(s->message + n, sizeof s->message - n, "\n");
    }
    if (n < sizeof s->message && s->cfg.hooks.on_deadlock)
        s->cfg.hooks.on_deadlock(s->cfg.hooks.arg, s, s->message + n, sizeof s->message - n);
}

/* CPU model: the chosen fiber runs on a core (a free one if it had none;
 * choose offers fibers without a core only while one is free). */
static sched_fiber *take_core(sched *s, sched_fiber *f)
{
    if (s->cfg.cpu.cores == 0 || f->on_core) return f;
    assert(sched_cores_busy(s) < s->cfg.cpu.cores);
    f->on_core = true;
    f->core_since_ns = s->now_ns;
    return f;
}

/* f was chosen: it performs its pending operation now. */
static sched_fiber *runs(sched *s, sched_fiber *f)
{
    if (s->cfg.policy->on_run) s->cfg.policy->on_run(s->cfg.policy, s, f);
    return f;
}

/* CPU model, wake_preempt: a woken fiber ready for a core while none is
 * free takes its waker's, if the waker is on one and not busy (as an OS
 * lets a task it woke preempt the waker).  Not a choice: no decision. */
static void wake_preemptions(sched *s)
{
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->state != SCHED_RUNNABLE || f->on_core || f->waker < 0) continue;
        sched_fiber *w = s->fibers[f->waker];
        f->waker = -1;
        if (!w->on_core || w->state != SCHED_RUNNABLE) continue;
        w->on_core = false;
        f->on_core = true;
        f->core_since_ns = s->now_ns;
    }
}

/* CPU model, spin_preempt: fibers spinning in a wait loop (sched_spin_wait)
 * give way while another fiber is ready for a core or on its way back
 * from a wake-up (a dispatch delay, or a sampled wake-up latency:
 * sched_wake_delay_ns): they lose their cores and get none meanwhile, as
 * Linux runs woken and preempted tasks before one that has been spinning.
 * A spinner whose word is set meanwhile goes on without parking (no futex
 * wake).  Not a choice of the policy: no decision. */
static bool spinners_give_way(const sched *s)
{
    for (size_t i = 0; i < s->nfibers; i++) {
        const sched_fiber *f = s->fibers[i];
        if (f->state == SCHED_SLEEPING && f->waking) return true;
        if (f->state == SCHED_RUNNABLE && !f->on_core && !yielding_spinner(s, f)) return true;
    }
    return false;
}

/* CPU model: frees the cores of fibers that stopped running (blocked,
 * I/O sleep, held, finished), then, while every core is taken and a
 * runnable fiber waits for one, takes the core from fibers that yield or
 * have used up their slice.  Returns the number of free cores. */
static uint32_t cpu_settle(sched *s)
{
    const sched_cpu *cpu = &s->cfg.cpu;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < s->nother; i++) /* other work done with its cores */
        if (s->other_until[i] > s->now_ns) s->other_until[kept++] = s->other_until[i];
    s->nother = kept;
    bool waiting = false;
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        waiting = waiting || (f->state == SCHED_RUNNABLE && !f->on_core);
    }
    uint32_t used = 0; /* fibers on a core, then plus the cores serving other work */
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        bool keeps = f->state == SCHED_RUNNABLE || (f->state == SCHED_SLEEPING && f->busy);
        if (f->on_core && !keeps) {
            f->on_core = false;
            if (waiting && cpu->other_ns > 0) {
                assert(s->nother < SCHED_MAX_CORES);
                s->other_until[s->nother++] = s->now_ns + cpu->other_ns;
            }
        }
        used += f->on_core;
    }
    used += s->nother;
    assert(used <= cpu->cores);
    for (size_t i = 0; cpu->spin_held && i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->on_core && f->state == SCHED_RUNNABLE && held_spinner(s, f)) {
            f->on_core = false; /* held: its core serves other work */
            used--;
        }
    }
    s->spinners_wait = cpu->spin_preempt && spinners_give_way(s);
    for (size_t i = 0; s->spinners_wait && i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->on_core && f->state == SCHED_RUNNABLE && yielding_spinner(s, f)) {
            f->on_core = false; /* descheduled: stays runnable, waits for a core */
            used--;
        }
    }
    if (!waiting || used < cpu->cores) return cpu->cores - used;
    if (cpu->wake_preempt) wake_preemptions(s);
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (!f->on_core || f->state != SCHED_RUNNABLE) continue;
        bool slice_over = cpu->slice_ns > 0 && s->now_ns - f->core_since_ns >= cpu->slice_ns;
        if (f->pending_op == SCHED_OP_YIELD || slice_over) {
            f->on_core = false;
            used--;
        }
    }
    return cpu->cores - used;
}

/* Picks the next fiber to run; NULL when the run is over (outcome set). */
static sched_fiber *choose(sched *s, uint32_t current)
{
    bool jumped = false;
    bool cpu = s->cfg.cpu.cores > 0;
    for (;;) {
        wake_sleepers(s, jumped);
        uint32_t free_cores = cpu ? cpu_settle(s) : 0;
        size_t n = 0, busy = 0;
        uint64_t sleeping = 0, spinning = 0;
        for (size_t i = 0; i < s->nfibers; i++) {
            sched_fiber *f = s->fibers[i];
            /* A spin mark outlives a sleep or a park: a clearing ends it too. */
            if (i < 64) spinning |= (uint64_t)(f->spinning && f->state != SCHED_FINISHED) << i;
            if (f->state != SCHED_RUNNABLE) {
                /* A timed wait: a sleep, or a timed park (sched_block_until). */
                bool timed = f->state == SCHED_SLEEPING ||
                             (f->state == SCHED_BLOCKED && f->block_until_ns != 0);
                if (i < 64) sleeping |= (uint64_t)timed << i;
                continue;
            }
            if (cpu && !f->on_core && free_cores == 0) continue; /* waits for a core */
            if (cpu && held_spinner(s, f)) continue;              /* off every core */
            if (cpu && !f->on_core && yielding_spinner(s, f) && s->spinners_wait) continue;
            s->cands[n++] = f->id;
            busy += !f->spinning;
        }
        s->sleeping_mask = sleeping;
        s->spinning_mask = spinning;
        if (n == 0) {
            uint64_t t = next_wake(s);
            if (t != UINT64_MAX) {
                s->now_ns = t; /* nothing to do until the next sleeper wakes */
                jumped = true;
                s->jumps++;
                continue;
            }
            bool all_done = true;
            for (size_t i = 0; i < s->nfibers; i++)
                all_done = all_done && s->fibers[i]->state == SCHED_FINISHED;
            if (!all_done && s->cfg.hooks.on_stuck && s->cfg.hooks.on_stuck(s->cfg.hooks.arg, s))
                continue;
            s->outcome = all_done ? SCHED_COMPLETED : SCHED_DEADLOCK;
            if (!all_done) report_deadlock(s);
            return NULL;
        }
        if (busy > 0 && busy < n) { /* pass over spinners while others can work */
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (!s->fibers[s->cands[i]]->spinning) s->cands[m++] = s->cands[i];
            n = m;
        }
        if (n == 1) return runs(s, take_core(s, s->fibers[s->cands[0]]));
        uint32_t pick = s->cfg.policy->pick(s->cfg.policy, s, s->cands, n, current);
        assert(pick < s->nfibers && s->fibers[pick]->state == SCHED_RUNNABLE);
        bool cur_candidate = false;
        for (size_t i = 0; i < n; i++) cur_candidate = cur_candidate || s->cands[i] == current;
        record_decision(s, s->cands, n, pick, cur_candidate ? current : UINT32_MAX);
        return runs(s, take_core(s, s->fibers[pick]));
    }
}

__attribute__((noreturn)) static void go_home(sched *s)
{
    sched_fiber *me = s->current;
    fiber_switch(me->ctx, s->home);
    /* A failed run's fibers are never resumed. */
    abort();
}

/* Lets the policy choose who runs now; returns when `me` runs again. */
static void reschedule(sched *s)
{
    sched_fiber *me = s->current;
    sched_fiber *next = choose(s, me->state == SCHED_RUNNABLE ? me->id : UINT32_MAX);
    if (next == NULL) go_home(s);
    if (next == me) return;
    s->current = next;
    fiber_switch(me->ctx, next->ctx);
    assert(s->current == me);
}

void sched_fail(sched *s, sched_outcome o, const char *message)
{
    assert(o != SCHED_RUNNING && o != SCHED_COMPLETED);
    if (s->outcome == SCHED_RUNNING) {
        s->outcome = o;
        snprintf(s->message, sizeof s->message, "%s", message);
    }
    go_home(s);
}

void sched_abort(sched *s, const char *message) { sched_fail(s, SCHED_ABORTED, message); }

/* ------------------------------------------------------ scheduling points */

void sched_point(sched *s, sched_op op, const void *obj)
{
    sched_fiber *me = s->current;
    me->pending_op = op;
    me->pending_obj = obj;
    me->steps++;
    s->step++;
    s->now_ns += sched_op_ticks(op) * s->cfg.tick_ns;
    if (s->step > s->cfg.max_steps) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "step limit: %llu scheduling points without finishing (livelock?)",
                 (unsigned long long)s->cfg.max_steps);
        sched_fail(s, SCHED_STEP_LIMIT, msg);
    }
    if (op == SCHED_OP_PAUSE || op == SCHED_OP_YIELD) me->spinning = true;
    if (s->cfg.policy->on_step) s->cfg.policy->on_step(s->cfg.policy, s, me);
    if (s->cfg.hooks.after_step) s->cfg.hooks.after_step(s->cfg.hooks.arg, s);
    reschedule(s);
    /* The announced operation happens now, before any other fiber runs: a
     * write ends every spinner's wait (it may be what they wait for). */
    if (sched_op_writes(op))
        for (size_t i = 0; i < s->nfibers; i++) s->fibers[i]->spinning = false;
}

void sched_block(sched *s, const void *obj, const char *what, int32_t owner)
{
    sched_fiber *me = s->current;
    me->spin_wait = false; /* a parked waiter no longer spins */
    me->returning = false; /* blocks again: whatever it owed is void */
    me->pushback_ns = 0;
    me->state = SCHED_BLOCKED;
    me->wait_obj = obj;
    me->wait_what = what;
    me->wait_owner = owner;
    me->blocked_seq = ++s->blocked_counter;
    reschedule(s);
    me->wait_what = NULL;
    me->wait_owner = -1;
}

bool sched_block_until(sched *s, const void *obj, const char *what, uint64_t deadline_ns)
{
    sched_fiber *me = s->current;
    me->block_until_ns = deadline_ns > 0 ? deadline_ns : 1;
    me->block_timed_out = false;
    sched_block(s, obj, what, -1);
    bool timed_out = me->block_timed_out; /* set by wake_sleepers */
    me->block_until_ns = 0;
    me->block_timed_out = false;
    return timed_out;
}

/* A blocked fiber is woken: runnable now, or with a CPU model after the
 * dispatch delay (a sleep that holds no core). */
static void woken(sched *s, sched_fiber *f)
{
    uint64_t push = s->cfg.cpu.wake_pushback_ns;
    int32_t by = s->current != NULL ? (int32_t)s->current->id : -1;
    for (size_t i = 0; push > 0 && by >= 0 && i < s->nfibers; i++) {
        sched_fiber *g = s->fibers[i];
        if (g == f || !g->returning || g->woken_by != by) continue;
        if (g->state == SCHED_SLEEPING && g->waking)
            g->wake_ns += push; /* in its wake-up delay: back later */
        else
            g->pushback_ns += push; /* its delay has not begun: owed */
    }
    f->returning = push > 0;
    f->woken_by = by;
    f->pushback_ns = 0;
    f->waker = s->cfg.cpu.wake_preempt && s->current != NULL ? (int32_t)s->current->id : -1;
    if (s->cfg.cpu.cores == 0 || s->cfg.cpu.switch_ns == 0) {
        f->state = SCHED_RUNNABLE;
        return;
    }
    f->state = SCHED_SLEEPING;
    f->busy = false;
    f->waking = true; /* a dispatch delay: on its way back */
    f->wake_ns = s->now_ns + s->cfg.cpu.switch_ns;
}

bool sched_wake_one(sched *s, const void *obj)
{
    sched_fiber *first = NULL;
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->state == SCHED_BLOCKED && f->wait_obj == obj &&
            (first == NULL || f->blocked_seq < first->blocked_seq))
            first = f;
    }
    if (first == NULL) return false;
    first->wait_obj = NULL;
    woken(s, first);
    return true;
}

size_t sched_wake_all(sched *s, const void *obj)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nfibers; i++) {
        sched_fiber *f = s->fibers[i];
        if (f->state == SCHED_BLOCKED && f->wait_obj == obj) {
            f->wait_obj = NULL;
            woken(s, f);
            n++;
        }
    }
    return n;
}

static void sleep_ns(sched *s, uint64_t ns, bool busy)
{
    sched_point(s, SCHED_OP_SLEEP, NULL);
    sched_fiber *me = s->current;
    if (me->waking) { /* wake_pushback_ns owed, also for wake-ups during the point */
        ns += me->pushback_ns;
        me->pushback_ns = 0;
    }
    if (ns == 0) return;
    me->state = SCHED_SLEEPING;
    me->busy = busy && s->cfg.cpu.cores > 0;
    /* An I/O wait ends with a wake-up: its dispatch delay follows.  The
     * deadline reads the clock (a dependency for explore's dpor). */
    uint64_t dispatch = s->cfg.cpu.cores > 0 && !me->busy ? s->cfg.cpu.switch_ns : 0;
    me->wake_ns = sched_read_clock(s) + ns + dispatch;
    reschedule(s);
    me->busy = false;
}

void sched_sleep_ns(sched *s, uint64_t ns) { sleep_ns(s, ns, false); }

void sched_wake_delay_ns(sched *s, uint64_t ns)
{
    sched_fiber *me = s->current;
    /* sleep_ns adds what later wake-ups of its waker owe (wake_pushback_ns) */
    me->waking = true; /* counts only while SLEEPING (spinners_give_way) */
    sleep_ns(s, ns, false);
    me->waking = false;
    me->returning = false;
}

void sched_busy_ns(sched *s, uint64_t ns) { sleep_ns(s, ns, true); }

void sched_join(sched *s, sched_fiber *f)
{
    sched_point(s, SCHED_OP_JOIN, f);
    while (f->state != SCHED_FINISHED) sched_block(s, f, "join", (int32_t)f->id);
    hb_join(s->current->id, f->id);
}

void sched_sync_point(sched *s, const char *name)
{
    sched_point(s, SCHED_OP_SYNC_POINT, name);
    sched_fiber *me = s->current;
    if (s->cfg.hooks.on_sync_point == NULL ||
        !s->cfg.hooks.on_sync_point(s->cfg.hooks.arg, s, me, name))
        return;
    me->state = SCHED_HELD;
    me->wait_what = name;
    me->wait_owner = -1;
    reschedule(s);
    me->wait_what = NULL;
}

void sched_spin_wait(sched *s, bool on)
{
    s->current->spin_wait = on;
    s->current->spin_until_ns = UINT64_MAX;
}

void sched_spin_wait_for(sched *s, uint64_t ns)
{
    s->current->spin_wait = true;
    s->current->spin_until_ns = ns > UINT64_MAX - s->now_ns ? UINT64_MAX : s->now_ns + ns;
}

void sched_spin_release(sched *s, uint32_t id, uint64_t ns)
{
    assert(id < s->nfibers);
    sched_fiber *f = s->fibers[id];
    if (f->state != SCHED_RUNNABLE || !held_spinner(s, f)) return;
    uint64_t until = ns > UINT64_MAX - s->now_ns ? UINT64_MAX : s->now_ns + ns;
    if (until < f->spin_until_ns) f->spin_until_ns = until;
}

void sched_release(sched *s, sched_fiber *f)
{
    (void)s;
    if (f->state == SCHED_HELD) f->state = SCHED_RUNNABLE;
}

void sched_kill(sched *s, sched_fiber *f)
{
    assert(f != s->current);
    f->state = SCHED_FINISHED;
    f->wait_what = NULL;
    sched_wake_all(s, f);
}

void sched_exit(sched *s)
{
    sched_fiber *me = s->current;
    assert(me != NULL);
    me->state = SCHED_FINISHED;
    me->wait_what = NULL;
    sched_wake_all(s, me); /* joiners */
    for (size_t i = 0; i < s->nfibers; i++) s->fibers[i]->spinning = false;
    if (s->cfg.hooks.on_fiber_end) s->cfg.hooks.on_fiber_end(s->cfg.hooks.arg, s, me);
    reschedule(s); /* a finished fiber is never picked again */
    abort();
}

void sched_emit(sched *s, const port_event *e)
{
    if (s->cfg.hooks.on_event) s->cfg.hooks.on_event(s->cfg.hooks.arg, s, e);
}

/* -------------------------------------------------------------------- run */

sched_outcome sched_run(sched *s, void (*root)(void *), void *arg)
{
    assert(running_sched == NULL);
    running_sched = s;
    s->home = fiber_thread_context();
    sched_spawn(s, "main", root, arg);
    for (;;) {
        sched_fiber *next = choose(s, UINT32_MAX);
        if (next == NULL) break;
        s->current = next;
        fiber_switch(s->home, next->ctx);
        /* Back home: a fiber finished, or the run failed. */
        if (s->outcome != SCHED_RUNNING) break;
    }
    s->current = NULL;
    running_sched = NULL;
    return s->outcome;
}
