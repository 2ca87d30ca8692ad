/*
 * cmd_explore.c — `wtlab explore SCENARIO`: many schedules, every one
 * checked; failures saved as traces; a coverage summary.
 *
 * Runs happen in worker processes (J of them with --jobs J, one by
 * default) that take disjoint partitions of the sweep and report over
 * pipes: the run each begins, and what each run found (the parent keeps
 * the totals).  A worker that dies -- a SIGSEGV or abort in the engine, a
 * sanitizer's report -- has killed the run it began: the parent counts it
 * as a failure "crashed" with the signal as its detail, re-runs its seed
 * in a child to save its trace (supervise.h), and starts a new worker for
 * the rest of the partition (a dfs partition cannot be resumed: the rest
 * of it is reported unexplored).  --shard I/N selects this
 * machine's part of a sweep split across machines; partitions compose
 * (shard I of N, job j of J = partition I+N*j of N*J).  Wall-clock time is
 * used only for the progress line and runs/second, never in traces.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "explore.h"
#include "supervise.h"

enum { MAX_JOBS = 64, DEFAULT_SAVE_MAX = 20 };

typedef struct explore_cli {
    explore_config cfg;
    const char *save_dir;
    uint64_t save_max, saved;
    unsigned jobs;
    uint64_t shard_i, shard_n;
    bool quiet, tty, json;
    uint64_t total;     /* runs this sweep will make (0: unknown, a search) */
    uint64_t next_line; /* not a tty: the run count of the next progress line */
    double next_line_at;
    bool report_shown;  /* a dead worker's sanitizer report was copied to stderr */
    bool dfs_cut;       /* a crash ended part of a dfs search */
    double start;
    double last_progress;
} explore_cli;

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void explore_usage(FILE *out)
{
    fputs("usage: wtlab explore SCENARIO --policy random|pct|pos|dfs|dpor [--runs N] [--seed S]\n"
          "                     [--jobs J] [--shard I/N] [--save DIR] [--save-max M]\n"
          "                     [--max-preemptions P] [--no-reduction] [--clock-blind]\n"
          "                     [--order fixed|random]\n"
          "                     [--pct-depth D] [--pct-steps K] [--until-covered R]\n"
          "                     [--first-failure] [--json] [--quiet]\n"
          "Runs the scenario under many schedules, checks every run, saves failing runs\n"
          "as traces in DIR and prints runs/second, distinct interleavings, Mazurkiewicz\n"
          "classes (runs that differ only in the order of independent steps are one\n"
          "class), failures and the state transitions (also per writer role: leader,\n"
          "follower, memtable-leader, caller) and sync points covered.\n"
          "  random, pct  run indexes 0..N-1 with seeds S+i (default N=1000, S=1)\n"
          "  pos          the same seeds with partial order sampling (priorities re-drawn\n"
          "               for the steps that race with the one just taken, and for the\n"
          "               other spinners at each spin iteration)\n"
          "  dfs          every schedule with at most P preemptions (default 2), with\n"
          "               sleep-set reduction unless --no-reduction; --runs caps it\n"
          "  dpor         like dfs, but an alternative is run only where a race of an\n"
          "               executed run asks for it (source sets, with sleep sets);\n"
          "               --max-preemptions 64 for no bound.  dfs and dpor treat a\n"
          "               clock reading and another fiber's advance of the clock as\n"
          "               dependent, and a step taken spinning with other fibers'\n"
          "               steps not taken spinning, spin beginnings, writes and ends\n"
          "               (scenarios/README.md, \"Timed waits and the clock\",\n"
          "               \"Spinning\");\n"
          "               --clock-blind drops both (the relation before: smaller\n"
          "               spaces, but unsound -- it misses schedules).  The summary's\n"
          "               \"dpor cost\" line (--json: race_runs, races_memory,\n"
          "               races_clock, races_spin, backtrack_points) gives the races\n"
          "               per run by the dependency that made them and the options\n"
          "               they added: why a space is not exhausted; --json also gives\n"
          "               decisions_per_run and shallowest_change, the lowest decision\n"
          "               (from 0) where a run took another option than the run before\n"
          "               (-1: none): how far back into the runs the search got\n"
          "  --order fixed|random  dfs, dpor: where nothing forces a pick (the first run,\n"
          "               and each later run after its replayed prefix), fixed keeps the\n"
          "               running fiber, else takes the lowest id (the default); random\n"
          "               draws an awake fiber from the seed S and the picks before\n"
          "               (same S: the same runs).  With a bound a random pick never\n"
          "               preempts: it keeps the running fiber when that can go on and\n"
          "               is awake (else it preempts only where the fixed order would);\n"
          "               with --max-preemptions 64 any awake fiber may be drawn.  The\n"
          "               order changes which runs come first; an exhausted dfs\n"
          "               covers every class with a schedule within the bound in\n"
          "               either order (where fibers spin or sleep: argued, and\n"
          "               checked on random tiny programs, not proven); bounded dpor\n"
          "               found the same classes on every space measured, not\n"
          "               proven (scenarios/README.md, \"Search order\")\n"
          "  --save-max M save at most M failing runs (default 20)\n"
          "  --until-covered R  stop once R runs in a row found no new class\n"
          "  --first-failure    stop after the first failing run (per job)\n"
          "  --json       print the summary as one JSON object instead of text\n"
          "  --shard I/N  only this part of the sweep (I in 0..N-1)\n"
          "  --jobs J     J worker processes, each a part of the sweep; --runs N is the\n"
          "               total over them (dfs, dpor: the jobs share one budget of N\n"
          "               runs, so a job with a small part of the tree leaves its runs\n"
          "               to the others; at most N jobs)\n"
          "       wtlab explore --merge [--json] DIR...\n"
          "  combines the reports that sweeps saved with --save DIR (DIR/report.txt and\n"
          "  DIR/classes.txt): runs, failures, coverage; a class seen twice counts once.\n"
          "  Shards are independent processes: run `--shard I/N --save DIR_I` anywhere\n"
          "  (GNU parallel, a batch system's job array with I = the task index), then\n"
          "  merge the DIRs.  dfs and dpor split at the first choice of the search.\n"
          "  The DIRs must be shards of one sweep (the same scenario text, build, policy,\n"
          "  order and settings), each once, else exit 2; shards left out are named and\n"
          "  the space is then not called exhausted.\n"
          "Run numbering: run I is the run with index I of the sweep, from 0.  Saved\n"
          "traces are named SCENARIO-POLICY-runI-INVARIANT.jsonl, the summary says \"first\n"
          "at run I\" with the same I, and for random, pct and pos run I used seed S+I:\n"
          "`--seed S+I --runs 1` re-runs it alone (dfs and dpor: replay the saved trace).\n"
          "Progress goes to stderr: one updated line on a terminal, else a line every\n"
          "10% of the runs or 5 seconds, with the total and an estimate of the time left.\n"
          "A run whose process dies (signal, sanitizer report) fails as \"crashed\"; its\n"
          "trace is saved up to its last event, ending with the signal as the violation.\n"
          "exit status: 0 no failure, 1 some run failed, 2 bad input\n", out);
}

static void print_progress(void *arg, const explore_stats *st)
{
    explore_cli *x = arg;
    if (x->quiet) return;
    double now = wall_seconds();
    if (x->tty && now - x->last_progress < 0.2) return;
    if (!x->tty && st->runs < x->next_line && now < x->next_line_at) return;
    x->last_progress = now;
    uint64_t runs = st->runs;
    double rate = (double)runs / (now - x->start + 1e-9);
    char total[64] = "", eta[64] = "";
    if (x->total > 0) {
        snprintf(total, sizeof total, " of %llu", (unsigned long long)x->total);
        if (runs > 0 && runs < x->total)
            snprintf(eta, sizeof eta, "  ETA %.0f s", (double)(x->total - runs) / (rate + 1e-9));
    }
    fprintf(stderr, "%s  runs %llu%s  %.0f runs/s  classes %llu  failures %llu%s%s",
            x->tty ? "\r" : "", (unsigned long long)runs, total, rate,
            (unsigned long long)st->classes, (unsigned long long)st->failures, eta,
            x->tty ? "   " : "\n");
    if (!x->tty) {
        uint64_t step = x->total >= 10 ? x->total / 10 : 100;
        x->next_line = runs + step;
        x->next_line_at = now + 5.0;
    }
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

/* ------------------------------------------------------------ workers */

/* Records a worker sends (a pipe write of one record is atomic: each is
 * smaller than PIPE_BUF). */
enum { WIRE_BEGIN = 1, WIRE_RUN = 2, WIRE_FINAL = 3 };

typedef struct wire_final {
    uint64_t pruned_sleep, blocked_sleep, bound_skips, pruned_dpor, races, unreversible, tick_wakes;
    uint64_t races_clock, races_spin, race_runs, backtracks, shallowest;
    bool exhausted, covered, ok;
} wire_final;

_Static_assert(1 + sizeof(explore_run_record) <= 4096, "a record must fit PIPE_BUF");

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

/* One message: a type byte and its body, in one write. */
static bool send_record(int fd, uint8_t type, const void *body, size_t n)
{
    char buf[1 + sizeof(explore_run_record)];
    assert(n < sizeof buf);
    buf[0] = (char)type;
    memcpy(buf + 1, body, n);
    return write_all(fd, buf, 1 + n);
}

static int child_fd = -1;

/* A run begins: its index, or UINT64_MAX for one this worker does not
 * count (another partition counts the same schedule). */
static void child_before_run(void *arg, uint64_t index, bool counted)
{
    (void)arg;
    uint64_t sent = counted ? index : UINT64_MAX;
    if (!send_record(child_fd, WIRE_BEGIN, &sent, sizeof sent)) _exit(3);
}

static void child_after_run(void *arg, const explore_run_record *rec)
{
    (void)arg;
    if (!send_record(child_fd, WIRE_RUN, rec, sizeof *rec)) _exit(3);
}

/* --jobs J with dfs/dpor and --runs N: the runs all workers have taken,
 * in memory they share (mapped before the fork); NULL: each gets N/J. */
static _Atomic uint64_t *runs_taken;
static uint64_t runs_budget;

static bool child_take_run(void *arg)
{
    (void)arg;
    return atomic_fetch_add(runs_taken, 1) < runs_budget;
}

/* A worker: explores its partition from run index `first`, telling the
 * parent which run it starts and what each run found. */
static void run_child(explore_cli *x, unsigned job, uint64_t first, int fd, FILE *report)
{
    supervise_child_begin(report);
    child_fd = fd;
    explore_config c = x->cfg;
    /* Partition I + N*j of N*J: shard I then covers the run indexes (and
     * the first choice's options) congruent to I mod N whatever J is, so
     * shards made with different --jobs still merge into the whole. */
    c.part_count = x->shard_n * x->jobs;
    c.part_index = x->shard_i + x->shard_n * job;
    c.first_index = first;
    if (explore_kind_searches(c.kind) && c.runs > 0 && runs_taken != NULL) {
        c.runs = 0; /* --runs N: N in all, taken from the shared budget */
        c.take_run = child_take_run;
    } else if (explore_kind_searches(c.kind) && c.runs > 0) {
        c.runs = x->cfg.runs / x->jobs + (job < x->cfg.runs % x->jobs);
    }
    c.before_run = child_before_run;
    c.after_run = child_after_run;
    explore_stats st;
    explore_stats_init(&st);
    wire_final fin = {.ok = explore_run(&c, &st)};
    fin.pruned_sleep = st.pruned_sleep;
    fin.blocked_sleep = st.blocked_sleep;
    fin.bound_skips = st.bound_skips;
    fin.pruned_dpor = st.pruned_dpor;
    fin.races = st.races;
    fin.unreversible = st.unreversible;
    fin.races_clock = st.races_clock;
    fin.races_spin = st.races_spin;
    fin.race_runs = st.race_runs;
    fin.backtracks = st.backtracks;
    fin.shallowest = st.shallowest;
    fin.tick_wakes = st.tick_wakes;
    fin.exhausted = st.exhausted;
    fin.covered = st.covered;
    bool sent = send_record(fd, WIRE_FINAL, &fin, sizeof fin);
    _exit(fin.ok && sent ? 0 : 3);
}

typedef struct job {
    pid_t pid;
    int fd;                 /* -1: not running */
    FILE *report;           /* its sanitizer report */
    bool begun;             /* it started run `current` */
    uint64_t current;
    bool final_seen;
} job;

static bool start_job(explore_cli *x, job *jb, unsigned j, uint64_t first)
{
    int p[2];
    jb->report = supervise_report_file();
    if (pipe(p) != 0) return false;
    fflush(NULL);
    jb->pid = fork();
    if (jb->pid < 0) return false;
    if (jb->pid == 0) {
        close(p[0]);
        run_child(x, j, first, p[1], jb->report);
    }
    close(p[1]);
    jb->fd = p[0];
    jb->begun = jb->final_seen = false;
    return true;
}

/* Reads one record; false at the end of the worker's pipe. */
static bool read_job_record(job *jb, explore_stats *total)
{
    uint8_t type;
    if (!read_all(jb->fd, &type, 1)) return false;
    explore_run_record rec;
    wire_final fin;
    switch (type) {
    case WIRE_BEGIN:
        if (!read_all(jb->fd, &jb->current, sizeof jb->current)) return false;
        jb->begun = true;
        return true;
    case WIRE_RUN:
        if (!read_all(jb->fd, &rec, sizeof rec)) return false;
        explore_record(total, &rec);
        jb->begun = false;
        return true;
    case WIRE_FINAL:
        if (!read_all(jb->fd, &fin, sizeof fin)) return false;
        total->pruned_sleep += fin.pruned_sleep;
        total->blocked_sleep += fin.blocked_sleep;
        total->bound_skips += fin.bound_skips;
        total->pruned_dpor += fin.pruned_dpor;
        total->races += fin.races;
        total->unreversible += fin.unreversible;
        total->races_clock += fin.races_clock;
        total->races_spin += fin.races_spin;
        total->race_runs += fin.race_runs;
        total->backtracks += fin.backtracks;
        if (fin.shallowest && (!total->shallowest || fin.shallowest < total->shallowest))
            total->shallowest = fin.shallowest;
        total->tick_wakes += fin.tick_wakes;
        total->exhausted = total->exhausted && fin.exhausted;
        total->covered = total->covered || fin.covered;
        jb->final_seen = fin.ok;
        return true;
    default: return false;
    }
}

/* Re-runs crashed random/pct run `index` in a child with its trace going
 * to the save directory (completed with the crash: supervise.h). */
static void save_crash(explore_cli *x, uint64_t index)
{
    if (x->cfg.kind == EXPLORE_POS) { /* its picks died with the worker */
        fprintf(stderr, "wtlab: note: a crashed pos run is not saved; re-run it with --policy pos "
                        "--seed %llu --runs 1\n", (unsigned long long)(x->cfg.seed + index));
        return;
    }
    if (x->save_dir == NULL || x->saved >= x->save_max) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%s-run%llu-crashed.jsonl", x->save_dir, x->cfg.sc->name,
             policy_explore_name(x->cfg.kind), (unsigned long long)index);
    run_config cfg;
    explore_seed_config(&x->cfg, index, &cfg);
    run_result r;
    supervise_verdict v;
    if (!supervise_run_scenario(&cfg, path, false, &r, &v)) {
        fprintf(stderr, "wtlab: cannot save the crashed run %llu to %s\n",
                (unsigned long long)index, path);
        return;
    }
    if (!v.died)
        fprintf(stderr, "wtlab: note: run %llu did not crash when re-run alone (%s)\n",
                (unsigned long long)index, r.failed_invariant ? r.failed_invariant : "it passed");
    run_result_free(&r);
    x->saved++;
    if (!x->quiet) fprintf(stderr, "%s  saved %s\n", x->tty ? "\r" : "", path);
}

/* A worker's pipe ended: reap it; if it died in a run, that run is a
 * crashed failure, saved, and a fresh worker takes the rest of the
 * partition (random/pct; a dfs partition cannot be resumed).  Returns
 * false on a worker that failed outside any run. */
static bool job_ended(explore_cli *x, explore_stats *total, job *jb, unsigned j)
{
    close(jb->fd);
    jb->fd = -1;
    int status = 0;
    while (waitpid(jb->pid, &status, 0) < 0 && errno == EINTR) continue;
    supervise_verdict v;
    bool finished = jb->final_seen && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    supervise_judge(status, finished, jb->report, !x->report_shown, &v); /* the first report */
    x->report_shown = x->report_shown || !finished;
    if (jb->report != NULL) fclose(jb->report);
    jb->report = NULL;
    if (finished) return true;
    if (!jb->begun) {
        fprintf(stderr, "wtlab: explore worker %u failed outside a run: %s\n", j, v.detail);
        return false;
    }
    if (jb->current == UINT64_MAX) { /* partition 0 counts (and reports) this run */
        total->exhausted = false;
        x->dfs_cut = true;
        return true;
    }
    explore_record_crash(total, jb->current, v.detail);
    if (!x->quiet)
        fprintf(stderr, "%swtlab: run %llu crashed: %s\n", x->tty ? "\r\033[K" : "",
                (unsigned long long)jb->current, v.detail);
    if (explore_kind_searches(x->cfg.kind)) {
        total->exhausted = false;
        x->dfs_cut = true;
        fprintf(stderr, "wtlab: dfs: the rest of that worker's part of the search is not explored "
                        "(a dfs search cannot resume after a crash); no trace is saved\n");
        return true;
    }
    save_crash(x, jb->current);
    if (x->cfg.stop_at_failure) return true; /* --first-failure: the rest is not run */
    return jb->current + 1 >= x->cfg.runs || start_job(x, jb, j, jb->current + 1);
}

static bool run_jobs(explore_cli *x, explore_stats *total)
{
    job jobs[MAX_JOBS];
    memset(jobs, 0, sizeof jobs);
    total->exhausted = true;
    bool ok = true;
    if (explore_kind_searches(x->cfg.kind) && x->cfg.runs > 0 && x->jobs > 1) {
        void *m = mmap(NULL, sizeof *runs_taken, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) { /* else each worker gets N/J */
            runs_taken = m;
            atomic_init(runs_taken, 0);
            runs_budget = x->cfg.runs;
        }
    }
    for (unsigned j = 0; j < x->jobs; j++)
        if (!start_job(x, &jobs[j], j, 0)) return false;
    for (;;) {
        struct pollfd pf[MAX_JOBS];
        unsigned open_jobs = 0;
        for (unsigned j = 0; j < x->jobs; j++) {
            pf[j] = (struct pollfd){jobs[j].fd, POLLIN, 0};
            open_jobs += jobs[j].fd >= 0;
        }
        if (open_jobs == 0) break;
        if (poll(pf, x->jobs, -1) < 0 && errno != EINTR) return false;
        for (unsigned j = 0; j < x->jobs; j++) {
            if (jobs[j].fd < 0 || !(pf[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            if (!read_job_record(&jobs[j], total)) ok = job_ended(x, total, &jobs[j], j) && ok;
        }
        print_progress(x, total);
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
    explore_print_roles(st, false);
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
    if (explore_kind_searches(c->kind)) {
        printf(" (at most %u preemption%s, sleep sets %s%s", c->max_preemptions,
               c->max_preemptions == 1 ? "" : "s", c->reduction ? "on" : "off",
               c->clock_blind ? ", clock-blind" : "");
        if (c->order == EXPLORE_ORDER_RANDOM)
            printf(", random order, seed %llu", (unsigned long long)c->seed);
        putchar(')');
    } else {
        printf(" (seeds %llu..%llu%s)", (unsigned long long)c->seed,
               (unsigned long long)(c->seed + c->runs - 1),
               c->kind == EXPLORE_PCT ? ", pct" : c->kind == EXPLORE_POS ? ", pos" : "");
    }
    if (x->shard_n > 1) printf(", shard %llu/%llu", (unsigned long long)x->shard_i, (unsigned long long)x->shard_n);
    printf("\n  %llu runs in %.2f s: %.1f runs/s (%u job%s); %.0f scheduling points/s\n",
           (unsigned long long)st->runs, secs, (double)st->runs / (secs + 1e-9), x->jobs,
           x->jobs == 1 ? "" : "s", (double)st->steps / (secs + 1e-9));
    if (explore_kind_searches(c->kind)) {
        printf("  space %s; %llu alternatives pruned by sleep sets, %llu runs cut as redundant, "
               "%llu alternatives beyond the preemption bound\n",
               st->exhausted ? "EXHAUSTED"
               : x->dfs_cut  ? "not exhausted (a crashed run ended part of the search)"
               : st->covered ? "not exhausted (--until-covered reached)"
                             : "not exhausted (--runs cap reached)",
               (unsigned long long)st->pruned_sleep, (unsigned long long)st->blocked_sleep,
               (unsigned long long)st->bound_skips);
        if (c->kind == EXPLORE_DPOR)
            printf("  dpor: %llu races, %llu alternatives no race asked for, %llu races the racer "
                   "could not take where they occurred\n",
                   (unsigned long long)st->races, (unsigned long long)st->pruned_dpor,
                   (unsigned long long)st->unreversible);
        if (c->kind == EXPLORE_DPOR) explore_print_dpor_cost(st, false);
    } else if (st->covered) {
        printf("  stopped: %llu runs in a row found no new class (--until-covered)\n",
               (unsigned long long)c->until_covered);
    }
    printf("  distinct interleavings: %llu; Mazurkiewicz classes: %llu; timed waits ended by "
           "the clock: %llu\n",
           (unsigned long long)st->distinct, (unsigned long long)st->classes,
           (unsigned long long)st->tick_wakes);
    if (st->failures == 0) {
        puts("  failures: none");
    } else {
        printf("  failures: %llu (first after %llu run%s)\n", (unsigned long long)st->failures,
               (unsigned long long)st->first_failure_run, st->first_failure_run == 1 ? "" : "s");
        for (size_t i = 0; i < st->fail_kinds; i++) {
            const explore_failure *f = &st->fail[i];
            printf("    %-24s %llu runs, first at run %llu", f->invariant,
                   (unsigned long long)f->count, (unsigned long long)f->first_index);
            if (f->detail[0]) printf(": %s", f->detail); /* a crash: the verdict */
            if (!explore_kind_searches(c->kind)) /* one numbering: run I is seed S+I */
                printf(" (re-run: --seed %llu --runs 1)", (unsigned long long)(c->seed + f->first_index));
            putchar('\n');
        }
    }
    print_coverage(st);
}

/* --json: the summary as one object on stdout. */
static void print_json(const explore_cli *x, const explore_stats *st, double secs)
{
    const explore_config *c = &x->cfg;
    printf("{\"scenario\": \"%s\", \"policy\": \"%s\", \"runs\": %llu, \"seconds\": %.3f, "
           "\"failures\": %llu, \"distinct_interleavings\": %llu, \"classes\": %llu, "
           "\"exhausted\": %s, \"until_covered_stop\": %s, \"timed_wakes_by_clock\": %llu",
           c->sc->name, policy_explore_name(c->kind), (unsigned long long)st->runs, secs,
           (unsigned long long)st->failures, (unsigned long long)st->distinct,
           (unsigned long long)st->classes,
           explore_kind_searches(c->kind) && st->exhausted ? "true" : "false",
           st->covered ? "true" : "false", (unsigned long long)st->tick_wakes);
    if (explore_kind_searches(c->kind))
        printf(", \"max_preemptions\": %u, \"order\": \"%s\", \"races\": %llu, "
               "\"pruned_sleep\": %llu, \"pruned_dpor\": %llu, \"bound_skips\": %llu, "
               "\"decisions_per_run\": %.1f, \"shallowest_change\": %lld",
               c->max_preemptions, explore_order_name(c->order), (unsigned long long)st->races,
               (unsigned long long)st->pruned_sleep, (unsigned long long)st->pruned_dpor,
               (unsigned long long)st->bound_skips,
               st->runs ? (double)st->decisions / (double)st->runs : 0.0,
               (long long)st->shallowest - 1);
    if (explore_kind_searches(c->kind) && c->order == EXPLORE_ORDER_RANDOM)
        printf(", \"order_seed\": %llu", (unsigned long long)c->seed);
    if (c->kind == EXPLORE_DPOR) explore_print_dpor_cost(st, true);
    printf(", \"failure_kinds\": [");
    for (size_t i = 0; i < st->fail_kinds; i++)
        printf("%s{\"invariant\": \"%s\", \"count\": %llu, \"first_run\": %llu}", i ? ", " : "",
               st->fail[i].invariant, (unsigned long long)st->fail[i].count,
               (unsigned long long)st->fail[i].first_index);
    unsigned legal = 0, covered = 0;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++)
            if (wt_state_transition_legal(wt_state_table[a].bit, wt_state_table[b].bit)) {
                legal++;
                covered += st->transitions[a][b] != 0;
            }
    printf("], \"transitions_legal\": %u, \"transitions_covered\": %u, \"transitions\": [", legal,
           covered);
    bool first = true;
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++)
            if (st->transitions[a][b]) {
                printf("%s{\"from\": \"%s\", \"to\": \"%s\", \"count\": %llu}", first ? "" : ", ",
                       wt_state_table[a].name, wt_state_table[b].name,
                       (unsigned long long)st->transitions[a][b]);
                first = false;
            }
    printf("]");
    explore_print_roles(st, true);
    printf(", \"sync_points\": %zu, \"sync_points_reached\": [", explore_sync_point_count());
    first = true;
    for (size_t k = 0; k < explore_sync_point_count(); k++)
        if (st->sync_hits[k]) {
            printf("%s\"%s\"", first ? "" : ", ", explore_sync_point_name(k));
            first = false;
        }
    printf("]}\n");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct class_list {
    uint64_t *h;
    size_t n;
} class_list;

static void collect_class(void *arg, uint64_t h)
{
    class_list *l = arg;
    l->h[l->n++] = h;
}

/* DIR/classes.txt: the class hashes seen, sorted, one per line in hex
 * (what --merge unites, and what tells two sweeps' coverage apart). */
static void write_classes(const explore_cli *x, const explore_stats *st)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/classes.txt", x->save_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "wtlab: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    class_list l = {.h = malloc((st->classes + 1) * sizeof *l.h)};
    assert(l.h != NULL);
    explore_each_class(st, collect_class, &l);
    qsort(l.h, l.n, sizeof *l.h, cmp_u64);
    for (size_t i = 0; i < l.n; i++) fprintf(f, "%016llx\n", (unsigned long long)l.h[i]);
    free(l.h);
    fclose(f);
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
    return cli_parse_u64(buf, i) && cli_parse_u64(slash + 1, n) && *n >= 1 && *n <= 4096 &&
           *i < *n; /* --merge takes up to 4096 shards */
}

static int parse_explore(int argc, char **argv, explore_cli *x, scenario **sc)
{
    static const struct option opts[] = {
        {"policy", required_argument, 0, 'p'}, {"runs", required_argument, 0, 'r'},
        {"seed", required_argument, 0, 's'}, {"jobs", required_argument, 0, 'j'},
        {"shard", required_argument, 0, 'S'}, {"save", required_argument, 0, 'o'},
        {"max-preemptions", required_argument, 0, 'P'}, {"no-reduction", no_argument, 0, 'n'},
        {"pct-depth", required_argument, 0, 'd'}, {"pct-steps", required_argument, 0, 'k'},
        {"save-max", required_argument, 0, 'M'}, {"until-covered", required_argument, 0, 'U'},
        {"json", no_argument, 0, 'J'}, {"first-failure", no_argument, 0, 'F'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"clock-blind", no_argument, 0, 'B'}, {"order", required_argument, 0, 'O'}, {0, 0, 0, 0}};
    explore_config *c = &x->cfg;
    uint64_t v;
    bool has_policy = false, has_runs = false, has_order = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "p:r:s:j:S:o:P:nd:k:M:U:JFqhBO:", opts, NULL)) != -1) {
        switch (o) {
        case 'p':
            has_policy = true;
            if (!policy_parse_explore(optarg, &c->kind))
                return cli_usage_error("--policy takes random, pct, pos, dfs or dpor");
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
                return cli_usage_error("--shard takes I/N with 0 <= I < N <= 4096");
            break;
        case 'o': x->save_dir = optarg; break;
        case 'M': if (!cli_parse_u64(optarg, &x->save_max)) return cli_usage_error("bad --save-max"); break;
        case 'P':
            if (!cli_parse_u64(optarg, &v) || v > 64) return cli_usage_error("--max-preemptions takes 0..64");
            c->max_preemptions = (unsigned)v;
            break;
        case 'n': c->reduction = false; break;
        case 'B': c->clock_blind = true; break;
        case 'O':
            if (!explore_order_parse(optarg, &c->order)) return cli_usage_error("--order takes fixed or random");
            has_order = true;
            break;
        case 'd':
            if (!cli_parse_u64(optarg, &v) || v < 1 || v > 10) return cli_usage_error("--pct-depth takes 1..10");
            c->pct_depth = (unsigned)v;
            break;
        case 'k': if (!cli_parse_u64(optarg, &c->pct_steps) || !c->pct_steps) return cli_usage_error("bad --pct-steps"); break;
        case 'U':
            if (!cli_parse_u64(optarg, &c->until_covered) || c->until_covered == 0)
                return cli_usage_error("--until-covered takes a number of runs >= 1");
            break;
        case 'J': x->json = true; break;
        case 'F': c->stop_at_failure = true; break;
        case 'q': x->quiet = true; break;
        case 'h': explore_usage(stdout); return -1;
        default: explore_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!has_policy) {
        explore_usage(stderr);
        return cli_usage_error("explore needs --policy: random, pct, pos, dfs or dpor");
    }
    if (optind != argc - 1) {
        explore_usage(stderr);
        return cli_usage_error(optind >= argc ? "explore needs a SCENARIO file"
                                              : "explore takes one SCENARIO file");
    }
    if (has_order && !explore_kind_searches(c->kind))
        return cli_usage_error("--order applies to dfs and dpor (the other policies are seeded already)");
    if (!has_runs && !explore_kind_searches(c->kind)) c->runs = 1000;
    /* A search's cap is shared by the jobs: none may get a share of 0
     * (0 means no cap), so at most N jobs. */
    if (explore_kind_searches(c->kind) && c->runs > 0 && x->jobs > c->runs) x->jobs = (unsigned)c->runs;
    if ((*sc = cli_load_scenario(argv[optind])) == NULL) return EXIT_USAGE;
    c->sc = *sc;
    return EXIT_OK;
}

/* Each run allocates its memory afresh (the scheduler's decision log, the
 * engine's 1 MiB memtable arenas, the sim's freed-block quarantine) and
 * frees it at its end.  glibc's defaults hand large blocks back to the
 * kernel (mmap'd blocks, heap trimming), so the next run page-faults them
 * in again: on stride-wakeup and memtable-switch that was half the time
 * of a run.  Keeping freed memory in the heap changes no allocation the
 * runs see (no output depends on addresses), only the faults. */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    enum { MMAP_THRESHOLD_BYTES = 32 << 20 }; /* glibc's largest */
    (void)mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    (void)mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

int cmd_explore(int argc, char **argv)
{
    /* explore --merge [--json] DIR... */
    if (argc >= 2 && strcmp(argv[1], "--merge") == 0) {
        bool json = argc >= 3 && strcmp(argv[2], "--json") == 0;
        return explore_merge(argc - 2 - json, argv + 2 + json, json);
    }
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
    if (!explore_kind_searches(x.cfg.kind))
        x.total = x.cfg.runs / x.shard_n + (x.shard_i < x.cfg.runs % x.shard_n);
    else
        x.total = x.cfg.runs;
    if (!x.tty && !x.quiet)
        fprintf(stderr, "explore %s: %s, %s%llu runs, %u job%s\n", sc->name,
                policy_explore_name(x.cfg.kind), x.total ? "" : "up to ",
                (unsigned long long)(x.total ? x.total : x.cfg.runs), x.jobs, x.jobs == 1 ? "" : "s");
    x.start = x.last_progress = wall_seconds();
    x.cfg.on_failure = save_failure;
    x.cfg.failure_arg = &x;
    explore_stats st;
    explore_stats_init(&st);
    /* Runs go to worker processes even with one job: a run that crashes
     * kills its worker, not the explorer. */
    keep_freed_memory();
    bool ok = run_jobs(&x, &st);
    double secs = wall_seconds() - x.start;
    if (x.tty && !x.quiet) fputs("\r\033[K", stderr);
    if (x.json) print_json(&x, &st, secs);
    else print_summary(&x, &st, secs);
    if (x.save_dir) {
        write_summary_json(&x, &st);
        write_classes(&x, &st);
        explore_write_report(x.save_dir, &x.cfg, &st, x.shard_i, x.shard_n);
    }
    rc = !ok ? EXIT_USAGE : st.failures ? EXIT_CHECK_FAILED : EXIT_OK;
    explore_stats_free(&st);
    scenario_free(sc);
    return rc;
}
