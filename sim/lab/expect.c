/*
 * expect.c — the scenario's expectations against what a run did.
 *
 * Each check reads the DB (through its public calls), the oracle's record
 * of every write's status, or the counts in the run result, and words
 * each miss as "KEY: what happened, what was expected" — the scenario key
 * first, so a reader finds the line of the file to look at.  The text is
 * bounded by the result's buffer; lines that do not fit are dropped.
 * See expect.h for the contract.
 */
#include "expect.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writer_state.h"

void expect_init(expect_log *x, const scenario *sc)
{
    assert(sc != NULL);
    memset(x, 0, sizeof *x);
    x->sc = sc;
    x->group_cap = sc->expect.group_count + 1;
    x->group_members = calloc(x->group_cap, sizeof *x->group_members);
    x->group_sizes = calloc(x->group_cap, sizeof *x->group_sizes);
    assert(x->group_members != NULL);
    assert(x->group_sizes != NULL);
    expect_events_init(x);
}

void expect_free(expect_log *x)
{
    free(x->group_members);
    free(x->group_sizes);
    x->group_members = NULL;
    x->group_sizes = NULL;
    expect_events_free(x);
}

void expect_note_group(expect_log *x, const int *members, size_t member_count)
{
    if (x->group_count >= x->group_cap) return;
    for (size_t i = 0; i < member_count && i < SCHED_MAX_FIBERS; i++)
        x->group_members[x->group_count][i] = members[i];
    x->group_sizes[x->group_count++] = member_count;
    assert(x->group_count <= x->group_cap);
}

void expectation_failed(run_result *r, const char *fmt, ...)
{
    size_t n = strlen(r->expectations);
    if (n + 2 >= sizeof r->expectations) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->expectations + n, sizeof r->expectations - n - 1, fmt, ap);
    va_end(ap);
    n = strlen(r->expectations);
    r->expectations[n] = '\n';
    r->expectations[n + 1] = '\0';
}

static void check_contents(const scenario_expect *x, wt_db *db, run_result *r)
{
    wt_buf v;
    wt_buf_init(&v);
    for (size_t i = 0; i < x->content_count; i++) {
        const scenario_expect_key *k = &x->contents[i];
        wt_status st = wt_db_get(db, wt_slice_str(k->key), &v);
        if (k->value == NULL && st != WT_NOT_FOUND)
            expectation_failed(r, "contents: %s should be absent, found %s", k->key,
                               st == WT_OK ? "a value" : wt_status_name(st));
        else if (k->value != NULL && st != WT_OK)
            expectation_failed(r, "contents: %s should be \"%s\", got %s", k->key, k->value,
                               wt_status_name(st));
        else if (k->value != NULL &&
                 (v.size != strlen(k->value) || memcmp(v.data, k->value, v.size) != 0))
            expectation_failed(r, "contents: %s should be \"%s\", is \"%.*s\"", k->key, k->value,
                               (int)v.size, v.data);
    }
    wt_buf_free(&v);
}

typedef struct live_count {
    const scenario_expect *x;
    size_t extra;
    char first_extra[128];
} live_count;

static bool count_unexpected(wt_slice key, wt_slice value, void *arg)
{
    (void)value;
    live_count *c = arg;
    for (size_t i = 0; i < c->x->content_count; i++)
        if (strlen(c->x->contents[i].key) == key.size &&
            memcmp(c->x->contents[i].key, key.data, key.size) == 0)
            return true;
    if (c->extra++ == 0) snprintf(c->first_extra, sizeof c->first_extra, "%.*s", (int)key.size, key.data);
    return true;
}

static void check_statuses(const scenario *sc, const oracle *orc, run_result *r)
{
    const scenario_expect *x = &sc->expect;
    for (size_t i = 0; i < x->status_count; i++) {
        const scenario_expect_status *es = &x->statuses[i];
        int w = scenario_writer_index(sc, es->writer);
        for (size_t b = 0; w >= 0 && b < es->count; b++) {
            wt_status st;
            uint64_t seq;
            if (!oracle_write_status(orc, w, (int)b, &st, &seq))
                expectation_failed(r, "status: %s batch %zu never returned", es->writer, b);
            else if (st != es->statuses[b])
                expectation_failed(r, "status: %s batch %zu returned %s, expected %s", es->writer,
                                   b, wt_status_name(st), wt_status_name(es->statuses[b]));
        }
    }
}

static void check_groups(const expect_log *xlog, run_result *r)
{
    const scenario *sc = xlog->sc;
    const scenario_expect *x = &sc->expect;
    for (size_t g = 0; g < x->group_count; g++) {
        const scenario_expect_group *eg = &x->groups[g];
        if (g >= xlog->group_count) {
            expectation_failed(r, "groups: expected group %zu (led by %s), only %zu formed", g,
                               eg->leader, xlog->group_count);
            return;
        }
        bool same = xlog->group_sizes[g] == eg->member_count;
        for (size_t m = 0; same && m < eg->member_count; m++)
            same = xlog->group_members[g][m] == scenario_writer_index(sc, eg->members[m]);
        if (!same) {
            char got[512] = "";
            for (size_t m = 0; m < xlog->group_sizes[g] && strlen(got) < 480; m++) {
                int w = xlog->group_members[g][m];
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", m ? " " : "",
                         w >= 0 ? sc->writers[w].name : "?");
            }
            expectation_failed(r, "groups: group %zu should be led by %s with %zu members, got [%s]",
                               g, eg->leader, eg->member_count, got);
        }
    }
}

static void check_numbers(const scenario_expect *x, run_result *r)
{
    if (x->group_count_total >= 0 && r->groups != (uint64_t)x->group_count_total)
        expectation_failed(r, "group_count: %llu groups formed, expected %lld",
                           (unsigned long long)r->groups, (long long)x->group_count_total);
    if (x->max_group_size >= 0 && r->max_group > (uint64_t)x->max_group_size)
        expectation_failed(r, "max_group_size: a group of %llu formed, at most %lld expected",
                           (unsigned long long)r->max_group, (long long)x->max_group_size);
    if (x->min_max_group_size >= 0 && r->max_group < (uint64_t)x->min_max_group_size)
        expectation_failed(r, "min_largest_group: the largest group had %llu members, expected "
                           ">= %lld", (unsigned long long)r->max_group,
                           (long long)x->min_max_group_size);
    for (size_t i = 0; i < x->states_visited_count; i++) {
        int si = wt_state_index_by_name(x->states_visited[i]);
        if (si >= 0 && !(r->states_visited & wt_state_table[si].bit))
            expectation_failed(r, "states_visited: no writer entered %s", x->states_visited[i]);
    }
}

void expect_check(const expect_log *xlog, wt_db *db, const oracle *orc, run_result *r)
{
    assert(db != NULL);
    assert(xlog->sc != NULL);
    const scenario_expect *x = &xlog->sc->expect;
    check_contents(x, db, r);
    if (x->contents_exact) {
        live_count c = {x, 0, ""};
        if (wt_db_scan(db, count_unexpected, &c) == WT_OK && c.extra > 0)
            expectation_failed(r, "contents_exact: %zu other live key%s, e.g. %s", c.extra,
                               c.extra == 1 ? "" : "s", c.first_extra);
    }
    if (x->last_sequence >= 0 && wt_db_last_sequence(db) != (uint64_t)x->last_sequence)
        expectation_failed(r, "last_sequence: %llu, expected %lld",
                           (unsigned long long)wt_db_last_sequence(db), (long long)x->last_sequence);
    check_statuses(xlog->sc, orc, r);
}

void expect_check_at_end(const expect_log *xlog, run_result *r)
{
    assert(xlog->sc != NULL);
    check_groups(xlog, r);
    check_numbers(&xlog->sc->expect, r);
    expect_check_events(xlog, r);
}
