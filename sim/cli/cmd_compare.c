/*
 * cmd_compare.c — `wtlab compare A B [-o CHART.png] [--script FILE.gp]
 * [--tolerance PCT]`: two traces (typically a real run and the sim's
 * calibrated prediction of it) side by side, with the relative difference
 * of every figure (compare.h); optionally a chart, two panels per figure
 * on the same axes, drawn with gnuplot.
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
    "  Group sizes, writes/s, fsyncs per write and time per state per write of two\n"
    "  traces (a real one from wtbench/wtdb --trace and a sim one), with the relative\n"
    "  difference (B-A)/A.  -o draws both on the same axes with gnuplot.\n";

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
    const char *in[2] = {NULL, NULL}, *png = NULL, *script = NULL;
    double tolerance = -1;
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        bool has_value = strcmp(a, "-o") == 0 || strcmp(a, "--script") == 0 ||
                         strcmp(a, "--tolerance") == 0;
        if (has_value && i + 1 >= argc) return cli_usage_error("compare: %s needs a value\n%s", a, usage);
        if (strcmp(a, "-o") == 0) {
            png = argv[++i];
        } else if (strcmp(a, "--script") == 0) {
            script = argv[++i];
        } else if (strcmp(a, "--tolerance") == 0) {
            char *end;
            tolerance = strtod(argv[++i], &end);
            if (*end != '\0' || !(tolerance >= 0) || isinf(tolerance))
                return cli_usage_error("compare: --tolerance: not a percentage: %s", argv[i]);
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("compare: unknown option %s\n%s", a, usage);
        } else if (n == 2) {
            return cli_usage_error("compare: two traces, not more\n%s", usage);
        } else {
            in[n++] = a;
        }
    }
    if (n != 2) return cli_usage_error("compare: two traces are needed\n%s", usage);
    trace_stats st[2];
    memset(st, 0, sizeof st);
    char err[1024];
    for (int i = 0; i < 2; i++) {
        if (!trace_stats_add(in[i], &st[i], err, sizeof err)) {
            trace_stats_free(&st[0]);
            trace_stats_free(&st[1]);
            return cli_usage_error("%s", err);
        }
    }
    const char *na = label(&st[0], "A"), *nb = label(&st[1], "sim");
    if (st[0].real == st[1].real) na = "A", nb = "B";
    printf("compare   A = %s\n          B = %s\n", in[0], in[1]);
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
    return rc;
}
