/*
 * cmd_compare.c — `wtlab compare A B [-o CHART.png] [--script FILE.gp]
 * [--tolerance PCT]`: two traces (typically a real run and the sim's
 * calibrated prediction of it) side by side, with the relative difference
 * of every figure (compare.h); optionally a chart, two panels per figure
 * on the same axes, drawn with gnuplot.  `A1 A2 ... vs B1 B2 ...`: each
 * side is several traces added up (several real runs against several sim
 * seeds); a side's traces must all be real or all sim.
 *
 * Exit status: 0 done (and, with --tolerance, every headline figure --
 * writes/s, mean group size, fsyncs per write -- within PCT percent);
 * 1 a headline figure beyond the tolerance, or gnuplot failed; 2 usage, a
 * bad trace, no gnuplot.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"

static const char usage[] =
    "usage: wtlab compare TRACE_A TRACE_B [-o CHART.png] [--script FILE.gp] [--tolerance PCT]\n"
    "       wtlab compare TRACE_A... vs TRACE_B... [options]\n"
    "  Group sizes, writes/s, fsyncs per write and time per state per write of two\n"
    "  traces (a real one from wtbench/wtdb --trace and a sim one), with the relative\n"
    "  difference (B-A)/A.  -o draws both on the same axes with gnuplot.  With \"vs\"\n"
    "  each side adds up several traces (say, real runs against sim seeds; a side's\n"
    "  traces all real or all sim).\n";

static const char *label(const trace_stats *st, const char *fallback)
{
    return st->real ? "real" : fallback;
}

static int draw(const char *png, const char *script_path, const char *na, const trace_stats *a,
                const char *nb, const trace_stats *b)
{
    char tmp[] = "/tmp/wtlab-compare-XXXXXX";
    const char *path = script_path;
    if (path == NULL) {
        int fd = mkstemp(tmp);
        if (fd < 0) return cli_usage_error("compare: cannot create a temporary script");
        close(fd);
        path = tmp;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) return cli_usage_error("%s: cannot create", path);
    compare_write_gnuplot(f, png != NULL ? png : "compare.png", na, a, nb, b);
    if (fclose(f) != 0) return cli_usage_error("%s: cannot write", path);
    if (png == NULL) return EXIT_OK;
    if (!cli_make_parent_dirs(png)) return cli_usage_error("%s: cannot create its directory", png);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gnuplot '%s' 2>&1", path);
    if (strchr(path, '\'') != NULL) return cli_usage_error("%s: a quote in the path", path);
    int rc = system(cmd);
    if (path == tmp) remove(tmp);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 127)
        return cli_usage_error("compare: gnuplot could not be run (is it installed?)");
    if (WEXITSTATUS(rc) != 0) {
        fprintf(stderr, "wtlab: compare: gnuplot failed (exit %d)\n", WEXITSTATUS(rc));
        return EXIT_CHECK_FAILED;
    }
    printf("chart     %s\n", png);
    return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
    const char **in = calloc((size_t)argc, sizeof *in);
    if (in == NULL) abort();
    const char *png = NULL, *script = NULL;
    double tolerance = -1;
    size_t n = 0, split = 0; /* traces in[0..split) are side A when "vs" is given */
    bool vs = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            free(in);
            return EXIT_OK;
        }
        bool has_value = strcmp(a, "-o") == 0 || strcmp(a, "--script") == 0 ||
                         strcmp(a, "--tolerance") == 0;
        if (has_value && i + 1 >= argc) {
            free(in);
            return cli_usage_error("compare: %s needs a value\n%s", a, usage);
        }
        if (strcmp(a, "-o") == 0) {
            png = argv[++i];
        } else if (strcmp(a, "--script") == 0) {
            script = argv[++i];
        } else if (strcmp(a, "--tolerance") == 0) {
            char *end;
            tolerance = strtod(argv[++i], &end);
            if (*end != '\0' || !(tolerance >= 0) || isinf(tolerance)) {
                free(in);
                return cli_usage_error("compare: --tolerance: not a percentage: %s", argv[i]);
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            free(in);
            return cli_usage_error("compare: unknown option %s\n%s", a, usage);
        } else if (strcmp(a, "vs") == 0) {
            if (vs) {
                free(in);
                return cli_usage_error("compare: \"vs\" twice\n%s", usage);
            }
            vs = true;
            split = n;
        } else {
            in[n++] = a;
        }
    }
    if (!vs) split = 1;
    const char *why = NULL;
    if (vs && (split == 0 || split == n))
        why = "compare: \"vs\" needs at least one trace on each side";
    else if (!vs && n > 2)
        why = "compare: two traces, not more (several per side: A1 A2 ... vs B1 B2 ...)";
    else if (!vs && n != 2)
        why = "compare: two traces are needed";
    if (why != NULL) {
        free(in);
        return cli_usage_error("%s\n%s", why, usage);
    }
    trace_stats st[2];
    memset(st, 0, sizeof st);
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        trace_stats *side = &st[i < split ? 0 : 1];
        bool first = i == 0 || i == split, was_real = side->real;
        bool ok = trace_stats_add(in[i], side, err, sizeof err);
        if (ok && !first && side->real != was_real) {
            snprintf(err, sizeof err, "%s: a %s trace among %s ones (a side's traces must be all "
                     "real or all sim)", in[i], side->real ? "real" : "sim",
                     was_real ? "real" : "sim");
            ok = false;
        }
        if (!ok) {
            trace_stats_free(&st[0]);
            trace_stats_free(&st[1]);
            free(in);
            return cli_usage_error("%s", err);
        }
    }
    const char *na = label(&st[0], "A"), *nb = label(&st[1], "sim");
    if (st[0].real == st[1].real) na = "A", nb = "B";
    for (size_t i = 0; i < n; i++)
        printf("%s%s\n", i == 0 ? "compare   A = " : i == split ? "          B = " : "              ",
               in[i]);
    double worst = compare_print(stdout, na, &st[0], nb, &st[1]);
    int rc = EXIT_OK;
    if (png != NULL || script != NULL) rc = draw(png, script, na, &st[0], nb, &st[1]);
    if (rc == EXIT_OK && tolerance >= 0) {
        bool ok = worst * 100.0 <= tolerance;
        printf("tolerance %.1f %%: largest headline difference %.1f %%: %s\n", tolerance,
               100.0 * worst, ok ? "within" : "BEYOND");
        if (!ok) rc = EXIT_CHECK_FAILED;
    }
    trace_stats_free(&st[0]);
    trace_stats_free(&st[1]);
    free(in);
    return rc;
}
