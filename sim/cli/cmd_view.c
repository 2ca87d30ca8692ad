/*
 * cmd_view.c — `wtlab view TRACE... -o PAGE.html`: one self-contained HTML
 * page to step through traces in a browser.
 *
 * The page (view_page.html, compiled in by gen_view_page.sh) is plain
 * HTML, CSS and JavaScript with no network access and no framework; each
 * trace is checked with the trace reader (a sim or a real trace, not an
 * exploration summary) and embedded whole as a script element of type
 * application/x-wtlab-trace, with '<' written \u003c so no line can end the
 * element (the same JSON).  The page rebuilds the state at its cursor from
 * the events, as `wtlab replay --at` does for a real trace.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trace_reader.h"
#include "view_page.h"

static const char MARKER[] = "<!--WTLAB-TRACES-->";

static void view_usage(FILE *out)
{
    fputs("usage: wtlab view TRACE... -o PAGE.html\n"
          "Writes one self-contained HTML page (no network; the traces embedded) to\n"
          "step through sim or real traces (wtdb/wtbench --trace) in a browser:\n"
          "writer lanes, a cursor (Left/Right keys or buttons), the writer list at the\n"
          "cursor, each writer's state, the groups, the published sequence; click an\n"
          "event for its fields; violations are marked (v / V jump to them).\n"
          "exit status: 0 written, 2 bad input\n", out);
}

/* Checks path is a readable trace (every line); false with a message. */
static bool check_trace(const char *path)
{
    char err[TRACE_READER_ERR_MAX];
    trace_reader *r = trace_reader_open(path, err, sizeof err);
    if (r == NULL) {
        fprintf(stderr, "wtlab: %s\n", err);
        return false;
    }
    bool ok = trace_reader_file_kind(r) == TRACE_FILE_TRACE;
    if (!ok) fprintf(stderr, "wtlab: %s: an exploration summary, not a trace\n", path);
    trace_event e;
    trace_item item = TRACE_ITEM_EVENT;
    while (ok && (item = trace_reader_next(r, &e)) == TRACE_ITEM_EVENT) {}
    if (ok && item == TRACE_ITEM_ERROR) {
        fprintf(stderr, "wtlab: %s\n", trace_reader_error(r));
        ok = false;
    }
    trace_reader_close(r);
    return ok;
}

static void put_escaped_attr(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* Copies the trace into the page, every '<' as \u003c (it can only be
 * inside a JSON string, where the escape means the same), so no text of
 * the trace can end or disturb the script element. */
static bool embed(FILE *out, const char *path)
{
    FILE *in = fopen(path, "r");
    if (in == NULL) return false;
    fputs("<script type=\"application/x-wtlab-trace\" data-name=\"", out);
    put_escaped_attr(out, path);
    fputs("\">\n", out);
    int c;
    while ((c = fgetc(in)) != EOF) {
        if (c == '<') fputs("\\u003c", out);
        else fputc(c, out);
    }
    bool ok = !ferror(in);
    fclose(in);
    fputs("</script>\n", out);
    return ok;
}

int cmd_view(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *outpath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outpath = optarg; break;
        case 'h': view_usage(stdout); return EXIT_OK;
        default: view_usage(stderr); return EXIT_USAGE;
        }
    }
    if (outpath == NULL || optind >= argc) {
        view_usage(stderr);
        return EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++)
        if (!check_trace(argv[i])) return EXIT_USAGE;
    const char *mark = strstr(view_page_html, MARKER);
    if (mark == NULL) return cli_usage_error("the page template has no trace marker");
    FILE *out = fopen(outpath, "w");
    if (out == NULL) return cli_usage_error("cannot write '%s'", outpath);
    fwrite(view_page_html, 1, (size_t)(mark - view_page_html), out);
    bool ok = true;
    for (int i = optind; i < argc && ok; i++) ok = embed(out, argv[i]);
    fputs(mark + strlen(MARKER), out);
    ok = fclose(out) == 0 && ok;
    if (!ok) return cli_usage_error("writing '%s' failed", outpath);
    printf("wrote %s (%d trace%s); open it in a browser\n", outpath, argc - optind,
           argc - optind == 1 ? "" : "s");
    return EXIT_OK;
}
