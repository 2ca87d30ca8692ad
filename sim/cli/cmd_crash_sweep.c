/*
 * cmd_crash_sweep.c — `wtlab crash-sweep SCENARIO...`: crash a scenario at
 * every file operation (and, with --torn, at every partial length of every
 * append), in every write mode, recover, and let the oracle check each
 * recovery.
 *
 * For each scenario, write mode and crash kind, a baseline run (the
 * scenario's own crash and expectations removed, the mode's options set)
 * numbers the device's crash points (simfs.h: appends, syncs, directory
 * syncs, creates, renames, unlinks, truncates, mkdirs) and records each
 * append's length.  Then one run per point crashes there
 * ("crash": {"at": {"file_op": K, "torn_bytes": J}, "kind": KIND}), reopens
 * and checks: every synced WAL record (every appended one after a
 * process_kill) recovered, the recovered state a prefix of the WAL in
 * sequence order holding nothing no write put there, failed writes never
 * visible, and the run's other invariants.  The runs are the same up to
 * the crash as the baseline (determinism), so each point is reached; one
 * that is not is reported.  clean_reopen is one more run per mode: close
 * after the writers, reopen, everything written present.
 *
 * Points run in a child process that reports over a pipe; a child that
 * dies (a SIGSEGV in the engine, an abort) loses only the point it was
 * running, which is reported as a loss "crashed", and a new child goes on.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

enum { MODE_COUNT = 5, KIND_COUNT = 3, SHOW_MAX = 5 };

static const char *const mode_names[MODE_COUNT] = {"serial", "parallel", "pipelined", "unordered",
                                                    "two_queues"};
static const scenario_crash_kind kind_values[KIND_COUNT] = {
    SCENARIO_CRASH_POWER_LOSS, SCENARIO_CRASH_PROCESS_KILL, SCENARIO_CRASH_CLEAN_REOPEN};

typedef struct sweep_opts {
    unsigned modes;       /* bits of mode_names */
    unsigned kinds;       /* bits of kind_values */
    bool torn;
    uint64_t torn_step;   /* partial lengths tried: step, 2*step, ... */
    uint64_t every;       /* every Nth crash point */
    bool verbose;
    bool plan_only;       /* count the points, run only the baselines */
} sweep_opts;

typedef struct sweep_totals {
    uint64_t points, recoveries, losses, refused, unreached, baseline_failures;
} sweep_totals;

/* One crash point and what its run found. */
typedef struct point {
    uint64_t op, torn;
    char verdict;         /* 'r' recovered, 'l' loss, 'f' reopen refused, 'u' unreached */
    char detail[600];
} point;

static void sweep_usage(FILE *out)
{
    fputs("usage: wtlab crash-sweep SCENARIO... [--modes M,...|all] [--kinds K,...|all]\n"
          "                         [--torn] [--torn-step B] [--every N] [--plan] [--verbose]\n"
          "Crashes each scenario at every file operation of the simulated device (with\n"
          "--torn also inside every append, keeping 1..n-1 of its n bytes, every Bth\n"
          "length), in each write mode, reopens and checks the recovery: every synced\n"
          "write present, the recovered state a prefix in sequence order, failed writes\n"
          "absent.  The scenario's own crash and expectations are dropped.\n"
          "  --modes  serial, parallel, pipelined, unordered, two_queues (default all)\n"
          "  --kinds  power_loss, process_kill, clean_reopen (default power_loss)\n"
          "  --every  crash at every Nth file operation only (default 1)\n"
          "  --plan   run the baselines only and count the crash points\n"
          "  --verbose  also list reopens refused (an error at reopen, not a loss)\n"
          "Prints per scenario, mode and kind: crash points tried, recoveries checked,\n"
          "losses, reopens refused; then the totals.  A failing point is printed with the\n"
          "crash to put in the scenario to reproduce it with `wtlab run`.\n"
          "exit status: 0 no loss, 1 a loss (or a baseline run failing), 2 bad input\n",
          out);
}

/* Parses "a,b,c" or "all" against names; false on an unknown name. */
static bool parse_set(const char *arg, const char *const *names, size_t n, unsigned *out)
{
    if (strcmp(arg, "all") == 0) {
        *out = (1u << n) - 1;
        return true;
    }
    *out = 0;
    char *copy = strdup(arg);
    bool ok = copy != NULL;
    for (char *save = NULL, *t = ok ? strtok_r(copy, ",", &save) : NULL; ok && t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < n && strcmp(t, names[i]) != 0) i++;
        if (i == n) ok = false;
        else *out |= 1u << i;
    }
    free(copy);
    return ok && *out != 0;
}

/* *v = the scenario in write mode m, without its crash and expectations.
 * A shallow copy: it borrows sc's memory and must not be freed with
 * scenario_free.  (A scenario holds its timing model, about 430 KB: it is
 * copied once, into storage of the caller's, not returned by value.) */
static void variant_of(const scenario *sc, int m, scenario *v)
{
    *v = *sc;
    v->options.allow_concurrent_memtable_write = m != 0;
    v->options.enable_pipelined_write = m == 2;
    v->options.unordered_write = m == 3;
    v->options.two_write_queues = m == 4;
    v->crash = (scenario_crash){.when = SCENARIO_CRASH_NONE, .reopen = true};
    scenario_expect_none(&v->expect);
}

static void describe_failure(const run_result *r, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s: %.300s", r->failed_invariant ? r->failed_invariant : "expectation",
                     r->failed_invariant ? r->detail : "");
    if (k >= 0 && (size_t)k < n && r->expectations[0])
        snprintf(buf + k, n - (size_t)k, " %.200s", r->expectations);
    for (char *p = buf; *p; p++)
        if (*p == '\n') *p = ' ';
}

/* Runs one crash point (in the child). */
static void run_point(scenario *v, point *p)
{
    v->crash.file_op = p->op;
    v->crash.torn_bytes = p->torn;
    run_config cfg;
    run_config_default(&cfg, v);
    run_result r;
    run_scenario(&cfg, &r);
    p->detail[0] = '\0';
    if (!r.crashed) {
        p->verdict = 'u';
        snprintf(p->detail, sizeof p->detail, "the run never reached the crash point (%s)",
                 sched_outcome_name(r.outcome));
    } else if (r.passed) {
        p->verdict = 'r';
    } else {
        p->verdict = r.failed_invariant && strcmp(r.failed_invariant, "open_failed") == 0 ? 'f'
                                                                                          : 'l';
        describe_failure(&r, p->detail, sizeof p->detail);
    }
    run_result_free(&r);
}

/* The child: runs points[from..n) and writes each result to fd. */
static void child_loop(scenario *v, point *pts, size_t from, size_t n, int fd)
{
    for (size_t i = from; i < n; i++) {
        run_point(v, &pts[i]);
        char line[sizeof pts[i].detail + 64];
        int len = snprintf(line, sizeof line, "%zu %c %s\n", i, pts[i].verdict, pts[i].detail);
        if (len < 0 || write(fd, line, (size_t)len) != len) _exit(3);
    }
    _exit(0);
}

/* A child process with a pipe to its parent (fds[1] the child's end);
 * returns fork's value.  Neither can fail short of exhausted resources:
 * then the sweep ends with exit 2. */
static pid_t fork_piped(int fds[2])
{
    if (pipe(fds) != 0) {
        perror("wtlab crash-sweep: pipe");
        exit(EXIT_USAGE);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("wtlab crash-sweep: fork");
        exit(EXIT_USAGE);
    }
    return pid;
}

/* Runs every point, in children; a child that dies loses its point. */
static void run_points(scenario *v, point *pts, size_t n)
{
    size_t next = 0;
    while (next < n) {
        int fds[2];
        pid_t pid = fork_piped(fds);
        if (pid == 0) {
            close(fds[0]);
            child_loop(v, pts, next, n, fds[1]);
        }
        close(fds[1]);
        FILE *in = fdopen(fds[0], "r");
        char line[1024];
        while (in != NULL && fgets(line, sizeof line, in) != NULL) {
            char *end;
            unsigned long long i = strtoull(line, &end, 10);
            if (i >= n || end[0] != ' ' || end[1] == '\0') continue;
            pts[i].verdict = end[1];
            const char *d = end[2] == ' ' ? end + 3 : "";
            size_t len = strlen(d);
            if (len > 0 && d[len - 1] == '\n') len--;
            snprintf(pts[i].detail, sizeof pts[i].detail, "%.*s", (int)len, d);
            next = (size_t)i + 1;
        }
        if (in != NULL) fclose(in);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
        if (next < n && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            pts[next].verdict = 'l';
            snprintf(pts[next].detail, sizeof pts[next].detail, "crashed: the run's process %s %d",
                     WIFSIGNALED(status) ? "died of signal" : "exited with",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            next++;
        }
    }
}

/* The crash points of a baseline: every Nth operation, and inside appends. */
static point *plan_points(const run_result *base, const sweep_opts *o, size_t *count)
{
    size_t cap = 64, n = 0;
    point *pts = malloc(cap * sizeof *pts);
    assert(pts != NULL);
    for (uint64_t k = 1; k <= base->file_ops; k += o->every) {
        uint64_t size = base->op_sizes[k - 1];
        for (uint64_t torn = 0; torn == 0 || (o->torn && torn < size); torn += o->torn_step) {
            if (n == cap) {
                cap *= 2;
                pts = realloc(pts, cap * sizeof *pts);
                assert(pts != NULL);
            }
            pts[n++] = (point){.op = k, .torn = torn};
        }
    }
    *count = n;
    return pts;
}

static void print_point(const char *mode, scenario_crash_kind kind, const point *p,
                        const char *what)
{
    printf("#   %s: mode %s, \"crash\": {\"at\": {\"file_op\": %" PRIu64, what, mode, p->op);
    if (p->torn) printf(", \"torn_bytes\": %" PRIu64, p->torn);
    printf("}, \"kind\": \"%s\"}: %s\n", scenario_crash_kind_name(kind), p->detail);
}

/* What a baseline run found. */
typedef struct baseline {
    char verdict;         /* 'p' passed, 'o' the open failed (an option the mode cannot take),
                             'f' failed, 'd' its process died */
    bool pins_dropped;    /* passed only without the scenario's pins */
    char detail[600];
    uint64_t file_ops;
    uint64_t *op_sizes;
} baseline;

static char baseline_verdict(const run_result *r)
{
    if (r->passed) return 'p';
    return r->failed_invariant && strcmp(r->failed_invariant, "open_failed") == 0 ? 'o' : 'f';
}

/* The child's side: the baseline (again without pins if the pins make it
 * deadlock in this mode: they were written for one mode), written to fd. */
static void baseline_child(scenario *v, int fd)
{
    FILE *out = fdopen(fd, "w");
    if (out == NULL) _exit(3);
    run_config cfg;
    run_config_default(&cfg, v);
    cfg.record_file_ops = true;
    run_result r;
    run_scenario(&cfg, &r);
    bool dropped = false;
    if (baseline_verdict(&r) == 'f' && v->schedule.pin_count > 0) {
        run_result_free(&r);
        v->schedule.pin_count = 0;
        dropped = true;
        run_scenario(&cfg, &r);
    }
    char detail[600] = "";
    if (!r.passed) describe_failure(&r, detail, sizeof detail);
    fprintf(out, "%c %d %" PRIu64 "\n%s\n", baseline_verdict(&r), dropped, r.file_ops, detail);
    for (uint64_t i = 0; i < r.file_ops; i++) fprintf(out, "%" PRIu64 "\n", r.op_sizes[i]);
    run_result_free(&r);
    _exit(fclose(out) == 0 ? 0 : 3);
}

static void run_baseline(scenario *v, baseline *b)
{
    *b = (baseline){.verdict = 'd'};
    int fds[2];
    pid_t pid = fork_piped(fds);
    if (pid == 0) {
        close(fds[0]);
        baseline_child(v, fds[1]);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    char line[1024];
    int dropped = 0;
    unsigned long long ops = 0;
    char verdict = 'd';
    if (in != NULL && fgets(line, sizeof line, in) != NULL &&
        sscanf(line, "%c %d %llu", &verdict, &dropped, &ops) == 3 &&
        fgets(b->detail, sizeof b->detail, in) != NULL) {
        b->detail[strcspn(b->detail, "\n")] = '\0';
        b->op_sizes = calloc(ops + 1, sizeof *b->op_sizes);
        assert(b->op_sizes != NULL);
        uint64_t i = 0;
        while (i < ops && fgets(line, sizeof line, in) != NULL)
            b->op_sizes[i++] = strtoull(line, NULL, 10);
        if (i == ops) {
            b->verdict = verdict;
            b->pins_dropped = dropped != 0;
            b->file_ops = ops;
        }
    }
    if (in != NULL) fclose(in);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        b->verdict = 'd';
        snprintf(b->detail, sizeof b->detail, "the baseline run's process %s %d",
                 WIFSIGNALED(status) ? "died of signal" : "exited with",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
}

/* One kind of crash over a mode's baseline. */
static void sweep_kind(const scenario *sc, scenario *v, int m, scenario_crash_kind kind,
                       const baseline *b, const sweep_opts *o, sweep_totals *t)
{
    point one = {.op = 0};
    size_t n = 1;
    point *pts = &one;
    if (kind == SCENARIO_CRASH_CLEAN_REOPEN) {
        v->crash = (scenario_crash){.when = SCENARIO_CRASH_AFTER_WRITERS, .kind = kind, .reopen = true};
    } else {
        v->crash = (scenario_crash){.when = SCENARIO_CRASH_AT_FILE_OP, .kind = kind, .reopen = true};
        run_result base = {.file_ops = b->file_ops, .op_sizes = b->op_sizes};
        pts = plan_points(&base, o, &n);
    }
    if (o->plan_only) {
        printf("%-30s %-10s %-12s %8zu points %6" PRIu64 " file ops (planned)\n", sc->name,
               mode_names[m], scenario_crash_kind_name(kind), n, b->file_ops);
        t->points += n;
        if (pts != &one) free(pts);
        return;
    }
    run_points(v, pts, n);
    sweep_totals here = {0};
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        here.points++;
        const point *p = &pts[i];
        const char *what = NULL;
        switch (p->verdict) {
        case 'r': here.recoveries++; break;
        case 'f': here.refused++; what = "reopen refused"; break;
        case 'u': here.unreached++; what = "unreached"; break;
        default: here.losses++; what = "LOSS"; break;
        }
        if (what != NULL && (p->verdict != 'f' || o->verbose) && shown++ < SHOW_MAX)
            print_point(mode_names[m], kind, p, what);
    }
    printf("%-30s %-10s %-12s %8" PRIu64 " points %6" PRIu64 " file ops %8" PRIu64
           " recoveries %3" PRIu64 " losses %3" PRIu64 " refused%s\n",
           sc->name, mode_names[m], scenario_crash_kind_name(kind), here.points, b->file_ops,
           here.recoveries, here.losses + here.unreached, here.refused,
           b->pins_dropped ? " (pins dropped)" : "");
    fflush(stdout);
    t->points += here.points;
    t->recoveries += here.recoveries;
    t->losses += here.losses;
    t->refused += here.refused;
    t->unreached += here.unreached;
    if (pts != &one) free(pts);
}

/* One scenario in one mode, every kind asked for.  Returns false when the
 * run fails without a crash. */
static bool sweep_mode(const scenario *sc, int m, const sweep_opts *o, sweep_totals *t)
{
    scenario *v = malloc(sizeof *v);
    assert(v != NULL);
    variant_of(sc, m, v);
    baseline b;
    run_baseline(v, &b);
    bool ok = true;
    if (b.verdict == 'o') {
        printf("# %s: mode %s: not swept (%s)\n", sc->name, mode_names[m], b.detail);
    } else if (b.verdict != 'p') {
        printf("# %s: mode %s: NOT SWEPT: the run fails without a crash: %s\n", sc->name,
               mode_names[m], b.detail);
        t->baseline_failures++;
        ok = false;
    } else {
        if (b.pins_dropped) v->schedule.pin_count = 0;
        for (int k = 0; k < KIND_COUNT; k++)
            if (o->kinds >> k & 1) sweep_kind(sc, v, m, kind_values[k], &b, o, t);
    }
    free(b.op_sizes);
    free(v);
    return ok;
}

static int parse_sweep_args(int argc, char **argv, sweep_opts *o)
{
    static const struct option opts[] = {
        {"modes", required_argument, 0, 'm'}, {"kinds", required_argument, 0, 'k'},
        {"torn", no_argument, 0, 't'}, {"torn-step", required_argument, 0, 's'},
        {"every", required_argument, 0, 'e'}, {"verbose", no_argument, 0, 'v'},
        {"plan", no_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    static const char *const kind_names[KIND_COUNT] = {"power_loss", "process_kill",
                                                       "clean_reopen"};
    *o = (sweep_opts){.modes = (1u << MODE_COUNT) - 1, .kinds = 1, .torn_step = 1, .every = 1};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!parse_set(optarg, mode_names, MODE_COUNT, &o->modes))
                return cli_usage_error("bad --modes '%s' (serial, parallel, pipelined, unordered, "
                                       "two_queues or all)", optarg);
            break;
        case 'k':
            if (!parse_set(optarg, kind_names, KIND_COUNT, &o->kinds))
                return cli_usage_error("bad --kinds '%s' (power_loss, process_kill, clean_reopen "
                                       "or all)", optarg);
            break;
        case 't': o->torn = true; break;
        case 's':
            if (!cli_parse_u64(optarg, &o->torn_step) || o->torn_step == 0)
                return cli_usage_error("--torn-step takes a positive number");
            break;
        case 'e':
            if (!cli_parse_u64(optarg, &o->every) || o->every == 0)
                return cli_usage_error("--every takes a positive number");
            break;
        case 'v': o->verbose = true; break;
        case 'P': o->plan_only = true; break;
        case 'h': sweep_usage(stdout); return -1;
        default: sweep_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        sweep_usage(stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_crash_sweep(int argc, char **argv)
{
    sweep_opts o;
    int rc = parse_sweep_args(argc, argv, &o);
    if (rc != EXIT_OK) return rc < 0 ? EXIT_OK : rc;
    /* Load them all first: a bad file is exit 2 before any sweeping. */
    int first = optind, count = argc - optind;
    scenario **scs = calloc((size_t)count, sizeof *scs);
    assert(scs != NULL);
    for (int i = 0; i < count; i++)
        if ((scs[i] = cli_load_scenario(argv[first + i])) == NULL) {
            for (int j = 0; j < i; j++) scenario_free(scs[j]);
            free(scs);
            return EXIT_USAGE;
        }
    sweep_totals t = {0};
    bool baselines_ok = true;
    for (int i = 0; i < count; i++) {
        const scenario *sc = scs[i];
        if (sc->expect.deadlock || sc->expect.failed_invariant) {
            printf("# %s: not swept (it demonstrates a failure: expect.%s)\n", sc->name,
                   sc->expect.deadlock ? "deadlock" : "failed_invariant");
            continue;
        }
        for (int m = 0; m < MODE_COUNT; m++)
            if (o.modes >> m & 1) baselines_ok = sweep_mode(sc, m, &o, &t) && baselines_ok;
    }
    printf("total: %" PRIu64 " crash points, %" PRIu64 " recoveries checked, %" PRIu64
           " losses, %" PRIu64 " unreached, %" PRIu64 " reopens refused, %" PRIu64
           " runs failing without a crash\n",
           t.points, t.recoveries, t.losses, t.unreached, t.refused, t.baseline_failures);
    for (int i = 0; i < count; i++) scenario_free(scs[i]);
    free(scs);
    return t.losses == 0 && t.unreached == 0 && baselines_ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
