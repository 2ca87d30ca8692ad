/*
 * run_fibers.c — the fibers a run starts, and the crash.
 *
 * The root fiber ("main") opens the DB on a fresh simfs, spawns one fiber
 * per scenario writer (in scenario order, so fiber ids are stable), joins
 * them, runs the oracle's final checks, optionally crashes (or closes
 * cleanly) and recovers, checks the expectations and closes the DB.  A
 * crasher fiber crashes at a scenario time; a reader fiber makes the
 * scenario's reads (reads.c).  The hooks that watch these fibers are in
 * run.c.  Not thread-safe: one run at a time per process.
 */
#include "run_int.h"

#include <string.h>

#include "hb.h"
#include "port_sim.h"

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
        if (b->think_ns) port_sim_busy_ns(b->think_ns); /* the caller's own work: CPU */
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

wt_status run_fault_point(const char *name, void *arg)
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
    trace_event e = run_event_here(rs, TRACE_CRASH);
    e.tear_last_write = cr->tear_last_write;
    run_runner_line(rs, &e);
    sched_fiber *me = sched_self(s);
    for (size_t i = all_fibers ? 0 : 1; i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (f != me && f->state != SCHED_FINISHED) sched_kill(s, f);
    }
    reads_on_crash(&rs->reads);
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
     * pin holds the crasher or a read waits there (other runs keep their
     * traces). */
    bool stop_here = reads_at_fiber(&rs->reads, "crasher");
    for (size_t i = 0; i < rs->sc->schedule.pin_count; i++)
        stop_here = stop_here || strcmp(rs->sc->schedule.pins[i].hold, "crasher") == 0;
    if (stop_here) port_sync_point(RUN_CRASH_SYNC_POINT);
    if (!rs->crashed) crash_now(rs, false, false);
}

static void finish_after_crash(run_state *rs);

/* simfs reached the scenario's crash point inside the running fiber and
 * has crashed: the run ends in this fiber, which recovers and checks. */
void run_on_crash_point(void *arg)
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
    wt_status st = wt_db_open(&o, RUN_DB_DIR, &rs->db, &rep);
    if (st == WT_OK) reads_note_published(&rs->reads, rep.last_sequence); /* no atomic load */
    if (st != WT_OK) {
        rs->db = NULL;
        run_record_failure(rs, "open_failed", "opening the DB failed: %s%s%s", wt_status_name(st),
                       rep.problems ? "; " : "", rep.problems ? rep.problem_reason : "");
    }
    return st;
}

static void check_or_stop(run_state *rs, bool ok, const oracle_violation *v)
{
    if (!ok) run_violation(rs, v);
}

/* The expectations, then a normal close. */
static void check_and_close(run_state *rs)
{
    expect_check(&rs->expect, rs->db, rs->orc, rs->res);
    reads_resolve_snapshots(&rs->reads, rs->db);
    rs->res->expectations_checked = true;
    rs->judge_at_end = true;
    wt_status st = wt_db_close(rs->db);
    rs->db = NULL;
    if (st != WT_OK) run_record_failure(rs, "close_failed", "closing the DB failed: %s", wt_status_name(st));
}

/* After a crash (or a clean close): reopen, check the recovery, close. */
static void finish_after_crash(run_state *rs)
{
    if (!rs->sc->crash.reopen) return;
    trace_event e = run_event_here(rs, TRACE_REOPEN);
    run_runner_line(rs, &e);
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
        run_record_failure(rs, "close_failed", "closing the DB failed: %s", wt_status_name(st));
        return false;
    }
    oracle_on_crash(rs->orc);
    oracle_on_crash_kept_writes(rs->orc);
    rs->crashed = true;
    return true;
}

/* The writers are done: the final checks, the scenario's crash or clean
 * reopen if it has one after the writers, the expectations, the close. */
static void finish(run_state *rs)
{
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

void run_root_main(void *arg)
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
    finish(rs);
    /* The reader ends when nothing else can run (or with a crash): it is
     * joined after the close, so that gets can be made while the DB closes. */
    if (reader != NULL) port_thread_join(reader);
}
