/*
 * expect_events.c — recording, while a run goes, what the expectations
 * about events need (expect.transitions, expect.wal, expect.writes,
 * expect.order), and checking them at the end.
 *
 * Nothing is kept that no expectation asks for: transition counts per
 * expected entry, the first expect.wal.records WAL records (and the
 * total), every write's status and sequence, and for each side of an
 * expect.order entry the first and last matching event.  Events are
 * numbered in the order the runner sees them (engine events, sync points
 * and the runner's own lines), which is the trace's line order.
 *
 * A WAL record's "batches" are the members of the group its leader last
 * formed whose batch goes to the WAL (not disable_wal, no vetoing
 * callback): the engine merges exactly those into the record.
 * See expect.h for the contract.
 */
#include "expect.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writer_state.h"

void expect_events_init(expect_log *x)
{
    const scenario *sc = x->sc;
    const scenario_expect *e = &sc->expect;
    size_t nw = sc->writer_count;
    x->cur_batch = calloc(nw + 1, sizeof *x->cur_batch);
    x->cur_group = calloc(nw + 1, sizeof *x->cur_group);
    x->lead_wal_bound = calloc(nw + 1, sizeof *x->lead_wal_bound);
    x->writes = calloc(nw + 1, sizeof *x->writes);
    x->transition_counts = calloc(e->transition_count + 1, sizeof *x->transition_counts);
    x->wal = calloc(e->wal_record_count + 1, sizeof *x->wal);
    x->order = calloc(2 * e->order_count + 1, sizeof *x->order);
    assert(x->cur_batch && x->cur_group && x->lead_wal_bound && x->writes &&
           x->transition_counts && x->wal && x->order);
    for (size_t w = 0; w < nw; w++) {
        x->cur_batch[w] = -1;
        x->cur_group[w] = -1;
        x->writes[w] = calloc(sc->writers[w].batch_count + 1, sizeof *x->writes[w]);
        assert(x->writes[w] != NULL);
    }
}

void expect_events_free(expect_log *x)
{
    for (size_t w = 0; x->writes != NULL && w < x->sc->writer_count; w++) free(x->writes[w]);
    free(x->writes);
    free(x->cur_batch);
    free(x->cur_group);
    free(x->lead_wal_bound);
    free(x->transition_counts);
    free(x->wal);
    free(x->order);
    x->writes = NULL;
    x->cur_batch = x->cur_group = NULL;
    x->lead_wal_bound = x->transition_counts = NULL;
    x->wal = NULL;
    x->order = NULL;
}

bool expect_wants_trace_events(const expect_log *x)
{
    if (x->sc->expect.order_count > 0) return true;
    for (size_t i = 0; i < x->sc->expect.read_count; i++)
        if (x->sc->expect.reads[i].has_after) return true;
    return false;
}

void expect_set_read_trigger(expect_log *x, expect_read_trigger_fn *fn, void *arg)
{
    x->read_trigger = fn;
    x->read_trigger_arg = arg;
}

/* ---------------------------------------------------------------- order */

static bool filter_matches(const scenario_event_filter *f, const trace_event *te, int64_t group)
{
    const char *base = (const char *)te;
    switch (f->type) {
    case -1: return group == f->number;
    case TRACE_U64: {
        uint64_t v;
        memcpy(&v, base + f->offset, sizeof v);
        return v == (uint64_t)f->number;
    }
    case TRACE_I64: {
        int64_t v;
        memcpy(&v, base + f->offset, sizeof v);
        return v == f->number;
    }
    case TRACE_BOOL: {
        bool v;
        memcpy(&v, base + f->offset, sizeof v);
        return v == (f->number != 0);
    }
    case TRACE_STR: {
        const char *v;
        memcpy(&v, base + f->offset, sizeof v);
        return v != NULL && strcmp(v, f->text) == 0;
    }
    default: return false;
    }
}

static bool spec_matches(const scenario_event_spec *s, int kind, const trace_event *te,
                         int64_t group)
{
    if (s->kind != kind) return false;
    for (size_t i = 0; i < s->filter_count; i++)
        if (!filter_matches(&s->filters[i], te, group)) return false;
    return true;
}

static void note_match(expect_match *m, uint64_t ord, uint64_t step)
{
    if (m->first_ord == 0) m->first_ord = ord, m->first_step = step;
    m->last_ord = ord, m->last_step = step;
}

/* The reads whose "after" this event matches are told. */
static void match_reads(expect_log *x, int kind, const trace_event *te, int64_t group)
{
    const scenario_expect *e = &x->sc->expect;
    for (size_t i = 0; x->read_trigger != NULL && i < e->read_count; i++) {
        const scenario_read *r = &e->reads[i];
        if (r->has_after && spec_matches(&r->after, kind, te, group))
            x->read_trigger(x->read_trigger_arg, i, te->step);
    }
}

static void match_order(expect_log *x, int kind, const trace_event *te, int64_t group)
{
    const scenario_expect *e = &x->sc->expect;
    if (te == NULL) return;
    match_reads(x, kind, te, group);
    if (e->order_count == 0) return;
    uint64_t ord = ++x->ordinal;
    for (size_t i = 0; i < e->order_count; i++) {
        if (spec_matches(&e->order[i].before, kind, te, group)) note_match(&x->order[2 * i], ord, te->step);
        if (spec_matches(&e->order[i].after, kind, te, group))
            note_match(&x->order[2 * i + 1], ord, te->step);
    }
}

static int64_t group_of(const expect_log *x, int writer, int self)
{
    if (writer >= 0) return x->cur_group[writer];
    if (self >= 0) return x->cur_group[self];
    return -1;
}

void expect_on_line(expect_log *x, int kind, const trace_event *te, int self)
{
    int w = te->writer != NULL ? scenario_writer_index(x->sc, te->writer) : -1;
    match_order(x, kind, te, group_of(x, w, self));
}

/* ---------------------------------------------------------------- events */

static void note_transition(expect_log *x, const port_event *pe, int writer, const char *by)
{
    const scenario_expect *e = &x->sc->expect;
    for (size_t i = 0; i < e->transition_count; i++) {
        const scenario_expect_transition *t = &e->transitions[i];
        if ((t->from && t->from != pe->from) || (t->to && t->to != pe->to)) continue;
        if (t->writer[0] && (writer < 0 || strcmp(t->writer, x->sc->writers[writer].name) != 0))
            continue;
        if (t->by[0] && (by == NULL || strcmp(t->by, by) != 0)) continue;
        x->transition_counts[i]++;
    }
}

/* The group's members whose batch the leader merges into its WAL record. */
static uint64_t wal_bound(const expect_log *x, const int *members, uint32_t n)
{
    uint64_t bound = 0;
    for (uint32_t i = 0; i < n && i < SCHED_MAX_FIBERS; i++) {
        int w = members[i];
        if (w < 0 || x->cur_batch[w] < 0) continue;
        const scenario_batch *b = &x->sc->writers[w].batches[x->cur_batch[w]];
        if (!b->disable_wal && !(b->has_callback && b->callback_fail)) bound++;
    }
    return bound;
}

void expect_on_event(expect_log *x, const port_event *pe, const trace_event *te, int writer,
                     int batch, int self, const int *members, const char *fiber)
{
    int64_t group = -1;
    switch (pe->kind) {
    case PORT_EV_WRITE_BEGIN:
        if (writer >= 0) x->cur_batch[writer] = batch;
        break;
    case PORT_EV_WRITE_END:
        if (writer >= 0 && batch >= 0 && (size_t)batch < x->sc->writers[writer].batch_count)
            x->writes[writer][batch] = (expect_write_seen){true, pe->status, pe->a, pe->b};
        break;
    case PORT_EV_STATE:
        note_transition(x, pe, writer, fiber);
        break;
    case PORT_EV_GROUP:
        group = (int64_t)x->group_events++;
        for (uint32_t i = 0; i < pe->member_count && i < SCHED_MAX_FIBERS; i++)
            if (members[i] >= 0) x->cur_group[members[i]] = (int)group;
        if (pe->member_count > 0 && members[0] >= 0)
            x->lead_wal_bound[members[0]] = wal_bound(x, members, pe->member_count);
        break;
    case PORT_EV_WAL_APPEND:
        if (pe->status != WT_OK) break;
        if (x->wal_total < x->sc->expect.wal_record_count)
            x->wal[x->wal_total] = (expect_wal_seen){
                pe->c, pe->d, writer >= 0 ? x->lead_wal_bound[writer] : 0, writer};
        x->wal_total++;
        break;
    default: break;
    }
    if (te != NULL) match_order(x, (int)te->kind, te, group >= 0 ? group : group_of(x, writer, self));
}

void expect_on_return(expect_log *x, int writer, int batch, wt_status st, uint64_t seq)
{
    assert(writer >= 0 && (size_t)writer < x->sc->writer_count);
    assert(batch >= 0 && (size_t)batch < x->sc->writers[writer].batch_count);
    expect_write_seen *w = &x->writes[writer][batch];
    if (w->ended) return; /* its write_end event said it all */
    const scenario_batch *b = &x->sc->writers[writer].batches[batch];
    uint64_t count = 0;
    for (size_t i = 0; i < b->op_count; i++) count += b->ops[i].kind != SCENARIO_OP_LOG_DATA;
    *w = (expect_write_seen){true, st, st == WT_OK ? seq : 0, count};
}

/* ---------------------------------------------------------------- checks */

static void check_transitions(const expect_log *x, run_result *r)
{
    const scenario_expect *e = &x->sc->expect;
    for (size_t i = 0; i < e->transition_count; i++) {
        const scenario_expect_transition *t = &e->transitions[i];
        uint64_t n = x->transition_counts[i];
        bool ok = t->count >= 0 ? n == (uint64_t)t->count
                                : (t->min < 0 || n >= (uint64_t)t->min) &&
                                      (t->max < 0 || n <= (uint64_t)t->max);
        if (ok) continue;
        char want[64];
        if (t->count >= 0) snprintf(want, sizeof want, "%lld", (long long)t->count);
        else if (t->max < 0) snprintf(want, sizeof want, ">= %lld", (long long)t->min);
        else if (t->min < 0) snprintf(want, sizeof want, "<= %lld", (long long)t->max);
        else snprintf(want, sizeof want, "%lld..%lld", (long long)t->min, (long long)t->max);
        expectation_failed(r, "transitions[%zu]: %s -> %s%s%s%s%s: seen %llu times, expected %s", i,
                           t->from ? wt_state_name(t->from) : "any",
                           t->to ? wt_state_name(t->to) : "any", t->writer[0] ? " of " : "",
                           t->writer, t->by[0] ? " by " : "", t->by, (unsigned long long)n, want);
    }
}

static void check_wal(const expect_log *x, run_result *r)
{
    const scenario_expect *e = &x->sc->expect;
    for (size_t i = 0; i < e->wal_record_count; i++) {
        const scenario_expect_wal_record *want = &e->wal_records[i];
        if (i >= x->wal_total) {
            expectation_failed(r, "wal.records[%zu]: only %llu records were appended", i,
                               (unsigned long long)x->wal_total);
            break;
        }
        const expect_wal_seen *got = &x->wal[i];
        const char *leader = got->leader >= 0 ? x->sc->writers[got->leader].name : "-";
        if ((want->first_seq >= 0 && got->first_seq != (uint64_t)want->first_seq) ||
            (want->count >= 0 && got->count != (uint64_t)want->count) ||
            (want->batches >= 0 && got->batches != (uint64_t)want->batches) ||
            (want->writer[0] && strcmp(want->writer, leader) != 0))
            expectation_failed(r, "wal.records[%zu]: got first_seq %llu count %llu batches %llu "
                               "by %s, expected%s%lld%s%lld%s%lld%s%s", i,
                               (unsigned long long)got->first_seq, (unsigned long long)got->count,
                               (unsigned long long)got->batches, leader,
                               want->first_seq >= 0 ? " first_seq " : "", (long long)want->first_seq,
                               want->count >= 0 ? " count " : "", (long long)want->count,
                               want->batches >= 0 ? " batches " : "", (long long)want->batches,
                               want->writer[0] ? " by " : "", want->writer);
    }
    if (e->wal_record_total >= 0 && x->wal_total != (uint64_t)e->wal_record_total)
        expectation_failed(r, "wal.record_count: %llu records appended, expected %lld",
                           (unsigned long long)x->wal_total, (long long)e->wal_record_total);
    if (e->wal_syncs >= 0 && r->wal_syncs != (uint64_t)e->wal_syncs)
        expectation_failed(r, "wal.syncs: %llu WAL syncs, expected %lld",
                           (unsigned long long)r->wal_syncs, (long long)e->wal_syncs);
}

static void check_writes(const expect_log *x, run_result *r)
{
    const scenario *sc = x->sc;
    for (size_t i = 0; i < sc->expect.write_count; i++) {
        const scenario_expect_write *want = &sc->expect.writes[i];
        int w = scenario_writer_index(sc, want->writer);
        assert(w >= 0 && (size_t)want->batch < sc->writers[w].batch_count);
        const expect_write_seen *got = &x->writes[w][want->batch];
        if (!got->ended) {
            expectation_failed(r, "writes[%zu]: %s batch %lld never returned", i, want->writer,
                               (long long)want->batch);
            continue;
        }
        if (want->has_status && got->status != want->status)
            expectation_failed(r, "writes[%zu]: %s batch %lld returned %s, expected %s", i,
                               want->writer, (long long)want->batch, wt_status_name(got->status),
                               wt_status_name(want->status));
        if (want->seq >= 0 && got->seq != (uint64_t)want->seq)
            expectation_failed(r, "writes[%zu]: %s batch %lld got sequence %llu, expected %lld", i,
                               want->writer, (long long)want->batch, (unsigned long long)got->seq,
                               (long long)want->seq);
        if (want->count >= 0 && got->count != (uint64_t)want->count)
            expectation_failed(r, "writes[%zu]: %s batch %lld had count %llu, expected %lld", i,
                               want->writer, (long long)want->batch, (unsigned long long)got->count,
                               (long long)want->count);
    }
}

static void check_order(const expect_log *x, run_result *r)
{
    const scenario_expect *e = &x->sc->expect;
    for (size_t i = 0; i < e->order_count; i++) {
        const scenario_expect_order *o = &e->order[i];
        const expect_match *b = &x->order[2 * i], *a = &x->order[2 * i + 1];
        if (b->first_ord == 0 || a->first_ord == 0) {
            expectation_failed(r, "order[%zu]: \"%s\" never happened", i,
                               b->first_ord == 0 ? o->before.text : o->after.text);
            continue;
        }
        uint64_t bo = o->before.last ? b->last_ord : b->first_ord;
        uint64_t ao = o->after.last ? a->last_ord : a->first_ord;
        if (bo < ao) continue;
        expectation_failed(r, "order[%zu]: \"%s\" (step %llu) came after \"%s\" (step %llu), "
                           "expected before", i, o->before.text,
                           (unsigned long long)(o->before.last ? b->last_step : b->first_step),
                           o->after.text,
                           (unsigned long long)(o->after.last ? a->last_step : a->first_step));
    }
}

void expect_check_events(const expect_log *x, run_result *r)
{
    check_transitions(x, r);
    check_wal(x, r);
    check_writes(x, r);
    check_order(x, r);
}
