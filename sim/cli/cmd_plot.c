/*
 * cmd_plot.c — `wtlab plot TRACE... -o FILE.png|FILE.svg`: charts of traces
 * drawn by the external gnuplot program.
 *
 * This file parses the arguments, reads the traces into a plot_data
 * (plot.h), has the chart module render and draw it (chart.h) and prints
 * the result.  cli_draw_chart is shared with `wtlab lesson`.
 *
 * Any output from gnuplot is a warning or an error, and fails the command
 * (exit 1) with gnuplot's words.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "plot.h"

enum { PLOT_MAX_FILES = 100000 /* traces on one command line */ };

typedef struct plot_args {
    char **files;
    size_t file_count;
    const char *script_path; /* --script: also write the gnuplot script here */
    chart_options chart;
} plot_args;

static void plot_usage(FILE *out)
{
    fputs("usage: wtlab plot TRACE... -o FILE.png|FILE.svg [--kind timeline|transitions|groups]\n"
          "                 [--title T] [--from-ns A] [--to-ns B] [--script FILE.gp]\n"
          "Draws traces with gnuplot (the terminal follows the extension: pngcairo or svg).\n"
          "  timeline     (default) one lane per writer over virtual time: writer states in\n"
          "               their fixed colours, WAL sync above and memtable inserts below each\n"
          "               lane, groups on the leader's lane, stalls shaded, errors in red.\n"
          "               Takes one trace.\n"
          "  transitions  counts of every state transition from -> to, summed over all\n"
          "               traces and exploration summaries given.\n"
          "  groups       group size and bytes over time, and a histogram of group sizes,\n"
          "               over all traces given.  A real and a sim trace side by side (two\n"
          "               panels, the same axes): wtlab compare REAL SIM -o FILE.png.\n"
          "--from-ns/--to-ns keep only that window of virtual time; --script also writes\n"
          "the gnuplot script.  $WTLAB_GNUPLOT names another gnuplot program.\n"
          "exit status: 0 drawn, 1 gnuplot warned or failed, 2 bad input or no gnuplot\n", out);
}

/* Checks what getopt left: files, an output with a known extension, a
 * window that is not empty, and one trace for a timeline. */
static int check_plot_args(plot_args *a, int argc, char **argv)
{
    chart_options *c = &a->chart;
    a->files = argv + optind;
    a->file_count = (size_t)(argc - optind);
    if (a->file_count == 0 || c->output == NULL) {
        plot_usage(stderr);
        return EXIT_USAGE;
    }
    if (a->file_count > PLOT_MAX_FILES)
        return cli_usage_error("plot: more than %d files", PLOT_MAX_FILES);
    if (!chart_format_from_path(c->output, &c->format))
        return cli_usage_error("plot: -o %s: the output must end in .png or .svg", c->output);
    if (c->has_from && c->has_to && c->from_ns >= c->to_ns)
        return cli_usage_error("plot: --from-ns must be below --to-ns");
    if (c->kind == CHART_KIND_TIMELINE && a->file_count > 1)
        return cli_usage_error("plot: a timeline draws one trace (got %zu); "
                               "use --kind transitions or groups for several", a->file_count);
    return EXIT_OK;
}

static int parse_plot_args(int argc, char **argv, plot_args *a)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"kind", required_argument, 0, 'k'},
        {"title", required_argument, 0, 't'},  {"from-ns", required_argument, 0, 'f'},
        {"to-ns", required_argument, 0, 'u'},  {"script", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    chart_options *c = &a->chart;
    int o, rc = EXIT_OK;
    optind = 1;
    while (rc == EXIT_OK && (o = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (o) {
        case 'o': c->output = optarg; break;
        case 'k':
            if (!chart_kind_from_name(optarg, &c->kind))
                rc = cli_usage_error("plot: unknown --kind '%s' (timeline, transitions, groups)",
                                     optarg);
            break;
        case 't': c->title = optarg; break;
        case 's': a->script_path = optarg; break;
        case 'f':
            c->has_from = cli_parse_u64(optarg, &c->from_ns);
            if (!c->has_from) rc = cli_usage_error("plot: bad --from-ns '%s'", optarg);
            break;
        case 'u':
            c->has_to = cli_parse_u64(optarg, &c->to_ns);
            if (!c->has_to) rc = cli_usage_error("plot: bad --to-ns '%s'", optarg);
            break;
        case 'h': plot_usage(stdout); return -1;
        default: plot_usage(stderr); return EXIT_USAGE;
        }
    }
    return rc == EXIT_OK ? check_plot_args(a, argc, argv) : rc;
}

static int load_files(plot_data *d, const plot_args *a)
{
    char err[1024];
    for (size_t i = 0; i < a->file_count; i++) {
        if (!plot_load(d, a->files[i], err, sizeof err)) {
            fprintf(stderr, "wtlab: %s\n", err);
            return EXIT_USAGE;
        }
    }
    if (a->chart.kind != CHART_KIND_TRANSITIONS && !d->has_timeline)
        return cli_usage_error("plot: %s: an exploration summary has no timeline or groups; "
                               "use --kind transitions", a->files[0]);
    return EXIT_OK;
}

static int save_script(const char *path, const char *script, size_t len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (f == NULL) return cli_usage_error("plot: cannot write the script to %s", path);
    bool ok = fwrite(script, 1, len, f) == len;
    if (f != stdout) ok = fclose(f) == 0 && ok;
    return ok ? EXIT_OK : cli_usage_error("plot: writing %s failed", path);
}

/* Runs gnuplot; any word from it fails the plot. */
static int draw(const char *output, const char *script, size_t len)
{
    if (!cli_make_parent_dirs(output))
        return cli_usage_error("plot: cannot create the directory of %s", output);
    char *said = NULL;
    chart_draw_status st = chart_draw(output, script, len, &said);
    int rc = EXIT_OK;
    switch (st) {
    case CHART_DRAWN: break;
    case CHART_GNUPLOT_MISSING:
        rc = cli_usage_error("gnuplot not found: install gnuplot-nox");
        break;
    case CHART_GNUPLOT_FAILED:
        fprintf(stderr, "wtlab: plot: gnuplot reported a problem drawing %s:\n%s%s", output,
                said ? said : "", said && said[0] && said[strlen(said) - 1] == '\n' ? "" : "\n");
        rc = EXIT_CHECK_FAILED;
        break;
    case CHART_NOTHING_WRITTEN:
        fprintf(stderr, "wtlab: plot: gnuplot wrote nothing to %s\n", output);
        rc = EXIT_CHECK_FAILED;
        break;
    }
    free(said);
    return rc;
}

int cli_draw_chart(const plot_data *d, const chart_options *o, const char *script_path,
                   size_t file_count)
{
    char *script = NULL;
    size_t len = 0;
    int rc = EXIT_OK;
    if (!chart_script(d, o, &script, &len))
        rc = cli_usage_error("plot: nothing to draw as a %s%s", chart_kind_name(o->kind),
                             o->has_from || o->has_to ? " in that time window" : "");
    if (rc == EXIT_OK && script_path != NULL) rc = save_script(script_path, script, len);
    if (rc == EXIT_OK) rc = draw(o->output, script, len);
    if (rc == EXIT_OK)
        printf("plot      %s (%s of %zu file%s)\n", o->output, chart_kind_name(o->kind), file_count,
               file_count == 1 ? "" : "s");
    free(script);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    plot_args a;
    int rc = parse_plot_args(argc, argv, &a);
    if (rc != EXIT_OK) return rc < 0 ? EXIT_OK : rc;
    plot_data *d = malloc(sizeof *d);
    assert(d != NULL);
    const chart_options *c = &a.chart;
    plot_data_init(d, c->has_from ? c->from_ns : 0, c->has_to ? c->to_ns : UINT64_MAX);
    rc = load_files(d, &a);
    if (rc == EXIT_OK) rc = cli_draw_chart(d, c, a.script_path, a.file_count);
    plot_data_free(d);
    free(d);
    return rc;
}
