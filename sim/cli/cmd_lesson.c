/*
 * cmd_lesson.c — `wtlab lesson NAME`: run a lesson's scenario, write its
 * trace and its timeline chart, and say where they are and which page
 * explains them.  `wtlab lesson --all -o DIR` does every lesson (the
 * charts of the lesson series, in one command); `wtlab lesson --list`
 * names them.
 *
 * A lesson is run through the lab's run API (run.h) with the trace going
 * to a file, then drawn through the chart API (chart.h, shared with
 * `wtlab plot` as cli_draw_chart); the output is what `wtlab run` and
 * `wtlab plot` print.
 *
 * Lessons live in scenarios/lessons/ of wtlab's data directory
 * (cli_data_dir: $WTLAB_DATA, the source tree for a build directory's
 * wtlab, else the installed share/wtlab) as NN-name.json (the scenario)
 * and NN-name.md (what to watch, questions, exercises), with optional
 * extras/NN-name.json (chart window, zooms, exercises: lesson_extra.h)
 * and model answers in answers/.
 *
 * `wtlab lesson NAME --check FILE [--exercise K]` runs the learner's
 * answer (a scenario; or a trace, replayed as recorded) with exercise K's
 * expectations in place of its own: exit 0 done, 1 not yet (with what
 * failed and the exercise's hint), 2 bad input.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart.h"
#include "cli.h"
#include "lesson_extra.h"
#include "loaded_trace.h"
#include "plot.h"
#include "run.h"

enum { MAX_LESSONS = 64 };

static const char *lessons_dir(void)
{
    static char dir[2048]; /* room left in run_lesson's paths for a name */
    if (dir[0] == '\0') snprintf(dir, sizeof dir, "%s/scenarios/lessons", cli_data_dir());
    return dir;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lesson names (without .json), sorted; returns how many. */
static size_t list_lessons(char **names, size_t cap)
{
    DIR *d = opendir(lessons_dir());
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL && n < cap;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = strndup(e->d_name, len - 5);
    }
    if (d) closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    return n;
}

/* "02", "group-commit" or "02-group-commit" -> the full lesson name. */
static char *find_lesson(const char *want)
{
    char *names[MAX_LESSONS];
    size_t n = list_lessons(names, MAX_LESSONS);
    char *found = NULL;
    size_t wl = strlen(want);
    for (size_t i = 0; i < n; i++) {
        const char *dash = strchr(names[i], '-');
        bool match = strcmp(names[i], want) == 0 ||
                     (dash && strcmp(dash + 1, want) == 0) ||
                     (dash && (size_t)(dash - names[i]) == wl && strncmp(names[i], want, wl) == 0);
        if (match && found == NULL) found = strdup(names[i]);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    return found;
}

/* Runs the lesson's scenario as `wtlab run` does by default (its own
 * policy and seed) and writes the trace.  The run's summary is printed
 * when verbose or when the lesson did not run as its scenario expects. */
static int run_into_trace(const char *scenario_path, const char *trace, bool verbose)
{
    scenario *sc = cli_load_scenario(scenario_path);
    if (sc == NULL) return EXIT_USAGE;
    FILE *f = cli_make_parent_dirs(trace) ? fopen(trace, "w") : NULL;
    if (f == NULL) {
        scenario_free(sc);
        return cli_usage_error("cannot write the trace to %s", trace);
    }
    run_config cfg;
    run_config_default(&cfg, sc);
    cfg.trace = trace_sink_file(f);
    run_result r;
    run_scenario(&cfg, &r);
    size_t lines = trace_sink_lines(cfg.trace);
    trace_sink_free(cfg.trace);
    bool write_ok = fclose(f) == 0;
    if (verbose || !r.passed) {
        cli_print_run(stdout, sc, &cfg, &r);
        printf("trace     %s (%zu lines)\n", trace, lines);
    }
    int rc = !write_ok ? cli_usage_error("writing %s failed", trace)
                       : r.passed ? EXIT_OK : EXIT_CHECK_FAILED;
    run_result_free(&r);
    scenario_free(sc);
    return rc;
}

/* Draws the trace's timeline into chart (a PNG), framed by w if given. */
static int draw_timeline(const char *trace, const char *chart, const lesson_window *w)
{
    plot_data *d = malloc(sizeof *d);
    assert(d != NULL);
    plot_data_init(d, 0, UINT64_MAX);
    char err[1024];
    int rc = EXIT_OK;
    if (!plot_load(d, trace, err, sizeof err)) {
        fprintf(stderr, "wtlab: %s\n", err);
        rc = EXIT_USAGE;
    }
    chart_options o = {.kind = CHART_KIND_TIMELINE, .format = CHART_FORMAT_PNG, .output = chart};
    if (w != NULL) {
        o.has_from = o.has_to = true;
        o.from_ns = w->from_ns;
        o.to_ns = w->to_ns;
    }
    if (rc == EXIT_OK) rc = cli_draw_chart(d, &o, NULL, 1);
    plot_data_free(d);
    free(d);
    return rc;
}

/* The lesson's extras (an empty set when it has none); EXIT_USAGE if
 * the file is malformed. */
static int load_extra(const char *name, lesson_extra *x)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/extras/%s.json", lessons_dir(), name);
    if (lesson_extra_load(path, x, err, sizeof err)) return EXIT_OK;
    return cli_usage_error("%s", err);
}

/* Runs one lesson into dir: DIR/NAME.jsonl, DIR/NAME.png and a
 * DIR/NAME-ZOOM.png per zoom. */
static int run_lesson(const char *name, const char *dir, bool verbose)
{
    char scenario_path[4096], trace[4096], chart[4096];
    lesson_extra x;
    int rc = load_extra(name, &x);
    if (rc != EXIT_OK) return rc;
    snprintf(scenario_path, sizeof scenario_path, "%s/%s.json", lessons_dir(), name);
    snprintf(trace, sizeof trace, "%s/%s.jsonl", dir, name);
    snprintf(chart, sizeof chart, "%s/%s.png", dir, name);
    rc = run_into_trace(scenario_path, trace, verbose);
    if (rc == EXIT_OK) rc = draw_timeline(trace, chart, x.has_window ? &x.window : NULL);
    for (size_t i = 0; rc == EXIT_OK && i < x.zoom_count; i++) {
        char zoom[4096];
        snprintf(zoom, sizeof zoom, "%s/%s-%s.png", dir, name, x.zooms[i].name);
        rc = draw_timeline(trace, zoom, &x.zooms[i]);
    }
    if (rc == EXIT_OK && verbose) {
        printf("\nlesson    %s\n  page    %s/%s.md (what to watch, questions)\n  trace   %s\n"
               "  chart   %s\n",
               name, lessons_dir(), name, trace, chart);
        for (size_t i = 0; i < x.zoom_count; i++)
            printf("  zoom    %s/%s-%s.png\n", dir, name, x.zooms[i].name);
        printf("  next    wtlab replay --text %s   (the run, event by event)\n", trace);
        for (size_t i = 0; i < x.exercise_count; i++)
            printf("  exercise %zu: %s\n           check: wtlab lesson %s --check FILE --exercise %zu\n",
                   i + 1, x.exercises[i].task, name, i + 1);
    }
    lesson_extra_free(&x);
    return rc;
}

static bool is_trace_path(const char *path)
{
    size_t n = strlen(path);
    return n > 6 && strcmp(path + n - 6, ".jsonl") == 0;
}

/* The learner's answer with the exercise's expectations, run (a trace is
 * replayed as recorded); prints the verdict. */
static int check_answer(const char *name, const lesson_exercise *ex, size_t k, const char *path)
{
    loaded_trace t;
    bool trace = is_trace_path(path);
    scenario *learner = NULL;
    if (trace ? !loaded_trace_open(path, &t) : (learner = cli_load_scenario(path)) == NULL)
        return EXIT_USAGE;
    const scenario *base = trace ? t.sc : learner;
    char err[1024];
    char *text = lesson_replace_expect(path, base->text, ex->expect_json, err, sizeof err);
    scenario_error serr;
    scenario *sc = text ? scenario_load_text(path, text, &serr) : NULL;
    int rc = EXIT_OK;
    if (text == NULL) rc = cli_usage_error("%s", err);
    else if (sc == NULL)
        rc = cli_usage_error("%s: with exercise %zu's expectations: %s", path, k, serr.text);
    if (rc == EXIT_OK) {
        run_config cfg;
        if (trace) loaded_trace_config(&t, &cfg);
        else run_config_default(&cfg, sc);
        cfg.sc = sc;
        cfg.trace = NULL;
        run_result r;
        if (!run_scenario(&cfg, &r)) {
            rc = cli_usage_error("%s: the run could not be set up", path);
        } else {
            printf("lesson    %s, exercise %zu: %s\n", name, k, ex->task);
            char why[2048];
            bool counts = lesson_exercise_counts_ok(ex, (const uint64_t(*)[WT_STATE_COUNT])r.transitions,
                                                    r.states_visited, why, sizeof why);
            if (r.passed && counts) {
                printf("verdict   done: %s does it\n", path);
            } else {
                printf("verdict   not yet: %s does not do it\n", path);
                if (r.expectations[0]) printf("missing   %s", r.expectations);
                if (r.expectations[0] && r.expectations[strlen(r.expectations) - 1] != '\n')
                    putchar('\n');
                if (!counts) printf("missing   %s", why);
                if (r.failed_invariant)
                    printf("run       ended with %s: %s\n", r.failed_invariant, r.detail);
                printf("hint      %s\n", ex->hint);
                rc = EXIT_CHECK_FAILED;
            }
            run_result_free(&r);
        }
    }
    scenario_free(sc);
    free(text);
    if (trace) loaded_trace_free(&t);
    else scenario_free(learner);
    return rc;
}

static int check_lesson(const char *want, const char *path, long exercise)
{
    char *name = find_lesson(want);
    if (name == NULL) return cli_usage_error("no lesson '%s' (wtlab lesson --list)", want);
    lesson_extra x;
    int rc = load_extra(name, &x);
    if (rc == EXIT_OK && x.exercise_count == 0)
        rc = cli_usage_error("lesson %s has no exercises", name);
    else if (rc == EXIT_OK && (exercise < 1 || (size_t)exercise > x.exercise_count))
        rc = cli_usage_error("lesson %s has exercises 1 to %zu, not %ld", name, x.exercise_count,
                             exercise);
    if (rc == EXIT_OK) rc = check_answer(name, &x.exercises[exercise - 1], (size_t)exercise, path);
    lesson_extra_free(&x);
    free(name);
    return rc;
}

static void lesson_usage(FILE *out)
{
    fputs("usage: wtlab lesson NAME [-o DIR]     run one lesson (NAME: 02, group-commit or\n"
          "                                      02-group-commit); default DIR: wtlab-out/lessons\n"
          "       wtlab lesson --all [-o DIR]    every lesson: traces and charts\n"
          "       wtlab lesson --list            the lessons\n"
          "       wtlab lesson NAME --check FILE [--exercise K]\n"
          "                                      does FILE (a scenario, or a .jsonl trace, replayed)\n"
          "                                      do exercise K (default 1) of the lesson's page?\n"
          "exit status: 0 the lesson ran as its scenario expects (--check: the answer does the\n"
          "             exercise), 1 it did not (with a hint), 2 bad input\n"
          "lessons: DATA/scenarios/lessons, DATA as `wtlab --version` names it ($WTLAB_DATA,\n"
          "         the installed share/wtlab, or the source tree of a build directory)\n",
          out);
}

int cmd_lesson(int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, 0, 'a'}, {"list", no_argument, 0, 'l'},
                                         {"output", required_argument, 0, 'o'},
                                         {"check", required_argument, 0, 'c'},
                                         {"exercise", required_argument, 0, 'e'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bool all = false, list = false;
    const char *dir = "wtlab-out/lessons", *check = NULL;
    long exercise = 1;
    bool exercise_given = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "alo:h", opts, NULL)) != -1) {
        if (o == 'c') check = optarg;
        else if (o == 'e') {
            char *end;
            exercise = strtol(optarg, &end, 10);
            exercise_given = true;
            if (*optarg == '\0' || *end != '\0' || exercise < 1 || exercise > 99)
                return cli_usage_error("--exercise: expected a number from 1, got '%s'", optarg);
        } else if (o == 'a') all = true;
        else if (o == 'l') list = true;
        else if (o == 'o') dir = optarg;
        else if (o == 'h') { lesson_usage(stdout); return EXIT_OK; }
        else { lesson_usage(stderr); return EXIT_USAGE; }
    }
    if (check == NULL && exercise_given) return cli_usage_error("--exercise goes with --check FILE");
    if (check != NULL) {
        if (all || list || optind != argc - 1) {
            lesson_usage(stderr);
            return EXIT_USAGE;
        }
        return check_lesson(argv[optind], check, exercise);
    }
    char *names[MAX_LESSONS];
    size_t n = list_lessons(names, MAX_LESSONS);
    int rc = EXIT_OK;
    if (n == 0) {
        rc = cli_usage_error("no lessons found in %s (set WTLAB_DATA)", lessons_dir());
    } else if (list) {
        for (size_t i = 0; i < n; i++) puts(names[i]);
    } else {
        char probe[4096];
        snprintf(probe, sizeof probe, "%s/", dir);
        if (!cli_make_parent_dirs(probe)) {
            rc = cli_usage_error("cannot create %s", dir);
        } else if (all) {
            for (size_t i = 0; i < n; i++) {
                int r = run_lesson(names[i], dir, false);
                printf("%-4s %s\n", r == EXIT_OK ? "ok" : "FAIL", names[i]);
                if (r != EXIT_OK && rc != EXIT_USAGE) rc = r;
            }
        } else if (optind != argc - 1) {
            lesson_usage(stderr);
            rc = EXIT_USAGE;
        } else {
            char *name = find_lesson(argv[optind]);
            rc = name ? run_lesson(name, dir, true)
                      : cli_usage_error("no lesson '%s' (wtlab lesson --list)", argv[optind]);
            free(name);
        }
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    return rc;
}
