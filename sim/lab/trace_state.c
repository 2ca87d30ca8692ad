/*
 * trace_state.c — a trace's state at a step, from its events
 * (trace_state.h).
 */
#include "trace_state.h"

#include <inttypes.h>
#include <string.h>

void trace_state_init(trace_state *s) { memset(s, 0, sizeof *s); }

static void copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* The writer named `name`, added on first sight; NULL past the bound. */
static trace_state_writer *writer(trace_state *s, const char *name)
{
    if (name == NULL) return NULL;
    for (uint32_t i = 0; i < s->writer_count; i++)
        if (strcmp(s->writers[i].name, name) == 0) return &s->writers[i];
    if (s->writer_count == TRACE_STATE_MAX_WRITERS) {
        s->untracked_writers++;
        return NULL;
    }
    trace_state_writer *w = &s->writers[s->writer_count++];
    copy_name(w->name, sizeof w->name, name);
    copy_name(w->state, sizeof w->state, "INIT");
    w->batch = -1;
    return w;
}

static void apply_group(trace_state *s, const trace_event *e)
{
    s->groups++;
    for (uint32_t i = 0; i < e->members.count; i++) {
        trace_state_writer *m = writer(s, e->members.names[i]);
        if (m) m->group = s->groups;
    }
}

static void apply_write(trace_state_writer *w, const trace_event *e)
{
    if (e->kind == TRACE_WRITE_BEGIN) {
        w->in_write = true;
        w->batch = e->batch;
        copy_name(w->state, sizeof w->state, "INIT"); /* a new Writer starts in INIT */
        return;
    }
    w->in_write = false;
    w->writes_done++;
    w->last_seq = e->seq;
    copy_name(w->last_status, sizeof w->last_status, e->status);
}

void trace_state_apply(trace_state *s, const trace_event *e)
{
    s->step = e->step;
    s->t_ns = e->t_ns;
    s->events++;
    trace_state_writer *w = writer(s, e->writer);
    switch (e->kind) {
    case TRACE_WRITE_BEGIN:
    case TRACE_WRITE_END:
        if (w) apply_write(w, e);
        break;
    case TRACE_STATE:
        if (w) copy_name(w->state, sizeof w->state, e->to);
        break;
    case TRACE_GROUP: apply_group(s, e); break;
    case TRACE_WAL_APPEND: s->wal_offset = e->offset + e->bytes; break;
    case TRACE_WAL_SYNC_BEGIN:
    case TRACE_WAL_SYNC_END:
        if (w) w->syncing = e->kind == TRACE_WAL_SYNC_BEGIN;
        if (e->kind == TRACE_WAL_SYNC_END) s->wal_syncs++;
        break;
    case TRACE_PUBLISH: s->published_seq = e->seq; break;
    case TRACE_STALL_BEGIN:
    case TRACE_STALL_END: s->stalled = e->kind == TRACE_STALL_BEGIN; break;
    case TRACE_BG_ERROR: copy_name(s->bg_error, sizeof s->bg_error, e->status); break;
    default: break;
    }
}

void trace_state_print(const trace_state *s, FILE *out)
{
    fprintf(out, "state after event %" PRIu64 " (step %" PRIu64 ", t %" PRIu64 ".%03" PRIu64
                 " us), rebuilt from the events:\n",
            s->events, s->step, s->t_ns / 1000, s->t_ns % 1000);
    fprintf(out, "  last sequence published %" PRIu64 "; WAL appended up to offset %" PRIu64
                 "; %" PRIu64 " WAL sync%s; %" PRIu64 " group%s%s%s%s\n",
            s->published_seq, s->wal_offset, s->wal_syncs, s->wal_syncs == 1 ? "" : "s", s->groups,
            s->groups == 1 ? "" : "s", s->stalled ? "; writes stalled" : "",
            s->bg_error[0] ? "; background error " : "", s->bg_error);
    fprintf(out, "  %-10s %-26s %-12s %-8s %s\n", "writer", "state", "write", "group", "done");
    for (uint32_t i = 0; i < s->writer_count; i++) {
        const trace_state_writer *w = &s->writers[i];
        char write[32], group[24];
        if (w->in_write) snprintf(write, sizeof write, "batch %" PRId64 "%s", w->batch,
                                  w->syncing ? " sync" : "");
        else snprintf(write, sizeof write, "-");
        if (w->group) snprintf(group, sizeof group, "#%" PRIu64, w->group);
        else snprintf(group, sizeof group, "-");
        fprintf(out, "  %-10s %-26s %-12s %-8s %" PRIu64 " write%s", w->name, w->state, write, group,
                w->writes_done, w->writes_done == 1 ? "" : "s");
        if (w->writes_done) fprintf(out, ", last seq %" PRIu64 " %s", w->last_seq, w->last_status);
        fputc('\n', out);
    }
    if (s->untracked_writers)
        fprintf(out, "  (%" PRIu64 " more threads not shown)\n", s->untracked_writers);
}
