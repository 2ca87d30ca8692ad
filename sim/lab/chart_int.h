/*
 * chart_int.h — what the chart files share (chart.c: the timeline and the
 * public API; chart_common.c: script pieces, titles, the time axis;
 * chart_stats.c: the groups and transitions kinds).  Not a public API.
 */
#ifndef WT_SIM_CHART_INT_H
#define WT_SIM_CHART_INT_H

#include <stdio.h>

#include "chart.h"

enum {
    CHART_MAX_CLAUSES = 48,    /* plot clauses in one plot command */
    CHART_CLAUSE_MAX = 512,    /* bytes of one clause */
    CHART_WIDTH_PX = 1400,
    CHART_BASE_HEIGHT_PX = 250,
    CHART_LANE_HEIGHT_PX = 40,
    CHART_FEW_LANES = 8,           /* up to this many lanes get the taller height */
    CHART_FEW_LANE_HEIGHT_PX = 64,
    CHART_ROOMY_LANES = 32,        /* up to this many lanes get the full lane height */
    CHART_MIN_LANE_HEIGHT_PX = 14,
    CHART_MIN_SPAN_FRACTION = 350, /* the narrowest span drawn: this part of the x axis */
    CHART_LABEL_GAP_FRACTION = 18, /* labels closer than this part of the x axis fold */
};

/* The x axis of time charts: the range shown and its unit. */
typedef struct time_axis {
    uint64_t x0_ns, x1_ns;
    double ns_per_unit;
    const char *unit;
} time_axis;

/* The clauses of one plot command, added as their data is written. */
typedef struct clause_list {
    char text[CHART_MAX_CLAUSES][CHART_CLAUSE_MAX];
    size_t count;
} clause_list;

void chart_add_clause(clause_list *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void chart_put_plot_command(FILE *s, const clause_list *c);
/* A gnuplot single-quoted string; a double-quoted datablock column. */
void chart_put_quoted(FILE *s, const char *text);
void chart_put_data_text(FILE *s, const char *text);
/* Terminal, output and title (NULL: none). */
void chart_put_preamble(FILE *s, const chart_options *o, int height_px, const char *title);
void chart_make_title(const plot_data *d, const chart_options *o, const char *what, char *out,
                      size_t cap);
time_axis chart_choose_axis(const plot_data *d, const chart_options *o);
static inline double chart_x_of(const time_axis *x, uint64_t t_ns)
{
    return (double)t_ns / x->ns_per_unit;
}
void chart_put_time_axis(FILE *s, const time_axis *x, bool real);

/* The three kinds: false when there is nothing to draw. */
bool chart_put_timeline(FILE *s, const plot_data *d, const chart_options *o);
bool chart_put_groups_chart(FILE *s, const plot_data *d, const chart_options *o);
bool chart_put_transitions(FILE *s, const plot_data *d, const chart_options *o);

#endif
