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
    for (size_t i = 0; i < sc->expect.read_count; i++) rd->r[i].held_fiber = -1;
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

bool reads_on_sync_point(reads *rd, sched *s, sched_fiber *f, int writer, const char *name,
                         bool already_held)
{
    if (strcmp(name, RUN_READ_SYNC_POINT) == 0) {
        if (rd->stop || any_due(rd)) return false;
        rd->reader = (int)f->id;
        return true;
    }
    if (writer < 0) return false;
    const char *wname = rd->sc->writers[writer].name;
    bool hold = false;
    for (size_t i = 0; i < rd->sc->expect.read_count; i++) {
        const scenario_read *sr = &rd->sc->expect.reads[i];
        read_rt *r = &rd->r[i];
        if (strcmp(sr->writer, wname) != 0 || strcmp(sr->sync_point, name) != 0) continue;
        if (++r->hits != sr->occurrence) continue;
        r->step = sched_steps(s);
        if (sr->snapshot) {
            r->snapshot_seq = rd->published;
            r->state = READ_MADE;
            continue;
        }
        r->state = READ_DUE;
        if (!already_held && !hold) r->held_fiber = (int)f->id;
        hold = true;
    }
    return hold && !already_held;
}

/* A due or in-progress get still needs writer fiber `fiber` held. */
static bool still_needed(const reads *rd, int fiber)
{
    const scenario *sc = rd->sc;
    const char *name = NULL;
    for (size_t i = 0; i < sc->expect.read_count; i++)
        if (rd->r[i].held_fiber == fiber) name = sc->expect.reads[i].writer;
    for (size_t i = 0; name != NULL && i < sc->expect.read_count; i++)
        if (rd->r[i].state == READ_DUE && strcmp(sc->expect.reads[i].writer, name) == 0)
            return true;
    return false;
}

bool reads_after_step(reads *rd, sched *s)
{
    bool released = false;
    /* The get waits for a lock a held writer owns: let the writer go. */
    if (rd->current >= 0) {
        read_rt *cur = &rd->r[rd->current];
        const sched_fiber *me = NULL;
        for (size_t i = 0; i < sched_fiber_count(s); i++) {
            const sched_fiber *f = sched_fiber_at(s, (uint32_t)i);
            if (strcmp(f->name, "reader") == 0 && f->state != SCHED_FINISHED) me = f;
        }
        for (size_t i = 0; me != NULL && me->state == SCHED_BLOCKED &&
                           i < rd->sc->expect.read_count; i++) {
            read_rt *r = &rd->r[i];
            if (r->held_fiber < 0 || r->held_fiber != me->wait_owner) continue;
            cur->lock_clash = true;
            sched_release(s, sched_fiber_at(s, (uint32_t)r->held_fiber));
            for (size_t j = 0; j < rd->sc->expect.read_count; j++)
                if (j != i && rd->r[j].held_fiber == r->held_fiber) rd->r[j].held_fiber = -1;
            r->held_fiber = -1;
            released = true;
        }
    }
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
            if (r->status == WT_OK) {
                r->value = malloc(v.size + 1);
                assert(r->value != NULL);
                if (v.size) memcpy(r->value, v.data, v.size);
                r->value[v.size] = '\0';
            }
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
    if (!p->live) return;
    p->value = malloc(value.size + 1);
    assert(p->value != NULL);
    if (value.size) memcpy(p->value, value.data, value.size);
    p->value[value.size] = '\0';
}

/* "absent" or the value quoted, into buf. */
static const char *shown(const char *value, char *buf, size_t cap)
{
    if (value == NULL) return "absent";
    snprintf(buf, cap, "\"%.200s\"", value);
    return buf;
}

void reads_check(const reads *rd, wt_db *db, run_result *res)
{
    const scenario_expect *e = &rd->sc->expect;
    for (size_t i = 0; i < e->read_count; i++) {
        const scenario_read *sr = &e->reads[i];
        const read_rt *r = &rd->r[i];
        char at[256], want_buf[256], got[256];
        snprintf(at, sizeof at, "%s \"%.60s\" at %s %s (arrival %" PRIu64 ")",
                 sr->snapshot ? "snapshot read of" : "get", sr->key, sr->writer, sr->sync_point,
                 sr->occurrence);
        const char *want = shown(sr->value, want_buf, sizeof want_buf);
        if (r->state != READ_MADE) {
            expectation_failed(res, "reads[%zu]: %s: %s reached it %" PRIu64
                               " time%s, so no read was made (expected %s)",
                               i, at, sr->writer, r->hits, r->hits == 1 ? "" : "s", want);
            continue;
        }
        if (r->lock_clash) {
            expectation_failed(res, "reads[%zu]: %s: the get waited for a lock %s holds there "
                               "(the DB mutex?), so it was made later; read at another sync point",
                               i, at, sr->writer);
            continue;
        }
        const char *seen;
        char *snap_value = NULL;
        if (sr->snapshot) {
            snap_probe p = {.key = sr->key, .seq = r->snapshot_seq};
            wt_status st = db ? wt_db_for_each_entry(db, probe_entry, &p) : WT_SHUTDOWN;
            if (st != WT_OK) {
                expectation_failed(res, "reads[%zu]: %s: reading the DB failed: %s", i, at,
                                   wt_status_name(st));
                free(p.value);
                continue;
            }
            snap_value = p.value;
            seen = shown(p.live ? p.value : NULL, got, sizeof got);
        } else if (r->status != WT_OK && r->status != WT_NOT_FOUND) {
            expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 "): the get failed: %s", i,
                               at, r->step, wt_status_name(r->status));
            continue;
        } else {
            seen = shown(r->status == WT_OK ? r->value : NULL, got, sizeof got);
        }
        if (strcmp(seen, want) != 0) {
            if (sr->snapshot)
                expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 ", sequence %" PRIu64
                                   "): saw %s, expected %s",
                                   i, at, r->step, r->snapshot_seq, seen, want);
            else
                expectation_failed(res, "reads[%zu]: %s (step %" PRIu64 "): saw %s, expected %s",
                                   i, at, r->step, seen, want);
        }
        free(snap_value);
    }
}
