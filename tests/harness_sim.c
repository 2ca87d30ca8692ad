/*
 * harness_sim.c — the test harness over the deterministic sim: the test
 * body is the root fiber of one run, with an in-memory file system.
 *
 * The run uses the random policy with seed $WTLAB_SEED (default 1), so a
 * failure repeats exactly.  A run that does not complete (deadlock,
 * assertion, step limit) or leaks engine memory fails the test.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_sim.h"
#include "scheduler.h"
#include "simfs.h"

static uint64_t seed_from_env(void)
{
    const char *v = getenv("WTLAB_SEED");
    return v && *v ? strtoull(v, NULL, 10) : 1;
}

void harness_run(void (*fn)(void *arg), void *arg)
{
    simfs_config fc = {.append_ns = 1000, .append_ns_per_kib = 100, .sync_ns = 50000,
                       .read_ns = 500, .meta_ns = 1000, .seed = seed_from_env()};
    simfs *fs = simfs_create(&fc);
    port_sim_set_fs(fs);
    sched_policy *policy = sched_policy_random(seed_from_env());
    sched_config sc = {.seed = seed_from_env(), .tick_ns = 5, .policy = policy};
    sched *s = sched_create(&sc);
    port_sim_track_begin();
    sched_outcome o = sched_run(s, fn, arg);
    size_t leaked_blocks = 0, leaked_bytes = 0;
    port_sim_track_end(&leaked_blocks, &leaked_bytes);
    char message[4096];
    snprintf(message, sizeof message, "%s", sched_failure_message(s));
    uint64_t steps = sched_steps(s);
    sched_destroy(s);
    policy->destroy(policy);
    port_sim_set_fs(NULL);
    port_sim_set_fault_hook(NULL, NULL);
    simfs_destroy(fs);
    ck_assert_msg(o == SCHED_COMPLETED, "sim run ended with %s after %llu steps: %s",
                  sched_outcome_name(o), (unsigned long long)steps, message);
    ck_assert_msg(leaked_blocks == 0, "engine leaked %zu blocks (%zu bytes)", leaked_blocks,
                  leaked_bytes);
}

const char *harness_build(void) { return "sim"; }

bool harness_is_sim(void) { return true; }

char *harness_make_dir(const char *tag)
{
    static unsigned counter;
    char *path = NULL;
    if (asprintf(&path, "/%s-%u", tag, ++counter) < 0) abort();
    if (port_mkdir(path) != WT_OK) abort();
    return path;
}

void harness_cleanup_dir(const char *path) { (void)path; }

unsigned harness_scale_div(void)
{
    const char *v = getenv("WTLAB_TEST_SCALE_DIV");
    if (v && atoi(v) > 0) return (unsigned)atoi(v);
    return 20;
}

typedef struct point_fault {
    uint64_t seen, nth;
    wt_status status;
    bool sticky;
} point_fault;

static point_fault insert_fault;

static wt_status insert_fault_hook(const char *name, void *arg)
{
    point_fault *f = arg;
    if (strcmp(name, "memtable:insert") != 0) return WT_OK;
    uint64_t n = ++f->seen;
    return n == f->nth || (f->sticky && n > f->nth) ? f->status : WT_OK;
}

void harness_inject_fault(harness_fault_op op, const char *suffix, uint64_t nth, wt_status status,
                          bool sticky)
{
    if (op == HARNESS_FAULT_MEMTABLE_INSERT) {
        insert_fault = (point_fault){0, nth, status, sticky};
        port_sim_set_fault_hook(insert_fault_hook, &insert_fault);
        return;
    }
    simfs_fault f = {.op = op == HARNESS_FAULT_APPEND ? SIMFS_OP_APPEND
                           : op == HARNESS_FAULT_READ ? SIMFS_OP_READ
                                                      : SIMFS_OP_SYNC,
                     .nth = nth, .error = status, .path_suffix = suffix, .sticky = sticky};
    simfs_add_fault(port_sim_fs(), &f);
}

void harness_clear_faults(void) { port_sim_set_fault_hook(NULL, NULL); }
