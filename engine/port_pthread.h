/*
 * port_pthread.h — what only the pthreads build offers beyond port.h:
 * fault injection into real file operations, for tests.
 *
 * Faults are process-wide.  Counting starts when they are set; the nth
 * append (or sync) from then on fails with `status` and every later one
 * succeeds again, unless `sticky` is set.  0 disables a counter.
 */
#ifndef WT_PORT_PTHREAD_H
#define WT_PORT_PTHREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

typedef struct port_pthread_faults {
    uint64_t fail_append_nth; /* 1 = the next append fails */
    uint64_t fail_sync_nth;
    const char *path_suffix;  /* appends/syncs count only on files whose path ends so (NULL: all) */
    const char *point_name;   /* a port_fault_point name, or NULL */
    uint64_t fail_point_nth;  /* its nth call fails */
    wt_status status;         /* WT_IO_ERROR or WT_NO_SPACE */
    bool sticky;              /* keep failing after the first injected fault */
} port_pthread_faults;

void port_pthread_set_faults(const port_pthread_faults *f);
void port_pthread_clear_faults(void);

#endif
