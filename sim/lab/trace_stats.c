/*
 * trace_stats.c — samples and statistics from one pass over a trace
 * (trace_stats.h).
 */
#include "trace_stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_reader.h"

enum { NAME_MAX_BYTES = 64, NO_STATE = -1 };

/* What is remembered per thread. */
typedef struct thread_mem {
    char name[NAME_MAX_BYTES];
    uint64_t last_ns;          /* its previous event */
    bool seen;
    uint64_t sync_begin_ns;    /* open wal_sync_begin */
    bool in_sync;
    uint64_t insert_begin_ns, insert_count, insert_bytes;
    bool in_insert;
    uint64_t write_bytes;      /* as a writer: its current batch */
    uint64_t end_ns;           /* as a writer: its last write_end */
    bool ended, wrote;
    uint64_t woken_ns;         /* as a writer: set out of LOCKED_WAITING by another */
    bool woken;
    const struct thread_mem *woken_by; /* as a writer: who set it out of LOCKED_WAITING */
    uint64_t later_wakes;      /* parked writers that setter woke after it, before it ran */
    bool returning;            /* set by another (parked or not), waiting for its next event */
    int woken_to;              /* the state index it was set to (-1: unknown) */
    uint64_t link_ns, link_step; /* as a writer: linked as a follower */
    bool linked;
    uint64_t wait_ns;          /* as a writer: its first wait / wait for COMPLETED began */
    int wait_kind;             /* 0 first wait, 1 member's wait, -1 none (wait_spin_ns) */
    uint64_t waker_from_ns;    /* as a waker: a wake it made, waiting for its next event */
    bool waking;
    uint64_t set_from_ns;      /* as a setter: a state it set on another writer, */
    bool setting;              /* parked or not, waiting for its next event */
    int setting_to;            /* the state index it set (-1: unknown) */
    int woke_idle, set_idle;   /* the set it returns from / made: 0 busy, 1 idle, -1 none */
    bool parked;               /* as a writer: LOCKED_WAITING, not set out of it yet */
    bool inserted;             /* as a writer: inserted as a PARALLEL_MEMTABLE_WRITER, not
                                  COMPLETED yet */
    int state;                 /* as a writer: its state's row, NO_STATE outside a write */
    uint64_t state_since;
} thread_mem;

typedef struct reader_ctx {
    thread_mem *threads;
    size_t count;
    uint64_t first_ns, last_ns; /* this trace's first write_begin, last write_end */
    bool any;
} reader_ctx;

void stats_samples_push(stats_samples *s, uint64_t v)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        uint64_t *p = realloc(s->v, cap * sizeof *p);
        if (p == NULL) {
            fputs("wtlab: out of memory\n", stderr);
            abort();
        }
        s->v = p;
        s->cap = cap;
    }
    s->v[s->n++] = v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t stats_quantile(const stats_samples *s, double p)
{
    if (s->n == 0) return 0;
    uint64_t *copy = malloc(s->n * sizeof *copy);
    if (copy == NULL) abort();
    memcpy(copy, s->v, s->n * sizeof *copy);
    qsort(copy, s->n, sizeof *copy, cmp_u64);
    double pos = p * (double)(s->n - 1);
    size_t i = (size_t)pos;
    double frac = pos - (double)i;
    uint64_t r = copy[i];
    if (i + 1 < s->n) r = (uint64_t)llround((double)copy[i] + frac * (double)(copy[i + 1] - copy[i]));
    free(copy);
    return r;
}

double stats_mean(const stats_samples *s)
{
    if (s->n == 0) return 0;
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) sum += (double)s->v[i];
    return sum / (double)s->n;
}

double stats_sd(const stats_samples *s)
{
    if (s->n < 2) return 0;
    double m = stats_mean(s), sq = 0;
    for (size_t i = 0; i < s->n; i++) sq += ((double)s->v[i] - m) * ((double)s->v[i] - m);
    return sqrt(sq / (double)(s->n - 1));
}

static thread_mem *thread_of(reader_ctx *x, const char *name)
{
    if (name == NULL) return NULL;
    for (size_t i = 0; i < x->count; i++)
        if (strcmp(x->threads[i].name, name) == 0) return &x->threads[i];
    if (x->count == TRACE_STATS_MAX_THREADS || strlen(name) >= NAME_MAX_BYTES) return NULL;
    thread_mem *t = &x->threads[x->count++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->state = NO_STATE;
    t->woke_idle = t->set_idle = -1;
    t->wait_kind = -1;
    return t;
}

/* No writer but f and w is active (trace_stats.h). */
static bool machine_idle(const reader_ctx *x, const thread_mem *f, const thread_mem *w)
{
    for (size_t i = 0; i < x->count; i++) {
        const thread_mem *o = &x->threads[i];
        if (o == f || o == w || !o->wrote || o->in_sync) continue;
        if (!o->parked || o->inserted) return false;
    }
    return true;
}

static void leave_state(trace_stats *st, thread_mem *w, uint64_t t)
{
    if (w->state != NO_STATE && t >= w->state_since) st->state_ns[w->state] += t - w->state_since;
    w->state_since = t;
}

/* Pushes to - from when the two are in order (real traces from several
 * threads' buffers could disagree by a clock tick). */
static void push_span(stats_samples *s, uint64_t from, uint64_t to)
{
    if (to >= from) stats_samples_push(s, to - from);
}

static void on_write_begin(trace_stats *st, reader_ctx *x, thread_mem *w, const trace_event *e)
{
    uint64_t t = e->t_ns;
    if (w->ended && t >= w->end_ns) {
        stats_samples_push(&st->think_ns, t - w->end_ns);
        st->think_total_ns += t - w->end_ns;
    }
    if (!w->wrote) st->writers++;
    w->wrote = true;
    w->write_bytes = e->bytes;
    if (!x->any || t < x->first_ns) x->first_ns = t;
    x->any = true;
    w->state = wt_state_index(WT_STATE_INIT);
    w->state_since = t;
    assert(w->state >= 0);
}

static void on_write_end(trace_stats *st, reader_ctx *x, thread_mem *w, uint64_t t)
{
    leave_state(st, w, t);
    w->state = NO_STATE;
    w->ended = true;
    w->end_ns = t;
    st->writes++;
    if (t > x->last_ns) x->last_ns = t;
}

/* A state change of writer w made by fiber f (NULL: unknown thread). */
static void on_state(trace_stats *st, const reader_ctx *x, thread_mem *f, thread_mem *w,
                     const trace_event *e)
{
    uint64_t t = e->t_ns;
    int from = wt_state_index_by_name(e->from), to = wt_state_index_by_name(e->to);
    if (w->linked && f == w && to == wt_state_index(WT_STATE_LOCKED_WAITING)) {
        push_span(&st->spin_ns, w->link_ns, t);
        push_span(&st->spin_steps, w->link_step, e->step);
    }
    w->linked = false;
    if (w->wait_kind >= 0) { /* a wait's spin phase ends: it parks, or is set by another */
        bool parks = f == w && to == wt_state_index(WT_STATE_LOCKED_WAITING);
        if ((parks || (f != NULL && f != w)) && t >= w->wait_ns) {
            stats_samples_push(&st->wait_spin_ns[w->wait_kind], t - w->wait_ns);
            stats_samples_push(&st->wait_parked[w->wait_kind], parks);
        }
        w->wait_kind = -1;
    }
    if (w->state != NO_STATE) {
        leave_state(st, w, t);
        w->state = to;
    }
    bool by_other = f != NULL && f != w;
    if (by_other) { /* parked or not: its next event ends its return latency, */
        w->woke_idle = f->set_idle = machine_idle(x, f, w);
        w->returning = true;
        w->woken_ns = t;
        w->woken_to = to;
        f->setting = true; /* and the setter's next event its cost */
        f->set_from_ns = t;
        f->setting_to = to;
    }
    bool waiting = from == wt_state_index(WT_STATE_INIT) ||
                   from == wt_state_index(WT_STATE_LOCKED_WAITING);
    if (!by_other || !waiting) return;
    st->waits++;
    if (from != wt_state_index(WT_STATE_LOCKED_WAITING)) return;
    st->waits_blocked++;
    for (size_t i = 0; i < x->count; i++) /* writers f woke before: one more after them */
        if (x->threads[i].woken && x->threads[i].woken_by == f) x->threads[i].later_wakes++;
    w->woken = true; /* its next event ends the wake-up latency */
    w->woken_by = f;
    w->later_wakes = 0;
    f->waking = true; /* the waker's next event ends its wake cost */
    f->waker_from_ns = t;
}

/* Writer w's parked and inserted flags after a state change (f: who). */
static void track_parked(thread_mem *f, thread_mem *w, const trace_event *e)
{
    int to = wt_state_index_by_name(e->to);
    if (to == wt_state_index(WT_STATE_LOCKED_WAITING)) {
        w->parked = true;
        return;
    }
    if (f != w) w->parked = false;
    if (to == wt_state_index(WT_STATE_COMPLETED)) w->inserted = false;
}

/* WAL append and sync, memtable insert: durations on one thread f. */
static void on_timed(trace_stats *st, thread_mem *f, thread_mem *w, const trace_event *e)
{
    uint64_t t = e->t_ns;
    switch (e->kind) {
    case TRACE_WAL_APPEND:
        if (f->seen && e->status != NULL && strcmp(e->status, "ok") == 0 && t >= f->last_ns) {
            stats_samples_push(&st->append_ns, t - f->last_ns);
            stats_samples_push(&st->append_bytes, e->bytes);
        }
        break;
    case TRACE_WAL_SYNC_BEGIN:
        f->in_sync = true;
        f->sync_begin_ns = t;
        break;
    case TRACE_WAL_SYNC_END:
        if (f->in_sync) push_span(&st->sync_ns, f->sync_begin_ns, t);
        f->in_sync = false;
        break;
    case TRACE_INSERT_BEGIN:
        f->in_insert = true;
        f->insert_begin_ns = t;
        f->insert_count = e->count;
        f->insert_bytes = w != NULL ? w->write_bytes : 0;
        break;
    case TRACE_INSERT_END:
        if (f->in_insert && t >= f->insert_begin_ns) {
            stats_samples_push(&st->insert_ns, t - f->insert_begin_ns);
            stats_samples_push(&st->insert_count, f->insert_count);
            stats_samples_push(&st->insert_bytes, f->insert_bytes);
        }
        f->in_insert = false;
        break;
    default: break;
    }
    assert(st->insert_ns.n == st->insert_count.n && st->append_ns.n == st->append_bytes.n);
}

static void on_event(trace_stats *st, reader_ctx *x, const trace_event *e)
{
    if (e->kind == TRACE_PICK) return; /* sim bookkeeping, not the thread's work */
    thread_mem *f = thread_of(x, e->fiber);
    thread_mem *w = thread_of(x, e->writer);
    uint64_t t = e->t_ns;
    if (f != NULL && f->woken) /* a parked writer's first event after its wake-up */
        push_span(&st->wake_latency_ns, f->woken_ns, t);
    if (f != NULL && f->returning && f->woken_to >= 0)
        push_span(&st->wake_latency_to_ns[f->woken_to], f->woken_ns, t);
    if (f != NULL && f->returning && f->woken && f->woken_to >= 0 && f->later_wakes == 0)
        push_span(&st->wake_latency_parked_to_ns[f->woken_to], f->woken_ns, t);
    if (f != NULL && f->returning && f->woken && f->woken_to >= 0 && f->later_wakes > 0 &&
        t >= f->woken_ns) {
        stats_samples_push(&st->pushback_ns[f->woken_to], t - f->woken_ns);
        stats_samples_push(&st->pushback_k[f->woken_to], f->later_wakes);
    }
    if (f != NULL && f->returning && f->woke_idle >= 0 && f->woken_to >= 0)
        push_span(&st->wake_latency_idle_to_ns[f->woke_idle][f->woken_to], f->woken_ns, t);
    if (f != NULL) f->woken = f->returning = false;
    if (f != NULL) f->woke_idle = -1;
    if (f != NULL && f->waking) {
        push_span(&st->wake_cost_ns, f->waker_from_ns, t);
        f->waking = false;
    }
    if (f != NULL && f->setting) {
        if (f->setting_to >= 0) push_span(&st->wake_cost_to_ns[f->setting_to], f->set_from_ns, t);
        if (f->setting_to >= 0 && f->set_idle >= 0)
            push_span(&st->wake_cost_idle_to_ns[f->set_idle][f->setting_to], f->set_from_ns, t);
        f->setting = false;
        f->set_idle = -1;
    }
    if (e->kind == TRACE_WRITE_BEGIN && w != NULL) on_write_begin(st, x, w, e);
    if (e->kind == TRACE_WRITE_END && w != NULL) on_write_end(st, x, w, t);
    if (e->kind == TRACE_LINK && w != NULL && !e->leads) {
        w->linked = true;
        w->link_ns = t;
        w->link_step = e->step;
        w->wait_kind = 0;
        w->wait_ns = t;
    }
    if (e->kind == TRACE_STATE && w != NULL) {
        on_state(st, x, f, w, e);
        track_parked(f, w, e);
    }
    if (e->kind == TRACE_INSERT_END && f != NULL &&
        f->state == wt_state_index(WT_STATE_PARALLEL_MEMTABLE_WRITER)) {
        f->inserted = true;
        f->wait_kind = 1;
        f->wait_ns = t;
    }
    if (e->kind == TRACE_WRITE_END && w != NULL) {
        w->inserted = w->parked = false;
        w->wait_kind = -1;
    }
    if (e->kind == TRACE_GROUP) {
        size_t n = e->members.count;
        st->groups++;
        st->group_members += n;
        st->groups_by_size[n < TRACE_STATS_MAX_GROUP ? n : TRACE_STATS_MAX_GROUP]++;
    }
    if (e->kind == TRACE_WAL_SYNC_END) st->wal_syncs++;
    if (f != NULL) {
        on_timed(st, f, w, e);
        f->last_ns = t;
        f->seen = true;
    }
}

bool trace_stats_add(const char *path, trace_stats *st, char *err, size_t cap)
{
    trace_reader *r = trace_reader_open(path, err, cap);
    if (r == NULL) return false;
    if (trace_reader_file_kind(r) != TRACE_FILE_TRACE) {
        snprintf(err, cap, "%s: an exploration summary, not a trace", path);
        trace_reader_close(r);
        return false;
    }
    st->real = trace_reader_is_real(r);
    st->traces++;
    reader_ctx x = {.threads = calloc(TRACE_STATS_MAX_THREADS, sizeof(thread_mem))};
    if (x.threads == NULL) abort();
    trace_event e;
    bool ok = true;
    for (;;) {
        trace_item it = trace_reader_next(r, &e);
        if (it == TRACE_ITEM_EVENT) {
            on_event(st, &x, &e);
            continue;
        }
        if (it == TRACE_ITEM_ERROR) {
            snprintf(err, cap, "%s", trace_reader_error(r));
            ok = false;
        }
        break;
    }
    /* Several traces: the spans add up, so writes per second stay a rate. */
    if (x.any && x.last_ns > x.first_ns) st->span_ns += x.last_ns - x.first_ns;
    free(x.threads);
    trace_reader_close(r);
    return ok;
}

void trace_stats_free(trace_stats *st)
{
    stats_samples *all[] = {&st->append_ns,       &st->append_bytes, &st->sync_ns,
                            &st->insert_ns,       &st->insert_count, &st->insert_bytes,
                            &st->wake_latency_ns, &st->wake_cost_ns, &st->think_ns,
                            &st->spin_ns, &st->spin_steps, &st->wait_spin_ns[0],
                            &st->wait_spin_ns[1], &st->wait_parked[0], &st->wait_parked[1]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->v);
    for (size_t i = 0; i < WT_STATE_COUNT; i++) {
        free(st->wake_latency_to_ns[i].v);
        free(st->wake_latency_parked_to_ns[i].v);
        free(st->pushback_ns[i].v);
        free(st->pushback_k[i].v);
        free(st->wake_cost_to_ns[i].v);
        for (int k = 0; k < 2; k++) {
            free(st->wake_latency_idle_to_ns[k][i].v);
            free(st->wake_cost_idle_to_ns[k][i].v);
        }
    }
    memset(st, 0, sizeof *st);
}
