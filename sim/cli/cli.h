/*
 * cli.h — shared pieces of the `wtlab` command: exit codes, option
 * parsing helpers, loading a scenario with a clear error, printing a run.
 *
 * Exit codes (every subcommand): 0 ok; 1 a check failed (an invariant or
 * expectation, a replay divergence, a bug found); 2 usage or bad input.
 */
#ifndef WT_SIM_CLI_H
#define WT_SIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chart.h"
#include "plot.h"
#include "policy.h" /* policy names: policy_name, policy_parse, ... */
#include "run.h"
#include "scenario.h"

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv);
} cli_command;

int cmd_run(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_step(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_minimize(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_lesson(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_crash_sweep(int argc, char **argv);

/* Prints "wtlab: " + message to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool cli_parse_u64(const char *s, uint64_t *out);

/* Loads a scenario or prints FILE:LINE:COL: PATH: message and returns NULL. */
scenario *cli_load_scenario(const char *path);

/* The directory of wtlab's data (scenarios/, scenarios/lessons/, plots/):
 * $WTLAB_DATA, the source tree for a build directory's binary, else the
 * installed share/wtlab.  Never NULL; the directory may not exist.
 * (data_dir.c) */
const char *cli_data_dir(void);

/* Creates the directories leading to path (like mkdir -p of its dirname). */
bool cli_make_parent_dirs(const char *path);

/* The short human summary of a run (what `wtlab run` prints). */
void cli_print_run(FILE *out, const scenario *sc, const run_config *cfg, const run_result *r);

/* Renders d as o says and draws it with gnuplot into o->output (creating
 * its directory), first saving the script to script_path if not NULL
 * ("-": stdout).  Prints "plot      OUTPUT (KIND of N files)" when drawn,
 * else the reason to stderr.  Returns EXIT_OK, EXIT_CHECK_FAILED (gnuplot
 * warned, failed or wrote nothing) or EXIT_USAGE (nothing to draw, no
 * gnuplot, a file that cannot be written).  (cmd_plot.c) */
int cli_draw_chart(const plot_data *d, const chart_options *o, const char *script_path,
                   size_t file_count);

/* explore --merge DIR... (cmd_explore_merge.c): argv are the DIRs. */
/* explore_write_report: DIR/report.txt of shard shard_i of shard_n of a
 * sweep of c (its scenario and the hash of its text, the build, policy,
 * order and the settings that shape the search) with totals st. */
struct explore_stats;
struct explore_config;
void explore_write_report(const char *dir, const struct explore_config *c,
                          const struct explore_stats *st, uint64_t shard_i, uint64_t shard_n);
int explore_merge(int argc, char **argv, bool json);

#endif
