/*
 * plot.c — reading traces into plot data (see plot.h), and running gnuplot.
 *
 * A trace is read line by line with the trace reader (trace_reader.h),
 * which checks every line against the format's table; an exploration
 * summary holds transition counts only.  A loader keeps what is open per lane — the writer's current
 * state since when, a WAL sync, a memtable insert, a pin hold — and closes
 * it into a span on the matching end event, or at the end of the trace
 * (a deadlocked writer stays in its state to the last moment).  Real
 * traces (pthreads) draw the same way: their lanes are the threads that
 * wrote, listed in their header.
 *
 * gnuplot runs as a child process: the script goes to its stdin through a
 * pipe, its stdout and stderr go to an anonymous temporary file (a pipe
 * there could fill up while we are still writing the script and deadlock).
 */
#include "plot.h"

#include "trace_reader.h"

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* What is open on one lane while a trace is read. */
typedef struct lane_open {
    bool writing;        /* between write_begin and write_end (or a state event) */
    int state;           /* wt_state_table index while writing */
    uint64_t state_ns;
    bool syncing, inserting, held, flushing;
    uint64_t sync_ns, insert_ns, hold_ns, flush_ns;
} lane_open;

typedef struct plot_loader {
    plot_data *d;
    const char *path;
    size_t line_no;
    char *err;
    size_t err_cap;
    size_t run;              /* index of this file among those loaded */
    uint64_t last_ns;        /* the latest time seen */
    bool wrote;              /* some write began (engine events before it are setup) */
    bool stalled;
    uint64_t stall_ns;
    bool leaders_leave;      /* unordered or pipelined: leaders go on after leaving the queue */
    lane_open lanes[PLOT_MAX_LANES];
    lane_open engine;        /* the engine lane's flush, sync and insert */
} plot_loader;

/* ------------------------------------------------------------ plot_data */

void plot_data_init(plot_data *d, uint64_t from_ns, uint64_t to_ns)
{
    assert(from_ns <= to_ns);
    memset(d, 0, sizeof *d);
    d->from_ns = from_ns;
    d->to_ns = to_ns;
}

void plot_data_free(plot_data *d)
{
    free(d->spans);
    free(d->marks);
    free(d->groups);
    free(d->members);
    free(d->wakes);
    memset(d, 0, sizeof *d);
}

/* Formats "PATH:LINE: not a wtlab trace (why)" into the loader's err. */
static bool not_a_trace(plot_loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool not_a_trace(plot_loader *ld, const char *fmt, ...)
{
    char why[PLOT_TEXT_MAX * 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(ld->err, ld->err_cap, "%s:%zu: not a wtlab trace (%s)", ld->path, ld->line_no, why);
    return false;
}

/* Makes room for one more item of size `size` in *items. */
static bool grow(plot_loader *ld, void **items, size_t count, size_t *cap, size_t size)
{
    if (count < *cap) return true;
    if (count >= PLOT_MAX_ITEMS) return not_a_trace(ld, "more than %d items to draw", PLOT_MAX_ITEMS);
    size_t n = *cap ? *cap * 2 : 256;
    void *p = realloc(*items, n * size);
    if (p == NULL) return not_a_trace(ld, "out of memory");
    *items = p;
    *cap = n;
    return true;
}

static bool in_window(const plot_data *d, uint64_t t_ns)
{
    return t_ns >= d->from_ns && t_ns <= d->to_ns;
}

/* Lane of a writer name; a new lane if it is not known yet. */
static bool lane_of(plot_loader *ld, const char *name, int *lane)
{
    plot_data *d = ld->d;
    for (size_t i = 0; i < d->lane_count; i++)
        if (strcmp(d->lanes[i], name) == 0) {
            *lane = (int)i;
            return true;
        }
    if (d->lane_count == PLOT_MAX_LANES) return not_a_trace(ld, "more than %d writers", PLOT_MAX_LANES);
    if (strlen(name) >= SCENARIO_MAX_NAME) return not_a_trace(ld, "writer name \"%.40s...\" too long", name);
    snprintf(d->lanes[d->lane_count], SCENARIO_MAX_NAME, "%s", name);
    *lane = (int)d->lane_count++;
    return true;
}

/* The sim's own fibers share the engine lane; writers have their own. */
static bool fiber_lane(plot_loader *ld, const char *fiber, int *lane)
{
    static const char *const engine_fibers[] = {"main", "flush", "crasher", "-", "?"};
    for (size_t i = 0; i < sizeof engine_fibers / sizeof engine_fibers[0]; i++)
        if (strcmp(fiber, engine_fibers[i]) == 0) {
            *lane = PLOT_LANE_ENGINE;
            return true;
        }
    return lane_of(ld, fiber, lane);
}

/* Adds [t0, t1] cut to the window; nothing if that leaves it empty. */
static bool add_span(plot_loader *ld, plot_span_kind kind, int lane, int state, uint64_t t0,
                     uint64_t t1)
{
    plot_data *d = ld->d;
    assert(kind < PLOT_SPAN_KIND_COUNT);
    if (t0 < d->from_ns) t0 = d->from_ns;
    if (t1 > d->to_ns) t1 = d->to_ns;
    if (t1 <= t0) return true;
    if (!grow(ld, (void **)&d->spans, d->span_count, &d->span_cap, sizeof *d->spans)) return false;
    d->spans[d->span_count++] = (plot_span){.kind = kind, .lane = lane, .state = state,
                                            .t0_ns = t0, .t1_ns = t1};
    if (lane == PLOT_LANE_ENGINE) d->engine_used = true;
    return true;
}

static bool add_mark(plot_loader *ld, plot_mark_kind kind, int lane, uint64_t t_ns, const char *text)
{
    plot_data *d = ld->d;
    if (!in_window(d, t_ns)) return true;
    if (!grow(ld, (void **)&d->marks, d->mark_count, &d->mark_cap, sizeof *d->marks)) return false;
    plot_mark *m = &d->marks[d->mark_count++];
    *m = (plot_mark){.kind = kind, .lane = lane, .t_ns = t_ns};
    snprintf(m->text, sizeof m->text, "%s", text);
    if (lane == PLOT_LANE_ENGINE) d->engine_used = true;
    return true;
}

/* A writer did something at t: widen the active range. */
static void note_activity(plot_data *d, uint64_t t_ns)
{
    if (!in_window(d, t_ns)) return;
    if (!d->has_activity || t_ns < d->active_from_ns) d->active_from_ns = t_ns;
    if (!d->has_activity || t_ns > d->active_to_ns) d->active_to_ns = t_ns;
    d->has_activity = true;
}

/* Something the timeline must show happened at t: widen the frame's end
 * (its start is the first group, else the first activity). */
static void note_frame(plot_data *d, uint64_t t_ns)
{
    if (!in_window(d, t_ns)) return;
    if (!d->has_frame) d->frame_from_ns = t_ns;
    if (!d->has_frame || t_ns > d->frame_to_ns) d->frame_to_ns = t_ns;
    d->has_frame = true;
}

/* -------------------------------------------------------- event helpers */

/* The "status" of an end event; "ok" for kinds that have none. */
static const char *status_of(const trace_event *e) { return e->status ? e->status : "ok"; }

static bool state_of(plot_loader *ld, const char *name, int *out)
{
    *out = wt_state_index_by_name(name);
    if (*out < 0) return not_a_trace(ld, "unknown state \"%.40s\"", name);
    return true;
}

static lane_open *open_of(plot_loader *ld, int lane)
{
    assert(lane == PLOT_LANE_ENGINE || (lane >= 0 && lane < PLOT_MAX_LANES));
    return lane == PLOT_LANE_ENGINE ? &ld->engine : &ld->lanes[lane];
}

/* --------------------------------------------------------------- events */

/* One event handler: the event and the lane of its fiber. */
typedef bool (*event_fn)(plot_loader *ld, const trace_event *e, int fiber);

/* A writer's lane moves to `state` at t (-1: out of any write): the state
 * it was in becomes a span. */
static bool lane_enters(plot_loader *ld, int lane, int state, uint64_t t_ns)
{
    lane_open *w = open_of(ld, lane);
    if (w->writing && !add_span(ld, PLOT_SPAN_STATE, lane, w->state, w->state_ns, t_ns))
        return false;
    w->writing = state >= 0;
    w->state = state;
    w->state_ns = t_ns;
    note_activity(ld->d, t_ns);
    return true;
}

static bool ev_write_begin(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!lane_of(ld, e->writer, &lane)) return false;
    ld->wrote = true;
    return lane_enters(ld, lane, wt_state_index_by_name("INIT"), e->t_ns) &&
           add_mark(ld, PLOT_MARK_WRITE_BEGIN, lane, e->t_ns, "");
}

static bool ev_write_end(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!lane_of(ld, e->writer, &lane) || !lane_enters(ld, lane, -1, e->t_ns)) return false;
    note_frame(ld->d, e->t_ns);
    return strcmp(e->status, "ok") == 0 || add_mark(ld, PLOT_MARK_ERROR, lane, e->t_ns, e->status);
}

/* fiber set lane's state to `state` at t: a wake-up arrow. */
static bool add_wake(plot_loader *ld, int fiber, int lane, int state, uint64_t t_ns)
{
    plot_data *d = ld->d;
    if (!in_window(d, t_ns)) return true;
    if (!grow(ld, (void **)&d->wakes, d->wake_count, &d->wake_cap, sizeof *d->wakes)) return false;
    d->wakes[d->wake_count++] =
        (plot_wake){.t_ns = t_ns, .from_lane = fiber, .to_lane = lane, .state = state};
    return true;
}

static bool ev_state(plot_loader *ld, const trace_event *e, int fiber)
{
    int lane, from, to;
    if (!state_of(ld, e->from, &from) || !state_of(ld, e->to, &to) || !lane_of(ld, e->writer, &lane))
        return false;
    if (in_window(ld->d, e->t_ns)) ld->d->transitions[from][to]++;
    if (fiber >= 0 && fiber != lane && !add_wake(ld, fiber, lane, to, e->t_ns)) return false;
    return lane_enters(ld, lane, to, e->t_ns);
}

/* Unordered or pipelined: a leader that took its group off the write
 * queue but is still GROUP_LEADER has left the write thread (it inserts
 * its own batch, or waits for the memtable stage): drawn apart. */
static bool ev_detach(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!ld->leaders_leave || e->queue == NULL || strcmp(e->queue, "memtable") == 0) return true;
    if (!lane_of(ld, e->leader, &lane)) return false;
    const lane_open *w = open_of(ld, lane);
    if (!w->writing || w->state != wt_state_index_by_name("GROUP_LEADER")) return true;
    return lane_enters(ld, lane, PLOT_STATE_OFF_QUEUE, e->t_ns);
}

static bool ev_move_aside(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!lane_of(ld, e->writer, &lane)) return false;
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "aside (%.40s)", e->leader);
    return add_mark(ld, PLOT_MARK_MOVE_ASIDE, lane, e->t_ns, text);
}

static bool add_member(plot_loader *ld, const char *name)
{
    plot_data *d = ld->d;
    int lane;
    if (!lane_of(ld, name, &lane)) return false;
    if (!grow(ld, (void **)&d->members, d->member_count, &d->member_cap, sizeof *d->members))
        return false;
    d->members[d->member_count++] = lane;
    return true;
}

static bool ev_group(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    plot_data *d = ld->d;
    bool memtable = e->kind == TRACE_MEMTABLE_GROUP;
    int lane;
    if (!lane_of(ld, e->leader, &lane)) return false;
    if (e->members.count == 0) return not_a_trace(ld, "%s without members", trace_kinds[e->kind].name);
    if (!in_window(d, e->t_ns)) return true;
    if (!d->has_frame || e->t_ns < d->frame_from_ns) d->frame_from_ns = e->t_ns;
    note_frame(d, e->t_ns);
    if (!grow(ld, (void **)&d->groups, d->group_count, &d->group_cap, sizeof *d->groups)) return false;
    plot_group g = {.t_ns = e->t_ns, .memtable = memtable, .leader_lane = lane,
                    .member_first = d->member_count, .bytes = memtable ? 0 : e->bytes,
                    .run = ld->run};
    for (uint32_t i = 0; i < e->members.count; i++)
        if (!add_member(ld, e->members.names[i])) return false;
    g.member_count = d->member_count - g.member_first;
    d->groups[d->group_count++] = g;
    return true;
}

static bool ev_wal_append(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!lane_of(ld, e->writer, &lane)) return false;
    if (!add_mark(ld, PLOT_MARK_WAL_APPEND, lane, e->t_ns, "")) return false;
    if (strcmp(e->status, "ok") == 0) return true;
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "WAL append %s", e->status);
    return add_mark(ld, PLOT_MARK_ERROR, lane, e->t_ns, text);
}

/* The open flag and start time of a span kind on one lane. */
static bool *open_span(lane_open *w, plot_span_kind kind, uint64_t **since_ns)
{
    switch (kind) {
    case PLOT_SPAN_WAL_SYNC: *since_ns = &w->sync_ns; return &w->syncing;
    case PLOT_SPAN_INSERT: *since_ns = &w->insert_ns; return &w->inserting;
    case PLOT_SPAN_HOLD: *since_ns = &w->hold_ns; return &w->held;
    case PLOT_SPAN_FLUSH: *since_ns = &w->flush_ns; return &w->flushing;
    default: break;
    }
    assert(!"not a lane span kind");
    return NULL;
}

static void span_begin(plot_loader *ld, plot_span_kind kind, int lane, uint64_t t_ns)
{
    uint64_t *since;
    bool *open = open_span(open_of(ld, lane), kind, &since);
    *open = true;
    *since = t_ns;
}

/* Closes the span if it is open; an end without a begin draws nothing. */
static bool span_end(plot_loader *ld, plot_span_kind kind, int lane, uint64_t t_ns)
{
    uint64_t *since;
    bool *open = open_span(open_of(ld, lane), kind, &since);
    if (!*open) return true;
    *open = false;
    return add_span(ld, kind, lane, -1, *since, t_ns);
}

/* A failed end event gets an error mark "what status". */
static bool mark_failure(plot_loader *ld, const trace_event *e, int lane, const char *what)
{
    const char *status = status_of(e);
    if (strcmp(status, "ok") == 0) return true;
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "%s %s", what, status);
    return add_mark(ld, PLOT_MARK_ERROR, lane, e->t_ns, text);
}

static bool ev_wal_sync(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!fiber_lane(ld, e->writer, &lane)) return false;
    if (e->kind == TRACE_WAL_SYNC_BEGIN) {
        span_begin(ld, PLOT_SPAN_WAL_SYNC, lane, e->t_ns);
        return true;
    }
    return span_end(ld, PLOT_SPAN_WAL_SYNC, lane, e->t_ns) && mark_failure(ld, e, lane, "WAL sync");
}

/* Inserts are drawn on the lane of the fiber doing them: a serial
 * memtable leader inserts its whole group, one batch after another. */
static bool ev_insert(plot_loader *ld, const trace_event *e, int fiber)
{
    if (e->kind == TRACE_INSERT_BEGIN) {
        span_begin(ld, PLOT_SPAN_INSERT, fiber, e->t_ns);
        return true;
    }
    return span_end(ld, PLOT_SPAN_INSERT, fiber, e->t_ns) && mark_failure(ld, e, fiber, "memtable insert");
}

static bool ev_flush(plot_loader *ld, const trace_event *e, int fiber)
{
    if (ld->wrote) note_frame(ld->d, e->t_ns);
    if (e->kind == TRACE_FLUSH_BEGIN) {
        span_begin(ld, PLOT_SPAN_FLUSH, fiber, e->t_ns);
        return true;
    }
    return span_end(ld, PLOT_SPAN_FLUSH, fiber, e->t_ns) && mark_failure(ld, e, fiber, "flush");
}

static bool stall_end(plot_loader *ld, uint64_t t_ns)
{
    if (!ld->stalled) return true;
    ld->stalled = false;
    return add_span(ld, PLOT_SPAN_STALL, PLOT_LANE_NONE, -1, ld->stall_ns, t_ns);
}

static bool ev_stall(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    note_frame(ld->d, e->t_ns);
    if (e->kind == TRACE_STALL_END) return stall_end(ld, e->t_ns);
    if (!ld->stalled) ld->stall_ns = e->t_ns;
    ld->stalled = true;
    return true;
}

static bool ev_hold(plot_loader *ld, const trace_event *e, int fiber)
{
    (void)fiber;
    int lane;
    if (!lane_of(ld, e->writer, &lane)) return false;
    if (e->kind == TRACE_RELEASE) return span_end(ld, PLOT_SPAN_HOLD, lane, e->t_ns);
    span_begin(ld, PLOT_SPAN_HOLD, lane, e->t_ns);
    return true;
}

static bool ev_bg_error(plot_loader *ld, const trace_event *e, int fiber)
{
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "bg_error %s", e->status);
    return add_mark(ld, PLOT_MARK_ERROR, fiber, e->t_ns, "") &&
           add_mark(ld, PLOT_MARK_BG_ERROR, fiber, e->t_ns, text);
}

/* On the lane of the writer the violation concerns (version 3 names it),
 * else of the fiber that was running when it was found. */
static bool ev_violation(plot_loader *ld, const trace_event *e, int fiber)
{
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "violation: %s", e->invariant);
    int lane = fiber;
    if (e->writer != NULL && !fiber_lane(ld, e->writer, &lane)) return false;
    return add_mark(ld, PLOT_MARK_ERROR, lane, e->t_ns, "") &&
           add_mark(ld, PLOT_MARK_BG_ERROR, lane, e->t_ns, text);
}

static bool close_open(plot_loader *ld, uint64_t t_ns);

/* Crash, reopen, recovery, memtable switch: worth a mark once writes run
 * (the DB's first open is setup, not part of the lesson).  A crash ends
 * every writer where it stood. */
static bool ev_engine(plot_loader *ld, const trace_event *e, int fiber)
{
    char text[PLOT_TEXT_MAX];
    if (!ld->wrote) return true;
    if (e->kind == TRACE_MEMTABLE_SWITCH)
        snprintf(text, sizeof text, "new memtable, log %llu", (unsigned long long)e->log);
    else if (e->kind == TRACE_RECOVERY)
        snprintf(text, sizeof text, "recovery: %llu records", (unsigned long long)e->records);
    else
        snprintf(text, sizeof text, "%s", trace_kinds[e->kind].name);
    if (!add_mark(ld, PLOT_MARK_ENGINE, fiber, e->t_ns, text)) return false;
    note_activity(ld->d, e->t_ns);
    note_frame(ld->d, e->t_ns);
    if (e->kind == TRACE_CRASH &&
        (!add_mark(ld, PLOT_MARK_CRASH, fiber, e->t_ns, "crash") || !close_open(ld, e->t_ns)))
        return false;
    return e->kind != TRACE_RECOVERY || mark_failure(ld, e, fiber, "recovery");
}

/* What each kind draws; NULL: nothing (pick, publish, allocate, finish). */
static const event_fn event_table[TRACE_KIND_COUNT] = {
    [TRACE_WRITE_BEGIN] = ev_write_begin,  [TRACE_WRITE_END] = ev_write_end,
    [TRACE_STATE] = ev_state,              [TRACE_GROUP] = ev_group,
    [TRACE_MEMTABLE_GROUP] = ev_group,     [TRACE_WAL_APPEND] = ev_wal_append,
    [TRACE_WAL_SYNC_BEGIN] = ev_wal_sync,  [TRACE_WAL_SYNC_END] = ev_wal_sync,
    [TRACE_INSERT_BEGIN] = ev_insert,      [TRACE_INSERT_END] = ev_insert,
    [TRACE_FLUSH_BEGIN] = ev_flush,        [TRACE_FLUSH_END] = ev_flush,
    [TRACE_STALL_BEGIN] = ev_stall,        [TRACE_STALL_END] = ev_stall,
    [TRACE_HOLD] = ev_hold,                [TRACE_RELEASE] = ev_hold,
    [TRACE_BG_ERROR] = ev_bg_error,        [TRACE_VIOLATION] = ev_violation,
    [TRACE_MEMTABLE_SWITCH] = ev_engine,   [TRACE_RECOVERY] = ev_engine,
    [TRACE_CRASH] = ev_engine,             [TRACE_REOPEN] = ev_engine,
    [TRACE_DETACH] = ev_detach,            [TRACE_MOVE_ASIDE] = ev_move_aside,
};

static bool load_event(plot_loader *ld, const trace_event *e)
{
    int lane;
    if (e->t_ns > ld->last_ns) ld->last_ns = e->t_ns;
    if (event_table[e->kind] == NULL) return true;
    return fiber_lane(ld, e->fiber, &lane) && event_table[e->kind](ld, e, lane);
}

/* --------------------------------------------------------- header lines */

/* "serial memtable", "pipelined, parallel memtable", ... */
static void describe_mode(const wt_options *o, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s%s memtable", o->enable_pipelined_write ? "pipelined, " : "",
             o->unordered_write ? "unordered, " : "", o->two_write_queues ? "two write queues, " : "",
             o->allow_concurrent_memtable_write ? "parallel" : "serial");
}

/* Lanes in the scenario's writer order, and the write mode.  The embedded
 * scenario was validated when it ran; if it does not load now, lanes
 * simply follow the order in which writers appear. */
static bool lanes_from_scenario(plot_loader *ld, const char *text)
{
    scenario_error serr;
    scenario *sc = scenario_load_text("(embedded scenario)", text, &serr);
    if (sc == NULL) return true;
    bool ok = true;
    for (size_t i = 0; ok && i < sc->writer_count; i++) {
        int lane;
        ok = lane_of(ld, sc->writers[i].name, &lane);
    }
    if (ld->run == 0) describe_mode(&sc->options, ld->d->mode, sizeof ld->d->mode);
    ld->leaders_leave = sc->options.unordered_write || sc->options.enable_pipelined_write;
    ld->d->off_queue_style |= ld->leaders_leave;
    scenario_free(sc);
    return ok;
}

/* A real trace: lanes for its writer threads, in the order they started. */
static bool lanes_from_threads(plot_loader *ld, const trace_header *h)
{
    for (uint32_t i = 0; i < h->threads.count; i++) {
        int lane;
        if (!lane_of(ld, h->threads.names[i], &lane)) return false;
    }
    if (ld->run == 0) snprintf(ld->d->mode, sizeof ld->d->mode, "real threads: %s", h->program);
    return true;
}

static bool load_header(plot_loader *ld, const trace_header *h, bool real)
{
    plot_data *d = ld->d;
    const char *name = real ? "real run" : h->scenario_name;
    if (ld->run > 0 && strcmp(d->scenario_name, name) != 0) d->mixed = true;
    if (ld->run == 0) {
        d->real = real;
        snprintf(d->scenario_name, sizeof d->scenario_name, "%s", name);
        snprintf(d->policy, sizeof d->policy, "%s", real ? "pthreads" : h->policy);
        if (real) snprintf(d->seed, sizeof d->seed, "-");
        else snprintf(d->seed, sizeof d->seed, "%llu", (unsigned long long)h->seed);
    }
    d->runs++;
    d->has_timeline = true;
    return real ? lanes_from_threads(ld, h) : lanes_from_scenario(ld, h->scenario);
}

static void load_exploration(plot_loader *ld, const trace_exploration *x)
{
    const char *name = x->scenario_name ? x->scenario_name : "";
    if (ld->run > 0 && strcmp(ld->d->scenario_name, name) != 0) ld->d->mixed = true;
    if (ld->run == 0) snprintf(ld->d->scenario_name, sizeof ld->d->scenario_name, "%s", name);
    ld->d->runs += x->runs;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++) ld->d->transitions[a][b] += x->transitions[a][b];
}

static void load_summary(plot_loader *ld, const trace_summary *s)
{
    if (ld->run == 0) snprintf(ld->d->outcome, sizeof ld->d->outcome, "%s", s->outcome);
    if (s->t_ns > ld->last_ns) ld->last_ns = s->t_ns;
}

/* The trace ended or the machine crashed: whatever is open ends here. */
static bool close_open(plot_loader *ld, uint64_t t_ns)
{
    static const plot_span_kind kinds[] = {PLOT_SPAN_WAL_SYNC, PLOT_SPAN_INSERT, PLOT_SPAN_HOLD,
                                           PLOT_SPAN_FLUSH};
    for (size_t lane = 0; lane < ld->d->lane_count; lane++) {
        lane_open *w = &ld->lanes[lane];
        if (w->writing && !add_span(ld, PLOT_SPAN_STATE, (int)lane, w->state, w->state_ns, t_ns))
            return false;
        w->writing = false;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (!span_end(ld, kinds[k], (int)lane, t_ns)) return false;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (!span_end(ld, kinds[k], PLOT_LANE_ENGINE, t_ns)) return false;
    return stall_end(ld, t_ns);
}

/* Every line after the header, through the reader. */
static bool load_lines(plot_loader *ld, trace_reader *r)
{
    for (;;) {
        trace_event e;
        ld->line_no = trace_reader_line_number(r) + 1;
        switch (trace_reader_next(r, &e)) {
        case TRACE_ITEM_EVENT:
            if (!load_event(ld, &e)) return false;
            break;
        case TRACE_ITEM_SUMMARY: load_summary(ld, trace_reader_summary(r)); break;
        case TRACE_ITEM_END: return true;
        case TRACE_ITEM_ERROR:
            snprintf(ld->err, ld->err_cap, "%s", trace_reader_error(r));
            return false;
        }
    }
}

static bool load_file(plot_loader *ld, trace_reader *r)
{
    ld->line_no = 1;
    if (trace_reader_file_kind(r) == TRACE_FILE_EXPLORATION) {
        load_exploration(ld, trace_reader_exploration(r));
        return true;
    }
    return load_header(ld, trace_reader_header(r), trace_reader_is_real(r)) && load_lines(ld, r) &&
           close_open(ld, ld->last_ns);
}

bool plot_load(plot_data *d, const char *path, char *err, size_t err_cap)
{
    trace_reader *r = trace_reader_open(path, err, err_cap);
    if (r == NULL) return false;
    plot_loader *ld = calloc(1, sizeof *ld);
    assert(ld != NULL);
    *ld = (plot_loader){.d = d, .path = path, .err = err, .err_cap = err_cap, .run = d->files};
    bool ok = load_file(ld, r);
    d->files++;
    free(ld);
    trace_reader_close(r);
    return ok;
}

/* -------------------------------------------------------------- gnuplot */

/* Writes all of buf to fd; false if the reader went away. */
static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Reads what the child wrote to the temporary file, up to the bound. */
static char *read_output(FILE *tmp)
{
    char *out = malloc(PLOT_MAX_GNUPLOT_OUTPUT + 1);
    if (out == NULL) return NULL;
    rewind(tmp);
    size_t n = fread(out, 1, PLOT_MAX_GNUPLOT_OUTPUT, tmp);
    out[n] = '\0';
    return out;
}

/* Starts program with stdin from `in` and stdout/stderr into `out`. */
static int spawn_child(const char *program, int in, int close_fd, int out, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0) return rc;
    rc = posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, out, STDERR_FILENO);
    if (rc == 0) rc = posix_spawn_file_actions_addclose(&fa, close_fd);
    char *argv[] = {(char *)program, NULL};
    if (rc == 0) rc = posix_spawnp(pid, program, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

/* Feeds the script with SIGPIPE ignored (a gnuplot that quits early makes
 * write fail instead of killing us), then waits for the child. */
static int feed_and_wait(pid_t pid, int fd, const char *script, size_t len)
{
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old);
    write_all(fd, script, len);
    close(fd);
    sigaction(SIGPIPE, &old, NULL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

static bool only_space(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return false;
    return true;
}

plot_gnuplot_status plot_gnuplot_run(const char *program, const char *script, size_t len,
                                     char **output)
{
    if (program == NULL) program = getenv("WTLAB_GNUPLOT");
    if (program == NULL || *program == '\0') program = "gnuplot";
    *output = NULL;
    FILE *tmp = tmpfile();
    int fds[2] = {-1, -1};
    if (tmp == NULL || pipe(fds) != 0) {
        if (tmp != NULL) fclose(tmp);
        *output = strdup("cannot create a pipe or temporary file for gnuplot");
        return PLOT_GNUPLOT_FAILED;
    }
    pid_t pid;
    int rc = spawn_child(program, fds[0], fds[1], fileno(tmp), &pid);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        fclose(tmp);
        return PLOT_GNUPLOT_MISSING;
    }
    int status = feed_and_wait(pid, fds[1], script, len);
    *output = read_output(tmp);
    fclose(tmp);
    if (*output == NULL) return PLOT_GNUPLOT_FAILED;
    bool exited_ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!exited_ok && only_space(*output)) {
        free(*output);
        *output = strdup(status >= 0 && WIFSIGNALED(status) ? "gnuplot was killed by a signal"
                                                             : "gnuplot failed without a message");
    }
    return exited_ok && only_space(*output) ? PLOT_GNUPLOT_OK : PLOT_GNUPLOT_FAILED;
}
