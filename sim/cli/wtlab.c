/*
 * wtlab.c — the `wtlab` command: run, replay, diff, explore, minimize,
 * plot, calibrate, compare, lesson.  Each subcommand lives in its own cmd_*.c file; this file
 * dispatches and holds the helpers they share (cli.h).
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const cli_command commands[] = {
    {"run", "run a scenario once; print a summary and write its trace", cmd_run},
    {"replay", "re-execute a trace, check it matches, print it as a timeline", cmd_replay},
    {"diff", "the first point where two traces of one scenario diverge", cmd_diff},
    {"explore", "run many schedules (random, pct, pos, dfs, dpor) and save failures", cmd_explore},
    {"minimize", "shrink a failing trace while it fails the same way", cmd_minimize},
    {"explain", "why a failing run failed: columns per thread, in RocksDB's terms", cmd_explain},
    {"plot", "draw a chart of a trace with gnuplot", cmd_plot},
    {"calibrate", "fit the sim's timing model to real traces: a device profile", cmd_calibrate},
    {"compare", "a real and a sim trace side by side: groups, rates, states", cmd_compare},
    {"lesson", "run a lesson: scenario, trace and chart", cmd_lesson},
    {"view", "write a self-contained HTML page to step through traces in a browser", cmd_view},
    {"step", "be the scheduler: pick who moves at each decision (undo, goals, save)", cmd_step},
    {"crash-sweep", "crash at every file operation in every write mode, check recovery", cmd_crash_sweep},
};

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) return &commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fputs("usage: wtlab COMMAND [ARGS]   (wtlab COMMAND --help for details)\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  help CMD    the usage of one command (the same as wtlab CMD --help)\n"
          "  --version   the version, build id and data directory\n"
          "\nexit status: 0 ok, 1 a check failed (invariant, expectation, divergence),\n"
          "             2 usage or bad input\n"
          "environment: WTLAB_DATA  the data directory (scenarios/, scenarios/lessons/,\n"
          "             plots/); default: share/wtlab of the installation\n", out);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("wtlab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s == NULL || *s == '\0' || *s == '-') return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = v;
    return true;
}

scenario *cli_load_scenario(const char *path)
{
    scenario_error err;
    scenario *sc = scenario_load_file(path, &err);
    if (sc == NULL) fprintf(stderr, "wtlab: %s\n", err.text);
    return sc;
}

bool cli_make_parent_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return false;
        *p = '/';
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("wtlab %s\nbuild %s\ndata  %s\n", WTLAB_VERSION, run_build_id(), cli_data_dir());
        return EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc == 2) {
            usage(stdout);
            return EXIT_OK;
        }
        const cli_command *c = find_command(argv[2]);
        if (c == NULL || argc > 3) {
            fprintf(stderr, "wtlab: help: %s\n", c == NULL ? "no such command" : "one command at a time");
            usage(stderr);
            return EXIT_USAGE;
        }
        char *args[] = {argv[2], "--help", NULL};
        return c->main(2, args);
    }
    const cli_command *c = find_command(argv[1]);
    if (c != NULL) return c->main(argc - 1, argv + 1);
    fprintf(stderr, "wtlab: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
