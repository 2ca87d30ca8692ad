/*
 * step_render.c — rendering a `wtlab step` screen (step_render.h).
 *
 * Objects a fiber is about to touch are named by looking them up among
 * what the engine holds now: the queue heads of each write thread, every
 * writer reachable from them (its state word) and their groups' words;
 * a word on a writer thread's stack that holds a writer state is that
 * thread's Writer's state (a follower detached from the list is reachable
 * no other way).  Mutexes carry their names.  Anything else is named by
 * its kind only.
 */
#include "step_render.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "port_sim.h"
#include "queue_check.h"
#include "run.h"
#include "write_thread.h"
#include "writer_state.h"

/* ------------------------------------------------------------ naming */

static const wt_queue_id QUEUES[] = {WT_QUEUE_WRITE, WT_QUEUE_MEMTABLE, WT_QUEUE_NONMEM};

static bool queue_used(const wt_options *o, wt_queue_id q)
{
    return q == WT_QUEUE_WRITE || (q == WT_QUEUE_MEMTABLE && o->enable_pipelined_write) ||
           (q == WT_QUEUE_NONMEM && o->two_write_queues);
}

/* A writer state bit? */
static bool is_state(uint32_t v) { return v != 0 && (v & (v - 1)) == 0 && wt_state_index(v) >= 0; }

/* Names obj (quiet mode held by the caller); "" when unknown. */
static void name_object(sched *s, wt_db *db, const wt_options *o, const void *obj, char *buf,
                        size_t cap)
{
    buf[0] = '\0';
    if (obj == NULL) return;
    for (size_t qi = 0; db != NULL && qi < sizeof QUEUES / sizeof QUEUES[0]; qi++) {
        wt_queue_id q = QUEUES[qi];
        if (!queue_used(o, q)) continue;
        const write_thread *wt = queue_thread(db, q);
        const char *pre = wt->id == WT_QUEUE_NONMEM ? "nonmem " : "";
        const wt_writer *head = queue_head(db, o, q);
        if (obj == &wt->newest_writer || obj == &wt->newest_memtable_writer) {
            snprintf(buf, cap, "%s%s (now %s)", pre,
                     obj == &wt->newest_writer ? "newest_writer" : "newest_memtable_writer",
                     queue_writer_label(s, wt, head));
            return;
        }
        if (obj == &wt->stall_mu || obj == &wt->stall_cv || obj == &wt->stall_ended_count) {
            snprintf(buf, cap, "%swrite stall %s", pre,
                     obj == &wt->stall_mu ? "mutex" : obj == &wt->stall_cv ? "condvar" : "counter");
            return;
        }
        queue_walk qw;
        queue_walk_from(s, wt, head, &qw);
        for (size_t i = 0; i < qw.count; i++) {
            const wt_writer *w = qw.nodes[i];
            const wt_write_group *g = w->shared.write_group;
            if (obj == &w->state) {
                snprintf(buf, cap, "%s.state (now %s)", queue_writer_label(s, wt, w),
                         wt_state_name(w->state.v));
                return;
            }
            if (g != NULL && (obj == &g->status || obj == &g->running)) {
                snprintf(buf, cap, "the group of %s: %s (now %u)",
                         queue_writer_label(s, wt, g->leader),
                         obj == &g->status ? "status" : "running", ((const port_atomic_u32 *)obj)->v);
                return;
            }
        }
    }
    sched_fiber *owner = sched_fiber_stack_of(s, obj);
    dump_writer dw;
    if (owner != NULL && run_current_writer(owner->id, &dw)) {
        uint32_t v = ((const port_atomic_u32 *)obj)->v;
        if (is_state(v)) snprintf(buf, cap, "%s.state (now %s)", owner->name, wt_state_name(v));
    }
}

/* "WriteThread::JoinBatchGroup:Start" -> "JoinBatchGroup". */
static void function_of(const char *sync_point, char *buf, size_t cap)
{
    const char *p = sync_point ? strstr(sync_point, "::") : NULL;
    buf[0] = '\0';
    if (p == NULL) return; /* not a function of RocksDB's write path */
    p += 2;
    size_t n = strcspn(p, ":");
    snprintf(buf, cap, "%.*s", (int)n, p);
}

void step_render_intent(sched *s, const wt_options *o, const sched_fiber *f, const char *sync_point,
                        char *buf, size_t cap)
{
    port_sim_quiet_begin();
    wt_db *db = run_current_db();
    char fn[96], obj[160];
    function_of(sync_point, fn, sizeof fn);
    name_object(s, db, o, f->pending_obj, obj, sizeof obj);
    const char *what = "";
    char tmp[200];
    switch (f->pending_op) {
    case SCHED_OP_START: what = "starts"; break;
    case SCHED_OP_LOAD: what = obj[0] ? "read" : "read an atomic"; break;
    case SCHED_OP_STORE: what = obj[0] ? "store" : "store to an atomic"; break;
    case SCHED_OP_RMW: what = obj[0] ? "CAS/RMW" : "CAS/RMW on an atomic"; break;
    case SCHED_OP_PAUSE: what = "spins (pause)"; break;
    case SCHED_OP_YIELD: what = "yields the CPU"; break;
    case SCHED_OP_LOCK:
    case SCHED_OP_UNLOCK:
        snprintf(tmp, sizeof tmp, "%s %s", f->pending_op == SCHED_OP_LOCK ? "lock" : "unlock",
                 f->pending_obj ? ((const port_mutex *)f->pending_obj)->name : "a mutex");
        what = tmp;
        break;
    case SCHED_OP_WAIT:
        if (f->wait_what != NULL) { /* woken: it returns from its wait */
            snprintf(tmp, sizeof tmp, "wake up from %s%s", f->wait_what, obj[0] ? " on" : "");
            what = tmp;
        } else {
            what = obj[0] ? "park on" : "wait (condvar or futex)";
        }
        break;
    case SCHED_OP_WAKE: what = obj[0] ? "wake the waiter of" : "wake (signal/unpark)"; break;
    case SCHED_OP_SPAWN: what = "start a thread"; break;
    case SCHED_OP_JOIN: what = "join a thread"; break;
    case SCHED_OP_SLEEP: what = "sleep (think time or device latency)"; break;
    case SCHED_OP_FILE: what = "file I/O (WAL append/sync, table, manifest)"; break;
    case SCHED_OP_SYNC_POINT:
        snprintf(tmp, sizeof tmp, "pass sync point %s", (const char *)f->pending_obj);
        what = tmp;
        obj[0] = '\0';
        break;
    case SCHED_OP_COUNT: break;
    }
    /* Linking itself: the CAS that makes its own Writer the newest. */
    char head[SCHED_NAME_MAX];
    if (f->pending_op == SCHED_OP_RMW && strcmp(fn, "JoinBatchGroup") == 0 &&
        sscanf(obj, "newest_writer (now %63[^)])", head) == 1) {
        snprintf(tmp, sizeof tmp, "CAS newest_writer (%s -> %s): links its Writer as the newest",
                 strcmp(head, "-") == 0 ? "NULL" : head, f->name);
        what = tmp;
        obj[0] = '\0';
    }
    bool named_obj = obj[0] && f->pending_op != SCHED_OP_LOCK && f->pending_op != SCHED_OP_UNLOCK;
    snprintf(buf, cap, "%s%s%s%s%s", fn[0] ? fn : "", fn[0] ? ": " : "", what, named_obj ? " " : "",
             named_obj ? obj : "");
    port_sim_quiet_end();
}

/* ------------------------------------------------------------- state */

static void print_writers(FILE *out, sched *s, const scenario *sc)
{
    fputs("writers:\n", out);
    for (size_t w = 0; w < sc->writer_count; w++) {
        bool spawned = false;
        for (uint32_t i = 0; i < sched_fiber_count(s) && !spawned; i++)
            spawned = strcmp(sched_fiber_at(s, i)->name, sc->writers[w].name) == 0;
        if (!spawned) fprintf(out, "  %-8s %-26s  (its thread is not created yet)\n",
                              sc->writers[w].name, "-");
    }
    for (uint32_t i = 0; i < sched_fiber_count(s); i++) {
        sched_fiber *f = sched_fiber_at(s, i);
        dump_writer w;
        bool is_writer = run_current_writer(i, &w);
        fprintf(out, "  %-8s %-26s", f->name,
                !is_writer ? "(not a writer)"
                : f->state == SCHED_FINISHED ? "finished"
                : w.last_state ? wt_state_name(w.last_state) : "INIT");
        if (is_writer && w.batch >= 0) fprintf(out, " batch %d/%zu ", w.batch + 1, w.batch_count);
        fprintf(out, " %s", sched_fiber_state_name(f->state));
        if (f->wait_what && (f->state == SCHED_BLOCKED || f->state == SCHED_HELD))
            fprintf(out, " on %s", f->wait_what);
        if (f->state == SCHED_SLEEPING) fprintf(out, " until t=%llu", (unsigned long long)f->wake_ns);
        fputc('\n', out);
    }
}

static void print_queue(FILE *out, sched *s, wt_db *db, const wt_options *o, wt_queue_id q)
{
    queue_walk qw;
    const write_thread *wt = queue_thread(db, q);
    queue_walk_from(s, wt, queue_head(db, o, q), &qw);
    fprintf(out, "writer list (%s), newest -> oldest along link_older:\n  %s", queue_title(q),
            q == WT_QUEUE_MEMTABLE ? "newest_memtable_writer" : "newest_writer");
    for (size_t i = 0; i < qw.count; i++)
        fprintf(out, " -> [%s %s]", queue_writer_label(s, wt, qw.nodes[i]),
                wt_state_name(qw.nodes[i]->state.v));
    if (qw.end == QUEUE_END_NULL) fputs(" -> NULL\n", out);
    else if (qw.end == QUEUE_END_CYCLE)
        fprintf(out, " -> back to %s (a loop: the list is broken)\n",
                queue_writer_label(s, wt, qw.nodes[qw.cycle_to]));
    else fputs(" -> a writer no live thread holds\n", out);
    fputs("  link_newer set:", out);
    size_t set = 0;
    for (size_t i = qw.count; i-- > 0;) {
        const wt_writer *w = qw.nodes[i];
        if (w->shared.link_newer == NULL) continue;
        fprintf(out, "%s %s -> %s", set++ ? "," : "", queue_writer_label(s, wt, w),
                queue_writer_label(s, wt, w->shared.link_newer));
    }
    fputs(set ? "\n" : " none\n", out);
    /* groups in progress: members share a write_group */
    const wt_write_group *seen[QUEUE_WALK_MAX];
    size_t nseen = 0;
    for (size_t i = qw.count; i-- > 0;) {
        const wt_write_group *g = qw.nodes[i]->shared.write_group;
        bool known = g == NULL;
        for (size_t k = 0; k < nseen && !known; k++) known = seen[k] == g;
        if (known) continue;
        seen[nseen++] = g;
        fprintf(out, "  group led by %s (size %zu):", queue_writer_label(s, wt, g->leader), g->size);
        for (size_t k = qw.count; k-- > 0;)
            if (qw.nodes[k]->shared.write_group == g)
                fprintf(out, " %s", queue_writer_label(s, wt, qw.nodes[k]));
        fputc('\n', out);
    }
    if (nseen == 0) fputs("  no group in progress\n", out);
}

char *step_render_state(sched *s, const scenario *sc)
{
    const wt_options *o = &sc->options;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert(out != NULL);
    port_sim_quiet_begin();
    print_writers(out, s, sc);
    wt_db *db = run_current_db();
    if (db == NULL) fputs("(no open DB)\n", out);
    for (size_t qi = 0; db != NULL && qi < sizeof QUEUES / sizeof QUEUES[0]; qi++)
        if (queue_used(o, QUEUES[qi])) print_queue(out, s, db, o, QUEUES[qi]);
    if (db != NULL)
        fprintf(out, "sequences: published %llu, allocated %llu; WAL next offset %llu\n",
                (unsigned long long)wt_db_last_sequence(db),
                (unsigned long long)wt_db_last_allocated_sequence(db),
                (unsigned long long)wt_db_wal_offset(db));
    port_sim_quiet_end();
    fclose(out);
    return text;
}

/* ------------------------------------------------------------ events */

static void append_value(char *buf, size_t cap, size_t *n, const json_doc_node *v)
{
    if (*n >= cap) return;
    switch (v->type) {
    case JSON_DOC_STRING: *n += (size_t)snprintf(buf + *n, cap - *n, "%s", v->string); break;
    case JSON_DOC_INTEGER: *n += (size_t)snprintf(buf + *n, cap - *n, "%lld", (long long)v->integer); break;
    case JSON_DOC_TRUE: *n += (size_t)snprintf(buf + *n, cap - *n, "true"); break;
    case JSON_DOC_FALSE: *n += (size_t)snprintf(buf + *n, cap - *n, "false"); break;
    case JSON_DOC_ARRAY:
        *n += (size_t)snprintf(buf + *n, cap - *n, "[");
        for (size_t i = 0; i < v->child_count && *n < cap; i++) {
            if (i) *n += (size_t)snprintf(buf + *n, cap - *n, " ");
            append_value(buf, cap, n, json_doc_at(v, i));
        }
        if (*n < cap) *n += (size_t)snprintf(buf + *n, cap - *n, "]");
        break;
    default: *n += (size_t)snprintf(buf + *n, cap - *n, "?"); break;
    }
}

void step_render_event_line(const char *line, char *buf, size_t cap)
{
    json_doc_error err;
    json_doc *d = json_doc_parse(line, strlen(line), &err);
    if (d == NULL) {
        snprintf(buf, cap, "%s", line);
        return;
    }
    const json_doc_node *r = json_doc_root(d);
    const json_doc_node *step = json_doc_get(r, "step"), *fiber = json_doc_get(r, "fiber"),
                        *ev = json_doc_get(r, "ev");
    size_t n = (size_t)snprintf(buf, cap, "step %-6lld %-6s %-14s",
                                step && step->type == JSON_DOC_INTEGER ? (long long)step->integer : 0LL,
                                fiber && fiber->type == JSON_DOC_STRING ? fiber->string : "-",
                                ev && ev->type == JSON_DOC_STRING ? ev->string : "?");
    for (size_t i = 0; r->type == JSON_DOC_OBJECT && i < r->child_count && n < cap; i++) {
        const json_doc_node *m = json_doc_at(r, i);
        if (!strcmp(m->key, "step") || !strcmp(m->key, "t") || !strcmp(m->key, "fiber") ||
            !strcmp(m->key, "ev"))
            continue;
        n += (size_t)snprintf(buf + n, cap - n, " %s=", m->key);
        append_value(buf, cap, &n, m);
    }
    json_doc_free(d);
}

char *step_render_events(const trace_sink *sink, size_t from)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert(out != NULL);
    char buf[1024];
    for (size_t i = from; i < trace_sink_lines(sink); i++) {
        const char *line = trace_sink_line(sink, i);
        if (strstr(line, "\"ev\":\"pick\"") || strstr(line, "\"ev\":") == NULL) continue;
        step_render_event_line(line, buf, sizeof buf);
        fprintf(out, "  %s\n", buf);
    }
    fclose(out);
    return text;
}

char *step_render_final(const trace_sink *sink)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert(out != NULL);
    fputs("groups formed in this run:\n", out);
    char buf[1024];
    size_t groups = 0;
    for (size_t i = 0; i < trace_sink_lines(sink); i++) {
        const char *line = trace_sink_line(sink, i);
        if (strstr(line, "\"ev\":\"group\"") == NULL && strstr(line, "\"ev\":\"violation\"") == NULL)
            continue;
        step_render_event_line(line, buf, sizeof buf);
        fprintf(out, "  %s\n", buf);
        groups++;
    }
    if (groups == 0) fputs("  none\n", out);
    fclose(out);
    return text;
}
