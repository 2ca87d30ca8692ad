/*
 * chart.c — plot_data rendered as a gnuplot script (see chart.h), and the
 * script drawn by gnuplot.
 *
 * A script is written top to bottom into a memory stream: the preamble
 * (terminal by format, output, title), the axes, then for each thing drawn
 * a datablock and, if the datablock holds rows, one clause of the final
 * plot command (a clause_list, bounded by CHART_MAX_CLAUSES).  The groups
 * chart is a multiplot of three plot commands.  Lanes are numbered from
 * the bottom: the engine lane (if used) at y = 1, writers above it in
 * scenario order.  Spans too short to see are widened to a few pixels
 * (CHART_MIN_SPAN_FRACTION of the x axis), and labels on one lane that
 * fall closer than CHART_LABEL_GAP_FRACTION of the x axis fold into one.
 *
 * Rendering reads plot_data only and keeps no state between calls.
 */
#define _GNU_SOURCE
#include "chart_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state_style.h"

/* ------------------------------------------------------------ timeline */

static size_t lane_total(const plot_data *d) { return d->lane_count + (d->engine_used ? 1 : 0); }

/* Writers top to bottom in scenario order; the engine lane at the bottom. */
static double lane_y(const plot_data *d, int lane)
{
    assert(lane == PLOT_LANE_ENGINE || (lane >= 0 && (size_t)lane < d->lane_count));
    return lane == PLOT_LANE_ENGINE ? 1.0 : (double)(lane_total(d) - (size_t)lane);
}

/* How a kind of span is drawn: its datablock, its band relative to the
 * lane centre, the gnuplot style and the legend entry. */
typedef struct span_style {
    plot_span_kind kind;
    const char *block;
    double lo, hi;
    const char *style;
    const char *title;
} span_style;

static const span_style span_styles[] = {
    {PLOT_SPAN_HOLD, "hold", -0.3, 0.3,
     "fs transparent pattern 4 border lc rgb '#303030' lc rgb '#303030'",
     "held at a sync point by a pin"},
    {PLOT_SPAN_WAL_SYNC, "wal_sync", 0.26, 0.42, "fs solid 1.0 noborder fc rgb '#8c564b'",
     "WAL sync (above lane)"},
    {PLOT_SPAN_INSERT, "insert", -0.42, -0.26, "fs solid 1.0 noborder fc rgb '#e377c2'",
     "memtable insert (below lane)"},
    {PLOT_SPAN_FLUSH, "flush", -0.2, 0.2, "fs solid 1.0 noborder fc rgb '#bcbd22'", "flush"},
};

/* Writes the spans of one kind (and state) as a datablock of boxxyerror
 * rows "x y xlow xhigh ylow yhigh"; returns how many there were.  A span
 * too short to see (a 70 ns insert in a 2 ms chart) is drawn a few pixels
 * wide from its true start, so that every state a writer passed through
 * shows; later states are drawn over it where they overlap. */
static size_t put_spans(FILE *s, const plot_data *d, const time_axis *x, plot_span_kind kind,
                        int state, const char *block, double lo, double hi)
{
    size_t rows = 0;
    double min_width = (chart_x_of(x, x->x1_ns) - chart_x_of(x, x->x0_ns)) / CHART_MIN_SPAN_FRACTION;
    for (size_t i = 0; i < d->span_count; i++) {
        const plot_span *p = &d->spans[i];
        if (p->kind != kind || (kind == PLOT_SPAN_STATE && p->state != state)) continue;
        if (p->t1_ns < x->x0_ns || p->t0_ns > x->x1_ns) continue;
        double y0 = 0.5, y1 = (double)lane_total(d) + 0.5;
        if (p->lane != PLOT_LANE_NONE) {
            y0 = lane_y(d, p->lane) + lo;
            y1 = lane_y(d, p->lane) + hi;
        }
        if (rows++ == 0) fprintf(s, "$%s << EOD\n", block);
        double a = chart_x_of(x, p->t0_ns), b = chart_x_of(x, p->t1_ns);
        if (b - a < min_width) b = a + min_width;
        fprintf(s, "%.4f %.3f %.4f %.4f %.3f %.3f\n", (a + b) / 2, (y0 + y1) / 2, a, b, y0, y1);
    }
    if (rows) fputs("EOD\n", s);
    return rows;
}

static void put_all_spans(FILE *s, const plot_data *d, const time_axis *x, clause_list *c)
{
    const char *box = "using 1:2:3:4:5:6 with boxxyerror";
    if (put_spans(s, d, x, PLOT_SPAN_STALL, -1, "stall", 0, 0))
        chart_add_clause(c, "$stall %s fs transparent solid 0.45 noborder fc rgb '#ffd54f' "
                      "title 'write stall'", box);
    for (int i = 0; i < WT_STATE_COUNT; i++) {
        char block[32];
        snprintf(block, sizeof block, "state_%d", i);
        if (put_spans(s, d, x, PLOT_SPAN_STATE, i, block, -0.2, 0.2))
            chart_add_clause(c, "$%s %s fs solid 1.0 noborder fc rgb '%s' title '%s'", block, box,
                       state_style_table[i].color, wt_state_table[i].name);
    }
    if (put_spans(s, d, x, PLOT_SPAN_STATE, PLOT_STATE_OFF_QUEUE, "off_queue", -0.2, 0.2))
        chart_add_clause(c, "$off_queue %s fs pattern 5 border lc rgb '%s' fc rgb '%s' "
                            "title 'GROUP_LEADER, off the write queue'",
                         box, state_style_table[1].color, state_style_table[1].color);
    for (size_t i = 0; i < sizeof span_styles / sizeof span_styles[0]; i++) {
        const span_style *st = &span_styles[i];
        if (put_spans(s, d, x, st->kind, -1, st->block, st->lo, st->hi))
            chart_add_clause(c, "$%s %s %s title '%s'", st->block, box, st->style, st->title);
    }
}

/* Lane slot for per-lane bookkeeping: the engine lane first, then writers. */
static size_t lane_slot(int lane) { return lane == PLOT_LANE_ENGINE ? 0 : (size_t)lane + 1; }

typedef enum group_part { GROUP_BRACKET, GROUP_MEMBER, GROUP_LEADER, GROUP_LABEL } group_part;

/* One row (or one per member) of a group for the datablock of `part`. */
static size_t put_group_part(FILE *s, const plot_data *d, const time_axis *x, const plot_group *g,
                             group_part part)
{
    double t = chart_x_of(x, g->t_ns), lead = lane_y(d, g->leader_lane), lo = lead, hi = lead;
    const int *members = &d->members[g->member_first];
    for (size_t m = 0; m < g->member_count; m++) {
        double y = lane_y(d, members[m]);
        lo = y < lo ? y : lo;
        hi = y > hi ? y : hi;
        if (part == GROUP_MEMBER && members[m] != g->leader_lane) fprintf(s, "%.4f %.3f\n", t, y);
    }
    switch (part) {
    case GROUP_BRACKET:
        if (hi <= lo) return 0;
        fprintf(s, "%.4f %.3f 0 %.3f\n", t, lo, hi - lo);
        return 1;
    case GROUP_MEMBER: return g->member_count - 1;
    case GROUP_LEADER: fprintf(s, "%.4f %.3f\n", t, lead); return 1;
    case GROUP_LABEL:
        fprintf(s, "%.4f %.3f \"%s×%zu\"\n", t, lead, g->memtable ? "m" : "", g->member_count);
        return 1;
    }
    return 0;
}

/* Writes the datablock of one part of every write (or memtable) group
 * inside the axis; returns the rows written.  A size label closer than
 * the label gap to the previous one on the same leader's lane is left out
 * (the groups chart has every size). */
static size_t put_groups(FILE *s, const plot_data *d, const time_axis *x, bool memtable,
                         group_part part, const char *block)
{
    double gap = (chart_x_of(x, x->x1_ns) - chart_x_of(x, x->x0_ns)) / CHART_LABEL_GAP_FRACTION;
    double *last = malloc((d->lane_count + 1) * sizeof *last);
    assert(last != NULL);
    for (size_t i = 0; i <= d->lane_count; i++) last[i] = -1e300;
    size_t rows = 0;
    fprintf(s, "$%s << EOD\n", block);
    for (size_t i = 0; i < d->group_count; i++) {
        const plot_group *g = &d->groups[i];
        if (g->memtable != memtable || g->t_ns < x->x0_ns || g->t_ns > x->x1_ns) continue;
        double *prev = &last[lane_slot(g->leader_lane)];
        if (part == GROUP_LABEL && chart_x_of(x, g->t_ns) - *prev < gap) continue;
        *prev = chart_x_of(x, g->t_ns);
        rows += put_group_part(s, d, x, g, part);
    }
    fputs("EOD\n", s);
    free(last);
    return rows;
}

/* A group: a vertical line through its members' lanes at the moment the
 * leader formed it, a dot per member, a diamond on the leader, its size. */
static void put_all_groups(FILE *s, const plot_data *d, const time_axis *x, bool memtable,
                           clause_list *c)
{
    const char *p = memtable ? "mg" : "wg", *rgb = memtable ? "#6a3d9a" : "#000000";
    const char *dash = memtable ? "dt (6,4)" : "dt solid";
    char block[16];
    snprintf(block, sizeof block, "%s_bracket", p);
    if (put_groups(s, d, x, memtable, GROUP_BRACKET, block))
        chart_add_clause(c, "$%s using 1:2:3:4 with vectors nohead lw 1.5 %s lc rgb '%s' notitle", block,
                   dash, rgb);
    snprintf(block, sizeof block, "%s_member", p);
    if (put_groups(s, d, x, memtable, GROUP_MEMBER, block))
        chart_add_clause(c, "$%s using 1:2 with points pt 7 ps 0.8 lc rgb '%s' notitle", block, rgb);
    snprintf(block, sizeof block, "%s_leader", p);
    if (put_groups(s, d, x, memtable, GROUP_LEADER, block))
        chart_add_clause(c, "$%s using 1:2 with points pt %d ps 1.7 lc rgb '%s' title '%s'", block,
                   memtable ? 12 : 13, rgb,
                   memtable ? "memtable group (pipelined): leader, members"
                            : "write group: ◆ leader, • members, ×size");
    snprintf(block, sizeof block, "%s_label", p);
    if (put_groups(s, d, x, memtable, GROUP_LABEL, block))
        chart_add_clause(c, "$%s using 1:2:3 with labels left offset char 0.9,%s boxed font ',9' "
                      "tc rgb '%s' notitle", block, memtable ? "-0.55" : "0.55", rgb);
}

/* Marks of one kind as "x y" rows; returns how many. */
static size_t put_mark_points(FILE *s, const plot_data *d, const time_axis *x, plot_mark_kind kind,
                              const char *block, double dy)
{
    size_t rows = 0;
    fprintf(s, "$%s << EOD\n", block);
    for (size_t i = 0; i < d->mark_count; i++) {
        const plot_mark *m = &d->marks[i];
        if (m->kind != kind || m->t_ns < x->x0_ns || m->t_ns > x->x1_ns) continue;
        fprintf(s, "%.4f %.3f\n", chart_x_of(x, m->t_ns), lane_y(d, m->lane) + dy);
        rows++;
    }
    fputs("EOD\n", s);
    return rows;
}

/* Folds the text of a nearby mark into a label: a new text is appended
 * while it fits, a repeated one (or one that does not fit) is counted. */
static void fold_label(char *label, size_t cap, size_t *more, const char *text)
{
    size_t n = strlen(label), m = strlen(text);
    if (strstr(label, text) == NULL && n + m + 2 < cap) snprintf(label + n, cap - n, ", %s", text);
    else (*more)++;
}

/* Labels of marks of one kind as "x y text" rows.  After a sticky error
 * every write fails within microseconds, and a crash, reopen and recovery
 * come together; so that labels do not pile up, the marks on a lane that
 * fall within the label gap of a labelled one join its label ("crash,
 * reopen", "io_error +3").  Returns the rows written. */
static size_t put_mark_labels(FILE *s, const plot_data *d, const time_axis *x, plot_mark_kind kind,
                              const char *block)
{
    double gap = (chart_x_of(x, x->x1_ns) - chart_x_of(x, x->x0_ns)) / CHART_LABEL_GAP_FRACTION;
    size_t *owner = malloc((d->lane_count + 1) * sizeof *owner);
    size_t *more = calloc(d->mark_count + 1, sizeof *more);
    char(*label)[PLOT_TEXT_MAX * 2] = calloc(d->mark_count + 1, sizeof *label);
    assert(owner != NULL && more != NULL && label != NULL);
    for (size_t i = 0; i <= d->lane_count; i++) owner[i] = SIZE_MAX;
    for (size_t i = 0; i < d->mark_count; i++) {
        const plot_mark *m = &d->marks[i];
        if (m->kind != kind || m->t_ns < x->x0_ns || m->t_ns > x->x1_ns || !m->text[0]) continue;
        size_t *o = &owner[lane_slot(m->lane)];
        if (*o != SIZE_MAX && chart_x_of(x, m->t_ns) - chart_x_of(x, d->marks[*o].t_ns) < gap) {
            fold_label(label[*o], sizeof label[*o], &more[*o], m->text);
            continue;
        }
        *o = i;
        snprintf(label[i], sizeof label[i], "%s", m->text);
    }
    size_t rows = 0;
    fprintf(s, "$%s << EOD\n", block);
    for (size_t i = 0; i < d->mark_count; i++) {
        if (!label[i][0]) continue;
        char text[PLOT_TEXT_MAX * 2 + 32];
        snprintf(text, sizeof text, more[i] ? "%s +%zu" : "%s", label[i], more[i]);
        fprintf(s, "%.4f %.3f ", chart_x_of(x, d->marks[i].t_ns), lane_y(d, d->marks[i].lane));
        chart_put_data_text(s, text);
        fputc('\n', s);
        rows++;
    }
    fputs("EOD\n", s);
    free(owner);
    free(more);
    free(label);
    return rows;
}

/* A sticky background error, a violation or a crash concerns every
 * writer: a dashed line across all lanes, named above the plot. */
static void put_run_lines(FILE *s, const plot_data *d, const time_axis *x, plot_mark_kind kind,
                          const char *rgb, const char *title, clause_list *c)
{
    size_t n = 0;
    for (size_t i = 0; i < d->mark_count; i++) {
        const plot_mark *m = &d->marks[i];
        if (m->kind != kind || m->t_ns < x->x0_ns || m->t_ns > x->x1_ns) continue;
        double t = chart_x_of(x, m->t_ns);
        fprintf(s, "set arrow from %.4f, graph 0 to %.4f, graph 1 nohead dt 2 lw 2 "
                   "lc rgb '%s' front\n", t, t, rgb);
        fputs("set label ", s);
        chart_put_quoted(s, m->text);
        fprintf(s, " at %.4f, graph 1 center offset 0,0.7 tc rgb '%s' font ',9' front\n", t, rgb);
        n++;
    }
    if (n) chart_add_clause(c, "keyentry with lines dt 2 lw 2 lc rgb '%s' title '%s'", rgb, title);
}

/* Back-to-back writes of one writer would read as one long segment: a
 * thin white cut across the state bar marks where each write began. */
static void put_write_cuts(FILE *s, const plot_data *d, const time_axis *x, clause_list *c)
{
    if (put_mark_points(s, d, x, PLOT_MARK_WRITE_BEGIN, "write_begin", -0.2))
        chart_add_clause(c, "$write_begin using 1:2:(0):(0.4) with vectors nohead lw 2 "
                      "lc rgb '#ffffff' notitle");
}

/* Wake-ups: an arrow at the moment of the "state" event from the lane of
 * the fiber that set the state to the lane of the writer it set, in the
 * colour of the state set (so a stride wake-up reads leader -> callers ->
 * members).  Arrows start (a dot) and end at the lanes' bar edges. */
static void put_wakes(FILE *s, const plot_data *d, const time_axis *x, clause_list *c)
{
    size_t rows = 0;
    for (size_t i = 0; i < d->wake_count; i++) {
        const plot_wake *w = &d->wakes[i];
        if (w->t_ns < x->x0_ns || w->t_ns > x->x1_ns) continue;
        if (w->from_lane == PLOT_LANE_ENGINE && !d->engine_used) continue;
        double y0 = lane_y(d, w->from_lane), y1 = lane_y(d, w->to_lane);
        double edge = y1 < y0 ? -0.22 : 0.22;
        if (rows++ == 0) fputs("$wake << EOD\n", s);
        unsigned long rgb = strtoul(state_style_table[w->state].color + 1, NULL, 16);
        fprintf(s, "%.4f %.3f 0 %.3f %lu\n", chart_x_of(x, w->t_ns), y0 + edge,
                (y1 - edge) - (y0 + edge), rgb);
    }
    if (rows == 0) return;
    fputs("EOD\n", s);
    chart_add_clause(c, "$wake using 1:2:3:4:5 with vectors head filled size screen 0.007,25 "
                        "lw 1.3 lc rgb variable notitle");
    chart_add_clause(c, "$wake using 1:2:5 with points pt 7 ps 0.55 lc rgb variable notitle");
    chart_add_clause(c, "keyentry with vectors head filled lw 1.3 lc rgb '#555555' "
                        "title 'wake-up: who set whose state (colour: the state set)'");
}

static void put_all_marks(FILE *s, const plot_data *d, const time_axis *x, clause_list *c)
{
    if (put_mark_points(s, d, x, PLOT_MARK_MOVE_ASIDE, "aside", 0))
        chart_add_clause(c, "$aside using 1:2 with points pt 14 ps 1.8 lw 2 lc rgb '#b15928' "
                            "title 'moved aside by a leader (9.1+)'");
    if (put_mark_labels(s, d, x, PLOT_MARK_MOVE_ASIDE, "aside_label"))
        chart_add_clause(c, "$aside_label using 1:2:3 with labels left offset char 1,0.9 boxed "
                            "font ',9' tc rgb '#b15928' notitle");
    if (put_mark_points(s, d, x, PLOT_MARK_WAL_APPEND, "wal_append", 0.34))
        chart_add_clause(c, "$wal_append using 1:2 with points pt 11 ps 1.1 lc rgb '#4e2a1e' "
                      "title 'WAL append (record written)'");
    if (put_mark_points(s, d, x, PLOT_MARK_ENGINE, "engine", 0))
        chart_add_clause(c, "$engine using 1:2 with points pt 8 ps 1.6 lw 2 lc rgb '#000000' "
                      "title 'crash, reopen, recovery, memtable switch'");
    if (put_mark_labels(s, d, x, PLOT_MARK_ENGINE, "engine_label"))
        chart_add_clause(c, "$engine_label using 1:2:3 with labels left offset char 1,-0.9 font ',9' "
                      "tc rgb '#000000' notitle");
    put_run_lines(s, d, x, PLOT_MARK_CRASH, "#000000", "crash (writers stop)", c);
    put_run_lines(s, d, x, PLOT_MARK_BG_ERROR, "#ff0000", "background error / violation", c);
    if (put_mark_points(s, d, x, PLOT_MARK_ERROR, "error", 0)) {
        chart_add_clause(c, "$error using 1:2 with points pt 2 ps 2.4 lw 3 lc rgb '#ff0000' notitle");
        chart_add_clause(c, "keyentry with points pt 2 ps 1.2 lw 2 lc rgb '#ff0000' "
                      "title 'failed write, WAL append/sync or insert'");
    }
    if (put_mark_labels(s, d, x, PLOT_MARK_ERROR, "error_label"))
        chart_add_clause(c, "$error_label using 1:2:3 with labels left offset char 1.2,-0.9 boxed "
                      "font ',9' tc rgb '#cc0000' notitle");
}

/* Lane names as y tics, a faint line through each lane (idle time shows
 * as just that line), the legend below the plot. */
static void put_lanes(FILE *s, const plot_data *d)
{
    size_t total = lane_total(d);
    fprintf(s, "set yrange [0.45:%.2f]\nset ytics scale 0 (", (double)total + 0.55);
    for (size_t i = 0; i < d->lane_count; i++) {
        chart_put_quoted(s, d->lanes[i]);
        fprintf(s, " %.1f%s", lane_y(d, (int)i), i + 1 < total ? ", " : "");
    }
    if (d->engine_used) fputs("'engine' 1.0", s);
    fputs(")\nset grid ytics lc rgb '#d9d9d9' lw 1 back\nset border 3\n", s);
    fputs("set key outside below center horizontal Left reverse samplen 2 spacing 1.15 "
          "width 2 maxrows 5 font ',9'\n", s);
    fputs("set lmargin 10\nset rmargin 24\n", s); /* labels near the end run into the margin */
}

bool chart_put_timeline(FILE *s, const plot_data *d, const chart_options *o)
{
    char title[512];
    chart_make_title(d, o, "", title, sizeof title);
    size_t total = lane_total(d);
    /* 40 px a lane keeps 16 writers readable; past CHART_ROOMY_LANES lanes
     * shrink (to a floor) so that 256 writers still make a sane image. */
    int lane_px = total <= CHART_FEW_LANES     ? CHART_FEW_LANE_HEIGHT_PX
                  : total <= CHART_ROOMY_LANES ? CHART_LANE_HEIGHT_PX
                  : (int)(CHART_LANE_HEIGHT_PX * CHART_ROOMY_LANES / total);
    if (lane_px < CHART_MIN_LANE_HEIGHT_PX) lane_px = CHART_MIN_LANE_HEIGHT_PX;
    chart_put_preamble(s, o, CHART_BASE_HEIGHT_PX + lane_px * (int)total, title);
    time_axis x = chart_choose_axis(d, o);
    chart_put_time_axis(s, &x, d->real);
    put_lanes(s, d);
    clause_list *c = calloc(1, sizeof *c);
    assert(c != NULL);
    put_all_spans(s, d, &x, c);
    put_write_cuts(s, d, &x, c);
    put_all_groups(s, d, &x, false, c);
    put_all_groups(s, d, &x, true, c);
    put_wakes(s, d, &x, c);
    put_all_marks(s, d, &x, c);
    bool any = c->count > 0;
    if (any) chart_put_plot_command(s, c);
    free(c);
    return any;
}

/* ---------------------------------------------------------------- public */

static const char *const kind_names[CHART_KIND_COUNT] = {"timeline", "transitions", "groups"};

const char *chart_kind_name(chart_kind kind)
{
    assert(kind >= 0 && kind < CHART_KIND_COUNT);
    return kind_names[kind];
}

bool chart_kind_from_name(const char *name, chart_kind *kind)
{
    assert(name != NULL);
    for (int i = 0; i < CHART_KIND_COUNT; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (chart_kind)i;
            return true;
        }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcasecmp(s + n - m, suffix) == 0;
}

bool chart_format_from_path(const char *path, chart_format *format)
{
    assert(path != NULL);
    if (ends_with(path, ".svg")) *format = CHART_FORMAT_SVG;
    else if (ends_with(path, ".png")) *format = CHART_FORMAT_PNG;
    else return false;
    return true;
}

bool chart_script(const plot_data *d, const chart_options *o, char **script, size_t *len)
{
    assert(o->output != NULL);
    assert(o->kind >= 0 && o->kind < CHART_KIND_COUNT);
    FILE *s = open_memstream(script, len);
    assert(s != NULL);
    bool drawn = false;
    switch (o->kind) {
    case CHART_KIND_TIMELINE: drawn = chart_put_timeline(s, d, o); break;
    case CHART_KIND_TRANSITIONS: drawn = chart_put_transitions(s, d, o); break;
    case CHART_KIND_GROUPS: drawn = chart_put_groups_chart(s, d, o); break;
    case CHART_KIND_COUNT: break;
    }
    if (drawn) fputs("set output\n", s);
    fclose(s);
    if (!drawn) {
        free(*script);
        *script = NULL;
        *len = 0;
    }
    return drawn;
}

chart_draw_status chart_draw(const char *output, const char *script, size_t len, char **said)
{
    assert(output != NULL && script != NULL);
    unlink(output); /* a stale chart must not pass for a new one */
    *said = NULL;
    plot_gnuplot_status st = plot_gnuplot_run(NULL, script, len, said);
    if (st == PLOT_GNUPLOT_MISSING) return CHART_GNUPLOT_MISSING;
    if (st == PLOT_GNUPLOT_FAILED) return CHART_GNUPLOT_FAILED;
    struct stat sb;
    if (stat(output, &sb) != 0 || sb.st_size == 0) return CHART_NOTHING_WRITTEN;
    return CHART_DRAWN;
}
