/*
 * cmd_explore_merge.c — `wtlab explore --merge DIR...`: the reports of
 * sweeps saved with --save (one per shard, machine or job-array task)
 * combined into one summary.
 *
 * A report is DIR/report.txt, written by explore_write_report: one
 * "key value..." line each (see below), and DIR/classes.txt, the class
 * hashes (hex, one a line).  Merging adds runs, failures, steps,
 * transitions and sync-point hits, unites the classes (a class two
 * shards both visited counts once) and says the space was exhausted only
 * if every part says so.  A search's report also has its order (and the
 * order's seed) and its counters (alternatives pruned, and dpor's races
 * by dependency and backtrack points: the "dpor cost" line), added up.
 * The parts must be shards of one sweep: the same scenario text (a hash
 * of its bytes), build, policy, order and search settings (the line
 * "search ...": bound, reduction, clock, seeds, runs), one shard count,
 * each shard once.  Anything else is refused; shards left out are named
 * and the space is then not called exhausted.  Bad input names
 * FILE:LINE; exit 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explore.h"
#include "policy.h"
#include "writer_state.h"

enum { REPORT_VERSION = 2, MAX_SHARDS = 4096 };

/* The counters of a search's report, in report.txt's order. */
typedef struct counter {
    const char *key;
    size_t offset; /* in explore_stats */
} counter;

#define COUNTER(k) {#k, offsetof(explore_stats, k)}
static const counter counters[] = {
    COUNTER(pruned_sleep), COUNTER(blocked_sleep), COUNTER(bound_skips), COUNTER(pruned_dpor),
    COUNTER(races), COUNTER(unreversible), COUNTER(races_clock), COUNTER(races_spin),
    COUNTER(race_runs), COUNTER(backtracks),
};
#undef COUNTER
enum { COUNTERS = sizeof counters / sizeof counters[0] };

static uint64_t *counter_of(explore_stats *st, size_t i)
{
    return (uint64_t *)(void *)((char *)st + counters[i].offset);
}

/* 64-bit FNV-1a of the scenario's bytes: tells two versions of a file
 * with the same name apart. */
static uint64_t text_hash(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)text; p != NULL && *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h;
}

/* The settings that decide which runs a sweep makes, besides its
 * scenario, build, policy, order and shard, as one line that equal sweeps
 * write alike.  A search's --runs is a cap of each part, so not here. */
static void search_settings(const explore_config *c, char *buf, size_t cap)
{
    /* The clock relation decides the class hashes under every policy. */
    const char *clock = c->clock_blind ? "blind" : "full";
    if (explore_kind_searches(c->kind)) {
        snprintf(buf, cap, "bound %u reduction %d clock %s until_covered %" PRIu64,
                 c->max_preemptions, c->reduction ? 1 : 0, clock, c->until_covered);
    } else if (c->kind == EXPLORE_PCT) { /* the values the runs use: the scenario's unless given */
        unsigned depth = c->pct_depth ? c->pct_depth : c->sc->schedule.pct_depth;
        uint64_t steps = c->pct_steps ? c->pct_steps : c->sc->schedule.pct_steps;
        snprintf(buf, cap, "seed %" PRIu64 " runs %" PRIu64 " pct_depth %u pct_steps %" PRIu64
                 " clock %s until_covered %" PRIu64, c->seed, c->runs, depth, steps, clock,
                 c->until_covered);
    } else {
        snprintf(buf, cap, "seed %" PRIu64 " runs %" PRIu64 " clock %s until_covered %" PRIu64,
                 c->seed, c->runs, clock, c->until_covered);
    }
}

void explore_write_report(const char *dir, const explore_config *c, const explore_stats *st,
                          uint64_t shard_i, uint64_t shard_n)
{
    const char *scenario_name = c->sc->name, *policy = policy_explore_name(c->kind);
    char path[4096];
    snprintf(path, sizeof path, "%s/report.txt", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "wtlab: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    fprintf(f, "wtlab-explore-report %d\nscenario %s\npolicy %s\n", REPORT_VERSION, scenario_name,
            policy);
    if (explore_kind_searches(c->kind)) {
        if (c->order == EXPLORE_ORDER_RANDOM) fprintf(f, "order random %" PRIu64 "\n", c->seed);
        else fprintf(f, "order %s\n", explore_order_name(c->order));
    }
    char settings[256];
    search_settings(c, settings, sizeof settings);
    fprintf(f, "scenario_text %016" PRIx64 "\nbuild %s\nsearch %s\nshard %" PRIu64 " %" PRIu64 "\n",
            text_hash(c->sc->text), run_build_id(), settings, shard_i, shard_n);
    fprintf(f, "runs %" PRIu64 "\nfailures %" PRIu64 "\nsteps %" PRIu64 "\nexhausted %d\n", st->runs,
            st->failures, st->steps, st->exhausted ? 1 : 0);
    if (explore_kind_searches(c->kind)) {
        for (size_t i = 0; i < COUNTERS; i++)
            fprintf(f, "%s %" PRIu64 "\n", counters[i].key, *counter_of((explore_stats *)st, i));
    }
    for (int a = 0; a < WT_STATE_COUNT; a++)
        for (int b = 0; b < WT_STATE_COUNT; b++)
            if (st->transitions[a][b])
                fprintf(f, "transition %s %s %" PRIu64 "\n", wt_state_table[a].name,
                        wt_state_table[b].name, st->transitions[a][b]);
    for (int r = 0; r < RUN_ROLES; r++)
        for (int a = 0; a < WT_STATE_COUNT; a++)
            for (int b = 0; b < WT_STATE_COUNT; b++)
                if (st->role_transitions[r][a][b])
                    fprintf(f, "role_transition %s %s %s %" PRIu64 "\n", explore_role_name(r),
                            wt_state_table[a].name, wt_state_table[b].name, st->role_transitions[r][a][b]);
    for (size_t k = 0; k < explore_sync_point_count(); k++)
        if (st->sync_hits[k])
            fprintf(f, "sync %s %" PRIu64 "\n", explore_sync_point_name(k), st->sync_hits[k]);
    for (size_t i = 0; i < st->fail_kinds; i++)
        fprintf(f, "failure %s %" PRIu64 " %" PRIu64 "\n", st->fail[i].invariant, st->fail[i].count,
                st->fail[i].first_index);
    fclose(f);
}

typedef struct merged {
    char scenario[256], policy[32];
    char text_hash[256], build[256], search[256]; /* as the first report has them */
    uint64_t shard_count;
    const char *shard_dir[MAX_SHARDS]; /* the part that is each shard (NULL: not given) */
    char order[256];         /* a search's "fixed" or "random SEED"; "" before a search's */
    explore_stats st;
    bool exhausted;
    char first_dir[64][256]; /* the part where each failure kind was first seen */
} merged;

static int state_index(const char *name)
{
    for (int i = 0; i < WT_STATE_COUNT; i++)
        if (strcmp(wt_state_table[i].name, name) == 0) return i;
    return -1;
}

static int sync_index(const char *name)
{
    for (size_t k = 0; k < explore_sync_point_count(); k++)
        if (strcmp(explore_sync_point_name(k), name) == 0) return (int)k;
    return -1;
}

static int counter_index(const char *key)
{
    for (size_t i = 0; i < COUNTERS; i++)
        if (strcmp(counters[i].key, key) == 0) return (int)i;
    return -1;
}

static int bad(const char *path, unsigned line, const char *what)
{
    return cli_usage_error("%s:%u: %s", path, line, what);
}

/* A line that every part of one sweep has alike: the first report sets
 * it, the others must match it. */
static int same_as_first(const char *path, unsigned line, const char *key, const char *value,
                         char *kept, size_t cap, bool first, const char *why)
{
    if (first) {
        snprintf(kept, cap, "%s", value);
        return EXIT_OK;
    }
    if (strcmp(kept, value) == 0) return EXIT_OK;
    return cli_usage_error("%s:%u: %s %s, but the first report's is %s (%s)", path, line, key, value,
                           kept, why);
}

/* "shard I N": one more part of a sweep cut in N. */
static int note_shard(const char *path, unsigned line, const char *dir, const char *buf, merged *m,
                      bool first)
{
    uint64_t i = 0, n = 0;
    if (sscanf(buf, "%*s %" SCNu64 " %" SCNu64, &i, &n) != 2 || n == 0 || i >= n)
        return bad(path, line, "expected shard I N with 0 <= I < N");
    if (n > MAX_SHARDS) return bad(path, line, "more shards than --merge takes (4096)");
    if (first) m->shard_count = n;
    else if (n != m->shard_count)
        return cli_usage_error("%s:%u: shard %" PRIu64 "/%" PRIu64 ", but the first report is of "
                               "a sweep in %" PRIu64 " shards", path, line, i, n, m->shard_count);
    if (m->shard_dir[i] != NULL)
        return cli_usage_error("%s:%u: shard %" PRIu64 "/%" PRIu64 " is given twice (also %s); "
                               "its runs would count twice", path, line, i, n, m->shard_dir[i]);
    m->shard_dir[i] = dir;
    return EXIT_OK;
}

static int read_report(const char *dir, merged *m, bool first)
{
    char path[4096], buf[1024];
    snprintf(path, sizeof path, "%s/report.txt", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) return cli_usage_error("cannot read %s: %s (was it saved by explore --save?)", path, strerror(errno));
    unsigned line = 0;
    int rc = EXIT_OK, version = 0;
    bool seen_exhausted = false, seen_order = false, seen_part = false;
    unsigned seen_alike = 0; /* scenario_text 1, build 2, search 4 */
    while (rc == EXIT_OK && fgets(buf, sizeof buf, f) != NULL) {
        line++;
        char key[64], a[256], b[256], role[64];
        uint64_t n = 0, n2 = 0;
        if (strchr(buf, '\n') == NULL && !feof(f)) { rc = bad(path, line, "line too long"); break; }
        if (sscanf(buf, "%63s", key) != 1) { rc = bad(path, line, "empty line"); break; }
        if (line == 1) {
            if (strcmp(key, "wtlab-explore-report") != 0 || sscanf(buf, "%*s %d", &version) != 1)
                rc = bad(path, line, "not a wtlab explore report");
            else if (version != REPORT_VERSION)
                rc = cli_usage_error("%s:%u: a report of version %d, saved by another wtlab; this one "
                                     "merges version %d (run the sweep again)", path, line, version,
                                     REPORT_VERSION);
        } else if (strcmp(key, "scenario_text") == 0 || strcmp(key, "build") == 0 ||
                   strcmp(key, "search") == 0) {
            /* the rest of the line, as written */
            const char *v = buf + strspn(buf, " \t") + strlen(key);
            v += strspn(v, " \t");
            snprintf(a, sizeof a, "%.*s", (int)strcspn(v, "\n"), v);
            if (a[0] == '\0') { rc = bad(path, line, "expected a value"); break; }
            if (key[1] == 'c') {
                seen_alike |= 1u;
                rc = same_as_first(path, line, key, a, m->text_hash, sizeof m->text_hash, first,
                                   "the scenario file changed between the parts");
            } else if (key[0] == 'b') {
                seen_alike |= 2u;
                rc = same_as_first(path, line, key, a, m->build, sizeof m->build, first,
                                   "another build may run other schedules");
            } else {
                seen_alike |= 4u;
                rc = same_as_first(path, line, key, a, m->search, sizeof m->search, first,
                                   "the parts of one sweep share its settings");
            }
        } else if (strcmp(key, "shard") == 0) {
            if (seen_part) { rc = bad(path, line, "a second shard line"); break; }
            rc = note_shard(path, line, dir, buf, m, first);
            seen_part = true;
        } else if (strcmp(key, "scenario") == 0 || strcmp(key, "policy") == 0) {
            if (sscanf(buf, "%*s %255s", a) != 1) { rc = bad(path, line, "expected a name"); break; }
            char *dst = key[0] == 's' ? m->scenario : m->policy;
            size_t cap = key[0] == 's' ? sizeof m->scenario : sizeof m->policy;
            if (first) snprintf(dst, cap, "%s", a);
            else if (strcmp(dst, a) != 0) {
                fclose(f);
                return cli_usage_error("%s:%u: %s %s, but the first report is of %s %s", path, line,
                                       key, a, key, dst);
            }
        } else if (strcmp(key, "order") == 0) {
            char name[32] = "", extra[2] = "";
            int got = sscanf(buf, "%*s %31s %" SCNu64 " %1s", name, &n, extra);
            explore_order o;
            if (got < 1 || got > 2 || !explore_order_parse(name, &o) ||
                (got == 2) != (o == EXPLORE_ORDER_RANDOM)) {
                rc = bad(path, line, "expected order fixed or order random SEED");
                break;
            }
            if (o == EXPLORE_ORDER_RANDOM) snprintf(a, sizeof a, "random %" PRIu64, n);
            else snprintf(a, sizeof a, "%s", name);
            if (first) {
                snprintf(m->order, sizeof m->order, "%s", a);
            } else if (strcmp(m->order, a) != 0) {
                fclose(f);
                return cli_usage_error("%s:%u: order %s, but the first report's is %s (the parts "
                                       "of one search share its order)", path, line, a,
                                       m->order[0] ? m->order : "not given");
            }
            seen_order = true;
        } else if (counter_index(key) >= 0 && sscanf(buf, "%*s %" SCNu64, &n) == 1) {
            *counter_of(&m->st, (size_t)counter_index(key)) += n;
        } else if (strcmp(key, "runs") == 0 && sscanf(buf, "%*s %" SCNu64, &n) == 1) {
            m->st.runs += n;
        } else if (strcmp(key, "failures") == 0 && sscanf(buf, "%*s %" SCNu64, &n) == 1) {
            m->st.failures += n;
        } else if (strcmp(key, "steps") == 0 && sscanf(buf, "%*s %" SCNu64, &n) == 1) {
            m->st.steps += n;
        } else if (strcmp(key, "exhausted") == 0 && sscanf(buf, "%*s %" SCNu64, &n) == 1 && n <= 1) {
            m->exhausted = m->exhausted && n == 1;
            seen_exhausted = true;
        } else if (strcmp(key, "transition") == 0 &&
                   sscanf(buf, "%*s %255s %255s %" SCNu64, a, b, &n) == 3) {
            int x = state_index(a), y = state_index(b);
            if (x < 0 || y < 0) rc = bad(path, line, "unknown writer state");
            else m->st.transitions[x][y] += n;
        } else if (strcmp(key, "role_transition") == 0 &&
                   sscanf(buf, "%*s %63s %255s %255s %" SCNu64, role, a, b, &n) == 4) {
            int r = 0, x = state_index(a), y = state_index(b);
            while (explore_role_name(r) != NULL && strcmp(explore_role_name(r), role) != 0) r++;
            if (explore_role_name(r) == NULL) rc = bad(path, line, "unknown writer role");
            else if (x < 0 || y < 0) rc = bad(path, line, "unknown writer state");
            else m->st.role_transitions[r][x][y] += n;
        } else if (strcmp(key, "sync") == 0 && sscanf(buf, "%*s %255s %" SCNu64, a, &n) == 2) {
            int k = sync_index(a);
            if (k < 0) rc = bad(path, line, "unknown sync point");
            else m->st.sync_hits[k] += n;
        } else if (strcmp(key, "failure") == 0 &&
                   sscanf(buf, "%*s %63s %" SCNu64 " %" SCNu64, a, &n, &n2) == 3) {
            size_t i = 0;
            while (i < m->st.fail_kinds && strcmp(m->st.fail[i].invariant, a) != 0) i++;
            if (i == m->st.fail_kinds && i < EXPLORE_MAX_INVARIANTS) {
                m->st.fail_kinds++;
                snprintf(m->st.fail[i].invariant, sizeof m->st.fail[i].invariant, "%.63s", a);
                m->st.fail[i].first_index = n2;
                snprintf(m->first_dir[i], sizeof m->first_dir[i], "%s", dir);
            } else if (i < m->st.fail_kinds && n2 < m->st.fail[i].first_index) {
                /* the sweep's first such run, whatever order the DIRs come in */
                m->st.fail[i].first_index = n2;
                snprintf(m->first_dir[i], sizeof m->first_dir[i], "%s", dir);
            }
            if (i < EXPLORE_MAX_INVARIANTS) m->st.fail[i].count += n;
        } else {
            rc = bad(path, line, "expected scenario, policy, runs, failures, steps, exhausted, "
                                 "order, a search's counter, transition, sync or failure with "
                                 "its values");
        }
    }
    fclose(f);
    if (rc == EXIT_OK && line == 0) rc = bad(path, 1, "empty report");
    if (rc == EXIT_OK && !seen_exhausted) rc = bad(path, line, "no \"exhausted\" line");
    if (rc == EXIT_OK && (!seen_part || seen_alike != 7u))
        rc = cli_usage_error("%s: missing one of the lines scenario_text, build, search, shard "
                             "(was it saved by this wtlab's explore --save?)", path);
    if (rc == EXIT_OK && !first && !seen_order && m->order[0])
        rc = cli_usage_error("%s: no order line, but the first report's order is %s (the parts of "
                             "one search share its order)", path, m->order);
    if (rc != EXIT_OK) return rc;
    snprintf(path, sizeof path, "%s/classes.txt", dir);
    if ((f = fopen(path, "r")) == NULL) return cli_usage_error("cannot read %s: %s", path, strerror(errno));
    line = 0;
    while (fgets(buf, sizeof buf, f) != NULL) {
        line++;
        char *end;
        errno = 0;
        unsigned long long h = strtoull(buf, &end, 16);
        if (end == buf || (*end != '\n' && *end != '\0') || errno != 0 || h == 0) {
            fclose(f);
            return bad(path, line, "expected a class hash (16 hex digits)");
        }
        explore_remember_class(&m->st, h);
    }
    fclose(f);
    return EXIT_OK;
}

int explore_merge(int argc, char **argv, bool json)
{
    if (argc < 1) return cli_usage_error("--merge needs at least one DIR saved by explore --save");
    merged *m = calloc(1, sizeof *m);
    if (m == NULL) return cli_usage_error("out of memory");
    m->exhausted = true;
    int rc = EXIT_OK;
    for (int i = 0; i < argc && rc == EXIT_OK; i++) rc = read_report(argv[i], m, i == 0);
    uint64_t missing = 0;
    char missing_list[256] = "";
    for (uint64_t i = 0; rc == EXIT_OK && i < m->shard_count; i++) {
        if (m->shard_dir[i] != NULL) continue;
        size_t used = strlen(missing_list);
        if (missing++ < 16)
            snprintf(missing_list + used, sizeof missing_list - used, "%s%" PRIu64, used ? ", " : "", i);
        else if (missing == 17)
            snprintf(missing_list + used, sizeof missing_list - used, ", ...");
    }
    if (missing > 0) m->exhausted = false; /* the missing parts were not searched here */
    if (rc == EXIT_OK) {
        unsigned legal = 0, covered = 0;
        for (int a = 0; a < WT_STATE_COUNT; a++)
            for (int b = 0; b < WT_STATE_COUNT; b++)
                if (wt_state_transition_legal(wt_state_table[a].bit, wt_state_table[b].bit)) {
                    legal++;
                    covered += m->st.transitions[a][b] != 0;
                }
        size_t hit = 0;
        for (size_t k = 0; k < explore_sync_point_count(); k++) hit += m->st.sync_hits[k] != 0;
        bool dpor = strcmp(m->policy, "dpor") == 0 && m->order[0]; /* a report with its counters */
        if (json) {
            printf("{\"scenario\": \"%s\", \"policy\": \"%s\", \"parts\": %d, \"runs\": %" PRIu64
                   ", \"failures\": %" PRIu64 ", \"classes\": %" PRIu64 ", \"exhausted\": %s, "
                   "\"transitions_legal\": %u, \"transitions_covered\": %u, \"sync_points\": %zu, "
                   "\"sync_points_reached\": %zu, ",
                   m->scenario, m->policy, argc, m->st.runs, m->st.failures, m->st.classes,
                   m->exhausted ? "true" : "false", legal, covered, explore_sync_point_count(), hit);
            printf("\"shards\": %" PRIu64 ", \"shards_missing\": %" PRIu64 ", \"failure_kinds\": [",
                   m->shard_count, missing);
            for (size_t i = 0; i < m->st.fail_kinds; i++)
                printf("%s{\"invariant\": \"%s\", \"count\": %" PRIu64 "}", i ? ", " : "",
                       m->st.fail[i].invariant, m->st.fail[i].count);
            printf("]");
            if (m->order[0])
                printf(", \"order\": \"%.*s\", \"pruned_sleep\": %" PRIu64 ", \"pruned_dpor\": %" PRIu64
                       ", \"bound_skips\": %" PRIu64 ", \"races\": %" PRIu64,
                       (int)strcspn(m->order, " "), m->order, m->st.pruned_sleep,
                       m->st.pruned_dpor, m->st.bound_skips, m->st.races);
            if (strncmp(m->order, "random ", 7) == 0) printf(", \"order_seed\": %s", m->order + 7);
            if (dpor) explore_print_dpor_cost(&m->st, true);
            explore_print_roles(&m->st, true);
            printf("}\n");
        } else {
            printf("explore %s: %s%s%s, %d parts merged\n", m->scenario, m->policy,
                   strncmp(m->order, "random ", 7) == 0 ? ", random order, seed " : "",
                   strncmp(m->order, "random ", 7) == 0 ? m->order + 7 : "", argc);
            if (missing > 0)
                printf("  shards missing: %s (of 0-%" PRIu64 "): their runs are not in this summary\n",
                       missing_list, m->shard_count - 1);
            printf("  %" PRIu64 " runs; space %s; Mazurkiewicz classes: %" PRIu64 "\n", m->st.runs,
                   m->exhausted ? "EXHAUSTED" : "not exhausted", m->st.classes);
            if (m->order[0])
                printf("  %" PRIu64 " alternatives pruned by sleep sets, %" PRIu64 " runs cut as "
                       "redundant, %" PRIu64 " alternatives beyond the preemption bound\n",
                       m->st.pruned_sleep, m->st.blocked_sleep, m->st.bound_skips);
            if (dpor) {
                printf("  dpor: %" PRIu64 " races, %" PRIu64 " alternatives no race asked for, %" PRIu64
                       " races the racer could not take where they occurred\n",
                       m->st.races, m->st.pruned_dpor, m->st.unreversible);
                explore_print_dpor_cost(&m->st, false);
            }
            if (m->st.failures == 0) puts("  failures: none");
            else printf("  failures: %" PRIu64 "\n", m->st.failures);
            for (size_t i = 0; i < m->st.fail_kinds; i++)
                printf("    %-24s %" PRIu64 " runs, first at run %" PRIu64 " of %s\n",
                       m->st.fail[i].invariant, m->st.fail[i].count, m->st.fail[i].first_index,
                       m->first_dir[i]);
            printf("  state transitions covered: %u of %u legal ones\n", covered, legal);
            explore_print_roles(&m->st, false);
            printf("  sync points reached: %zu of %zu\n", hit, explore_sync_point_count());
        }
        rc = m->st.failures ? EXIT_CHECK_FAILED : EXIT_OK;
    }
    explore_stats_free(&m->st);
    free(m);
    return rc;
}
