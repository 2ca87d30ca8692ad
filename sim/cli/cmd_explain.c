/*
 * cmd_explain.c — `wtlab explain TRACE`: a failing run told as one column
 * per thread, in RocksDB's terms, with a few sentences (sim/lab/explain.h).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explain.h"

static void explain_usage(FILE *out)
{
    fputs("usage: wtlab explain TRACE [--rows N] [--width W] [--html PAGE.html]\n"
          "Tells why a failing run failed: the invariant and what it means in RocksDB,\n"
          "the steps that led there in sentences, and the threads involved as one column\n"
          "each (the failing writer, and every thread that set its state, led its group,\n"
          "handed it the queue or that the failure names), from the failing writer's\n"
          "current write to the failure; preemptions among them are marked ~>.\n"
          "Reads the trace only (no re-execution), so any build can explain any trace.\n"
          "Works best on a minimized trace (wtlab minimize).\n"
          "  --rows N   the last N rows of the table (default 80; 0: all)\n"
          "  --width W  characters per column (default 40, 16..200)\n"
          "  --html P   also write the trace as a `wtlab view` page and print a link\n"
          "             that opens it with the cursor on the failure\n"
          "exit status: 1 the run failed (explained), 0 it did not fail, 2 bad input\n", out);
}

int cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {{"rows", required_argument, 0, 'r'},
                                         {"width", required_argument, 0, 'w'},
                                         {"html", required_argument, 0, 'H'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    explain_options o = {.max_rows = EXPLAIN_DEFAULT_ROWS, .col_width = EXPLAIN_DEFAULT_WIDTH};
    uint64_t v;
    const char *html = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            explain_usage(stdout);
            return EXIT_OK;
        } else if (c == 'H') {
            html = optarg;
        } else if (c == 'r' && cli_parse_u64(optarg, &v)) {
            o.max_rows = (size_t)v;
        } else if (c == 'w' && cli_parse_u64(optarg, &v) && v >= 16 && v <= 200) {
            o.col_width = (size_t)v;
        } else if (c == 'r') {
            return cli_usage_error("explain: --rows wants a number (0: all), not '%s'", optarg);
        } else if (c == 'w') {
            return cli_usage_error("explain: --width wants a number from 16 to 200, not '%s'", optarg);
        } else {
            return cli_usage_error("explain: unknown option (see wtlab explain --help)");
        }
    }
    if (optind == argc) return cli_usage_error("explain: which trace? (wtlab explain TRACE)");
    if (optind < argc - 1)
        return cli_usage_error("explain: one trace at a time, got %d", argc - optind);
    const char *path = argv[optind];
    trace_doc d;
    char err[TRACE_READER_ERR_MAX];
    if (!trace_doc_load(path, &d, err, sizeof err)) {
        fprintf(stderr, "wtlab: %s\n", err);
        return EXIT_USAGE;
    }
    explain_status st = explain_trace(&d, path, &o, stdout);
    size_t at = 0, shown = 0; /* the page's cursor counts events without picks */
    for (size_t i = 0; i < d.event_count; i++) {
        if (d.events[i].kind == TRACE_PICK) continue;
        shown++;
        if (d.events[i].kind == TRACE_VIOLATION) at = shown;
    }
    trace_doc_free(&d);
    if (html != NULL) {
        char *args[] = {"view", (char *)path, "-o", (char *)html, NULL};
        int rc = cmd_view(4, args);
        if (rc != EXIT_OK) return rc;
        char *abs = realpath(html, NULL);
        printf("\nIn a browser: file://%s%s", abs ? abs : html, at ? "" : "\n");
        if (at) printf("#steps=%zu  (the cursor on the failure)\n", at);
        free(abs);
    }
    return st == EXPLAIN_NOTHING ? EXIT_OK : EXIT_CHECK_FAILED;
}
