/*
 * trace_event.h — the trace format's one table: every line kind, its keys
 * and their types, and the encoder that writes lines from it.
 *
 * A trace (traces/README.md) is JSON Lines: a header, one line per event, a
 * summary.  Both builds write traces: the sim's runner (virtual time, fiber
 * names, scheduling decisions) and the pthreads build's recorder (real
 * monotonic time, OS threads).  Both fill the typed structs below and call
 * the encoder here; the lab's typed reader (sim/lab/trace_reader.h) parses
 * lines back into the same structs by walking the same table.  Nothing else
 * in the project writes or parses a trace line, so a format change is a
 * change to this table (and TRACE_FORMAT_VERSION), and a test checks the
 * format document against it.
 *
 * Encoding is deterministic: keys in table order, integers in decimal,
 * strings escaped per RFC 8259 (control characters as \u00XX, bytes >= 0x80
 * passed through), no whitespace.  The encoder needs no JSON library and
 * allocates only to grow the caller's trace_text.  Not thread-safe per
 * trace_text; the table itself is constant.
 */
#ifndef WT_TRACE_EVENT_H
#define WT_TRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

/* Version 2 added "source" to the header (sim or real traces); version 3
 * the writer-list events (link, newer_links, detach, move_aside), the
 * violation's writer and the memtable of inserts and flushes. */
enum { TRACE_FORMAT_VERSION = 3 };
#define TRACE_FORMAT_NAME "wtlab-trace"
#define TRACE_SOURCE_SIM "sim"
#define TRACE_SOURCE_REAL "real"

enum {
    TRACE_MAX_FIELDS = 16,   /* keys of one line kind beyond the common ones */
    TRACE_MAX_NAMES = 1024,  /* entries of one name list (group members, candidates) */
    TRACE_OPTS_MAX = 96,     /* "sync,disable_wal,no_slowdown,disable_memtable,no_batching" */
};

typedef enum trace_field_type {
    TRACE_U64,     /* unsigned decimal integer */
    TRACE_I64,     /* signed decimal integer */
    TRACE_BOOL,    /* true / false */
    TRACE_STR,     /* a string */
    TRACE_NAMES,   /* an array of strings */
    TRACE_U64_STR, /* a 64-bit integer written as a decimal string (seeds) */
} trace_field_type;

/* A list of names (writers, fibers, states).  The strings are borrowed. */
typedef struct trace_names {
    const char *const *names;
    uint32_t count;
} trace_names;

typedef struct trace_field_def {
    const char *key;
    trace_field_type type;
    uint16_t offset;     /* of the value in the line's struct */
    bool optional;       /* TRACE_STR only: the key is left out when the value is NULL */
    const char *meaning; /* one line for the format document */
    uint8_t since;       /* the format version that added the key (0: always there); a
                            trace of an older version may lack it (read as zero) */
} trace_field_def;

/* ------------------------------------------------------------------ events */

typedef enum trace_kind {
    TRACE_PICK,
    TRACE_WRITE_BEGIN,
    TRACE_WRITE_END,
    TRACE_STATE,
    TRACE_GROUP,
    TRACE_MEMTABLE_GROUP,
    TRACE_WAL_APPEND,
    TRACE_WAL_SYNC_BEGIN,
    TRACE_WAL_SYNC_END,
    TRACE_INSERT_BEGIN,
    TRACE_INSERT_END,
    TRACE_PUBLISH,
    TRACE_ALLOCATE,
    TRACE_STALL_BEGIN,
    TRACE_STALL_END,
    TRACE_BG_ERROR,
    TRACE_MEMTABLE_SWITCH,
    TRACE_FLUSH_BEGIN,
    TRACE_FLUSH_END,
    TRACE_RECOVERY,
    TRACE_LINK,
    TRACE_NEWER_LINKS,
    TRACE_DETACH,
    TRACE_MOVE_ASIDE,
    TRACE_HOLD,
    TRACE_RELEASE,
    TRACE_CRASH,
    TRACE_REOPEN,
    TRACE_FINISH,
    TRACE_VIOLATION,
    TRACE_KIND_COUNT
} trace_kind;

/*
 * One event line.  step, t_ns, fiber and kind are on every line ("step",
 * "t", "fiber", "ev"); the other members are used by the kinds whose table
 * row names them (trace_kinds[kind].fields) and are zero/NULL otherwise.
 * Strings are borrowed from whoever filled the struct.
 */
typedef struct trace_event {
    trace_kind kind;
    uint64_t step;     /* sim: scheduling points so far; real: the line's event number */
    uint64_t t_ns;     /* sim: virtual ns; real: monotonic ns since the recording began */
    const char *fiber; /* the thread that was running */

    const char *writer, *leader, *pick;
    int64_t batch;
    uint64_t bytes, count, seq, first_seq, last_seq, offset, log, reason;
    uint64_t immutables, file, entries, records, problem_offset;
    uint64_t attempts, links, size, memtable;
    bool problem, tear_last_write, leads;
    const char *opts, *status, *from, *to, *at, *until, *invariant, *detail;
    const char *queue, *next;
    trace_names members, of;
} trace_event;

typedef struct trace_kind_def {
    const char *name; /* the "ev" value */
    const char *meaning;
    trace_field_def fields[TRACE_MAX_FIELDS]; /* ends at key == NULL */
} trace_kind_def;

extern const trace_kind_def trace_kinds[TRACE_KIND_COUNT];

/* The kind named `name`; false when no kind has that name. */
bool trace_kind_by_name(const char *name, trace_kind *out);

/* The keys every event line starts with, in order. */
extern const trace_field_def trace_event_common_fields[];

/* --------------------------------------------------------- header, summary */

/* The first line.  Fields under "sim" are in sim traces only, under
 * "real" in real traces only (trace_header_fields_for tells which). */
typedef struct trace_header {
    const char *format; /* TRACE_FORMAT_NAME */
    uint64_t version;   /* TRACE_FORMAT_VERSION */
    const char *source; /* TRACE_SOURCE_SIM or TRACE_SOURCE_REAL */
    const char *build;
    /* sim */
    const char *scenario_name, *scenario_path, *policy;
    uint64_t seed, pct_depth, pct_steps, max_steps, forced;
    const char *scenario; /* the scenario file's text, verbatim */
    /* real */
    const char *program;   /* the command line that recorded it */
    trace_names threads;   /* the writer threads' names, in id order */
} trace_header;

/* The last line (absent when a run was cut short). */
typedef struct trace_summary {
    const char *outcome;
    /* sim */
    bool passed;
    uint64_t steps, t_ns, decisions, preemptions, groups, max_group, wal_syncs;
    trace_names states_visited;
    const char *invariants, *detail, *expectations;
    /* real */
    uint64_t events, dropped_events;
} trace_summary;

/* The header's / summary's keys for one source ("sim" or "real"); NULL for
 * an unknown source.  Lists end at key == NULL. */
const trace_field_def *trace_header_fields_for(const char *source);
const trace_field_def *trace_summary_fields_for(const char *source);

/* A header with format, version and source set, everything else zero. */
void trace_header_init(trace_header *h, const char *source);

/* ---------------------------------------------------------------- encoding */

/* A growable, NUL-terminated line buffer (malloc'd). */
typedef struct trace_text {
    char *buf;
    size_t len, cap;
} trace_text;

void trace_text_init(trace_text *t);
void trace_text_free(trace_text *t);

/* Each replaces t's contents with one line (no '\n').
 * REQUIRES: every string and name the line's kind uses is non-NULL,
 * except optional ones; name lists have at most TRACE_MAX_NAMES entries. */
void trace_encode_event(trace_text *t, const trace_event *e);
void trace_encode_header(trace_text *t, const trace_header *h);
void trace_encode_summary(trace_text *t, const trace_summary *s, const char *source);

/* An exploration summary (`wtlab explore --save DIR` writes
 * DIR/exploration.json): one line {"type":"exploration","scenario_name",
 * "runs","failures","distinct","transitions":[{"from","to","count"}...]}
 * that charts sum over many runs.  Not a trace; written here so that its
 * writer sits with the trace's, and read by the lab's trace reader. */
typedef struct trace_transition {
    const char *from, *to; /* state names */
    uint64_t count;
} trace_transition;

void trace_encode_exploration(trace_text *t, const char *scenario_name, uint64_t runs,
                              uint64_t failures, uint64_t distinct,
                              const trace_transition *transitions, size_t count);

/* ------------------------------------------------- from the engine's events */

/* Room for what trace_event_from_port derives (option text, member names). */
typedef struct trace_port_scratch {
    char opts[TRACE_OPTS_MAX];
    const char *members[TRACE_MAX_NAMES];
} trace_port_scratch;

/* Names a thread by its port_thread_id (a writer's owner, a member). */
typedef const char *(*trace_name_fn)(void *arg, uint32_t thread_id);

/*
 * Fills e's kind and fields from an engine event (step, t_ns and fiber are
 * the caller's).  `batch` is the writer's batch number, or -1.  Returns
 * false for a port event kind that has no trace line.  e borrows from
 * scratch and from what name_of returns.
 */
bool trace_event_from_port(trace_event *e, const port_event *pe, trace_name_fn name_of,
                           void *arg, int64_t batch, trace_port_scratch *scratch);

/* "sync,disable_wal" from PORT_EV_FLAG_* bits; returns buf. */
const char *trace_opts_text(uint32_t flags, char *buf, size_t cap);

#endif
