/*
 * reads.c — gets and snapshots at sync points (expect.reads); see reads.h.
 */
#include "reads.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "memtable.h"
#include "port.h"
#include "util.h"

void reads_init(reads *rd, const scenario *sc)
{
    memset(rd, 0, sizeof *rd);
    rd->sc = sc;
    rd->reader = -1;
    rd->current = -1;
    rd->r = calloc(sc->expect.read_count + 1, sizeof *rd->r);
    assert(rd->r != NULL);
    for (size_t i = 0; i < sc->expect.read_count; i++) {
        const scenario_read *sr = &sc->expect.reads[i];
        rd->r[i].held_fiber = -1;
        rd->r[i].armed = !sr->has_after && sr->step == 0;
    }
}

void reads_free(reads *rd)
{
    for (size_t i = 0; rd->r != NULL && i < rd->sc->expect.read_count; i++) free(rd->r[i].value);
    free(rd->r);
    rd->r = NULL;
}

bool reads_need_reader(const reads *rd)
{
    for (size_t i = 0; i < rd->sc->expect.read_count; i++)
        if (!rd->sc->expect.reads[i].snapshot) return true;
    return false;
}

bool reads_at_fiber(const reads *rd, const char *name)
{
    for (size_t i = 0; i < rd->sc->expect.read_count; i++)
        if (rd->sc->expect.reads[i].sync_point != NULL &&
            strcmp(rd->sc->expect.reads[i].fiber, name) == 0)
            return true;
    return false;
}

static bool any_due(const reads *rd)
{
    for (size_t i = 0; i < rd->sc->expect.read_count; i++)
        if (rd->r[i].state == READ_DUE) return true;
    return false;
}

void reads_note_published(reads *rd, uint64_t seq)
{
    rd->published = seq;
}

/* Read i's step condition is met at `step`: a snapshot without a sync
 * point is taken now; any other read counts arrivals from now on. */
static void arm(reads *rd, size_t i, uint64_t step)
{
    read_rt *r = &rd->r[i];
    if (r->armed) return;
    r->armed = true;
    r->armed_step = step;
    if (rd->sc->expect.reads[i].sync_point != NULL) return;
    assert(rd->sc->expect.reads[i].snapshot);
    r->step = step;
    r->snapshot_seq = rd->published;
    r->state = READ_MADE;
}

void reads_on_trigger(void *arg, size_t i, uint64_t step)
{
    reads *rd = arg;
    assert(i < rd->sc->expect.read_count);
    if (++rd->r[i].events == rd->sc->expect.reads[i].nth) arm(rd, i, step);
}

void reads_on_crash(reads *rd)
{
    rd->stop = true;
    rd->reader = -1;
    rd->current = -1;
}

bool reads_on_sync_point(reads *rd, sched *s, sched_fiber *f, const char *name,
                         bool already_held)
{
    if (strcmp(name, RUN_READ_SYNC_POINT) == 0) {
        if (rd->stop || any_due(rd)) return false;
        rd->reader = (int)f->id;
        return true;
    }
    bool hold = false;
    for (size_t i = 0; i < rd->sc->expect.read_count; i++) {
        const scenario_read *sr = &rd->sc->expect.reads[i];
        read_rt *r = &rd->r[i];
        if (sr->sync_point == NULL || !r->armed || r->state != READ_IDLE ||
            strcmp(sr->fiber, f->name) != 0 || strcmp(sr->sync_point, name) != 0)
            continue;
        if (++r->hits != sr->occurrence) continue;
        r->step = sched_steps(s);
        if (sr->snapshot) {
            r->snapshot_seq = rd->published;
            r->state = READ_MADE;
            continue;
        }
        if (rd->stop) { /* the reader has ended: nobody can make the get */
            r->state = READ_NO_READER;
            continue;
        }
        r->state = READ_DUE;
        if (!already_held && !hold) r->held_fiber = (int)f->id;
        hold = true;
    }
    return hold && !already_held;
}

/* A due or in-progress get still needs fiber `fiber` held. */
static bool still_needed(const reads *rd, int fiber)
{
    const scenario *sc = rd->sc;
    const char *name = NULL;
    for (size_t i = 0; i < sc->expect.read_count; i++)
        if (rd->r[i].held_fiber == fiber) name = sc->expect.reads[i].fiber;
    for (size_t i = 0; name != NULL && i < sc->expect.read_count; i++)
        if (rd->r[i].state == READ_DUE && strcmp(sc->expect.reads[i].fiber, name) == 0)
            return true;
    return false;
}

/* The get being made waits for a lock a held fiber owns: let it go. */
static bool release_lock_owner(reads *rd, sched *s)
{
    bool released = false;
    if (rd->current < 0) return false;
    read_rt *cur = &rd->r[rd->current];
    const sched_fiber *me = NULL;
    for (size_t i = 0; i < sched_fiber_count(s); i++) {
        const sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
        if (strcmp(f->name, "reader") == 0 && f->state != SCHED_FINISHED) me = f;
    }
    for (size_t i = 0; me != NULL && me->state == SCHED_BLOCKED && i < rd->sc->expect.read_count;
         i++) {
        read_rt *r = &rd->r[i];
        if (r->held_fiber < 0 || r->held_fiber != me->wait_owner) continue;
        cur->lock_clash = true;
        sched_release(s, sched_fiber_at(s, (uint32_t)r->held_fiber));
        for (size_t j = 0; j < rd->sc->expect.read_count; j++)
            if (j != i && rd->r[j].held_fiber == r->held_fiber) rd->r[j].held_fiber = -1;
        r->held_fiber = -1;
        released = true;
    }
    return released;
}

bool reads_after_step(reads *rd, sched *s)
{
    uint64_t now = sched_steps(s);
    rd->last_step = now;
    for (size_t i = 0; i < rd->sc->expect.read_count; i++) {
        uint64_t step = rd->sc->expect.reads[i].step;
        if (step != 0 && !rd->r[i].armed && now >= step) arm(rd, i, now);
    }
    bool released = release_lock_owner(rd, s);
    for (size_t i = 0; i < rd->sc->expect.read_count; i++) {
        read_rt *r = &rd->r[i];
        if (r->held_fiber < 0 || r->state != READ_MADE || still_needed(rd, r->held_fiber))
            continue;
        int fiber = r->held_fiber;
        for (size_t j = 0; j < rd->sc->expect.read_count; j++)
            if (rd->r[j].held_fiber == fiber) rd->r[j].held_fiber = -1;
        sched_release(s, sched_fiber_at(s, (uint32_t)fiber));
        released = true;
    }
    if (rd->reader >= 0 && any_due(rd)) {
        sched_release(s, sched_fiber_at(s, (uint32_t)rd->reader));
        rd->reader = -1;
        released = true;
    }
    return released;
}

bool reads_on_stuck(reads *rd, sched *s)
{
    if (rd->reader < 0 || any_due(rd)) return false;
    rd->stop = true;
    sched_release(s, sched_fiber_at(s, (uint32_t)rd->reader));
    rd->reader = -1;
    return true;
}

/* A copy of v's bytes, NUL-terminated (malloc). */
static char *copy_value(const char *data, size_t size)
{
    char *p = malloc(size + 1);
    assert(p != NULL);
    if (size) memcpy(p, data, size);
    p[size] = '\0';
    return p;
}

void reads_reader_main(reads *rd, wt_db *const *db)
{
    wt_buf v;
    wt_buf_init(&v);
    for (;;) {
        port_sync_point(RUN_READ_SYNC_POINT);
        if (rd->stop) break;
        for (size_t i = 0; i < rd->sc->expect.read_count; i++) {
            read_rt *r = &rd->r[i];
            if (r->state != READ_DUE) continue;
            rd->current = (int)i;
            r->status = *db ? wt_db_get(*db, wt_slice_str(rd->sc->expect.reads[i].key), &v)
                            : WT_SHUTDOWN;
            if (r->status == WT_OK) r->value = copy_value((const char *)v.data, v.size);
            r->state = READ_MADE;
            rd->current = -1;
        }
    }
    wt_buf_free(&v);
}

/* The newest version of a key at or below a snapshot (for_each_entry's
 * order: key ascending, sequence descending). */
typedef struct snap_probe {
    const char *key;
    uint64_t seq;
    bool found, live;
    char *value;
} snap_probe;

static void probe_entry(wt_slice key, uint64_t seq, int type, wt_slice value, void *arg)
{
    snap_probe *p = arg;
    if (p->found || seq > p->seq || key.size != strlen(p->key) ||
        (key.size && memcmp(key.data, p->key, key.size) != 0))
        return;
    p->found = true;
    p->live = type == WT_TYPE_VALUE;
    if (p->live) p->value = copy_value((const char *)value.data, value.size);
}

void reads_resolve_snapshots(reads *rd, wt_db *db)
{
    assert(db != NULL);
    for (size_t i = 0; i < rd->sc->expect.read_count; i++) {
        const scenario_read *sr = &rd->sc->expect.reads[i];
        read_rt *r = &rd->r[i];
        if (!sr->snapshot || r->state != READ_MADE || r->resolved) continue;
        snap_probe p = {.key = sr->key, .seq = r->snapshot_seq};
        r->status = wt_db_for_each_entry(db, probe_entry, &p);
        if (r->status == WT_OK && !p.live) r->status = WT_NOT_FOUND;
        r->value = p.live ? p.value : NULL;
        if (!p.live) free(p.value);
        r->resolved = true;
    }
}

/* "absent" or the value quoted, into buf. */
static const char *shown(const char *value, char *buf, size_t cap)
{
    if (value == NULL) return "absent";
    snprintf(buf, cap, "\"%.200s\"", value);
    return buf;
}

/* "1st", "2nd", "3rd", "4th", ... */
static const char *ordinal(uint64_t n, char *buf, size_t cap)
{
    const char *suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                         : n % 10 == 1                    ? "st"
                         : n % 10 == 2                    ? "nd"
                         : n % 10 == 3                    ? "rd"
                                                          : "th";
    snprintf(buf, cap, "%" PRIu64 "%s", n, suffix);
    return buf;
}

/* What the read is, as the messages name it: `get "k" at w P (arrival 2)`,
 * `snapshot read of "k" after "publish seq=3"`, ... */
static void describe(const scenario_read *sr, char *buf, size_t cap)
{
    char cond[320] = "", nth[32];
    if (sr->has_after && sr->nth == 1)
        snprintf(cond, sizeof cond, "after \"%.240s\"", sr->after.text);
    else if (sr->has_after)
        snprintf(cond, sizeof cond, "after the %s \"%.240s\"", ordinal(sr->nth, nth, sizeof nth),
                 sr->after.text);
    else if (sr->step != 0)
        snprintf(cond, sizeof cond, "%s step %" PRIu64, sr->sync_point ? "from" : "at", sr->step);
    int n = snprintf(buf, cap, "%s \"%.60s\"", sr->snapshot ? "snapshot read of" : "get", sr->key);
    if (n < 0 || (size_t)n >= cap) return;
    if (sr->sync_point == NULL)
        snprintf(buf + n, cap - (size_t)n, " %s", cond);
    else
        snprintf(buf + n, cap - (size_t)n, " at %s %s (arrival %" PRIu64 "%s%s)", sr->fiber,
                 sr->sync_point, sr->occurrence, cond[0] ? " " : "", cond);
}

/* Why read i was not made. */
static void not_made(const reads *rd, size_t i, const char *at, const char *want, run_result *res)
{
    const scenario_read *sr = &rd->sc->expect.reads[i];
    const read_rt *r = &rd->r[i];
    if (r->state == READ_NO_READER)
        expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 "): the reader fiber had ended "
                           "(a crash ends it), so no get was made (expected %s)",
                           i, at, r->step, want);
    else if (!r->armed && sr->has_after)
        expectation_failed(res, "reads[%zu]: %s: \"%s\" happened %" PRIu64 " time%s, so no read "
                           "was made (expected %s)",
                           i, at, sr->after.text, r->events, r->events == 1 ? "" : "s", want);
    else if (!r->armed)
        expectation_failed(res, "reads[%zu]: %s: the run ended at step %" PRIu64 ", so no read "
                           "was made (expected %s)",
                           i, at, res->steps, want);
    else
        expectation_failed(res, "reads[%zu]: %s: %s reached it %" PRIu64 " time%s%s, so no read "
                           "was made (expected %s)",
                           i, at, sr->fiber, r->hits, r->hits == 1 ? "" : "s",
                           sr->has_after || sr->step ? " from then on" : "", want);
}

void reads_check(const reads *rd, run_result *res)
{
    const scenario_expect *e = &rd->sc->expect;
    for (size_t i = 0; i < e->read_count; i++) {
        const scenario_read *sr = &e->reads[i];
        const read_rt *r = &rd->r[i];
        char at[640], want_buf[256], got[256];
        describe(sr, at, sizeof at);
        const char *want = shown(sr->value, want_buf, sizeof want_buf);
        if (r->state != READ_MADE) {
            not_made(rd, i, at, want, res);
            continue;
        }
        if (r->lock_clash) {
            expectation_failed(res, "reads[%zu]: %s: the get waited for a lock %s holds there "
                               "(the DB mutex?), so it was made later; read at another sync point",
                               i, at, sr->fiber);
            continue;
        }
        if (sr->snapshot && !r->resolved) {
            expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 "): taken while the DB was "
                               "closing, after the writers were done, so it could not be read "
                               "(a snapshot is read before the close): take it earlier",
                               i, at, r->step);
            continue;
        }
        if (r->status != WT_OK && r->status != WT_NOT_FOUND) {
            expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 "): the %s failed: %s", i,
                               at, r->step, sr->snapshot ? "read" : "get",
                               wt_status_name(r->status));
            continue;
        }
        const char *seen = shown(r->status == WT_OK ? r->value : NULL, got, sizeof got);
        if (strcmp(seen, want) == 0) continue;
        if (sr->snapshot)
            expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 ", sequence %" PRIu64
                               "): saw %s, expected %s",
                               i, at, r->step, r->snapshot_seq, seen, want);
        else
            expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 "): saw %s, expected %s", i,
                               at, r->step, seen, want);
    }
}
