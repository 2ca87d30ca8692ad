/*
 * timing.c — the sim's timing model (timing.h): costs by file kind,
 * sampled distributions, memtable insert and wake-up costs.
 */
#include "timing.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

const char *timing_file_kind_name(timing_file_kind k)
{
    static const char *const names[TIMING_FILE_KINDS] = {"wal", "table", "manifest", "other"};
    return (unsigned)k < TIMING_FILE_KINDS ? names[k] : "unknown";
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

timing_file_kind timing_file_kind_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    size_t n = strlen(base);
    if (ends_with(base, n, ".log")) return TIMING_FILE_WAL;
    if (ends_with(base, n, ".sst")) return TIMING_FILE_TABLE;
    if (strncmp(base, "MANIFEST-", 9) == 0) return TIMING_FILE_MANIFEST;
    return TIMING_FILE_OTHER;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t timing_dist_sample(const timing_dist *d, uint64_t *rng)
{
    assert(d->count >= 1 && d->count <= TIMING_DIST_MAX_POINTS);
    uint64_t r = splitmix64(rng);
    if (d->count == 1) return d->q[0];
    /* u in [0, 1) as 32-bit fixed point over the count-1 intervals. */
    uint64_t intervals = d->count - 1;
    uint64_t pos = (r >> 32) * intervals; /* < intervals << 32 */
    uint64_t i = pos >> 32, frac = pos & 0xFFFFFFFFull;
    uint64_t lo = d->q[i], hi = d->q[i + 1];
    if (hi <= lo) return lo; /* quantiles never decrease; equal points */
    uint64_t span = hi - lo; /* span * frac / 2^32 without overflow */
    return lo + (span >> 32) * frac + (((span & 0xFFFFFFFFull) * frac) >> 32);
}

void timing_state_init(timing_state *t, const timing_model *m, uint64_t seed)
{
    t->m = *m;
    t->m.seed = seed;
    t->rng = seed ^ 0x74696d696e670001ull;
}

uint64_t timing_cost_ns(timing_state *t, timing_file_kind k, timing_op op, size_t bytes)
{
    assert((unsigned)k < TIMING_FILE_KINDS);
    const timing_file_cost *c = &t->m.file[k];
    switch (op) {
    case TIMING_OP_APPEND:
        return c->append_ns + c->append_ns_per_kib * (((uint64_t)bytes + 1023) / 1024);
    case TIMING_OP_SYNC:
        return c->sync_dist.count > 0 ? timing_dist_sample(&c->sync_dist, &t->rng) : c->sync_ns;
    case TIMING_OP_READ: return c->read_ns;
    case TIMING_OP_META: return t->m.meta_ns;
    }
    assert(!"timing_cost_ns: unknown op");
    return 0;
}

uint64_t timing_insert_ns(const timing_state *t, uint64_t entries, uint64_t bytes)
{
    return t->m.insert_ns_per_entry * entries + t->m.insert_ns_per_kib * bytes / 1024;
}

/* wake_latency_to / wake_cost_to's entry for woken_to, or dflt. */
static const timing_dist *by_value(const timing_dist *to, uint32_t woken_to,
                                   const timing_dist *dflt)
{
    for (uint32_t i = 0; i < TIMING_WAKE_VALUES; i++)
        if (woken_to == 1u << i && to[i].count > 0) return &to[i];
    return dflt;
}

uint64_t timing_wake_cost_idle_ns(timing_state *t, uint64_t fixed_ns, uint32_t woken_to, bool idle)
{
    const timing_dist *d = by_value(t->m.wake_cost_to, woken_to, &t->m.wake_cost);
    d = by_value(t->m.wake_cost_idle_to[idle], woken_to, d);
    return d->count > 0 ? timing_dist_sample(d, &t->rng) : fixed_ns;
}

uint64_t timing_wake_latency_idle_ns(timing_state *t, uint32_t woken_to, bool idle)
{
    const timing_dist *d = by_value(t->m.wake_latency_to, woken_to, &t->m.wake_latency);
    d = by_value(t->m.wake_latency_idle_to[idle], woken_to, d);
    return d->count > 0 ? timing_dist_sample(d, &t->rng) : 0;
}

uint64_t timing_wake_cost_ns(timing_state *t, uint64_t fixed_ns, uint32_t woken_to)
{
    return timing_wake_cost_idle_ns(t, fixed_ns, woken_to, false);
}

uint64_t timing_wake_latency_ns(timing_state *t, uint32_t woken_to)
{
    return timing_wake_latency_idle_ns(t, woken_to, false);
}

uint64_t timing_spin_descheduled_ns(timing_state *t, bool one_state)
{
    if (!t->m.spin_by_wait) return UINT64_MAX;
    uint32_t ppm = t->m.spin_descheduled_ppm[one_state];
    assert(ppm <= 1000000);
    if (splitmix64(&t->rng) % 1000000 >= ppm) return 0;
    const timing_dist *d = &t->m.spin_descheduled_wait[one_state];
    return d->count > 0 ? timing_dist_sample(d, &t->rng) : UINT64_MAX;
}

uint64_t timing_held_return_ns(timing_state *t, uint32_t woken_to)
{
    const timing_dist *d = by_value(t->m.held_return_to, woken_to, NULL);
    if (d == NULL) return timing_wake_latency_idle_ns(t, woken_to, false);
    return timing_dist_sample(d, &t->rng);
}
