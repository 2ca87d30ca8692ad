/*
 * timing.h — the sim's timing model: what a file operation, a memtable
 * insert and a wake-up cost in virtual time.
 *
 * The model is filled by the runner from a scenario's "device" section
 * (and a calibrated profile, sim/lab/profile.h) and handed to port_sim.c,
 * which charges the costs: the calling fiber sleeps that long while others
 * run.  Costs differ by the kind of file (WAL, table, manifest, other),
 * told from the file's name.  A sync latency may be a distribution
 * (quantiles) instead of one number; it is then sampled with the model's
 * own splitmix64 stream, seeded from the run's seed, so the same scenario,
 * profile and seed give the same costs.  The stream is drawn from only
 * when a distribution is used: models without one cost exactly what the
 * fixed numbers say.
 *
 * Not thread-safe (the sim runs on one OS thread).
 */
#ifndef WT_SIM_TIMING_H
#define WT_SIM_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    /* Quantile points of a distribution: q[0] the minimum, q[n-1] the
     * maximum, q[i] the i/(n-1) quantile. */
    TIMING_DIST_MAX_POINTS = 1001,
};

typedef enum timing_file_kind {
    TIMING_FILE_WAL,      /* NNNNNN.log */
    TIMING_FILE_TABLE,    /* NNNNNN.sst */
    TIMING_FILE_MANIFEST, /* MANIFEST-NNNNNN */
    TIMING_FILE_OTHER,    /* CURRENT, temporary files, ... */
    TIMING_FILE_KINDS
} timing_file_kind;

typedef enum timing_op {
    TIMING_OP_APPEND,
    TIMING_OP_SYNC,
    TIMING_OP_READ,
    TIMING_OP_META, /* open, close, rename, unlink, list, mkdir, sync_dir */
} timing_op;

/* Wake-up latencies by the woken word's value: one per bit 0..7. */
enum { TIMING_WAKE_VALUES = 8 };

/* Equally spaced quantiles; count 0 = no distribution. */
typedef struct timing_dist {
    size_t count;
    uint64_t q[TIMING_DIST_MAX_POINTS];
} timing_dist;

typedef struct timing_file_cost {
    uint64_t append_ns;         /* per append call */
    uint64_t append_ns_per_kib; /* plus this per KiB (rounded up) */
    uint64_t sync_ns;           /* per sync, unless sync_dist is set */
    timing_dist sync_dist;      /* sampled per sync when count > 0 */
    uint64_t read_ns;           /* per read call */
} timing_file_cost;

typedef struct timing_model {
    timing_file_cost file[TIMING_FILE_KINDS];
    uint64_t meta_ns;
    uint64_t insert_ns_per_entry; /* a batch's memtable insert: per entry */
    uint64_t insert_ns_per_kib;   /* plus per KiB of the batch (pro rata) */
    timing_dist wake_latency;     /* a parked writer, once woken, sleeps a sample */
    /* By the value the wake-up left in the parked word (a single bit 1 << i:
     * [i]); a value whose distribution has count 0 samples wake_latency.
     * All count 0 (the default): wake_latency for every wake-up. */
    timing_dist wake_latency_to[TIMING_WAKE_VALUES];
    /* The same for the waker's cost (wake_cost). */
    timing_dist wake_cost_to[TIMING_WAKE_VALUES];
    /* The same two split by whether the wake-up found the machine idle
     * (timing_wake_*_idle_ns's `idle`: [1]) or not ([0]); a value without
     * points there takes wake_latency_to / wake_cost_to's. */
    timing_dist wake_latency_idle_to[2][TIMING_WAKE_VALUES];
    timing_dist wake_cost_idle_to[2][TIMING_WAKE_VALUES];
    timing_dist wake_cost;        /* the waker sleeps a sample (else schedule.wake_ns) */
    /* Waits that spin descheduled (cpu.spin_preempt "by_wait"): with
     * spin_by_wait, each wait of a writer gives its core up to ready
     * fibers (spin_preempt) with probability spin_descheduled_ppm[k] /
     * 1e6, k 0 for a wait for several states (a follower's first wait),
     * 1 for one state (a member's wait for COMPLETED); otherwise it keeps
     * its core while it spins.  Off: no draw. */
    bool spin_by_wait;
    uint32_t spin_descheduled_ppm[2];
    /* How long such a wait may spin with its core given away, by kind as
     * above: a sample (count 0: without end) */
    timing_dist spin_descheduled_wait[2];
    /* cpu.spin_held: a held wait released by a store runs again after a
     * sample of held_return_to[i] (its word set to 1 << i); a value
     * without points: timing_wake_latency_idle_ns(..., false). */
    timing_dist held_return_to[TIMING_WAKE_VALUES];
    uint64_t seed;
} timing_model;

/* "wal", "table", "manifest", "other". */
const char *timing_file_kind_name(timing_file_kind k);
/* The kind of a file from its path (directory parts ignored). */
timing_file_kind timing_file_kind_of(const char *path);

/* A sample of d: a uniform draw from rng, interpolated linearly between
 * the quantile points.  REQUIRES: d->count >= 1. */
uint64_t timing_dist_sample(const timing_dist *d, uint64_t *rng);

/* The running model: costs and the sampling stream's state. */
typedef struct timing_state {
    timing_model m;
    uint64_t rng;
} timing_state;

/* Copies *m (the run's sampling stream starts from seed, not m->seed). */
void timing_state_init(timing_state *t, const timing_model *m, uint64_t seed);
/* Virtual ns of one operation on a file of kind k moving `bytes`. */
uint64_t timing_cost_ns(timing_state *t, timing_file_kind k, timing_op op, size_t bytes);
/* Virtual ns of inserting a batch of `entries` entries and `bytes` bytes. */
uint64_t timing_insert_ns(const timing_state *t, uint64_t entries, uint64_t bytes);
/* Virtual ns a woken writer takes to run again, given the value `woken_to`
 * its parked word holds after the wake-up: a sample of wake_latency_to[i]
 * when woken_to == 1 << i and that has points, else of wake_latency (0
 * without a distribution: no draw). */
uint64_t timing_wake_latency_ns(timing_state *t, uint32_t woken_to);
/* The same, with wake_latency_idle_to[idle][i] / wake_cost_idle_to[idle][i]
 * first, if it has points. */
uint64_t timing_wake_latency_idle_ns(timing_state *t, uint32_t woken_to, bool idle);
uint64_t timing_wake_cost_idle_ns(timing_state *t, uint64_t fixed_ns, uint32_t woken_to, bool idle);
/* With m.spin_by_wait: whether a wait for one state (one_state) or
 * several spins descheduled (gives its core up to ready fibers), a draw
 * with probability m.spin_descheduled_ppm[one_state] / 1e6: 0 if not,
 * else for how long (a sample of m.spin_descheduled_wait[one_state]; UINT64_MAX
 * without it).  Without spin_by_wait: UINT64_MAX, no draw. */
uint64_t timing_spin_descheduled_ns(timing_state *t, bool one_state);
/* The return of a held wait whose word was set to `woken_to` (cpu.spin_held). */
uint64_t timing_held_return_ns(timing_state *t, uint32_t woken_to);
/* Virtual ns waking a parked writer costs the waker, given the value
 * `woken_to` it stored in the writer's word: a sample of wake_cost_to[i]
 * when woken_to == 1 << i and that has points, else of wake_cost, or
 * fixed_ns without that distribution (no draw). */
uint64_t timing_wake_cost_ns(timing_state *t, uint64_t fixed_ns, uint32_t woken_to);

#endif
