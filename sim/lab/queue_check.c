/*
 * queue_check.c — walking and checking the write queues (queue_check.h).
 */
#include "queue_check.h"

#include <stdio.h>

#include "port_sim.h"

const write_thread *queue_thread(wt_db *db, wt_queue_id q)
{
    return q == WT_QUEUE_NONMEM ? wt_db_nonmem_write_thread(db) : wt_db_write_thread(db);
}

const wt_writer *queue_head(wt_db *db, const wt_options *o, wt_queue_id q)
{
    const write_thread *wt = queue_thread(db, q);
    switch (q) {
    case WT_QUEUE_WRITE: return wt->newest_writer.v;
    case WT_QUEUE_NONMEM: return o->two_write_queues ? wt->newest_writer.v : NULL;
    case WT_QUEUE_MEMTABLE: return o->enable_pipelined_write ? wt->newest_memtable_writer.v : NULL;
    }
    return NULL;
}

const char *queue_title(wt_queue_id q)
{
    switch (q) {
    case WT_QUEUE_WRITE: return "write queue";
    case WT_QUEUE_NONMEM: return "second write queue";
    case WT_QUEUE_MEMTABLE: return "memtable queue";
    }
    return "?";
}

static bool live_writer(sched *s, const write_thread *wt, const wt_writer *w)
{
    return w == &wt->write_stall_dummy || sched_fiber_stack_of(s, w) != NULL;
}

const char *queue_writer_label(sched *s, const write_thread *wt, const wt_writer *w)
{
    if (w == NULL) return "-";
    if (w == &wt->write_stall_dummy) return "stall-dummy";
    if (!live_writer(s, wt, w)) return "(gone)";
    sched_fiber *f = w->owner < SCHED_MAX_FIBERS ? sched_fiber_at(s, w->owner) : NULL;
    return f ? f->name : "dummy";
}

void queue_walk_from(sched *s, const write_thread *wt, const wt_writer *head, queue_walk *out)
{
    out->wt = wt;
    out->count = 0;
    out->end = QUEUE_END_NULL;
    out->cycle_to = 0;
    port_sim_quiet_begin();
    for (const wt_writer *w = head; w != NULL; w = w->shared.link_older) {
        if (!live_writer(s, wt, w)) {
            out->end = QUEUE_END_BAD_POINTER;
            break;
        }
        for (size_t i = 0; i < out->count; i++)
            if (out->nodes[i] == w) {
                out->end = QUEUE_END_CYCLE;
                out->cycle_to = i;
                goto done;
            }
        if (out->count == QUEUE_WALK_MAX) { /* cannot happen without a cycle */
            out->end = QUEUE_END_CYCLE;
            break;
        }
        out->nodes[out->count++] = w;
    }
done:
    port_sim_quiet_end();
}

static uint32_t owner_of(const wt_writer *w) { return w != NULL ? w->owner : UINT32_MAX; }

/* The list as "w3 -> w1 -> w3", newest first, for messages. */
static void describe(sched *s, const queue_walk *qw, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < qw->count && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? " -> " : "",
                              queue_writer_label(s, qw->wt, qw->nodes[i]));
    if (qw->end == QUEUE_END_CYCLE && qw->count > 0 && n < cap)
        snprintf(buf + n, cap - n, " -> %s ...",
                 queue_writer_label(s, qw->wt, qw->nodes[qw->cycle_to]));
}

bool queue_check(sched *s, wt_db *db, const wt_options *o, wt_queue_id q, bool leader_view,
                 char *why, size_t cap, uint32_t *writer)
{
    *writer = UINT32_MAX;
    if (db == NULL) return true;
    const write_thread *wt = queue_thread(db, q);
    queue_walk qw;
    queue_walk_from(s, wt, queue_head(db, o, q), &qw);
    char list[512];
    describe(s, &qw, list, sizeof list);
    const wt_writer *last = qw.count ? qw.nodes[qw.count - 1] : NULL;
    if (qw.end == QUEUE_END_CYCLE) {
        *writer = owner_of(qw.nodes[qw.cycle_to]);
        snprintf(why, cap, "the %s loops: %s (a writer linked itself behind its own old place)",
                 queue_title(q), list);
        return false;
    }
    if (qw.end == QUEUE_END_BAD_POINTER) {
        *writer = owner_of(last);
        snprintf(why, cap,
                 "the %s links %s to a writer that no live thread holds (it returned): %s -> ?",
                 queue_title(q), queue_writer_label(s, wt, last), list);
        return false;
    }
    port_sim_quiet_begin();
    bool ok = true;
    for (size_t i = 0; ok && i < qw.count; i++) {
        const wt_writer *w = qw.nodes[i];
        if (w->state.v == WT_STATE_COMPLETED) {
            *writer = owner_of(w);
            snprintf(why, cap,
                     "%s is COMPLETED but still linked in the %s (%s): its thread may return "
                     "and reuse the memory",
                     queue_writer_label(s, wt, w), queue_title(q), list);
            ok = false;
        } else if (leader_view && i > 0 && w->shared.link_newer != NULL &&
                   w->shared.link_newer != qw.nodes[i - 1]) {
            *writer = owner_of(w);
            snprintf(why, cap, "in the %s, %s's link_newer is %s but %s links to it (%s)",
                     queue_title(q), queue_writer_label(s, wt, w),
                     queue_writer_label(s, wt, w->shared.link_newer),
                     queue_writer_label(s, wt, qw.nodes[i - 1]), list);
            ok = false;
        }
    }
    port_sim_quiet_end();
    return ok;
}
