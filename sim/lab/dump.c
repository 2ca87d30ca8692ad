/*
 * dump.c — describing the write queues and the run state at one step.
 *
 * A queue is walked from its newest writer along link_older, at most
 * SCHED_MAX_FIBERS hops (a queue never holds more writers than there are
 * fibers, so a longer walk means a broken link and stops).  A writer is
 * named by the fiber that owns it; the stall dummy and writers with no
 * owning fiber are named as such.  See dump.h for the contract.
 */
#include "dump.h"

#include <assert.h>

#include "port_sim.h"
#include "write_thread.h"

static const char *fiber_name(sched *s, uint32_t id)
{
    sched_fiber *f = sched_fiber_at(s, id);
    return f ? f->name : "?";
}

/* --------------------------------------------------- deadlock report */

/* Writes "name [STATE] -> ..." for a queue, newest first. */
static size_t describe_queue(sched *s, const char *title, const wt_writer *head, char *buf,
                             size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "  %s (newest first):", title);
    if (head == NULL && n < cap) n += (size_t)snprintf(buf + n, cap - n, " empty");
    for (unsigned hops = 0; head != NULL && hops < SCHED_MAX_FIBERS && n < cap; hops++) {
        const char *who = head->owner < SCHED_MAX_FIBERS ? fiber_name(s, head->owner) : "dummy";
        n += (size_t)snprintf(buf + n, cap - n, "%s %s [%s]", hops ? " ->" : "", who,
                              wt_state_name(head->state.v));
        head = head->link_older;
    }
    if (n < cap) n += (size_t)snprintf(buf + n, cap - n, "\n");
    return n < cap ? n : cap;
}

void dump_deadlock_queues(sched *s, wt_db *db, const wt_options *o, char *buf, size_t cap)
{
    if (db == NULL || cap == 0) return;
    assert(buf != NULL);
    port_sim_quiet_begin();
    const write_thread *wt = wt_db_write_thread(db);
    size_t n = describe_queue(s, "write queue", wt_newest_writer(wt), buf, cap);
    if (o->enable_pipelined_write)
        n += describe_queue(s, "memtable queue", wt->newest_memtable_writer.v, buf + n, cap - n);
    if (o->two_write_queues)
        describe_queue(s, "second write queue", wt_newest_writer(wt_db_nonmem_write_thread(db)),
                       buf + n, cap - n);
    port_sim_quiet_end();
}

/* ------------------------------------------------------ state dump (--at) */

static const char *writer_label(sched *s, const write_thread *wt, const wt_writer *w)
{
    if (w == NULL) return "-";
    if (w == &wt->write_stall_dummy) return "stall-dummy";
    return w->owner < SCHED_MAX_FIBERS ? fiber_name(s, w->owner) : "dummy";
}

static void dump_queue(sched *s, FILE *out, const char *title, const write_thread *wt,
                       const wt_writer *head)
{
    fprintf(out, "%s (newest first):%s\n", title, head ? "" : " empty");
    for (unsigned hops = 0; head != NULL && hops < SCHED_MAX_FIBERS; hops++, head = head->link_older) {
        fprintf(out, "  %-12s %-26s link_older=%-12s link_newer=%-12s", writer_label(s, wt, head),
                wt_state_name(head->state.v), writer_label(s, wt, head->link_older),
                writer_label(s, wt, head->link_newer));
        if (head->write_group != NULL)
            fprintf(out, " group of %zu led by %s", head->write_group->size,
                    writer_label(s, wt, head->write_group->leader));
        if (head->sequence != WT_MAX_SEQUENCE_NUMBER)
            fprintf(out, " seq=%llu", (unsigned long long)head->sequence);
        fputc('\n', out);
    }
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
    dump_queue(s, out, "write queue", wt, wt_newest_writer(wt));
    if (o->enable_pipelined_write)
        dump_queue(s, out, "memtable queue", wt, wt->newest_memtable_writer.v);
    if (o->two_write_queues) {
        const write_thread *nm = wt_db_nonmem_write_thread(db);
        dump_queue(s, out, "second write queue", nm, wt_newest_writer(nm));
    }
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
