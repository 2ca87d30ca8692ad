/*
 * test_trace_real.c — the pthreads build's trace recorder
 * (engine/port_pthread_trace.c): what it writes is a well-formed real
 * trace that says what the threads did.
 *
 * Goal: a trace recorded from real threads is complete and consistent:
 * header source "real" naming exactly the writer threads; every event line
 * numbered in order with nondecreasing times; every write_begin matched by
 * its write_end on the same thread with consecutive batch numbers; group
 * members known writers; a summary whose counts are those of the lines.
 * Also: tracing off means port_events_enabled() is false; threads are named
 * as documented (main, port_thread_create's name, t<id>); a file that
 * cannot be created is refused; past the memory bound events are counted
 * as dropped; stopping while a recording thread lives is an assertion;
 * event times are ns since recording began whether the recorder stamps
 * with the CPU's counter or with CLOCK_MONOTONIC (never past the time
 * that passed between start and stop, never zero for real sync writes).
 *
 * Method: four port threads (named w1..w4) make sync writes to a real DB
 * with tracing on; after join, close and stop, the file is read back with
 * the lab's reader (sim/lab/trace_reader.c, the format's one parser, which
 * checks every line against engine/trace_event.h's table) and each line is
 * checked against the rules above.  Naming is checked with events emitted
 * directly through port_event_emit from chosen threads.
 */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/lab/trace_reader.h"
#include "check_main.h"
#include "db.h"
#include "harness.h"
#include "port_pthread.h"
#include "write_thread.h"

enum {
    WRITERS = 4,
    WRITES_PER_WRITER = 40,
    SMALL_BYTES_MAX = 2 * (64 << 10), /* two threads' first chunks */
};

/* ------------------------------------------------------------- a workload */

typedef struct writer_arg {
    wt_db *db;
    unsigned index;
    wt_status status;
} writer_arg;

static void writer_main(void *p)
{
    writer_arg *a = p;
    port_pthread_trace_name_thread("w%u", a->index + 1);
    wt_write_options wo = {.sync = true};
    for (unsigned i = 0; i < WRITES_PER_WRITER && a->status == WT_OK; i++) {
        char key[32];
        snprintf(key, sizeof key, "w%u-%04u", a->index + 1, i);
        a->status = wt_db_put(a->db, &wo, wt_slice_str(key), wt_slice_str("value"));
    }
}

/* Records WRITERS threads' sync writes into trace_path. */
static void record_sync_writes(const char *trace_path)
{
    char *dir = harness_make_dir("trace-real");
    ck_assert_int_eq(port_pthread_trace_start(trace_path, "test_trace_real sync"), WT_OK);
    ck_assert(port_events_enabled());
    wt_options o;
    wt_options_default(&o);
    o.create_if_missing = true;
    wt_db *db;
    ck_assert_int_eq(wt_db_open(&o, dir, &db, NULL), WT_OK);
    writer_arg args[WRITERS];
    port_thread *threads[WRITERS];
    for (unsigned i = 0; i < WRITERS; i++) {
        args[i] = (writer_arg){db, i, WT_OK};
        ck_assert_int_eq(port_thread_create(&threads[i], "writer", writer_main, &args[i]), WT_OK);
    }
    for (unsigned i = 0; i < WRITERS; i++) port_thread_join(threads[i]);
    for (unsigned i = 0; i < WRITERS; i++) ck_assert_int_eq(args[i].status, WT_OK);
    ck_assert_int_eq(wt_db_close(db), WT_OK);
    ck_assert_int_eq(port_pthread_trace_stop(), WT_OK);
    ck_assert(!port_events_enabled());
    harness_cleanup_dir(dir);
    free(dir);
}

static char *trace_file(const char *tag)
{
    char *dir = harness_make_dir(tag);
    size_t cap = strlen(dir) + sizeof "/trace.jsonl";
    char *path = malloc(cap);
    ck_assert_ptr_nonnull(path);
    snprintf(path, cap, "%s/trace.jsonl", dir);
    free(dir);
    return path;
}

static void remove_trace_file(char *path)
{
    remove(path);
    *strrchr(path, '/') = '\0';
    harness_cleanup_dir(path);
    free(path);
}

static trace_reader *open_trace(const char *path)
{
    char err[TRACE_READER_ERR_MAX];
    trace_reader *r = trace_reader_open(path, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_int_eq(trace_reader_file_kind(r), TRACE_FILE_TRACE);
    ck_assert(trace_reader_is_real(r));
    ck_assert_str_eq(trace_reader_header(r)->source, TRACE_SOURCE_REAL);
    return r;
}

/* ------------------------------------------------------- what lines say */

typedef struct seen {
    uint64_t events, groups, max_group, wal_syncs, first_t, last_t;
    uint32_t states;
    int64_t begun[WRITERS], ended[WRITERS];
    bool in_write[WRITERS];
} seen;

/* w1..w4 → 0..3; -1 for any other name. */
static int writer_index(const char *name)
{
    unsigned n;
    char rest;
    if (sscanf(name, "w%u%c", &n, &rest) != 1 || n < 1 || n > WRITERS) return -1;
    return (int)n - 1;
}

static uint32_t state_bit(const char *name)
{
    for (uint32_t bit = 0; bit < WT_STATE_BITS; bit++)
        if (strcmp(wt_state_name(1u << bit), name) == 0) return 1u << bit;
    ck_abort_msg("unknown state %s", name);
    return 0;
}

static void check_write_line(seen *s, const trace_event *e)
{
    int w = writer_index(e->writer);
    ck_assert_msg(w >= 0, "step %llu: writer %s", (unsigned long long)e->step, e->writer);
    ck_assert_str_eq(e->fiber, e->writer); /* a writer's own thread reports its write */
    if (e->kind == TRACE_WRITE_BEGIN) {
        ck_assert_msg(!s->in_write[w], "%s began a write inside a write", e->writer);
        ck_assert_int_eq(e->batch, s->begun[w]);
        ck_assert_str_eq(e->opts, "sync");
        s->begun[w]++;
        s->in_write[w] = true;
        return;
    }
    ck_assert_msg(s->in_write[w], "%s ended a write it never began", e->writer);
    ck_assert_int_eq(e->batch, s->begun[w] - 1);
    ck_assert_str_eq(e->status, "ok");
    ck_assert_uint_gt(e->seq, 0);
    s->ended[w]++;
    s->in_write[w] = false;
}

static void check_group_line(seen *s, const trace_event *e)
{
    ck_assert_int_ge(writer_index(e->leader), 0);
    ck_assert_uint_ge(e->members.count, 1);
    ck_assert_str_eq(e->members.names[0], e->leader); /* oldest first: the leader */
    for (uint32_t i = 0; i < e->members.count; i++)
        ck_assert_msg(writer_index(e->members.names[i]) >= 0, "step %llu: member %s",
                      (unsigned long long)e->step, e->members.names[i]);
    if (e->first_seq == 0) return;
    ck_assert_uint_eq(e->last_seq - e->first_seq + 1, e->members.count); /* one op each */
    s->groups++;
    if (e->members.count > s->max_group) s->max_group = e->members.count;
}

static void check_event_line(seen *s, const trace_event *e)
{
    ck_assert_uint_eq(e->step, s->events + 1);
    if (s->events == 0) s->first_t = e->t_ns; /* times count from start: a little before */
    ck_assert_msg(e->t_ns >= s->last_t, "step %llu: time went back",
                  (unsigned long long)e->step);
    ck_assert_msg(writer_index(e->fiber) >= 0 || strcmp(e->fiber, "main") == 0 ||
                      strcmp(e->fiber, "flush") == 0,
                  "step %llu: fiber %s", (unsigned long long)e->step, e->fiber);
    s->events++;
    s->last_t = e->t_ns;
    if (e->kind == TRACE_WRITE_BEGIN || e->kind == TRACE_WRITE_END) check_write_line(s, e);
    if (e->kind == TRACE_GROUP) check_group_line(s, e);
    if (e->kind == TRACE_WAL_SYNC_END) s->wal_syncs++;
    if (e->kind == TRACE_STATE) {
        ck_assert_int_ge(writer_index(e->writer), 0);
        s->states |= state_bit(e->to);
    }
}

static void check_summary(const seen *s, const trace_summary *sum)
{
    ck_assert_ptr_nonnull(sum);
    ck_assert_str_eq(sum->outcome, "completed");
    ck_assert_uint_eq(sum->events, s->events);
    ck_assert_uint_eq(sum->t_ns, s->last_t - s->first_t); /* from the first to the last */
    ck_assert_uint_eq(sum->groups, s->groups);
    ck_assert_uint_eq(sum->max_group, s->max_group);
    ck_assert_uint_eq(sum->wal_syncs, s->wal_syncs);
    uint32_t states = 0;
    for (uint32_t i = 0; i < sum->states_visited.count; i++)
        states |= state_bit(sum->states_visited.names[i]);
    ck_assert_uint_eq(states, s->states);
}

/* ------------------------------------------------------------------ tests */

START_TEST(sync_writers_make_a_consistent_trace)
{
    char *path = trace_file("trace-real-file");
    record_sync_writes(path);
    trace_reader *r = open_trace(path);
    const trace_header *h = trace_reader_header(r);
    ck_assert_str_eq(h->program, "test_trace_real sync");
    ck_assert_uint_eq(h->threads.count, WRITERS);
    bool named[WRITERS] = {false};
    for (uint32_t i = 0; i < h->threads.count; i++) {
        int w = writer_index(h->threads.names[i]);
        ck_assert_msg(w >= 0 && !named[w], "header thread %s", h->threads.names[i]);
        named[w] = true;
    }
    seen s = {0};
    trace_event e;
    trace_item item;
    while ((item = trace_reader_next(r, &e)) == TRACE_ITEM_EVENT) check_event_line(&s, &e);
    ck_assert_msg(item == TRACE_ITEM_SUMMARY, "%s", trace_reader_error(r));
    check_summary(&s, trace_reader_summary(r));
    ck_assert_uint_eq(trace_reader_summary(r)->dropped_events, 0);
    ck_assert_int_eq(trace_reader_next(r, &e), TRACE_ITEM_END);
    ck_assert_uint_eq(trace_reader_line_number(r), s.events + 2); /* header, events, summary */
    for (int w = 0; w < WRITERS; w++) {
        ck_assert_int_eq(s.begun[w], WRITES_PER_WRITER);
        ck_assert_int_eq(s.ended[w], WRITES_PER_WRITER);
    }
    ck_assert_uint_gt(s.groups, 0);
    ck_assert_uint_eq(s.wal_syncs, s.groups); /* sync writes: one sync per group */
    trace_reader_close(r);
    remove_trace_file(path);
}
END_TEST

/* The last event's time since recording began, and the summary's span. */
static void last_time(const char *path, uint64_t *last_ns, uint64_t *span_ns)
{
    trace_reader *r = open_trace(path);
    trace_event e;
    trace_item item;
    *last_ns = 0;
    while ((item = trace_reader_next(r, &e)) == TRACE_ITEM_EVENT) {
        ck_assert_uint_ge(e.t_ns, *last_ns);
        *last_ns = e.t_ns;
    }
    ck_assert_msg(item == TRACE_ITEM_SUMMARY, "%s", trace_reader_error(r));
    *span_ns = trace_reader_summary(r)->t_ns;
    trace_reader_close(r);
}

/* Both clocks (the CPU's counter, CLOCK_MONOTONIC) give ns since recording
 * began: never past the time that passed between start and stop, and the
 * sync writes take real time, so not zero either. */
START_TEST(event_times_are_ns_on_either_clock)
{
    for (int allowed = 1; allowed >= 0; allowed--) {
        port_pthread_trace_allow_cpu_clock(allowed != 0);
        char *path = trace_file(allowed ? "trace-real-tsc" : "trace-real-monotonic");
        uint64_t before = port_now_ns();
        record_sync_writes(path);
        uint64_t elapsed = port_now_ns() - before;
        uint64_t last, span;
        last_time(path, &last, &span);
        ck_assert_msg(last > 0 && last <= elapsed, "clock %d: last event at %llu ns of %llu",
                      allowed, (unsigned long long)last, (unsigned long long)elapsed);
        ck_assert_msg(span > 0 && span <= last, "clock %d: span %llu ns, last %llu", allowed,
                      (unsigned long long)span, (unsigned long long)last);
        remove_trace_file(path);
    }
    port_pthread_trace_allow_cpu_clock(true);
}
END_TEST

START_TEST(off_by_default_and_empty_trace)
{
    ck_assert(!port_events_enabled());
    ck_assert(!port_pthread_trace_active());
    char *path = trace_file("trace-real-empty");
    ck_assert_int_eq(port_pthread_trace_start(path, "empty"), WT_OK);
    ck_assert(port_events_enabled());
    ck_assert_int_eq(port_pthread_trace_start(path, "again"), WT_INVALID_ARGUMENT);
    ck_assert_int_eq(port_pthread_trace_stop(), WT_OK);
    ck_assert(!port_events_enabled());
    trace_reader *r = open_trace(path);
    ck_assert_uint_eq(trace_reader_header(r)->threads.count, 0);
    trace_event e;
    ck_assert_int_eq(trace_reader_next(r, &e), TRACE_ITEM_SUMMARY);
    ck_assert_uint_eq(trace_reader_summary(r)->events, 0);
    ck_assert_uint_eq(trace_reader_summary(r)->t_ns, 0);
    trace_reader_close(r);
    remove_trace_file(path);
}
END_TEST

START_TEST(a_file_that_cannot_be_created_is_refused)
{
    ck_assert_int_eq(port_pthread_trace_start("/nonexistent-wtlab-dir/t.jsonl", "x"), WT_NOT_FOUND);
    ck_assert(!port_events_enabled());
    ck_assert(!port_pthread_trace_active());
}
END_TEST

/* -------------------------------------------------------------- naming */

static uint32_t never_recorded_id;

static void emit_write_begin(void)
{
    port_event e = {.kind = PORT_EV_WRITE_BEGIN, .writer = port_thread_id(), .a = 10, .b = 1};
    port_event_emit(&e);
}

static void helper_main(void *arg)
{
    (void)arg;
    emit_write_begin();
}

static void *raw_main(void *arg)
{
    (void)arg;
    uint32_t members[] = {port_thread_id(), never_recorded_id};
    port_event e = {.kind = PORT_EV_GROUP, .writer = port_thread_id(), .a = 20, .b = 0,
                    .members = members, .member_count = 2};
    port_event_emit(&e);
    return NULL;
}

static void *take_an_id(void *arg)
{
    *(uint32_t *)arg = port_thread_id();
    return NULL;
}

START_TEST(threads_are_named_as_documented)
{
    pthread_t raw;
    ck_assert_int_eq(pthread_create(&raw, NULL, take_an_id, &never_recorded_id), 0);
    pthread_join(raw, NULL);
    char *path = trace_file("trace-real-names");
    ck_assert_int_eq(port_pthread_trace_start(path, "names"), WT_OK);
    port_event publish = {.kind = PORT_EV_PUBLISH, .writer = port_thread_id(), .a = 1};
    port_event_emit(&publish);
    port_thread *helper;
    ck_assert_int_eq(port_thread_create(&helper, "helper", helper_main, NULL), WT_OK);
    port_thread_join(helper);
    ck_assert_int_eq(pthread_create(&raw, NULL, raw_main, NULL), 0);
    pthread_join(raw, NULL);
    ck_assert_int_eq(port_pthread_trace_stop(), WT_OK);

    trace_reader *r = open_trace(path);
    const trace_header *h = trace_reader_header(r);
    ck_assert_uint_eq(h->threads.count, 1);
    ck_assert_str_eq(h->threads.names[0], "helper");
    trace_event e;
    ck_assert_int_eq(trace_reader_next(r, &e), TRACE_ITEM_EVENT);
    ck_assert_str_eq(e.fiber, "main");
    ck_assert_int_eq(e.kind, TRACE_PUBLISH);
    ck_assert_int_eq(trace_reader_next(r, &e), TRACE_ITEM_EVENT);
    ck_assert_str_eq(e.fiber, "helper");
    ck_assert_str_eq(e.writer, "helper");
    ck_assert_int_eq(e.batch, 0);
    ck_assert_int_eq(trace_reader_next(r, &e), TRACE_ITEM_EVENT);
    ck_assert_int_eq(e.kind, TRACE_GROUP);
    ck_assert_msg(e.fiber[0] == 't' && strcmp(e.fiber, e.leader) == 0, "fiber %s", e.fiber);
    char unknown[16];
    snprintf(unknown, sizeof unknown, "t%u", never_recorded_id);
    ck_assert_uint_eq(e.members.count, 2);
    ck_assert_str_eq(e.members.names[0], e.fiber);
    ck_assert_str_eq(e.members.names[1], unknown);
    ck_assert_int_eq(trace_reader_next(r, &e), TRACE_ITEM_SUMMARY);
    ck_assert_uint_eq(trace_reader_summary(r)->groups, 0); /* first_seq 0: never numbered */
    trace_reader_close(r);
    remove_trace_file(path);
}
END_TEST

/* ------------------------------------------------------- memory bound */

START_TEST(past_the_memory_bound_events_are_dropped_and_counted)
{
    port_pthread_trace_set_bytes_max(SMALL_BYTES_MAX);
    char *path = trace_file("trace-real-bound");
    record_sync_writes(path);
    port_pthread_trace_set_bytes_max(0);
    trace_reader *r = open_trace(path);
    uint64_t events = 0;
    trace_event e;
    trace_item item;
    while ((item = trace_reader_next(r, &e)) == TRACE_ITEM_EVENT)
        ck_assert_uint_eq(e.step, ++events);
    ck_assert_msg(item == TRACE_ITEM_SUMMARY, "%s", trace_reader_error(r));
    const trace_summary *sum = trace_reader_summary(r);
    ck_assert_uint_eq(sum->events, events);
    ck_assert_uint_gt(sum->dropped_events, 0);
    ck_assert_uint_gt(events, 0);
    trace_reader_close(r);
    remove_trace_file(path);
}
END_TEST

/* ------------------------------------------- stop's precondition asserted */

static pthread_barrier_t recorded, stopped;

static void *record_then_wait(void *arg)
{
    (void)arg;
    emit_write_begin();
    pthread_barrier_wait(&recorded);
    pthread_barrier_wait(&stopped); /* never reached: stop aborts first */
    return NULL;
}

START_TEST(stop_while_a_recording_thread_lives_is_an_assertion)
{
    pthread_barrier_init(&recorded, NULL, 2);
    pthread_barrier_init(&stopped, NULL, 2);
    char *path = trace_file("trace-real-alive");
    ck_assert_int_eq(port_pthread_trace_start(path, "alive"), WT_OK);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, record_then_wait, NULL), 0);
    pthread_barrier_wait(&recorded);
    wt_best_effort(port_pthread_trace_stop()); /* aborts: the thread may still record */
}
END_TEST

static Suite *trace_real_suite(void)
{
    Suite *s = suite_create("trace_real");
    TCase *tc = tcase_create("recorder");
    tcase_add_test(tc, sync_writers_make_a_consistent_trace);
    tcase_add_test(tc, event_times_are_ns_on_either_clock);
    tcase_add_test(tc, off_by_default_and_empty_trace);
    tcase_add_test(tc, a_file_that_cannot_be_created_is_refused);
    tcase_add_test(tc, threads_are_named_as_documented);
    tcase_add_test(tc, past_the_memory_bound_events_are_dropped_and_counted);
    const char *fork = getenv("CK_FORK");
    if (fork == NULL || strcmp(fork, "no") != 0) /* an abort needs its own process */
        tcase_add_test_raise_signal(tc, stop_while_a_recording_thread_lives_is_an_assertion,
                                    SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(trace_real_suite()); }
