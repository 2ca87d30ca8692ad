/*
 * compare.h — two traces side by side (`wtlab compare`): a real run and
 * the sim's prediction of it, or any two traces.
 *
 * Figures from trace_stats.h: writes per second (over the span from the
 * first write_begin to the last write_end), groups, mean group size, the
 * group-size distribution (share of groups of each size), WAL fsyncs per
 * write, and the time writers spend in each state per write (INIT,
 * LOCKED_WAITING, GROUP_LEADER, ...) plus the think time between writes;
 * each with the relative difference (B - A) / A.  The chart is two panels,
 * one per trace, on the same axes: the group-size distribution above and
 * the time per state below.  Not thread-safe.
 */
#ifndef WT_SIM_COMPARE_H
#define WT_SIM_COMPARE_H

#include <stdio.h>

#include "trace_stats.h"

double compare_mean_group(const trace_stats *st);
double compare_writes_per_sec(const trace_stats *st);
/* (b - a) / a; 0 when both are 0; +-inf shown as such when only a is 0. */
double compare_rel(double a, double b);

/* The table.  Returns the largest |relative difference| among the
 * headline figures (writes/s, mean group size, fsyncs per write). */
double compare_print(FILE *out, const char *name_a, const trace_stats *a, const char *name_b,
                     const trace_stats *b);

/* A gnuplot script drawing the two panels into png_path. */
void compare_write_gnuplot(FILE *out, const char *png_path, const char *name_a,
                           const trace_stats *a, const char *name_b, const trace_stats *b);

#endif
