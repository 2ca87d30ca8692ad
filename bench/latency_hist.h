/*
 * latency_hist.h — a log-linear latency histogram for wtbench: fixed
 * buckets, no allocation per sample, one per thread, merged at the end.
 *
 * Values (nanoseconds) below 2^SUB_BITS fall in one bucket each; above,
 * each power of two [2^e, 2^(e+1)) is cut into 2^SUB_BITS equal buckets,
 * so a bucket spans at most 1/32 (3 %) of its values.  A percentile is
 * interpolated linearly inside the bucket that holds it (capped at the
 * largest value seen), as RocksDB's histograms (db_bench --histogram=1)
 * do inside theirs, so that the two sides of bench/vs_db_bench.sh are
 * read the same way.  (Until 2026-12-07 it was the bucket's upper edge,
 * up to 3 % above: a p99 of 376.83 against db_bench's 376.39 us was a
 * "miss" made by the two readings.)
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

/* The smallest value that falls in bucket i. */
static inline uint64_t hist_lower(unsigned i)
{
    if (i < HIST_SUB) return i;
    unsigned e = i / HIST_SUB + HIST_SUB_BITS - 1, sub = i % HIST_SUB;
    uint64_t base = (uint64_t)1 << e, step = base >> HIST_SUB_BITS;
    return base + sub * step;
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

/* The bucket that holds fraction q (0..1] of the samples: the first
 * whose running count reaches q x count (the last non-empty one if none
 * does); HIST_BUCKETS when empty.  *below: the samples before it. */
static inline unsigned hist_quantile_bucket(const latency_hist *h, double q, uint64_t *below)
{
    double want = q * (double)h->count;
    uint64_t seen = 0;
    unsigned last = HIST_BUCKETS;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        if (h->bucket[i] == 0) continue;
        if ((double)(seen + h->bucket[i]) >= want) {
            *below = seen;
            return i;
        }
        seen += h->bucket[i];
        last = i;
    }
    *below = last < HIST_BUCKETS ? seen - h->bucket[last] : 0;
    return last;
}

/* The value at fraction q (0..1] of the samples, interpolated inside its
 * bucket and capped at the largest value seen; 0 when empty. */
static inline uint64_t hist_quantile(const latency_hist *h, double q)
{
    if (h->count == 0) return 0;
    uint64_t below;
    unsigned i = hist_quantile_bucket(h, q, &below);
    double pos = (q * (double)h->count - (double)below) / (double)h->bucket[i];
    if (pos < 0) pos = 0;
    if (pos > 1) pos = 1;
    /* From the previous bucket's upper edge to this one's, as RocksDB
     * does from one bucket limit to the next. */
    double lo = (double)hist_lower(i) - 1, hi = (double)hist_upper(i);
    double v = lo + (hi - lo) * pos;
    if (v < 0) v = 0;
    return (uint64_t)v < h->max_ns ? (uint64_t)v : h->max_ns;
}

#endif
