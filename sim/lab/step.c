/*
 * step.c — re-executing a stepping session to its next decision.
 *
 * A custom policy (run_config.custom) follows the moves by name, then
 * (STEP_GO_*) `ahead` or the scenario's own policy, and at the decision
 * where it is to stop it renders the screen (step_render.c) while the
 * engine is frozen there, and ends the run at the next step through
 * run_config.stop_after_step.  Trace lines go to a memory sink: the
 * events since the previous decision and the goals are read from them.
 * See step.h.
 */
#include "step.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "run.h"
#include "step_render.h"
#include "trace.h"

typedef struct step_policy {
    sched_policy base;              /* first: the scheduler sees this */
    const step_request *rq;
    sched_policy *fallback;         /* the scenario's policy */
    run_config *cfg;                /* to end the run after the stop */
    trace_sink *sink;
    step_screen *out;
    size_t decisions;               /* taken so far */
    size_t lines_at_moves_end;      /* sink lines when the moves ran out */
    size_t lines_at_last;           /* sink lines at the previous decision */
    size_t lines_at_stop;           /* sink lines when the screen was taken */
    bool moves_done, stopped;
    const char *last_sync_point[SCHED_MAX_FIBERS];
} step_policy;

static void note_step(step_policy *p, uint64_t step)
{
    step_screen *o = p->out;
    uint64_t *grown = realloc(o->steps, (o->step_count + 1) * sizeof *grown);
    assert(grown != NULL);
    o->steps = grown;
    o->steps[o->step_count++] = step;
}

static void note_taken(step_policy *p, const char *name)
{
    step_screen *o = p->out;
    char **grown = realloc(o->taken, (o->taken_count + 1) * sizeof *grown);
    assert(grown != NULL);
    o->taken = grown;
    o->taken[o->taken_count] = strdup(name);
    assert(o->taken[o->taken_count] != NULL);
    o->taken_count++;
}

/* The candidate called name, or UINT32_MAX. */
static uint32_t find_named(sched *s, const uint32_t *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(sched_fiber_at(s, c[i])->name, name) == 0) return c[i];
    return UINT32_MAX;
}

/* Did an engine event (not a pick line) happen since the moves ran out? */
static bool event_since_moves(const step_policy *p)
{
    for (size_t i = p->lines_at_moves_end; i < trace_sink_lines(p->sink); i++)
        if (strstr(trace_sink_line(p->sink, i), "\"ev\":\"pick\"") == NULL) return true;
    return false;
}

static bool should_stop(step_policy *p, sched *s)
{
    switch (p->rq->go) {
    case STEP_GO_NONE: return true;
    case STEP_GO_EVENT: return event_since_moves(p);
    case STEP_GO_STEP: return sched_steps(s) >= p->rq->until_step;
    }
    return true;
}

/* The screen at this decision; the run ends at the next step. */
static void stop_here(step_policy *p, sched *s, const uint32_t *c, size_t n)
{
    step_screen *o = p->out;
    assert(!p->stopped);
    assert(n >= 2 && n <= SCHED_MAX_FIBERS);
    o->at_decision = true;
    o->decision = p->decisions;
    o->step = sched_steps(s);
    o->t_ns = sched_now_ns(s);
    o->cand_count = n;
    for (size_t i = 0; i < n; i++) {
        sched_fiber *f = sched_fiber_at(s, c[i]);
        snprintf(o->cands[i].name, sizeof o->cands[i].name, "%s", f->name);
        step_render_intent(s, &p->rq->sc->options, f, p->last_sync_point[f->id], o->cands[i].what,
                           sizeof o->cands[i].what);
    }
    o->body = step_render_state(s, p->rq->sc);
    o->events = step_render_events(p->sink, p->lines_at_last);
    p->lines_at_stop = trace_sink_lines(p->sink);
    p->stopped = true;
    p->cfg->stop_after_step = sched_steps(s);
}

static uint32_t step_pick(sched_policy *base, sched *s, const uint32_t *c, size_t n, uint32_t cur)
{
    step_policy *p = (step_policy *)base;
    if (p->stopped) return c[0]; /* the run ends at the next step */
    const step_request *rq = p->rq;
    uint32_t pick = UINT32_MAX;
    if (p->decisions < rq->move_count) {
        pick = find_named(s, c, n, rq->moves[p->decisions]);
        if (pick == UINT32_MAX) p->out->diverged = true;
    } else if (!p->moves_done) {
        p->moves_done = true;
        p->lines_at_moves_end = trace_sink_lines(p->sink);
    }
    if (pick == UINT32_MAX && (p->out->diverged || should_stop(p, s))) {
        stop_here(p, s, c, n);
        return c[0];
    }
    bool beyond = pick == UINT32_MAX;
    if (beyond && p->decisions < rq->ahead_count)
        pick = find_named(s, c, n, rq->ahead[p->decisions]);
    if (pick == UINT32_MAX) pick = p->fallback->pick(p->fallback, s, c, n, cur);
    if (beyond) note_taken(p, sched_fiber_at(s, pick)->name);
    note_step(p, sched_steps(s));
    p->decisions++;
    p->lines_at_last = trace_sink_lines(p->sink);
    return pick;
}

static void step_on_spawn(sched_policy *base, sched *s, sched_fiber *f)
{
    step_policy *p = (step_policy *)base;
    if (p->fallback->on_spawn) p->fallback->on_spawn(p->fallback, s, f);
}

/* Remembers where each fiber is in the engine: its last sync point. */
static void step_on_step(sched_policy *base, sched *s, sched_fiber *f)
{
    step_policy *p = (step_policy *)base;
    if (f->pending_op == SCHED_OP_SYNC_POINT && f->id < SCHED_MAX_FIBERS)
        p->last_sync_point[f->id] = f->pending_obj;
    if (p->fallback->on_step) p->fallback->on_step(p->fallback, s, f);
}

static void step_destroy(sched_policy *base) { (void)base; }

static char *dup_text(const char *s)
{
    char *d = strdup(s ? s : "");
    assert(d != NULL);
    return d;
}

bool step_probe(const step_request *rq, step_screen *out)
{
    assert(rq != NULL && rq->sc != NULL && out != NULL);
    assert(rq->move_count == 0 || rq->moves != NULL);
    assert(rq->ahead_count == 0 || rq->ahead != NULL);
    memset(out, 0, sizeof *out);
    run_config cfg;
    run_config_default(&cfg, rq->sc);
    step_policy p = {
        .base = {.name = "forced", .pick = step_pick, .on_spawn = step_on_spawn,
                 .on_step = step_on_step, .destroy = step_destroy},
        .rq = rq, .cfg = &cfg, .out = out};
    p.fallback = policy_create(&cfg);
    p.sink = trace_sink_memory();
    cfg.custom = &p.base;
    cfg.trace = p.sink;
    cfg.trace_no_header = true;
    run_result r;
    bool ok = run_scenario(&cfg, &r);
    if (ok && !p.stopped) {
        snprintf(out->outcome, sizeof out->outcome, "%s", sched_outcome_name(r.outcome));
        out->decision = p.decisions;
        out->step = r.steps;
        out->t_ns = r.virtual_ns;
        out->body = step_render_final(p.sink);
        out->events = step_render_events(p.sink, p.lines_at_last);
    }
    if (ok && r.failed_invariant != NULL && !p.stopped) {
        size_t len = strlen(r.failed_invariant) + strlen(r.detail) + 4;
        out->failure = malloc(len);
        assert(out->failure != NULL);
        snprintf(out->failure, len, "%s: %s", r.failed_invariant, r.detail);
    }
    /* Goals see the events up to this screen, not the step taken after it. */
    size_t count = p.stopped ? p.lines_at_stop : trace_sink_lines(p.sink);
    const char **all = calloc(count + 1, sizeof *all);
    assert(all != NULL);
    for (size_t i = 0; i < count; i++) all[i] = trace_sink_line(p.sink, i);
    out->goal_count = rq->sc->goal_count;
    out->goals_met = step_goals_check(rq->sc, all, count, p.stopped ? NULL : out->outcome,
                                      p.stopped ? NULL : r.failed_invariant, &out->goals);
    free(all);
    if (out->body == NULL) out->body = dup_text("");
    if (out->events == NULL) out->events = dup_text("");
    if (ok) run_result_free(&r);
    trace_sink_free(p.sink);
    p.fallback->destroy(p.fallback);
    return ok;
}

void step_screen_free(step_screen *s)
{
    free(s->body);
    free(s->events);
    free(s->failure);
    for (size_t i = 0; i < s->taken_count; i++) free(s->taken[i]);
    free(s->taken);
    free(s->steps);
    free(s->goals);
    memset(s, 0, sizeof *s);
}

bool step_save_trace(const scenario *sc, const char *const *moves, size_t move_count, FILE *f)
{
    run_config cfg;
    run_config_replay(&cfg, sc, (run_picks){.names = move_count ? moves : NULL, .count = move_count},
                      sc->schedule.policy, sc->schedule.seed, NULL);
    cfg.trace = trace_sink_file(f);
    run_result r;
    bool ok = run_scenario(&cfg, &r);
    trace_sink_free(cfg.trace);
    if (ok) run_result_free(&r);
    return ok && fflush(f) == 0 && !ferror(f);
}

void step_screen_print(const step_screen *s, FILE *out)
{
    fprintf(out, "=== step %llu  t=%llu ns  moves %zu ===\n", (unsigned long long)s->step,
            (unsigned long long)s->t_ns, s->decision);
    if (s->diverged) fputs("(a move could not be made: the run went its own way from there)\n", out);
    if (s->events[0]) fprintf(out, "since the last move:\n%s", s->events);
    fputs(s->body, out);
    if (s->at_decision) {
        fputs("runnable (pick a number or a name):\n", out);
        for (size_t i = 0; i < s->cand_count; i++)
            fprintf(out, "  %zu) %-8s %s\n", i + 1, s->cands[i].name, s->cands[i].what);
    } else {
        fprintf(out, "the run ended: %s\n", s->outcome);
        if (s->failure) fprintf(out, "failed %s\n", s->failure);
    }
    if (s->goal_count)
        fprintf(out, "goals (%zu of %zu met):\n%s", s->goals_met, s->goal_count, s->goals);
}
