/*
 * calibrate.c — fits of the sim's timing model to real-trace samples
 * (calibrate.h).
 */
#include "calibrate.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t *sorted_copy(const stats_samples *s)
{
    uint64_t *v = malloc((s->n + 1) * sizeof *v);
    if (v == NULL) abort();
    if (s->n > 0) memcpy(v, s->v, s->n * sizeof *v);
    qsort(v, s->n, sizeof *v, cmp_u64);
    return v;
}

void calibrate_dist(const stats_samples *s, timing_dist *d)
{
    memset(d, 0, sizeof *d);
    d->count = 1;
    if (s->n == 0) return;
    uint64_t *v = sorted_copy(s);
    size_t points = s->n < TIMING_DIST_MAX_POINTS ? s->n : TIMING_DIST_MAX_POINTS;
    if (points < 2) points = 1;
    d->count = points;
    for (size_t i = 0; i < points; i++) {
        double pos = points == 1 ? 0 : (double)i * (double)(s->n - 1) / (double)(points - 1);
        size_t k = (size_t)pos;
        double frac = pos - (double)k;
        double x = (double)v[k];
        if (k + 1 < s->n) x += frac * ((double)v[k + 1] - (double)v[k]);
        d->q[i] = (uint64_t)llround(x);
    }
    free(v);
}

typedef struct timed_end {
    uint64_t ns;
    bool parked; /* the wait's end was seen (it parked); else it was cut short (released) */
} timed_end;

static int cmp_end(const void *a, const void *b)
{
    const timed_end *x = a, *y = b;
    return (x->ns > y->ns) - (x->ns < y->ns);
}

/* The distribution of how long a descheduled wait spins before it parks,
 * from waits that parked (seen) and waits released first (censored:
 * they would have spun longer), by the Kaplan-Meier estimator: at each
 * time t where waits parked, the share still spinning falls by
 * parked(t) / still at risk.  Quantile i/(count-1) is the first such t
 * where the share that parked reaches it; shares the data never reach
 * (the longest waits were released first) get INT64_MAX: without end
 * before the release.  *parked_share: the share that parked at all. */
static void km_dist(timed_end *e, size_t n, timing_dist *d, double *parked_share)
{
    memset(d, 0, sizeof *d);
    *parked_share = 0;
    if (n == 0) return;
    qsort(e, n, sizeof *e, cmp_end);
    size_t points = n < TIMING_DIST_MAX_POINTS ? n : TIMING_DIST_MAX_POINTS;
    if (points < 2) points = 1;
    d->count = points;
    double survive = 1.0;
    size_t at_risk = n, i = 0, next = 0;
    while (i < n) {
        size_t j = i, parked = 0;
        for (; j < n && e[j].ns == e[i].ns; j++) parked += e[j].parked;
        if (parked > 0) survive *= 1.0 - (double)parked / (double)at_risk;
        at_risk -= j - i;
        double reached = 1.0 - survive;
        while (next < points && parked > 0 &&
               (points == 1 ? 0.0 : (double)next / (double)(points - 1)) <= reached + 1e-12)
            d->q[next++] = e[i].ns;
        i = j;
    }
    *parked_share = 1.0 - survive;
    for (; next < points; next++) d->q[next] = INT64_MAX;
}

static double dkw_eps(size_t n)
{
    return n == 0 ? 1.0 : sqrt(log(2.0 / 0.01) / (2.0 * (double)n));
}

/* y = a + b x over the samples with y <= ycap. */
static void fit_line(const stats_samples *x_bytes, const stats_samples *y, uint64_t ycap,
                     calibration *c)
{
    double sx = 0, sy = 0, n = 0;
    for (size_t i = 0; i < y->n; i++) {
        if (y->v[i] > ycap) continue;
        sx += (double)x_bytes->v[i] / 1024.0;
        sy += (double)y->v[i];
        n++;
    }
    c->append_n = (size_t)n;
    if (n < 1) return;
    double mx = sx / n, my = sy / n, sxx = 0, sxy = 0;
    for (size_t i = 0; i < y->n; i++) {
        if (y->v[i] > ycap) continue;
        double dx = (double)x_bytes->v[i] / 1024.0 - mx;
        sxx += dx * dx;
        sxy += dx * ((double)y->v[i] - my);
    }
    c->append_kib_separable = n >= 3 && sxx > 1e-6 * n;
    double b = c->append_kib_separable ? sxy / sxx : 0, a = my - b * mx;
    double ssr = 0;
    for (size_t i = 0; i < y->n; i++) {
        if (y->v[i] > ycap) continue;
        double r = (double)y->v[i] - a - b * (double)x_bytes->v[i] / 1024.0;
        ssr += r * r;
    }
    double s2 = n > 2 ? ssr / (n - 2) : 0;
    c->append_ns = a;
    c->append_per_kib = b;
    c->append_per_kib_se = c->append_kib_separable ? sqrt(s2 / sxx) : 0;
    c->append_se = c->append_kib_separable ? sqrt(s2 * (1 / n + mx * mx / sxx)) : sqrt(s2 / n);
}

/* y = a * entries + b * KiB, no intercept. */
static void fit_insert(const trace_stats *st, calibration *c)
{
    const stats_samples *y = &st->insert_ns, *cn = &st->insert_count, *kb = &st->insert_bytes;
    double scc = 0, sck = 0, skk = 0, scy = 0, sky = 0;
    size_t n = y->n;
    c->insert_n = n;
    if (n == 0) return;
    for (size_t i = 0; i < n; i++) {
        double e = (double)cn->v[i], k = (double)kb->v[i] / 1024.0, v = (double)y->v[i];
        scc += e * e;
        sck += e * k;
        skk += k * k;
        scy += e * v;
        sky += k * v;
    }
    double det = scc * skk - sck * sck;
    c->insert_kib_separable = n >= 3 && det > 1e-9 * scc * skk && scc > 0;
    double a, b = 0;
    if (c->insert_kib_separable) {
        a = (skk * scy - sck * sky) / det;
        b = (scc * sky - sck * scy) / det;
    } else {
        a = scc > 0 ? scy / scc : 0;
    }
    double ssr = 0;
    for (size_t i = 0; i < n; i++) {
        double r = (double)y->v[i] - a * (double)cn->v[i] - b * (double)kb->v[i] / 1024.0;
        ssr += r * r;
    }
    double s2 = n > 2 ? ssr / (double)(n - 2) : 0;
    c->insert_per_entry = a;
    c->insert_per_kib = b;
    if (c->insert_kib_separable) {
        c->insert_per_entry_se = sqrt(s2 * skk / det);
        c->insert_per_kib_se = sqrt(s2 * scc / det);
    } else {
        c->insert_per_entry_se = scc > 0 ? sqrt(s2 / scc) : 0;
        c->insert_per_kib_se = 0;
    }
}

static uint64_t clamp_ns(double x)
{
    return x <= 0 ? 0 : (uint64_t)llround(x);
}

void calibrate_fit(const trace_stats *st, const trace_stats *sim, calibration *c)
{
    memset(c, 0, sizeof *c);
    fit_line(&st->append_bytes, &st->append_ns, stats_quantile(&st->append_ns, 0.99), c);
    fit_insert(st, c);
    c->sync_n = st->sync_ns.n;
    c->sync_eps = dkw_eps(c->sync_n);
    c->wake_n = st->wake_latency_ns.n;
    c->wake_eps = dkw_eps(c->wake_n);
    c->wake_cost_n = st->wake_cost_ns.n;
    c->think_n = st->think_ns.n;
    device_profile *p = &c->profile;
    p->wal_append_ns = clamp_ns(c->append_ns);
    p->wal_append_ns_per_kib = clamp_ns(c->append_per_kib);
    calibrate_dist(&st->sync_ns, &p->wal_sync);
    p->insert_ns_per_entry = clamp_ns(c->insert_per_entry);
    p->insert_ns_per_kib = clamp_ns(c->insert_per_kib);
    p->wake_ns = stats_quantile(&st->wake_cost_ns, 0.5);
    calibrate_dist(&st->wake_latency_ns, &p->wake_latency);
    if (st->wake_cost_ns.n > 0) calibrate_dist(&st->wake_cost_ns, &p->wake_cost);
    for (size_t i = 0; i < WT_STATE_COUNT; i++)
    {
        if (st->wake_latency_to_ns[i].n > 0)
            calibrate_dist(&st->wake_latency_to_ns[i], &p->wake_latency_to[i]);
        if (st->wake_cost_to_ns[i].n > 0)
            calibrate_dist(&st->wake_cost_to_ns[i], &p->wake_cost_to[i]);
        if (st->wake_latency_parked_to_ns[i].n > 0)
            calibrate_dist(&st->wake_latency_parked_to_ns[i], &p->wake_latency_parked_to[i]);
        for (int k = 0; k < 2; k++) {
            if (st->wake_latency_idle_to_ns[k][i].n > 0)
                calibrate_dist(&st->wake_latency_idle_to_ns[k][i], &p->wake_latency_idle_to[k][i]);
            if (st->wake_cost_idle_to_ns[k][i].n > 0)
                calibrate_dist(&st->wake_cost_idle_to_ns[k][i], &p->wake_cost_idle_to[k][i]);
        }
    }
    p->think_ns = stats_quantile(&st->think_ns, 0.5);
    c->spin_n = st->spin_ns.n;
    c->spin_threshold_ns = 2 * stats_quantile(&st->spin_ns, 0.5);
    for (int k = 0; k < 2; k++) {
        c->wait_n[k] = st->wait_spin_ns[k].n;
        c->wait_descheduled[k] = 0;
        for (size_t i = 0; i < st->wait_spin_ns[k].n; i++)
            c->wait_descheduled[k] += st->wait_spin_ns[k].v[i] > c->spin_threshold_ns;
    }
    for (int k = 0; k < 2; k++) {
        size_t n = 0, cap = st->wait_spin_ns[k].n;
        timed_end *ends = malloc((cap ? cap : 1) * sizeof *ends);
        if (ends == NULL) abort();
        c->long_wait_parked[k] = 0;
        for (size_t i = 0; i < st->wait_spin_ns[k].n; i++)
            if (st->wait_spin_ns[k].v[i] > c->spin_threshold_ns) {
                ends[n] = (timed_end){st->wait_spin_ns[k].v[i], st->wait_parked[k].v[i] != 0};
                c->long_wait_parked[k] += ends[n++].parked;
            }
        c->long_wait_n[k] = n;
        km_dist(ends, n, &p->spin_descheduled_wait[k], &c->long_wait_parked_share[k]);
        free(ends);
    }
    p->has_spin_descheduled = st->spin_ns.n > 0 && c->wait_n[0] > 0 && c->wait_n[1] > 0;
    for (int k = 0; k < 2 && p->has_spin_descheduled; k++)
        p->spin_descheduled_ppm[k] =
            (uint32_t)((c->wait_descheduled[k] * 1000000 + c->wait_n[k] / 2) / c->wait_n[k]);
    stats_samples per = {0};
    for (size_t i = 0; i < WT_STATE_COUNT; i++) {
        if (st->wake_latency_parked_to_ns[i].n == 0) continue;
        uint64_t base = stats_quantile(&st->wake_latency_parked_to_ns[i], 0.5);
        for (size_t j = 0; j < st->pushback_ns[i].n; j++) {
            uint64_t lat = st->pushback_ns[i].v[j], k = st->pushback_k[i].v[j];
            stats_samples_push(&per, lat > base ? (lat - base) / k : 0);
        }
    }
    c->pushback_n = per.n;
    p->wake_pushback_ns = per.n > 0 ? stats_quantile(&per, 0.5) : 0;
    /* The profile loader takes at most 1 s (profile.c): a larger median
     * is a trace without real wake-ups to learn from; cap it, said below. */
    c->pushback_capped = p->wake_pushback_ns > 1000000000u;
    if (c->pushback_capped) p->wake_pushback_ns = 1000000000u;
    free(per.v);
    if (sim != NULL && sim->spin_steps.n > 0 && st->spin_ns.n > 0) {
        c->sim_spin_steps = stats_quantile(&sim->spin_steps, 0.5);
        if (c->sim_spin_steps == 0) c->sim_spin_steps = 1;
        uint64_t real = stats_quantile(&st->spin_ns, 0.5);
        p->tick_ns = (real + c->sim_spin_steps / 2) / c->sim_spin_steps;
        if (p->tick_ns == 0) p->tick_ns = 1;
    }
}

void calibrate_set_cpu(calibration *c, const trace_stats *st, uint32_t cores, const char *from)
{
    assert(cores <= SCHED_MAX_CORES);
    c->profile.cpu = (sched_cpu){0};
    c->cores_from = NULL;
    if (cores == 0) return;
    c->profile.cpu.cores = cores;
    c->profile.cpu.switch_ns = stats_quantile(&st->wake_latency_ns, 0.1);
    c->cores_from = from;
}

static double us(double ns) { return ns / 1000.0; }

/* "median M us (p10 A, p90 B, p99 C; mean X +- se) n=N" */
static void spread(FILE *out, const stats_samples *s)
{
    if (s->n == 0) {
        fputs("no samples (n=0)", out);
        return;
    }
    fprintf(out, "median %.1f us (p10 %.1f, p90 %.1f, p99 %.1f; mean %.1f +- %.1f) n=%zu",
            us((double)stats_quantile(s, 0.5)), us((double)stats_quantile(s, 0.1)),
            us((double)stats_quantile(s, 0.9)), us((double)stats_quantile(s, 0.99)),
            us(stats_mean(s)), us(stats_sd(s) / sqrt((double)s->n)), s->n);
}

void calibrate_print(FILE *out, const trace_stats *st, const calibration *c)
{
    fprintf(out, "wal append:       %.2f us + %.3f us/KiB (se %.2f us, %.3f us/KiB%s), fitted on "
                 "n=%zu up to p99; all: ",
            us(c->append_ns), us(c->append_per_kib), us(c->append_se), us(c->append_per_kib_se),
            c->append_kib_separable ? "" : "; one record size: per KiB not separable, 0",
            c->append_n);
    spread(out, &st->append_ns);
    fputs("\nwal sync:         ", out);
    spread(out, &st->sync_ns);
    fprintf(out, "; %zu quantiles, each within +-%.3f in probability (DKW, 99 %%)\n",
            c->profile.wal_sync.count, c->sync_eps);
    fprintf(out, "memtable insert:  %.3f us/entry + %.3f us/KiB (se %.3f, %.3f%s) n=%zu; per "
                "call: ",
            us(c->insert_per_entry), us(c->insert_per_kib), us(c->insert_per_entry_se),
            us(c->insert_per_kib_se),
            c->insert_kib_separable ? "" : "; entries and bytes vary together: per KiB 0",
            c->insert_n);
    spread(out, &st->insert_ns);
    fputs("\nwake-up latency:  ", out);
    spread(out, &st->wake_latency_ns);
    fprintf(out, "; quantiles within +-%.3f (DKW, 99 %%)\n", c->wake_eps);
    for (size_t i = 0; i < WT_STATE_COUNT; i++) {
        const stats_samples *s = &st->wake_latency_to_ns[i], *w = &st->wake_cost_to_ns[i];
        if (s->n == 0) continue;
        fprintf(out, "  set to %s, parked or not: the writer's return ", wt_state_table[i].name);
        spread(out, s);
        fprintf(out, "; +-%.3f\n    the setter's cost ", dkw_eps(s->n));
        spread(out, w);
        fputc('\n', out);
        const stats_samples *sp = &st->wake_latency_parked_to_ns[i];
        if (sp->n > 0) {
            fputs("    parked ones only: return ", out);
            spread(out, sp);
            fprintf(out, "; +-%.3f -> schedule.wake_latency_by_state_parked (those whose "
                         "setter woke no other parked writer before they ran)\n", dkw_eps(sp->n));
        }
        for (int k = 0; k < 2; k++) {
            const stats_samples *sk = &st->wake_latency_idle_to_ns[k][i];
            if (sk->n == 0) continue;
            fprintf(out, "    %s: return ",
                    k ? "no other writer active (idle)" : "another writer active (busy)");
            spread(out, sk);
            fprintf(out, "; +-%.3f\n      the setter's cost ", dkw_eps(sk->n));
            spread(out, &st->wake_cost_idle_to_ns[k][i]);
            fputc('\n', out);
        }
    }
    if (c->pushback_n > 0)
        fprintf(out, "  wake-ups after it: a parked writer returns %.1f us later per parked writer "
                     "its setter wakes after it (median, n=%zu; the state's return above is of "
                     "those with none) -> schedule.wake_pushback_ns\n",
                us((double)c->profile.wake_pushback_ns), c->pushback_n);
    if (c->pushback_capped)
        fputs("  (capped at 1 s, the largest schedule.wake_pushback_ns a profile takes)\n", out);
    fputs("wake cost:        ", out);
    spread(out, &st->wake_cost_ns);
    fputs(" -> schedule.wake_ns = median (quantiles: with \"wake_cost\": \"sampled\")\n", out);
    fprintf(out, "waits:            %" PRIu64 " released by another thread, %" PRIu64
                 " (%.1f %%) parked (block); spin vs yield: not in the trace\n",
            st->waits, st->waits_blocked,
            st->waits ? 100.0 * (double)st->waits_blocked / (double)st->waits : 0.0);
    fputs("think time:       ", out);
    spread(out, &st->think_ns);
    fputs("\nspin phase:       ", out);
    spread(out, &st->spin_ns);
    if (c->sim_spin_steps > 0)
        fprintf(out, " -> schedule.tick_ns = median / %llu sim steps = %llu ns",
                (unsigned long long)c->sim_spin_steps, (unsigned long long)c->profile.tick_ns);
    else
        fputs(" (schedule.tick_ns: needs --steps-from SIM_TRACE)", out);
    fputc('\n', out);
    if (c->profile.has_spin_descheduled) {
        fprintf(out, "spun descheduled: over 2 x the median spin phase (%.1f us):",
                us((double)c->spin_threshold_ns));
        static const char *const kinds[2] = {"first waits", "members' waits for COMPLETED"};
        for (int k = 0; k < 2; k++) {
            double sh = (double)c->wait_descheduled[k] / (double)c->wait_n[k];
            fprintf(out, "%s %s %.1f %% +- %.1f (%zu of %zu)", k ? ";" : "", kinds[k], 100 * sh,
                    100 * sqrt(sh * (1 - sh) / (double)c->wait_n[k]), c->wait_descheduled[k],
                    c->wait_n[k]);
        }
        fputs(" -> schedule.spin_descheduled_ppm (\"spin_preempt\": \"by_wait\")\n", out);
        for (int k = 0; k < 2; k++) {
            const timing_dist *d = &c->profile.spin_descheduled_wait[k];
            if (c->long_wait_n[k] == 0) continue;
            fprintf(out, "  %s: %zu, %zu parked, %zu released first; spun before parking "
                         "(Kaplan-Meier): ",
                    kinds[k], c->long_wait_n[k], c->long_wait_parked[k],
                    c->long_wait_n[k] - c->long_wait_parked[k]);
            static const double ps[] = {0.1, 0.5, 0.9};
            for (int i = 0; i < 3; i++) {
                uint64_t q = d->q[(size_t)llround(ps[i] * (double)(d->count - 1))];
                if (q == INT64_MAX)
                    fprintf(out, "%sp%.0f never (released first)", i ? ", " : "", 100 * ps[i]);
                else
                    fprintf(out, "%sp%.0f %.1f us", i ? ", " : "", 100 * ps[i], us((double)q));
            }
            fprintf(out, "; %.1f %% park at all -> schedule.spin_descheduled_wait\n",
                    100 * c->long_wait_parked_share[k]);
        }
    } else {
        fputs("spun descheduled: no waits of both kinds in the trace\n", out);
    }
    if (c->cores_from != NULL)
        fprintf(out, "cpu:              %" PRIu32 " cores (%s); switch_ns = p10 of the wake-up "
                     "latency = %.1f us (n=%zu); slice_ns: not in the trace, 0\n",
                c->profile.cpu.cores, c->cores_from, us((double)c->profile.cpu.switch_ns),
                st->wake_latency_ns.n);
    else
        fputs("cpu:              no CPU model (--cores 0)\n", out);
}

static void measured_item(FILE *out, const char *name, const stats_samples *s, bool last)
{
    fprintf(out, "    \"%s\": {\"n\": %zu, \"p10\": %" PRIu64 ", \"median\": %" PRIu64
                 ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 "}%s\n",
            name, s->n, stats_quantile(s, 0.1), stats_quantile(s, 0.5), stats_quantile(s, 0.9),
            stats_quantile(s, 0.99), last ? "" : ",");
}

void calibrate_write_profile(FILE *out, const trace_stats *st, const calibration *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL) abort();
    measured_item(m, "wal_append_ns", &st->append_ns, false);
    measured_item(m, "wal_sync_ns", &st->sync_ns, false);
    measured_item(m, "insert_ns", &st->insert_ns, false);
    measured_item(m, "wake_latency_ns", &st->wake_latency_ns, false);
    measured_item(m, "wake_cost_ns", &st->wake_cost_ns, false);
    measured_item(m, "think_ns", &st->think_ns, false);
    measured_item(m, "spin_ns", &st->spin_ns, false);
    fprintf(m, "    \"waits\": %" PRIu64 ", \"waits_blocked\": %" PRIu64 ",\n", st->waits,
            st->waits_blocked);
    fprintf(m, "    \"sync_quantile_eps\": \"%.4f\", \"wake_quantile_eps\": \"%.4f\"", c->sync_eps,
            c->wake_eps);
    fclose(m);
    profile_write(out, &c->profile, buf);
    free(buf);
}
