/*
 * cmd_calibrate.c — `wtlab calibrate REAL_TRACE... -o PROFILE.json`: the
 * sim's timing model fitted to real traces (calibrate.h), written as a
 * device profile that scenarios load with "device": {"profile": ...}.
 *
 * Prints every figure with its spread and sample count.  Exit status: 0
 * written; 2 usage, an unreadable or bad trace, a sim trace, or a profile
 * that cannot be written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "cli.h"

static const char usage[] =
    "usage: wtlab calibrate REAL_TRACE... -o PROFILE.json [--steps-from SIM_TRACE]\n"
    "                       [--cores N]\n"
    "  Fits the sim's timing model (WAL append and sync, memtable insert, wake-up\n"
    "  latency and cost, also by the state a writer is set to, think time, the\n"
    "  share of waits that spun descheduled and how long) to traces of\n"
    "  wtdb --trace / wtbench --trace and writes it as a device profile\n"
    "  (scenarios/README.md, \"device profiles\").\n"
    "  --steps-from: a sim trace of the same workload; its scheduling steps per spin\n"
    "  phase give schedule.tick_ns (the sim's CPU time per step).\n"
    "  --cores N: the recording machine's cores, for the profile's CPU model (\"cpu\");\n"
    "  default: this machine's online CPUs (the trace does not record them); 0: no\n"
    "  CPU model.\n";

/* "N" in 0..SCHED_MAX_CORES into *out. */
static bool parse_cores(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > SCHED_MAX_CORES) return false;
    *out = (uint32_t)v;
    return true;
}

int cmd_calibrate(int argc, char **argv)
{
    const char *out_path = NULL, *steps_from = NULL, *cores_from = "--cores";
    uint32_t cores = 0;
    bool cores_given = false;
    const char *inputs[256];
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc) return cli_usage_error("calibrate: -o needs a file\n%s", usage);
            out_path = argv[++i];
        } else if (strcmp(argv[i], "--steps-from") == 0) {
            if (i + 1 >= argc) return cli_usage_error("calibrate: --steps-from needs a sim trace");
            steps_from = argv[++i];
        } else if (strcmp(argv[i], "--cores") == 0) {
            if (i + 1 >= argc || !parse_cores(argv[i + 1], &cores))
                return cli_usage_error("calibrate: --cores needs a number 0..%d", SCHED_MAX_CORES);
            cores_given = true;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("calibrate: unknown option %s\n%s", argv[i], usage);
        } else if (n == sizeof inputs / sizeof inputs[0]) {
            return cli_usage_error("calibrate: at most %zu traces", n);
        } else {
            inputs[n++] = argv[i];
        }
    }
    if (n == 0) return cli_usage_error("calibrate: no trace given\n%s", usage);
    if (out_path == NULL) return cli_usage_error("calibrate: -o PROFILE.json is required\n%s", usage);
    trace_stats st;
    memset(&st, 0, sizeof st);
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        if (!trace_stats_add(inputs[i], &st, err, sizeof err)) {
            trace_stats_free(&st);
            return cli_usage_error("%s", err);
        }
        if (!st.real) {
            trace_stats_free(&st);
            return cli_usage_error("%s: a sim trace: calibrate reads real traces (wtdb --trace, "
                                   "wtbench --trace)", inputs[i]);
        }
    }
    if (st.writes == 0) {
        trace_stats_free(&st);
        return cli_usage_error("calibrate: no writes in the trace%s", n > 1 ? "s" : "");
    }
    trace_stats sim;
    memset(&sim, 0, sizeof sim);
    if (steps_from != NULL) {
        bool ok = trace_stats_add(steps_from, &sim, err, sizeof err);
        if (ok && sim.real)
            snprintf(err, sizeof err, "%s: a real trace: --steps-from needs a sim trace", steps_from);
        if (!ok || sim.real) {
            trace_stats_free(&st);
            trace_stats_free(&sim);
            return cli_usage_error("%s", err);
        }
    }
    calibration c;
    calibrate_fit(&st, steps_from != NULL ? &sim : NULL, &c);
    if (!cores_given) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        cores = online > 0 && online <= SCHED_MAX_CORES ? (uint32_t)online : 0;
        cores_from = "this machine's online CPUs: pass --cores N if the trace was recorded "
                     "elsewhere";
    }
    calibrate_set_cpu(&c, &st, cores, cores_from);
    trace_stats_free(&sim);
    printf("calibrate: %zu trace%s, %llu writes, %llu groups\n", n, n > 1 ? "s" : "",
           (unsigned long long)st.writes, (unsigned long long)st.groups);
    calibrate_print(stdout, &st, &c);
    FILE *f = strcmp(out_path, "-") == 0 ? stdout : fopen(out_path, "w");
    if (f == NULL) {
        trace_stats_free(&st);
        return cli_usage_error("%s: cannot create", out_path);
    }
    calibrate_write_profile(f, &st, &c);
    bool bad = ferror(f) != 0;
    if (f != stdout && fclose(f) != 0) bad = true;
    trace_stats_free(&st);
    if (bad) return cli_usage_error("%s: cannot write", out_path);
    if (f != stdout) printf("profile   %s\n", out_path);
    return EXIT_OK;
}
