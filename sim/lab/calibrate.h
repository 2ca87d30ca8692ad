/*
 * calibrate.h — the sim's timing model fitted to real traces (`wtlab
 * calibrate`): trace_stats.h gathers the samples, this file fits them and
 * makes a device profile (profile.h).
 *
 * Fits and their stated error:
 *   - WAL append: least squares  ns = append_ns + per_kib * KiB  over the
 *     samples up to the 99th percentile of ns (a leader preempted mid-append
 *     is CPU contention, which the sim does not model); standard errors of
 *     both coefficients.  Without spread in the record sizes the per-KiB
 *     term cannot be told apart and is 0.
 *   - WAL sync and wake-up latency: distributions, as up to
 *     TIMING_DIST_MAX_POINTS equally spaced quantiles of the samples; each
 *     quantile point lies within +-eps in probability of the true one with
 *     99 % confidence (Dvoretzky-Kiefer-Wolfowitz: eps = sqrt(ln(200)/2n)).
 *   - memtable insert: least squares without intercept
 *     ns = per_entry * entries + per_kib * KiB; with entries and bytes
 *     proportional (one batch shape) per_kib is 0 and per_entry takes all.
 *   - wake cost (schedule.wake_ns) and think time: medians.
 *   - the CPU model (calibrate_set_cpu): the core count is given (the
 *     trace does not record it); switch_ns, a wake-up's dispatch delay on
 *     an idle core, is the 10th percentile of the wake-up latency: the
 *     fast wake-ups, where the woken thread found a core free.  The rest
 *     of the distribution is waiting for a core, which the model adds by
 *     itself.  slice_ns is not in the trace: 0 (no time-slice preemption).
 *   - the sim's time per scheduling point (schedule.tick_ns), only given
 *     a sim trace of the same workload: the real median spin phase (a
 *     follower's link to its own parking, ns) over the sim's median of the
 *     same phase in scheduling steps.  The sim has one clock: every
 *     fiber's step advances it, so a phase's steps include the other
 *     fibers' (a 1-CPU model), and the ratio is the CPU time per step.
 *   - waits that spun descheduled (schedule.spin_descheduled_ppm, for
 *     "cpu": {"spin_preempt": "by_wait"}): of a follower's first waits and
 *     of members' waits for COMPLETED, the share whose spin phase (until
 *     it parked or was released, trace_stats.h) lasted over twice the
 *     median spin phase.  The spin loop is a fixed count of pauses (its
 *     undisturbed time is the median, with a narrow spread); a wait that
 *     spun twice as long lost the core for at least as long as it ran.
 *     The count is binomial: the standard error of a share s over n waits
 *     is sqrt(s(1-s)/n).  Given only when both kinds have waits.  How
 *     long those waits spin before they park (per kind), as quantiles
 *     (schedule.spin_descheduled_wait), by the Kaplan-Meier
 *     estimator: a wait released before it parked was cut short (a
 *     censored sample), so it counts as at risk up to its release only;
 *     quantiles beyond the share that ever parked are INT64_MAX (without
 *     end: released first).  A descheduled wait in the sim gives its core
 *     away for a sample of it, then spins as a ready thread and parks.
 */
#ifndef WT_SIM_CALIBRATE_H
#define WT_SIM_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "profile.h"
#include "trace_stats.h"

typedef struct calibration {
    device_profile profile;
    size_t append_n;
    double append_ns, append_se, append_per_kib, append_per_kib_se;
    bool append_kib_separable;
    size_t sync_n, wake_n, wake_cost_n, think_n, spin_n;
    uint64_t sim_spin_steps;          /* median; 0 without a sim trace */
    double sync_eps, wake_eps;        /* DKW, 99 % */
    size_t insert_n;
    double insert_per_entry, insert_per_entry_se, insert_per_kib, insert_per_kib_se;
    bool insert_kib_separable;
    const char *cores_from;           /* where the core count came from; NULL: no CPU model */
    /* Waits that spun descheduled: over spin_threshold_ns (twice the
     * median spin phase), of wait_n[k] waits of kind k (trace_stats.h) */
    uint64_t spin_threshold_ns;
    size_t wait_n[2], wait_descheduled[2];
    /* those waits of each kind, and how many of them parked (the others
     * were released first): schedule.spin_descheduled_wait */
    size_t long_wait_n[2], long_wait_parked[2];
    double long_wait_parked_share[2]; /* Kaplan-Meier: the share that parks at all */
    /* schedule.wake_pushback_ns: the median over parked writers woken before
     * other parked ones by the same setter of (return latency - the median
     * return of their state without such later wake-ups) / later wake-ups */
    size_t pushback_n;
    bool pushback_capped;   /* the median was above 1 s and wake_pushback_ns is 1 s */
} calibration;

/* The fits.  REQUIRES: st from real traces (not checked here).  sim (may
 * be NULL): a sim trace of the same workload, whose scheduling steps per
 * spin phase give schedule.tick_ns (left out of the profile without it). */
void calibrate_fit(const trace_stats *st, const trace_stats *sim, calibration *c);
/* Adds the CPU model for `cores` cores (from: where the number came
 * from, printed) to c's profile; after calibrate_fit.  cores 0: none. */
void calibrate_set_cpu(calibration *c, const trace_stats *st, uint32_t cores, const char *from);
/* Every figure with its spread and sample count, one per line. */
void calibrate_print(FILE *out, const trace_stats *st, const calibration *c);
/* The profile, with "measured" holding counts and spreads. */
void calibrate_write_profile(FILE *out, const trace_stats *st, const calibration *c);

/* Quantiles of s into d (at most TIMING_DIST_MAX_POINTS; one 0 point
 * when s is empty). */
void calibrate_dist(const stats_samples *s, timing_dist *d);

#endif
