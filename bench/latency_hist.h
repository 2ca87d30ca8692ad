/*
 * latency_hist.h — a log-linear latency histogram for wtbench: fixed
 * buckets, no allocation per sample, one per thread, merged at the end.
 *
 * Values (nanoseconds) below 2^SUB_BITS fall in one bucket each; above,
 * each power of two [2^e, 2^(e+1)) is cut into 2^SUB_BITS equal buckets,
 * so a bucket spans at most 1/32 (3 %) of its values.  A percentile is
 * reported as the upper edge of the bucket that holds it (capped at the
 * largest value seen), the way HdrHistogram and db_bench report theirs.
 *
 * Thread safety: none; each thread records into its own histogram and the
 * main thread merges them after joining.
 */
#ifndef WT_LATENCY_HIST_H
#define WT_LATENCY_HIST_H

#include <stdint.h>
#include <string.h>

enum {
    HIST_SUB_BITS = 5,
    HIST_SUB = 1 << HIST_SUB_BITS,
    HIST_BUCKETS = (64 - HIST_SUB_BITS + 1) * HIST_SUB,
};

typedef struct latency_hist {
    uint64_t count, sum_ns, max_ns;
    uint64_t bucket[HIST_BUCKETS];
} latency_hist;

static inline void hist_clear(latency_hist *h) { memset(h, 0, sizeof *h); }

static inline unsigned hist_index(uint64_t v)
{
    if (v < HIST_SUB) return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v); /* e >= HIST_SUB_BITS */
    unsigned sub = (unsigned)(v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1);
    return (e - HIST_SUB_BITS + 1) * HIST_SUB + sub;
}

/* The largest value that falls in bucket i. */
static inline uint64_t hist_upper(unsigned i)
{
    if (i < HIST_SUB) return i;
    unsigned e = i / HIST_SUB + HIST_SUB_BITS - 1, sub = i % HIST_SUB;
    uint64_t base = (uint64_t)1 << e, step = base >> HIST_SUB_BITS;
    return base + (sub + 1) * step - 1;
}

static inline void hist_add(latency_hist *h, uint64_t ns)
{
    h->count++;
    h->sum_ns += ns;
    if (ns > h->max_ns) h->max_ns = ns;
    h->bucket[hist_index(ns)]++;
}

static inline void hist_merge(latency_hist *into, const latency_hist *h)
{
    into->count += h->count;
    into->sum_ns += h->sum_ns;
    if (h->max_ns > into->max_ns) into->max_ns = h->max_ns;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) into->bucket[i] += h->bucket[i];
}

/* The value at fraction q (0..1] of the samples; 0 when empty. */
static inline uint64_t hist_quantile(const latency_hist *h, double q)
{
    if (h->count == 0) return 0;
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.999999);
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= rank) {
            uint64_t u = hist_upper(i);
            return u < h->max_ns ? u : h->max_ns;
        }
    }
    return h->max_ns;
}

#endif
