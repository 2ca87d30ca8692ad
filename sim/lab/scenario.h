/*
 * scenario.h — a scenario file, loaded and validated.
 *
 * A scenario is strict JSON (see scenarios/README.md for every field and
 * its default): DB options, the simulated device (latencies, faults,
 * capacity), the writers (each a thread issuing batches), how to schedule
 * (policy, seed, explicit decisions, pinning rules), an optional crash and
 * reopen, and what to expect.  Unknown keys, wrong types and out-of-range
 * values are errors that name file:line:column and the key path.
 *
 * A loaded scenario is immutable and owns all its memory (free with
 * scenario_free).  The original text is kept so traces can embed it.
 */
#ifndef WT_SIM_SCENARIO_H
#define WT_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "status.h"
#include "../port/scheduler.h"
#include "../port/timing.h"

enum {
    SCENARIO_MAX_WRITERS = 256,
    SCENARIO_MAX_NAME = 64,
    /* Bounds on what a scenario may expand to, so a short file cannot ask
     * for unbounded memory (added with scenario.c; errors name the key):
     * the file itself, batches of all writers after "repeat", operations
     * of all batches, and bytes of all their keys and values. */
    SCENARIO_MAX_TEXT = 16 << 20,
    SCENARIO_MAX_BATCHES = 1 << 20,
    SCENARIO_MAX_OPS = 4 << 20,
    SCENARIO_MAX_OP_BYTES = 64 << 20,
    SCENARIO_MAX_PCT_DEPTH = 10,
};

typedef enum scenario_op_kind {
    SCENARIO_OP_PUT,
    SCENARIO_OP_DELETE,
    SCENARIO_OP_SINGLE_DELETE,
    SCENARIO_OP_LOG_DATA,
} scenario_op_kind;

typedef struct scenario_op {
    scenario_op_kind kind;
    char *key;     /* NUL-terminated; for log data: the blob */
    char *value;   /* put only, else NULL */
} scenario_op;

typedef struct scenario_batch {
    scenario_op *ops;
    size_t op_count;
    bool sync, disable_wal, no_slowdown, disable_memtable;
    bool has_callback;           /* a WriteCallback is attached */
    bool callback_allow_batching;/* default true */
    bool callback_fail;          /* the callback vetoes the write (busy) */
    uint64_t think_ns;           /* virtual delay before this batch */
} scenario_batch;

typedef struct scenario_writer {
    char name[SCENARIO_MAX_NAME];
    uint64_t start_ns;
    scenario_batch *batches;     /* after expanding "repeat" and generators */
    size_t batch_count;
} scenario_writer;

typedef enum scenario_fault_op {
    SCENARIO_FAULT_APPEND,
    SCENARIO_FAULT_SYNC,
    SCENARIO_FAULT_READ,
    SCENARIO_FAULT_MEMTABLE_INSERT, /* the engine's "memtable:insert" fault point */
} scenario_fault_op;

typedef struct scenario_fault {
    scenario_fault_op op;
    uint64_t nth;           /* 1-based count of that op (matching path) */
    wt_status error;        /* WT_IO_ERROR or WT_NO_SPACE */
    char *path_suffix;      /* only files whose name ends so (e.g. ".log"); NULL = any */
    bool sticky;            /* keep failing from the nth on */
} scenario_fault;

typedef struct scenario_device {
    uint64_t append_ns;      /* per append call (every file kind not set apart) */
    uint64_t append_ns_per_kib;
    uint64_t sync_ns;        /* per sync */
    uint64_t read_ns;
    uint64_t capacity_bytes; /* 0 = unlimited; beyond it appends fail with no_space */
    scenario_fault *faults;
    size_t fault_count;
    char *profile;           /* "profile" as written; NULL: none */
    bool sample_wake_cost;   /* "wake_cost": "sampled" or "by_state" (default "median") */
    bool wake_cost_by_state; /* "wake_cost": "by_state" */
    bool think_from_profile; /* "think": "profile": batches without think_ns get the profile's */
    bool wake_by_state;      /* "wake_latency": "by_state" or "by_state_idle" (default "pooled") */
    bool wake_latency_idle;  /* "wake_latency": "by_state_idle" */
    bool wake_latency_parked; /* "wake_latency": "by_state_parked" */
    bool wake_cost_idle;     /* "wake_cost": "by_state_idle" */
    /* The CPU model (scheduler.h): "cpu", else the profile's, else off. */
    sched_cpu cpu;
    bool cpu_switch_sampled; /* "cpu": {"switch": "sampled"}: the profile's wake latency */
    bool cpu_spin_by_wait;   /* "cpu": {"spin_preempt": "by_wait"}: the profile's shares */
    /* What the run charges (timing.h), resolved at load: defaults, then
     * the profile, then the top-level costs above, then "wal", "table",
     * "manifest" and "memtable".  timing.seed is 0: the run sets it. */
    timing_model timing;
} scenario_device;

typedef enum scenario_policy {
    SCENARIO_POLICY_RANDOM,
    SCENARIO_POLICY_PCT,
    SCENARIO_POLICY_FIFO,
    SCENARIO_POLICY_EXPLICIT,
} scenario_policy;

/* The policy's name ("random", "pct", "fifo", "explicit"): the one place
 * these names are spelled.  "unknown" for a value out of range. */
const char *scenario_policy_name(scenario_policy p);
/* The policy named `name`; false (and *out untouched) for no such name. */
bool scenario_policy_parse(const char *name, scenario_policy *out);

/* One explicit decision: run `fiber` (a writer name, or "main"/"flush")
 * for `steps` consecutive choice points. */
typedef struct scenario_decision {
    char fiber[SCENARIO_MAX_NAME];
    uint64_t steps;
} scenario_decision;

/* The sync point the sim's crasher fiber reaches just before it crashes
 * (crash.at {"time_ns": T}), so a pin on "crasher" can delay the crash;
 * not an engine sync point. */
#define RUN_CRASH_SYNC_POINT "wtlab::Crash:Before"

typedef enum scenario_until_kind {
    SCENARIO_UNTIL_STATE,      /* writer has been in `state` */
    SCENARIO_UNTIL_SYNC_POINT, /* writer has reached `sync_point` */
    SCENARIO_UNTIL_FINISHED,   /* writer has finished all its batches */
    SCENARIO_UNTIL_TIME,       /* virtual time >= time_ns */
    SCENARIO_UNTIL_BLOCKED,    /* fiber until_writer is blocked (mutex, condition, AwaitState) */
} scenario_until_kind;

/* "Hold fiber `hold` (a writer, or the sim's "main", "flush" or
 * "crasher") at sync point `at` until `until`" (RocksDB
 * SyncPoint::LoadDependency style).  Applies to the `occurrence`-th time
 * the fiber reaches `at` (1 = first).  until_writer names a writer for
 * state and finished conditions, any fiber for sync_point and blocked. */
typedef struct scenario_pin {
    char hold[SCENARIO_MAX_NAME];
    char *at;
    uint64_t occurrence;
    scenario_until_kind until_kind;
    char until_writer[SCENARIO_MAX_NAME];
    uint32_t until_state;     /* a wt_state bit */
    char *until_sync_point;
    uint64_t until_time_ns;
} scenario_pin;

typedef struct scenario_schedule {
    scenario_policy policy;
    uint64_t seed;
    unsigned pct_depth;       /* default 3 */
    uint64_t pct_steps;       /* expected run length for change points; default 2000 */
    scenario_decision *decisions;
    size_t decision_count;
    uint64_t max_steps;       /* livelock bound; default 2,000,000 */
    uint64_t tick_ns;         /* virtual cost of one scheduling point; default 5 */
    uint64_t wake_ns;         /* cost to the waker of waking a parked writer; default 0 */
    scenario_pin *pins;
    size_t pin_count;
} scenario_schedule;

typedef enum scenario_crash_when {
    SCENARIO_CRASH_NONE,
    SCENARIO_CRASH_AFTER_WRITERS, /* when every writer has finished */
    SCENARIO_CRASH_AT_TIME,       /* at virtual time time_ns, writers or not */
    SCENARIO_CRASH_AT_FILE_OP,    /* at crash point file_op of the device (simfs.h) */
} scenario_crash_when;

typedef enum scenario_crash_kind {
    SCENARIO_CRASH_POWER_LOSS,    /* unsynced data and directory entries are lost */
    SCENARIO_CRASH_PROCESS_KILL,  /* the page cache survives: nothing on the device is lost */
    SCENARIO_CRASH_CLEAN_REOPEN,  /* close the DB normally, then reopen (after_writers only) */
} scenario_crash_kind;

typedef struct scenario_crash {
    scenario_crash_when when;
    scenario_crash_kind kind;
    uint64_t time_ns;
    uint64_t file_op;         /* 1-based crash point (SCENARIO_CRASH_AT_FILE_OP) */
    uint64_t torn_bytes;      /* that crash point, an append, keeps this many bytes */
    bool tear_last_write;     /* keep a random prefix of each file's unsynced tail */
    bool reopen;              /* reopen (recover) after the crash; default true */
} scenario_crash;

/* "power_loss", "process_kill", "clean_reopen" ("?" out of range). */
const char *scenario_crash_kind_name(scenario_crash_kind k);

typedef struct scenario_expect_key {
    char *key;
    char *value;              /* NULL: the key must be absent */
} scenario_expect_key;

typedef struct scenario_expect_status {
    char writer[SCENARIO_MAX_NAME];
    wt_status *statuses;      /* one per batch */
    size_t count;
} scenario_expect_status;

typedef struct scenario_expect_group {
    char leader[SCENARIO_MAX_NAME];
    char (*members)[SCENARIO_MAX_NAME]; /* oldest first, leader included */
    size_t member_count;
} scenario_expect_group;

/* One condition on a trace event, "KEY=VALUE" of an event spec: KEY is
 * one of the kind's trace fields (or "fiber", or "group"); the value is
 * compared as the field's type. */
typedef struct scenario_event_filter {
    char *key;
    int type;                 /* a trace_field_type; -1: "group" */
    size_t offset;            /* of the field in trace_event */
    char *text;               /* strings and booleans, as written */
    int64_t number;           /* integers ("group" too) */
} scenario_event_filter;

/* "[first|last] KIND KEY=VALUE ...": the first (default) or last event of
 * trace kind KIND (or "sync_point") whose fields match every filter. */
typedef struct scenario_event_spec {
    char *text;               /* as written, for messages */
    int kind;                 /* a trace_kind; SCENARIO_EVENT_SYNC_POINT: a sync point */
    bool last;
    scenario_event_filter *filters;
    size_t filter_count;
} scenario_event_spec;

enum { SCENARIO_EVENT_SYNC_POINT = 1000 };

/* expect.order: event `before` comes before event `after`. */
typedef struct scenario_expect_order {
    scenario_event_spec before, after;
} scenario_expect_order;

/* expect.transitions: state changes from `from` to `to` (0: any state),
 * of writer `writer` ("" any), made by fiber `by` ("" any): exactly
 * `count`, or within [min, max] (-1: unbounded). */
typedef struct scenario_expect_transition {
    uint32_t from, to;
    char writer[SCENARIO_MAX_NAME];
    char by[SCENARIO_MAX_NAME];
    int64_t count, min, max;
} scenario_expect_transition;

/* expect.wal.records[i]: fields -1 are not checked. */
typedef struct scenario_expect_wal_record {
    int64_t first_seq, count, batches;
    char writer[SCENARIO_MAX_NAME]; /* "" any: the leader that appended it */
} scenario_expect_wal_record;

/* expect.writes[i]: one write call (writer, batch); -1 / has_status
 * false: not checked. */
typedef struct scenario_expect_write {
    char writer[SCENARIO_MAX_NAME];
    int64_t batch;
    bool has_status;
    wt_status status;
    int64_t seq, count;
} scenario_expect_write;

/* expect.reads[i]: a get of `key` (snapshot false: made by the sim's
 * "reader" fiber while fiber `fiber` waits at `sync_point`) or a snapshot
 * (snapshot true: the published last sequence at that moment; the key is
 * read as of it once the writers are done) must see `value` (NULL:
 * absent).  The moment: `fiber`'s occurrence-th arrival at `sync_point`,
 * counted from the start, or from the step condition if there is one (the
 * nth event matching `after`, or the end of scheduling step `step`); a
 * snapshot may have a step condition alone (sync_point NULL): it is taken
 * right after that event or step. */
typedef struct scenario_read {
    char *key;
    char *value;
    bool snapshot;
    char fiber[SCENARIO_MAX_NAME]; /* a writer, "main", "flush", "crasher"; "": none */
    char *sync_point;              /* NULL: the step condition alone */
    uint64_t occurrence;           /* default 1 */
    bool has_after;
    scenario_event_spec after;     /* with has_after */
    uint64_t nth;                  /* with has_after: the nth matching event (default 1) */
    uint64_t step;                 /* 0: none */
} scenario_read;

typedef struct scenario_expect {
    scenario_expect_key *contents;
    size_t content_count;
    bool contents_exact;      /* no other live keys (default false) */
    scenario_expect_status *statuses;
    size_t status_count;
    scenario_expect_group *groups; /* the first N groups, in order */
    size_t group_count;
    int64_t group_count_total;     /* -1: not checked */
    int64_t max_group_size;        /* -1: not checked */
    int64_t min_max_group_size;    /* the largest group has at least this many; -1 */
    int64_t last_sequence;         /* -1: not checked */
    bool deadlock;                 /* the run must end in a deadlock (bug lessons) */
    char **states_visited;         /* states some writer must have entered */
    size_t states_visited_count;
    char *failed_invariant;        /* the run must fail exactly this invariant */
    scenario_expect_transition *transitions;
    size_t transition_count;
    scenario_expect_wal_record *wal_records; /* the first N records, in order */
    size_t wal_record_count;
    int64_t wal_record_total;      /* -1: not checked */
    int64_t wal_syncs;             /* -1: not checked */
    scenario_expect_write *writes;
    size_t write_count;
    scenario_expect_order *order;
    size_t order_count;
    scenario_read *reads;
    size_t read_count;
} scenario_expect;

/* A goal for a learner stepping the scenario (`wtlab step`);
 * scenario_goals.c has the schema. */
typedef enum scenario_goal_kind {
    SCENARIO_GOAL_GROUP,      /* a group led by writer forms (of group_size, if not 0) */
    SCENARIO_GOAL_STATE,      /* writer enters state */
    SCENARIO_GOAL_INVARIANT,  /* the run fails invariant ("deadlock" included) */
} scenario_goal_kind;

typedef struct scenario_goal {
    char *text;
    scenario_goal_kind kind;
    char writer[SCENARIO_MAX_NAME];
    uint64_t group_size;
    uint32_t state;           /* a wt_state bit */
    char *invariant;
} scenario_goal;

typedef struct scenario {
    char *path;               /* as given */
    char *text;               /* the file's bytes, NUL-terminated */
    char *name;
    char *description;
    wt_options options;
    scenario_device device;
    scenario_writer *writers;
    size_t writer_count;
    scenario_schedule schedule;
    scenario_crash crash;
    scenario_expect expect;
    scenario_goal *goals;     /* "goals" (wtlab step only) */
    size_t goal_count;
} scenario;

/* Where and why loading failed: "FILE:LINE:COL: PATH: message". */
typedef struct scenario_error {
    char text[1024];
} scenario_error;

/* Loads and validates.  NULL on failure with *err filled. */
scenario *scenario_load_file(const char *path, scenario_error *err);
/* Same from memory; `name` is used as the file name in messages. */
scenario *scenario_load_text(const char *name, const char *text, scenario_error *err);
/* Same, with paths in the scenario (device.profile) relative to the
 * directory of `base` (the file the text came from, e.g. a trace
 * header's scenario_path) instead of `name`'s.  base NULL: name. */
scenario *scenario_load_text_at(const char *name, const char *text, const char *base,
                                scenario_error *err);
void scenario_free(scenario *s);

/* Index of the writer called name, or -1. */
int scenario_writer_index(const scenario *s, const char *name);

/* Sets *e to expect nothing (what a scenario without "expect" has); the
 * caller owns whatever *e held before. */
void scenario_expect_none(scenario_expect *e);

#endif
