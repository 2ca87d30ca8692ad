/*
 * cmd_diff.c — `wtlab diff A B`: where two traces of one scenario part.
 *
 * Both traces must embed the same scenario.  Prints the first event line
 * that differs (both versions, as timeline lines and as recorded), then a
 * summary of what differs overall: schedule, outcome, group compositions.
 * Exit status: 0 identical events, 1 they differ, 2 bad input.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "timeline.h"
#include "tracefile.h"

typedef struct trace_stats {
    size_t groups, decisions, writes_failed;
    char *group_text[4096]; /* "leader:[members]" per group */
    const char *outcome, *invariant;
} trace_stats;

static void collect(const loaded_trace *t, trace_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 1; i < t->file.count; i++) {
        json_t *o = json_loads(t->file.lines[i], 0, NULL);
        const char *ev = json_string_value(json_object_get(o, "ev"));
        if (ev && strcmp(ev, "pick") == 0) st->decisions++;
        if (ev && strcmp(ev, "write_end") == 0 &&
            strcmp(json_string_value(json_object_get(o, "status")), "ok") != 0)
            st->writes_failed++;
        if (ev && strcmp(ev, "group") == 0 && st->groups < 4096) {
            char *members = json_dumps(json_object_get(o, "members"), JSON_COMPACT);
            if (asprintf(&st->group_text[st->groups], "%s", members) < 0) abort();
            free(members);
            st->groups++;
        }
        json_decref(o);
    }
    st->outcome = t->summary_outcome ? t->summary_outcome : "(no summary: trace cut short)";
    st->invariant = t->summary_invariant ? t->summary_invariant : "ok";
}

static void free_stats(trace_stats *st)
{
    for (size_t i = 0; i < st->groups && i < 4096; i++) free(st->group_text[i]);
}

static void print_side(const char *label, const char *line)
{
    char buf[2048];
    uint64_t step;
    if (line == NULL) {
        printf("  %s: (trace ends)\n", label);
        return;
    }
    if (timeline_format(line, NULL, true, buf, sizeof buf, &step))
        printf("  %s: %s\n", label, buf);
    printf("  %s  %s\n", label[0] == 'A' ? " " : " ", line);
}

static void summarize(const loaded_trace *a, const loaded_trace *b)
{
    trace_stats sa, sb;
    collect(a, &sa);
    collect(b, &sb);
    printf("summary of differences:\n");
    printf("  schedule:  A %s seed %llu | B %s seed %llu\n", a->header.policy,
           (unsigned long long)a->header.seed, b->header.policy, (unsigned long long)b->header.seed);
    printf("  outcome:   A %s, invariants %s | B %s, invariants %s\n", sa.outcome, sa.invariant,
           sb.outcome, sb.invariant);
    printf("  decisions: A %zu | B %zu;  failed writes: A %zu | B %zu\n", sa.decisions, sb.decisions,
           sa.writes_failed, sb.writes_failed);
    size_t same = 0;
    while (same < sa.groups && same < sb.groups && same < 4096 &&
           strcmp(sa.group_text[same], sb.group_text[same]) == 0)
        same++;
    printf("  groups:    A %zu | B %zu; the first %zu are the same", sa.groups, sb.groups, same);
    if (same < sa.groups && same < sb.groups && same < 4096)
        printf("; group %zu is %s in A, %s in B", same, sa.group_text[same], sb.group_text[same]);
    putchar('\n');
    free_stats(&sa);
    free_stats(&sb);
}

int cmd_diff(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: wtlab diff TRACE_A TRACE_B\n"
             "Prints the first event where two traces of the same scenario diverge and a\n"
             "summary of what differs.  exit status: 0 same events, 1 different, 2 bad input");
        return EXIT_OK;
    }
    if (argc != 3) return cli_usage_error("usage: wtlab diff TRACE_A TRACE_B");
    loaded_trace a, b;
    if (!loaded_trace_open(argv[1], &a)) return EXIT_USAGE;
    if (!loaded_trace_open(argv[2], &b)) {
        loaded_trace_free(&a);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    if (strcmp(a.header.scenario_text, b.header.scenario_text) != 0) {
        rc = cli_usage_error("%s and %s are traces of different scenarios (%s, %s)", argv[1],
                             argv[2], a.header.scenario_name, b.header.scenario_name);
    } else {
        size_t i = 1;
        while (i < a.file.count && i < b.file.count && strcmp(a.file.lines[i], b.file.lines[i]) == 0)
            i++;
        if (i == a.file.count && i == b.file.count) {
            printf("the traces have the same %zu event lines\n", a.file.count - 1);
        } else {
            printf("first divergence at line %zu (A: %s, B: %s)\n", i + 1, argv[1], argv[2]);
            print_side("A", i < a.file.count ? a.file.lines[i] : NULL);
            print_side("B", i < b.file.count ? b.file.lines[i] : NULL);
            summarize(&a, &b);
            rc = EXIT_CHECK_FAILED;
        }
    }
    loaded_trace_free(&a);
    loaded_trace_free(&b);
    return rc;
}
