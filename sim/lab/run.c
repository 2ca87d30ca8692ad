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
#include "export_db.h"
#include "hb.h"
#include "oracle.h"
#include "pins.h"
#include "reads.h"
#include "policy.h"
#include "port_sim.h"
#include "simfs.h"
#include "trace_event.h"
#include "step_check.h"
#include "write_thread.h"

static const char *const DB_DIR = "/db";

typedef struct writer_rt {
    int index;
    uint32_t fiber;
    int batch;                  /* current batch, -1 before the first */
    uint32_t last_state;        /* last writer state seen in events */
    uint32_t states_seen;       /* bits */
    int role;                   /* run_role in the current write (last_state 0: a new write) */
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
    trace_text text;            /* the trace line being written */
    trace_port_scratch scratch; /* what an engine event's line borrows */
    writer_rt *writers;
    int fiber_writer[SCHED_MAX_FIBERS];
    pins pins;
    reads reads;
    expect_log expect;
    bool writers_spawned, crashed;
    uint64_t writers_start_ns;  /* writers' start_ns count from here */
    uint64_t insert_faults_seen; /* calls of the "memtable:insert" fault point */
    uint64_t crash_count;
    uint32_t last_fiber;        /* the fiber that took the previous decision's step */
} run_state;

/* The run in progress, for run_current_db / run_current_writer. */
static run_state *current_run;

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
    if (id == UINT32_MAX) return "dummy"; /* a Writer no thread owns (stall, pipelined) */
    sched_fiber *f = sched_fiber_at(rs->s, id);
    return f ? f->name : "?";
}

static int writer_of_fiber(const run_state *rs, uint32_t fiber)
{
    return fiber < SCHED_MAX_FIBERS ? rs->fiber_writer[fiber] : -1;
}

/* An event of `kind` at the current step and virtual time, by the fiber
 * running (the caller fills the kind's fields). */
static trace_event event_here(run_state *rs, trace_kind kind)
{
    sched_fiber *me = sched_self(rs->s);
    return (trace_event){.kind = kind, .step = sched_steps(rs->s), .t_ns = sched_now_ns(rs->s),
                         .fiber = me ? me->name : "-"};
}

/* Writes one event line to the trace, if there is one. */
static void emit_event(run_state *rs, const trace_event *e)
{
    if (rs->cfg->trace == NULL) return;
    trace_encode_event(&rs->text, e);
    trace_emit_text(rs->cfg->trace, rs->text.buf);
}

/* A line of the runner's own (hold, release, finish, crash, reopen):
 * seen by expectations about events, and traced. */
static void runner_line(run_state *rs, const trace_event *e)
{
    if (expect_wants_trace_events(&rs->expect)) {
        sched_fiber *me = sched_self(rs->s);
        expect_on_line(&rs->expect, (int)e->kind, e, me ? writer_of_fiber(rs, me->id) : -1);
    }
    emit_event(rs, e);
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

/* An invariant broke: trace it (with the fiber id of the writer it
 * concerns, UINT32_MAX: none) and stop the run here. */
static void violation_of(run_state *rs, const oracle_violation *v, uint32_t writer)
{
    record_failure(rs, v->invariant, "%s", v->detail);
    trace_event e = event_here(rs, TRACE_VIOLATION);
    e.invariant = v->invariant;
    e.detail = v->detail;
    e.writer = writer != UINT32_MAX ? fiber_name(rs, writer) : NULL;
    emit_event(rs, &e);
    sched_abort(rs->s, v->detail);
}

static void violation(run_state *rs, const oracle_violation *v)
{
    violation_of(rs, v, UINT32_MAX);
}

/* port_sim found a data race on a plain shared field. */
static void on_race(void *arg, const port_sim_race *r)
{
    run_state *rs = arg;
    oracle_violation v;
    uint32_t writer;
    step_check_race(rs->s, r, &v, &writer);
    violation_of(rs, &v, writer);
}

/* ---------------------------------------------------------- engine events */

static void note_state(run_state *rs, int w, const port_event *e)
{
    int from = wt_state_index(e->from), to = wt_state_index(e->to);
    if (from >= 0 && to >= 0) rs->res->transitions[from][to]++;
    rs->res->states_visited |= e->to;
    if (w < 0) return;
    writer_rt *wr = &rs->writers[w];
    wr->role = run_role_next(wr->last_state == 0 ? -1 : wr->role, e->to);
    if (from >= 0 && to >= 0) rs->res->role_transitions[wr->role][from][to]++;
    wr->last_state = e->to;
    wr->states_seen |= e->to;
    pins_on_state(&rs->pins, w, e->to);
}

static const char *name_of_fiber(void *arg, uint32_t id) { return fiber_name(arg, id); }

/* The trace line of one engine event (traced, and seen by expectations
 * about events), unless nobody needs it; *te is NULL then. */
static void event_to_line(run_state *rs, const port_event *pe, int w, const int *members)
{
    trace_event e, *te = NULL;
    if (rs->cfg->trace != NULL || expect_wants_trace_events(&rs->expect)) {
        e = event_here(rs, TRACE_KIND_COUNT);
        if (trace_event_from_port(&e, pe, name_of_fiber, rs, w >= 0 ? rs->writers[w].batch : -1,
                                  &rs->scratch))
            te = &e;
    }
    sched_fiber *me = sched_self(rs->s);
    expect_on_event(&rs->expect, pe, te, w, w >= 0 ? rs->writers[w].batch : -1,
                    me ? writer_of_fiber(rs, me->id) : -1, members, me ? me->name : "-");
    if (te != NULL && rs->cfg->trace != NULL) emit_event(rs, te);
}

static void on_event(void *arg, sched *s, const port_event *e)
{
    run_state *rs = arg;
    int w = writer_of_fiber(rs, e->writer);
    int members[SCHED_MAX_FIBERS];
    for (uint32_t i = 0; i < e->member_count && i < SCHED_MAX_FIBERS; i++)
        members[i] = writer_of_fiber(rs, e->members[i]);
    if (e->kind == PORT_EV_STATE) note_state(rs, w, e);
    if (e->kind == PORT_EV_WRITE_BEGIN && w >= 0) rs->writers[w].last_state = 0; /* a new Writer */
    if (e->kind == PORT_EV_GROUP && e->b != 0) {
        rs->res->groups++;
        if (e->member_count > rs->res->max_group) rs->res->max_group = e->member_count;
        expect_note_group(&rs->expect, members, e->member_count);
    }
    if (e->kind == PORT_EV_WAL_SYNC_END) rs->res->wal_syncs++;
    if (e->kind == PORT_EV_PUBLISH) reads_note_published(&rs->reads, e->a);
    event_to_line(rs, e, w, members);
    oracle_violation v;
    if (!oracle_on_event(rs->orc, e, w, w >= 0 ? rs->writers[w].batch : -1, sched_steps(rs->s),
                         members, &v))
        violation_of(rs, &v, e->writer);
    uint32_t about;
    if (!step_check_event(s, rs->db, &rs->sc->options, e, &v, &about)) violation_of(rs, &v, about);
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
    const char *of[SCHED_MAX_FIBERS];
    assert(d->candidate_count <= SCHED_MAX_FIBERS);
    for (uint32_t i = 0; i < d->candidate_count; i++) of[i] = fiber_name(rs, cands[i]);
    trace_event e = event_here(rs, TRACE_PICK);
    e.pick = fiber_name(rs, d->pick);
    e.of = (trace_names){of, d->candidate_count};
    emit_event(rs, &e);
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
    case SCENARIO_UNTIL_BLOCKED:
        snprintf(buf, n, "%s is blocked", p->until_writer);
        break;
    }
}

static void pin_line(run_state *rs, pin_rt *p, trace_kind kind, const char *writer)
{
    char until[256];
    describe_until(p->pin, until, sizeof until);
    trace_event e = event_here(rs, kind);
    e.writer = writer;
    e.at = p->pin->at;
    e.until = until;
    runner_line(rs, &e);
}

/* The pins' line callback (pins.h): their holds and releases, traced. */
static void pin_trace(void *arg, pin_rt *p, trace_kind kind, const char *writer)
{
    pin_line(arg, p, kind, writer);
}

/* A no_slowdown write must fail rather than wait in a stall (RocksDB's
 * WriteOptions::no_slowdown): reaching a stall's wait is the violation. */
static void check_no_slowdown(run_state *rs, sched_fiber *f, int w, const char *name)
{
    const scenario_writer *sw = &rs->sc->writers[w];
    int b = rs->writers[w].batch;
    if (b < 0 || (size_t)b >= sw->batch_count || !sw->batches[b].no_slowdown) return;
    if (strcmp(name, "WriteThread::WriteStall::Wait") != 0 &&
        strcmp(name, "DBImpl::DelayWrite:Wait") != 0)
        return;
    oracle_violation v = {.invariant = "no_slowdown_waits"};
    snprintf(v.detail, sizeof v.detail,
             "step %llu: %s's batch %d is no_slowdown, yet it is about to wait in a write stall "
             "(%s) instead of failing with incomplete",
             (unsigned long long)sched_steps(rs->s), f->name, b, name);
    violation_of(rs, &v, f->id);
}

/* A writer reached a sync point: note it; hold it there if a pin says so. */
static bool on_sync_point(void *arg, sched *s, sched_fiber *f, const char *name)
{
    run_state *rs = arg;
    note_sync_point(rs, name);
    int w = writer_of_fiber(rs, f->id);
    if (expect_wants_trace_events(&rs->expect)) {
        trace_event e = event_here(rs, TRACE_KIND_COUNT);
        e.at = name;
        e.writer = w >= 0 ? rs->sc->writers[w].name : NULL;
        e.batch = w >= 0 ? rs->writers[w].batch : -1;
        expect_on_line(&rs->expect, SCENARIO_EVENT_SYNC_POINT, &e, w);
    }
    if (w >= 0) check_no_slowdown(rs, f, w, name);
    bool held = pins_on_sync_point(&rs->pins, s, f, name);
    return reads_on_sync_point(&rs->reads, s, f, w, name, held) || held;
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

wt_db *run_current_db(void) { return current_run ? current_run->db : NULL; }

bool run_current_writer(uint32_t fiber, dump_writer *out)
{
    int w = current_run ? writer_of_fiber(current_run, fiber) : -1;
    if (w < 0) return false;
    *out = (dump_writer){.batch = current_run->writers[w].batch,
                         .batch_count = current_run->sc->writers[w].batch_count,
                         .last_state = current_run->writers[w].last_state};
    return true;
}

static void after_step(void *arg, sched *s)
{
    run_state *rs = arg;
    if (rs->cfg->dump_at_step != 0 && sched_steps(s) == rs->cfg->dump_at_step) dump_now(rs);
    if (rs->cfg->stop_after_step != 0 && sched_steps(s) > rs->cfg->stop_after_step)
        sched_fail(s, SCHED_ABORTED, "stopped at the requested step");
    pins_after_step(&rs->pins, s);
    reads_after_step(&rs->reads, s);
}

/* Nothing can run: a pin waiting for a fiber to block may be met now. */
static bool on_stuck(void *arg, sched *s)
{
    run_state *rs = arg;
    if (pins_after_step(&rs->pins, s) | reads_after_step(&rs->reads, s)) return true;
    return reads_on_stuck(&rs->reads, s);
}

static void on_fiber_end(void *arg, sched *s, sched_fiber *f)
{
    (void)s;
    run_state *rs = arg;
    int w = writer_of_fiber(rs, f->id);
    if (w >= 0) pins_on_finished(&rs->pins, w);
    trace_event e = event_here(rs, TRACE_FINISH);
    runner_line(rs, &e);
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
    /* Started by main after a crash it had not seen yet (the crash came
     * inside port_thread_create): this thread belongs to the dead process. */
    if (rs->crashed) return;
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
        /* The oracle has it from the write_end event; a write rejected
         * before it began has none. */
        expect_on_return(&rs->expect, wr->index, (int)i, st, seq);
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

/* The process dies here: the other fibers stop where they stand (main
 * too with all_fibers: the crash came inside another fiber, which then
 * does the recovery), the device keeps what the crash kind keeps (unless
 * simfs already crashed: device_done), and the engine's memory is gone. */
static void crash_now(run_state *rs, bool device_done, bool all_fibers)
{
    sched *s = rs->s;
    const scenario_crash *cr = &rs->sc->crash;
    trace_event e = event_here(rs, TRACE_CRASH);
    e.tear_last_write = cr->tear_last_write;
    runner_line(rs, &e);
    sched_fiber *me = sched_self(s);
    for (size_t i = all_fibers ? 0 : 1; i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (f != me && f->state != SCHED_FINISHED) sched_kill(s, f);
    }
    oracle_on_crash(rs->orc);
    if (cr->kind != SCENARIO_CRASH_POWER_LOSS) oracle_on_crash_kept_writes(rs->orc);
    if (!device_done && cr->kind == SCENARIO_CRASH_PROCESS_KILL) simfs_kill_process(rs->fs);
    else if (!device_done) simfs_crash(rs->fs, cr->tear_last_write);
    /* Everything the engine held is gone with the process, and what its
     * threads did orders nothing after the crash (a reused stack or block
     * is not a race with the dead process). */
    hb_reset();
    port_sim_track_end(NULL, NULL);
    port_sim_track_begin();
    rs->db = NULL;
    rs->crashed = true;
    rs->crash_count++;
}

static void reader_main(void *arg)
{
    run_state *rs = arg;
    reads_reader_main(&rs->reads, &rs->db);
}

static void crasher_main(void *arg)
{
    run_state *rs = arg;
    uint64_t at = rs->sc->crash.time_ns;
    if (at > port_now_ns()) port_sleep_ns(at - port_now_ns());
    /* Where a pin can delay the crash: a scheduling point, so only when a
     * pin holds the crasher (other runs keep their traces). */
    for (size_t i = 0; i < rs->sc->schedule.pin_count; i++)
        if (strcmp(rs->sc->schedule.pins[i].hold, "crasher") == 0) {
            port_sync_point(RUN_CRASH_SYNC_POINT);
            break;
        }
    if (!rs->crashed) crash_now(rs, false, false);
}

static void finish_after_crash(run_state *rs);

/* simfs reached the scenario's crash point inside the running fiber and
 * has crashed: the run ends in this fiber, which recovers and checks. */
static void on_crash_point(void *arg)
{
    run_state *rs = arg;
    crash_now(rs, true, true);
    finish_after_crash(rs);
    sched_exit(rs->s);
}

/* ------------------------------------------------------------------ main */

static wt_status open_db(run_state *rs)
{
    wt_options o = rs->sc->options;
    o.create_if_missing = true;
    wt_recovery_report rep;
    wt_status st = wt_db_open(&o, DB_DIR, &rs->db, &rep);
    if (st == WT_OK) reads_note_published(&rs->reads, rep.last_sequence); /* no atomic load */
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

/* The expectations, then a normal close. */
static void check_and_close(run_state *rs)
{
    expect_check(&rs->expect, rs->db, rs->orc, rs->res);
    reads_check(&rs->reads, rs->db, rs->res);
    rs->res->expectations_checked = true;
    wt_status st = wt_db_close(rs->db);
    rs->db = NULL;
    if (st != WT_OK) record_failure(rs, "close_failed", "closing the DB failed: %s", wt_status_name(st));
}

/* After a crash (or a clean close): reopen, check the recovery, close. */
static void finish_after_crash(run_state *rs)
{
    if (!rs->sc->crash.reopen) return;
    trace_event e = event_here(rs, TRACE_REOPEN);
    runner_line(rs, &e);
    if (open_db(rs) != WT_OK) return;
    oracle_violation v;
    check_or_stop(rs, oracle_check_recovery(rs->orc, rs->db, &v), &v);
    check_and_close(rs);
}

/* clean_reopen: the DB closes normally; nothing written is lost. */
static bool clean_close(run_state *rs)
{
    wt_status st = wt_db_close(rs->db);
    rs->db = NULL;
    if (st != WT_OK) {
        record_failure(rs, "close_failed", "closing the DB failed: %s", wt_status_name(st));
        return false;
    }
    oracle_on_crash(rs->orc);
    oracle_on_crash_kept_writes(rs->orc);
    rs->crashed = true;
    return true;
}

static void root_main(void *arg)
{
    run_state *rs = arg;
    if (open_db(rs) != WT_OK) return;
    port_thread *crasher = NULL;
    if (rs->sc->crash.when == SCENARIO_CRASH_AT_TIME &&
        port_thread_create(&crasher, "crasher", crasher_main, rs) != WT_OK)
        return;
    port_thread *reader = NULL;
    if (reads_need_reader(&rs->reads) &&
        port_thread_create(&reader, "reader", reader_main, rs) != WT_OK)
        return;
    port_thread *threads[SCENARIO_MAX_WRITERS];
    size_t spawned = 0;
    rs->writers_start_ns = port_now_ns();
    /* A crash while writers are being started ends the process: start no
     * more (they would write to a DB that is gone). */
    for (size_t i = 0; i < rs->sc->writer_count && !rs->crashed; i++) {
        if (port_thread_create(&threads[i], rs->sc->writers[i].name, writer_main,
                               &rs->writers[i]) != WT_OK)
            return;
        spawned++;
        rs->writers[i].fiber = sched_fiber_at(rs->s, (uint32_t)(sched_fiber_count(rs->s) - 1))->id;
        rs->fiber_writer[rs->writers[i].fiber] = (int)i;
    }
    rs->writers_spawned = true;
    for (size_t i = 0; i < spawned; i++) port_thread_join(threads[i]);
    if (crasher != NULL) port_thread_join(crasher); /* the crash may come after the writers */
    if (reader != NULL) port_thread_join(reader);   /* it ends when nothing else can run */
    oracle_violation v;
    if (!rs->crashed && rs->sc->crash.when == SCENARIO_CRASH_AFTER_WRITERS) {
        check_or_stop(rs, oracle_check_final(rs->orc, rs->db, &v), &v);
        if (rs->sc->crash.kind == SCENARIO_CRASH_CLEAN_REOPEN) {
            if (!clean_close(rs)) return;
        } else {
            crash_now(rs, false, false);
        }
    }
    if (rs->crashed) {
        finish_after_crash(rs);
        return;
    }
    check_or_stop(rs, oracle_check_final(rs->orc, rs->db, &v), &v);
    check_and_close(rs);
}

/* ------------------------------------------------------------------ setup */

static simfs *make_fs(const scenario *sc, uint64_t seed, bool record_ops)
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
    simfs_record_ops(fs, record_ops);
    return fs;
}

static void header_line(run_state *rs, const char *policy_name)
{
    const run_config *c = rs->cfg;
    if (c->trace == NULL || c->trace_no_header) return;
    trace_header h;
    trace_header_init(&h, TRACE_SOURCE_SIM);
    h.build = run_build_id();
    h.scenario_name = rs->sc->name;
    h.scenario_path = rs->sc->path ? rs->sc->path : "";
    h.policy = policy_name;
    h.seed = c->seed;
    h.pct_depth = c->pct_depth;
    h.pct_steps = c->pct_steps;
    h.max_steps = c->max_steps ? c->max_steps : rs->sc->schedule.max_steps;
    h.forced = c->forced ? c->forced_count : c->forced_name_count;
    h.scenario = rs->sc->text;
    trace_encode_header(&rs->text, &h);
    trace_emit_text(c->trace, rs->text.buf);
}

static void summary_line(run_state *rs)
{
    const run_result *r = rs->res;
    if (rs->cfg->trace == NULL) return;
    const char *visited[WT_STATE_COUNT];
    uint32_t nvisited = 0;
    for (int i = 0; i < WT_STATE_COUNT; i++)
        if (r->states_visited & wt_state_table[i].bit) visited[nvisited++] = wt_state_table[i].name;
    trace_summary sum = {
        .outcome = sched_outcome_name(r->outcome),
        .passed = r->passed,
        .steps = r->steps,
        .t_ns = r->virtual_ns,
        .decisions = r->decisions,
        .preemptions = r->preemptions,
        .groups = r->groups,
        .max_group = r->max_group,
        .wal_syncs = r->wal_syncs,
        .states_visited = {visited, nvisited},
        .invariants = r->failed_invariant ? r->failed_invariant : "ok",
        .detail = r->failed_invariant ? r->detail : NULL,
        .expectations = r->expectations[0]         ? r->expectations
                        : r->expectations_checked ? "ok"
                                                  : "not checked: the run did not complete",
    };
    trace_encode_summary(&rs->text, &sum, TRACE_SOURCE_SIM);
    trace_emit_text(rs->cfg->trace, rs->text.buf);
}

static void init_state(run_state *rs, const run_config *cfg, run_result *res)
{
    memset(rs, 0, sizeof *rs);
    rs->cfg = cfg;
    rs->sc = cfg->sc;
    rs->res = res;
    trace_text_init(&rs->text);
    for (size_t i = 0; i < SCHED_MAX_FIBERS; i++) rs->fiber_writer[i] = -1;
    rs->writers = calloc(rs->sc->writer_count + 1, sizeof *rs->writers);
    for (size_t i = 0; i < rs->sc->writer_count; i++)
        rs->writers[i] = (writer_rt){.index = (int)i, .batch = -1, .rs = rs};
    pins_init(&rs->pins, rs->sc, pin_trace, rs);
    reads_init(&rs->reads, rs->sc);
    expect_init(&rs->expect, rs->sc);
    rs->orc = oracle_create(rs->sc);
}

static void free_state(run_state *rs)
{
    oracle_free(rs->orc);
    free(rs->writers);
    pins_free(&rs->pins);
    reads_free(&rs->reads);
    expect_free(&rs->expect);
    trace_text_free(&rs->text);
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
        trace_event e = {.kind = TRACE_VIOLATION, .step = sched_steps(s), .t_ns = sched_now_ns(s),
                         .fiber = "-", .invariant = name, .detail = sched_failure_message(s)};
        emit_event(rs, &e);
    }
    const scenario_expect *x = &rs->sc->expect;
    if (x->deadlock)
        r->passed = r->outcome == SCHED_DEADLOCK;
    else if (x->failed_invariant != NULL)
        r->passed = r->failed_invariant != NULL && strcmp(r->failed_invariant, x->failed_invariant) == 0;
    else
        r->passed = r->outcome == SCHED_COMPLETED && r->failed_invariant == NULL &&
                    r->expectations_checked && r->expectations[0] == '\0' &&
                    r->leaked_blocks == 0;
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
    rs.fs = make_fs(rs.sc, cfg->seed, cfg->record_file_ops);
    if (rs.sc->crash.when == SCENARIO_CRASH_AT_FILE_OP) {
        simfs_crash_point cp = {.nth = rs.sc->crash.file_op, .torn_bytes = rs.sc->crash.torn_bytes,
                                .process_kill = rs.sc->crash.kind == SCENARIO_CRASH_PROCESS_KILL,
                                .tear_others = rs.sc->crash.tear_last_write,
                                .fn = on_crash_point, .arg = &rs};
        simfs_set_crash_point(rs.fs, &cp);
    }
    port_sim_set_fs(rs.fs);
    timing_model tm = rs.sc->device.timing;
    tm.seed = cfg->seed; /* profile sampling follows the run's seed */
    port_sim_set_timing(&tm);
    port_sim_set_fault_hook(fault_point, &rs);
    sched_config sc = {
        .seed = cfg->seed,
        .max_steps = cfg->max_steps ? cfg->max_steps : rs.sc->schedule.max_steps,
        .tick_ns = rs.sc->schedule.tick_ns,
        .wake_ns = rs.sc->schedule.wake_ns,
        .policy = policy,
        .hooks = {.arg = &rs, .on_decision = on_decision, .on_event = on_event,
                  .on_sync_point = on_sync_point, .after_step = after_step,
                  .on_fiber_end = on_fiber_end, .on_deadlock = on_deadlock,
                  .on_stuck = on_stuck},
    };
    rs.s = sched_create(&sc);
    current_run = &rs;
    port_sim_run_begin();
    port_sim_set_race_hook(on_race, &rs);
    port_sim_track_begin();
    res->outcome = sched_run(rs.s, root_main, &rs);
    port_sim_set_race_hook(NULL, NULL);
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
    current_run = NULL;
    judge(&rs, rs.s);
    summary_line(&rs);
    sched_destroy(rs.s);
    rs.s = NULL;
    if (cfg->custom == NULL) policy->destroy(policy);
    port_sim_set_fs(NULL);
    port_sim_set_timing(NULL);
    port_sim_set_fault_hook(NULL, NULL);
    if (cfg->export_dir != NULL)
        (void)export_db(rs.fs, DB_DIR, cfg->export_dir, &res->exported_files, res->export_error,
                        sizeof res->export_error);
    res->crashed = rs.crashed;
    res->file_ops = simfs_file_ops(rs.fs);
    if (cfg->record_file_ops) {
        res->op_sizes = malloc((res->file_ops + 1) * sizeof *res->op_sizes);
        assert(res->op_sizes != NULL);
        for (uint64_t i = 1; i <= res->file_ops; i++)
            res->op_sizes[i - 1] = simfs_op_append_size(rs.fs, i);
    }
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
    free(r->op_sizes);
    r->op_sizes = NULL;
    r->fiber_names = NULL;
    r->pick_current = NULL;
    r->picks = NULL;
    r->pick_candidates = NULL;
}
