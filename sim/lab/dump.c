/*
 * dump.c — describing the write queues and the run state at one step.
 *
 * A queue is walked with queue_walk_from (queue_check.h): it stops at a
 * loop or at a link to a writer no live thread holds, and says so.  A
 * writer is named by the fiber that owns it; the stall dummy and writers
 * with no owning fiber are named as such.  See dump.h for the contract.
 */
#include "dump.h"

#include <assert.h>

#include "port_sim.h"
#include "queue_check.h"
#include "write_thread.h"

/* --------------------------------------------------- deadlock report */

/* One writer of a queue: name, state word, and what its thread waits for. */
static size_t describe_writer(sched *s, const queue_walk *qw, size_t i, char *buf, size_t cap)
{
    const wt_writer *w = qw->nodes[i];
    size_t n = (size_t)snprintf(buf, cap, "%s %s [state %s", i ? " ->" : "",
                                queue_writer_label(s, qw->wt, w), wt_state_name(w->state.v));
    const port_atomic_u32 *word;
    uint32_t mask;
    if (n < cap && w->owner < SCHED_MAX_FIBERS && port_sim_await_of(w->owner, &word, &mask) &&
        word == &w->state) {
        char m[256];
        wt_state_mask_text(mask, m, sizeof m);
        n += (size_t)snprintf(buf + n, cap - n, ", waits for %s", m);
    }
    if (n < cap) n += (size_t)snprintf(buf + n, cap - n, "]");
    return n < cap ? n : cap;
}

/* Writes "name [state S, waits for M] -> ..." for a queue, newest first;
 * a loop or a link to a writer that is gone ends the line, named. */
static size_t describe_queue(sched *s, wt_db *db, const wt_options *o, wt_queue_id q, char *buf,
                             size_t cap)
{
    queue_walk qw;
    queue_walk_from(s, queue_thread(db, q), queue_head(db, o, q), &qw);
    size_t n = (size_t)snprintf(buf, cap, "  %s (newest first, position 1 = newest):",
                                queue_title(q));
    if (qw.count == 0 && qw.end == QUEUE_END_NULL && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, " empty");
    for (size_t i = 0; i < qw.count && n < cap; i++) n += describe_writer(s, &qw, i, buf + n, cap - n);
    if (qw.end == QUEUE_END_CYCLE && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, " -> back to %s (a loop)",
                              queue_writer_label(s, qw.wt, qw.nodes[qw.cycle_to]));
    if (qw.end == QUEUE_END_BAD_POINTER && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, " -> a writer no live thread holds");
    if (n < cap) n += (size_t)snprintf(buf + n, cap - n, "\n");
    return n < cap ? n : cap;
}

void dump_deadlock_queues(sched *s, wt_db *db, const wt_options *o, char *buf, size_t cap)
{
    if (db == NULL || cap == 0) return;
    assert(buf != NULL);
    port_sim_quiet_begin();
    size_t n = describe_queue(s, db, o, WT_QUEUE_WRITE, buf, cap);
    if (o->enable_pipelined_write) n += describe_queue(s, db, o, WT_QUEUE_MEMTABLE, buf + n, cap - n);
    if (o->two_write_queues) describe_queue(s, db, o, WT_QUEUE_NONMEM, buf + n, cap - n);
    port_sim_quiet_end();
}

/* ------------------------------------------------------ state dump (--at) */

static void dump_queue(sched *s, FILE *out, wt_db *db, const wt_options *o, wt_queue_id q)
{
    queue_walk qw;
    queue_walk_from(s, queue_thread(db, q), queue_head(db, o, q), &qw);
    const write_thread *wt = qw.wt;
    fprintf(out, "%s (newest first):%s\n", queue_title(q),
            qw.count == 0 && qw.end == QUEUE_END_NULL ? " empty" : "");
    for (size_t i = 0; i < qw.count; i++) {
        const wt_writer *w = qw.nodes[i];
        fprintf(out, "  %-12s %-26s link_older=%-12s link_newer=%-12s",
                queue_writer_label(s, wt, w), wt_state_name(w->state.v),
                queue_writer_label(s, wt, w->shared.link_older),
                queue_writer_label(s, wt, w->shared.link_newer));
        if (w->shared.write_group != NULL)
            fprintf(out, " group of %zu led by %s", w->shared.write_group->size,
                    queue_writer_label(s, wt, w->shared.write_group->leader));
        if (w->shared.sequence != WT_MAX_SEQUENCE_NUMBER)
            fprintf(out, " seq=%llu", (unsigned long long)w->shared.sequence);
        fputc('\n', out);
    }
    if (qw.end == QUEUE_END_CYCLE)
        fprintf(out, "  ... the list loops back to %s: the queue is broken here\n",
                queue_writer_label(s, wt, qw.nodes[qw.cycle_to]));
    if (qw.end == QUEUE_END_BAD_POINTER)
        fprintf(out, "  ... the next link points at a writer no live thread holds\n");
}

static void dump_fibers(FILE *out, sched *s, const dump_writer *writers)
{
    for (uint32_t i = 0; i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, i);
        fprintf(out, "  %-12s %-9s", f->name, sched_fiber_state_name(f->state));
        if (f->wait_what) fprintf(out, " on %s", f->wait_what);
        if (f->wait_owner >= 0 && (uint32_t)f->wait_owner < sched_fiber_count(s))
            fprintf(out, " (%s)", sched_fiber_at(s, (uint32_t)f->wait_owner)->name);
        if (f->state == SCHED_SLEEPING) fprintf(out, " until t=%llu", (unsigned long long)f->wake_ns);
        const dump_writer *w = &writers[i];
        if (w->batch >= 0)
            fprintf(out, "  batch %d/%zu, writer state %s", w->batch, w->batch_count,
                    w->last_state ? wt_state_name(w->last_state) : "INIT");
        fputc('\n', out);
    }
}

static void dump_db(FILE *out, sched *s, wt_db *db, const wt_options *o)
{
    const write_thread *wt = wt_db_write_thread(db);
    dump_queue(s, out, db, o, WT_QUEUE_WRITE);
    if (o->enable_pipelined_write) dump_queue(s, out, db, o, WT_QUEUE_MEMTABLE);
    if (o->two_write_queues) dump_queue(s, out, db, o, WT_QUEUE_NONMEM);
    fprintf(out, "sequences: published %llu, allocated %llu, pipelined %llu\n",
            (unsigned long long)wt_db_last_sequence(db),
            (unsigned long long)wt_db_last_allocated_sequence(db),
            (unsigned long long)wt->last_sequence);
    fprintf(out, "WAL: %06llu.log, next record at offset %llu\n",
            (unsigned long long)wt_db_current_log_number(db),
            (unsigned long long)wt_db_wal_offset(db));
}

/* The whole picture at one step: fibers, queues with their links, groups,
 * sequences, WAL position. */
void dump_state(FILE *out, sched *s, wt_db *db, const wt_options *o, const dump_writer *writers)
{
    assert(out != NULL);
    assert(writers != NULL);
    port_sim_quiet_begin(); /* reading engine state must not be a scheduling point */
    fprintf(out, "state at step %llu (t=%llu ns)\nfibers:\n", (unsigned long long)sched_steps(s),
            (unsigned long long)sched_now_ns(s));
    dump_fibers(out, s, writers);
    if (db == NULL) fputs("(no open DB)\n", out);
    else dump_db(out, s, db, o);
    port_sim_quiet_end();
}
