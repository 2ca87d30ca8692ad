/*
 * chart_stats.c — the groups and transitions kinds (see chart.h).
 */
#define _GNU_SOURCE
#include "chart_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "state_style.h"

/* -------------------------------------------------------------- groups */

enum { GROUPS_MAX_LABELLED = 80 }; /* more groups than this: no leader labels */

/* "k size \"leader\"" (or bytes) rows for the write groups (or memtable
 * groups) inside the axis, k numbering every group in the window (both
 * kinds) in the order they formed, so that groups close in time never
 * overlap.  Returns the rows written; *total gets the number of groups. */
static size_t put_group_series(FILE *s, const plot_data *d, const time_axis *x, bool memtable,
                               bool bytes, const char *block, size_t *total)
{
    size_t rows = 0, k = 0;
    fprintf(s, "$%s << EOD\n", block);
    for (size_t i = 0; i < d->group_count; i++) {
        const plot_group *g = &d->groups[i];
        if (g->t_ns < x->x0_ns || g->t_ns > x->x1_ns) continue;
        k++;
        if (g->memtable != memtable) continue;
        fprintf(s, "%zu %llu ", k, (unsigned long long)(bytes ? g->bytes : g->member_count));
        chart_put_data_text(s, d->lanes[g->leader_lane]);
        fputc('\n', s);
        rows++;
    }
    fputs("EOD\n", s);
    *total = k;
    return rows;
}

/* How many write groups had each size; returns the largest size and, in
 * *most, the largest count. */
static size_t put_size_histogram(FILE *s, const plot_data *d, uint64_t *most)
{
    size_t largest = 0;
    for (size_t i = 0; i < d->group_count; i++)
        if (!d->groups[i].memtable && d->groups[i].member_count > largest)
            largest = d->groups[i].member_count;
    uint64_t *count = calloc(largest + 1, sizeof *count);
    assert(count != NULL);
    for (size_t i = 0; i < d->group_count; i++)
        if (!d->groups[i].memtable) count[d->groups[i].member_count]++;
    *most = 0;
    fputs("$histogram << EOD\n", s);
    for (size_t n = 1; n <= largest; n++) {
        if (count[n]) fprintf(s, "%zu %llu\n", n, (unsigned long long)count[n]);
        if (count[n] > *most) *most = count[n];
    }
    fputs("EOD\n", s);
    free(count);
    return largest;
}

static void put_groups_in_order(FILE *s, const plot_data *d, const time_axis *x, size_t largest)
{
    size_t total;
    size_t write_groups = put_group_series(s, d, x, false, false, "size", &total);
    size_t mem_groups = put_group_series(s, d, x, true, false, "mem_size", &total);
    put_group_series(s, d, x, false, true, "bytes", &total);
    bool labels = total <= GROUPS_MAX_LABELLED;
    fprintf(s, "set xrange [0.3:%.1f]\nset xlabel 'groups in the order they formed%s'\n"
               "set xtics %s nomirror out\nunset mxtics\nset grid noxtics\n",
            (double)total + 0.7, labels ? " (label: the leader)" : "",
            total <= 40 ? "1" : "autofreq");
    for (size_t i = 0; i < d->group_count; i++) /* memtable groups may be larger */
        if (d->groups[i].member_count > largest) largest = d->groups[i].member_count;
    fprintf(s, "set yrange [0:%zu]\nset ytics %zu\nset ylabel 'group size (writers)'\n",
            largest + largest / 6 + 2, largest / 8 + 1);
    clause_list *c = calloc(1, sizeof *c);
    assert(c != NULL);
    if (write_groups)
        chart_add_clause(c, "$size using 1:2 with impulses lw 3 lc rgb '#404040' notitle, "
                            "$size using 1:2 with points pt 7 ps 1.1 lc rgb '#404040' "
                            "title 'write group: writers'");
    if (write_groups && labels)
        chart_add_clause(c, "$size using 1:2:3 with labels rotate by 90 left offset char 0,0.8 "
                            "font ',8' notitle");
    if (mem_groups)
        chart_add_clause(c, "$mem_size using 1:2 with impulses lw 3 dt (4,3) lc rgb '#6a3d9a' "
                            "notitle, $mem_size using 1:2 with points pt 6 ps 1.4 lw 2 "
                            "lc rgb '#6a3d9a' title 'memtable group (pipelined): writers'");
    if (mem_groups && labels)
        chart_add_clause(c, "$mem_size using 1:2:3 with labels rotate by 90 left offset char 0,0.8 "
                            "font ',8' tc rgb '#6a3d9a' notitle");
    if (c->count) chart_put_plot_command(s, c);
    else fputs("plot NaN notitle\n", s);
    fputs("set yrange [0:*]\nset ytics autofreq\nset ylabel 'group bytes'\n"
          "set offsets 0,0,graph 0.2,0\n", s);
    if (write_groups)
        fprintf(s, "plot $bytes using 1:2 with impulses lw 3 lc rgb '#8c564b' notitle, "
                   "$bytes using 1:2 with points pt 7 ps 1.1 lc rgb '#8c564b' "
                   "title 'write group: bytes (WAL payload)'%s\n",
                labels ? ", $bytes using 1:2:3 with labels rotate by 90 left offset char 0,0.8 "
                         "font ',8' notitle" : "");
    else
        fputs("plot NaN notitle\n", s);
    fputs("set offsets 0,0,0,0\n", s);
    free(c);
}

bool chart_put_groups_chart(FILE *s, const plot_data *d, const chart_options *o)
{
    char title[512];
    chart_make_title(d, o, "groups · ", title, sizeof title);
    uint64_t most;
    size_t largest = put_size_histogram(s, d, &most);
    if (largest == 0) return false;
    chart_put_preamble(s, o, 950, NULL);
    fputs("set multiplot layout 3,1 title ", s);
    chart_put_quoted(s, title);
    fputs(" font ',13'\n", s);
    fputs("set key outside top right horizontal Left reverse samplen 2 font ',9'\n", s);
    fputs("set border 3\nset lmargin 12\nset rmargin 4\nset ytics nomirror\n", s);
    time_axis x = chart_choose_axis(d, o);
    put_groups_in_order(s, d, &x, largest);
    fprintf(s, "set xrange [0.4:%.1f]\nset xtics 1 nomirror\nunset mxtics\nset grid noxtics\n"
               "set xlabel 'group size (writers)'\nset ylabel 'groups'\nset yrange [0:*]\n"
               "set offsets 0,0,graph 0.15,0\nset boxwidth 0.7\nset ytics %llu\n",
            (double)largest + 0.6, (unsigned long long)(most / 8 + 1));
    if (largest > 40) fputs("set xtics autofreq\n", s);
    fputs("plot $histogram using 1:2 with boxes fs solid 0.85 border lc rgb '#202020' "
          "fc rgb '#7f7f7f' title 'write groups of that size', "
          "$histogram using 1:2:2 with labels offset char 0,0.8 font ',9' notitle\n", s);
    fputs("unset multiplot\n", s);
    return true;
}

/* --------------------------------------------------------- transitions */

/* One bar per transition that happened, ordered by wt_state_table (from,
 * then to); bars are coloured by the target state and grouped into one
 * datablock per target so the legend names the colours.  Returns the
 * number of bars. */
static int put_transition_bars(FILE *s, const plot_data *d, clause_list *c)
{
    int bar = 0, order[WT_STATE_COUNT][WT_STATE_COUNT];
    for (int f = 0; f < WT_STATE_COUNT; f++)
        for (int t = 0; t < WT_STATE_COUNT; t++) order[f][t] = d->transitions[f][t] ? bar++ : -1;
    for (int t = 0; t < WT_STATE_COUNT; t++) {
        bool any = false;
        for (int f = 0; f < WT_STATE_COUNT; f++) {
            if (order[f][t] < 0) continue;
            if (!any) fprintf(s, "$to_%d << EOD\n", t);
            any = true;
            bool legal = wt_state_transition_legal(wt_state_table[f].bit, wt_state_table[t].bit);
            fprintf(s, "%d %llu \"%s → %s%s\"\n", order[f][t],
                    (unsigned long long)d->transitions[f][t], wt_state_table[f].name,
                    wt_state_table[t].name, legal ? "" : " (ILLEGAL)");
        }
        if (!any) continue;
        fputs("EOD\n", s);
        chart_add_clause(c, "$to_%d using 1:2:xtic(3) with boxes fs solid 1.0 border lc rgb '#303030' "
                      "fc rgb '%s' title '→ %s'", t, state_style_table[t].color, wt_state_table[t].name);
        chart_add_clause(c, "$to_%d using 1:2:2 with labels offset char 0,0.8 font ',9' notitle", t);
    }
    return bar;
}

bool chart_put_transitions(FILE *s, const plot_data *d, const chart_options *o)
{
    char title[512];
    chart_make_title(d, o, "state transitions · ", title, sizeof title);
    clause_list *c = calloc(1, sizeof *c);
    assert(c != NULL);
    int bars = put_transition_bars(s, d, c);
    if (bars > 0) {
        /* Labels stand upright under their bars, so a long "FROM → TO"
         * never runs off the left edge. */
        chart_put_preamble(s, o, 940, title);
        fprintf(s, "set xrange [-0.6:%.1f]\nset yrange [0:*]\nset offsets 0,0,graph 0.12,0\n"
                   "set boxwidth 0.7\nset xtics rotate by 90 right nomirror font ',9'\n"
                   "set lmargin 10\nset bmargin 27\n"
                   "set border 3\nset ytics nomirror\nset grid ytics lc rgb '#e6e6e6'\n"
                   "set ylabel 'transitions (summed over %llu run%s)'\n"
                   "set key outside right top Left reverse samplen 2 font ',9' "
                   "title 'bar colour = state entered'\n",
                (double)bars - 0.4, (unsigned long long)d->runs, d->runs == 1 ? "" : "s");
        chart_put_plot_command(s, c);
    }
    free(c);
    return bars > 0;
}
