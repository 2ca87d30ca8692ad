/*
 * trace_event.c — the trace format's table and its encoder (trace_event.h).
 *
 * The table is data: one row per line kind, each field a key, a type and
 * the offset of its value in the line's struct.  The encoder walks a row
 * and writes the struct's values in row order; the lab's reader walks the
 * same row to parse.  Adding a key is adding a row entry (and a struct
 * member), nothing more.
 */
#include "trace_event.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "write_thread.h"

/* ------------------------------------------------------------------ table */

#define EV(key, type, member, meaning) \
    {key, type, (uint16_t)offsetof(trace_event, member), false, meaning}
#define WRITER EV("writer", TRACE_STR, writer, "the writer (its thread's name)")
#define MEMTABLE                                                                 \
    {"memtable", TRACE_U64, (uint16_t)offsetof(trace_event, memtable), false,   \
     "the memtable (the DB's count of memtables made)", 3}
#define QUEUE EV("queue", TRACE_STR, queue, "write, nonmem (the second write queue) or memtable")
#define STATUS EV("status", TRACE_STR, status, "a status name: ok, io_error, corruption, ...")

const trace_field_def trace_event_common_fields[] = {
    EV("step", TRACE_U64, step, "sim: scheduling points taken so far; real: the event's number"),
    EV("t", TRACE_U64, t_ns, "sim: virtual ns; real: monotonic ns since recording began"),
    EV("fiber", TRACE_STR, fiber, "the thread that was running (main, a writer, flush, crasher)"),
    {"ev", TRACE_STR, 0, false, "the event kind"},
    {NULL, TRACE_U64, 0, false, NULL},
};

const trace_kind_def trace_kinds[TRACE_KIND_COUNT] = {
    [TRACE_PICK] = {"pick", "sim only: a scheduling decision among several runnable fibers",
        {EV("pick", TRACE_STR, pick, "the fiber that runs next"),
         EV("of", TRACE_NAMES, of, "the runnable fibers, ascending id")}},
    [TRACE_WRITE_BEGIN] = {"write_begin", "a write call starts",
        {WRITER, EV("batch", TRACE_I64, batch, "the writer's batch number (-1: none)"),
         EV("bytes", TRACE_U64, bytes, "the batch's size"),
         EV("count", TRACE_U64, count, "operations in the batch"),
         EV("opts", TRACE_STR, opts,
            "write options set: sync, disable_wal, no_slowdown, disable_memtable, no_batching")}},
    [TRACE_WRITE_END] = {"write_end", "the write call returns",
        {WRITER, EV("batch", TRACE_I64, batch, "the writer's batch number (-1: none)"), STATUS,
         EV("seq", TRACE_U64, seq, "the batch's first sequence (0 if it failed)"),
         EV("count", TRACE_U64, count, "operations in the batch")}},
    [TRACE_STATE] = {"state", "a writer's state changed; fiber is who changed it",
        {WRITER, EV("from", TRACE_STR, from, "the state before (RocksDB's STATE_* names)"),
         EV("to", TRACE_STR, to, "the state after")}},
    [TRACE_GROUP] = {"group", "a leader formed a write group",
        {EV("leader", TRACE_STR, leader, "the group's leader"),
         EV("members", TRACE_NAMES, members, "the members, oldest first, leader included"),
         EV("bytes", TRACE_U64, bytes, "the group's batch bytes"),
         EV("first_seq", TRACE_U64, first_seq, "the first sequence (0: failed before numbering)"),
         EV("last_seq", TRACE_U64, last_seq, "the last sequence")}},
    [TRACE_MEMTABLE_GROUP] = {"memtable_group", "pipelined write: a memtable group formed",
        {EV("leader", TRACE_STR, leader, "the memtable group's leader"),
         EV("members", TRACE_NAMES, members, "the members, oldest first"),
         EV("first_seq", TRACE_U64, first_seq, "the first sequence"),
         EV("last_seq", TRACE_U64, last_seq, "the last sequence")}},
    [TRACE_WAL_APPEND] = {"wal_append", "one WAL record (the whole group) appended",
        {WRITER, EV("offset", TRACE_U64, offset, "the record's file offset"),
         EV("bytes", TRACE_U64, bytes, "the record's payload bytes"),
         EV("first_seq", TRACE_U64, first_seq, "the first sequence in it"),
         EV("count", TRACE_U64, count, "operations in it"), STATUS}},
    [TRACE_WAL_SYNC_BEGIN] = {"wal_sync_begin", "the WAL file log is being synced",
        {WRITER, EV("log", TRACE_U64, log, "the WAL's log number")}},
    [TRACE_WAL_SYNC_END] = {"wal_sync_end", "the WAL sync returned",
        {WRITER, EV("log", TRACE_U64, log, "the WAL's log number"), STATUS}},
    [TRACE_INSERT_BEGIN] = {"insert_begin", "a batch goes into the memtable (fiber inserts writer's batch)",
        {WRITER, EV("seq", TRACE_U64, seq, "the batch's first sequence"),
         EV("count", TRACE_U64, count, "operations"), MEMTABLE}},
    [TRACE_INSERT_END] = {"insert_end", "the memtable insert finished",
        {WRITER, EV("seq", TRACE_U64, seq, "the batch's first sequence"),
         EV("count", TRACE_U64, count, "operations"), MEMTABLE, STATUS}},
    [TRACE_PUBLISH] = {"publish", "the last sequence visible to readers moved",
        {EV("seq", TRACE_U64, seq, "the new last sequence")}},
    [TRACE_ALLOCATE] = {"allocate", "sequences handed out (two write queues, unordered write)",
        {EV("first_seq", TRACE_U64, first_seq, "the first sequence handed out"),
         EV("count", TRACE_U64, count, "how many")}},
    [TRACE_STALL_BEGIN] = {"stall_begin", "writes stalled (the stall dummy heads the queue)",
        {EV("reason", TRACE_U64, reason, "why (engine wt_stall_reason)")}},
    [TRACE_STALL_END] = {"stall_end", "the stall ended",
        {EV("reason", TRACE_U64, reason, "why it had stalled")}},
    [TRACE_BG_ERROR] = {"bg_error", "a background error became sticky: later writes fail", {STATUS}},
    [TRACE_MEMTABLE_SWITCH] = {"memtable_switch", "a new memtable and WAL",
        {EV("log", TRACE_U64, log, "the new WAL's log number"),
         EV("immutables", TRACE_U64, immutables, "immutable memtables waiting for flush")}},
    [TRACE_FLUSH_BEGIN] = {"flush_begin", "an immutable memtable is written to a table",
        {EV("file", TRACE_U64, file, "the table's file number"),
         EV("entries", TRACE_U64, entries, "entries written"), MEMTABLE}},
    [TRACE_FLUSH_END] = {"flush_end", "the flush finished",
        {EV("file", TRACE_U64, file, "the table's file number"), STATUS}},
    [TRACE_RECOVERY] = {"recovery", "the DB replayed its WAL on open",
        {EV("records", TRACE_U64, records, "WAL records replayed"),
         EV("last_seq", TRACE_U64, last_seq, "the last sequence recovered"),
         EV("problem_offset", TRACE_U64, problem_offset, "where the WAL's problem starts"),
         EV("problem", TRACE_BOOL, problem, "a corrupt or torn record was met"), STATUS}},
    [TRACE_LINK] = {"link", "a writer pushed itself onto a queue (one CAS on its head that won)",
        {WRITER, QUEUE, EV("leads", TRACE_BOOL, leads, "the queue was empty: it is the leader"),
         EV("attempts", TRACE_U64, attempts, "CAS attempts (more than 1: others pushed meanwhile)")}},
    [TRACE_NEWER_LINKS] = {"newer_links", "the leader filled in missing link_newer pointers "
                                           "(CreateMissingNewerLinks)",
        {EV("leader", TRACE_STR, leader, "the queue's leader"), QUEUE,
         EV("links", TRACE_U64, links, "pointers it set")}},
    [TRACE_DETACH] = {"detach", "the leader took its group off the queue",
        {EV("leader", TRACE_STR, leader, "the group's leader"), QUEUE,
         EV("size", TRACE_U64, size, "the group's writers"),
         {"next", TRACE_STR, (uint16_t)offsetof(trace_event, next), true,
          "the writer that leads next (absent: the queue became empty)"}}},
    [TRACE_MOVE_ASIDE] = {"move_aside", "the leader moved an incompatible writer out of its group, "
                                         "to be re-linked after it",
        {EV("leader", TRACE_STR, leader, "the group's leader"), QUEUE, WRITER}},
    [TRACE_HOLD] = {"hold", "sim only: a pinning rule held a writer at a sync point",
        {WRITER, EV("at", TRACE_STR, at, "the sync point"),
         EV("until", TRACE_STR, until, "the condition that releases it")}},
    [TRACE_RELEASE] = {"release", "sim only: a pinning rule let its writer go",
        {WRITER, EV("at", TRACE_STR, at, "the sync point"),
         EV("until", TRACE_STR, until, "the condition that released it")}},
    [TRACE_CRASH] = {"crash", "sim only: the simulated machine lost power",
        {EV("tear_last_write", TRACE_BOOL, tear_last_write, "the last unsynced append was torn")}},
    [TRACE_REOPEN] = {"reopen", "sim only: the DB is reopened after the crash", {{NULL, 0, 0, 0, 0}}},
    [TRACE_FINISH] = {"finish", "the fiber ended", {{NULL, 0, 0, 0, 0}}},
    [TRACE_VIOLATION] = {"violation",
        "sim only: an invariant failed; the run stops here (invariant crashed: the run's process "
        "died there; written by its supervisor)",
        {EV("invariant", TRACE_STR, invariant, "the invariant's name"),
         EV("detail", TRACE_STR, detail, "what was seen"),
         {"writer", TRACE_STR, (uint16_t)offsetof(trace_event, writer), true,
          "the writer it concerns (absent: none in particular)"}}},
};

#undef WRITER
#undef STATUS
#undef EV

#define HD(key, type, member, meaning) \
    {key, type, (uint16_t)offsetof(trace_header, member), false, meaning}
#define HEADER_COMMON                                                              \
    HD("format", TRACE_STR, format, "always \"" TRACE_FORMAT_NAME "\""),           \
    HD("version", TRACE_U64, version, "the format version"),                       \
    HD("source", TRACE_STR, source, "sim (a sim run) or real (a pthreads run)"),   \
    HD("build", TRACE_STR, build, "the code that made it (version, source hash, injected bug)")

static const trace_field_def header_sim[] = {
    HEADER_COMMON,
    HD("scenario_name", TRACE_STR, scenario_name, "the scenario's name"),
    HD("scenario_path", TRACE_STR, scenario_path, "the scenario file as given"),
    HD("policy", TRACE_STR, policy, "the scheduling policy"),
    HD("seed", TRACE_U64_STR, seed, "the run's seed (a decimal string)"),
    HD("pct_depth", TRACE_U64, pct_depth, "PCT's depth"),
    HD("pct_steps", TRACE_U64, pct_steps, "PCT's expected run length"),
    HD("max_steps", TRACE_U64, max_steps, "the step bound"),
    HD("forced", TRACE_U64, forced, "decisions imposed (replay, dfs); 0 for a plain run"),
    HD("scenario", TRACE_STR, scenario, "the scenario file's text, verbatim"),
    {NULL, TRACE_U64, 0, false, NULL},
};

static const trace_field_def header_real[] = {
    HEADER_COMMON,
    HD("program", TRACE_STR, program, "the command line that recorded the run"),
    HD("threads", TRACE_NAMES, threads, "the threads that wrote, in the order they started"),
    {NULL, TRACE_U64, 0, false, NULL},
};

#undef HEADER_COMMON
#undef HD

#define SM(key, type, member, meaning) \
    {key, type, (uint16_t)offsetof(trace_summary, member), false, meaning}

static const trace_field_def summary_sim[] = {
    SM("outcome", TRACE_STR, outcome,
       "completed, deadlock, step_limit, assertion, aborted, or crashed (the process died)"),
    SM("passed", TRACE_BOOL, passed, "invariants and expectations held"),
    SM("steps", TRACE_U64, steps, "scheduling points taken"),
    SM("t", TRACE_U64, t_ns, "virtual time at the end"),
    SM("decisions", TRACE_U64, decisions, "scheduling decisions (pick lines)"),
    SM("preemptions", TRACE_U64, preemptions, "decisions that switched away from a runnable fiber"),
    SM("groups", TRACE_U64, groups, "write groups formed"),
    SM("max_group", TRACE_U64, max_group, "the largest group"),
    SM("wal_syncs", TRACE_U64, wal_syncs, "WAL syncs"),
    SM("states_visited", TRACE_NAMES, states_visited, "writer states entered"),
    SM("invariants", TRACE_STR, invariants, "ok, or the invariant that failed"),
    {"detail", TRACE_STR, (uint16_t)offsetof(trace_summary, detail), true,
     "why the invariant failed (only then)"},
    SM("expectations", TRACE_STR, expectations, "ok, or the expectations that failed"),
    {NULL, TRACE_U64, 0, false, NULL},
};

static const trace_field_def summary_real[] = {
    SM("outcome", TRACE_STR, outcome, "completed"),
    SM("events", TRACE_U64, events, "event lines written"),
    SM("t", TRACE_U64, t_ns, "ns from the first to the last event"),
    SM("groups", TRACE_U64, groups, "write groups formed"),
    SM("max_group", TRACE_U64, max_group, "the largest group"),
    SM("wal_syncs", TRACE_U64, wal_syncs, "WAL syncs"),
    SM("states_visited", TRACE_NAMES, states_visited, "writer states entered"),
    SM("dropped_events", TRACE_U64, dropped_events,
       "events not recorded because a thread's buffer was full (0: complete)"),
    {NULL, TRACE_U64, 0, false, NULL},
};

#undef SM

bool trace_kind_by_name(const char *name, trace_kind *out)
{
    for (int k = 0; k < TRACE_KIND_COUNT; k++) {
        if (strcmp(trace_kinds[k].name, name) == 0) {
            *out = (trace_kind)k;
            return true;
        }
    }
    return false;
}

const trace_field_def *trace_header_fields_for(const char *source)
{
    if (strcmp(source, TRACE_SOURCE_SIM) == 0) return header_sim;
    if (strcmp(source, TRACE_SOURCE_REAL) == 0) return header_real;
    return NULL;
}

const trace_field_def *trace_summary_fields_for(const char *source)
{
    if (strcmp(source, TRACE_SOURCE_SIM) == 0) return summary_sim;
    if (strcmp(source, TRACE_SOURCE_REAL) == 0) return summary_real;
    return NULL;
}

void trace_header_init(trace_header *h, const char *source)
{
    memset(h, 0, sizeof *h);
    h->format = TRACE_FORMAT_NAME;
    h->version = TRACE_FORMAT_VERSION;
    h->source = source;
}

/* ---------------------------------------------------------------- encoding */

void trace_text_init(trace_text *t)
{
    t->buf = NULL;
    t->len = t->cap = 0;
}

void trace_text_free(trace_text *t)
{
    free(t->buf);
    trace_text_init(t);
}

static void put(trace_text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1) cap *= 2;
        char *grown = realloc(t->buf, cap);
        assert(grown != NULL);
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void put_escaped(trace_text *t, const char *s)
{
    put(t, "\"", 1);
    const char *run = s; /* bytes not yet copied that need no escape */
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
        put(t, run, (size_t)(s - run));
        char esc[8];
        if (c == '"' || c == '\\') snprintf(esc, sizeof esc, "\\%c", c);
        else if (c == '\n') snprintf(esc, sizeof esc, "\\n");
        else if (c == '\t') snprintf(esc, sizeof esc, "\\t");
        else snprintf(esc, sizeof esc, "\\u%04x", c);
        put(t, esc, strlen(esc));
        run = s + 1;
    }
    put(t, run, (size_t)(s - run));
    put(t, "\"", 1);
}

/* A key, after a comma unless it opens its object. */
static void put_key(trace_text *t, const char *key)
{
    if (t->len > 0 && t->buf[t->len - 1] != '{') put(t, ",", 1);
    put(t, "\"", 1);
    put(t, key, strlen(key));
    put(t, "\":", 2);
}

static void put_u64(trace_text *t, uint64_t v)
{
    char num[24];
    put(t, num, (size_t)snprintf(num, sizeof num, "%" PRIu64, v));
}

static void put_names(trace_text *t, const trace_names *n)
{
    assert(n->count <= TRACE_MAX_NAMES);
    assert(n->count == 0 || n->names != NULL);
    put(t, "[", 1);
    for (uint32_t i = 0; i < n->count; i++) {
        if (i > 0) put(t, ",", 1);
        put_escaped(t, n->names[i]);
    }
    put(t, "]", 1);
}

/* Writes one field of the struct at base (with its key). */
static void put_field(trace_text *t, const trace_field_def *f, const void *base)
{
    const char *p = (const char *)base + f->offset;
    const char *s;
    char num[24];
    switch (f->type) {
    case TRACE_U64: put_key(t, f->key); put_u64(t, *(const uint64_t *)(const void *)p); break;
    case TRACE_I64:
        put_key(t, f->key);
        put(t, num, (size_t)snprintf(num, sizeof num, "%" PRId64, *(const int64_t *)(const void *)p));
        break;
    case TRACE_BOOL:
        put_key(t, f->key);
        if (*(const bool *)(const void *)p) put(t, "true", 4);
        else put(t, "false", 5);
        break;
    case TRACE_STR:
        s = *(const char *const *)(const void *)p;
        if (s == NULL && f->optional) return;
        assert(s != NULL);
        put_key(t, f->key);
        put_escaped(t, s);
        break;
    case TRACE_NAMES: put_key(t, f->key); put_names(t, (const trace_names *)(const void *)p); break;
    case TRACE_U64_STR:
        put_key(t, f->key);
        snprintf(num, sizeof num, "%" PRIu64, *(const uint64_t *)(const void *)p);
        put_escaped(t, num);
        break;
    }
}

static void put_fields(trace_text *t, const trace_field_def *fields, const void *base)
{
    for (const trace_field_def *f = fields; f->key != NULL; f++) put_field(t, f, base);
}

void trace_encode_event(trace_text *t, const trace_event *e)
{
    assert(e->kind < TRACE_KIND_COUNT);
    assert(e->fiber != NULL);
    t->len = 0;
    put(t, "{", 1);
    put_key(t, "step");
    put_u64(t, e->step);
    put_key(t, "t");
    put_u64(t, e->t_ns);
    put_key(t, "fiber");
    put_escaped(t, e->fiber);
    put_key(t, "ev");
    put_escaped(t, trace_kinds[e->kind].name);
    put_fields(t, trace_kinds[e->kind].fields, e);
    put(t, "}", 1);
}

/* "type" first, then the fields. */
static void encode_line(trace_text *t, const char *type, const trace_field_def *fields,
                        const void *base)
{
    assert(fields != NULL);
    t->len = 0;
    put(t, "{", 1);
    put_key(t, "type");
    put_escaped(t, type);
    put_fields(t, fields, base);
    put(t, "}", 1);
}

void trace_encode_header(trace_text *t, const trace_header *h)
{
    assert(h->version == TRACE_FORMAT_VERSION);
    encode_line(t, "header", trace_header_fields_for(h->source), h);
}

void trace_encode_summary(trace_text *t, const trace_summary *s, const char *source)
{
    encode_line(t, "summary", trace_summary_fields_for(source), s);
}

void trace_encode_exploration(trace_text *t, const char *scenario_name, uint64_t runs,
                              uint64_t failures, uint64_t distinct,
                              const trace_transition *transitions, size_t count)
{
    t->len = 0;
    put(t, "{", 1);
    put_key(t, "type");
    put_escaped(t, "exploration");
    put_key(t, "scenario_name");
    put_escaped(t, scenario_name);
    put_key(t, "runs");
    put_u64(t, runs);
    put_key(t, "failures");
    put_u64(t, failures);
    put_key(t, "distinct");
    put_u64(t, distinct);
    put_key(t, "transitions");
    put(t, "[", 1);
    for (size_t i = 0; i < count; i++) {
        put(t, i ? ",{" : "{", i ? 2 : 1);
        put_key(t, "from");
        put_escaped(t, transitions[i].from);
        put_key(t, "to");
        put_escaped(t, transitions[i].to);
        put_key(t, "count");
        put_u64(t, transitions[i].count);
        put(t, "}", 1);
    }
    put(t, "]}", 2);
}

/* ------------------------------------------------- from the engine's events */

const char *trace_opts_text(uint32_t flags, char *buf, size_t cap)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{PORT_EV_FLAG_SYNC, "sync"},
                 {PORT_EV_FLAG_DISABLE_WAL, "disable_wal"},
                 {PORT_EV_FLAG_NO_SLOWDOWN, "no_slowdown"},
                 {PORT_EV_FLAG_DISABLE_MEMTABLE, "disable_memtable"},
                 {PORT_EV_FLAG_NO_BATCHING, "no_batching"}};
    assert(cap > 0);
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].bit)) continue;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", len ? "," : "", names[i].name);
    }
    return buf;
}

/* The trace kind of each port event kind. */
static const trace_kind kind_of_port[PORT_EV_KIND_COUNT] = {
    [PORT_EV_WRITE_BEGIN] = TRACE_WRITE_BEGIN,
    [PORT_EV_WRITE_END] = TRACE_WRITE_END,
    [PORT_EV_STATE] = TRACE_STATE,
    [PORT_EV_GROUP] = TRACE_GROUP,
    [PORT_EV_MEMTABLE_GROUP] = TRACE_MEMTABLE_GROUP,
    [PORT_EV_WAL_APPEND] = TRACE_WAL_APPEND,
    [PORT_EV_WAL_SYNC_BEGIN] = TRACE_WAL_SYNC_BEGIN,
    [PORT_EV_WAL_SYNC_END] = TRACE_WAL_SYNC_END,
    [PORT_EV_MEM_INSERT_BEGIN] = TRACE_INSERT_BEGIN,
    [PORT_EV_MEM_INSERT_END] = TRACE_INSERT_END,
    [PORT_EV_PUBLISH] = TRACE_PUBLISH,
    [PORT_EV_ALLOCATE] = TRACE_ALLOCATE,
    [PORT_EV_STALL_BEGIN] = TRACE_STALL_BEGIN,
    [PORT_EV_STALL_END] = TRACE_STALL_END,
    [PORT_EV_ERROR] = TRACE_BG_ERROR,
    [PORT_EV_MEMTABLE_SWITCH] = TRACE_MEMTABLE_SWITCH,
    [PORT_EV_FLUSH_BEGIN] = TRACE_FLUSH_BEGIN,
    [PORT_EV_FLUSH_END] = TRACE_FLUSH_END,
    [PORT_EV_RECOVERY] = TRACE_RECOVERY,
    [PORT_EV_LINK] = TRACE_LINK,
    [PORT_EV_NEWER_LINKS] = TRACE_NEWER_LINKS,
    [PORT_EV_DETACH] = TRACE_DETACH,
    [PORT_EV_MOVE_ASIDE] = TRACE_MOVE_ASIDE,
};

static const char *queue_name(uint64_t q)
{
    static const char *const names[] = {"write", "nonmem", "memtable"};
    return q < sizeof names / sizeof names[0] ? names[q] : "?";
}

/* Group members by name, oldest first. */
static void fill_members(trace_event *e, const port_event *pe, trace_name_fn name_of, void *arg,
                         trace_port_scratch *scratch)
{
    assert(pe->member_count <= TRACE_MAX_NAMES);
    for (uint32_t i = 0; i < pe->member_count; i++)
        scratch->members[i] = name_of(arg, pe->members[i]);
    e->members = (trace_names){scratch->members, pe->member_count};
}

bool trace_event_from_port(trace_event *e, const port_event *pe, trace_name_fn name_of,
                           void *arg, int64_t batch, trace_port_scratch *scratch)
{
    if (pe->kind >= PORT_EV_KIND_COUNT) return false;
    *e = (trace_event){.kind = kind_of_port[pe->kind], .step = e->step, .t_ns = e->t_ns,
                       .fiber = e->fiber};
    const char *who = name_of(arg, pe->writer);
    const char *status = wt_status_name(pe->status);
    switch (pe->kind) {
    case PORT_EV_WRITE_BEGIN:
        e->writer = who, e->batch = batch, e->bytes = pe->a, e->count = pe->b;
        e->opts = trace_opts_text(pe->flags, scratch->opts, sizeof scratch->opts);
        return true;
    case PORT_EV_WRITE_END:
        e->writer = who, e->batch = batch, e->status = status, e->seq = pe->a, e->count = pe->b;
        return true;
    case PORT_EV_STATE:
        e->writer = who, e->from = wt_state_name(pe->from), e->to = wt_state_name(pe->to);
        return true;
    case PORT_EV_GROUP:
    case PORT_EV_MEMTABLE_GROUP:
        e->leader = who, e->bytes = pe->a, e->first_seq = pe->b, e->last_seq = pe->c;
        fill_members(e, pe, name_of, arg, scratch);
        return true;
    case PORT_EV_WAL_APPEND:
        e->writer = who, e->offset = pe->a, e->bytes = pe->b, e->first_seq = pe->c;
        e->count = pe->d, e->status = status;
        return true;
    case PORT_EV_WAL_SYNC_BEGIN:
    case PORT_EV_WAL_SYNC_END: e->writer = who, e->log = pe->a, e->status = status; return true;
    case PORT_EV_MEM_INSERT_BEGIN:
    case PORT_EV_MEM_INSERT_END:
        e->writer = who, e->seq = pe->a, e->count = pe->b, e->memtable = pe->c, e->status = status;
        return true;
    case PORT_EV_PUBLISH: e->seq = pe->a; return true;
    case PORT_EV_ALLOCATE: e->first_seq = pe->a, e->count = pe->b; return true;
    case PORT_EV_STALL_BEGIN:
    case PORT_EV_STALL_END: e->reason = pe->a; return true;
    case PORT_EV_ERROR: e->status = status; return true;
    case PORT_EV_MEMTABLE_SWITCH: e->log = pe->a, e->immutables = pe->b; return true;
    case PORT_EV_FLUSH_BEGIN:
    case PORT_EV_FLUSH_END:
        e->file = pe->a, e->entries = pe->b, e->memtable = pe->c, e->status = status;
        return true;
    case PORT_EV_RECOVERY:
        e->records = pe->a, e->last_seq = pe->b, e->problem_offset = pe->c ? pe->c - 1 : 0;
        e->problem = pe->c != 0, e->status = status;
        return true;
    case PORT_EV_LINK:
        e->writer = who, e->queue = queue_name(pe->a), e->leads = pe->b != 0, e->attempts = pe->c;
        return true;
    case PORT_EV_NEWER_LINKS:
        e->leader = who, e->queue = queue_name(pe->a), e->links = pe->b;
        return true;
    case PORT_EV_DETACH:
        e->leader = who, e->queue = queue_name(pe->a), e->size = pe->b;
        e->next = pe->member_count > 0 ? name_of(arg, pe->members[0]) : NULL;
        return true;
    case PORT_EV_MOVE_ASIDE:
        e->leader = who, e->queue = queue_name(pe->a);
        e->writer = pe->member_count > 0 ? name_of(arg, pe->members[0]) : "?";
        return true;
    case PORT_EV_KIND_COUNT: break;
    }
    return false;
}
