/*
 * cmd_explore.c — `wtlab explore SCENARIO`: many schedules, every one
 * checked; failures saved as traces; a coverage summary.
 *
 * --jobs J forks J worker processes that take disjoint partitions of the
 * sweep and report back over pipes (progress records while running, their
 * totals and interleaving hashes at the end).  --shard I/N selects this
 * machine's part of a sweep split across machines; partitions compose
 * (shard I of N, job j of J = partition I*J+j of N*J).  Wall-clock time is
 * used only for the progress line and runs/second, never in traces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "explore.h"

enum { MAX_JOBS = 64, DEFAULT_SAVE_MAX = 20 };

typedef struct explore_cli {
    explore_config cfg;
    const char *save_dir;
    uint64_t save_max, saved;
    unsigned jobs;
    uint64_t shard_i, shard_n;
    bool quiet, tty;
    double start;
    double last_progress;
    uint64_t progress_base_runs; /* runs of other jobs (parent view) */
} explore_cli;

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void explore_usage(FILE *out)
{
    fputs("usage: wtlab explore SCENARIO --policy random|pct|dfs [--runs N] [--seed S]\n"
          "                     [--jobs J] [--shard I/N] [--save DIR] [--max-preemptions P]\n"
          "                     [--no-reduction] [--pct-depth D] [--pct-steps K] [--quiet]\n"
          "Runs the scenario under many schedules, checks every run, saves failing runs\n"
          "as traces in DIR and prints runs/second, distinct interleavings, failures and\n"
          "the state transitions and sync points covered (and never reached).\n"
          "  random, pct  run indexes 0..N-1 with seeds S+i (default N=1000, S=1)\n"
          "  dfs          every schedule with at most P preemptions (default 2), with\n"
          "               sleep-set reduction unless --no-reduction; --runs caps it\n"
          "  --shard I/N  only this part of the sweep (I in 0..N-1); --jobs J in parallel\n"
          "exit status: 0 no failure, 1 some run failed, 2 bad input\n", out);
}

static void print_progress(void *arg, const explore_stats *st)
{
    explore_cli *x = arg;
    if (!x->tty || x->quiet) return;
    double now = wall_seconds();
    if (now - x->last_progress < 0.2) return;
    x->last_progress = now;
    uint64_t runs = x->progress_base_runs + st->runs;
    fprintf(stderr, "\r  runs %llu  %.0f runs/s  failures %llu   ", (unsigned long long)runs,
            (double)runs / (now - x->start + 1e-9), (unsigned long long)st->failures);
}

/* Re-runs a failing run with a trace into the save directory. */
static void save_failure(void *arg, const run_config *repro, const run_result *r, uint64_t index)
{
    explore_cli *x = arg;
    if (x->save_dir == NULL || x->saved >= x->save_max) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%s-run%llu-%s.jsonl", x->save_dir, x->cfg.sc->name,
             policy_explore_name(x->cfg.kind), (unsigned long long)index,
             r->failed_invariant ? r->failed_invariant : "expectations");
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "wtlab: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    run_config cfg = *repro;
    cfg.trace = trace_sink_file(f);
    run_result again;
    run_scenario(&cfg, &again);
    trace_sink_free(cfg.trace);
    fclose(f);
    run_result_free(&again);
    x->saved++;
    if (!x->quiet) fprintf(stderr, "%s  saved %s\n", x->tty ? "\r" : "", path);
}

/* ------------------------------------------------------------ parallel */

typedef struct wire_progress {
    uint8_t type; /* 1 progress, 2 final */
    uint64_t runs, failures;
} wire_progress;

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static bool read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        c += r;
        n -= (size_t)r;
    }
    return true;
}

static int child_fd = -1;

static void child_progress(void *arg, const explore_stats *st)
{
    explore_cli *x = arg;
    double now = wall_seconds();
    if (now - x->last_progress < 0.2) return;
    x->last_progress = now;
    wire_progress w = {1, st->runs, st->failures};
    write_all(child_fd, &w, sizeof w);
}

/* A worker: explores its partition, sends the totals and hashes. */
static void run_child(explore_cli *x, unsigned job, int fd)
{
    child_fd = fd;
    explore_config c = x->cfg;
    c.part_count = x->shard_n * x->jobs;
    c.part_index = x->shard_i * x->jobs + job;
    c.progress = child_progress;
    c.progress_arg = x;
    explore_stats st;
    explore_stats_init(&st);
    bool ok = explore_run(&c, &st);
    wire_progress w = {2, st.runs, st.failures};
    size_t nh = 0;
    for (size_t i = 0; i < st.hash_cap; i++) nh += st.hashes[i] != 0;
    bool sent = write_all(fd, &w, sizeof w) && write_all(fd, &st, sizeof st) &&
                write_all(fd, &nh, sizeof nh);
    for (size_t i = 0; sent && i < st.hash_cap; i++)
        if (st.hashes[i]) sent = write_all(fd, &st.hashes[i], sizeof st.hashes[i]);
    _exit(ok && sent ? 0 : 3);
}

/* Reads one record from a job; on its final record, merges its totals. */
static bool read_record(int fd, explore_stats *total, uint64_t *job_runs, bool *finished)
{
    wire_progress w;
    if (!read_all(fd, &w, sizeof w)) return false;
    *job_runs = w.runs;
    if (w.type != 2) return true;
    explore_stats st;
    size_t nh;
    if (!read_all(fd, &st, sizeof st) || !read_all(fd, &nh, sizeof nh)) return false;
    st.hashes = NULL;
    st.hash_cap = 0;
    uint64_t distinct_before = total->distinct;
    explore_stats_merge(total, &st);
    total->distinct = distinct_before;
    for (size_t i = 0; i < nh; i++) {
        uint64_t h;
        if (!read_all(fd, &h, sizeof h)) return false;
        if (explore_remember_hash(total, h)) total->distinct++; /* exact across jobs */
    }
    *finished = true;
    return true;
}

static bool run_jobs(explore_cli *x, explore_stats *total)
{
    int fds[MAX_JOBS];
    pid_t pids[MAX_JOBS];
    uint64_t job_runs[MAX_JOBS] = {0};
    bool finished[MAX_JOBS] = {false};
    fflush(NULL);
    for (unsigned j = 0; j < x->jobs; j++) {
        int p[2];
        if (pipe(p) != 0) return false;
        pids[j] = fork();
        if (pids[j] < 0) return false;
        if (pids[j] == 0) {
            close(p[0]);
            run_child(x, j, p[1]);
        }
        close(p[1]);
        fds[j] = p[0];
    }
    total->exhausted = true;
    bool ok = true;
    for (unsigned open_jobs = x->jobs; open_jobs > 0;) {
        struct pollfd pf[MAX_JOBS];
        for (unsigned j = 0; j < x->jobs; j++) pf[j] = (struct pollfd){finished[j] ? -1 : fds[j], POLLIN, 0};
        if (poll(pf, x->jobs, -1) < 0 && errno != EINTR) return false;
        for (unsigned j = 0; j < x->jobs; j++) {
            if (finished[j] || !(pf[j].revents & (POLLIN | POLLHUP))) continue;
            if (!read_record(fds[j], total, &job_runs[j], &finished[j])) {
                finished[j] = true;
                ok = false;
            }
            if (finished[j]) open_jobs--;
        }
        uint64_t sum = 0;
        for (unsigned j = 0; j < x->jobs; j++) sum += job_runs[j];
        explore_stats view = {.runs = 0, .failures = total->failures};
        x->progress_base_runs = sum;
        print_progress(x, &view);
    }
    for (unsigned j = 0; j < x->jobs; j++) {
        int status;
        close(fds[j]);
        waitpid(pids[j], &status, 0);
        ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    return ok;
}

/* -------------------------------------------------------------- summary */

static void print_coverage(const explore_stats *st)
{
    unsigned legal = 0, covered = 0;
    char never[2048] = "";
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++) {
            if (!wt_state_transition_legal(wt_state_table[a].bit, wt_state_table[b].bit)) continue;
            legal++;
            if (st->transitions[a][b]) covered++;
            else if (strlen(never) < sizeof never - 80)
                snprintf(never + strlen(never), sizeof never - strlen(never), "%s%s->%s",
                         never[0] ? ", " : "", wt_state_table[a].name, wt_state_table[b].name);
        }
    printf("  state transitions covered: %u of %u legal ones\n", covered, legal);
    if (never[0]) printf("    never: %s\n", never);
    size_t hit = 0, n = explore_sync_point_count();
    never[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        if (st->sync_hits[k]) hit++;
        else if (strlen(never) < sizeof never - 80)
            snprintf(never + strlen(never), sizeof never - strlen(never), "%s%s", never[0] ? ", " : "",
                     explore_sync_point_name(k));
    }
    printf("  sync points reached: %zu of %zu\n", hit, n);
    if (never[0]) printf("    never: %s\n", never);
}

static void print_summary(const explore_cli *x, const explore_stats *st, double secs)
{
    const explore_config *c = &x->cfg;
    printf("explore %s: %s", c->sc->name, policy_explore_name(c->kind));
    if (c->kind == EXPLORE_DFS)
        printf(" (at most %u preemption%s, sleep sets %s)", c->max_preemptions,
               c->max_preemptions == 1 ? "" : "s", c->reduction ? "on" : "off");
    else
        printf(" (seeds %llu..%llu%s)", (unsigned long long)c->seed,
               (unsigned long long)(c->seed + c->runs - 1),
               c->kind == EXPLORE_PCT ? ", pct" : "");
    if (x->shard_n > 1) printf(", shard %llu/%llu", (unsigned long long)x->shard_i, (unsigned long long)x->shard_n);
    printf("\n  %llu runs in %.2f s: %.1f runs/s (%u job%s); %.0f scheduling points/s\n",
           (unsigned long long)st->runs, secs, (double)st->runs / (secs + 1e-9), x->jobs,
           x->jobs == 1 ? "" : "s", (double)st->steps / (secs + 1e-9));
    if (c->kind == EXPLORE_DFS) {
        printf("  space %s; %llu alternatives pruned by sleep sets, %llu runs cut as redundant, "
               "%llu alternatives beyond the preemption bound\n",
               st->exhausted ? "EXHAUSTED" : "not exhausted (--runs cap reached)",
               (unsigned long long)st->pruned_sleep, (unsigned long long)st->blocked_sleep,
               (unsigned long long)st->bound_skips);
    }
    printf("  distinct interleavings: %llu\n", (unsigned long long)st->distinct);
    if (st->failures == 0) {
        puts("  failures: none");
    } else {
        printf("  failures: %llu (first after %llu run%s)\n", (unsigned long long)st->failures,
               (unsigned long long)st->first_failure_run, st->first_failure_run == 1 ? "" : "s");
        for (size_t i = 0; i < st->fail_kinds; i++)
            printf("    %-24s %llu runs, first at run %llu\n", st->fail[i].invariant,
                   (unsigned long long)st->fail[i].count, (unsigned long long)st->fail[i].first_run);
    }
    print_coverage(st);
}

/* DIR/exploration.json: what `wtlab plot --kind transitions` draws. */
static void write_summary_json(const explore_cli *x, const explore_stats *st)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/exploration.json", x->save_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL) return;
    trace_transition list[WT_STATE_COUNT * WT_STATE_COUNT];
    size_t n = 0;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++)
            if (st->transitions[a][b])
                list[n++] = (trace_transition){wt_state_table[a].name, wt_state_table[b].name,
                                               st->transitions[a][b]};
    trace_text t;
    trace_text_init(&t);
    trace_encode_exploration(&t, x->cfg.sc->name, st->runs, st->failures, st->distinct, list, n);
    fprintf(f, "%s\n", t.buf);
    trace_text_free(&t);
    fclose(f);
}

/* ------------------------------------------------------------- options */

static bool parse_shard(const char *s, uint64_t *i, uint64_t *n)
{
    char *slash = strchr(s, '/');
    if (slash == NULL) return false;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)(slash - s), s);
    return cli_parse_u64(buf, i) && cli_parse_u64(slash + 1, n) && *n >= 1 && *i < *n;
}

static int parse_explore(int argc, char **argv, explore_cli *x, scenario **sc)
{
    static const struct option opts[] = {
        {"policy", required_argument, 0, 'p'}, {"runs", required_argument, 0, 'r'},
        {"seed", required_argument, 0, 's'}, {"jobs", required_argument, 0, 'j'},
        {"shard", required_argument, 0, 'S'}, {"save", required_argument, 0, 'o'},
        {"max-preemptions", required_argument, 0, 'P'}, {"no-reduction", no_argument, 0, 'n'},
        {"pct-depth", required_argument, 0, 'd'}, {"pct-steps", required_argument, 0, 'k'},
        {"save-max", required_argument, 0, 'M'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    explore_config *c = &x->cfg;
    uint64_t v;
    bool has_policy = false, has_runs = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "p:r:s:j:S:o:P:nd:k:M:qh", opts, NULL)) != -1) {
        switch (o) {
        case 'p':
            has_policy = true;
            if (!policy_parse_explore(optarg, &c->kind))
                return cli_usage_error("--policy takes random, pct or dfs");
            break;
        case 'r': if (!cli_parse_u64(optarg, &c->runs)) return cli_usage_error("bad --runs");
                  has_runs = true;
                  break;
        case 's': if (!cli_parse_u64(optarg, &c->seed)) return cli_usage_error("bad --seed"); break;
        case 'j':
            if (!cli_parse_u64(optarg, &v) || v < 1 || v > MAX_JOBS)
                return cli_usage_error("--jobs takes 1..%d", MAX_JOBS);
            x->jobs = (unsigned)v;
            break;
        case 'S':
            if (!parse_shard(optarg, &x->shard_i, &x->shard_n))
                return cli_usage_error("--shard takes I/N with 0 <= I < N");
            break;
        case 'o': x->save_dir = optarg; break;
        case 'M': if (!cli_parse_u64(optarg, &x->save_max)) return cli_usage_error("bad --save-max"); break;
        case 'P':
            if (!cli_parse_u64(optarg, &v) || v > 64) return cli_usage_error("--max-preemptions takes 0..64");
            c->max_preemptions = (unsigned)v;
            break;
        case 'n': c->reduction = false; break;
        case 'd':
            if (!cli_parse_u64(optarg, &v) || v < 1 || v > 10) return cli_usage_error("--pct-depth takes 1..10");
            c->pct_depth = (unsigned)v;
            break;
        case 'k': if (!cli_parse_u64(optarg, &c->pct_steps) || !c->pct_steps) return cli_usage_error("bad --pct-steps"); break;
        case 'q': x->quiet = true; break;
        case 'h': explore_usage(stdout); return -1;
        default: explore_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!has_policy || optind != argc - 1) {
        explore_usage(stderr);
        return EXIT_USAGE;
    }
    if (!has_runs && c->kind != EXPLORE_DFS) c->runs = 1000;
    if ((*sc = cli_load_scenario(argv[optind])) == NULL) return EXIT_USAGE;
    c->sc = *sc;
    return EXIT_OK;
}

int cmd_explore(int argc, char **argv)
{
    explore_cli x = {.jobs = 1, .shard_n = 1, .save_max = DEFAULT_SAVE_MAX};
    x.cfg = (explore_config){.seed = 1, .max_preemptions = 2, .reduction = true};
    scenario *sc = NULL;
    int rc = parse_explore(argc, argv, &x, &sc);
    if (rc != EXIT_OK) {
        scenario_free(sc);
        return rc < 0 ? EXIT_OK : rc;
    }
    if (x.save_dir && !cli_make_parent_dirs(x.save_dir)) return cli_usage_error("cannot create %s", x.save_dir);
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/", x.save_dir ? x.save_dir : ".");
    if (x.save_dir && !cli_make_parent_dirs(probe)) return cli_usage_error("cannot create %s", x.save_dir);
    x.tty = isatty(STDERR_FILENO);
    x.start = x.last_progress = wall_seconds();
    x.cfg.on_failure = save_failure;
    x.cfg.failure_arg = &x;
    explore_stats st;
    explore_stats_init(&st);
    bool ok;
    if (x.jobs == 1) {
        x.cfg.part_index = x.shard_i;
        x.cfg.part_count = x.shard_n;
        x.cfg.progress = print_progress;
        x.cfg.progress_arg = &x;
        ok = explore_run(&x.cfg, &st);
    } else {
        ok = run_jobs(&x, &st);
    }
    double secs = wall_seconds() - x.start;
    if (x.tty && !x.quiet) fputs("\r\033[K", stderr);
    print_summary(&x, &st, secs);
    if (x.save_dir) write_summary_json(&x, &st);
    rc = !ok ? EXIT_USAGE : st.failures ? EXIT_CHECK_FAILED : EXIT_OK;
    explore_stats_free(&st);
    scenario_free(sc);
    return rc;
}
