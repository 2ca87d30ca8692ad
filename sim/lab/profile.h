/*
 * profile.h — a device profile: the sim's timing model as measured on a
 * real machine by `wtlab calibrate` (calibrate.h), read by scenarios that
 * say "device": {"profile": "PROFILE.json"}.
 *
 * The format is strict JSON, documented in scenarios/README.md ("device
 * profiles"):
 *
 *   {"format": "wtlab-profile", "version": 1,
 *    "wal": {"append_ns": N, "append_ns_per_kib": N,
 *            "sync": {"quantiles": [N, ...]}},
 *    "memtable": {"insert_ns_per_entry": N, "insert_ns_per_kib": N},
 *    "schedule": {"wake_ns": N, "wake_latency": {"quantiles": [N, ...]},
 *                 "wake_cost": {"quantiles": [N, ...]},
 *                 "wake_latency_by_state": {"GROUP_LEADER": {"quantiles": [...]}, ...},
 *                 "wake_cost_by_state": {...the same...},
 *                 "wake_latency_by_state_busy": {...}, "wake_latency_by_state_idle": {...},
 *                 "wake_cost_by_state_busy": {...}, "wake_cost_by_state_idle": {...},
 *                 "spin_descheduled_ppm": {"first_wait": N, "member_wait": N},
 *                 "spin_descheduled_wait": {"first_wait": {"quantiles": [N, ...]},
 *                                           "member_wait": {...}},
 *                 "tick_ns": N},      (the last ten optional)
 *    "writers": {"think_ns": N},
 *    "cpu": {"cores": N, "switch_ns": N, "slice_ns": N,     (optional;
 *            "wake_preempt": B, "other_ns": N,              cores >= 1)
 *            "spin_preempt": B},          (a scenario's also "by_wait")
 *    "measured": {...}}
 *
 * A distribution is 1 to TIMING_DIST_MAX_POINTS equally spaced quantiles
 * (minimum first, maximum last), never decreasing; the sim samples it
 * (timing.h).  "measured" is free-form (what calibrate saw: sample counts
 * and spreads) and not used by the sim.  Errors are reported like a
 * scenario's: "FILE:LINE:COL: /key/path: message".
 *
 * Loading uses the scenario loader's json_doc/json_check.  Not
 * thread-safe per call.
 */
#ifndef WT_SIM_PROFILE_H
#define WT_SIM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../port/scheduler.h"
#include "../port/timing.h"
#include "json_check.h"

#define PROFILE_FORMAT "wtlab-profile"
enum { PROFILE_VERSION = 1, PROFILE_MAX_TEXT = 1 << 20 };

typedef struct device_profile {
    uint64_t wal_append_ns, wal_append_ns_per_kib;
    timing_dist wal_sync;
    uint64_t insert_ns_per_entry, insert_ns_per_kib;
    uint64_t wake_ns;
    uint64_t tick_ns;        /* optional (0: not given): schedule.tick_ns */
    /* optional (0: not given): schedule.wake_pushback_ns, what each later
     * wake-up by its waker adds to a parked writer's return (calibrate.h) */
    uint64_t wake_pushback_ns;
    timing_dist wake_latency;
    timing_dist wake_cost;   /* optional (count 0: not given) */
    /* optional: schedule.wake_latency_by_state, [i] for the state 1 << i
     * (writer_state.h); count 0: not given */
    timing_dist wake_latency_to[TIMING_WAKE_VALUES];
    timing_dist wake_cost_to[TIMING_WAKE_VALUES]; /* optional: schedule.wake_cost_by_state */
    /* optional: schedule.wake_latency_by_state_busy ([0]) and _idle ([1]),
     * wake_cost_by_state_busy and _idle: the same for sets made while
     * another writer was active ([0]) or none ([1]) */
    timing_dist wake_latency_idle_to[2][TIMING_WAKE_VALUES];
    timing_dist wake_cost_idle_to[2][TIMING_WAKE_VALUES];
    /* optional: schedule.wake_latency_by_state_parked: the return latency
     * by the state set, of parked writers only (a writer released while
     * it spins is the CPU model's: cpu.spin_preempt) */
    timing_dist wake_latency_parked_to[TIMING_WAKE_VALUES];
    /* optional: schedule.spin_descheduled_ppm, the share (per million) of
     * a follower's first waits ([0]) and of members' waits for COMPLETED
     * ([1]) that spun descheduled (calibrate.h); has_spin_descheduled:
     * given */
    uint32_t spin_descheduled_ppm[2];
    bool has_spin_descheduled;
    /* optional: schedule.spin_descheduled_wait, how long those waits spun
     * before they parked, [0] first waits, [1] members' (count 0: not
     * given) */
    timing_dist spin_descheduled_wait[2];
    uint64_t think_ns;
    sched_cpu cpu;           /* optional (cores 0: not given): the CPU model */
} device_profile;

/* Loads path into *p.  false with err (cap bytes) "FILE:LINE:COL: PATH:
 * message", or "FILE: cannot open: why" with *unreadable set. */
bool profile_load_file(const char *path, device_profile *p, char *err, size_t cap,
                       bool *unreadable);

/* A profile's "cpu" object ({"cores": N, "switch_ns": N, "slice_ns": N,
 * "wake_preempt": B, "other_ns": N}; cores 1..SCHED_MAX_CORES) into *cpu.
 * false: the error is in c. */
bool profile_parse_cpu(json_check *c, const json_doc_node *v, sched_cpu *cpu);
/* The scenario's device.cpu: the same keys, cores 0 allowed (no CPU
 * model), plus "switch": "fixed" (switch_ns, the default) or "sampled"
 * (*switch_sampled set), and "spin_preempt": "by_wait" (spin_preempt on,
 * *spin_by_wait set: the profile's spin_descheduled_ppm decides per wait). */
bool profile_parse_scenario_cpu(json_check *c, const json_doc_node *v, sched_cpu *cpu,
                                bool *switch_sampled, bool *spin_by_wait);

/* Writes p as a profile; `measured` (may be NULL) is inserted verbatim as
 * the "measured" object's members (a JSON text without the braces). */
void profile_write(FILE *out, const device_profile *p, const char *measured);

/* Writes d as {"quantiles": [...]} (no newline). */
void profile_write_dist(FILE *out, const timing_dist *d);

#endif
