/*
 * chart.h — plot data (plot.h) rendered as a gnuplot script, and the
 * script drawn into an image file.
 *
 * chart_script writes one self-contained gnuplot script: the terminal (by
 * format), the output file, axes, the data inline as datablocks
 * ($name << EOD) and one plot command.  Three kinds:
 *
 *   timeline     one lane per writer over virtual time: state segments in
 *                the state_style_table colours, WAL syncs above the lane,
 *                memtable inserts below it, group formation on the
 *                leader's lane with its members joined, stalls shaded,
 *                errors as red crosses.
 *   transitions  how often each state transition from -> to happened,
 *                summed over every trace or exploration summary loaded.
 *   groups       group size and group bytes over time, and a histogram of
 *                group sizes.
 *
 * Only datablocks that hold points are plotted, so gnuplot never warns
 * about empty data.  The script is a pure function of (plot_data,
 * chart_options): no time, no environment, so the same traces give the
 * same script byte for byte.  The module keeps no global state; any
 * number of threads may render at once (chart_draw runs gnuplot through
 * plot_gnuplot_run, which is for one thread at a time).
 */
#ifndef WT_SIM_CHART_H
#define WT_SIM_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plot.h"

typedef enum chart_kind {
    CHART_KIND_TIMELINE,
    CHART_KIND_TRANSITIONS,
    CHART_KIND_GROUPS,
    CHART_KIND_COUNT,
} chart_kind;

typedef enum chart_format {
    CHART_FORMAT_PNG, /* pngcairo, or png where gnuplot was built without cairo */
    CHART_FORMAT_SVG,
} chart_format;

typedef struct chart_options {
    chart_kind kind;
    chart_format format;
    const char *output;   /* the image file the script writes (not owned) */
    const char *title;    /* NULL: made from the plot data (scenario, policy, seed, mode) */
    /* The x axis of time charts: a fixed edge where has_*, else where the
     * writers were active plus a margin. */
    bool has_from, has_to;
    uint64_t from_ns, to_ns;
} chart_options;

/* "timeline", "transitions", "groups". */
const char *chart_kind_name(chart_kind kind);

/* The kind named `name`; false (and *kind untouched) if there is none. */
bool chart_kind_from_name(const char *name, chart_kind *kind);

/* The format by the file name's extension (.png or .svg, any case);
 * false if it is neither. */
bool chart_format_from_path(const char *path, chart_format *format);

/* Renders d as a chart of o->kind.  On true, *script is a malloc'd
 * NUL-terminated script of *len bytes (the caller frees).  false (and
 * *script NULL) when there is nothing to draw: no lane activity, no
 * transition or no write group inside the window. */
bool chart_script(const plot_data *d, const chart_options *o, char **script, size_t *len);

typedef enum chart_draw_status {
    CHART_DRAWN,            /* gnuplot exited 0, said nothing, and the image is not empty */
    CHART_GNUPLOT_MISSING,  /* gnuplot could not be started */
    CHART_GNUPLOT_FAILED,   /* it warned, failed or died; *said says what */
    CHART_NOTHING_WRITTEN,  /* it succeeded, yet output is missing or empty */
} chart_draw_status;

/* Removes `output` (a stale chart must not pass for a new one), then runs
 * gnuplot (plot_gnuplot_run: $WTLAB_GNUPLOT, else gnuplot on PATH) on the
 * script, which is expected to write `output`.  Whatever gnuplot said is
 * returned in *said (malloc'd, maybe NULL; the caller frees).  The
 * directory of `output` must exist. */
chart_draw_status chart_draw(const char *output, const char *script, size_t len, char **said);

#endif
