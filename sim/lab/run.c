/*
 * run.c — executing a scenario: fibers for writers, crash, reopen, trace.
 *
 * The root fiber ("main") opens the DB on a fresh simfs, spawns one fiber
 * per scenario writer (in scenario order, so fiber ids are stable), joins
 * them, runs the oracle's final checks, optionally crashes and recovers,
 * checks the expectations and closes the DB.  Scheduler hooks turn every
 * engine event into a trace line and an oracle call, and hand what the
 * other rooms need to them: sync points and states to the pinning rules
 * (pins.c), groups formed to the expectations (expect.c), the engine's
 * queues to deadlock reports and `--at` dumps (dump.c).  The policy comes
 * from policy.c.  Trace lines are written here, and only here.
 *
 * All state of a run lives in one run_state; engine memory is tracked by
 * port_sim so a failed run frees it.  Names, never addresses, appear in
 * every output.  Not thread-safe: one run at a time per process.
 */
#include "run.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bugs.h"
#include "build_id.h"
#include "dump.h"
#include "expect.h"
#include "oracle.h"
#include "pins.h"
#include "policy.h"
#include "port_sim.h"
#include "simfs.h"
#include "write_thread.h"

static const char *const DB_DIR = "/db";

typedef struct writer_rt {
    int index;
    uint32_t fiber;
    int batch;                  /* current batch, -1 before the first */
    uint32_t last_state;        /* last writer state seen in events */
    uint32_t states_seen;       /* bits */
    struct run_state *rs;
} writer_rt;

typedef struct run_state {
    const run_config *cfg;
    const scenario *sc;
    run_result *res;
    sched *s;
    simfs *fs;
    wt_db *db;
    oracle *orc;
    jline line;
    writer_rt *writers;
    int fiber_writer[SCHED_MAX_FIBERS];
    pins pins;
    expect_log expect;
    bool writers_spawned, crashed;
    uint64_t writers_start_ns;  /* writers' start_ns count from here */
    uint64_t insert_faults_seen; /* calls of the "memtable:insert" fault point */
    uint64_t crash_count;
    uint32_t last_fiber;        /* the fiber that took the previous decision's step */
} run_state;

const char *run_build_id(void)
{
    static char id[128];
    if (id[0] == '\0')
        snprintf(id, sizeof id, "%s inject_bug=%s", WTLAB_BUILD_ID, wt_injected_bug_name());
    return id;
}

void run_config_default(run_config *c, const scenario *sc)
{
    memset(c, 0, sizeof *c);
    c->sc = sc;
    c->policy = sc->schedule.policy;
    c->seed = sc->schedule.seed;
    c->pct_depth = sc->schedule.pct_depth;
    c->pct_steps = sc->schedule.pct_steps;
    c->trace_decisions = true;
}

void run_config_replay(run_config *c, const scenario *sc, run_picks picks,
                       scenario_policy fallback, uint64_t seed, const char *label)
{
    assert(picks.names == NULL || picks.ids == NULL);
    assert(picks.count == 0 || picks.names != NULL || picks.ids != NULL);
    run_config_default(c, sc);
    c->policy = fallback;
    c->seed = seed;
    c->forced = picks.ids;
    c->forced_count = picks.ids ? picks.count : 0;
    c->forced_names = picks.names;
    c->forced_name_count = picks.names ? picks.count : 0;
    c->policy_label = label;
}

/* --------------------------------------------------------------- naming */

static const char *fiber_name(run_state *rs, uint32_t id)
{
    sched_fiber *f = sched_fiber_at(rs->s, id);
    return f ? f->name : "?";
}

static int writer_of_fiber(const run_state *rs, uint32_t fiber)
{
    return fiber < SCHED_MAX_FIBERS ? rs->fiber_writer[fiber] : -1;
}

/* Starts an event line: step, virtual time, the fiber running, the kind. */
static jline *event_line(run_state *rs, const char *ev)
{
    jline *j = &rs->line;
    jline_begin(j);
    jline_u64(j, "step", sched_steps(rs->s));
    jline_u64(j, "t", sched_now_ns(rs->s));
    sched_fiber *me = sched_self(rs->s);
    jline_str(j, "fiber", me ? me->name : "-");
    jline_str(j, "ev", ev);
    return j;
}

static void emit_line(run_state *rs)
{
    jline_end(&rs->line);
    if (rs->cfg->trace) trace_emit(rs->cfg->trace, &rs->line);
}

/* ------------------------------------------------------------- failures */

static void record_failure(run_state *rs, const char *invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void record_failure(run_state *rs, const char *invariant, const char *fmt, ...)
{
    if (rs->res->failed_invariant != NULL) return;
    rs->res->failed_invariant = invariant;
    rs->res->violation_step = rs->s ? sched_steps(rs->s) : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rs->res->detail, sizeof rs->res->detail, fmt, ap);
    va_end(ap);
}

/* An invariant broke: trace it and stop the run here. */
static void violation(run_state *rs, const oracle_violation *v)
{
    record_failure(rs, v->invariant, "%s", v->detail);
    jline *j = event_line(rs, "violation");
    jline_str(j, "invariant", v->invariant);
    jline_str(j, "detail", v->detail);
    emit_line(rs);
    sched_abort(rs->s, v->detail);
}

/* ---------------------------------------------------------- engine events */

static const char *flags_text(uint32_t flags, char *buf, size_t n)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        {PORT_EV_FLAG_SYNC, "sync"}, {PORT_EV_FLAG_DISABLE_WAL, "disable_wal"},
        {PORT_EV_FLAG_NO_SLOWDOWN, "no_slowdown"},
        {PORT_EV_FLAG_DISABLE_MEMTABLE, "disable_memtable"},
        {PORT_EV_FLAG_NO_BATCHING, "no_batching"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].bit)) continue;
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", len ? "," : "", names[i].name);
    }
    return buf;
}

static void note_state(run_state *rs, int w, const port_event *e)
{
    int from = state_index(e->from), to = state_index(e->to);
    if (from >= 0 && to >= 0) rs->res->transitions[from][to]++;
    rs->res->states_visited |= e->to;
    if (w < 0) return;
    writer_rt *wr = &rs->writers[w];
    wr->last_state = e->to;
    wr->states_seen |= e->to;
    pins_on_state(&rs->pins, w, e->to);
}

static void group_line(run_state *rs, const port_event *e, const char *ev)
{
    jline *j = event_line(rs, ev);
    jline_str(j, "leader", fiber_name(rs, e->writer));
    jline_array_begin(j, "members");
    for (uint32_t i = 0; i < e->member_count; i++) jline_str(j, NULL, fiber_name(rs, e->members[i]));
    jline_array_end(j);
    if (e->kind == PORT_EV_GROUP) jline_u64(j, "bytes", e->a);
    jline_u64(j, "first_seq", e->b);
    jline_u64(j, "last_seq", e->c);
    emit_line(rs);
}

/* The trace line of one engine event. */
static void event_to_line(run_state *rs, const port_event *e, int w)
{
    char buf[128];
    jline *j;
    const char *who = fiber_name(rs, e->writer);
    switch (e->kind) {
    case PORT_EV_WRITE_BEGIN:
        j = event_line(rs, "write_begin");
        jline_str(j, "writer", who);
        jline_i64(j, "batch", w >= 0 ? rs->writers[w].batch : -1);
        jline_u64(j, "bytes", e->a);
        jline_u64(j, "count", e->b);
        jline_str(j, "opts", flags_text(e->flags, buf, sizeof buf));
        break;
    case PORT_EV_WRITE_END:
        j = event_line(rs, "write_end");
        jline_str(j, "writer", who);
        jline_i64(j, "batch", w >= 0 ? rs->writers[w].batch : -1);
        jline_str(j, "status", wt_status_name(e->status));
        jline_u64(j, "seq", e->a);
        jline_u64(j, "count", e->b);
        break;
    case PORT_EV_STATE:
        j = event_line(rs, "state");
        jline_str(j, "writer", who);
        jline_str(j, "from", wt_state_name(e->from));
        jline_str(j, "to", wt_state_name(e->to));
        break;
    case PORT_EV_GROUP:
        group_line(rs, e, "group");
        return;
    case PORT_EV_MEMTABLE_GROUP:
        group_line(rs, e, "memtable_group");
        return;
    case PORT_EV_WAL_APPEND:
        j = event_line(rs, "wal_append");
        jline_str(j, "writer", who);
        jline_u64(j, "offset", e->a);
        jline_u64(j, "bytes", e->b);
        jline_u64(j, "first_seq", e->c);
        jline_u64(j, "count", e->d);
        jline_str(j, "status", wt_status_name(e->status));
        break;
    case PORT_EV_WAL_SYNC_BEGIN:
    case PORT_EV_WAL_SYNC_END:
        j = event_line(rs, e->kind == PORT_EV_WAL_SYNC_BEGIN ? "wal_sync_begin" : "wal_sync_end");
        jline_str(j, "writer", who);
        jline_u64(j, "log", e->a);
        if (e->kind == PORT_EV_WAL_SYNC_END) jline_str(j, "status", wt_status_name(e->status));
        break;
    case PORT_EV_MEM_INSERT_BEGIN:
    case PORT_EV_MEM_INSERT_END:
        j = event_line(rs, e->kind == PORT_EV_MEM_INSERT_BEGIN ? "insert_begin" : "insert_end");
        jline_str(j, "writer", who);
        jline_u64(j, "seq", e->a);
        jline_u64(j, "count", e->b);
        if (e->kind == PORT_EV_MEM_INSERT_END) jline_str(j, "status", wt_status_name(e->status));
        break;
    case PORT_EV_PUBLISH:
        j = event_line(rs, "publish");
        jline_u64(j, "seq", e->a);
        break;
    case PORT_EV_ALLOCATE:
        j = event_line(rs, "allocate");
        jline_u64(j, "first_seq", e->a);
        jline_u64(j, "count", e->b);
        break;
    case PORT_EV_STALL_BEGIN:
    case PORT_EV_STALL_END:
        j = event_line(rs, e->kind == PORT_EV_STALL_BEGIN ? "stall_begin" : "stall_end");
        jline_u64(j, "reason", e->a);
        break;
    case PORT_EV_ERROR:
        j = event_line(rs, "bg_error");
        jline_str(j, "status", wt_status_name(e->status));
        break;
    case PORT_EV_MEMTABLE_SWITCH:
        j = event_line(rs, "memtable_switch");
        jline_u64(j, "log", e->a);
        jline_u64(j, "immutables", e->b);
        break;
    case PORT_EV_FLUSH_BEGIN:
    case PORT_EV_FLUSH_END:
        j = event_line(rs, e->kind == PORT_EV_FLUSH_BEGIN ? "flush_begin" : "flush_end");
        jline_u64(j, "file", e->a);
        if (e->kind == PORT_EV_FLUSH_BEGIN) jline_u64(j, "entries", e->b);
        else jline_str(j, "status", wt_status_name(e->status));
        break;
    case PORT_EV_RECOVERY:
        j = event_line(rs, "recovery");
        jline_u64(j, "records", e->a);
        jline_u64(j, "last_seq", e->b);
        jline_u64(j, "problem_offset", e->c ? e->c - 1 : 0);
        jline_bool(j, "problem", e->c != 0);
        jline_str(j, "status", wt_status_name(e->status));
        break;
    default:
        return;
    }
    emit_line(rs);
}

static void on_event(void *arg, sched *s, const port_event *e)
{
    (void)s;
    run_state *rs = arg;
    int w = writer_of_fiber(rs, e->writer);
    int members[SCHED_MAX_FIBERS];
    for (uint32_t i = 0; i < e->member_count && i < SCHED_MAX_FIBERS; i++)
        members[i] = writer_of_fiber(rs, e->members[i]);
    if (e->kind == PORT_EV_STATE) note_state(rs, w, e);
    if (e->kind == PORT_EV_GROUP && e->b != 0) {
        rs->res->groups++;
        if (e->member_count > rs->res->max_group) rs->res->max_group = e->member_count;
        expect_note_group(&rs->expect, members, e->member_count);
    }
    if (e->kind == PORT_EV_WAL_SYNC_END) rs->res->wal_syncs++;
    event_to_line(rs, e, w);
    oracle_violation v;
    if (!oracle_on_event(rs->orc, e, w, w >= 0 ? rs->writers[w].batch : -1, sched_steps(rs->s),
                         members, &v))
        violation(rs, &v);
}

/* ------------------------------------------------------ scheduler hooks */

static void on_decision(void *arg, sched *s, const sched_decision *d, const uint32_t *cands)
{
    run_state *rs = arg;
    sched_fiber *cur = sched_self(s);
    bool cur_runnable = false;
    for (uint32_t i = 0; i < d->candidate_count; i++)
        cur_runnable = cur_runnable || (cur != NULL && cands[i] == cur->id);
    if (cur_runnable && d->pick != cur->id) rs->res->preemptions++;
    if (!rs->cfg->trace || !rs->cfg->trace_decisions) return;
    jline *j = event_line(rs, "pick");
    jline_str(j, "pick", fiber_name(rs, d->pick));
    jline_array_begin(j, "of");
    for (uint32_t i = 0; i < d->candidate_count; i++) jline_str(j, NULL, fiber_name(rs, cands[i]));
    jline_array_end(j);
    emit_line(rs);
}

static void note_sync_point(run_state *rs, const char *name)
{
    run_result *r = rs->res;
    for (size_t i = 0; i < r->sync_point_count; i++)
        if (r->sync_points[i] == name || strcmp(r->sync_points[i], name) == 0) return;
    if (r->sync_point_count < RUN_MAX_SYNC_POINTS) r->sync_points[r->sync_point_count++] = name;
}

static void describe_until(const scenario_pin *p, char *buf, size_t n)
{
    switch (p->until_kind) {
    case SCENARIO_UNTIL_STATE:
        snprintf(buf, n, "%s is %s", p->until_writer, wt_state_name(p->until_state));
        break;
    case SCENARIO_UNTIL_SYNC_POINT:
        snprintf(buf, n, "%s reaches %s", p->until_writer, p->until_sync_point);
        break;
    case SCENARIO_UNTIL_FINISHED:
        snprintf(buf, n, "%s finishes", p->until_writer);
        break;
    case SCENARIO_UNTIL_TIME:
        snprintf(buf, n, "t >= %llu ns", (unsigned long long)p->until_time_ns);
        break;
    }
}

static void pin_line(run_state *rs, pin_rt *p, const char *ev, const char *writer)
{
    char until[256];
    describe_until(p->pin, until, sizeof until);
    jline *j = event_line(rs, ev);
    jline_str(j, "writer", writer);
    jline_str(j, "at", p->pin->at);
    jline_str(j, "until", until);
    emit_line(rs);
}

/* The pins' line callback (pins.h): their holds and releases, traced. */
static void pin_trace(void *arg, pin_rt *p, const char *ev, const char *writer)
{
    pin_line(arg, p, ev, writer);
}

/* A writer reached a sync point: note it; hold it there if a pin says so. */
static bool on_sync_point(void *arg, sched *s, sched_fiber *f, const char *name)
{
    run_state *rs = arg;
    note_sync_point(rs, name);
    int w = writer_of_fiber(rs, f->id);
    if (w < 0) return false;
    return pins_on_sync_point(&rs->pins, s, f, w, name);
}

/* `--at STEP`: the writers' progress by fiber id, then the dump. */
static void dump_now(run_state *rs)
{
    size_t n = sched_fiber_count(rs->s);
    dump_writer *by_fiber = calloc(n + 1, sizeof *by_fiber);
    assert(by_fiber != NULL);
    for (size_t i = 0; i < n; i++) {
        int w = writer_of_fiber(rs, (uint32_t)i);
        by_fiber[i] = w < 0 ? (dump_writer){.batch = -1}
                            : (dump_writer){.batch = rs->writers[w].batch,
                                            .batch_count = rs->sc->writers[w].batch_count,
                                            .last_state = rs->writers[w].last_state};
    }
    dump_state(rs->cfg->dump_out ? rs->cfg->dump_out : stdout, rs->s, rs->db, &rs->sc->options,
               by_fiber);
    free(by_fiber);
}

static void after_step(void *arg, sched *s)
{
    run_state *rs = arg;
    if (rs->cfg->dump_at_step != 0 && sched_steps(s) == rs->cfg->dump_at_step) dump_now(rs);
    if (rs->cfg->stop_after_step != 0 && sched_steps(s) > rs->cfg->stop_after_step)
        sched_fail(s, SCHED_ABORTED, "stopped at the requested step");
    pins_after_step(&rs->pins, s);
}

static void on_fiber_end(void *arg, sched *s, sched_fiber *f)
{
    (void)s;
    run_state *rs = arg;
    int w = writer_of_fiber(rs, f->id);
    if (w >= 0) pins_on_finished(&rs->pins, w);
    jline *j = event_line(rs, "finish");
    (void)j;
    emit_line(rs);
}

/* A deadlock report ends with the write queues. */
static void on_deadlock(void *arg, sched *s, char *buf, size_t cap)
{
    run_state *rs = arg;
    dump_deadlock_queues(s, rs->db, &rs->sc->options, buf, cap);
}

/* --------------------------------------------------------------- writers */

static wt_status callback_check(void *arg)
{
    const scenario_batch *b = arg;
    return b->callback_fail ? WT_BUSY : WT_OK;
}

static void fill_batch(wt_write_batch *wb, const scenario_batch *b)
{
    wt_batch_clear(wb);
    for (size_t i = 0; i < b->op_count; i++) {
        const scenario_op *op = &b->ops[i];
        wt_slice key = wt_slice_str(op->key);
        switch (op->kind) {
        case SCENARIO_OP_PUT: wt_batch_put(wb, key, wt_slice_str(op->value)); break;
        case SCENARIO_OP_DELETE: wt_batch_delete(wb, key); break;
        case SCENARIO_OP_SINGLE_DELETE: wt_batch_single_delete(wb, key); break;
        case SCENARIO_OP_LOG_DATA: wt_batch_put_log_data(wb, key); break;
        }
    }
}

static void writer_main(void *arg)
{
    writer_rt *wr = arg;
    run_state *rs = wr->rs;
    const scenario_writer *sw = &rs->sc->writers[wr->index];
    uint64_t start = rs->writers_start_ns + sw->start_ns;
    if (start > port_now_ns()) port_sleep_ns(start - port_now_ns());
    wt_write_batch wb;
    wt_batch_init(&wb);
    for (size_t i = 0; i < sw->batch_count; i++) {
        const scenario_batch *b = &sw->batches[i];
        if (b->think_ns) port_sleep_ns(b->think_ns);
        fill_batch(&wb, b);
        wt_write_options wo = {.sync = b->sync, .disable_wal = b->disable_wal,
                               .no_slowdown = b->no_slowdown,
                               .disable_memtable = b->disable_memtable};
        wt_write_callback cb = {callback_check, (void *)b, b->callback_allow_batching};
        wr->batch = (int)i;
        uint64_t seq = 0;
        wt_status st = wt_db_write_ex(rs->db, &wo, &wb, b->has_callback ? &cb : NULL, &seq);
        (void)st; /* the oracle has it from the write_end event */
    }
    wt_batch_destroy(&wb);
}

/* ------------------------------------------------------------ fault points */

static wt_status fault_point(const char *name, void *arg)
{
    run_state *rs = arg;
    if (strcmp(name, "memtable:insert") != 0) return WT_OK;
    uint64_t n = ++rs->insert_faults_seen;
    for (size_t i = 0; i < rs->sc->device.fault_count; i++) {
        const scenario_fault *f = &rs->sc->device.faults[i];
        if (f->op == SCENARIO_FAULT_MEMTABLE_INSERT && (n == f->nth || (f->sticky && n > f->nth)))
            return f->error;
    }
    return WT_OK;
}

/* ----------------------------------------------------------------- crash */

static void crash_now(run_state *rs)
{
    sched *s = rs->s;
    jline *j = event_line(rs, "crash");
    jline_bool(j, "tear_last_write", rs->sc->crash.tear_last_write);
    emit_line(rs);
    sched_fiber *me = sched_self(s);
    for (size_t i = 1; i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (f != me && f->state != SCHED_FINISHED) sched_kill(s, f);
    }
    oracle_on_crash(rs->orc);
    simfs_crash(rs->fs, rs->sc->crash.tear_last_write);
    /* Everything the engine held is gone with the process. */
    port_sim_track_end(NULL, NULL);
    port_sim_track_begin();
    rs->db = NULL;
    rs->crashed = true;
    rs->crash_count++;
}

static void crasher_main(void *arg)
{
    run_state *rs = arg;
    uint64_t at = rs->sc->crash.time_ns;
    if (at > port_now_ns()) port_sleep_ns(at - port_now_ns());
    if (!rs->crashed) crash_now(rs);
}

/* ------------------------------------------------------------------ main */

static wt_status open_db(run_state *rs)
{
    wt_options o = rs->sc->options;
    o.create_if_missing = true;
    wt_recovery_report rep;
    wt_status st = wt_db_open(&o, DB_DIR, &rs->db, &rep);
    if (st != WT_OK) {
        rs->db = NULL;
        record_failure(rs, "open_failed", "opening the DB failed: %s%s%s", wt_status_name(st),
                       rep.problems ? "; " : "", rep.problems ? rep.problem_reason : "");
    }
    return st;
}

static void check_or_stop(run_state *rs, bool ok, const oracle_violation *v)
{
    if (!ok) violation(rs, v);
}

static void root_main(void *arg)
{
    run_state *rs = arg;
    if (open_db(rs) != WT_OK) return;
    port_thread *crasher = NULL;
    if (rs->sc->crash.when == SCENARIO_CRASH_AT_TIME &&
        port_thread_create(&crasher, "crasher", crasher_main, rs) != WT_OK)
        return;
    port_thread *threads[SCENARIO_MAX_WRITERS];
    rs->writers_start_ns = port_now_ns();
    for (size_t i = 0; i < rs->sc->writer_count; i++) {
        if (port_thread_create(&threads[i], rs->sc->writers[i].name, writer_main,
                               &rs->writers[i]) != WT_OK)
            return;
        rs->writers[i].fiber = sched_fiber_at(rs->s, (uint32_t)(sched_fiber_count(rs->s) - 1))->id;
        rs->fiber_writer[rs->writers[i].fiber] = (int)i;
    }
    rs->writers_spawned = true;
    for (size_t i = 0; i < rs->sc->writer_count; i++) port_thread_join(threads[i]);
    if (crasher != NULL) port_thread_join(crasher); /* the crash may come after the writers */
    oracle_violation v;
    if (!rs->crashed && rs->sc->crash.when == SCENARIO_CRASH_AFTER_WRITERS) {
        check_or_stop(rs, oracle_check_final(rs->orc, rs->db, &v), &v);
        crash_now(rs);
    }
    if (rs->crashed) {
        if (!rs->sc->crash.reopen) return;
        jline *j = event_line(rs, "reopen");
        (void)j;
        emit_line(rs);
        if (open_db(rs) != WT_OK) return;
        check_or_stop(rs, oracle_check_recovery(rs->orc, rs->db, &v), &v);
    } else {
        check_or_stop(rs, oracle_check_final(rs->orc, rs->db, &v), &v);
    }
    expect_check(&rs->expect, rs->db, rs->orc, rs->res);
    wt_status st = wt_db_close(rs->db);
    rs->db = NULL;
    if (st != WT_OK) record_failure(rs, "close_failed", "closing the DB failed: %s", wt_status_name(st));
}

/* ------------------------------------------------------------------ setup */

static simfs *make_fs(const scenario *sc, uint64_t seed)
{
    const scenario_device *d = &sc->device;
    simfs_fault *faults = calloc(d->fault_count + 1, sizeof *faults);
    size_t n = 0;
    for (size_t i = 0; i < d->fault_count; i++) {
        const scenario_fault *f = &d->faults[i];
        if (f->op == SCENARIO_FAULT_MEMTABLE_INSERT) continue; /* not a file fault */
        faults[n++] = (simfs_fault){
            .op = f->op == SCENARIO_FAULT_APPEND ? SIMFS_OP_APPEND
                  : f->op == SCENARIO_FAULT_SYNC ? SIMFS_OP_SYNC : SIMFS_OP_READ,
            .nth = f->nth, .error = f->error, .path_suffix = f->path_suffix, .sticky = f->sticky};
    }
    simfs_config cfg = {.append_ns = d->append_ns, .append_ns_per_kib = d->append_ns_per_kib,
                        .sync_ns = d->sync_ns, .read_ns = d->read_ns, .meta_ns = 1000,
                        .capacity_bytes = d->capacity_bytes, .faults = faults,
                        .fault_count = n, .seed = seed};
    simfs *fs = simfs_create(&cfg);
    free(faults);
    return fs;
}

static void header_line(run_state *rs, const char *policy_name)
{
    const run_config *c = rs->cfg;
    jline *j = &rs->line;
    jline_begin(j);
    jline_str(j, "type", "header");
    jline_str(j, "format", "wtlab-trace");
    jline_u64(j, "version", TRACE_FORMAT_VERSION);
    jline_str(j, "build", run_build_id());
    jline_str(j, "scenario_name", rs->sc->name);
    jline_str(j, "scenario_path", rs->sc->path ? rs->sc->path : "");
    jline_str(j, "policy", policy_name);
    jline_u64_as_str(j, "seed", c->seed);
    jline_u64(j, "pct_depth", c->pct_depth);
    jline_u64(j, "pct_steps", c->pct_steps);
    jline_u64(j, "max_steps", c->max_steps ? c->max_steps : rs->sc->schedule.max_steps);
    jline_u64(j, "forced", c->forced ? c->forced_count : c->forced_name_count);
    jline_str(j, "scenario", rs->sc->text);
    jline_end(j);
    if (c->trace && !c->trace_no_header) trace_emit(c->trace, j);
}

static void summary_line(run_state *rs)
{
    run_result *r = rs->res;
    jline *j = &rs->line;
    jline_begin(j);
    jline_str(j, "type", "summary");
    jline_str(j, "outcome", sched_outcome_name(r->outcome));
    jline_bool(j, "passed", r->passed);
    jline_u64(j, "steps", r->steps);
    jline_u64(j, "t", r->virtual_ns);
    jline_u64(j, "decisions", r->decisions);
    jline_u64(j, "preemptions", r->preemptions);
    jline_u64(j, "groups", r->groups);
    jline_u64(j, "max_group", r->max_group);
    jline_u64(j, "wal_syncs", r->wal_syncs);
    jline_array_begin(j, "states_visited");
    for (int i = 0; i < STATE_COUNT; i++)
        if (r->states_visited & state_table[i].bit) jline_str(j, NULL, state_table[i].name);
    jline_array_end(j);
    jline_str(j, "invariants", r->failed_invariant ? r->failed_invariant : "ok");
    if (r->failed_invariant) jline_str(j, "detail", r->detail);
    jline_str(j, "expectations", r->expectations[0] ? r->expectations : "ok");
    jline_end(j);
    if (rs->cfg->trace) trace_emit(rs->cfg->trace, j);
}

static void init_state(run_state *rs, const run_config *cfg, run_result *res)
{
    memset(rs, 0, sizeof *rs);
    rs->cfg = cfg;
    rs->sc = cfg->sc;
    rs->res = res;
    jline_init(&rs->line);
    for (size_t i = 0; i < SCHED_MAX_FIBERS; i++) rs->fiber_writer[i] = -1;
    rs->writers = calloc(rs->sc->writer_count + 1, sizeof *rs->writers);
    for (size_t i = 0; i < rs->sc->writer_count; i++)
        rs->writers[i] = (writer_rt){.index = (int)i, .batch = -1, .rs = rs};
    pins_init(&rs->pins, rs->sc, pin_trace, rs);
    expect_init(&rs->expect, rs->sc);
    rs->orc = oracle_create(rs->sc);
}

static void free_state(run_state *rs)
{
    oracle_free(rs->orc);
    free(rs->writers);
    pins_free(&rs->pins);
    expect_free(&rs->expect);
    jline_free(&rs->line);
}

/* Classifies the run against what the scenario expects. */
static void judge(run_state *rs, sched *s)
{
    run_result *r = rs->res;
    if (r->outcome != SCHED_COMPLETED && r->outcome != SCHED_ABORTED && r->failed_invariant == NULL) {
        const char *name = r->outcome == SCHED_DEADLOCK     ? "deadlock"
                           : r->outcome == SCHED_STEP_LIMIT ? "step_limit"
                                                            : "assertion";
        record_failure(rs, name, "%s", sched_failure_message(s));
        /* A failure that is not an oracle violation still gets its event
         * line, so timelines show where the run ended. */
        jline *j = &rs->line;
        jline_begin(j);
        jline_u64(j, "step", sched_steps(s));
        jline_u64(j, "t", sched_now_ns(s));
        jline_str(j, "fiber", "-");
        jline_str(j, "ev", "violation");
        jline_str(j, "invariant", name);
        jline_str(j, "detail", sched_failure_message(s));
        emit_line(rs);
    }
    const scenario_expect *x = &rs->sc->expect;
    if (x->deadlock)
        r->passed = r->outcome == SCHED_DEADLOCK;
    else if (x->failed_invariant != NULL)
        r->passed = r->failed_invariant != NULL && strcmp(r->failed_invariant, x->failed_invariant) == 0;
    else
        r->passed = r->outcome == SCHED_COMPLETED && r->failed_invariant == NULL &&
                    r->expectations[0] == '\0' && r->leaked_blocks == 0;
    if (r->outcome == SCHED_COMPLETED && r->leaked_blocks > 0 && r->failed_invariant == NULL)
        record_failure(rs, "memory_leak", "the engine left %llu blocks allocated after close",
                       (unsigned long long)r->leaked_blocks);
}

static void copy_picks(run_result *r, sched *s)
{
    r->fiber_count = sched_fiber_count(s);
    r->fiber_names = calloc(r->fiber_count + 1, sizeof *r->fiber_names);
    for (size_t i = 0; i < r->fiber_count; i++)
        snprintf(r->fiber_names[i], SCHED_NAME_MAX, "%s", sched_fiber_at(s, (uint32_t)i)->name);
    r->pick_count = sched_decision_count(s);
    r->picks = malloc((r->pick_count + 1) * sizeof *r->picks);
    r->pick_candidates = malloc((r->pick_count + 1) * sizeof *r->pick_candidates);
    r->pick_current = malloc((r->pick_count + 1) * sizeof *r->pick_current);
    for (size_t i = 0; i < r->pick_count; i++) {
        r->picks[i] = sched_decision_at(s, i)->pick;
        r->pick_candidates[i] = sched_decision_at(s, i)->candidate_count;
        r->pick_current[i] = sched_decision_at(s, i)->current;
    }
}

bool run_scenario(const run_config *cfg, run_result *res)
{
    memset(res, 0, sizeof *res);
    run_state rs;
    init_state(&rs, cfg, res);
    sched_policy *policy = cfg->custom ? cfg->custom : policy_create(cfg);
    header_line(&rs, cfg->policy_label ? cfg->policy_label : policy->name);
    rs.fs = make_fs(rs.sc, cfg->seed);
    port_sim_set_fs(rs.fs);
    port_sim_set_fault_hook(fault_point, &rs);
    sched_config sc = {
        .seed = cfg->seed,
        .max_steps = cfg->max_steps ? cfg->max_steps : rs.sc->schedule.max_steps,
        .tick_ns = rs.sc->schedule.tick_ns,
        .wake_ns = rs.sc->schedule.wake_ns,
        .policy = policy,
        .hooks = {.arg = &rs, .on_decision = on_decision, .on_event = on_event,
                  .on_sync_point = on_sync_point, .after_step = after_step,
                  .on_fiber_end = on_fiber_end, .on_deadlock = on_deadlock},
    };
    rs.s = sched_create(&sc);
    port_sim_track_begin();
    res->outcome = sched_run(rs.s, root_main, &rs);
    size_t leaked = 0;
    port_sim_track_end(&leaked, NULL);
    res->leaked_blocks = res->outcome == SCHED_COMPLETED ? leaked : 0;
    res->steps = sched_steps(rs.s);
    res->virtual_ns = sched_now_ns(rs.s);
    res->decisions = sched_decision_count(rs.s);
    res->held = rs.pins.held;
    copy_picks(res, rs.s);
    if ((cfg->forced != NULL || cfg->forced_names != NULL) && cfg->custom == NULL) {
        res->divergences = sched_policy_forced_divergences(policy);
        res->first_divergence_step = sched_policy_forced_first_divergence(policy);
    }
    judge(&rs, rs.s);
    summary_line(&rs);
    sched_destroy(rs.s);
    rs.s = NULL;
    if (cfg->custom == NULL) policy->destroy(policy);
    port_sim_set_fs(NULL);
    port_sim_set_fault_hook(NULL, NULL);
    simfs_destroy(rs.fs);
    free_state(&rs);
    return true;
}

void run_result_free(run_result *r)
{
    free(r->picks);
    free(r->pick_candidates);
    free(r->pick_current);
    free(r->fiber_names);
    r->fiber_names = NULL;
    r->pick_current = NULL;
    r->picks = NULL;
    r->pick_candidates = NULL;
}
