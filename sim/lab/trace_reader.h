/*
 * trace_reader.h — the one reader of trace lines (the format's table is
 * engine/trace_event.h; the document is traces/README.md).
 *
 * A reader opens a trace file (sim or real), checks its header and yields
 * typed events one at a time; every line is checked against the table:
 * a known kind, every key of that kind present with its type, no other
 * keys.  Errors name the file, the line and the key: "FILE:LINE: ev
 * write_end: key "status": missing (a string)".
 *
 * A trace_doc is a whole trace in memory (header, raw lines, typed events,
 * summary) for the commands that need random access: replay, diff,
 * minimize.  Real traces can be large; views that only walk a trace
 * (plot, timelines) use the reader and keep one line at a time.
 *
 * The reader also reads exploration summaries (the one-line files that
 * `wtlab explore --save` writes), so that no other code parses them.
 * Not thread-safe per reader or doc.
 */
#ifndef WT_SIM_TRACE_READER_H
#define WT_SIM_TRACE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "writer_state.h"
#include "trace_event.h"

enum {
    TRACE_READER_MAX_LINE_BYTES = 1 << 27, /* a header embeds the scenario (<= 16 MiB) */
    TRACE_READER_ERR_MAX = 512,
};

typedef struct trace_reader trace_reader;

typedef enum trace_item {
    TRACE_ITEM_EVENT,   /* *e holds the next event */
    TRACE_ITEM_SUMMARY, /* the summary line (trace_reader_summary) */
    TRACE_ITEM_END,     /* end of file */
    TRACE_ITEM_ERROR,   /* trace_reader_error says what and where */
} trace_item;

/* An exploration summary: runs and transition counts over many runs. */
typedef struct trace_exploration {
    const char *scenario_name;
    uint64_t runs, failures, distinct;
    uint64_t transitions[WT_STATE_COUNT][WT_STATE_COUNT];
} trace_exploration;

typedef enum trace_file_kind { TRACE_FILE_TRACE, TRACE_FILE_EXPLORATION } trace_file_kind;

/*
 * Opens path and reads its first line.  A trace's header is checked
 * (format, version, source, keys); an exploration summary is read whole.
 * NULL with err filled ("FILE: cannot open: why", "FILE:1: not a wtlab
 * trace ...") on failure.
 */
trace_reader *trace_reader_open(const char *path, char *err, size_t err_cap);
void trace_reader_close(trace_reader *r);

trace_file_kind trace_reader_file_kind(const trace_reader *r);
/* The header (strings valid until close).  REQUIRES: a trace. */
const trace_header *trace_reader_header(const trace_reader *r);
bool trace_reader_is_real(const trace_reader *r);
/* REQUIRES: an exploration summary.  Valid until close. */
const trace_exploration *trace_reader_exploration(const trace_reader *r);

/* Reads the next line.  An event's strings and name lists are valid until
 * the next call.  After the summary only END (or an ERROR for any further
 * line) follows. */
trace_item trace_reader_next(trace_reader *r, trace_event *e);
/* The summary, once read (NULL before; valid until close). */
const trace_summary *trace_reader_summary(const trace_reader *r);
/* The last line read, as text without '\n', and its 1-based number. */
const char *trace_reader_line(const trace_reader *r);
size_t trace_reader_line_number(const trace_reader *r);
const char *trace_reader_error(const trace_reader *r);

/* ------------------------------------------------------ a trace in memory */

typedef struct trace_pool trace_pool; /* the doc's strings, interned */

typedef struct trace_doc {
    trace_header header;
    char **lines;          /* every line as read, without '\n' (lines[0] is the header) */
    size_t line_count;
    trace_event *events;   /* events[i] was lines[i + 1]: events follow the header */
    size_t event_count;
    bool has_summary;      /* false: the trace was cut short */
    trace_summary summary;
    trace_pool *pool;
} trace_doc;

/* Loads a whole trace.  false with err filled on any bad line. */
bool trace_doc_load(const char *path, trace_doc *d, char *err, size_t err_cap);
void trace_doc_free(trace_doc *d);

#endif
