/* cmd_stub.c — subcommands not written yet (temporary). */
#include "cli.h"

int cmd_explore(int argc, char **argv) { (void)argc, (void)argv; return cli_usage_error("explore: not available yet"); }
int cmd_minimize(int argc, char **argv) { (void)argc, (void)argv; return cli_usage_error("minimize: not available yet"); }
int cmd_plot(int argc, char **argv) { (void)argc, (void)argv; return cli_usage_error("plot: not available yet"); }
int cmd_lesson(int argc, char **argv) { (void)argc, (void)argv; return cli_usage_error("lesson: not available yet"); }
