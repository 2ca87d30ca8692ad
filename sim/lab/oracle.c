/*
 * oracle.c — the invariant oracle (see oracle.h for the invariants).
 *
 * It keeps, per scenario writer and batch, what the events said about that
 * write (flags, bytes, the sequence its group gave it, its result), which
 * sequences have been inserted into the memtable, and every WAL record with
 * whether a later sync made it durable.  Online checks run as events
 * arrive; the final and recovery checks compare the DB's entries with what
 * the writes say must be there.  Memory: malloc (sim code).
 */
#include "oracle.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtable.h"
#include "port_sim.h"
#include "write_thread.h"
#include "writer_state.h"

typedef struct write_info {
    bool begun, ended;
    uint32_t flags;
    uint64_t bytes, count;
    bool has_seq;        /* its group's record numbered it */
    uint64_t seq;
    wt_status status;
    bool callback_fail;
    bool insert_done;    /* its memtable insert ended (whatever its status) */
    int group;           /* the last group (index into oracle.groups) it was in; -1 none */
} write_info;

typedef struct group_info {
    int leader;          /* scenario writer */
    int queue;           /* wt_queue_id */
    uint64_t step;       /* when it formed */
    uint64_t first, last;/* its sequences (first 0: none) */
    bool memtable_group; /* pipelined memtable group (its sequences repeat a WAL group's) */
    bool status_set;     /* a member returned: status is the group's */
    int status_writer;
    wt_status status;
    int *members;        /* scenario writers, oldest first; -1: not a scenario writer */
    uint32_t nmembers;
} group_info;

/* A memtable insert that has begun and not ended. */
typedef struct insert_info {
    uint64_t memtable, seq, step;
    int writer;
} insert_info;

enum { ORACLE_QUEUES = 3, ORACLE_MAX_INSERTS = 256 };

typedef struct wal_record {
    uint64_t first, count;
    bool synced;
} wal_record;

struct oracle {
    const scenario *sc;
    write_info **writes;  /* [writer][batch] */
    bool unordered;
    uint64_t published;
    uint64_t checked_upto;    /* publish coverage verified up to here */
    uint8_t *inserted;        /* by sequence: 1 when its insert finished */
    uint64_t inserted_cap;
    wal_record *wal;
    size_t nwal, wal_cap;
    size_t sync_mark;         /* records appended when the pending sync began */
    uint64_t wal_prev_end;
    bool bg_error;
    bool crashed;
    uint64_t flushed_upto;    /* every sequence up to here is in a table file */
    uint64_t flush_begun_upto;/* a flush (maybe unfinished) covers sequences up to here */
    group_info *groups;
    size_t ngroups, groups_cap;
    int active[ORACLE_QUEUES];  /* per queue: the group still attached, -1 none */
    int *link_queue;            /* per writer: the queue it last linked into */
    uint32_t *last_state;       /* per writer: its state word's last value (STATE events) */
    uint64_t *flushed_memtables;/* ids handed to flush */
    size_t nflushed, flushed_cap;
    insert_info inserts[ORACLE_MAX_INSERTS];
    size_t ninserts;
};

static const char *wname(const oracle *o, int w)
{
    return w >= 0 && (size_t)w < o->sc->writer_count ? o->sc->writers[w].name : "?";
}

oracle *oracle_create(const scenario *sc)
{
    oracle *o = calloc(1, sizeof *o);
    assert(o != NULL);
    o->sc = sc;
    o->unordered = sc->options.unordered_write;
    o->writes = calloc(sc->writer_count, sizeof *o->writes);
    for (size_t w = 0; w < sc->writer_count; w++) {
        o->writes[w] = calloc(sc->writers[w].batch_count, sizeof **o->writes);
        for (size_t b = 0; b < sc->writers[w].batch_count; b++) {
            o->writes[w][b].callback_fail = sc->writers[w].batches[b].has_callback &&
                                            sc->writers[w].batches[b].callback_fail;
            o->writes[w][b].group = -1;
        }
    }
    o->link_queue = calloc(sc->writer_count + 1, sizeof *o->link_queue);
    o->last_state = calloc(sc->writer_count + 1, sizeof *o->last_state);
    assert(o->link_queue != NULL && o->last_state != NULL);
    for (int q = 0; q < ORACLE_QUEUES; q++) o->active[q] = -1;
    return o;
}

void oracle_free(oracle *o)
{
    if (o == NULL) return;
    for (size_t w = 0; w < o->sc->writer_count; w++) free(o->writes[w]);
    free(o->writes);
    free(o->inserted);
    free(o->wal);
    for (size_t i = 0; i < o->ngroups; i++) free(o->groups[i].members);
    free(o->groups);
    free(o->link_queue);
    free(o->last_state);
    free(o->flushed_memtables);
    free(o);
}

static write_info *write_at(oracle *o, int w, int b)
{
    if (w < 0 || b < 0 || (size_t)w >= o->sc->writer_count ||
        (size_t)b >= o->sc->writers[w].batch_count)
        return NULL;
    return &o->writes[w][b];
}

static bool fail(oracle_violation *v, const char *invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(oracle_violation *v, const char *invariant, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    v->invariant = invariant;
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    return false;
}

static void mark_inserted(oracle *o, uint64_t first, uint64_t count)
{
    if (first + count > o->inserted_cap) {
        uint64_t cap = o->inserted_cap ? o->inserted_cap : 1024;
        while (cap < first + count) cap *= 2;
        o->inserted = realloc(o->inserted, cap);
        assert(o->inserted != NULL);
        memset(o->inserted + o->inserted_cap, 0, cap - o->inserted_cap);
        o->inserted_cap = cap;
    }
    memset(o->inserted + first, 1, count);
}

/* The writer whose numbered write covers seq, for messages. */
static void owner_of(const oracle *o, uint64_t seq, int *writer, int *batch)
{
    *writer = *batch = -1;
    for (size_t w = 0; w < o->sc->writer_count; w++)
        for (size_t b = 0; b < o->sc->writers[w].batch_count; b++) {
            const write_info *wi = &o->writes[w][b];
            if (wi->has_seq && seq >= wi->seq && seq < wi->seq + wi->count) {
                *writer = (int)w;
                *batch = (int)b;
                return;
            }
        }
}

/* True when seq belongs to a write that returned an error: under
 * unordered_write its sequence is published before its memtable insert,
 * and an insert that fails leaves it published and not inserted (RocksDB's
 * UnorderedWriteMemtable does the same; the write reports the error). */
static bool failed_write_at(const oracle *o, uint64_t seq)
{
    int w, b;
    owner_of(o, seq, &w, &b);
    if (w < 0) return false;
    const write_info *wi = &o->writes[w][b];
    return wi->ended && wi->status != WT_OK;
}

/* ------------------------------------------------------------ online */

static bool on_publish(oracle *o, uint64_t seq, uint64_t step, oracle_violation *v)
{
    if (seq < o->published)
        return fail(v, "publish_order", "step %llu: published sequence went back from %llu to %llu",
                    (unsigned long long)step, (unsigned long long)o->published,
                    (unsigned long long)seq);
    o->published = seq;
    if (o->unordered) return true; /* inserts follow the publish by design */
    for (uint64_t s = o->checked_upto + 1; s <= seq; s++) {
        if (s < o->inserted_cap && o->inserted[s]) continue;
        int w, b;
        owner_of(o, s, &w, &b);
        return fail(v, "publish_order",
                    "step %llu: sequence %llu published before its memtable insert finished "
                    "(writer %s, batch %d): a reader could see a partial group",
                    (unsigned long long)step, (unsigned long long)s, wname(o, w), b);
    }
    o->checked_upto = seq;
    return true;
}

static bool on_wal_append(oracle *o, const port_event *e, uint64_t step, oracle_violation *v)
{
    if (e->status != WT_OK) return true;
    uint64_t first = e->c, count = e->d;
    if (first < o->wal_prev_end)
        return fail(v, "wal_order",
                    "step %llu: WAL record at offset %llu starts at sequence %llu, but the record "
                    "before it already reached %llu",
                    (unsigned long long)step, (unsigned long long)e->a, (unsigned long long)first,
                    (unsigned long long)(o->wal_prev_end - 1));
    if (count > 0) o->wal_prev_end = first + count;
    if (o->nwal == o->wal_cap) {
        o->wal_cap = o->wal_cap ? o->wal_cap * 2 : 256;
        o->wal = realloc(o->wal, o->wal_cap * sizeof *o->wal);
        assert(o->wal != NULL);
    }
    o->wal[o->nwal++] = (wal_record){first, count, false};
    return true;
}

static void on_wal_sync(oracle *o, const port_event *e)
{
    if (e->kind == PORT_EV_WAL_SYNC_BEGIN) {
        o->sync_mark = o->nwal;
        return;
    }
    if (e->status != WT_OK) return;
    for (size_t i = 0; i < o->sync_mark && i < o->nwal; i++) o->wal[i].synced = true;
}

/* Numbers the members as the engine does: in order, callback-vetoed
 * members skipped, WAL-only members consuming nothing. */
static void number_group(oracle *o, const port_event *e, const int *members)
{
    if (e->b == 0 && e->c == 0) return; /* the group failed before numbering */
    uint64_t next = e->b;
    for (uint32_t i = 0; i < e->member_count; i++) {
        write_info *wi = NULL;
        int w = members[i];
        if (w >= 0) {
            for (size_t b = o->sc->writers[w].batch_count; b-- > 0;)
                if (o->writes[w][b].begun && !o->writes[w][b].ended) {
                    wi = &o->writes[w][b];
                    break;
                }
        }
        if (wi == NULL || wi->callback_fail) continue;
        wi->has_seq = true;
        wi->seq = next;
        if (!(wi->flags & PORT_EV_FLAG_DISABLE_MEMTABLE)) next += wi->count;
    }
}

static bool check_group(oracle *o, const port_event *e, int leader, const int *members,
                        uint64_t step, oracle_violation *v)
{
    const write_info *lw = NULL;
    for (size_t b = 0; leader >= 0 && b < o->sc->writers[leader].batch_count; b++)
        if (o->writes[leader][b].begun && !o->writes[leader][b].ended) lw = &o->writes[leader][b];
    if (lw == NULL) return true;
    uint64_t max = o->sc->options.max_write_batch_group_size_bytes;
    uint64_t limit = lw->bytes <= max / 8 ? lw->bytes + max / 8 : max;
    /* The leader's own batch is always admitted: a lone leader may exceed the cap. */
    if (limit < lw->bytes) limit = lw->bytes;
    if (e->a > limit)
        return fail(v, "group_rules", "step %llu: group led by %s has %llu bytes, limit %llu",
                    (unsigned long long)step, wname(o, leader), (unsigned long long)e->a,
                    (unsigned long long)limit);
    const uint32_t same = PORT_EV_FLAG_NO_SLOWDOWN | PORT_EV_FLAG_DISABLE_WAL;
    for (uint32_t i = 1; i < e->member_count; i++) {
        int w = members[i];
        const write_info *mw = NULL;
        for (size_t b = 0; w >= 0 && b < o->sc->writers[w].batch_count; b++)
            if (o->writes[w][b].begun && !o->writes[w][b].ended) mw = &o->writes[w][b];
        if (mw == NULL) continue;
        const char *why = NULL;
        if ((mw->flags & PORT_EV_FLAG_SYNC) && !(lw->flags & PORT_EV_FLAG_SYNC))
            why = "a sync writer in a non-sync leader's group";
        else if ((mw->flags & same) != (lw->flags & same))
            why = "no_slowdown or disableWAL differs from the leader";
        else if (mw->flags & PORT_EV_FLAG_NO_BATCHING)
            why = "its callback refuses batching";
        if (why)
            return fail(v, "group_rules", "step %llu: %s joined %s's group: %s",
                        (unsigned long long)step, wname(o, w), wname(o, leader), why);
    }
    return true;
}

/* ------------------------------------------------ groups, one per queue */

static write_info *current_write(oracle *o, int w)
{
    for (size_t b = 0; w >= 0 && b < o->sc->writers[w].batch_count; b++)
        if (o->writes[w][b].begun && !o->writes[w][b].ended) return &o->writes[w][b];
    return NULL;
}

/* A group formed on its queue: the queue's previous group must be detached
 * (one leader at a time), and its sequences overlap no other group's. */
static bool on_group_formed(oracle *o, const port_event *e, int leader, const int *members,
                            uint64_t step, oracle_violation *v)
{
    bool mem = e->kind == PORT_EV_MEMTABLE_GROUP;
    int q = mem ? WT_QUEUE_MEMTABLE : leader >= 0 ? o->link_queue[leader] : WT_QUEUE_WRITE;
    if (o->active[q] >= 0) {
        const group_info *g = &o->groups[o->active[q]];
        return fail(v, "one_leader",
                    "step %llu: %s formed a group in queue %d while %s's group (formed at step "
                    "%llu) is still attached: two leaders at once",
                    (unsigned long long)step, wname(o, leader), q, wname(o, g->leader),
                    (unsigned long long)g->step);
    }
    group_info ng = {.leader = leader, .queue = q, .step = step, .memtable_group = mem,
                     .first = e->b, .last = e->c};
    if (ng.first != 0)
        for (size_t i = 0; i < o->ngroups; i++) {
            const group_info *g = &o->groups[i];
            if (g->memtable_group != mem || g->first == 0 || g->last < ng.first ||
                ng.last < g->first)
                continue;
            return fail(v, "group_sequences",
                        "step %llu: %s's group took sequences %llu..%llu, but %s's group (step "
                        "%llu) had %llu..%llu",
                        (unsigned long long)step, wname(o, leader), (unsigned long long)ng.first,
                        (unsigned long long)ng.last, wname(o, g->leader),
                        (unsigned long long)g->step, (unsigned long long)g->first,
                        (unsigned long long)g->last);
        }
    if (o->ngroups == o->groups_cap) {
        o->groups_cap = o->groups_cap ? o->groups_cap * 2 : 64;
        o->groups = realloc(o->groups, o->groups_cap * sizeof *o->groups);
        assert(o->groups != NULL);
    }
    ng.members = malloc((e->member_count + 1) * sizeof *ng.members);
    assert(ng.members != NULL);
    for (uint32_t i = 0; i < e->member_count; i++) ng.members[i] = members[i];
    ng.nmembers = e->member_count;
    int idx = (int)o->ngroups;
    o->groups[o->ngroups++] = ng;
    o->active[q] = idx;
    for (uint32_t i = 0; i < e->member_count; i++) {
        write_info *wi = current_write(o, members[i]);
        if (wi != NULL) wi->group = idx;
    }
    return true;
}

/* A member returned: every member of a group ends with the group's status
 * (a callback's veto aside; unordered writes insert on their own). */
static bool check_group_status(oracle *o, int writer, const write_info *wi, uint64_t step,
                               oracle_violation *v)
{
    if (wi->group < 0 || wi->callback_fail || o->unordered) return true;
    group_info *g = &o->groups[wi->group];
    if (!g->status_set) {
        g->status_set = true;
        g->status = wi->status;
        g->status_writer = writer;
        return true;
    }
    if (g->status == wi->status) return true;
    return fail(v, "group_status",
                "step %llu: %s returned %s, but %s of the same group (%s's, step %llu) returned %s",
                (unsigned long long)step, wname(o, writer), wt_status_name(wi->status),
                wname(o, g->status_writer), wname(o, g->leader), (unsigned long long)g->step,
                wt_status_name(g->status));
}

/* A leader returns (not pipelined: there the memtable stage ends a write):
 * every other member of its group was completed first, or its thread
 * would wait for ever. */
static bool check_group_completed(oracle *o, int leader, const write_info *wi, uint64_t step,
                                  oracle_violation *v)
{
    if (wi->group < 0 || o->sc->options.enable_pipelined_write) return true;
    const group_info *g = &o->groups[wi->group];
    if (g->leader != leader || g->memtable_group) return true;
    for (uint32_t i = 0; i < g->nmembers; i++) {
        int m = g->members[i];
        const write_info *mw = m >= 0 && m != leader ? current_write(o, m) : NULL;
        if (mw == NULL || mw->group != wi->group || o->last_state[m] == WT_STATE_COMPLETED)
            continue;
        return fail(v, "group_completion",
                    "step %llu: %s returned as the leader of its group (step %llu), but member %s "
                    "was never completed (its state is %s)",
                    (unsigned long long)step, wname(o, leader), (unsigned long long)g->step,
                    wname(o, m), wt_state_name(o->last_state[m] ? o->last_state[m]
                                                                : WT_STATE_INIT));
    }
    return true;
}

/* ------------------------------------------- memtables handed to flush */

static bool memtable_flushed(const oracle *o, uint64_t id)
{
    for (size_t i = 0; i < o->nflushed; i++)
        if (o->flushed_memtables[i] == id) return true;
    return false;
}

static bool on_insert(oracle *o, const port_event *e, int writer, uint64_t step,
                      oracle_violation *v)
{
    if (e->kind == PORT_EV_MEM_INSERT_END) {
        for (size_t i = 0; i < o->ninserts; i++)
            if (o->inserts[i].writer == writer && o->inserts[i].seq == e->a) {
                o->inserts[i] = o->inserts[--o->ninserts];
                break;
            }
        return true;
    }
    if (memtable_flushed(o, e->c))
        return fail(v, "insert_after_flush",
                    "step %llu: %s's batch (sequence %llu) goes into memtable %llu, which was "
                    "already handed to flush",
                    (unsigned long long)step, wname(o, writer), (unsigned long long)e->a,
                    (unsigned long long)e->c);
    if (o->ninserts < ORACLE_MAX_INSERTS)
        o->inserts[o->ninserts++] = (insert_info){e->c, e->a, step, writer};
    return true;
}

static bool on_flush_begin(oracle *o, const port_event *e, uint64_t step, oracle_violation *v)
{
    for (size_t i = 0; i < o->ninserts; i++)
        if (o->inserts[i].memtable == e->c)
            return fail(v, "insert_after_flush",
                        "step %llu: memtable %llu is handed to flush while %s's insert of "
                        "sequence %llu into it (begun at step %llu) is still running",
                        (unsigned long long)step, (unsigned long long)e->c,
                        wname(o, o->inserts[i].writer), (unsigned long long)o->inserts[i].seq,
                        (unsigned long long)o->inserts[i].step);
    if (o->nflushed == o->flushed_cap) {
        o->flushed_cap = o->flushed_cap ? o->flushed_cap * 2 : 16;
        o->flushed_memtables = realloc(o->flushed_memtables,
                                       o->flushed_cap * sizeof *o->flushed_memtables);
        assert(o->flushed_memtables != NULL);
    }
    o->flushed_memtables[o->nflushed++] = e->c;
    if (e->d > o->flush_begun_upto) o->flush_begun_upto = e->d;
    return true;
}

/* unordered_write: a memtable switch waits for every pending insert
 * (RocksDB's WaitForPendingWrites), i.e. every write whose sequences were
 * published and whose own insert has not ended yet.  A switch that does
 * not wait lets such an insert land in the memtable after it was made
 * immutable, or in the new one behind later sequences. */
static bool on_memtable_switch(oracle *o, uint64_t step, oracle_violation *v)
{
    if (!o->unordered) return true;
    for (size_t w = 0; w < o->sc->writer_count; w++)
        for (size_t b = 0; b < o->sc->writers[w].batch_count; b++) {
            const write_info *wi = &o->writes[w][b];
            if (!wi->begun || wi->ended || !wi->has_seq || wi->seq > o->published ||
                wi->insert_done || wi->callback_fail || wi->count == 0 ||
                (wi->flags & PORT_EV_FLAG_DISABLE_MEMTABLE))
                continue;
            return fail(v, "pending_writes",
                        "step %llu: the memtable was switched while %s batch %zu (sequence %llu, "
                        "published) had not inserted into it yet: a switch must wait for "
                        "pending unordered writes",
                        (unsigned long long)step, wname(o, (int)w), b,
                        (unsigned long long)wi->seq);
        }
    return true;
}

bool oracle_on_event(oracle *o, const port_event *e, int writer, int batch, uint64_t step,
                     const int *members, oracle_violation *v)
{
    v->invariant = NULL;
    write_info *wi = write_at(o, writer, batch);
    switch (e->kind) {
    case PORT_EV_STATE:
        if (writer >= 0) o->last_state[writer] = e->to;
        if (!wt_state_transition_legal(e->from, e->to))
            return fail(v, "legal_transition", "step %llu: writer %s moved %s -> %s",
                        (unsigned long long)step, wname(o, writer), wt_state_name(e->from),
                        wt_state_name(e->to));
        return true;
    case PORT_EV_WRITE_BEGIN:
        if (writer >= 0) o->last_state[writer] = WT_STATE_INIT; /* a new Writer */
        if (wi) *wi = (write_info){.begun = true, .flags = e->flags, .bytes = e->a,
                                   .count = e->b, .callback_fail = wi->callback_fail,
                                   .group = -1};
        return true;
    case PORT_EV_WRITE_END:
        if (wi) {
            wi->ended = true;
            wi->status = e->status;
            if (!check_group_status(o, writer, wi, step, v) ||
                !check_group_completed(o, writer, wi, step, v))
                return false;
            if (e->status == WT_OK) {
                if (wi->has_seq && wi->count > 0 && e->a != wi->seq)
                    return fail(v, "sequence_contiguous",
                                "step %llu: %s batch %d returned sequence %llu, its group gave %llu",
                                (unsigned long long)step, wname(o, writer), batch,
                                (unsigned long long)e->a, (unsigned long long)wi->seq);
                wi->has_seq = true;
                wi->seq = e->a;
            }
        }
        return true;
    case PORT_EV_GROUP:
        number_group(o, e, members);
        return check_group(o, e, writer, members, step, v) &&
               on_group_formed(o, e, writer, members, step, v);
    case PORT_EV_MEMTABLE_GROUP:
        return on_group_formed(o, e, writer, members, step, v);
    case PORT_EV_LINK:
        /* The write queue a leader's group forms in (the memtable queue's
         * groups are MEMTABLE_GROUP events). */
        if (writer >= 0 && e->a != WT_QUEUE_MEMTABLE) o->link_queue[writer] = (int)e->a;
        return true;
    case PORT_EV_DETACH:
        if (e->a < ORACLE_QUEUES) o->active[e->a] = -1;
        return true;
    case PORT_EV_MEM_INSERT_BEGIN:
        return on_insert(o, e, writer, step, v);
    case PORT_EV_MEM_INSERT_END:
        if (e->status == WT_OK) mark_inserted(o, e->a, e->b);
        if (wi) wi->insert_done = true;
        return on_insert(o, e, writer, step, v);
    case PORT_EV_MEMTABLE_SWITCH:
        return on_memtable_switch(o, step, v);
    case PORT_EV_FLUSH_BEGIN:
        return on_flush_begin(o, e, step, v);
    case PORT_EV_PUBLISH:
        return on_publish(o, e->a, step, v);
    case PORT_EV_WAL_APPEND:
        return on_wal_append(o, e, step, v);
    case PORT_EV_WAL_SYNC_BEGIN:
    case PORT_EV_WAL_SYNC_END:
        on_wal_sync(o, e);
        return true;
    case PORT_EV_ERROR:
        o->bg_error = true;
        return true;
    case PORT_EV_RECOVERY:
        o->published = o->checked_upto = e->b;
        return true;
    case PORT_EV_FLUSH_END:
        if (e->status == WT_OK && e->d > o->flushed_upto) o->flushed_upto = e->d;
        return true;
    default:
        return true;
    }
}

/* ---------------------------------------------------------- final checks */

typedef struct expected_entry {
    int writer, batch, op; /* op index in the scenario batch; -1: none */
    bool seen;
    bool optional;         /* after a crash: a flush in flight when it came may have
                              made it durable (its manifest record survived) or not */
} expected_entry;

typedef struct entry_check {
    oracle *o;
    expected_entry *exp;
    uint64_t cap;
    bool after_crash;
    oracle_violation *v;
    bool ok;
    uint64_t visible_upto; /* the DB's published sequence: readers see no later entry */
} entry_check;

static wt_value_type op_type(scenario_op_kind k)
{
    return k == SCENARIO_OP_PUT ? WT_TYPE_VALUE
           : k == SCENARIO_OP_DELETE ? WT_TYPE_DELETION : WT_TYPE_SINGLE_DELETION;
}

/* Entries the writes say must be in the DB, indexed by sequence. */
static expected_entry *build_expected(oracle *o, uint64_t max_seq, bool after_crash, uint64_t *cap)
{
    *cap = 1;
    for (size_t w = 0; w < o->sc->writer_count; w++)
        for (size_t b = 0; b < o->sc->writers[w].batch_count; b++) {
            const write_info *wi = &o->writes[w][b];
            /* Writes with no memtable entries take no sequence: pipelined
             * writes report kMaxSequenceNumber for them, as RocksDB does. */
            if (!wi->has_seq || wi->count == 0 || (wi->flags & PORT_EV_FLAG_DISABLE_MEMTABLE))
                continue;
            if (wi->seq + wi->count > *cap) *cap = wi->seq + wi->count;
        }
    expected_entry *exp = calloc(*cap, sizeof *exp);
    assert(exp != NULL);
    for (uint64_t s = 0; s < *cap; s++) exp[s].writer = -1;
    for (size_t w = 0; w < o->sc->writer_count; w++)
        for (size_t b = 0; b < o->sc->writers[w].batch_count; b++) {
            const write_info *wi = &o->writes[w][b];
            uint64_t end = wi->seq + wi->count - 1;
            /* After a crash: what a flush put in a table, and what the
             * recovered WAL prefix holds (never a disableWAL write). */
            bool keep = after_crash ? !wi->callback_fail &&
                                          (end <= o->flushed_upto ||
                                           (!(wi->flags & PORT_EV_FLAG_DISABLE_WAL) && end <= max_seq))
                                    : wi->ended && wi->status == WT_OK;
            bool optional = !keep && after_crash && !wi->callback_fail && end <= o->flush_begun_upto;
            if (!wi->has_seq || wi->count == 0 || (wi->flags & PORT_EV_FLAG_DISABLE_MEMTABLE) ||
                (!keep && !optional))
                continue;
            const scenario_batch *sb = &o->sc->writers[w].batches[b];
            uint64_t s = wi->seq;
            for (size_t i = 0; i < sb->op_count; i++) {
                if (sb->ops[i].kind == SCENARIO_OP_LOG_DATA) continue;
                exp[s++] = (expected_entry){(int)w, (int)b, (int)i, false, optional};
            }
        }
    return exp;
}

static void check_entry(wt_slice key, uint64_t seq, int type, wt_slice value, void *arg)
{
    entry_check *c = arg;
    if (!c->ok) return;
    const char *inv = c->after_crash ? "recovery_prefix" : "memtable_exact";
    if (seq >= c->cap || c->exp[seq].writer < 0) {
        int w, b;
        owner_of(c->o, seq, &w, &b);
        const write_info *wi = write_at(c->o, w, b);
        bool failed = !c->after_crash && wi != NULL && wi->ended && wi->status != WT_OK;
        /* A failed write may leave entries in the memtable (RocksDB does
         * too) as long as no reader can see them: their sequence is never
         * published (the failure is sticky). */
        if (failed && seq > c->visible_upto) return;
        if (failed)
            c->ok = fail(c->v, "failed_write_invisible",
                         "entry %.*s@%llu of %s batch %d is visible (published up to %llu), "
                         "but that write failed (%s)", (int)key.size, key.data, (unsigned long long)seq,
                         wname(c->o, w), b, (unsigned long long)c->visible_upto,
                         wt_status_name(wi->status));
        else
            c->ok = fail(c->v, inv, "entry %.*s@%llu is in the DB but no %s write put it there",
                         (int)key.size, key.data, (unsigned long long)seq,
                         c->after_crash ? "recovered" : "acknowledged");
        return;
    }
    expected_entry *x = &c->exp[seq];
    const scenario_op *op = &c->o->sc->writers[x->writer].batches[x->batch].ops[x->op];
    bool same = (int)op_type(op->kind) == type && key.size == strlen(op->key) &&
                memcmp(key.data, op->key, key.size) == 0 &&
                (op->kind != SCENARIO_OP_PUT ||
                 (value.size == strlen(op->value) && memcmp(value.data, op->value, value.size) == 0));
    if (!same)
        c->ok = fail(c->v, inv, "entry at sequence %llu is %.*s, expected %s's batch %d op %d (%s)",
                     (unsigned long long)seq, (int)key.size, key.data, wname(c->o, x->writer),
                     x->batch, x->op, op->key);
    x->seen = true;
}

static bool compare_entries(oracle *o, wt_db *db, uint64_t max_seq, bool after_crash,
                            oracle_violation *v)
{
    port_sim_quiet_begin(); /* the checker's read is not a scheduling point */
    uint64_t published = wt_db_last_sequence(db);
    port_sim_quiet_end();
    entry_check c = {o, NULL, 0, after_crash, v, true, published};
    c.exp = build_expected(o, max_seq, after_crash, &c.cap);
    wt_db_for_each_entry(db, check_entry, &c);
    for (uint64_t s = 0; c.ok && s < c.cap; s++) {
        const expected_entry *x = &c.exp[s];
        if (x->writer < 0 || x->seen || x->optional) continue;
        c.ok = fail(v, after_crash ? "recovery_prefix" : "memtable_exact",
                    "%s batch %d (sequence %llu) %s is missing from the %s",
                    wname(o, x->writer), x->batch, (unsigned long long)s,
                    after_crash ? "was in the recovered WAL prefix but" : "was acknowledged but",
                    after_crash ? "recovered DB" : "memtable");
    }
    free(c.exp);
    return c.ok;
}

static int compare_seq(const void *a, const void *b)
{
    const write_info *x = *(write_info *const *)a, *y = *(write_info *const *)b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static bool check_contiguous(oracle *o, oracle_violation *v)
{
    size_t n = 0, total = 0;
    for (size_t w = 0; w < o->sc->writer_count; w++) total += o->sc->writers[w].batch_count;
    const write_info **ok = malloc((total ? total : 1) * sizeof *ok);
    for (size_t w = 0; w < o->sc->writer_count; w++)
        for (size_t b = 0; b < o->sc->writers[w].batch_count; b++) {
            const write_info *wi = &o->writes[w][b];
            if (wi->ended && wi->status == WT_OK && wi->count > 0 &&
                !(wi->flags & PORT_EV_FLAG_DISABLE_MEMTABLE))
                ok[n++] = wi;
        }
    qsort(ok, n, sizeof *ok, compare_seq);
    bool good = true;
    uint64_t next = 1;
    for (size_t i = 0; i < n && good; i++) {
        if (ok[i]->seq < next)
            good = fail(v, "sequence_contiguous", "two writes share sequence %llu",
                        (unsigned long long)ok[i]->seq);
        else if (ok[i]->seq > next && !o->bg_error)
            good = fail(v, "sequence_contiguous", "no successful write has sequence %llu",
                        (unsigned long long)next);
        next = ok[i]->seq + ok[i]->count;
    }
    if (good && !o->bg_error && next - 1 != o->published)
        good = fail(v, "sequence_contiguous", "writes end at sequence %llu but %llu is published",
                    (unsigned long long)(next - 1), (unsigned long long)o->published);
    free(ok);
    return good;
}

bool oracle_check_final(oracle *o, wt_db *db, oracle_violation *v)
{
    v->invariant = NULL;
    if (!check_contiguous(o, v)) return false;
    if (o->unordered)
        for (uint64_t s = 1; s <= o->published; s++)
            if ((s >= o->inserted_cap || !o->inserted[s]) && !failed_write_at(o, s))
                return fail(v, "publish_order",
                            "sequence %llu was published but never inserted (unordered_write)",
                            (unsigned long long)s);
    return compare_entries(o, db, UINT64_MAX, false, v);
}

void oracle_on_crash(oracle *o)
{
    o->crashed = true;
    /* The reopened DB numbers its memtables afresh; queues start empty. */
    o->nflushed = o->ninserts = 0;
    for (int q = 0; q < ORACLE_QUEUES; q++) o->active[q] = -1;
    /* The memtable is gone; recovery re-inserts what the WAL kept. */
    if (o->inserted) memset(o->inserted, 0, o->inserted_cap);
}

void oracle_on_crash_kept_writes(oracle *o)
{
    /* Not the records of failed groups: the engine cuts those off the WAL
     * again (db.c cut_wal_back) so that they do not come back. */
    for (size_t i = 0; i < o->nwal; i++)
        if (o->wal[i].count == 0 || !failed_write_at(o, o->wal[i].first)) o->wal[i].synced = true;
}

bool oracle_check_recovery(oracle *o, wt_db *db, oracle_violation *v)
{
    v->invariant = NULL;
    uint64_t last = wt_db_last_sequence(db);
    for (size_t i = 0; i < o->nwal; i++) {
        const wal_record *r = &o->wal[i];
        if (r->synced && r->count > 0 && r->first + r->count - 1 > last)
            return fail(v, "recovery_prefix",
                        "the WAL record with sequences %llu..%llu was synced before the crash, "
                        "but recovery stopped at %llu",
                        (unsigned long long)r->first,
                        (unsigned long long)(r->first + r->count - 1), (unsigned long long)last);
    }
    return compare_entries(o, db, last, true, v);
}

bool oracle_write_status(const oracle *o, int writer, int batch, wt_status *status, uint64_t *seq)
{
    const write_info *wi = write_at((oracle *)o, writer, batch);
    if (wi == NULL || !wi->ended) return false;
    *status = wi->status;
    *seq = wi->seq;
    return true;
}
