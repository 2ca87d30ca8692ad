/*
 * compare.c — two traces side by side (compare.h).
 */
#include "compare.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

double compare_mean_group(const trace_stats *st)
{
    return st->groups ? (double)st->group_members / (double)st->groups : 0;
}

double compare_writes_per_sec(const trace_stats *st)
{
    return st->span_ns ? (double)st->writes * 1e9 / (double)st->span_ns : 0;
}

double compare_rel(double a, double b)
{
    if (a == b) return 0;
    if (a == 0) return b > 0 ? INFINITY : -INFINITY;
    return (b - a) / fabs(a);
}

static double per_write(const trace_stats *st, uint64_t ns)
{
    return st->writes ? (double)ns / (double)st->writes / 1000.0 : 0;
}

static void row(FILE *out, const char *name, double a, double b, const char *fmt)
{
    char sa[32], sb[32];
    snprintf(sa, sizeof sa, fmt, a);
    snprintf(sb, sizeof sb, fmt, b);
    double r = compare_rel(a, b);
    if (isinf(r))
        fprintf(out, "  %-28s %14s %14s %9s\n", name, sa, sb, r > 0 ? "+inf" : "-inf");
    else
        fprintf(out, "  %-28s %14s %14s %+8.1f%%\n", name, sa, sb, 100.0 * r);
}

static double share(const trace_stats *st, size_t size)
{
    return st->groups ? (double)st->groups_by_size[size] / (double)st->groups : 0;
}

static size_t largest_group(const trace_stats *a, const trace_stats *b)
{
    size_t m = 1;
    for (size_t i = 1; i <= TRACE_STATS_MAX_GROUP; i++)
        if (a->groups_by_size[i] || b->groups_by_size[i]) m = i;
    return m;
}

double compare_print(FILE *out, const char *name_a, const trace_stats *a, const char *name_b,
                     const trace_stats *b)
{
    fprintf(out, "  %-28s %14s %14s %9s\n", "", name_a, name_b, "diff");
    row(out, "writes", (double)a->writes, (double)b->writes, "%.0f");
    /* Several traces per side: the writers of one run (their mean). */
    row(out, "writers", (double)a->writers / (double)(a->traces ? a->traces : 1),
        (double)b->writers / (double)(b->traces ? b->traces : 1), "%.0f");
    row(out, "writes/s", compare_writes_per_sec(a), compare_writes_per_sec(b), "%.0f");
    row(out, "groups", (double)a->groups, (double)b->groups, "%.0f");
    row(out, "mean group size", compare_mean_group(a), compare_mean_group(b), "%.2f");
    double fa = a->writes ? (double)a->wal_syncs / (double)a->writes : 0;
    double fb = b->writes ? (double)b->wal_syncs / (double)b->writes : 0;
    row(out, "fsyncs per write", fa, fb, "%.4f");
    fputs("group size distribution (share of groups):\n", out);
    size_t top = largest_group(a, b);
    for (size_t i = 1; i <= top; i++) {
        char name[40];
        snprintf(name, sizeof name, "%zu%s", i, i == TRACE_STATS_MAX_GROUP ? "+" : "");
        row(out, name, share(a, i), share(b, i), "%.3f");
    }
    fputs("time per write in each state (us):\n", out);
    for (int s = 0; s < WT_STATE_COUNT; s++) {
        if (a->state_ns[s] == 0 && b->state_ns[s] == 0) continue;
        row(out, wt_state_table[s].name, per_write(a, a->state_ns[s]), per_write(b, b->state_ns[s]),
            "%.1f");
    }
    row(out, "(think, between writes)", per_write(a, a->think_total_ns),
        per_write(b, b->think_total_ns), "%.1f");
    double worst = 0;
    double heads[] = {compare_rel(compare_writes_per_sec(a), compare_writes_per_sec(b)),
                      compare_rel(compare_mean_group(a), compare_mean_group(b)),
                      compare_rel(fa, fb)};
    for (size_t i = 0; i < 3; i++)
        if (fabs(heads[i]) > worst) worst = fabs(heads[i]);
    return worst;
}

static void data_block(FILE *out, const char *var, const trace_stats *st, size_t top)
{
    fprintf(out, "$%s_groups << EOD\n", var);
    for (size_t i = 1; i <= top; i++) fprintf(out, "%zu %.6f\n", i, share(st, i));
    fprintf(out, "EOD\n$%s_states << EOD\n", var);
    for (int s = 0; s < WT_STATE_COUNT; s++)
        fprintf(out, "%d \"%s\" %.3f\n", s, wt_state_table[s].name, per_write(st, st->state_ns[s]));
    fprintf(out, "%d \"think\" %.3f\nEOD\n", WT_STATE_COUNT, per_write(st, st->think_total_ns));
}

/* Quotes for a gnuplot string: no quotes or backslashes inside. */
static void gp_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) fputc(*s == '"' || *s == '\\' ? '_' : *s, out);
    fputc('"', out);
}

void compare_write_gnuplot(FILE *out, const char *png_path, const char *name_a,
                           const trace_stats *a, const char *name_b, const trace_stats *b)
{
    size_t top = largest_group(a, b);
    double ymax = 0, smax = 0;
    for (size_t i = 1; i <= top; i++) ymax = fmax(ymax, fmax(share(a, i), share(b, i)));
    for (int s = 0; s < WT_STATE_COUNT; s++)
        smax = fmax(smax, fmax(per_write(a, a->state_ns[s]), per_write(b, b->state_ns[s])));
    smax = fmax(smax, fmax(per_write(a, a->think_total_ns), per_write(b, b->think_total_ns)));
    fputs("# wtlab compare: two traces on the same axes (sim/lab/compare.c)\n", out);
    fputs("set terminal pngcairo noenhanced size 1100,880 font \"sans,10\"\nset output ", out);
    gp_string(out, png_path);
    fputc('\n', out);
    data_block(out, "a", a, top);
    data_block(out, "b", b, top);
    fputs("set multiplot layout 2,2\nset style fill solid 0.8 border -1\nset grid ytics\n"
          "set lmargin 10\nset rmargin 8\nset bmargin 7\n", out);
    const char *vars[] = {"a", "b"};
    const char *names[] = {name_a, name_b};
    const trace_stats *sts[] = {a, b};
    for (int p = 0; p < 2; p++) {
        fputs("set title ", out);
        char title[300];
        snprintf(title, sizeof title, "%s: group sizes (mean %.2f, %" PRIu64 " groups)", names[p],
                 compare_mean_group(sts[p]), sts[p]->groups);
        gp_string(out, title);
        fprintf(out, "\nset xlabel \"writers in the group\"\nset ylabel \"share of groups\"\n"
                     "set xrange [0.5:%zu.5]\nset yrange [0:%.4f]\nset xtics 1\n"
                     "plot $%s_groups using 1:2 with boxes notitle lc rgb \"#4477aa\"\n",
                top, ymax * 1.1 + 1e-9, vars[p]);
    }
    fputs("set bmargin 10\n", out); /* room for the slanted state names */
    for (int p = 0; p < 2; p++) {
        fputs("set title ", out);
        char title[300];
        snprintf(title, sizeof title, "%s: time per write in each state", names[p]);
        gp_string(out, title);
        fprintf(out, "\nset xlabel \"\"\nset ylabel \"us per write\"\nset xrange [-0.5:%d.5]\n"
                     "set yrange [0:%.4f]\nset xtics rotate by 30 right\n"
                     "plot $%s_states using 1:3:xtic(2) with boxes notitle lc rgb \"#cc6677\"\n"
                     "set xtics norotate\n",
                WT_STATE_COUNT, smax * 1.1 + 1e-9, vars[p]);
    }
    fputs("unset multiplot\n", out);
}
