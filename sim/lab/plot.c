/*
 * plot.c — reading traces into plot data (see plot.h), and running gnuplot.
 *
 * A trace is read line by line with jansson.  Line 1 must be a wtlab
 * header (or an exploration summary); every later line an event or the
 * summary.  A loader keeps what is open per lane — the writer's current
 * state since when, a WAL sync, a memtable insert, a pin hold — and closes
 * it into a span on the matching end event, or at the end of the trace
 * (a deadlocked writer stays in its state to the last moment).  Unknown
 * event kinds are skipped so that newer traces still draw; a known event
 * with a missing or mistyped key is bad input.
 *
 * gnuplot runs as a child process: the script goes to its stdin through a
 * pipe, its stdout and stderr go to an anonymous temporary file (a pipe
 * there could fill up while we are still writing the script and deadlock).
 */
#include "plot.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
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
    bool exploration;        /* the file is an exploration summary, not a trace */
    bool summary_seen;
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

/* -------------------------------------------------------- reading keys */

static bool get_str(plot_loader *ld, json_t *o, const char *ev, const char *key, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = "";
    if (!json_is_string(v)) return not_a_trace(ld, "%s without a string \"%s\"", ev, key);
    *out = json_string_value(v);
    return true;
}

static bool get_u64(plot_loader *ld, json_t *o, const char *ev, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return not_a_trace(ld, "%s without a non-negative integer \"%s\"", ev, key);
    *out = (uint64_t)json_integer_value(v);
    return true;
}

/* The optional "status" of an end event; "ok" when absent. */
static const char *status_of(json_t *o)
{
    json_t *v = json_object_get(o, "status");
    return json_is_string(v) ? json_string_value(v) : "ok";
}

static bool get_state(plot_loader *ld, json_t *o, const char *key, int *out)
{
    const char *name;
    if (!get_str(ld, o, "state", key, &name)) return false;
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

/* One event handler: the event object, its time, the lane of its fiber. */
typedef bool (*event_fn)(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber);

static bool ev_write_begin(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    const char *writer;
    int lane;
    if (!get_str(ld, o, "write_begin", "writer", &writer) || !lane_of(ld, writer, &lane)) return false;
    lane_open *w = open_of(ld, lane);
    if (w->writing && !add_span(ld, PLOT_SPAN_STATE, lane, w->state, w->state_ns, t_ns)) return false;
    w->writing = true;
    w->state = wt_state_index_by_name("INIT");
    w->state_ns = t_ns;
    ld->wrote = true;
    note_activity(ld->d, t_ns);
    return add_mark(ld, PLOT_MARK_WRITE_BEGIN, lane, t_ns, "");
}

static bool ev_write_end(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    const char *writer;
    int lane;
    if (!get_str(ld, o, "write_end", "writer", &writer) || !lane_of(ld, writer, &lane)) return false;
    lane_open *w = open_of(ld, lane);
    if (w->writing && !add_span(ld, PLOT_SPAN_STATE, lane, w->state, w->state_ns, t_ns)) return false;
    w->writing = false;
    note_activity(ld->d, t_ns);
    const char *status = status_of(o);
    return strcmp(status, "ok") == 0 || add_mark(ld, PLOT_MARK_ERROR, lane, t_ns, status);
}

static bool ev_state(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    const char *writer;
    int lane, from, to;
    if (!get_str(ld, o, "state", "writer", &writer) || !get_state(ld, o, "from", &from) ||
        !get_state(ld, o, "to", &to) || !lane_of(ld, writer, &lane))
        return false;
    if (in_window(ld->d, t_ns)) ld->d->transitions[from][to]++;
    lane_open *w = open_of(ld, lane);
    if (w->writing && !add_span(ld, PLOT_SPAN_STATE, lane, w->state, w->state_ns, t_ns)) return false;
    w->writing = true;
    w->state = to;
    w->state_ns = t_ns;
    note_activity(ld->d, t_ns);
    return true;
}

static bool add_member(plot_loader *ld, json_t *name)
{
    plot_data *d = ld->d;
    int lane;
    if (!json_is_string(name)) return not_a_trace(ld, "group member is not a string");
    if (!lane_of(ld, json_string_value(name), &lane)) return false;
    if (!grow(ld, (void **)&d->members, d->member_count, &d->member_cap, sizeof *d->members))
        return false;
    d->members[d->member_count++] = lane;
    return true;
}

static bool ev_group_of(plot_loader *ld, json_t *o, uint64_t t_ns, bool memtable)
{
    const char *ev = memtable ? "memtable_group" : "group", *leader;
    plot_data *d = ld->d;
    json_t *members = json_object_get(o, "members");
    uint64_t bytes = 0;
    int lane;
    if (!get_str(ld, o, ev, "leader", &leader) || !lane_of(ld, leader, &lane)) return false;
    if (!json_is_array(members) || json_array_size(members) == 0)
        return not_a_trace(ld, "%s without a \"members\" list", ev);
    if (!memtable && !get_u64(ld, o, ev, "bytes", &bytes)) return false;
    if (!in_window(d, t_ns)) return true;
    if (!grow(ld, (void **)&d->groups, d->group_count, &d->group_cap, sizeof *d->groups)) return false;
    plot_group g = {.t_ns = t_ns, .memtable = memtable, .leader_lane = lane,
                    .member_first = d->member_count, .bytes = bytes, .run = ld->run};
    for (size_t i = 0; i < json_array_size(members); i++)
        if (!add_member(ld, json_array_get(members, i))) return false;
    g.member_count = d->member_count - g.member_first;
    d->groups[d->group_count++] = g;
    return true;
}

static bool ev_group(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    return ev_group_of(ld, o, t_ns, false);
}

static bool ev_memtable_group(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    return ev_group_of(ld, o, t_ns, true);
}

static bool ev_wal_append(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    const char *writer, *status = status_of(o);
    int lane;
    if (!get_str(ld, o, "wal_append", "writer", &writer) || !lane_of(ld, writer, &lane)) return false;
    if (!add_mark(ld, PLOT_MARK_WAL_APPEND, lane, t_ns, "")) return false;
    if (strcmp(status, "ok") == 0) return true;
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "WAL append %s", status);
    return add_mark(ld, PLOT_MARK_ERROR, lane, t_ns, text);
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
static bool mark_failure(plot_loader *ld, json_t *o, int lane, uint64_t t_ns, const char *what)
{
    const char *status = status_of(o);
    if (strcmp(status, "ok") == 0) return true;
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "%s %s", what, status);
    return add_mark(ld, PLOT_MARK_ERROR, lane, t_ns, text);
}

static bool ev_wal_sync(plot_loader *ld, json_t *o, uint64_t t_ns, bool begin)
{
    const char *writer;
    int lane;
    if (!get_str(ld, o, begin ? "wal_sync_begin" : "wal_sync_end", "writer", &writer) ||
        !fiber_lane(ld, writer, &lane))
        return false;
    if (begin) {
        span_begin(ld, PLOT_SPAN_WAL_SYNC, lane, t_ns);
        return true;
    }
    return span_end(ld, PLOT_SPAN_WAL_SYNC, lane, t_ns) && mark_failure(ld, o, lane, t_ns, "WAL sync");
}

static bool ev_wal_sync_begin(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    return ev_wal_sync(ld, o, t_ns, true);
}

static bool ev_wal_sync_end(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    return ev_wal_sync(ld, o, t_ns, false);
}

/* Inserts are drawn on the lane of the fiber doing them: a serial
 * memtable leader inserts its whole group, one batch after another. */
static bool ev_insert_begin(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)o;
    span_begin(ld, PLOT_SPAN_INSERT, fiber, t_ns);
    return true;
}

static bool ev_insert_end(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    return span_end(ld, PLOT_SPAN_INSERT, fiber, t_ns) &&
           mark_failure(ld, o, fiber, t_ns, "memtable insert");
}

static bool ev_flush_begin(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)o;
    span_begin(ld, PLOT_SPAN_FLUSH, fiber, t_ns);
    return true;
}

static bool ev_flush_end(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    return span_end(ld, PLOT_SPAN_FLUSH, fiber, t_ns) && mark_failure(ld, o, fiber, t_ns, "flush");
}

static bool ev_stall_begin(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)o, (void)fiber;
    if (!ld->stalled) ld->stall_ns = t_ns;
    ld->stalled = true;
    return true;
}

static bool ev_stall_end(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)o, (void)fiber;
    if (!ld->stalled) return true;
    ld->stalled = false;
    return add_span(ld, PLOT_SPAN_STALL, PLOT_LANE_NONE, -1, ld->stall_ns, t_ns);
}

static bool ev_hold(plot_loader *ld, json_t *o, uint64_t t_ns, bool begin)
{
    const char *writer;
    int lane;
    if (!get_str(ld, o, begin ? "hold" : "release", "writer", &writer) || !lane_of(ld, writer, &lane))
        return false;
    if (!begin) return span_end(ld, PLOT_SPAN_HOLD, lane, t_ns);
    span_begin(ld, PLOT_SPAN_HOLD, lane, t_ns);
    return true;
}

static bool ev_hold_begin(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    return ev_hold(ld, o, t_ns, true);
}

static bool ev_release(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    (void)fiber;
    return ev_hold(ld, o, t_ns, false);
}

static bool ev_bg_error(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "bg_error %s", status_of(o));
    return add_mark(ld, PLOT_MARK_ERROR, fiber, t_ns, "") &&
           add_mark(ld, PLOT_MARK_BG_ERROR, fiber, t_ns, text);
}

static bool ev_violation(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    const char *invariant;
    if (!get_str(ld, o, "violation", "invariant", &invariant)) return false;
    char text[PLOT_TEXT_MAX];
    snprintf(text, sizeof text, "violation: %s", invariant);
    return add_mark(ld, PLOT_MARK_ERROR, fiber, t_ns, "") &&
           add_mark(ld, PLOT_MARK_BG_ERROR, fiber, t_ns, text);
}

static bool close_open(plot_loader *ld, uint64_t t_ns);

/* Crash, reopen, recovery, memtable switch: worth a mark once writes run
 * (the DB's first open is setup, not part of the lesson).  A crash ends
 * every writer where it stood. */
static bool ev_engine(plot_loader *ld, json_t *o, uint64_t t_ns, int fiber)
{
    const char *ev = json_string_value(json_object_get(o, "ev"));
    char text[PLOT_TEXT_MAX];
    uint64_t n = 0;
    if (!ld->wrote) return true;
    if (strcmp(ev, "memtable_switch") == 0) {
        if (!get_u64(ld, o, ev, "log", &n)) return false;
        snprintf(text, sizeof text, "new memtable, log %llu", (unsigned long long)n);
    } else if (strcmp(ev, "recovery") == 0) {
        if (!get_u64(ld, o, ev, "records", &n)) return false;
        snprintf(text, sizeof text, "recovery: %llu records", (unsigned long long)n);
    } else {
        snprintf(text, sizeof text, "%s", ev);
    }
    if (!add_mark(ld, PLOT_MARK_ENGINE, fiber, t_ns, text)) return false;
    note_activity(ld->d, t_ns);
    if (strcmp(ev, "crash") == 0 &&
        (!add_mark(ld, PLOT_MARK_CRASH, fiber, t_ns, "crash") || !close_open(ld, t_ns)))
        return false;
    return strcmp(ev, "recovery") != 0 || mark_failure(ld, o, fiber, t_ns, "recovery");
}

static const struct {
    const char *ev;
    event_fn fn;
} event_table[] = {
    {"write_begin", ev_write_begin},   {"write_end", ev_write_end},
    {"state", ev_state},               {"group", ev_group},
    {"memtable_group", ev_memtable_group}, {"wal_append", ev_wal_append},
    {"wal_sync_begin", ev_wal_sync_begin}, {"wal_sync_end", ev_wal_sync_end},
    {"insert_begin", ev_insert_begin}, {"insert_end", ev_insert_end},
    {"flush_begin", ev_flush_begin},   {"flush_end", ev_flush_end},
    {"stall_begin", ev_stall_begin},   {"stall_end", ev_stall_end},
    {"hold", ev_hold_begin},           {"release", ev_release},
    {"bg_error", ev_bg_error},         {"violation", ev_violation},
    {"memtable_switch", ev_engine},    {"recovery", ev_engine},
    {"crash", ev_engine},              {"reopen", ev_engine},
};

static bool load_event(plot_loader *ld, json_t *o)
{
    const char *ev, *fiber;
    uint64_t step, t_ns;
    int lane;
    if (!get_u64(ld, o, "event", "step", &step) || !get_u64(ld, o, "event", "t", &t_ns) ||
        !get_str(ld, o, "event", "fiber", &fiber) || !get_str(ld, o, "event", "ev", &ev))
        return false;
    if (t_ns > ld->last_ns) ld->last_ns = t_ns;
    for (size_t i = 0; i < sizeof event_table / sizeof event_table[0]; i++) {
        if (strcmp(ev, event_table[i].ev) != 0) continue;
        return fiber_lane(ld, fiber, &lane) && event_table[i].fn(ld, o, t_ns, lane);
    }
    return true; /* pick, publish, allocate, finish, and kinds newer than this reader */
}

/* --------------------------------------------------------- header lines */

/* "serial memtable", "pipelined, parallel memtable", ... from the options
 * of the embedded scenario (defaults as in wt_options_default). */
static void describe_mode(json_t *options, char *out, size_t cap)
{
    static const struct { const char *key; const char *text; } flags[] = {
        {"enable_pipelined_write", "pipelined"}, {"unordered_write", "unordered"},
        {"two_write_queues", "two write queues"}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!json_is_true(json_object_get(options, flags[i].key))) continue;
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s, ", flags[i].text);
    }
    bool parallel = !json_is_false(json_object_get(options, "allow_concurrent_memtable_write"));
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%s memtable", parallel ? "parallel" : "serial");
}

/* Lanes in the scenario's writer order, and the write mode.  The embedded
 * scenario was validated when it ran; if it does not parse, lanes simply
 * follow the order in which writers appear. */
static bool lanes_from_scenario(plot_loader *ld, const char *text)
{
    json_t *sc = json_loads(text, 0, NULL);
    if (sc == NULL) return true;
    json_t *writers = json_object_get(sc, "writers");
    bool ok = true;
    for (size_t i = 0; ok && i < json_array_size(writers); i++) {
        json_t *name = json_object_get(json_array_get(writers, i), "name");
        int lane;
        if (json_is_string(name)) ok = lane_of(ld, json_string_value(name), &lane);
    }
    if (ld->run == 0) describe_mode(json_object_get(sc, "options"), ld->d->mode, sizeof ld->d->mode);
    json_decref(sc);
    return ok;
}

static bool load_header(plot_loader *ld, json_t *o)
{
    const char *format, *name, *policy, *seed, *text;
    uint64_t version;
    plot_data *d = ld->d;
    if (!get_str(ld, o, "header", "format", &format)) return false;
    if (strcmp(format, "wtlab-trace") != 0) return not_a_trace(ld, "format is \"%.40s\"", format);
    if (!get_u64(ld, o, "header", "version", &version)) return false;
    if (version != 1) return not_a_trace(ld, "version %llu; this wtlab reads version 1",
                                         (unsigned long long)version);
    if (!get_str(ld, o, "header", "scenario_name", &name) ||
        !get_str(ld, o, "header", "policy", &policy) || !get_str(ld, o, "header", "seed", &seed) ||
        !get_str(ld, o, "header", "scenario", &text))
        return false;
    if (ld->run > 0 && strcmp(d->scenario_name, name) != 0) d->mixed = true;
    if (ld->run == 0) {
        snprintf(d->scenario_name, sizeof d->scenario_name, "%s", name);
        snprintf(d->policy, sizeof d->policy, "%s", policy);
        snprintf(d->seed, sizeof d->seed, "%s", seed);
    }
    d->runs++;
    d->has_timeline = true;
    return lanes_from_scenario(ld, text);
}

static bool add_exploration_transition(plot_loader *ld, json_t *t)
{
    int from, to;
    uint64_t count;
    if (!json_is_object(t)) return not_a_trace(ld, "a transition is not an object");
    if (!get_state(ld, t, "from", &from) || !get_state(ld, t, "to", &to) ||
        !get_u64(ld, t, "transition", "count", &count))
        return false;
    ld->d->transitions[from][to] += count;
    return true;
}

/* {"type":"exploration","scenario_name":...,"runs":N,"transitions":[...]} */
static bool load_exploration(plot_loader *ld, json_t *o)
{
    const char *name;
    uint64_t runs;
    json_t *list = json_object_get(o, "transitions");
    if (!get_str(ld, o, "exploration", "scenario_name", &name) ||
        !get_u64(ld, o, "exploration", "runs", &runs))
        return false;
    if (!json_is_array(list)) return not_a_trace(ld, "exploration without a \"transitions\" list");
    if (ld->run > 0 && strcmp(ld->d->scenario_name, name) != 0) ld->d->mixed = true;
    if (ld->run == 0) snprintf(ld->d->scenario_name, sizeof ld->d->scenario_name, "%s", name);
    ld->d->runs += runs;
    for (size_t i = 0; i < json_array_size(list); i++)
        if (!add_exploration_transition(ld, json_array_get(list, i))) return false;
    return true;
}

static bool load_summary(plot_loader *ld, json_t *o)
{
    const char *outcome;
    uint64_t t_ns;
    if (!get_str(ld, o, "summary", "outcome", &outcome) || !get_u64(ld, o, "summary", "t", &t_ns))
        return false;
    if (ld->run == 0) snprintf(ld->d->outcome, sizeof ld->d->outcome, "%s", outcome);
    if (t_ns > ld->last_ns) ld->last_ns = t_ns;
    ld->summary_seen = true;
    return true;
}

/* One line: the header or exploration summary first, then events and the
 * trace summary. */
static bool load_line(plot_loader *ld, json_t *o)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    if (ld->line_no == 1) {
        if (type != NULL && strcmp(type, "exploration") == 0) {
            ld->exploration = true;
            return load_exploration(ld, o);
        }
        if (type == NULL || strcmp(type, "header") != 0)
            return not_a_trace(ld, "line 1 is not a wtlab header");
        return load_header(ld, o);
    }
    if (ld->exploration) {
        if (type != NULL && strcmp(type, "exploration") == 0) return load_exploration(ld, o);
        return not_a_trace(ld, "an exploration summary holds only exploration lines");
    }
    if (ld->summary_seen) return not_a_trace(ld, "a line after the summary");
    if (type != NULL && strcmp(type, "summary") == 0) return load_summary(ld, o);
    if (type != NULL) return not_a_trace(ld, "unexpected line type \"%.40s\"", type);
    return load_event(ld, o);
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
    return ev_stall_end(ld, NULL, t_ns, PLOT_LANE_NONE);
}

static bool load_lines(plot_loader *ld, FILE *f)
{
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t n;
    bool ok = true;
    while (ok && (n = getline(&line, &line_cap, f)) >= 0) {
        ld->line_no++;
        if (n > PLOT_MAX_LINE_BYTES) {
            ok = not_a_trace(ld, "line longer than %d bytes", PLOT_MAX_LINE_BYTES);
            break;
        }
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)n, 0, &je);
        if (o == NULL) ok = not_a_trace(ld, "not JSON: %s", je.text);
        else if (!json_is_object(o)) ok = not_a_trace(ld, "not a JSON object");
        else ok = load_line(ld, o);
        json_decref(o);
    }
    free(line);
    if (ok && ferror(f)) ok = not_a_trace(ld, "read error");
    if (ok && ld->line_no == 0) {
        ld->line_no = 1;
        ok = not_a_trace(ld, "empty file");
    }
    return ok;
}

bool plot_load(plot_data *d, const char *path, char *err, size_t err_cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_cap, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    plot_loader *ld = calloc(1, sizeof *ld);
    bool ok = ld != NULL;
    if (!ok) snprintf(err, err_cap, "%s: out of memory", path);
    if (ok) {
        *ld = (plot_loader){.d = d, .path = path, .err = err, .err_cap = err_cap, .run = d->files};
        ok = load_lines(ld, f) && close_open(ld, ld->last_ns);
    }
    d->files++;
    free(ld);
    fclose(f);
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
