/*
 * cmd_run.c — `wtlab run SCENARIO`: one execution, a summary, a trace.
 *
 * The run happens in a child process whose trace is flushed line by line:
 * if the run crashes (a signal, a sanitizer's report), this process
 * completes the trace with the crash (supervise.h) and reports a failed
 * run instead of dying with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "export_db.h"
#include "supervise.h"
#include "trace_reader.h"
#include "write_thread.h"

static void run_usage(FILE *out)
{
    fputs("usage: wtlab run SCENARIO [--seed N] [--policy random|pct|fifo|explicit]\n"
          "                 [--pct-depth D] [--pct-steps K] [--max-steps N] [-o TRACE] [--quiet]\n"
          "                 [--export-db DIR]\n"
          "Runs the scenario once under the deterministic scheduler, checks the\n"
          "invariants and the scenario's expectations, prints a summary and writes\n"
          "the trace (default: wtlab-out/NAME-seedN.jsonl).  The same scenario, seed\n"
          "and build always give the same trace, byte for byte.\n"
          "--export-db DIR copies the simulated DB's files (WAL, tables, MANIFEST,\n"
          "CURRENT) as they are at the end into DIR (absent or empty), for\n"
          "`wtdb --db DIR scan`, `wtdb dump-wal` and RocksDB's `ldb dump_wal`.\n"
          "A run whose process dies (signal, sanitizer report) fails as \"crashed\".\n"
          "exit status: 0 passed, 1 an invariant or expectation failed, 2 bad input\n", out);
}

void cli_print_run(FILE *out, const scenario *sc, const run_config *cfg, const run_result *r)
{
    fprintf(out, "scenario  %s%s%s%s\n", sc->name, sc->path ? " (" : "", sc->path ? sc->path : "",
            sc->path ? ")" : "");
    fprintf(out, "schedule  %s, seed %llu: %s after %llu steps, %llu decisions, %.3f ms virtual\n",
            policy_name(cfg->policy), (unsigned long long)cfg->seed, sched_outcome_name(r->outcome),
            (unsigned long long)r->steps, (unsigned long long)r->decisions,
            (double)r->virtual_ns / 1e6);
    fprintf(out, "groups    %llu formed, largest %llu; %llu WAL syncs\n",
            (unsigned long long)r->groups, (unsigned long long)r->max_group,
            (unsigned long long)r->wal_syncs);
    fputs("states    ", out);
    for (int i = 0; i < WT_STATE_COUNT; i++)
        if (r->states_visited & wt_state_table[i].bit) fprintf(out, "%s ", wt_state_table[i].name);
    fputc('\n', out);
    if (r->held) fprintf(out, "pins      %llu hold(s) applied\n", (unsigned long long)r->held);
    if (r->failed_invariant)
        fprintf(out, "invariant %s (step %llu)\n  %s\n", r->failed_invariant,
                (unsigned long long)r->violation_step, r->detail);
    else
        fputs("invariant all hold\n", out);
    if (r->expectations[0]) {
        fputs("expected  FAILED:\n", out);
        const char *p = r->expectations;
        while (*p) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            fprintf(out, "  %.*s\n", len, p);
            p += len + (nl != NULL);
        }
    } else if (sc->expect.deadlock || sc->expect.failed_invariant) {
        fprintf(out, "expected  the run to fail with %s\n",
                sc->expect.deadlock ? "a deadlock" : sc->expect.failed_invariant);
    } else if (!r->expectations_checked) {
        fputs("expected  not checked: the run ended before its expectations could be\n"
              "          checked (see the invariant above)\n", out);
    } else {
        fputs("expected  all met\n", out);
    }
    fprintf(out, "verdict   %s\n", r->passed ? "PASS" : "FAIL");
}

static int parse_run_args(int argc, char **argv, run_config *cfg, scenario **sc,
                          const char **trace_path, bool *quiet)
{
    static const struct option opts[] = {
        {"seed", required_argument, 0, 's'}, {"policy", required_argument, 0, 'p'},
        {"pct-depth", required_argument, 0, 'd'}, {"pct-steps", required_argument, 0, 'k'},
        {"max-steps", required_argument, 0, 'm'}, {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"export-db", required_argument, 0, 'x'}, {0, 0, 0, 0}};
    uint64_t seed = 0, depth = 0, steps = 0, max = 0;
    bool has_seed = false;
    scenario_policy policy = SCENARIO_POLICY_RANDOM;
    bool has_policy = false;
    int o;
    optind = 1;
    const char *export_dir = NULL;
    while ((o = getopt_long(argc, argv, "s:p:d:k:m:o:qh", opts, NULL)) != -1) {
        switch (o) {
        case 's':
            if (!cli_parse_u64(optarg, &seed)) return cli_usage_error("bad --seed '%s'", optarg);
            has_seed = true;
            break;
        case 'p':
            if (!policy_parse(optarg, &policy))
                return cli_usage_error("unknown --policy '%s' (random, pct, fifo, explicit)", optarg);
            has_policy = true;
            break;
        case 'd':
            if (!cli_parse_u64(optarg, &depth) || depth < 1 || depth > 10)
                return cli_usage_error("--pct-depth takes 1..10");
            break;
        case 'k':
            if (!cli_parse_u64(optarg, &steps) || steps == 0)
                return cli_usage_error("--pct-steps takes a positive number");
            break;
        case 'm':
            if (!cli_parse_u64(optarg, &max) || max == 0)
                return cli_usage_error("--max-steps takes a positive number");
            break;
        case 'o': *trace_path = optarg; break;
        case 'q': *quiet = true; break;
        case 'x': export_dir = optarg; break;
        case 'h': run_usage(stdout); return -1;
        default: run_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        run_usage(stderr);
        return EXIT_USAGE;
    }
    if ((*sc = cli_load_scenario(argv[optind])) == NULL) return EXIT_USAGE;
    run_config_default(cfg, *sc);
    if (has_seed) cfg->seed = seed;
    if (has_policy) cfg->policy = policy;
    if (cfg->policy == SCENARIO_POLICY_EXPLICIT && (*sc)->schedule.decision_count == 0)
        return cli_usage_error("--policy explicit needs decisions in the scenario's schedule");
    if (depth) cfg->pct_depth = (unsigned)depth;
    if (steps) cfg->pct_steps = steps;
    cfg->max_steps = max;
    char err[512];
    if (export_dir != NULL && !export_db_check_dir(export_dir, err, sizeof err))
        return cli_usage_error("%s", err);
    cfg->export_dir = export_dir;
    return EXIT_OK;
}

/* The run, its summary and trace; returns the exit status. */
static int run_and_report(run_config *cfg, const scenario *sc, FILE *f, const char *trace_path,
                          bool quiet)
{
    cfg->trace = trace_sink_file_flushed(f);
    run_result r;
    run_scenario(cfg, &r);
    size_t lines = trace_sink_lines(cfg->trace);
    trace_sink_free(cfg->trace);
    bool write_ok = f == stdout || fclose(f) == 0;
    if (!quiet || !r.passed) {
        FILE *out = f == stdout ? stderr : stdout;
        cli_print_run(out, sc, cfg, &r);
        fprintf(out, "trace     %s (%zu lines)\n", trace_path, lines);
    }
    if (cfg->export_dir != NULL && r.export_error[0] == '\0' && (!quiet || !r.passed))
        fprintf(f == stdout ? stderr : stdout, "export    %zu files in %s\n", r.exported_files,
                cfg->export_dir);
    int rc = !write_ok ? cli_usage_error("writing %s failed", trace_path)
             : r.export_error[0] ? cli_usage_error("%s", r.export_error)
             : r.passed          ? EXIT_OK
                                 : EXIT_CHECK_FAILED;
    run_result_free(&r);
    return rc;
}

/* run_and_report in a child; a child that dies is a crashed run. */
static int run_supervised(run_config *cfg, const scenario *sc, FILE *f, const char *trace_path,
                          bool quiet)
{
    int done[2];
    FILE *report = supervise_report_file();
    if (pipe(done) != 0) {
        if (report != NULL) fclose(report);
        return run_and_report(cfg, sc, f, trace_path, quiet);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(done[0]);
        supervise_child_begin(report);
        int rc = run_and_report(cfg, sc, f, trace_path, quiet);
        fflush(NULL);
        char byte = (char)rc;
        _exit(write(done[1], &byte, 1) == 1 ? rc : EXIT_USAGE);
    }
    close(done[1]);
    if (f != stdout) fclose(f); /* the child wrote it */
    if (pid < 0) return cli_usage_error("cannot start the run: %s", strerror(errno));
    char byte;
    bool finished = read(done[0], &byte, 1) == 1;
    close(done[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
    supervise_verdict v;
    supervise_judge(status, finished, report, true, &v);
    if (report != NULL) fclose(report);
    if (!v.died) return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_USAGE;
    FILE *out = f == stdout ? stderr : stdout;
    fprintf(out, "scenario  %s\ncrashed   the run's process died: %s\n", sc->name, v.detail);
    char err[TRACE_READER_ERR_MAX];
    if (f == stdout) return EXIT_CHECK_FAILED;
    if (!supervise_complete_trace(trace_path, &v, err, sizeof err))
        fprintf(stderr, "wtlab: %s\n", err);
    else
        fprintf(out, "trace     %s (ends with the crash)\n", trace_path);
    return EXIT_CHECK_FAILED;
}

int cmd_run(int argc, char **argv)
{
    run_config cfg;
    scenario *sc = NULL;
    const char *trace_path = NULL;
    bool quiet = false;
    int rc = parse_run_args(argc, argv, &cfg, &sc, &trace_path, &quiet);
    if (rc != EXIT_OK) {
        scenario_free(sc);
        return rc < 0 ? EXIT_OK : rc;
    }
    char default_path[4096];
    if (trace_path == NULL) {
        snprintf(default_path, sizeof default_path, "wtlab-out/%s-seed%llu.jsonl", sc->name,
                 (unsigned long long)cfg.seed);
        trace_path = default_path;
    }
    FILE *f = NULL;
    if (strcmp(trace_path, "-") == 0) f = stdout;
    else if (cli_make_parent_dirs(trace_path)) f = fopen(trace_path, "w");
    if (f == NULL) {
        scenario_free(sc);
        return cli_usage_error("cannot write the trace to %s", trace_path);
    }
    rc = run_supervised(&cfg, sc, f, trace_path, quiet);
    scenario_free(sc);
    return rc;
}
