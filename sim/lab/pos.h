/*
 * pos.h — partial order sampling (Yuan, Yang, Gu: "Partial Order Aware
 * Concurrency Sampling", CAV 2018), the policy of `explore --policy pos`.
 *
 * Every fiber's pending operation carries a random priority; the policy
 * runs the candidate with the highest one.  When a fiber performs its
 * operation, its next operation gets a fresh priority, and so does every
 * other fiber's pending operation that is dependent with (races with) the
 * one performed (explore's relation, dpor_dependent).  Independent
 * operations keep their priorities, so the orders of racing operations
 * are sampled close to uniformly instead of the orders of all steps.
 * Spin loops are the exception: how far a spinner gets races with the
 * virtual clock (a sleeper's wake-up), which the relation does not see,
 * so each spin iteration (pause, yield) also re-draws every other
 * runnable fiber that is in a spin loop (from its last pause or yield
 * until it performs an operation other than a load).
 * Seeded and deterministic: the same seed gives the same run.
 */
#ifndef WT_SIM_POS_H
#define WT_SIM_POS_H

#include <stdbool.h>
#include <stdint.h>

#include "scheduler.h"

/* A new policy (free with p->destroy); pins: sync points are dependent. */
sched_policy *pos_policy_new(uint64_t seed, bool pins);

#endif
