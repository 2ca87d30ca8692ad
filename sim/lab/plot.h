/*
 * plot.h — traces read into what a chart needs, and gnuplot run on a script.
 *
 * plot_load reads one file through the trace reader — a sim or real
 * trace (traces/README.md) or an exploration summary — and adds what it
 * holds to a plot_data: one lane per writer (in scenario order; a real
 * trace's writer threads in the order they started) plus an "engine" lane
 * for the other fibers or threads (main, flush, crasher) when they did something worth drawing
 * after the first write began; state segments (a writer is INIT from
 * write_begin until its first transition and has no segment between
 * write_end and its next write_begin); WAL sync, memtable insert, stall,
 * flush and pin-hold spans; point marks (write starts, WAL appends,
 * errors, engine events, writers moved aside); wake-ups (who set whose
 * state); write and memtable groups; and the count of
 * every state transition from -> to.  Several files may be loaded into one
 * plot_data (their lanes merge by name, counts add up).
 *
 * Everything is clipped to a time window [from_ns, to_ns]: spans are cut
 * at its edges, marks, groups and transitions outside it are dropped.
 *
 * Every array grows to a named bound (PLOT_MAX_ITEMS, PLOT_MAX_LANES);
 * a file that would pass it is rejected as bad input.  The module keeps no
 * global state; a plot_data belongs to one thread at a time.
 */
#ifndef WT_SIM_PLOT_H
#define WT_SIM_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "state_style.h"

enum {
    PLOT_MAX_LANES = SCENARIO_MAX_WRITERS,     /* writer lanes (the engine lane is extra) */
    PLOT_MAX_ITEMS = 1 << 22,                  /* spans, marks, groups, members each */
    PLOT_TEXT_MAX = 64,                        /* a mark's label */
    PLOT_MAX_GNUPLOT_OUTPUT = 64 << 10,        /* what is kept of gnuplot's messages */
};

/* Lanes that are not a writer's. */
enum { PLOT_LANE_NONE = -1, PLOT_LANE_ENGINE = -2 };

typedef enum plot_span_kind {
    PLOT_SPAN_STATE,    /* a writer in one state; `state` is its wt_state_table index */
    PLOT_SPAN_WAL_SYNC, /* wal_sync_begin .. wal_sync_end on the syncing fiber's lane */
    PLOT_SPAN_INSERT,   /* insert_begin .. insert_end on the inserting fiber's lane */
    PLOT_SPAN_STALL,    /* stall_begin .. stall_end; not on a lane (lane -1) */
    PLOT_SPAN_HOLD,     /* a pin held the writer at a sync point (hold .. release) */
    PLOT_SPAN_FLUSH,    /* flush_begin .. flush_end on the engine lane */
    PLOT_SPAN_KIND_COUNT,
} plot_span_kind;

typedef struct plot_span {
    plot_span_kind kind;
    int lane;              /* a writer lane, PLOT_LANE_ENGINE, or PLOT_LANE_NONE (stalls) */
    int state;
    uint64_t t0_ns, t1_ns; /* t0 < t1 */
} plot_span;

typedef enum plot_mark_kind {
    PLOT_MARK_WRITE_BEGIN,/* a write call began (separates back-to-back writes) */
    PLOT_MARK_WAL_APPEND, /* a group's WAL record was appended */
    PLOT_MARK_ERROR,      /* a failed write, WAL append or sync, memtable insert */
    PLOT_MARK_BG_ERROR,   /* a sticky background error or a violation: from here on
                           * the whole run is affected (also marked as an ERROR) */
    PLOT_MARK_ENGINE,     /* crash, reopen, recovery, memtable switch */
    PLOT_MARK_CRASH,      /* the machine lost power (also marked as ENGINE) */
    PLOT_MARK_MOVE_ASIDE, /* a leader moved this writer out of its group (9.1+ reorder);
                           * text: "aside (LEADER)" */
} plot_mark_kind;

typedef struct plot_mark {
    plot_mark_kind kind;
    int lane;
    uint64_t t_ns;
    char text[PLOT_TEXT_MAX];
} plot_mark;

/* A pseudo-state for state spans (beyond wt_state_table): a leader still
 * in GROUP_LEADER after it took its group off the write queue, in
 * unordered write (it inserts its own batch outside the write thread) or
 * pipelined write (it waits for the memtable stage). */
enum { PLOT_STATE_OFF_QUEUE = WT_STATE_COUNT, PLOT_STATE_COUNT };

/* Someone set a writer's state: a trace "state" event whose fiber is not
 * the writer (a leader waking a member, a caller waking its stride). */
typedef struct plot_wake {
    uint64_t t_ns;
    int from_lane;        /* the fiber that set it (a writer lane or PLOT_LANE_ENGINE) */
    int to_lane;          /* the writer whose state was set */
    int state;            /* the state set (wt_state_table index) */
} plot_wake;

typedef struct plot_group {
    uint64_t t_ns;
    bool memtable;        /* a pipelined memtable group, not a write group */
    int leader_lane;
    size_t member_first;  /* index into plot_data.members */
    size_t member_count;  /* the group size, leader included */
    uint64_t bytes;       /* write groups only */
    size_t run;           /* which loaded file (0-based) */
} plot_group;

typedef struct plot_data {
    /* Titles come from the first file loaded. */
    char scenario_name[SCENARIO_MAX_NAME * 2];
    char policy[32];
    char seed[32];
    char mode[96];           /* "serial memtable", "pipelined", ... */
    char outcome[32];        /* the summary's outcome, "" if none */
    size_t files;            /* files loaded */
    uint64_t runs;           /* runs they stand for (an exploration counts its runs) */
    bool has_timeline;       /* some file was a trace (not only summaries) */
    bool real;               /* the first file is a real trace (pthreads, real time) */
    bool mixed;              /* the files come from more than one scenario */

    /* Writer lanes, top to bottom; the engine lane (PLOT_LANE_ENGINE in
     * spans and marks) goes below them when engine_used. */
    char lanes[PLOT_MAX_LANES][SCENARIO_MAX_NAME];
    size_t lane_count;
    bool engine_used;

    plot_span *spans;
    size_t span_count, span_cap;
    plot_mark *marks;
    size_t mark_count, mark_cap;
    plot_group *groups;
    size_t group_count, group_cap;
    int *members;
    size_t member_count, member_cap;
    plot_wake *wakes;
    size_t wake_count, wake_cap;

    uint64_t transitions[WT_STATE_COUNT][WT_STATE_COUNT];

    uint64_t from_ns, to_ns; /* the window */
    bool has_activity;       /* some writer wrote inside the window */
    uint64_t active_from_ns; /* first write_begin / state event in the window */
    uint64_t active_to_ns;   /* last writer event in the window */
    /* The default frame of a timeline (inside the window): from the first
     * group's formation (else the first activity) to the last write's end,
     * extended to every flush, stall and engine event after writes began. */
    bool has_frame;
    uint64_t frame_from_ns, frame_to_ns;
    bool off_queue_style;    /* a loaded run was unordered or pipelined */
} plot_data;

/* An empty plot_data with the window [from_ns, to_ns]. */
void plot_data_init(plot_data *d, uint64_t from_ns, uint64_t to_ns);
void plot_data_free(plot_data *d);

/* Adds a trace or an exploration summary.  false with err filled
 * ("FILE: cannot open: ...", "FILE:LINE: not a wtlab trace (why)") when
 * the file is missing or is neither; d may then hold part of the file. */
bool plot_load(plot_data *d, const char *path, char *err, size_t err_cap);

typedef enum plot_gnuplot_status {
    PLOT_GNUPLOT_OK,      /* exited 0 and said nothing */
    PLOT_GNUPLOT_MISSING, /* the program could not be started */
    PLOT_GNUPLOT_FAILED,  /* it warned, failed or died; *output says what */
} plot_gnuplot_status;

/* Runs `program` (NULL: $WTLAB_GNUPLOT, else "gnuplot" on PATH) with
 * script on its stdin and waits for it.  Whatever it writes to stdout or
 * stderr (up to PLOT_MAX_GNUPLOT_OUTPUT bytes) is returned in *output
 * (malloc'd, NUL-terminated, maybe empty or NULL; the caller frees).
 * SIGPIPE is ignored while the script is written: call it from one thread
 * at a time. */
plot_gnuplot_status plot_gnuplot_run(const char *program, const char *script, size_t len,
                                     char **output);

#endif
