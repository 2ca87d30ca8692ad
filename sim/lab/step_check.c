/*
 * step_check.c — checks at the step (step_check.h).
 */
#include "step_check.h"

#include <stdio.h>
#include <string.h>

#include "queue_check.h"
#include "writer_state.h"

static const char *fiber_name(sched *s, uint32_t id)
{
    sched_fiber *f = id < SCHED_MAX_FIBERS ? sched_fiber_at(s, id) : NULL;
    return f ? f->name : "?";
}

/* A writer that parks stores LOCKED_WAITING over the state it last saw;
 * if its word already held a state it waits for, a wake-up that raced in
 * is lost (the waker saw no LOCKED_WAITING, so it does not unpark). */
static bool check_park(sched *s, const port_event *e, uint32_t mask, oracle_violation *v,
                       uint32_t *writer)
{
    if ((e->from & mask) == 0) return true;
    *writer = e->writer;
    v->invariant = "lost_wakeup";
    snprintf(v->detail, sizeof v->detail,
             "step %llu: %s stored LOCKED_WAITING over %s, a state it waits for: the wake-up "
             "that set %s is lost (it saw no LOCKED_WAITING, so it will not unpark %s)",
             (unsigned long long)sched_steps(s), fiber_name(s, e->writer), wt_state_name(e->from),
             wt_state_name(e->from), fiber_name(s, e->writer));
    return false;
}

static bool check_wake(sched *s, const port_event *e, oracle_violation *v, uint32_t *writer)
{
    const port_atomic_u32 *word;
    uint32_t mask;
    sched_fiber *me = sched_self(s);
    if (me == NULL || !port_sim_await_of(e->writer, &word, &mask) || word != e->word) return true;
    if (e->writer == me->id)
        return e->to != WT_STATE_LOCKED_WAITING || check_park(s, e, mask, v, writer);
    if (e->to == WT_STATE_LOCKED_WAITING || (e->to & mask) != 0) return true;
    char m[256];
    wt_state_mask_text(mask, m, sizeof m);
    *writer = e->writer;
    v->invariant = "wake_mask";
    snprintf(v->detail, sizeof v->detail,
             "step %llu: %s moved %s's state to %s, but %s waits in AwaitState for %s",
             (unsigned long long)sched_steps(s), me->name, fiber_name(s, e->writer),
             wt_state_name(e->to), fiber_name(s, e->writer), m);
    return false;
}

static bool check_queue(sched *s, wt_db *db, const wt_options *o, wt_queue_id q, bool leader_view,
                        const char *after, oracle_violation *v, uint32_t *writer)
{
    char why[sizeof v->detail - 128];
    if (queue_check(s, db, o, q, leader_view, why, sizeof why, writer)) return true;
    v->invariant = "writer_list";
    snprintf(v->detail, sizeof v->detail, "step %llu: after %.100s: %.800s",
             (unsigned long long)sched_steps(s), after, why);
    return false;
}

bool step_check_event(sched *s, wt_db *db, const wt_options *o, const port_event *e,
                      oracle_violation *v, uint32_t *writer)
{
    *writer = UINT32_MAX;
    v->invariant = NULL;
    char after[128];
    switch (e->kind) {
    case PORT_EV_STATE:
        if (!check_wake(s, e, v, writer)) return false;
        if (e->to != WT_STATE_COMPLETED) return true;
        snprintf(after, sizeof after, "%.50s completed %.50s", fiber_name(s, sched_self(s)->id),
                 fiber_name(s, e->writer));
        for (wt_queue_id q = WT_QUEUE_WRITE; q <= WT_QUEUE_MEMTABLE; q++)
            if (!check_queue(s, db, o, q, false, after, v, writer)) return false;
        return true;
    case PORT_EV_LINK:
        snprintf(after, sizeof after, "%.50s linked itself", fiber_name(s, e->writer));
        return check_queue(s, db, o, (wt_queue_id)e->a, false, after, v, writer);
    case PORT_EV_NEWER_LINKS:
    case PORT_EV_DETACH:
    case PORT_EV_MOVE_ASIDE:
        snprintf(after, sizeof after, "%.50s %s", fiber_name(s, e->writer),
                 e->kind == PORT_EV_NEWER_LINKS ? "built newer links"
                 : e->kind == PORT_EV_DETACH    ? "detached its group"
                                                : "moved a writer aside");
        return check_queue(s, db, o, (wt_queue_id)e->a, true, after, v, writer);
    default:
        return true;
    }
}

/* "(w)->shared.status" -> "status" */
static const char *field_of(const char *what)
{
    const char *dot = strrchr(what, '.'), *arrow = strrchr(what, '>');
    const char *p = dot > arrow ? dot : arrow;
    return p ? p + 1 : what;
}

/* "../engine/db.c" -> "db.c" */
static const char *base_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? slash + 1 : file;
}

void step_check_race(sched *s, const port_sim_race *r, oracle_violation *v, uint32_t *writer)
{
    sched_fiber *holder = sched_fiber_stack_of(s, r->addr);
    sched_fiber *me = sched_self(s);
    *writer = holder ? holder->id : UINT32_MAX;
    const hb_access_info *e = &r->race.earlier;
    v->invariant = "data_race";
    snprintf(v->detail, sizeof v->detail,
             "step %llu: %s %s %s's Writer.%s (%s:%d), but %s's %s of it at step %llu (%s:%d) "
             "does not happen before: no release/acquire or lock orders the two",
             (unsigned long long)sched_steps(s), me ? me->name : "?", r->write ? "writes" : "reads",
             holder ? holder->name : "a", field_of(r->what), base_of(r->file), r->line,
             fiber_name(s, e->fiber), e->write ? "write" : "read", (unsigned long long)e->step,
             base_of(e->file), e->line);
}
