/*
 * test_lesson_coverage.c — the lessons teach every legal transition and
 * every write mode.
 *
 * Runs every lesson scenario (LESSONS_DIR/NN-name.json, as `wtlab lesson`
 * does: its own policy and seed), unions the state transitions of all
 * runs and compares the union with the engine's legal-transition table
 * (wt_state_transition_legal): each legal transition must occur in some
 * lesson, and no illegal one in any.  Every write mode must be some
 * lesson's: default serial and parallel memtable, pipelined serial and
 * parallel, unordered, two write queues.  Prints TAP; exit 1 on a gap.
 *
 * usage: test_lesson_coverage LESSONS_DIR
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "scenario.h"
#include "writer_state.h"

enum { MAX_LESSONS = 64 };

enum { MODE_SERIAL, MODE_PARALLEL, MODE_PIPELINED_SERIAL, MODE_PIPELINED_PARALLEL,
       MODE_UNORDERED, MODE_TWO_QUEUES, MODE_COUNT };

static const char *const mode_names[MODE_COUNT] = {
    "default, serial memtable", "default, parallel memtable", "pipelined, serial memtable",
    "pipelined, parallel memtable", "unordered write", "two write queues"};

static int mode_of(const wt_options *o)
{
    if (o->two_write_queues) return MODE_TWO_QUEUES;
    if (o->unordered_write) return MODE_UNORDERED;
    if (o->enable_pipelined_write)
        return o->allow_concurrent_memtable_write ? MODE_PIPELINED_PARALLEL : MODE_PIPELINED_SERIAL;
    return o->allow_concurrent_memtable_write ? MODE_PARALLEL : MODE_SERIAL;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LESSONS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (d == NULL) {
        printf("Bail out! cannot open %s\n", argv[1]);
        return 1;
    }
    char *names[MAX_LESSONS];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < MAX_LESSONS;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);

    uint64_t seen[WT_STATE_COUNT][WT_STATE_COUNT] = {{0}};
    const char *first_by[WT_STATE_COUNT][WT_STATE_COUNT] = {{0}};
    const char *mode_lesson[MODE_COUNT] = {0};
    int test = 0, failed = 0;
    printf("1..%zu\n", n + 3);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
        scenario_error err;
        scenario *sc = scenario_load_file(path, &err);
        if (sc == NULL) {
            printf("not ok %d - %s: %s\n", ++test, names[i], err.text);
            failed++;
            continue;
        }
        run_config cfg;
        run_config_default(&cfg, sc);
        run_result r;
        bool ran = run_scenario(&cfg, &r);
        bool ok = ran && r.passed;
        printf("%s %d - %s runs as it expects\n", ok ? "ok" : "not ok", ++test, names[i]);
        failed += !ok;
        if (ran) {
            for (int f = 0; f < WT_STATE_COUNT; f++)
                for (int t = 0; t < WT_STATE_COUNT; t++)
                    if (r.transitions[f][t] && seen[f][t]++ == 0) first_by[f][t] = names[i];
            run_result_free(&r);
        }
        int m = mode_of(&sc->options);
        if (mode_lesson[m] == NULL) mode_lesson[m] = names[i];
        scenario_free(sc);
    }

    int legal = 0, covered = 0;
    bool all_legal_seen = true, none_illegal = true;
    for (int f = 0; f < WT_STATE_COUNT; f++)
        for (int t = 0; t < WT_STATE_COUNT; t++) {
            bool is_legal = wt_state_transition_legal(wt_state_table[f].bit, wt_state_table[t].bit);
            legal += is_legal;
            covered += is_legal && seen[f][t];
            if (is_legal && !seen[f][t]) {
                printf("# missing: %s -> %s (no lesson shows it)\n", wt_state_table[f].name,
                       wt_state_table[t].name);
                all_legal_seen = false;
            }
            if (!is_legal && seen[f][t]) {
                printf("# illegal: %s -> %s (in %s)\n", wt_state_table[f].name,
                       wt_state_table[t].name, first_by[f][t]);
                none_illegal = false;
            }
        }
    printf("%s %d - every legal transition occurs in a lesson (%d of %d)\n",
           all_legal_seen ? "ok" : "not ok", ++test, covered, legal);
    printf("%s %d - no lesson makes an illegal transition\n", none_illegal ? "ok" : "not ok", ++test);
    bool all_modes = true;
    for (int m = 0; m < MODE_COUNT; m++) {
        printf("# %-30s %s\n", mode_names[m], mode_lesson[m] ? mode_lesson[m] : "(no lesson)");
        all_modes &= mode_lesson[m] != NULL;
    }
    printf("%s %d - every write mode has a lesson\n", all_modes ? "ok" : "not ok", ++test);
    failed += !all_legal_seen + !none_illegal + !all_modes;
    for (size_t i = 0; i < n; i++) free(names[i]);
    return failed ? 1 : 0;
}
