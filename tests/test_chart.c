/*
 * test_chart.c — rendering plot data as gnuplot scripts (sim/lab/chart.c).
 *
 * Goal: the script a chart is drawn from carries what the chart must show
 * — one lane per writer in scenario order, states in their state_style_table
 * colours, WAL syncs, groups and errors where they happened, the time
 * window and unit asked for, the title (quoted), the terminal of the
 * format — and nothing outside the window; it is the same bytes for the
 * same input; and an empty chart is refused rather than drawn.  Drawing
 * reports gnuplot's verdict faithfully.
 *
 * Method: a small plot_data is built by hand (two writers, a leader span,
 * a waiting span, a WAL sync, a write group of both, an error), so the
 * test does not depend on the trace loader; each kind is rendered and the
 * script searched for exact lines and datablock rows (positions are
 * computed by hand from the chart's rules: lanes from the top at y = 2, 1;
 * a 2% / 8% margin around the active time; µs below 20 ms).  chart_draw is
 * run against stand-in gnuplot programs ($WTLAB_GNUPLOT: one that writes
 * the image named by the script's `set output`, one that warns, one that
 * writes nothing, one that does not exist), so no real gnuplot is needed.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart.h"
#include "check_main.h"
#include "plot.h"
#include "state_style.h"

enum { TEST_SPANS_MAX = 8, TEST_MARKS_MAX = 4, TEST_GROUPS_MAX = 4, TEST_MEMBERS_MAX = 16 };

static int state_of(const char *name)
{
    int i = wt_state_index_by_name(name);
    ck_assert_int_ge(i, 0);
    return i;
}

/* An empty plot_data with room for a few items and lanes w1, w2. */
static void init_two_lanes(plot_data *d)
{
    plot_data_init(d, 0, UINT64_MAX);
    snprintf(d->scenario_name, sizeof d->scenario_name, "sc");
    snprintf(d->policy, sizeof d->policy, "random");
    snprintf(d->seed, sizeof d->seed, "7");
    snprintf(d->mode, sizeof d->mode, "serial memtable");
    snprintf(d->outcome, sizeof d->outcome, "completed");
    d->files = 1;
    d->runs = 1;
    d->has_timeline = true;
    snprintf(d->lanes[0], sizeof d->lanes[0], "w1");
    snprintf(d->lanes[1], sizeof d->lanes[1], "w2");
    d->lane_count = 2;
    d->spans = calloc(TEST_SPANS_MAX, sizeof *d->spans);
    d->span_cap = TEST_SPANS_MAX;
    d->marks = calloc(TEST_MARKS_MAX, sizeof *d->marks);
    d->mark_cap = TEST_MARKS_MAX;
    d->groups = calloc(TEST_GROUPS_MAX, sizeof *d->groups);
    d->group_cap = TEST_GROUPS_MAX;
    d->members = calloc(TEST_MEMBERS_MAX, sizeof *d->members);
    d->member_cap = TEST_MEMBERS_MAX;
    ck_assert(d->spans && d->marks && d->groups && d->members);
}

static void add_span(plot_data *d, plot_span_kind kind, int lane, int state, uint64_t t0,
                     uint64_t t1)
{
    ck_assert_uint_lt(d->span_count, d->span_cap);
    d->spans[d->span_count++] = (plot_span){.kind = kind, .lane = lane, .state = state,
                                            .t0_ns = t0, .t1_ns = t1};
}

static void add_mark(plot_data *d, plot_mark_kind kind, int lane, uint64_t t, const char *text)
{
    ck_assert_uint_lt(d->mark_count, d->mark_cap);
    plot_mark *m = &d->marks[d->mark_count++];
    *m = (plot_mark){.kind = kind, .lane = lane, .t_ns = t};
    snprintf(m->text, sizeof m->text, "%s", text);
}

/* A group led by lanes[0] of the given lanes at t. */
static void add_group(plot_data *d, uint64_t t, bool memtable, const int *lanes, size_t n,
                      uint64_t bytes)
{
    ck_assert_uint_lt(d->group_count, d->group_cap);
    ck_assert_uint_le(d->member_count + n, d->member_cap);
    d->groups[d->group_count++] = (plot_group){.t_ns = t, .memtable = memtable,
                                               .leader_lane = lanes[0],
                                               .member_first = d->member_count,
                                               .member_count = n, .bytes = bytes};
    for (size_t i = 0; i < n; i++) d->members[d->member_count++] = lanes[i];
}

/* Writers active from 10 µs to 60 µs: w1 leads a group of both at 30 µs
 * after a WAL sync; w2 waits, then its write fails at 31 µs. */
static void init_small_run(plot_data *d)
{
    init_two_lanes(d);
    add_span(d, PLOT_SPAN_STATE, 0, state_of("GROUP_LEADER"), 10000, 30000);
    add_span(d, PLOT_SPAN_STATE, 1, state_of("LOCKED_WAITING"), 12000, 30000);
    add_span(d, PLOT_SPAN_WAL_SYNC, 0, 0, 20000, 28000);
    static const int both[] = {0, 1};
    add_group(d, 30000, false, both, 2, 100);
    add_mark(d, PLOT_MARK_ERROR, 1, 31000, "io_error");
    d->has_activity = true;
    d->active_from_ns = 10000;
    d->active_to_ns = 60000;
}

static chart_options options(chart_kind kind)
{
    return (chart_options){.kind = kind, .format = CHART_FORMAT_PNG, .output = "chart.png"};
}

static char *render(const plot_data *d, const chart_options *o)
{
    char *script = NULL;
    size_t len = 0;
    ck_assert_msg(chart_script(d, o, &script, &len), "nothing drawn");
    ck_assert_ptr_nonnull(script);
    ck_assert_uint_eq(strlen(script), len);
    return script;
}

static void assert_has(const char *script, const char *want)
{
    ck_assert_msg(strstr(script, want) != NULL, "script lacks \"%s\":\n%s", want, script);
}

/* The rows of datablock $name (-1 if the script has none). */
static int block_rows(const char *script, const char *name)
{
    char head[64];
    snprintf(head, sizeof head, "$%s << EOD\n", name);
    const char *p = strstr(script, head);
    if (p == NULL) return -1;
    p += strlen(head);
    int rows = 0;
    for (; strncmp(p, "EOD\n", 4) != 0; rows++) {
        p = strchr(p, '\n');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    return rows;
}

START_TEST(test_timeline_lanes_states_groups_errors)
{
    plot_data d;
    init_small_run(&d);
    chart_options o = options(CHART_KIND_TIMELINE);
    char *s = render(&d, &o);
    assert_has(s, "set terminal pngcairo size 1400,378 ");  /* 250 + 2 lanes of 64 px */
    assert_has(s, "set output 'chart.png'\n");
    assert_has(s, "set title 'sc · random seed 7 · serial memtable' font ',13'\n");
    assert_has(s, "set ytics scale 0 ('w1' 2.0, 'w2' 1.0)\n");
    /* Active 10..60 µs with a 1001 ns margin: 2% before, 8% after. */
    assert_has(s, "set xrange [8.9990:64.0040]\nset xlabel 'virtual time (µs) since the run "
                  "began (0: power-on, before the DB opens)'");
    char want[128];
    snprintf(want, sizeof want, "fc rgb '%s' title 'GROUP_LEADER'",
             state_style_table[state_of("GROUP_LEADER")].color);
    assert_has(s, want);
    snprintf(want, sizeof want, "fc rgb '%s' title 'LOCKED_WAITING'",
             state_style_table[state_of("LOCKED_WAITING")].color);
    assert_has(s, want);
    assert_has(s, "$wal_sync << EOD\n24.0000 2.340 20.0000 28.0000 2.260 2.420\nEOD\n");
    assert_has(s, "$wg_bracket << EOD\n30.0000 1.000 0 1.000\nEOD\n");
    assert_has(s, "$wg_leader << EOD\n30.0000 2.000\nEOD\n");
    assert_has(s, "$wg_label << EOD\n30.0000 2.000 \"×2\"\nEOD\n");
    assert_has(s, "$error << EOD\n31.0000 1.000\nEOD\n");
    assert_has(s, "$error_label << EOD\n31.0000 1.000 \"io_error\"\nEOD\n");
    ck_assert_int_eq(block_rows(s, "mg_leader"), 0);     /* no memtable groups */
    ck_assert_ptr_null(strstr(s, "$mg_leader using"));  /* and not plotted */
    ck_assert_ptr_null(strstr(s, "'engine'"));           /* the engine lane was not used */
    ck_assert(strstr(s, "\nplot $state_") != NULL);
    const char *end = "set output\n";
    ck_assert_str_eq(s + strlen(s) - strlen(end), end);
    free(s);
    plot_data_free(&d);
}
END_TEST

/* Wake-ups, a leader off the write queue, a writer moved aside, and the
 * frame: from the first group to the last event the run must show. */
START_TEST(test_timeline_wakes_off_queue_aside_frame)
{
    plot_data d;
    init_small_run(&d);
    int done = state_of("COMPLETED");
    add_span(&d, PLOT_SPAN_STATE, 0, PLOT_STATE_OFF_QUEUE, 30000, 35000);
    add_mark(&d, PLOT_MARK_MOVE_ASIDE, 1, 29000, "aside (w1)");
    static plot_wake wakes[1];
    wakes[0] = (plot_wake){.t_ns = 31000, .from_lane = 0, .to_lane = 1, .state = done};
    d.wakes = wakes;
    d.wake_count = 1;
    d.has_frame = true;
    d.frame_from_ns = 30000; /* the first group */
    d.frame_to_ns = 80000;   /* e.g. a flush that ends after the last write */
    chart_options o = options(CHART_KIND_TIMELINE);
    char *s = render(&d, &o);
    /* 30..80 µs with a 1001 ns margin: 2% before, 8% after. */
    assert_has(s, "set xrange [28.9990:84.0040]\n");
    /* An arrow from w1's lane (y 2) down to w2's (y 1), bar edge to bar
     * edge, in COMPLETED's colour. */
    char want[160];
    snprintf(want, sizeof want, "$wake << EOD\n31.0000 1.780 0 -0.560 %lu\nEOD\n",
             strtoul(state_style_table[done].color + 1, NULL, 16));
    assert_has(s, want);
    assert_has(s, "$wake using 1:2:3:4:5 with vectors head filled");
    assert_has(s, "$off_queue << EOD\n32.5000 2.000 30.0000 35.0000 1.800 2.200\nEOD\n");
    assert_has(s, "title 'GROUP_LEADER, off the write queue'");
    assert_has(s, "$aside << EOD\n29.0000 1.000\nEOD\n");
    assert_has(s, "$aside_label << EOD\n29.0000 1.000 \"aside (w1)\"\nEOD\n");
    free(s);
    d.wakes = NULL; /* static */
    plot_data_free(&d);
}
END_TEST

START_TEST(test_timeline_window)
{
    plot_data d;
    init_small_run(&d);
    add_span(&d, PLOT_SPAN_STATE, 1, state_of("GROUP_LEADER"), 45000, 50000); /* after the window */
    add_mark(&d, PLOT_MARK_ERROR, 0, 50000, "late");
    chart_options o = options(CHART_KIND_TIMELINE);
    o.has_from = o.has_to = true;
    o.from_ns = 20000;
    o.to_ns = 40000;
    char *s = render(&d, &o);
    assert_has(s, "set xrange [20.0000:40.0000]\n");
    int leader = state_of("GROUP_LEADER");
    char block[32];
    snprintf(block, sizeof block, "state_%d", leader);
    ck_assert_int_eq(block_rows(s, block), 1); /* 10..30 µs crosses in, 45..50 µs is out */
    ck_assert_int_eq(block_rows(s, "error"), 1);
    ck_assert_ptr_null(strstr(s, "late"));
    free(s);
    plot_data_free(&d);
}
END_TEST

START_TEST(test_timeline_long_run_in_ms)
{
    plot_data d;
    init_small_run(&d);
    d.active_to_ns = 30000000; /* 30 ms */
    chart_options o = options(CHART_KIND_TIMELINE);
    char *s = render(&d, &o);
    assert_has(s, "set xlabel 'virtual time (ms) since the run began");
    free(s);
    plot_data_free(&d);
}
END_TEST

START_TEST(test_title_quoted_and_svg)
{
    plot_data d;
    init_small_run(&d);
    chart_options o = options(CHART_KIND_TIMELINE);
    o.title = "it's zoomed";
    o.format = CHART_FORMAT_SVG;
    o.output = "out's.svg";
    char *s = render(&d, &o);
    assert_has(s, "set terminal svg size 1400,378 dynamic");
    ck_assert_ptr_null(strstr(s, "pngcairo"));
    assert_has(s, "set output 'out''s.svg'\n");
    assert_has(s, "set title 'it''s zoomed' font ',13'\n");
    free(s);
    plot_data_free(&d);
}
END_TEST

START_TEST(test_same_input_same_script)
{
    plot_data d;
    init_small_run(&d);
    for (int k = 0; k < CHART_KIND_COUNT; k++) {
        chart_options o = options((chart_kind)k);
        d.transitions[0][1] = 1;
        char *a = render(&d, &o), *b = render(&d, &o);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    plot_data_free(&d);
}
END_TEST

START_TEST(test_nothing_to_draw)
{
    plot_data d;
    init_two_lanes(&d);
    for (int k = 0; k < CHART_KIND_COUNT; k++) {
        chart_options o = options((chart_kind)k);
        char *script = (char *)"untouched";
        size_t len = 99;
        ck_assert_msg(!chart_script(&d, &o, &script, &len), "%s drew nothing",
                      chart_kind_name((chart_kind)k));
        ck_assert_ptr_null(script);
        ck_assert_uint_eq(len, 0);
    }
    plot_data_free(&d);
}
END_TEST

START_TEST(test_transitions)
{
    plot_data d;
    init_two_lanes(&d);
    int init = state_of("INIT"), leader = state_of("GROUP_LEADER");
    int waiting = state_of("LOCKED_WAITING"), done = state_of("COMPLETED");
    d.transitions[init][leader] = 3;
    d.transitions[init][waiting] = 5;
    d.transitions[done][init] = 1; /* not a transition the write thread makes */
    d.files = 2;
    d.runs = 2;
    chart_options o = options(CHART_KIND_TRANSITIONS);
    char *s = render(&d, &o);
    assert_has(s, "set title 'state transitions · sc · 2 runs' font ',13'\n");
    assert_has(s, "set xrange [-0.6:2.6]\n"); /* three bars */
    assert_has(s, "set ylabel 'transitions (summed over 2 runs)'\n");
    char want[128];
    snprintf(want, sizeof want, "$to_%d << EOD\n0 3 \"INIT → GROUP_LEADER\"\nEOD\n", leader);
    assert_has(s, want);
    snprintf(want, sizeof want, "$to_%d << EOD\n1 5 \"INIT → LOCKED_WAITING\"\nEOD\n", waiting);
    assert_has(s, want);
    snprintf(want, sizeof want, "$to_%d << EOD\n2 1 \"COMPLETED → INIT (ILLEGAL)\"\nEOD\n", init);
    assert_has(s, want);
    snprintf(want, sizeof want, "fc rgb '%s' title '→ GROUP_LEADER'", state_style_table[leader].color);
    assert_has(s, want);
    free(s);
    plot_data_free(&d);
}
END_TEST

START_TEST(test_groups)
{
    plot_data d;
    init_small_run(&d);
    static const int both[] = {0, 1}, one[] = {1};
    add_group(&d, 40000, false, both, 2, 200);
    add_group(&d, 50000, false, one, 1, 50);
    add_group(&d, 55000, true, both, 2, 0);
    chart_options o = options(CHART_KIND_GROUPS);
    char *s = render(&d, &o);
    assert_has(s, "set terminal pngcairo size 1400,950 ");
    assert_has(s, "set multiplot layout 3,1 title 'groups · sc · random seed 7 · serial memtable'");
    assert_has(s, "$histogram << EOD\n1 1\n2 2\nEOD\n");
    /* Groups by their order of formation (never overlapping), labelled
     * with their leader; the memtable group is the fourth. */
    assert_has(s, "$size << EOD\n1 2 \"w1\"\n2 2 \"w1\"\n3 1 \"w2\"\nEOD\n");
    assert_has(s, "$mem_size << EOD\n4 2 \"w1\"\nEOD\n");
    assert_has(s, "$bytes << EOD\n1 100 \"w1\"\n2 200 \"w1\"\n3 50 \"w2\"\nEOD\n");
    assert_has(s, "set xrange [0.3:4.7]\nset xlabel 'groups in the order they formed (label: the "
                  "leader)'");
    assert_has(s, "$size using 1:2:3 with labels rotate by 90");
    assert_has(s, "unset multiplot\n");
    free(s);
    plot_data_free(&d);
}
END_TEST

START_TEST(test_names_and_formats)
{
    for (int k = 0; k < CHART_KIND_COUNT; k++) {
        chart_kind back = CHART_KIND_COUNT;
        ck_assert(chart_kind_from_name(chart_kind_name((chart_kind)k), &back));
        ck_assert_int_eq(back, k);
    }
    ck_assert_str_eq(chart_kind_name(CHART_KIND_TIMELINE), "timeline");
    chart_kind kind = CHART_KIND_GROUPS;
    ck_assert(!chart_kind_from_name("bars", &kind));
    ck_assert_int_eq(kind, CHART_KIND_GROUPS);
    chart_format f;
    ck_assert(chart_format_from_path("a/b.svg", &f));
    ck_assert_int_eq(f, CHART_FORMAT_SVG);
    ck_assert(chart_format_from_path("B.PNG", &f));
    ck_assert_int_eq(f, CHART_FORMAT_PNG);
    ck_assert(!chart_format_from_path("b.gif", &f));
    ck_assert(!chart_format_from_path(".png", &f)); /* a name, not only an extension */
}
END_TEST

/* ------------------------------------------------------------- drawing */

/* A stand-in gnuplot in dir named name with the given body. */
static void fake_gnuplot(const char *dir, const char *name, const char *body, char *path,
                         size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, 0755), 0);
}

/* Draws the small run's timeline into dir/chart.png with `program`. */
static chart_draw_status draw_with(const char *program, const char *dir, char **said)
{
    char output[1024];
    snprintf(output, sizeof output, "%s/chart.png", dir);
    ck_assert_int_eq(setenv("WTLAB_GNUPLOT", program, 1), 0);
    plot_data d;
    init_small_run(&d);
    chart_options o = options(CHART_KIND_TIMELINE);
    o.output = output;
    char *s = render(&d, &o);
    chart_draw_status st = chart_draw(output, s, strlen(s), said);
    free(s);
    plot_data_free(&d);
    return st;
}

START_TEST(test_draw_verdicts)
{
    char dir[] = "/tmp/test_chart.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char ok[1024], warns[1024], silent[1024], stale[1024];
    /* Writes the image the script names, as gnuplot would. */
    fake_gnuplot(dir, "ok", "out=$(sed -n \"s/^set output '\\(.*\\)'$/\\1/p\")\n"
                            "printf image > \"$out\"", ok, sizeof ok);
    fake_gnuplot(dir, "warns", "cat > /dev/null\necho 'line 7: warning: no valid points' >&2",
                 warns, sizeof warns);
    fake_gnuplot(dir, "silent", "cat > /dev/null", silent, sizeof silent);
    char *said = NULL;
    ck_assert_int_eq(draw_with(ok, dir, &said), CHART_DRAWN);
    free(said);
    ck_assert_int_eq(draw_with(warns, dir, &said), CHART_GNUPLOT_FAILED);
    ck_assert_ptr_nonnull(said);
    ck_assert_ptr_nonnull(strstr(said, "warning: no valid points"));
    free(said);
    /* The image drawn by "ok" is still there: it must not pass for a new one. */
    snprintf(stale, sizeof stale, "%s/chart.png", dir);
    ck_assert_int_eq(draw_with(silent, dir, &said), CHART_NOTHING_WRITTEN);
    ck_assert_int_ne(access(stale, F_OK), 0);
    free(said);
    char missing[1024];
    snprintf(missing, sizeof missing, "%s/no-such-gnuplot", dir);
    ck_assert_int_eq(draw_with(missing, dir, &said), CHART_GNUPLOT_MISSING);
    free(said);
    unlink(ok);
    unlink(warns);
    unlink(silent);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *chart_suite(void)
{
    Suite *s = suite_create("chart");
    TCase *script = tcase_create("script");
    tcase_add_test(script, test_timeline_lanes_states_groups_errors);
    tcase_add_test(script, test_timeline_window);
    tcase_add_test(script, test_timeline_wakes_off_queue_aside_frame);
    tcase_add_test(script, test_timeline_long_run_in_ms);
    tcase_add_test(script, test_title_quoted_and_svg);
    tcase_add_test(script, test_same_input_same_script);
    tcase_add_test(script, test_nothing_to_draw);
    tcase_add_test(script, test_transitions);
    tcase_add_test(script, test_groups);
    tcase_add_test(script, test_names_and_formats);
    suite_add_tcase(s, script);
    TCase *draw = tcase_create("draw");
    tcase_add_test(draw, test_draw_verdicts);
    suite_add_tcase(s, draw);
    return s;
}

int main(void)
{
    return wt_run_suite(chart_suite());
}
