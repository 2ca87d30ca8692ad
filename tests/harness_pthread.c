/* harness_pthread.c — the test harness over real threads and files. */
#define _GNU_SOURCE
#include "harness.h"
#include "port_pthread.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void harness_run(void (*fn)(void *arg), void *arg) { fn(arg); }

const char *harness_build(void) { return "pthread"; }

bool harness_is_sim(void) { return false; }

char *harness_make_dir(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char *path = NULL;
    if (asprintf(&path, "%s/wtlab-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag) < 0) abort();
    if (mkdtemp(path) == NULL) {
        perror("mkdtemp");
        abort();
    }
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void harness_cleanup_dir(const char *path)
{
    if (getenv("WTLAB_KEEP_TEST_DIRS") == NULL) nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

unsigned harness_scale_div(void)
{
    const char *v = getenv("WTLAB_TEST_SCALE_DIV");
    if (v && atoi(v) > 0) return (unsigned)atoi(v);
    return getenv("CK_FORK") && strcmp(getenv("CK_FORK"), "no") == 0 ? 10 : 1;
}

void harness_inject_fault(harness_fault_op op, const char *suffix, uint64_t nth, wt_status status,
                          bool sticky)
{
    port_pthread_faults f = {.status = status, .sticky = sticky, .path_suffix = suffix};
    if (op == HARNESS_FAULT_APPEND) f.fail_append_nth = nth;
    if (op == HARNESS_FAULT_SYNC) f.fail_sync_nth = nth;
    if (op == HARNESS_FAULT_READ) f.fail_read_nth = nth;
    if (op == HARNESS_FAULT_MEMTABLE_INSERT) {
        f.point_name = "memtable:insert";
        f.fail_point_nth = nth;
    }
    port_pthread_set_faults(&f);
}

void harness_clear_faults(void) { port_pthread_clear_faults(); }
