/*
 * run.c — executing a scenario: the scheduler's hooks, setup, the verdict.
 *
 * run_scenario builds the device and the scheduler and runs the root fiber
 * (run_fibers.c: main, the writers, the crash).  Scheduler hooks turn every
 * engine event into a trace line and an oracle call, and hand what the
 * other rooms need to them: sync points and states to the pinning rules
 * (pins.c) and the reads (reads.c), groups formed to the expectations
 * (expect.c), the engine's queues to deadlock reports and `--at` dumps
 * (dump.c).  The policy comes from policy.c.  Trace lines are written by
 * run_emit_event here, and only there.
 *
 * All state of a run lives in one run_state (run_int.h); engine memory is
 * tracked by port_sim so a failed run frees it.  Names, never addresses,
 * appear in every output.  Not thread-safe: one run at a time per process.
 */
#include "run.h"
#include "run_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bugs.h"
#include "build_id.h"
#include "dump.h"
#include "expect.h"
#include "export_db.h"
#include "oracle.h"
#include "pins.h"
#include "reads.h"
#include "policy.h"
#include "port_sim.h"
#include "simfs.h"
#include "trace_event.h"
#include "step_check.h"
#include "write_thread.h"

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

const char *run_fiber_name(run_state *rs, uint32_t id)
{
    if (id == UINT32_MAX) return "dummy"; /* a Writer no thread owns (stall, pipelined) */
    sched_fiber *f = sched_fiber_at(rs->s, id);
    return f ? f->name : "?";
}

int run_writer_of_fiber(const run_state *rs, uint32_t fiber)
{
    return fiber < SCHED_MAX_FIBERS ? rs->fiber_writer[fiber] : -1;
}

/* An event of `kind` at the current step and virtual time, by the fiber
 * running (the caller fills the kind's fields). */
trace_event run_event_here(run_state *rs, trace_kind kind)
{
    sched_fiber *me = sched_self(rs->s);
    return (trace_event){.kind = kind, .step = sched_steps(rs->s), .t_ns = sched_now_ns(rs->s),
                         .fiber = me ? me->name : "-"};
}

/* Writes one event line to the trace, if there is one. */
void run_emit_event(run_state *rs, const trace_event *e)
{
    if (rs->cfg->trace == NULL) return;
    trace_encode_event(&rs->text, e);
    trace_emit_text(rs->cfg->trace, rs->text.buf);
}

/* A line of the runner's own (hold, release, finish, crash, reopen):
 * seen by expectations about events, and traced. */
void run_runner_line(run_state *rs, const trace_event *e)
{
    if (expect_wants_trace_events(&rs->expect)) {
        sched_fiber *me = sched_self(rs->s);
        expect_on_line(&rs->expect, (int)e->kind, e, me ? run_writer_of_fiber(rs, me->id) : -1);
    }
    run_emit_event(rs, e);
}

/* ------------------------------------------------------------- failures */

void run_record_failure(run_state *rs, const char *invariant, const char *fmt, ...)
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
void run_violation_of(run_state *rs, const oracle_violation *v, uint32_t writer)
{
    run_record_failure(rs, v->invariant, "%s", v->detail);
    trace_event e = run_event_here(rs, TRACE_VIOLATION);
    e.invariant = v->invariant;
    e.detail = v->detail;
    e.writer = writer != UINT32_MAX ? run_fiber_name(rs, writer) : NULL;
    run_emit_event(rs, &e);
    sched_abort(rs->s, v->detail);
}

void run_violation(run_state *rs, const oracle_violation *v)
{
    run_violation_of(rs, v, UINT32_MAX);
}

/* port_sim found a data race on a plain shared field. */
static void on_race(void *arg, const port_sim_race *r)
{
    run_state *rs = arg;
    oracle_violation v;
    uint32_t writer;
    step_check_race(rs->s, r, &v, &writer);
    run_violation_of(rs, &v, writer);
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

static const char *name_of_fiber(void *arg, uint32_t id) { return run_fiber_name(arg, id); }

/* The trace line of one engine event (traced, and seen by expectations
 * about events), unless nobody needs it; *te is NULL then. */
static void event_to_line(run_state *rs, const port_event *pe, int w, const int *members)
{
    trace_event e, *te = NULL;
    if (rs->cfg->trace != NULL || expect_wants_trace_events(&rs->expect)) {
        e = run_event_here(rs, TRACE_KIND_COUNT);
        if (trace_event_from_port(&e, pe, name_of_fiber, rs, w >= 0 ? rs->writers[w].batch : -1,
                                  &rs->scratch))
            te = &e;
    }
    sched_fiber *me = sched_self(rs->s);
    expect_on_event(&rs->expect, pe, te, w, w >= 0 ? rs->writers[w].batch : -1,
                    me ? run_writer_of_fiber(rs, me->id) : -1, members, me ? me->name : "-");
    if (te != NULL && rs->cfg->trace != NULL) run_emit_event(rs, te);
}

static void on_event(void *arg, sched *s, const port_event *e)
{
    run_state *rs = arg;
    int w = run_writer_of_fiber(rs, e->writer);
    int members[SCHED_MAX_FIBERS];
    for (uint32_t i = 0; i < e->member_count && i < SCHED_MAX_FIBERS; i++)
        members[i] = run_writer_of_fiber(rs, e->members[i]);
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
        run_violation_of(rs, &v, e->writer);
    uint32_t about;
    if (!step_check_event(s, rs->db, &rs->sc->options, e, &v, &about)) run_violation_of(rs, &v, about);
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
    for (uint32_t i = 0; i < d->candidate_count; i++) of[i] = run_fiber_name(rs, cands[i]);
    trace_event e = run_event_here(rs, TRACE_PICK);
    e.pick = run_fiber_name(rs, d->pick);
    e.of = (trace_names){of, d->candidate_count};
    run_emit_event(rs, &e);
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
    trace_event e = run_event_here(rs, kind);
    e.writer = writer;
    e.at = p->pin->at;
    e.until = until;
    run_runner_line(rs, &e);
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
    run_violation_of(rs, &v, f->id);
}

/* A writer reached a sync point: note it; hold it there if a pin says so. */
static bool on_sync_point(void *arg, sched *s, sched_fiber *f, const char *name)
{
    run_state *rs = arg;
    note_sync_point(rs, name);
    int w = run_writer_of_fiber(rs, f->id);
    if (expect_wants_trace_events(&rs->expect)) {
        trace_event e = run_event_here(rs, TRACE_KIND_COUNT);
        e.at = name;
        e.writer = w >= 0 ? rs->sc->writers[w].name : NULL;
        e.batch = w >= 0 ? rs->writers[w].batch : -1;
        expect_on_line(&rs->expect, SCENARIO_EVENT_SYNC_POINT, &e, w);
    }
    if (w >= 0) check_no_slowdown(rs, f, w, name);
    bool held = pins_on_sync_point(&rs->pins, s, f, name);
    return reads_on_sync_point(&rs->reads, s, f, name, held) || held;
}

/* `--at STEP`: the writers' progress by fiber id, then the dump. */
static void dump_now(run_state *rs)
{
    size_t n = sched_fiber_count(rs->s);
    dump_writer *by_fiber = calloc(n + 1, sizeof *by_fiber);
    assert(by_fiber != NULL);
    for (size_t i = 0; i < n; i++) {
        int w = run_writer_of_fiber(rs, (uint32_t)i);
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
    int w = current_run ? run_writer_of_fiber(current_run, fiber) : -1;
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
    int w = run_writer_of_fiber(rs, f->id);
    if (w >= 0) pins_on_finished(&rs->pins, w);
    trace_event e = run_event_here(rs, TRACE_FINISH);
    run_runner_line(rs, &e);
}

/* A deadlock report ends with the write queues. */
static void on_deadlock(void *arg, sched *s, char *buf, size_t cap)
{
    run_state *rs = arg;
    dump_deadlock_queues(s, rs->db, &rs->sc->options, buf, cap);
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
    expect_set_read_trigger(&rs->expect, reads_on_trigger, &rs->reads);
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
        run_record_failure(rs, name, "%s", sched_failure_message(s));
        /* A failure that is not an oracle violation still gets its event
         * line, so timelines show where the run ended. */
        trace_event e = {.kind = TRACE_VIOLATION, .step = sched_steps(s), .t_ns = sched_now_ns(s),
                         .fiber = "-", .invariant = name, .detail = sched_failure_message(s)};
        run_emit_event(rs, &e);
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
        run_record_failure(rs, "memory_leak", "the engine left %llu blocks allocated after close",
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
                                .fn = run_on_crash_point, .arg = &rs};
        simfs_set_crash_point(rs.fs, &cp);
    }
    port_sim_set_fs(rs.fs);
    port_sim_set_timing(&rs.sc->device.timing, cfg->seed); /* sampling follows the run's seed */
    port_sim_set_fault_hook(run_fault_point, &rs);
    sched_config sc = {
        .seed = cfg->seed,
        .max_steps = cfg->max_steps ? cfg->max_steps : rs.sc->schedule.max_steps,
        .tick_ns = rs.sc->schedule.tick_ns,
        .wake_ns = rs.sc->schedule.wake_ns,
        .cpu = rs.sc->device.cpu,
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
    res->outcome = sched_run(rs.s, run_root_main, &rs);
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
    /* Expectations about what happened are judged now that every fiber
     * has finished: the close's events (a flush) count too. */
    if (rs.judge_at_end) {
        expect_check_at_end(&rs.expect, res);
        reads_check(&rs.reads, res);
    }
    judge(&rs, rs.s);
    summary_line(&rs);
    sched_destroy(rs.s);
    rs.s = NULL;
    if (cfg->custom == NULL) policy->destroy(policy);
    port_sim_set_fs(NULL);
    port_sim_set_timing(NULL, 0);
    port_sim_set_fault_hook(NULL, NULL);
    if (cfg->export_dir != NULL)
        (void)export_db(rs.fs, RUN_DB_DIR, cfg->export_dir, &res->exported_files, res->export_error,
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
