/*
 * chart_common.c — pieces every chart script uses (see chart_int.h): the
 * plot command's clauses, quoting, the preamble, the title and the time
 * axis.
 */
#define _GNU_SOURCE
#include "chart_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void chart_add_clause(clause_list *c, const char *fmt, ...)
{
    assert(c->count < CHART_MAX_CLAUSES);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->text[c->count], CHART_CLAUSE_MAX, fmt, ap);
    va_end(ap);
    assert(n > 0 && n < CHART_CLAUSE_MAX);
    c->count++;
}

void chart_put_plot_command(FILE *s, const clause_list *c)
{
    assert(c->count > 0);
    fputs("plot ", s);
    for (size_t i = 0; i < c->count; i++) fprintf(s, "%s%s", i ? ", \\\n     " : "", c->text[i]);
    fputc('\n', s);
}

/* ------------------------------------------------------------ quoting */

/* A gnuplot single-quoted string: only ' needs escaping, as ''. */
void chart_put_quoted(FILE *s, const char *text)
{
    fputc('\'', s);
    for (const char *p = text; *p; p++) {
        if (*p == '\'') fputc('\'', s);
        if (*p != '\n') fputc(*p, s);
    }
    fputc('\'', s);
}

/* A string column inside a datablock: double quotes, none inside. */
void chart_put_data_text(FILE *s, const char *text)
{
    fputc('"', s);
    for (const char *p = text; *p; p++) fputc(*p == '"' || *p == '\n' ? '\'' : *p, s);
    fputc('"', s);
}

/* ---------------------------------------------------------- the script */

/* Terminal by the format (pngcairo, or png where gnuplot was
 * built without cairo), then the output file and the title (if any). */
void chart_put_preamble(FILE *s, const chart_options *o, int height_px, const char *title)
{
    fputs("set encoding utf8\n", s);
    if (o->format == CHART_FORMAT_SVG) {
        fprintf(s, "set terminal svg size %d,%d dynamic noenhanced font 'DejaVu Sans,11' "
                   "background '#ffffff'\n", CHART_WIDTH_PX, height_px);
    } else {
        fprintf(s, "if (strstrt(GPVAL_TERMINALS, ' pngcairo ') > 0) {\n"
                   "  set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,10' "
                   "background '#ffffff'\n} else {\n"
                   "  set terminal png size %d,%d noenhanced background '#ffffff'\n}\n",
                CHART_WIDTH_PX, height_px, CHART_WIDTH_PX, height_px);
    }
    fputs("set output ", s);
    chart_put_quoted(s, o->output);
    fputs("\nset style textbox opaque noborder\n", s);
    if (title == NULL) return;
    fputs("set title ", s);
    chart_put_quoted(s, title);
    fputs(" font ',13'\n", s);
}

/* "group-commit · random seed 7 · serial memtable" (+ the outcome when
 * the run did not complete), or the user's --title. */
void chart_make_title(const plot_data *d, const chart_options *o, const char *what, char *out,
                       size_t cap)
{
    if (o->title != NULL) {
        snprintf(out, cap, "%s", o->title);
        return;
    }
    if (d->files > 1 || d->runs != 1) {
        snprintf(out, cap, "%s%s · %llu runs", what, d->mixed ? "several scenarios" : d->scenario_name,
                 (unsigned long long)d->runs);
        return;
    }
    bool odd = d->outcome[0] != '\0' && strcmp(d->outcome, "completed") != 0;
    if (d->real) { /* no scenario, policy or seed: threads on a real clock */
        snprintf(out, cap, "%s%s", what, d->mode);
        return;
    }
    snprintf(out, cap, "%s%s · %s seed %s · %s%s%s", what, d->scenario_name, d->policy, d->seed,
             d->mode, odd ? " · run ended: " : "", odd ? d->outcome : "");
}

/* The time range shown: what the user asked for, else the frame (the
 * first group's formation to the last write's end, flush or engine
 * event; plot.h) or, without one, where the writers were active, plus a
 * margin (wider on the right, where the last labels
 * go); µs, or ms for long runs. */
time_axis chart_choose_axis(const plot_data *d, const chart_options *o)
{
    time_axis x = {.x0_ns = d->active_from_ns, .x1_ns = d->active_to_ns};
    if (d->has_frame && d->frame_to_ns > d->frame_from_ns)
        x = (time_axis){.x0_ns = d->frame_from_ns, .x1_ns = d->frame_to_ns};
    if (!d->has_activity) x = (time_axis){.x0_ns = d->from_ns, .x1_ns = d->from_ns + 1000};
    uint64_t margin = (x.x1_ns - x.x0_ns) / 50 + 1; /* 2% before, 8% after (for labels) */
    x.x0_ns = x.x0_ns > margin ? x.x0_ns - margin : 0;
    x.x1_ns += 4 * margin;
    if (o->has_from) x.x0_ns = o->from_ns;
    if (o->has_to) x.x1_ns = o->to_ns;
    if (x.x1_ns <= x.x0_ns) x.x1_ns = x.x0_ns + 1;
    bool long_run = x.x1_ns - x.x0_ns >= 20000000;
    x.ns_per_unit = long_run ? 1e6 : 1e3;
    x.unit = long_run ? "ms" : "µs";
    return x;
}


void chart_put_time_axis(FILE *s, const time_axis *x, bool real)
{
    fprintf(s, "set xrange [%.4f:%.4f]\nset xlabel '%s (%s)%s' offset 0,0.3\n",
            chart_x_of(x, x->x0_ns), chart_x_of(x, x->x1_ns),
            real ? "time since recording began" : "virtual time", x->unit,
            real ? "" : " since the run began (0: power-on, before the DB opens)");
    fputs("set xtics nomirror out\nset mxtics 5\nset grid xtics lc rgb '#ececec' lw 1\n", s);
}
