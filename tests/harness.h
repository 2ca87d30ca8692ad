/*
 * harness.h — what an engine test needs that differs between the builds.
 *
 * Engine tests are compiled twice, against the pthreads port and the sim
 * port, from the same source.  A test body that uses port threads, files or
 * the DB runs inside harness_run: directly in the pthreads build; as the
 * root fiber of a deterministic sim run (seeded by harness_seed) in the sim
 * build, with an in-memory file system.  Check assertions may be used inside
 * the body (tests run in Check's fork mode by default; a failed assertion
 * ends the forked child).
 */
#ifndef WT_TESTS_HARNESS_H
#define WT_TESTS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

/* Runs fn(arg) as the port's main thread and returns when it and every
 * thread it created have finished. */
void harness_run(void (*fn)(void *arg), void *arg);

/* "pthread" or "sim". */
const char *harness_build(void);
bool harness_is_sim(void);

/* A new empty directory for a test's files (pthreads: under $TMPDIR,
 * removed by harness_cleanup_dir; sim: a path in the simulated fs).
 * Returns a malloc'd path. */
char *harness_make_dir(const char *tag);
void harness_cleanup_dir(const char *path);

/* Fault injection with the same meaning in both builds: from now on the
 * nth matching operation fails with `status` (and, if sticky, every later
 * one).  File operations count only on files whose path ends with suffix
 * (NULL: all files).  Call inside harness_run; one fault at a time. */
typedef enum harness_fault_op {
    HARNESS_FAULT_APPEND,
    HARNESS_FAULT_SYNC,
    HARNESS_FAULT_MEMTABLE_INSERT, /* the engine's "memtable:insert" fault point */
    HARNESS_FAULT_READ,
} harness_fault_op;

#include "status.h"
void harness_inject_fault(harness_fault_op op, const char *suffix, uint64_t nth, wt_status status,
                          bool sticky);
void harness_clear_faults(void);

/* Scale factor for loop counts: 1 normally; tests divide their sizes by
 * it in the sim build and under valgrind. */
unsigned harness_scale_div(void);

#endif
