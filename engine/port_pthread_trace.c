/*
 * port_pthread_trace.c — the pthreads build's trace recorder: port_event_emit
 * made real (port_pthread.h has the contract).
 *
 * While a trace is on, every engine event is appended as a raw binary
 * record to a log owned by the emitting thread: its kind byte, then as
 * unsigned LEB128 varints the monotonic ns since the thread's previous
 * record, the port_event's ten fields (writer .. d, member_count) and the
 * group's member ids (copied, since port_event.members is borrowed).
 * Varints keep a typical record near 15 bytes instead of 50: fresh memory
 * is what a record costs most (every new page is a fault, and in a VM an
 * expensive one), so bytes are time.  Nothing is formatted, locked or
 * allocated per event: a thread registers its log once, under the
 * recorder's lock, and from then on finds it through a _Thread_local
 * pointer; logs grow by chunks of RECORDER_CHUNK_BYTES (a huge page, over
 * a hundred thousand events, mapped and populated at once), and all chunks together
 * stay under PORT_PTHREAD_TRACE_BYTES_MAX, past which events are counted
 * as dropped.  At stop the logs, each already in time order, are merged by
 * time (a k-way merge on a heap), numbered, and written through the trace
 * format's one encoder (trace_event.h) as a real trace.
 *
 * Invariants: a log's records are in nondecreasing time order (one thread,
 * one clock: see recorder_ticks); a chunk's `used` bytes are whole records; the step of
 * each line is its 1-based number and t is ns since recording began.
 *
 * Thread safety: port_pthread_trace_on is the only word every thread reads
 * per event (a relaxed atomic load: one predictable branch when off).  The
 * lock guards the session and the list of logs, and is taken once per
 * thread per session and by start and stop.  A log is written only by its
 * thread and read only by stop, which REQUIRES every other thread that
 * recorded to have exited (joined): that exit is what makes its records
 * visible to stop, and stop asserts it (each log's thread-exit destructor
 * marks it).
 */
#define _GNU_SOURCE
#include "port.h"
#include "port_pthread.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#include "trace_event.h"
#include "util.h"
#include "write_thread.h"

#ifndef WT_RECORDER_BUILD_ID
#define WT_RECORDER_BUILD_ID "wtlab pthreads"
#endif

enum {
    RECORDER_FIRST_CHUNK_BYTES = 64 << 10, /* a thread's first chunk (~4000 events) */
    RECORDER_CHUNK_BYTES = 2 << 20,        /* every later one (~130000): a huge page */
    RECORDER_OUTPUT_BUFFER_BYTES = 1 << 20,
    RECORDER_FIELDS = 10,       /* writer from to flags status a b c d member_count */
    RECORDER_VARINT_MAX = 10,   /* bytes of a 64-bit LEB128 varint */
    RECORDER_MEMBER_MAX = 5,    /* bytes of a 32-bit one */
    /* A record's bytes before its members, at most: kind, time, fields. */
    RECORDER_FIXED_MAX = 1 + RECORDER_VARINT_MAX * (1 + RECORDER_FIELDS),
};

_Static_assert(PORT_EV_KIND_COUNT <= UINT8_MAX, "kinds fit in a byte");
_Static_assert(RECORDER_FIXED_MAX + RECORDER_MEMBER_MAX * TRACE_MAX_NAMES + 64 <=
                   RECORDER_FIRST_CHUNK_BYTES,
               "the largest record fits in any chunk");
_Static_assert(RECORDER_FIRST_CHUNK_BYTES < RECORDER_CHUNK_BYTES, "chunks only grow");
_Static_assert((RECORDER_CHUNK_BYTES & (RECORDER_CHUNK_BYTES - 1)) == 0, "aligned to its size");
_Static_assert((size_t)RECORDER_CHUNK_BYTES <= (size_t)PORT_PTHREAD_TRACE_BYTES_MAX,
               "the bound holds chunks");

typedef struct event_chunk {
    struct event_chunk *next;
    size_t used, cap; /* bytes of data; used is final once the chunk is left */
    _Alignas(8) unsigned char data[];
} event_chunk;

/* One thread's log.  Written only by its thread (pos, end, dropped, name)
 * until the thread exits; `exited` is set by its exit destructor. */
typedef struct thread_log {
    unsigned char *pos, *end; /* free space in the current chunk */
    event_chunk *first, *current;
    uint64_t dropped;
    bool full; /* the session's byte budget ran out: drop without trying */
    uint64_t last_ticks; /* of the thread's previous record (0 before the first) */
    uint32_t thread_id;
    uint32_t order; /* registration order: breaks time ties in the merge */
    _Atomic bool exited;
    bool named;     /* named by port_pthread_trace_name_thread: listed even if it never wrote */
    char name[PORT_PTHREAD_TRACE_NAME_MAX];
    struct thread_log *next;
} thread_log;

/* The session: guarded by `lock`, except bytes (atomic, per chunk). */
static struct {
    pthread_mutex_t lock;
    bool active;
    FILE *out;
    char *program;
    uint64_t start_ns;    /* CLOCK_MONOTONIC when the session began */
    uint64_t start_ticks; /* recorder_ticks() then */
    thread_log *logs; /* newest first */
    uint32_t log_count;
    size_t bytes_max;         /* set by start: the bound of this session */
    size_t bytes_max_setting; /* port_pthread_trace_set_bytes_max; 0: the default */
    _Atomic size_t bytes;     /* chunk bytes allocated in this session */
} recorder = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* ------------------------------------------------------------ the clock
 * Records carry ticks, not ns: the CPU's time-stamp counter where it runs
 * at a constant rate on every CPU (x86 "invariant TSC", CPUID 80000007H
 * EDX bit 8), else CLOCK_MONOTONIC ns.  On this project's KVM guests rdtsc
 * takes ~10 ns and clock_gettime ~25 ns, and an event's clock read is half
 * of what tracing costs.  At stop, ticks become ns by the CLOCK_MONOTONIC
 * time that passed between start and stop over the ticks that did. */
static _Atomic bool recorder_use_tsc;
static bool recorder_tsc_allowed = true; /* port_pthread_trace_allow_cpu_clock; under the lock */

static bool invariant_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid(0x80000000u, &a, &b, &c, &d) == 0 || a < 0x80000007u) return false;
    __get_cpuid(0x80000007u, &a, &b, &c, &d);
    return (d & (1u << 8)) != 0;
#else
    return false;
#endif
}

static inline uint64_t recorder_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
    if (WT_LIKELY(atomic_load_explicit(&recorder_use_tsc, memory_order_relaxed)))
        return __rdtsc();
#endif
    return port_now_ns();
}

/* ns per tick over the session so far (1 when ticks are ns). */
static double ns_per_tick(uint64_t start_ticks, uint64_t start_ns)
{
    uint64_t ticks = recorder_ticks(), ns = port_now_ns();
    if (!atomic_load_explicit(&recorder_use_tsc, memory_order_relaxed) || ticks <= start_ticks ||
        ns <= start_ns)
        return 1.0;
    return (double)(ns - start_ns) / (double)(ticks - start_ticks);
}

_Atomic bool port_pthread_trace_on;

static _Thread_local thread_log *my_log;
static _Thread_local char my_name[PORT_PTHREAD_TRACE_NAME_MAX];
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

/* ------------------------------------------------------------ thread logs */

static void log_thread_exit(void *p)
{
    thread_log *log = p;
    atomic_store_explicit(&log->exited, true, memory_order_release);
}

static void make_exit_key(void)
{
    if (pthread_key_create(&exit_key, log_thread_exit) != 0)
        port_assert_fail("pthread_key_create", __FILE__, __LINE__);
}

/* Maps `bytes` of zeroed memory, populated now rather than one page fault
 * at a time on the hot path (in a VM each fault costs microseconds).  A
 * large chunk is aligned to its size and advised as one huge page: one
 * mapping instead of 512.  The kernel may refuse either advice; the memory
 * is then faulted in page by page on first use.  NULL when out of memory. */
static void *map_chunk(size_t bytes)
{
    if (bytes < RECORDER_CHUNK_BYTES) {
        void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        return p == MAP_FAILED ? NULL : p;
    }
    WT_ASSERT(bytes == RECORDER_CHUNK_BYTES);
    unsigned char *raw = mmap(NULL, 2 * bytes, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    unsigned char *p = (unsigned char *)(((uintptr_t)raw + bytes - 1) & ~(uintptr_t)(bytes - 1));
    if (p > raw) munmap(raw, (size_t)(p - raw));
    munmap(p + bytes, (size_t)(raw + 2 * bytes - (p + bytes)));
    (void)madvise(p, bytes, MADV_HUGEPAGE);
    (void)madvise(p, bytes, MADV_POPULATE_WRITE);
    return p;
}

/* A new chunk with room for at least `need` bytes for log; false when the
 * session's budget is spent (or memory is out): the caller drops the event. */
static bool next_chunk(thread_log *log, size_t need)
{
    size_t bytes = log->first == NULL ? RECORDER_FIRST_CHUNK_BYTES : RECORDER_CHUNK_BYTES;
    WT_ASSERT(need <= bytes - sizeof(event_chunk));
    if (atomic_fetch_add_explicit(&recorder.bytes, bytes, memory_order_relaxed) + bytes >
        recorder.bytes_max) {
        atomic_fetch_sub_explicit(&recorder.bytes, bytes, memory_order_relaxed);
        log->full = true;
        return false;
    }
    event_chunk *c = map_chunk(bytes);
    if (c == NULL) {
        atomic_fetch_sub_explicit(&recorder.bytes, bytes, memory_order_relaxed);
        log->full = true;
        return false;
    }
    *c = (event_chunk){.next = NULL, .used = 0, .cap = bytes - sizeof(event_chunk)};
    if (log->current != NULL) {
        log->current->used = (size_t)(log->pos - log->current->data);
        log->current->next = c;
    } else {
        log->first = c;
    }
    log->current = c;
    log->pos = c->data;
    log->end = c->data + c->cap;
    return true;
}

static bool is_main_thread(void) { return (pid_t)syscall(SYS_gettid) == getpid(); }

/* The calling thread's log, registered now; NULL when the session ended
 * between the caller's check of the flag and here. */
static thread_log *register_thread(void)
{
    pthread_once(&exit_key_once, make_exit_key);
    thread_log *log = calloc(1, sizeof *log);
    if (log == NULL) port_assert_fail("out of memory", __FILE__, __LINE__);
    log->thread_id = port_thread_id();
    if (my_name[0] != '\0') snprintf(log->name, sizeof log->name, "%s", my_name);
    else if (is_main_thread()) snprintf(log->name, sizeof log->name, "main");
    else snprintf(log->name, sizeof log->name, "t%u", log->thread_id);
    pthread_mutex_lock(&recorder.lock);
    if (!recorder.active) {
        pthread_mutex_unlock(&recorder.lock);
        free(log);
        return NULL;
    }
    log->order = recorder.log_count++;
    log->next = recorder.logs;
    recorder.logs = log;
    pthread_mutex_unlock(&recorder.lock);
    (void)next_chunk(log, 0); /* a failure leaves it full: its events count as dropped */
    if (pthread_setspecific(exit_key, log) != 0)
        port_assert_fail("pthread_setspecific", __FILE__, __LINE__);
    my_log = log;
    return log;
}

/* -------------------------------------------------------------- hot path */

static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

void port_pthread_trace_record(const port_event *e)
{
    thread_log *log = my_log;
    if (WT_UNLIKELY(log == NULL) && (log = register_thread()) == NULL) return;
    WT_ASSERT(e->member_count <= TRACE_MAX_NAMES);
    size_t room = RECORDER_FIXED_MAX + (size_t)RECORDER_MEMBER_MAX * e->member_count;
    if (WT_UNLIKELY((size_t)(log->end - log->pos) < room) &&
        (log->full || !next_chunk(log, room))) {
        log->dropped++;
        return;
    }
    uint64_t ticks = recorder_ticks();
    /* A thread moved to another CPU may read a tick counter a hair behind:
     * its records stay in order. */
    if (WT_UNLIKELY(ticks < log->last_ticks)) ticks = log->last_ticks;
    const uint64_t fields[RECORDER_FIELDS] = {e->writer, e->from, e->to, e->flags,
                                              (uint64_t)e->status, e->a, e->b, e->c, e->d,
                                              e->member_count};
    unsigned char *p = log->pos;
    *p++ = (unsigned char)e->kind;
    p = put_varint(p, ticks - log->last_ticks);
    for (uint32_t i = 0; i < RECORDER_FIELDS; i++) p = put_varint(p, fields[i]);
    for (uint32_t i = 0; i < e->member_count; i++) p = put_varint(p, e->members[i]);
    WT_ASSERT((size_t)(p - log->pos) <= room);
    log->pos = p;
    log->last_ticks = ticks;
}

/* ------------------------------------------------------------ naming */

void port_pthread_trace_name_thread(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(my_name, sizeof my_name, fmt, ap);
    va_end(ap);
    /* Registered now (while recording), so that a writer thread shows up
     * in the header even if it never writes. */
    thread_log *log = my_log != NULL ? my_log : register_thread();
    if (log == NULL) return;
    snprintf(log->name, sizeof log->name, "%s", my_name);
    log->named = true;
}

void port_pthread_trace_name_port_thread(const char *name)
{
    snprintf(my_name, sizeof my_name, "%s", name);
    if (my_log != NULL) snprintf(my_log->name, sizeof my_log->name, "%s", my_name);
}

/* ------------------------------------------------------------ start */

wt_status port_pthread_trace_start(const char *path, const char *program)
{
    WT_ASSERT(path != NULL);
    pthread_mutex_lock(&recorder.lock);
    wt_status s = WT_OK;
    if (recorder.active) {
        s = WT_INVALID_ARGUMENT;
        goto done;
    }
    WT_ASSERT(recorder.logs == NULL);
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        s = errno == ENOENT ? WT_NOT_FOUND : errno == ENOSPC ? WT_NO_SPACE : WT_IO_ERROR;
        goto done;
    }
    setvbuf(out, NULL, _IOFBF, RECORDER_OUTPUT_BUFFER_BYTES);
    recorder.out = out;
    recorder.program = strdup(program != NULL ? program : "");
    WT_ASSERT(recorder.program != NULL);
    recorder.log_count = 0;
    recorder.bytes_max = recorder.bytes_max_setting ? recorder.bytes_max_setting
                                                    : PORT_PTHREAD_TRACE_BYTES_MAX;
    atomic_store_explicit(&recorder.bytes, 0, memory_order_relaxed);
    atomic_store_explicit(&recorder_use_tsc, recorder_tsc_allowed && invariant_tsc(),
                          memory_order_relaxed);
    recorder.start_ticks = recorder_ticks();
    recorder.start_ns = port_now_ns();
    recorder.active = true;
    atomic_store_explicit(&port_pthread_trace_on, true, memory_order_release);
done:
    pthread_mutex_unlock(&recorder.lock);
    return s;
}

bool port_pthread_trace_active(void)
{
    return atomic_load_explicit(&port_pthread_trace_on, memory_order_relaxed);
}

void port_pthread_trace_allow_cpu_clock(bool allowed)
{
    pthread_mutex_lock(&recorder.lock);
    recorder_tsc_allowed = allowed;
    pthread_mutex_unlock(&recorder.lock);
}

void port_pthread_trace_set_bytes_max(size_t bytes)
{
    pthread_mutex_lock(&recorder.lock);
    recorder.bytes_max_setting = bytes;
    pthread_mutex_unlock(&recorder.lock);
}

/* ------------------------------------------------------------ names at stop */

/* Thread names by port_thread_id, for trace_event_from_port.  Threads
 * that recorded nothing are "t<id>". */
typedef struct name_table {
    char **names;
    uint32_t cap;
} name_table;

static void name_table_set(name_table *t, uint32_t id, const char *name)
{
    if (id >= t->cap) {
        uint32_t cap = t->cap ? t->cap : 64;
        while (cap <= id) cap *= 2;
        t->names = port_realloc(t->names, cap * sizeof *t->names);
        memset(t->names + t->cap, 0, (cap - t->cap) * sizeof *t->names);
        t->cap = cap;
    }
    free(t->names[id]);
    t->names[id] = strdup(name);
    WT_ASSERT(t->names[id] != NULL);
}

static const char *name_of(void *arg, uint32_t id)
{
    name_table *t = arg;
    if (id >= t->cap || t->names[id] == NULL) {
        char name[PORT_PTHREAD_TRACE_NAME_MAX];
        snprintf(name, sizeof name, "t%u", id);
        name_table_set(t, id, name);
    }
    return t->names[id];
}

static void name_table_free(name_table *t)
{
    for (uint32_t i = 0; i < t->cap; i++) free(t->names[i]);
    port_free(t->names);
}

/* ------------------------------------------------------------ merge at stop */

/* A position in one log: the record at chunk->data + off, decoded into
 * ev (its members left encoded at members_at), or the end. */
typedef struct log_cursor {
    const thread_log *log;
    const event_chunk *chunk;
    size_t off, next_off;
    bool done;
    uint64_t ticks; /* the record's time (deltas within a log; recorder_ticks) */
    port_event ev;  /* members NULL: see cursor_members */
    const unsigned char *members_at;
    int64_t writes; /* write_begins of the log's own thread so far */
} log_cursor;

static const unsigned char *get_varint(const unsigned char *p, const unsigned char *end,
                                       uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        WT_ASSERT(p < end);
        WT_ASSERT(shift < 64);
        v |= (uint64_t)(*p & 0x7f) << shift;
        if ((*p++ & 0x80) == 0) break;
    }
    *out = v;
    return p;
}

/* Decodes the record at off, or finds the end. */
static void cursor_load(log_cursor *c)
{
    while (c->chunk != NULL && c->off >= c->chunk->used) {
        WT_ASSERT(c->off == c->chunk->used);
        c->chunk = c->chunk->next;
        c->off = 0;
    }
    c->done = c->chunk == NULL;
    if (c->done) return;
    const unsigned char *p = c->chunk->data + c->off, *end = c->chunk->data + c->chunk->used;
    uint64_t delta, f[RECORDER_FIELDS];
    WT_ASSERT(*p < PORT_EV_KIND_COUNT);
    port_event_kind kind = (port_event_kind)*p++;
    p = get_varint(p, end, &delta);
    for (uint32_t i = 0; i < RECORDER_FIELDS; i++) p = get_varint(p, end, &f[i]);
    WT_ASSERT(f[9] <= TRACE_MAX_NAMES);
    c->ticks += delta;
    c->ev = (port_event){.kind = kind, .writer = (uint32_t)f[0], .from = (uint32_t)f[1],
                         .to = (uint32_t)f[2], .flags = (uint32_t)f[3],
                         .status = (wt_status)f[4], .a = f[5], .b = f[6], .c = f[7], .d = f[8],
                         .members = NULL, .member_count = (uint32_t)f[9]};
    c->members_at = p;
    for (uint32_t i = 0; i < c->ev.member_count; i++) {
        uint64_t skipped;
        p = get_varint(p, end, &skipped);
    }
    c->next_off = (size_t)(p - c->chunk->data);
}

static void cursor_init(log_cursor *c, const thread_log *log)
{
    *c = (log_cursor){.log = log, .chunk = log->first};
    cursor_load(c);
}

static void cursor_advance(log_cursor *c)
{
    uint64_t ticks = c->ticks;
    c->off = c->next_off;
    cursor_load(c);
    WT_ASSERT(c->done || c->ticks >= ticks); /* one thread's records never go back */
}

/* The current record's member ids, decoded into ids[TRACE_MAX_NAMES]. */
static const uint32_t *cursor_members(const log_cursor *c, uint32_t *ids)
{
    const unsigned char *p = c->members_at, *end = c->chunk->data + c->chunk->used;
    for (uint32_t i = 0; i < c->ev.member_count; i++) {
        uint64_t id;
        p = get_varint(p, end, &id);
        ids[i] = (uint32_t)id;
    }
    return ids;
}

/* A binary min-heap of cursors by (time, registration order). */
static bool cursor_before(const log_cursor *a, const log_cursor *b)
{
    if (a->ticks != b->ticks) return a->ticks < b->ticks;
    return a->log->order < b->log->order;
}

static void heap_sift_down(log_cursor **heap, size_t n, size_t i)
{
    for (;;) {
        size_t least = i, l = 2 * i + 1, r = l + 1;
        if (l < n && cursor_before(heap[l], heap[least])) least = l;
        if (r < n && cursor_before(heap[r], heap[least])) least = r;
        if (least == i) return;
        log_cursor *tmp = heap[i];
        heap[i] = heap[least];
        heap[least] = tmp;
        i = least;
    }
}

/* What the summary reports, tallied while the lines are written. */
typedef struct trace_totals {
    uint64_t events, groups, max_group, wal_syncs, dropped;
    uint64_t start_ticks;            /* when recording began: event times count from it */
    double ns_per_tick;              /* CLOCK_MONOTONIC ns per recorder tick */
    uint64_t first_ticks, last_ticks; /* of the first and last event */
    uint32_t states; /* wt_state bits entered */
} trace_totals;

/* A record's time as ns since recording began. */
static uint64_t ns_since_start(const trace_totals *t, uint64_t ticks)
{
    if (ticks <= t->start_ticks) return 0;
    return (uint64_t)((double)(ticks - t->start_ticks) * t->ns_per_tick + 0.5);
}

static void tally(trace_totals *t, const port_event *e)
{
    if (e->kind == PORT_EV_GROUP && e->b != 0) { /* first_seq 0: failed before numbering */
        t->groups++;
        if (e->member_count > t->max_group) t->max_group = e->member_count;
    }
    if (e->kind == PORT_EV_WAL_SYNC_END) t->wal_syncs++;
    if (e->kind == PORT_EV_STATE) t->states |= e->to;
}

/* The writer's batch number for its own write_begin/write_end: the
 * thread's write counter (0-based); -1 for events about another thread. */
static int64_t batch_of(log_cursor *c, const port_event *e)
{
    if (e->writer != c->log->thread_id) return -1;
    if (e->kind == PORT_EV_WRITE_BEGIN) return c->writes++;
    if (e->kind == PORT_EV_WRITE_END) return c->writes - 1;
    return -1;
}

/* Everything stop needs to write one trace line. */
typedef struct trace_writer {
    FILE *out;
    trace_text text;
    name_table names;
    trace_port_scratch scratch;
    uint32_t member_ids[TRACE_MAX_NAMES];
    trace_totals totals;
} trace_writer;

static void put_line(trace_writer *w)
{
    fwrite(w->text.buf, 1, w->text.len, w->out);
    fputc('\n', w->out);
}

static void write_event(trace_writer *w, log_cursor *c)
{
    port_event pe = c->ev;
    if (pe.member_count > 0) pe.members = cursor_members(c, w->member_ids);
    int64_t batch = batch_of(c, &pe);
    WT_ASSERT(c->ticks >= w->totals.first_ticks);
    trace_event te = {.step = w->totals.events + 1, .t_ns = ns_since_start(&w->totals, c->ticks),
                      .fiber = c->log->name};
    if (!trace_event_from_port(&te, &pe, name_of, &w->names, batch, &w->scratch)) return;
    w->totals.events++;
    w->totals.last_ticks = c->ticks;
    tally(&w->totals, &pe);
    trace_encode_event(&w->text, &te);
    put_line(w);
}

/* Every log's records, merged by time into lines. */
static void write_events(trace_writer *w, thread_log *logs, uint32_t log_count)
{
    log_cursor *cursors = port_alloc_zeroed(log_count * sizeof *cursors);
    log_cursor **heap = port_alloc_zeroed(log_count * sizeof *heap);
    size_t n = 0;
    for (thread_log *log = logs; log != NULL; log = log->next) {
        WT_ASSERT(log->order < log_count);
        cursor_init(&cursors[log->order], log);
        if (!cursors[log->order].done) heap[n++] = &cursors[log->order];
    }
    for (size_t i = n; i-- > 0;) heap_sift_down(heap, n, i);
    w->totals.first_ticks = n > 0 ? heap[0]->ticks : 0;
    w->totals.last_ticks = w->totals.first_ticks;
    while (n > 0) {
        log_cursor *c = heap[0];
        write_event(w, c);
        cursor_advance(c);
        if (c->done) heap[0] = heap[--n];
        heap_sift_down(heap, n, 0);
    }
    port_free(heap);
    port_free(cursors);
}

/* ------------------------------------------------------------ header, summary */

typedef struct first_write {
    uint64_t ticks;
    uint32_t order;
    const char *name;
} first_write;

static int compare_first_writes(const void *pa, const void *pb)
{
    const first_write *a = pa, *b = pb;
    if (a->ticks != b->ticks) return a->ticks < b->ticks ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The threads that wrote, in the order of their first write_begin, then
 * the named threads that never wrote, in the order they were named. */
static void write_header(trace_writer *w, const char *program, thread_log *logs,
                         uint32_t log_count)
{
    first_write *firsts = port_alloc_zeroed(log_count * sizeof *firsts);
    const char **names = port_alloc_zeroed(log_count * sizeof *names);
    uint32_t n = 0;
    for (thread_log *log = logs; log != NULL; log = log->next) {
        log_cursor c;
        for (cursor_init(&c, log); !c.done; cursor_advance(&c))
            if (c.ev.kind == PORT_EV_WRITE_BEGIN && c.ev.writer == log->thread_id) break;
        /* A named thread that never wrote sorts after every writer. */
        if (!c.done || log->named)
            firsts[n++] = (first_write){c.done ? UINT64_MAX : c.ticks, log->order, log->name};
    }
    WT_ASSERT(n <= log_count);
    qsort(firsts, n, sizeof *firsts, compare_first_writes);
    for (uint32_t i = 0; i < n; i++) names[i] = firsts[i].name;
    trace_header h;
    trace_header_init(&h, TRACE_SOURCE_REAL);
    h.build = WT_RECORDER_BUILD_ID;
    h.program = program;
    h.threads = (trace_names){names, n};
    trace_encode_header(&w->text, &h);
    put_line(w);
    port_free(names);
    port_free(firsts);
}

static void write_summary(trace_writer *w)
{
    const char *visited[WT_STATE_BITS];
    uint32_t nvisited = 0;
    for (uint32_t bit = 0; bit < WT_STATE_BITS; bit++)
        if (w->totals.states & (1u << bit)) visited[nvisited++] = wt_state_name(1u << bit);
    trace_summary s = {
        .outcome = "completed",
        .events = w->totals.events,
        .t_ns = ns_since_start(&w->totals, w->totals.last_ticks) -
                ns_since_start(&w->totals, w->totals.first_ticks),
        .groups = w->totals.groups,
        .max_group = w->totals.max_group,
        .wal_syncs = w->totals.wal_syncs,
        .states_visited = {visited, nvisited},
        .dropped_events = w->totals.dropped,
    };
    trace_encode_summary(&w->text, &s, TRACE_SOURCE_REAL);
    put_line(w);
}

/* ------------------------------------------------------------ stop */

/* What one session leaves to stop, taken from the recorder under its lock. */
typedef struct session {
    FILE *out;
    char *program;
    uint64_t start_ticks;
    double ns_per_tick;
    thread_log *logs;
    uint32_t log_count;
} session;

/* Every other thread that recorded has exited, so its log is final and
 * visible here; the caller's own log is final because it is here. */
static uint64_t finish_logs(thread_log *logs)
{
    uint64_t dropped = 0;
    for (thread_log *log = logs; log != NULL; log = log->next) {
        if (log != my_log && !atomic_load_explicit(&log->exited, memory_order_acquire)) {
            fprintf(stderr, "wtlab: trace stopped while thread %s (id %u) may still record\n",
                    log->name, log->thread_id);
            port_assert_fail("every other recording thread has exited before "
                             "port_pthread_trace_stop", __FILE__, __LINE__);
        }
        if (log->current != NULL) log->current->used = (size_t)(log->pos - log->current->data);
        dropped += log->dropped;
    }
    return dropped;
}

static void free_logs(thread_log *logs)
{
    while (logs != NULL) {
        thread_log *next = logs->next;
        for (event_chunk *c = logs->first, *cn; c != NULL; c = cn) {
            cn = c->next;
            munmap(c, sizeof *c + c->cap); /* the whole mapping */
        }
        free(logs);
        logs = next;
    }
}

static wt_status write_trace(const session *ss, uint64_t dropped)
{
    trace_writer *w = port_alloc_zeroed(sizeof *w);
    w->out = ss->out;
    trace_text_init(&w->text);
    w->totals.dropped = dropped;
    w->totals.start_ticks = ss->start_ticks;
    w->totals.ns_per_tick = ss->ns_per_tick;
    for (thread_log *log = ss->logs; log != NULL; log = log->next)
        name_table_set(&w->names, log->thread_id, log->name);
    write_header(w, ss->program, ss->logs, ss->log_count);
    write_events(w, ss->logs, ss->log_count);
    write_summary(w);
    int write_errno = ferror(w->out) ? (errno ? errno : EIO) : 0;
    if (fclose(w->out) != 0 && write_errno == 0) write_errno = errno ? errno : EIO;
    trace_text_free(&w->text);
    name_table_free(&w->names);
    port_free(w);
    if (write_errno == 0) return WT_OK;
    return write_errno == ENOSPC || write_errno == EDQUOT ? WT_NO_SPACE : WT_IO_ERROR;
}

wt_status port_pthread_trace_stop(void)
{
    pthread_mutex_lock(&recorder.lock);
    WT_ASSERT(recorder.active);
    atomic_store_explicit(&port_pthread_trace_on, false, memory_order_seq_cst);
    recorder.active = false;
    session ss = {recorder.out, recorder.program, recorder.start_ticks,
                  ns_per_tick(recorder.start_ticks, recorder.start_ns), recorder.logs,
                  recorder.log_count};
    recorder.out = NULL;
    recorder.program = NULL;
    recorder.logs = NULL;
    recorder.log_count = 0;
    pthread_mutex_unlock(&recorder.lock);
    uint64_t dropped = finish_logs(ss.logs);
    wt_status s = write_trace(&ss, dropped);
    free_logs(ss.logs);
    if (my_log != NULL && pthread_setspecific(exit_key, NULL) != 0)
        port_assert_fail("pthread_setspecific", __FILE__, __LINE__);
    my_log = NULL;
    free(ss.program);
    return s;
}
