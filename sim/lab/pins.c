/*
 * pins.c — holding writers at sync points until a condition holds.
 *
 * State and sync-point conditions are latched (until_met) when the event
 * happens, since the state or the sync point may be gone by the time the
 * held writer is looked at; "finished" and time conditions are evaluated
 * when asked.  See pins.h for the contract.
 */
#include "pins.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void pins_init(pins *ps, const scenario *sc, pins_line_fn *line, void *line_arg)
{
    assert(sc != NULL);
    assert(line != NULL);
    memset(ps, 0, sizeof *ps);
    ps->sc = sc;
    ps->line = line;
    ps->line_arg = line_arg;
    ps->rules = calloc(sc->schedule.pin_count + 1, sizeof *ps->rules);
    ps->finished = calloc(sc->writer_count + 1, sizeof *ps->finished);
    assert(ps->rules != NULL);
    assert(ps->finished != NULL);
    for (size_t i = 0; i < sc->schedule.pin_count; i++)
        ps->rules[i] = (pin_rt){.pin = &sc->schedule.pins[i], .held_fiber = -1};
}

void pins_free(pins *ps)
{
    free(ps->rules);
    free(ps->finished);
    ps->rules = NULL;
    ps->finished = NULL;
}

void pins_on_state(pins *ps, int writer, uint32_t state)
{
    assert(writer >= 0);
    assert((size_t)writer < ps->sc->writer_count);
    for (size_t i = 0; i < ps->sc->schedule.pin_count; i++) {
        const scenario_pin *p = ps->rules[i].pin;
        if (p->until_kind == SCENARIO_UNTIL_STATE && p->until_state == state &&
            strcmp(p->until_writer, ps->sc->writers[writer].name) == 0)
            ps->rules[i].until_met = true;
    }
}

void pins_on_finished(pins *ps, int writer)
{
    assert(writer >= 0);
    assert((size_t)writer < ps->sc->writer_count);
    ps->finished[writer] = true;
}

/* The fiber called name is blocked (a mutex, a condition, AwaitState). */
static bool fiber_blocked(sched *s, const char *name)
{
    for (size_t i = 0; i < sched_fiber_count(s); i++) {
        const sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (strcmp(f->name, name) == 0 && f->state != SCHED_FINISHED)
            return f->state == SCHED_BLOCKED;
    }
    return false;
}

static bool pin_until_met(const pins *ps, sched *s, const pin_rt *p)
{
    if (p->until_met) return true;
    const scenario_pin *pin = p->pin;
    if (pin->until_kind == SCENARIO_UNTIL_BLOCKED) return fiber_blocked(s, pin->until_writer);
    if (pin->until_kind == SCENARIO_UNTIL_FINISHED) {
        int w = scenario_writer_index(ps->sc, pin->until_writer);
        return w >= 0 && ps->finished[w];
    }
    if (pin->until_kind == SCENARIO_UNTIL_TIME) return sched_now_ns(s) >= pin->until_time_ns;
    return false;
}

bool pins_on_sync_point(pins *ps, sched *s, sched_fiber *f, const char *name)
{
    const char *wname = f->name;
    bool hold = false;
    for (size_t i = 0; i < ps->sc->schedule.pin_count; i++) {
        pin_rt *p = &ps->rules[i];
        const scenario_pin *pin = p->pin;
        if (pin->until_kind == SCENARIO_UNTIL_SYNC_POINT && strcmp(pin->until_writer, wname) == 0 &&
            strcmp(pin->until_sync_point, name) == 0)
            p->until_met = true;
        if (hold || strcmp(pin->hold, wname) != 0 || strcmp(pin->at, name) != 0) continue;
        if (++p->hits != pin->occurrence || pin_until_met(ps, s, p)) continue;
        if (pin->until_kind == SCENARIO_UNTIL_TIME) { /* no other fiber needed: just sleep */
            ps->line(ps->line_arg, p, TRACE_HOLD, wname);
            sched_sleep_ns(s, pin->until_time_ns - sched_now_ns(s));
            ps->line(ps->line_arg, p, TRACE_RELEASE, wname);
            continue;
        }
        assert(p->held_fiber < 0);
        p->held_fiber = (int)f->id;
        ps->held++;
        ps->line(ps->line_arg, p, TRACE_HOLD, wname);
        hold = true;
    }
    return hold;
}

bool pins_after_step(pins *ps, sched *s)
{
    bool released = false;
    for (size_t i = 0; i < ps->sc->schedule.pin_count; i++) {
        pin_rt *p = &ps->rules[i];
        if (p->held_fiber < 0 || !pin_until_met(ps, s, p)) continue;
        sched_fiber *f = sched_fiber_at(s, (uint32_t)p->held_fiber);
        assert(f != NULL);
        p->held_fiber = -1;
        sched_release(s, f);
        ps->line(ps->line_arg, p, TRACE_RELEASE, f->name);
        released = true;
    }
    return released;
}
