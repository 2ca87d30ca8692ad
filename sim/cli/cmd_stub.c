/* cmd_stub.c — subcommands not written yet (temporary). */
#include "cli.h"

int cmd_lesson(int argc, char **argv) { (void)argc, (void)argv; return cli_usage_error("lesson: not available yet"); }
