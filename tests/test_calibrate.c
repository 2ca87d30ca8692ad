/*
 * test_calibrate.c — the sim's timing model (sim/port/timing.c), device
 * costs per file kind and memtable inserts as charged in runs, profile
 * sampling, and `wtlab calibrate`'s fits (sim/lab/calibrate.c) on a
 * synthetic real trace whose latencies are known.
 *
 * The synthetic trace: four writers, 600 groups; per group a leader
 * appends one WAL record (3000 ns + 1000 ns per KiB, exactly), syncs it
 * (uniform 200..400 us), inserts every member's batch (800 ns per entry +
 * 300 ns per KiB + uniform noise of +-100 ns), then wakes its parked
 * members one by one (5000 ns each); a woken member runs again after a
 * uniform 10..50 us; writers think 1..3 us between writes.  Calibration
 * must recover each within the error it states (standard errors for the
 * fits, the DKW bound for quantiles).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "check_main.h"
#include "run.h"
#include "scenario.h"
#include "timing.h"
#include "trace.h"
#include "trace_stats.h"

/* A scratch directory of this process (made in main): every file the
 * tests write goes there, so parallel runs cannot collide. */
static char scratch[] = "/tmp/wt-calibrate-XXXXXX";

/* scratch + "/" + name, in one of a few rotating buffers. */
static const char *at(const char *name)
{
    static char bufs[4][256];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", scratch, name);
    return b;
}

/* ------------------------------------------------------- synthetic trace */

typedef struct syn_event {
    trace_event e;
    uint64_t order; /* ties in time keep emission order */
} syn_event;

typedef struct syn {
    syn_event *ev;
    size_t n, cap;
    uint64_t rng;
} syn;

static const char *const names[] = {"w1", "w2", "w3", "w4"};
enum { WRITERS = 4, GROUPS = 600 };

static uint64_t rnd(syn *s, uint64_t lo, uint64_t hi) /* uniform in [lo, hi] */
{
    uint64_t z = (s->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return lo + z % (hi - lo + 1);
}

static trace_event *add(syn *s, trace_kind k, uint64_t t, const char *fiber)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->ev = realloc(s->ev, s->cap * sizeof *s->ev);
        ck_assert_ptr_nonnull(s->ev);
    }
    syn_event *x = &s->ev[s->n];
    memset(x, 0, sizeof *x);
    x->order = s->n++;
    x->e.kind = k;
    x->e.t_ns = t;
    x->e.fiber = fiber;
    x->e.status = "ok";
    x->e.opts = "sync";
    x->e.queue = "write";
    return &x->e;
}

static int by_time(const void *a, const void *b)
{
    const syn_event *x = a, *y = b;
    if (x->e.t_ns != y->e.t_ns) return x->e.t_ns < y->e.t_ns ? -1 : 1;
    return x->order < y->order ? -1 : 1;
}

static const char *members_of_all[] = {"w1", "w2", "w3", "w4"};

/* Writes the trace to path. */
static void make_synthetic(const char *path)
{
    syn s = {.rng = 42};
    uint64_t t = 1000000;
    uint64_t bytes[WRITERS], count[WRITERS];
    for (int g = 0; g < GROUPS; g++) {
        int leader = g % WRITERS;
        /* Every writer starts a write; the followers park. */
        for (int w = 0; w < WRITERS; w++) {
            int who = (leader + w) % WRITERS;
            count[who] = rnd(&s, 1, 8);
            bytes[who] = 12 + rnd(&s, 100, 8000);
            t += rnd(&s, 1000, 3000); /* think time since its last write_end */
            trace_event *e = add(&s, TRACE_WRITE_BEGIN, t, names[who]);
            e->writer = names[who];
            e->batch = g;
            e->bytes = bytes[who];
            e->count = count[who];
            e = add(&s, TRACE_LINK, t + 10, names[who]);
            e->writer = names[who];
            e->leads = w == 0;
            e->attempts = 1;
            if (w > 0) {
                e = add(&s, TRACE_STATE, t + 20, names[who]);
                e->writer = names[who];
                e->from = "INIT";
                e->to = "LOCKED_WAITING";
            }
        }
        t += 100;
        uint64_t total = 0, entries = 0;
        for (int w = 0; w < WRITERS; w++) total += bytes[w], entries += count[w];
        const char *ln = names[leader];
        trace_event *e = add(&s, TRACE_GROUP, t, ln);
        e->leader = ln;
        e->members = (trace_names){members_of_all, WRITERS};
        e->bytes = total;
        t += 3000 + 1000 * total / 1024; /* append cost, exact (KiB pro rata) */
        e = add(&s, TRACE_WAL_APPEND, t, ln);
        e->writer = ln;
        e->bytes = total;
        e->count = entries;
        e = add(&s, TRACE_WAL_SYNC_BEGIN, t, ln);
        e->writer = ln;
        t += rnd(&s, 200000, 400000);
        e = add(&s, TRACE_WAL_SYNC_END, t, ln);
        e->writer = ln;
        for (int w = 0; w < WRITERS; w++) {
            int who = (leader + w) % WRITERS;
            e = add(&s, TRACE_INSERT_BEGIN, t, ln);
            e->writer = names[who];
            e->count = count[who];
            t += 800 * count[who] + 300 * bytes[who] / 1024 + rnd(&s, 0, 200) - 100;
            e = add(&s, TRACE_INSERT_END, t, ln);
            e->writer = names[who];
            e->count = count[who];
        }
        uint64_t back = t;
        for (int w = 1; w < WRITERS; w++) {
            int who = (leader + w) % WRITERS;
            e = add(&s, TRACE_STATE, t, ln);
            e->writer = names[who];
            e->from = "LOCKED_WAITING";
            e->to = "COMPLETED";
            uint64_t woke = t + rnd(&s, 10000, 50000);
            e = add(&s, TRACE_WRITE_END, woke, names[who]);
            e->writer = names[who];
            e->count = count[who];
            if (woke > back) back = woke;
            t += 5000; /* the waker's cost: its next event comes 5 us later */
        }
        e = add(&s, TRACE_WRITE_END, t, ln);
        e->writer = ln;
        e->count = count[leader];
        t = (back > t ? back : t) + 1;
    }
    qsort(s.ev, s.n, sizeof *s.ev, by_time);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    trace_text tt;
    trace_text_init(&tt);
    trace_header h;
    trace_header_init(&h, TRACE_SOURCE_REAL);
    h.build = "synthetic";
    h.program = "test_calibrate";
    h.threads = (trace_names){names, WRITERS};
    trace_encode_header(&tt, &h);
    fputs(tt.buf, f);
    fputc('\n', f);
    for (size_t i = 0; i < s.n; i++) {
        s.ev[i].e.step = i + 1;
        trace_encode_event(&tt, &s.ev[i].e);
        fputs(tt.buf, f);
        fputc('\n', f);
    }
    trace_text_free(&tt);
    ck_assert_int_eq(fclose(f), 0);
    free(s.ev);
}

/* The true CDF of a uniform [lo, hi] at x. */
static double uniform_cdf(double x, double lo, double hi)
{
    return x <= lo ? 0 : x >= hi ? 1 : (x - lo) / (hi - lo);
}

static void check_dist_uniform(const timing_dist *d, double eps, double lo, double hi,
                               const char *what)
{
    ck_assert_uint_ge(d->count, 2);
    for (size_t i = 0; i < d->count; i++) {
        double p = (double)i / (double)(d->count - 1);
        double f = uniform_cdf((double)d->q[i], lo, hi);
        ck_assert_msg(fabs(f - p) <= eps + 1e-9, "%s: quantile %zu/%zu is %llu (CDF %.4f), "
                      "beyond +-%.4f", what, i, d->count - 1, (unsigned long long)d->q[i], f, eps);
    }
}

START_TEST(calibrate_recovers_known_latencies)
{
    const char *path = at("synthetic.jsonl");
    make_synthetic(path);
    trace_stats st;
    memset(&st, 0, sizeof st);
    char err[512];
    ck_assert_msg(trace_stats_add(path, &st, err, sizeof err), "%s", err);
    ck_assert(st.real);
    ck_assert_uint_eq(st.writes, GROUPS * WRITERS);
    ck_assert_uint_eq(st.groups, GROUPS);
    calibration c;
    calibrate_fit(&st, NULL, &c);
    /* Append: exact line, so the fit is exact up to rounding. */
    ck_assert(c.append_kib_separable);
    ck_assert_msg(fabs(c.append_ns - 3000) <= 4 * c.append_se + 2, "append %.1f", c.append_ns);
    ck_assert_msg(fabs(c.append_per_kib - 1000) <= 4 * c.append_per_kib_se + 2, "per KiB %.1f",
                  c.append_per_kib);
    /* Sync and wake-up latency: every quantile within the DKW bound. */
    ck_assert_uint_eq(c.sync_n, GROUPS);
    check_dist_uniform(&c.profile.wal_sync, c.sync_eps, 200000, 400000, "wal sync");
    ck_assert_uint_eq(c.wake_n, GROUPS * (WRITERS - 1));
    check_dist_uniform(&c.profile.wake_latency, c.wake_eps, 10000, 50000, "wake latency");
    /* The CPU model: the given cores; the dispatch delay is the wake-up
     * latency's 10th percentile, 14 us for uniform 10..50 us, within the
     * same DKW bound (in probability; 40 us wide). */
    calibrate_set_cpu(&c, &st, 2, "test");
    ck_assert_uint_eq(c.profile.cpu.cores, 2);
    ck_assert_msg(fabs((double)c.profile.cpu.switch_ns - 14000) <= c.wake_eps * 40000 + 1,
                  "switch_ns %llu", (unsigned long long)c.profile.cpu.switch_ns);
    ck_assert_uint_eq(c.profile.cpu.slice_ns, 0);
    calibrate_set_cpu(&c, &st, 0, "test");
    ck_assert_uint_eq(c.profile.cpu.cores, 0);
    ck_assert_ptr_null(c.cores_from);
    /* Inserts: both coefficients within 4 standard errors. */
    ck_assert(c.insert_kib_separable);
    ck_assert_msg(fabs(c.insert_per_entry - 800) <= 4 * c.insert_per_entry_se + 1,
                  "per entry %.2f (se %.2f)", c.insert_per_entry, c.insert_per_entry_se);
    ck_assert_msg(fabs(c.insert_per_kib - 300) <= 4 * c.insert_per_kib_se + 1,
                  "per KiB %.2f (se %.2f)", c.insert_per_kib, c.insert_per_kib_se);
    ck_assert(c.insert_per_entry_se > 0 && c.insert_per_entry_se < 50);
    /* Wake cost exactly 5 us; every wait was a parked writer. */
    ck_assert_uint_eq(c.profile.wake_ns, 5000);
    ck_assert_uint_ge(c.profile.wake_cost.count, 2);
    for (size_t i = 0; i < c.profile.wake_cost.count; i++)
        ck_assert_uint_eq(c.profile.wake_cost.q[i], 5000);
    ck_assert_uint_eq(st.waits, GROUPS * (WRITERS - 1));
    ck_assert_uint_eq(st.waits_blocked, st.waits);
    /* By state: every set was to COMPLETED, so its return latency is the
     * wake-up latency (uniform 10..50 us, within DKW) and its setter's
     * cost exactly 5 us; no other state has samples. */
    int done = wt_state_index(WT_STATE_COMPLETED);
    for (int i = 0; i < WT_STATE_COUNT; i++) {
        size_t want = i == done ? GROUPS * (WRITERS - 1) : 0;
        ck_assert_uint_eq(st.wake_latency_to_ns[i].n, want);
        ck_assert_uint_eq(st.wake_cost_to_ns[i].n, want);
        ck_assert_uint_eq(c.profile.wake_latency_to[i].count, want > 0 ? TIMING_DIST_MAX_POINTS : 0);
    }
    check_dist_uniform(&c.profile.wake_latency_to[done], c.wake_eps, 10000, 50000,
                       "return latency, COMPLETED");
    for (size_t i = 0; i < c.profile.wake_cost_to[done].count; i++)
        ck_assert_uint_eq(c.profile.wake_cost_to[done].q[i], 5000);
    /* Think: uniform 1..3 us (the leader's also includes the 100 ns and
     * its group's tail, so only the followers' median is pinned). */
    ck_assert_uint_ge(c.profile.think_ns, 1000);
    ck_assert_uint_le(c.profile.think_ns, 60000);
    /* The profile written loads back with the same numbers. */
    const char *ppath = at("calibrated.json");
    FILE *pf = fopen(ppath, "w");
    ck_assert_ptr_nonnull(pf);
    calibrate_write_profile(pf, &st, &c);
    ck_assert_int_eq(fclose(pf), 0);
    device_profile back;
    bool unreadable;
    ck_assert_msg(profile_load_file(ppath, &back, err, sizeof err, &unreadable), "%s", err);
    ck_assert_mem_eq(&back.wal_sync, &c.profile.wal_sync, sizeof back.wal_sync);
    ck_assert_mem_eq(back.wake_latency_to, c.profile.wake_latency_to,
                     sizeof back.wake_latency_to);
    ck_assert_mem_eq(back.wake_cost_to, c.profile.wake_cost_to, sizeof back.wake_cost_to);
    ck_assert_uint_eq(back.insert_ns_per_entry, c.profile.insert_ns_per_entry);
    ck_assert_uint_eq(back.wal_append_ns_per_kib, c.profile.wal_append_ns_per_kib);
    remove(ppath);
    trace_stats_free(&st);
    remove(path);
}
END_TEST

/* -------------------------------------------------- timing in the sim */

/* Runs text with seed; the trace's lines into a file at path. */
static void run_text(const char *text, uint64_t seed, const char *path)
{
    scenario_error err;
    scenario *sc = scenario_load_text(at("inline.json"), text, &err);
    ck_assert_msg(sc != NULL, "%s", err.text);
    run_config cfg;
    run_config_default(&cfg, sc);
    cfg.seed = seed;
    cfg.trace = trace_sink_memory();
    run_result r;
    ck_assert(run_scenario(&cfg, &r));
    ck_assert_msg(r.passed, "%s", r.detail);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert(trace_sink_write_to(cfg.trace, f));
    ck_assert_int_eq(fclose(f), 0);
    trace_sink_free(cfg.trace);
    run_result_free(&r);
    scenario_free(sc);
}

static void stats_of(const char *path, trace_stats *st)
{
    memset(st, 0, sizeof *st);
    char err[512];
    ck_assert_msg(trace_stats_add(path, st, err, sizeof err), "%s", err);
}

START_TEST(costs_per_file_kind_and_insert_are_charged)
{
    /* The WAL syncs in 123 us, everything else in 1 ms; inserts cost
     * 700 ns per entry and 2000 ns per KiB. */
    const char *text =
        "{\"name\": \"kinds\", \"options\": {\"allow_concurrent_memtable_write\": false},"
        " \"device\": {\"sync_ns\": 1000000, \"wal\": {\"sync_ns\": 123000},"
        "  \"memtable\": {\"insert_ns_per_entry\": 700, \"insert_ns_per_kib\": 2000}},"
        " \"writers\": [{\"name\": \"a\", \"batches\": [{\"puts\": 3, \"value_bytes\": 4000,"
        "   \"sync\": true}, {\"puts\": 1, \"sync\": true}]}]}";
    const char *path = at("kinds.jsonl");
    run_text(text, 1, path);
    trace_stats st;
    stats_of(path, &st);
    ck_assert_uint_eq(st.sync_ns.n, 2);
    for (size_t i = 0; i < st.sync_ns.n; i++) ck_assert_uint_eq(st.sync_ns.v[i], 123000);
    ck_assert_uint_eq(st.insert_ns.n, 2);
    /* The insert's own scheduling points (5 ns ticks) come on top of the
     * charged cost: allow 200 of them. */
    for (size_t i = 0; i < st.insert_ns.n; i++) {
        uint64_t want = 700 * st.insert_count.v[i] + 2000 * st.insert_bytes.v[i] / 1024;
        ck_assert_uint_ge(st.insert_ns.v[i], want);
        ck_assert_uint_lt(st.insert_ns.v[i], want + 1000);
    }
    ck_assert_uint_gt(st.insert_bytes.v[0], 12000); /* 3 x 4000-byte values */
    trace_stats_free(&st);
    remove(path);
}
END_TEST

/* Virtual time of a run of text (which must pass). */
static uint64_t virtual_ns_of(const char *text)
{
    scenario_error err;
    scenario *sc = scenario_load_text(at("inline.json"), text, &err);
    ck_assert_msg(sc != NULL, "%s", err.text);
    run_config cfg;
    run_config_default(&cfg, sc);
    run_result r;
    ck_assert(run_scenario(&cfg, &r));
    ck_assert_msg(r.passed, "%s", r.detail);
    uint64_t ns = r.virtual_ns;
    run_result_free(&r);
    scenario_free(sc);
    return ns;
}

/* Read costs are charged by kind where files are read: recovery after a
 * crash reads the WAL (and the table recovery writes).  7 ms per read of
 * one kind adds whole reads of that kind; both kinds at once add the sum:
 * the kinds are accounted apart. */
START_TEST(wal_read_cost_is_charged_at_recovery)
{
    const char *fmt =
        "{\"name\": \"reads\", \"device\": {\"read_ns\": 0, %s},"
        " \"writers\": [{\"name\": \"a\", \"batches\": [{\"puts\": 2, \"sync\": true}]}],"
        " \"crash\": {\"at\": \"after_writers\"}}";
    char base[512], wal[512], table[512], both[512];
    snprintf(base, sizeof base, fmt, "\"wal\": {\"read_ns\": 0}");
    snprintf(wal, sizeof wal, fmt, "\"wal\": {\"read_ns\": 7000000}");
    snprintf(table, sizeof table, fmt, "\"table\": {\"read_ns\": 7000000}");
    snprintf(both, sizeof both, fmt,
             "\"wal\": {\"read_ns\": 7000000}, \"table\": {\"read_ns\": 7000000}");
    uint64_t t0 = virtual_ns_of(base), tw = virtual_ns_of(wal), tt = virtual_ns_of(table);
    uint64_t tb = virtual_ns_of(both);
    ck_assert_uint_gt(tw, t0);
    ck_assert_uint_gt(tt, t0);
    ck_assert_uint_eq((tw - t0) % 7000000, 0);
    ck_assert_uint_eq((tt - t0) % 7000000, 0);
    ck_assert_uint_eq(tb - t0, (tw - t0) + (tt - t0));
}
END_TEST

/* A profile's sync distribution, sampled: same seed same bytes, another
 * seed other samples, every sample within the distribution's range. */
START_TEST(profile_sampling_is_deterministic)
{
    const char *profile =
        "{\"format\": \"wtlab-profile\", \"version\": 1,"
        " \"wal\": {\"append_ns\": 1000, \"append_ns_per_kib\": 10,"
        "   \"sync\": {\"quantiles\": [100000, 150000, 300000, 900000]}},"
        " \"memtable\": {\"insert_ns_per_entry\": 500, \"insert_ns_per_kib\": 0},"
        " \"schedule\": {\"wake_ns\": 2000, \"wake_latency\": {\"quantiles\": [1000, 5000]}},"
        " \"writers\": {\"think_ns\": 0}}";
    FILE *f = fopen(at("wt-test-profile.json"), "w");
    ck_assert_ptr_nonnull(f);
    fputs(profile, f);
    ck_assert_int_eq(fclose(f), 0);
    const char *text =
        "{\"name\": \"sampled\", \"device\": {\"profile\": \"wt-test-profile.json\"},"
        " \"writers\": [{\"name\": \"a\", \"repeat\": 20, \"batches\": [{\"puts\": 1, \"sync\": true}]},"
        "  {\"name\": \"b\", \"repeat\": 20, \"batches\": [{\"puts\": 1, \"sync\": true}]}]}";
    run_text(text, 5, at("wt-s1.jsonl"));
    run_text(text, 5, at("wt-s2.jsonl"));
    run_text(text, 6, at("wt-s3.jsonl"));
    trace_stats a, b, c;
    stats_of(at("wt-s1.jsonl"), &a);
    stats_of(at("wt-s2.jsonl"), &b);
    stats_of(at("wt-s3.jsonl"), &c);
    ck_assert_uint_eq(a.sync_ns.n, b.sync_ns.n);
    ck_assert_mem_eq(a.sync_ns.v, b.sync_ns.v, a.sync_ns.n * sizeof *a.sync_ns.v);
    bool differ = a.sync_ns.n != c.sync_ns.n;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < a.sync_ns.n; i++) {
        if (i < c.sync_ns.n && a.sync_ns.v[i] != c.sync_ns.v[i]) differ = true;
        if (a.sync_ns.v[i] < lo) lo = a.sync_ns.v[i];
        if (a.sync_ns.v[i] > hi) hi = a.sync_ns.v[i];
    }
    ck_assert_msg(differ, "another seed should sample other sync latencies");
    ck_assert_uint_ge(lo, 100000);
    ck_assert_uint_le(hi, 900000);
    ck_assert_uint_lt(lo, hi); /* sampled, not one fixed number */
    /* the profile's per-entry insert cost and wake cost apply */
    for (size_t i = 0; i < a.insert_ns.n; i++) {
        ck_assert_uint_ge(a.insert_ns.v[i], 500);
        ck_assert_uint_lt(a.insert_ns.v[i], 500 + 1000); /* plus the insert's own ticks */
    }
    trace_stats_free(&a);
    trace_stats_free(&b);
    trace_stats_free(&c);
    remove(at("wt-s1.jsonl"));
    remove(at("wt-s2.jsonl"));
    remove(at("wt-s3.jsonl"));
    remove(at("wt-test-profile.json"));
}
END_TEST

/* Per-field overrides: the scenario's top-level sync_ns replaces the
 * profile's distribution for every kind, a kind's own key beats both,
 * and "memtable" beats the profile's insert cost. */
START_TEST(scenario_fields_override_the_profile)
{
    FILE *f = fopen(at("wt-test-profile2.json"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"format\": \"wtlab-profile\", \"version\": 1,"
          " \"wal\": {\"append_ns\": 0, \"append_ns_per_kib\": 0,"
          "   \"sync\": {\"quantiles\": [100000, 900000]}},"
          " \"memtable\": {\"insert_ns_per_entry\": 500, \"insert_ns_per_kib\": 0},"
          " \"schedule\": {\"wake_ns\": 0, \"wake_latency\": {\"quantiles\": [0]}},"
          " \"writers\": {\"think_ns\": 0}}", f);
    ck_assert_int_eq(fclose(f), 0);
    const char *fmt = "{\"name\": \"o\", \"device\": {\"profile\": \"wt-test-profile2.json\"%s},"
                      " \"writers\": [{\"name\": \"a\", \"repeat\": 5,"
                      "  \"batches\": [{\"puts\": 1, \"sync\": true}]}]}";
    const char *extra[] = {", \"sync_ns\": 50000",
                           ", \"sync_ns\": 50000, \"wal\": {\"sync_ns\": 70000}",
                           ", \"memtable\": {\"insert_ns_per_entry\": 9000}"};
    for (int i = 0; i < 3; i++) {
        char text[1024];
        snprintf(text, sizeof text, fmt, extra[i]);
        run_text(text, 3, at("wt-o.jsonl"));
        trace_stats st;
        stats_of(at("wt-o.jsonl"), &st);
        ck_assert_uint_eq(st.sync_ns.n, 5);
        for (size_t k = 0; k < st.sync_ns.n; k++) {
            if (i == 0) ck_assert_uint_eq(st.sync_ns.v[k], 50000);
            if (i == 1) ck_assert_uint_eq(st.sync_ns.v[k], 70000);
            if (i == 2) ck_assert(st.sync_ns.v[k] >= 100000 && st.sync_ns.v[k] <= 900000);
        }
        uint64_t want = i == 2 ? 9000 : 500;
        for (size_t k = 0; k < st.insert_ns.n; k++) {
            ck_assert_uint_ge(st.insert_ns.v[k], want);
            ck_assert_uint_lt(st.insert_ns.v[k], want + 1000);
        }
        trace_stats_free(&st);
    }
    remove(at("wt-o.jsonl"));
    remove(at("wt-test-profile2.json"));
}
END_TEST

START_TEST(dist_sample_stays_in_range_and_interpolates)
{
    timing_dist d = {.count = 3, .q = {100, 200, 1000}};
    uint64_t rng = 7, below_200 = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t x = timing_dist_sample(&d, &rng);
        ck_assert_uint_ge(x, 100);
        ck_assert_uint_le(x, 1000);
        if (x < 200) below_200++;
    }
    /* Half the mass lies below the middle point (binomial: 5000 +- 250). */
    ck_assert_uint_gt(below_200, 4750);
    ck_assert_uint_lt(below_200, 5250);
    timing_dist one = {.count = 1, .q = {42}};
    ck_assert_uint_eq(timing_dist_sample(&one, &rng), 42);
    ck_assert_int_eq(timing_file_kind_of("/db/000012.log"), TIMING_FILE_WAL);
    ck_assert_int_eq(timing_file_kind_of("/db/000013.sst"), TIMING_FILE_TABLE);
    ck_assert_int_eq(timing_file_kind_of("/db/MANIFEST-000004"), TIMING_FILE_MANIFEST);
    ck_assert_int_eq(timing_file_kind_of("/db/CURRENT"), TIMING_FILE_OTHER);
}
END_TEST

int main(void)
{
    if (mkdtemp(scratch) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("calibrate");
    TCase *tc = tcase_create("calibrate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, calibrate_recovers_known_latencies);
    tcase_add_test(tc, costs_per_file_kind_and_insert_are_charged);
    tcase_add_test(tc, wal_read_cost_is_charged_at_recovery);
    tcase_add_test(tc, profile_sampling_is_deterministic);
    tcase_add_test(tc, scenario_fields_override_the_profile);
    tcase_add_test(tc, dist_sample_stays_in_range_and_interpolates);
    suite_add_tcase(s, tc);
    int rc = wt_run_suite(s);
    remove(at("synthetic.jsonl"));
    remove(at("calibrated.json"));
    remove(at("kinds.jsonl"));
    rmdir(scratch);
    return rc;
}
