/*
 * port_pthread.h — what only the pthreads build offers beyond port.h:
 * fault injection into real file operations, for tests, and the trace
 * recorder (port_pthread_trace.c) that turns the engine's port_events
 * into a real trace (traces/README.md, "Real traces").
 *
 * Faults are process-wide.  Counting starts when they are set; the nth
 * append (or sync) from then on fails with `status` and every later one
 * succeeds again, unless `sticky` is set.  0 disables a counter.
 */
#ifndef WT_PORT_PTHREAD_H
#define WT_PORT_PTHREAD_H

#include <stdbool.h>
#include <stddef.h>
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
    uint64_t fail_read_nth;   /* reads count like appends (path_suffix) */
} port_pthread_faults;

void port_pthread_set_faults(const port_pthread_faults *f);
void port_pthread_clear_faults(void);

/* ------------------------------------------------------------ tracing
 * One trace at a time, process-wide.  While it is on, every port_event is
 * recorded by the thread that emits it (no lock, no allocation per event);
 * stop merges the threads' records by time and writes the trace file.
 * Off, an event costs one predictable branch (port_events_enabled). */

enum {
    PORT_PTHREAD_TRACE_NAME_MAX = 32,      /* a thread name's bytes, NUL included */
    PORT_PTHREAD_TRACE_BYTES_MAX = 1 << 30, /* records of one trace in memory; past it
                                               events are dropped (and counted) */
};

/*
 * Creates (truncates) the trace file at path and starts recording.
 * `program` is the command line for the header (copied).
 * WT_OK: recording.  WT_NOT_FOUND, WT_NO_SPACE, WT_IO_ERROR: the file
 * could not be created (errno says why); nothing is recorded.
 * WT_INVALID_ARGUMENT: a trace is already on.
 */
WT_MUST_USE wt_status port_pthread_trace_start(const char *path, const char *program);

/*
 * Stops recording and writes the trace: a header (source "real"; its
 * "threads" are the threads that wrote, in the order of their first
 * write), one line per event in time order (step = line number from 1,
 * t = ns since start, fiber = the recording thread's name),
 * and a summary (events, t = ns from the first to the last event, groups,
 * max_group, wal_syncs, states_visited, dropped_events: events past the
 * memory bound, 0 when complete).
 * REQUIRES: a trace is on; every thread other than the caller that
 * recorded an event has exited and been joined (writers joined, the DB
 * closed so that its flush thread is gone).  Violations are assertion
 * failures.  WT_OK: the file is complete; WT_IO_ERROR, WT_NO_SPACE: writing
 * or closing it failed.  Either way the recording is over and freed.
 */
WT_MUST_USE wt_status port_pthread_trace_stop(void);

/* True between a successful start and stop. */
bool port_pthread_trace_active(void);

/* For tests of the memory bound: the bound of the traces started from now
 * on (0 restores PORT_PTHREAD_TRACE_BYTES_MAX).  Threads get 64 KiB first. */
void port_pthread_trace_set_bytes_max(size_t bytes);

/* For tests of the clock: whether traces started from now on may stamp
 * events with the CPU's invariant time-stamp counter (the default) or must
 * read CLOCK_MONOTONIC for each (false).  Either way lines carry ns. */
void port_pthread_trace_allow_cpu_clock(bool allowed);

/*
 * Names the calling thread in traces (printf format, truncated to
 * PORT_PTHREAD_TRACE_NAME_MAX - 1 bytes), whether or not a trace is on,
 * as a writer thread: the header's "threads" lists it (a chart lane) even
 * if it never writes.  Threads made by port_thread_create are named after
 * its `name` (port_pthread_trace_name_port_thread, not listed unless they
 * write); other threads are "main" (the process's first thread) or
 * "t<port_thread_id>".  Names should be unique among the threads of one
 * trace.
 */
__attribute__((format(printf, 1, 2))) void port_pthread_trace_name_thread(const char *fmt, ...);
/* port_thread_create's naming of the threads it starts (port_pthread.c). */
void port_pthread_trace_name_port_thread(const char *name);

#endif
