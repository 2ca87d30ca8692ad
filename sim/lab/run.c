/*
 * run.c — executing a scenario: fibers for writers, pins, crash, trace.
 *
 * The root fiber ("main") opens the DB on a fresh simfs, spawns one fiber
 * per scenario writer (in scenario order, so fiber ids are stable), joins
 * them, runs the oracle's final checks, optionally crashes and recovers,
 * checks the expectations and closes the DB.  Scheduler hooks turn every
 * engine event into a trace line and an oracle call, implement the pinning
 * rules at sync points, and describe the write queue in deadlock reports.
 *
 * All state of a run lives in one run_state; engine memory is tracked by
 * port_sim so a failed run frees it.  Names, never addresses, appear in
 * every output.
 */
#include "run.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bugs.h"
#include "build_id.h"
#include "oracle.h"
#include "port_sim.h"
#include "simfs.h"
#include "trace_event.h"
#include "write_thread.h"

static const char *const DB_DIR = "/db";

typedef struct writer_rt {
    int index;
    uint32_t fiber;
    int batch;                  /* current batch, -1 before the first */
    uint32_t last_state;        /* last writer state seen in events */
    uint32_t states_seen;       /* bits */
    bool finished;
    struct run_state *rs;
} writer_rt;

typedef struct pin_rt {
    const scenario_pin *pin;
    uint64_t hits;              /* times `hold` reached `at` */
    bool until_met;
    int held_fiber;             /* -1 when not holding */
} pin_rt;

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
    pin_rt *pins;
    bool writers_spawned, crashed;
    uint64_t writers_start_ns;  /* writers' start_ns count from here */
    uint64_t insert_faults_seen; /* calls of the "memtable:insert" fault point */
    uint64_t crash_count;
    uint32_t last_fiber;        /* the fiber that took the previous decision's step */
    /* Groups formed, for the expectations: members' writer indexes. */
    int (*group_members)[SCHED_MAX_FIBERS];
    size_t *group_sizes;
    size_t ngroups, groups_cap;
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
    trace_event e = event_here(rs, TRACE_VIOLATION);
    e.invariant = v->invariant;
    e.detail = v->detail;
    emit_event(rs, &e);
    sched_abort(rs->s, v->detail);
}

static void expectation_failed(run_state *rs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void expectation_failed(run_state *rs, const char *fmt, ...)
{
    size_t n = strlen(rs->res->expectations);
    if (n + 2 >= sizeof rs->res->expectations) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rs->res->expectations + n, sizeof rs->res->expectations - n - 1, fmt, ap);
    va_end(ap);
    n = strlen(rs->res->expectations);
    rs->res->expectations[n] = '\n';
    rs->res->expectations[n + 1] = '\0';
}

/* ---------------------------------------------------------- engine events */

static void note_state(run_state *rs, int w, const port_event *e)
{
    int from = wt_state_index(e->from), to = wt_state_index(e->to);
    if (from >= 0 && to >= 0) rs->res->transitions[from][to]++;
    rs->res->states_visited |= e->to;
    if (w < 0) return;
    writer_rt *wr = &rs->writers[w];
    wr->last_state = e->to;
    wr->states_seen |= e->to;
    for (size_t i = 0; i < rs->sc->schedule.pin_count; i++) {
        const scenario_pin *p = rs->pins[i].pin;
        if (p->until_kind == SCENARIO_UNTIL_STATE && p->until_state == e->to &&
            strcmp(p->until_writer, rs->sc->writers[w].name) == 0)
            rs->pins[i].until_met = true;
    }
}

static const char *name_of_fiber(void *arg, uint32_t id) { return fiber_name(arg, id); }

/* The trace line of one engine event. */
static void event_to_line(run_state *rs, const port_event *pe, int w)
{
    if (rs->cfg->trace == NULL) return;
    trace_event e = event_here(rs, TRACE_KIND_COUNT);
    if (trace_event_from_port(&e, pe, name_of_fiber, rs, w >= 0 ? rs->writers[w].batch : -1,
                              &rs->scratch))
        emit_event(rs, &e);
}

static void on_event(void *arg, sched *s, const port_event *e)
{
    (void)s;
    run_state *rs = arg;
    int w = writer_of_fiber(rs, e->writer);
    if (e->kind == PORT_EV_STATE) note_state(rs, w, e);
    if (e->kind == PORT_EV_GROUP && e->b != 0) {
        rs->res->groups++;
        if (e->member_count > rs->res->max_group) rs->res->max_group = e->member_count;
        if (rs->ngroups < rs->groups_cap) {
            for (uint32_t i = 0; i < e->member_count && i < SCHED_MAX_FIBERS; i++)
                rs->group_members[rs->ngroups][i] = writer_of_fiber(rs, e->members[i]);
            rs->group_sizes[rs->ngroups++] = e->member_count;
        }
    }
    if (e->kind == PORT_EV_WAL_SYNC_END) rs->res->wal_syncs++;
    event_to_line(rs, e, w);
    int members[SCHED_MAX_FIBERS];
    for (uint32_t i = 0; i < e->member_count && i < SCHED_MAX_FIBERS; i++)
        members[i] = writer_of_fiber(rs, e->members[i]);
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

static bool pin_until_met(run_state *rs, pin_rt *p)
{
    if (p->until_met) return true;
    const scenario_pin *pin = p->pin;
    if (pin->until_kind == SCENARIO_UNTIL_FINISHED) {
        int w = scenario_writer_index(rs->sc, pin->until_writer);
        return w >= 0 && rs->writers[w].finished;
    }
    if (pin->until_kind == SCENARIO_UNTIL_TIME) return sched_now_ns(rs->s) >= pin->until_time_ns;
    return false;
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

static void pin_line(run_state *rs, pin_rt *p, trace_kind kind, const char *writer)
{
    char until[256];
    describe_until(p->pin, until, sizeof until);
    trace_event e = event_here(rs, kind);
    e.writer = writer;
    e.at = p->pin->at;
    e.until = until;
    emit_event(rs, &e);
}

/* A writer reached a sync point: note it; hold it there if a pin says so. */
static bool on_sync_point(void *arg, sched *s, sched_fiber *f, const char *name)
{
    run_state *rs = arg;
    note_sync_point(rs, name);
    int w = writer_of_fiber(rs, f->id);
    if (w < 0) return false;
    const char *wname = rs->sc->writers[w].name;
    bool hold = false;
    for (size_t i = 0; i < rs->sc->schedule.pin_count; i++) {
        pin_rt *p = &rs->pins[i];
        const scenario_pin *pin = p->pin;
        if (pin->until_kind == SCENARIO_UNTIL_SYNC_POINT && strcmp(pin->until_writer, wname) == 0 &&
            strcmp(pin->until_sync_point, name) == 0)
            p->until_met = true;
        if (hold || strcmp(pin->hold, wname) != 0 || strcmp(pin->at, name) != 0) continue;
        if (++p->hits != pin->occurrence || pin_until_met(rs, p)) continue;
        if (pin->until_kind == SCENARIO_UNTIL_TIME) { /* no other fiber needed: just sleep */
            pin_line(rs, p, TRACE_HOLD, wname);
            sched_sleep_ns(s, pin->until_time_ns - sched_now_ns(s));
            pin_line(rs, p, TRACE_RELEASE, wname);
            continue;
        }
        p->held_fiber = (int)f->id;
        rs->res->held++;
        pin_line(rs, p, TRACE_HOLD, wname);
        hold = true;
    }
    return hold;
}

static void dump_state(run_state *rs);
static void dump_state_quiet(run_state *rs);

static void after_step(void *arg, sched *s)
{
    run_state *rs = arg;
    if (rs->cfg->dump_at_step != 0 && sched_steps(s) == rs->cfg->dump_at_step) dump_state(rs);
    if (rs->cfg->stop_after_step != 0 && sched_steps(s) > rs->cfg->stop_after_step)
        sched_fail(s, SCHED_ABORTED, "stopped at the requested step");
    for (size_t i = 0; i < rs->sc->schedule.pin_count; i++) {
        pin_rt *p = &rs->pins[i];
        if (p->held_fiber < 0 || !pin_until_met(rs, p)) continue;
        sched_fiber *f = sched_fiber_at(s, (uint32_t)p->held_fiber);
        p->held_fiber = -1;
        sched_release(s, f);
        pin_line(rs, p, TRACE_RELEASE, f->name);
    }
}

static void on_fiber_end(void *arg, sched *s, sched_fiber *f)
{
    (void)s;
    run_state *rs = arg;
    int w = writer_of_fiber(rs, f->id);
    if (w >= 0) rs->writers[w].finished = true;
    trace_event e = event_here(rs, TRACE_FINISH);
    emit_event(rs, &e);
}

/* Writes "name [STATE] -> ..." for a queue, newest first. */
static size_t describe_queue(run_state *rs, const char *title, const wt_writer *head, char *buf,
                             size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "  %s (newest first):", title);
    if (head == NULL && n < cap) n += (size_t)snprintf(buf + n, cap - n, " empty");
    for (unsigned hops = 0; head != NULL && hops < SCHED_MAX_FIBERS && n < cap; hops++) {
        const char *who = head->owner < SCHED_MAX_FIBERS ? fiber_name(rs, head->owner) : "dummy";
        n += (size_t)snprintf(buf + n, cap - n, "%s %s [%s]", hops ? " ->" : "", who,
                              wt_state_name(head->state.v));
        head = head->link_older;
    }
    if (n < cap) n += (size_t)snprintf(buf + n, cap - n, "\n");
    return n < cap ? n : cap;
}

static void on_deadlock(void *arg, sched *s, char *buf, size_t cap)
{
    (void)s;
    run_state *rs = arg;
    if (rs->db == NULL || cap == 0) return;
    port_sim_quiet_begin();
    const write_thread *wt = wt_db_write_thread(rs->db);
    size_t n = describe_queue(rs, "write queue", wt_newest_writer(wt), buf, cap);
    if (rs->sc->options.enable_pipelined_write)
        n += describe_queue(rs, "memtable queue", wt->newest_memtable_writer.v, buf + n, cap - n);
    if (rs->sc->options.two_write_queues)
        describe_queue(rs, "second write queue", wt_newest_writer(wt_db_nonmem_write_thread(rs->db)),
                       buf + n, cap - n);
    port_sim_quiet_end();
}

/* ------------------------------------------------------ state dump (--at) */

static const char *writer_label(run_state *rs, const write_thread *wt, const wt_writer *w)
{
    if (w == NULL) return "-";
    if (w == &wt->write_stall_dummy) return "stall-dummy";
    return w->owner < SCHED_MAX_FIBERS ? fiber_name(rs, w->owner) : "dummy";
}

static void dump_queue(run_state *rs, FILE *out, const char *title, const write_thread *wt,
                       const wt_writer *head)
{
    fprintf(out, "%s (newest first):%s\n", title, head ? "" : " empty");
    for (unsigned hops = 0; head != NULL && hops < SCHED_MAX_FIBERS; hops++, head = head->link_older) {
        fprintf(out, "  %-12s %-26s link_older=%-12s link_newer=%-12s", writer_label(rs, wt, head),
                wt_state_name(head->state.v), writer_label(rs, wt, head->link_older),
                writer_label(rs, wt, head->link_newer));
        if (head->write_group != NULL)
            fprintf(out, " group of %zu led by %s", head->write_group->size,
                    writer_label(rs, wt, head->write_group->leader));
        if (head->sequence != WT_MAX_SEQUENCE_NUMBER)
            fprintf(out, " seq=%llu", (unsigned long long)head->sequence);
        fputc('\n', out);
    }
}

/* The whole picture at one step: fibers, queues with their links, groups,
 * sequences, WAL position.  Only names are printed, never addresses. */
static void dump_state(run_state *rs)
{
    port_sim_quiet_begin(); /* reading engine state must not be a scheduling point */
    dump_state_quiet(rs);
    port_sim_quiet_end();
}

static void dump_state_quiet(run_state *rs)
{
    FILE *out = rs->cfg->dump_out ? rs->cfg->dump_out : stdout;
    sched *s = rs->s;
    fprintf(out, "state at step %llu (t=%llu ns)\nfibers:\n", (unsigned long long)sched_steps(s),
            (unsigned long long)sched_now_ns(s));
    for (uint32_t i = 0; i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, i);
        fprintf(out, "  %-12s %-9s", f->name, sched_fiber_state_name(f->state));
        if (f->wait_what) fprintf(out, " on %s", f->wait_what);
        if (f->wait_owner >= 0 && (uint32_t)f->wait_owner < sched_fiber_count(s))
            fprintf(out, " (%s)", sched_fiber_at(s, (uint32_t)f->wait_owner)->name);
        if (f->state == SCHED_SLEEPING) fprintf(out, " until t=%llu", (unsigned long long)f->wake_ns);
        int w = writer_of_fiber(rs, i);
        if (w >= 0 && rs->writers[w].batch >= 0)
            fprintf(out, "  batch %d/%zu, writer state %s", rs->writers[w].batch,
                    rs->sc->writers[w].batch_count,
                    rs->writers[w].last_state ? wt_state_name(rs->writers[w].last_state) : "INIT");
        fputc('\n', out);
    }
    if (rs->db == NULL) {
        fputs("(no open DB)\n", out);
        return;
    }
    const write_thread *wt = wt_db_write_thread(rs->db);
    dump_queue(rs, out, "write queue", wt, wt_newest_writer(wt));
    if (rs->sc->options.enable_pipelined_write)
        dump_queue(rs, out, "memtable queue", wt, wt->newest_memtable_writer.v);
    if (rs->sc->options.two_write_queues) {
        const write_thread *nm = wt_db_nonmem_write_thread(rs->db);
        dump_queue(rs, out, "second write queue", nm, wt_newest_writer(nm));
    }
    fprintf(out, "sequences: published %llu, allocated %llu, pipelined %llu\n",
            (unsigned long long)wt_db_last_sequence(rs->db),
            (unsigned long long)wt_db_last_allocated_sequence(rs->db),
            (unsigned long long)wt->last_sequence);
    fprintf(out, "WAL: %06llu.log, next record at offset %llu\n",
            (unsigned long long)wt_db_current_log_number(rs->db),
            (unsigned long long)wt_db_wal_offset(rs->db));
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
    trace_event e = event_here(rs, TRACE_CRASH);
    e.tear_last_write = rs->sc->crash.tear_last_write;
    emit_event(rs, &e);
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

static void check_expectations(run_state *rs);

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
        trace_event e = event_here(rs, TRACE_REOPEN);
        emit_event(rs, &e);
        if (open_db(rs) != WT_OK) return;
        check_or_stop(rs, oracle_check_recovery(rs->orc, rs->db, &v), &v);
    } else {
        check_or_stop(rs, oracle_check_final(rs->orc, rs->db, &v), &v);
    }
    check_expectations(rs);
    wt_status st = wt_db_close(rs->db);
    rs->db = NULL;
    if (st != WT_OK) record_failure(rs, "close_failed", "closing the DB failed: %s", wt_status_name(st));
}

/* ----------------------------------------------------------- expectations */

static void expect_contents(run_state *rs)
{
    const scenario_expect *x = &rs->sc->expect;
    wt_buf v;
    wt_buf_init(&v);
    for (size_t i = 0; i < x->content_count; i++) {
        const scenario_expect_key *k = &x->contents[i];
        wt_status st = wt_db_get(rs->db, wt_slice_str(k->key), &v);
        if (k->value == NULL && st != WT_NOT_FOUND)
            expectation_failed(rs, "contents: %s should be absent, found %s", k->key,
                               st == WT_OK ? "a value" : wt_status_name(st));
        else if (k->value != NULL && st != WT_OK)
            expectation_failed(rs, "contents: %s should be \"%s\", got %s", k->key, k->value,
                               wt_status_name(st));
        else if (k->value != NULL &&
                 (v.size != strlen(k->value) || memcmp(v.data, k->value, v.size) != 0))
            expectation_failed(rs, "contents: %s should be \"%s\", is \"%.*s\"", k->key, k->value,
                               (int)v.size, v.data);
    }
    wt_buf_free(&v);
}

typedef struct live_count {
    const scenario_expect *x;
    size_t extra;
    char first_extra[128];
} live_count;

static bool count_unexpected(wt_slice key, wt_slice value, void *arg)
{
    (void)value;
    live_count *c = arg;
    for (size_t i = 0; i < c->x->content_count; i++)
        if (strlen(c->x->contents[i].key) == key.size &&
            memcmp(c->x->contents[i].key, key.data, key.size) == 0)
            return true;
    if (c->extra++ == 0) snprintf(c->first_extra, sizeof c->first_extra, "%.*s", (int)key.size, key.data);
    return true;
}

static void expect_statuses(run_state *rs)
{
    const scenario_expect *x = &rs->sc->expect;
    for (size_t i = 0; i < x->status_count; i++) {
        const scenario_expect_status *es = &x->statuses[i];
        int w = scenario_writer_index(rs->sc, es->writer);
        for (size_t b = 0; w >= 0 && b < es->count; b++) {
            wt_status st;
            uint64_t seq;
            if (!oracle_write_status(rs->orc, w, (int)b, &st, &seq))
                expectation_failed(rs, "status: %s batch %zu never returned", es->writer, b);
            else if (st != es->statuses[b])
                expectation_failed(rs, "status: %s batch %zu returned %s, expected %s", es->writer,
                                   b, wt_status_name(st), wt_status_name(es->statuses[b]));
        }
    }
}

static void expect_groups(run_state *rs)
{
    const scenario_expect *x = &rs->sc->expect;
    for (size_t g = 0; g < x->group_count; g++) {
        const scenario_expect_group *eg = &x->groups[g];
        if (g >= rs->ngroups) {
            expectation_failed(rs, "groups: expected group %zu (led by %s), only %zu formed", g,
                               eg->leader, rs->ngroups);
            return;
        }
        bool same = rs->group_sizes[g] == eg->member_count;
        for (size_t m = 0; same && m < eg->member_count; m++)
            same = rs->group_members[g][m] == scenario_writer_index(rs->sc, eg->members[m]);
        if (!same) {
            char got[512] = "";
            for (size_t m = 0; m < rs->group_sizes[g] && strlen(got) < 480; m++) {
                int w = rs->group_members[g][m];
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", m ? " " : "",
                         w >= 0 ? rs->sc->writers[w].name : "?");
            }
            expectation_failed(rs, "groups: group %zu should be led by %s with %zu members, got [%s]",
                               g, eg->leader, eg->member_count, got);
        }
    }
}

static void expect_numbers(run_state *rs)
{
    const scenario_expect *x = &rs->sc->expect;
    run_result *r = rs->res;
    if (x->group_count_total >= 0 && r->groups != (uint64_t)x->group_count_total)
        expectation_failed(rs, "group_count: %llu groups formed, expected %lld",
                           (unsigned long long)r->groups, (long long)x->group_count_total);
    if (x->max_group_size >= 0 && r->max_group > (uint64_t)x->max_group_size)
        expectation_failed(rs, "max_group_size: a group of %llu formed, at most %lld expected",
                           (unsigned long long)r->max_group, (long long)x->max_group_size);
    if (x->min_max_group_size >= 0 && r->max_group < (uint64_t)x->min_max_group_size)
        expectation_failed(rs, "min_largest_group: the largest group had %llu members, expected "
                           ">= %lld", (unsigned long long)r->max_group,
                           (long long)x->min_max_group_size);
    for (size_t i = 0; i < x->states_visited_count; i++) {
        int si = wt_state_index_by_name(x->states_visited[i]);
        if (si >= 0 && !(r->states_visited & wt_state_table[si].bit))
            expectation_failed(rs, "states_visited: no writer entered %s", x->states_visited[i]);
    }
}

/* Runs in main while the DB is open, after the oracle's checks. */
static void check_expectations(run_state *rs)
{
    const scenario_expect *x = &rs->sc->expect;
    expect_contents(rs);
    if (x->contents_exact) {
        live_count c = {x, 0, ""};
        if (wt_db_scan(rs->db, count_unexpected, &c) == WT_OK && c.extra > 0)
            expectation_failed(rs, "contents_exact: %zu other live key%s, e.g. %s", c.extra,
                               c.extra == 1 ? "" : "s", c.first_extra);
    }
    if (x->last_sequence >= 0 && wt_db_last_sequence(rs->db) != (uint64_t)x->last_sequence)
        expectation_failed(rs, "last_sequence: %llu, expected %lld",
                           (unsigned long long)wt_db_last_sequence(rs->db), (long long)x->last_sequence);
    expect_statuses(rs);
    expect_groups(rs);
    expect_numbers(rs);
}

/* ------------------------------------------------------------------ setup */

static sched_policy *make_policy(const run_config *c)
{
    const scenario_schedule *sch = &c->sc->schedule;
    sched_policy *p;
    switch (c->policy) {
    case SCENARIO_POLICY_PCT:
        p = sched_policy_pct(c->seed, c->pct_depth ? c->pct_depth : 3,
                             c->pct_steps ? c->pct_steps : 2000);
        break;
    case SCENARIO_POLICY_FIFO:
        p = sched_policy_fifo();
        break;
    case SCENARIO_POLICY_EXPLICIT: {
        const char **names = malloc((sch->decision_count + 1) * sizeof *names);
        uint64_t *steps = malloc((sch->decision_count + 1) * sizeof *steps);
        for (size_t i = 0; i < sch->decision_count; i++) {
            names[i] = sch->decisions[i].fiber;
            steps[i] = sch->decisions[i].steps;
        }
        p = sched_policy_explicit(names, steps, sch->decision_count, sched_policy_fifo());
        free(names);
        free(steps);
        break;
    }
    case SCENARIO_POLICY_RANDOM:
    default:
        p = sched_policy_random(c->seed);
        break;
    }
    if (c->forced != NULL) p = sched_policy_forced(c->forced, c->forced_count, p);
    else if (c->forced_names != NULL)
        p = sched_policy_forced_names(c->forced_names, c->forced_name_count, p);
    return p;
}

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
        .expectations = r->expectations[0] ? r->expectations : "ok",
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
    rs->pins = calloc(rs->sc->schedule.pin_count + 1, sizeof *rs->pins);
    for (size_t i = 0; i < rs->sc->schedule.pin_count; i++)
        rs->pins[i] = (pin_rt){.pin = &rs->sc->schedule.pins[i], .held_fiber = -1};
    rs->groups_cap = rs->sc->expect.group_count + 1;
    rs->group_members = calloc(rs->groups_cap, sizeof *rs->group_members);
    rs->group_sizes = calloc(rs->groups_cap, sizeof *rs->group_sizes);
    rs->orc = oracle_create(rs->sc);
}

static void free_state(run_state *rs)
{
    oracle_free(rs->orc);
    free(rs->writers);
    free(rs->pins);
    free(rs->group_members);
    free(rs->group_sizes);
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
    sched_policy *policy = cfg->custom ? cfg->custom : make_policy(cfg);
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
