/*
 * cmd_diff.c — `wtlab diff A B`: where two traces of one scenario part.
 *
 * Both traces must embed the same scenario.  Prints the first event line
 * that differs (both versions, as timeline lines and as recorded), then a
 * summary of what differs overall: schedule, outcome, group compositions.
 * Exit status: 0 identical events, 1 they differ, 2 bad input.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "loaded_trace.h"
#include "timeline.h"

typedef struct trace_stats {
    size_t groups, decisions, writes_failed;
    const trace_event **group; /* the group events, in order */
    const char *outcome, *invariant;
} trace_stats;

static void collect(const loaded_trace *t, trace_stats *st)
{
    memset(st, 0, sizeof *st);
    st->group = calloc(t->doc.event_count + 1, sizeof *st->group);
    for (size_t i = 0; i < t->doc.event_count; i++) {
        const trace_event *e = &t->doc.events[i];
        if (e->kind == TRACE_PICK) st->decisions++;
        if (e->kind == TRACE_WRITE_END && strcmp(e->status, "ok") != 0) st->writes_failed++;
        if (e->kind == TRACE_GROUP) st->group[st->groups++] = e;
    }
    st->outcome = t->summary_outcome ? t->summary_outcome : "(no summary: trace cut short)";
    st->invariant = t->summary_invariant ? t->summary_invariant : "ok";
}

static bool same_members(const trace_event *a, const trace_event *b)
{
    if (a->members.count != b->members.count) return false;
    for (uint32_t i = 0; i < a->members.count; i++)
        if (strcmp(a->members.names[i], b->members.names[i]) != 0) return false;
    return true;
}

static void print_members(const trace_event *g)
{
    putchar('[');
    for (uint32_t i = 0; i < g->members.count; i++) printf("%s%s", i ? " " : "", g->members.names[i]);
    putchar(']');
}

/* Line `line` of t (1-based past the header) as a timeline line and as
 * recorded. */
static void print_side(const char *label, const loaded_trace *t, size_t line)
{
    if (line >= t->doc.line_count) {
        printf("  %s: (trace ends)\n", label);
        return;
    }
    char buf[2048];
    if (line - 1 < t->doc.event_count) {
        timeline_format(&t->doc.events[line - 1], buf, sizeof buf);
        printf("  %s: %s\n", label, buf);
    }
    printf("  %s  %s\n", " ", t->doc.lines[line]);
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
    while (same < sa.groups && same < sb.groups && same_members(sa.group[same], sb.group[same]))
        same++;
    printf("  groups:    A %zu | B %zu; the first %zu are the same", sa.groups, sb.groups, same);
    if (same < sa.groups && same < sb.groups) {
        printf("; group %zu is ", same);
        print_members(sa.group[same]);
        printf(" in A, ");
        print_members(sb.group[same]);
        printf(" in B");
    }
    putchar('\n');
    free(sa.group);
    free(sb.group);
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
    if (strcmp(a.header.scenario, b.header.scenario) != 0) {
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
            print_side("A", &a, i);
            print_side("B", &b, i);
            summarize(&a, &b);
            rc = EXIT_CHECK_FAILED;
        }
    }
    loaded_trace_free(&a);
    loaded_trace_free(&b);
    return rc;
}
