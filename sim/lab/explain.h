/*
 * explain.h — a failing run told so that a person can act on it.
 *
 * From a trace alone (no re-execution, so it works for any build's
 * traces and for a fixed build's user reading an old failure):
 *
 *  - the subject: the writer the violation concerns (its `writer`), or for
 *    a deadlock the writer left waiting, or the fiber that failed;
 *  - the slice: the events that lead to the violation, as far as the trace
 *    shows them — from the subject's current write (its last write_begin)
 *    to the violation, the events of the subject and of every thread that
 *    touched it there (set its state, led a group it was in, handed it the
 *    queue, moved it aside) or that the violation's text names; scheduling
 *    decisions only where they preempt one of those threads;
 *  - one column per thread of the slice (Lincheck's layout), every event
 *    phrased in RocksDB's terms (JoinBatchGroup, AwaitState,
 *    ExitAsBatchGroupLeader, ...);
 *  - a few sentences: who did what to whom at which step, and why the
 *    invariant matters in RocksDB.
 *
 * The text is a pure function of the trace (golden tests compare it).
 */
#ifndef WT_SIM_EXPLAIN_H
#define WT_SIM_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "trace_reader.h"

typedef struct explain_options {
    size_t max_rows;   /* the slice's last rows shown (0: all) */
    size_t col_width;  /* text width of one thread's column */
} explain_options;

enum { EXPLAIN_DEFAULT_ROWS = 80, EXPLAIN_DEFAULT_WIDTH = 40, EXPLAIN_MAX_COLUMNS = 4 };

typedef enum explain_status {
    EXPLAIN_FAILURE,        /* a failure was explained */
    EXPLAIN_EXPECTATIONS,   /* only expectations failed: they were listed */
    EXPLAIN_NOTHING,        /* the run passed: nothing to explain */
} explain_status;

/* Writes the explanation of d to out. */
explain_status explain_trace(const trace_doc *d, const char *path, const explain_options *o,
                             FILE *out);

#endif
