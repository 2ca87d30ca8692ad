/*
 * test_api.c — libwtengine's public API (include/wtengine.h), as a
 * program that links the library sees it.
 *
 * Goal: every call of the header does what its contract says: statuses
 * and their names, open with and without options, put/get/delete with
 * binary keys, batches (count, atomic write, scan order, early stop),
 * recovery of acknowledged writes on reopen, the write options' checks,
 * the active-writer gate's options, and the trace hook writing a real
 * trace.
 *
 * Method: this file includes wtengine.h and nothing of the engine (the
 * build gives it only include/ and links the static libwtengine), works
 * in a fresh directory under $TMPDIR per test, and checks outcomes
 * through the API itself.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "wtengine.h"

static char dir[4096];

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/wtengine-api.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        char path[8192];
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
    rmdir(dir);
}

static wtengine_db *open_default(void)
{
    wtengine_db *db = NULL;
    ck_assert_int_eq(wtengine_open(NULL, dir, &db), WTENGINE_OK);
    ck_assert_ptr_nonnull(db);
    return db;
}

/* The value of key, or NULL when absent (asserting the status matches). */
static char *get(wtengine_db *db, const char *key, size_t key_len, size_t *len)
{
    char *v = (char *)1;
    wtengine_status s = wtengine_get(db, key, key_len, &v, len);
    ck_assert(s == WTENGINE_OK || s == WTENGINE_NOT_FOUND);
    ck_assert(s == WTENGINE_OK ? v != NULL : v == NULL);
    return v;
}

START_TEST(test_status_names_and_version)
{
    ck_assert_str_eq(wtengine_status_name(WTENGINE_OK), "ok");
    ck_assert_str_eq(wtengine_status_name(WTENGINE_NOT_FOUND), "not_found");
    ck_assert_str_eq(wtengine_status_name(WTENGINE_IO_ERROR), "io_error");
    ck_assert_str_eq(wtengine_status_name((wtengine_status)999), "unknown");
    ck_assert_str_eq(wtengine_status_name((wtengine_status)-1), "unknown");
    ck_assert_int_gt(strlen(wtengine_version()), 0);
    ck_assert_int_eq(strncmp(wtengine_build_id(), "wtlab-", 6), 0);
}
END_TEST

START_TEST(test_put_get_delete_binary)
{
    wtengine_db *db = open_default();
    const char key[] = {'k', '\0', 'x'}, value[] = {'\0', 'v', '\xff'};
    ck_assert_int_eq(wtengine_put(db, NULL, key, sizeof key, value, sizeof value), WTENGINE_OK);
    size_t len = 0;
    char *v = get(db, key, sizeof key, &len);
    ck_assert_uint_eq(len, sizeof value);
    ck_assert_int_eq(memcmp(v, value, sizeof value), 0);
    ck_assert_int_eq(v[len], '\0');
    wtengine_free(v);
    ck_assert_ptr_null(get(db, key, 1, &len)); /* "k" alone is another key */
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(wtengine_delete(db, NULL, key, sizeof key), WTENGINE_OK);
    ck_assert_ptr_null(get(db, key, sizeof key, &len));
    ck_assert_uint_eq(wtengine_last_sequence(db), 2);
    ck_assert_int_eq(wtengine_close(db), WTENGINE_OK);
}
END_TEST

typedef struct seen {
    char keys[8][8];
    int count, stop_after;
} seen;

static bool collect(const char *key, size_t key_len, const char *value, size_t value_len,
                    void *arg)
{
    seen *s = arg;
    ck_assert_uint_eq(value_len, 1);
    ck_assert_int_eq(value[0], key[0] - 'a' + '1'); /* a=1, b=2, ... */
    snprintf(s->keys[s->count++], sizeof s->keys[0], "%.*s", (int)key_len, key);
    return s->count != s->stop_after;
}

START_TEST(test_batch_scan_in_order)
{
    wtengine_db *db = open_default();
    wtengine_write_batch *b = wtengine_write_batch_create();
    wtengine_write_batch_put(b, "c", 1, "3", 1);
    wtengine_write_batch_put(b, "a", 1, "1", 1);
    wtengine_write_batch_put(b, "d", 1, "4", 1);
    wtengine_write_batch_put(b, "b", 1, "2", 1);
    wtengine_write_batch_delete(b, "d", 1);
    ck_assert_uint_eq(wtengine_write_batch_count(b), 5);
    ck_assert_int_eq(wtengine_write(db, NULL, b), WTENGINE_OK);
    ck_assert_uint_eq(wtengine_last_sequence(db), 5);
    wtengine_write_batch_clear(b);
    ck_assert_uint_eq(wtengine_write_batch_count(b), 0);
    seen s = {.stop_after = -1};
    ck_assert_int_eq(wtengine_scan(db, collect, &s), WTENGINE_OK);
    ck_assert_int_eq(s.count, 3);
    ck_assert_str_eq(s.keys[0], "a");
    ck_assert_str_eq(s.keys[1], "b");
    ck_assert_str_eq(s.keys[2], "c");
    seen first = {.stop_after = 1};
    ck_assert_int_eq(wtengine_scan(db, collect, &first), WTENGINE_OK);
    ck_assert_int_eq(first.count, 1);
    wtengine_write_batch_destroy(b);
    ck_assert_int_eq(wtengine_close(db), WTENGINE_OK);
}
END_TEST

START_TEST(test_reopen_recovers_and_options)
{
    wtengine_options *o = wtengine_options_create();
    wtengine_db *db = NULL;
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    ck_assert_int_eq(wtengine_open(o, missing, &db), WTENGINE_INVALID_ARGUMENT); /* not created */
    ck_assert_ptr_null(db);
    wtengine_options_set_create_if_missing(o, true);
    wtengine_options_set_enable_pipelined_write(o, true);
    wtengine_options_set_wal_recovery_mode(o, WTENGINE_RECOVERY_ABSOLUTE_CONSISTENCY);
    wtengine_write_options *wo = wtengine_write_options_create();
    wtengine_write_options_set_sync(wo, true);
    ck_assert_int_eq(wtengine_open(o, dir, &db), WTENGINE_OK);
    ck_assert_int_eq(wtengine_put(db, wo, "key", 3, "synced", 6), WTENGINE_OK);
    wtengine_write_options_set_disable_wal(wo, true); /* sync without a WAL: refused */
    ck_assert_int_eq(wtengine_put(db, wo, "key", 3, "never", 5), WTENGINE_INVALID_ARGUMENT);
    ck_assert_int_eq(wtengine_close(db), WTENGINE_OK);
    ck_assert_int_eq(wtengine_open(o, dir, &db), WTENGINE_OK);
    size_t len;
    char *v = get(db, "key", 3, &len);
    ck_assert_str_eq(v, "synced");
    wtengine_free(v);
    ck_assert_int_eq(wtengine_close(db), WTENGINE_OK);
    /* The active-writer gate: out of range refused, a gate of one works. */
    wtengine_options_set_max_active_writers(o, 4097);
    ck_assert_int_eq(wtengine_open(o, dir, &db), WTENGINE_INVALID_ARGUMENT);
    wtengine_options_set_max_active_writers(o, 1);
    wtengine_options_set_active_writer_handoff(o, 0);
    ck_assert_int_eq(wtengine_open(o, dir, &db), WTENGINE_INVALID_ARGUMENT);
    wtengine_options_set_active_writer_handoff(o, 2);
    ck_assert_int_eq(wtengine_open(o, dir, &db), WTENGINE_OK);
    wtengine_write_options_set_sync(wo, false);
    wtengine_write_options_set_disable_wal(wo, false);
    ck_assert_int_eq(wtengine_put(db, wo, "gated", 5, "in", 2), WTENGINE_OK);
    v = get(db, "gated", 5, &len);
    ck_assert_str_eq(v, "in");
    wtengine_free(v);
    ck_assert_int_eq(wtengine_close(db), WTENGINE_OK);
    wtengine_write_options_destroy(wo);
    wtengine_options_destroy(o);
}
END_TEST

START_TEST(test_trace_hook_writes_a_trace)
{
    char trace[4200];
    snprintf(trace, sizeof trace, "%s/run.jsonl", dir);
    ck_assert_int_eq(wtengine_trace_start(trace, "test_api"), WTENGINE_OK);
    ck_assert_int_eq(wtengine_trace_start(trace, "again"), WTENGINE_INVALID_ARGUMENT);
    wtengine_trace_name_thread("w1");
    wtengine_db *db = open_default();
    ck_assert_int_eq(wtengine_put(db, NULL, "a", 1, "1", 1), WTENGINE_OK);
    ck_assert_int_eq(wtengine_close(db), WTENGINE_OK);
    ck_assert_int_eq(wtengine_trace_stop(), WTENGINE_OK);
    FILE *f = fopen(trace, "r");
    ck_assert_ptr_nonnull(f);
    char line[4096];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_ptr_nonnull(strstr(line, "\"test_api\""));
    ck_assert_ptr_nonnull(strstr(line, "\"w1\""));
    int lines = 1;
    while (fgets(line, sizeof line, f) != NULL) lines++;
    fclose(f);
    ck_assert_int_gt(lines, 3); /* header, events, summary */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_status_names_and_version);
    tcase_add_test(tc, test_put_get_delete_binary);
    tcase_add_test(tc, test_batch_scan_in_order);
    tcase_add_test(tc, test_reopen_recovers_and_options);
    tcase_add_test(tc, test_trace_hook_writes_a_trace);
    suite_add_tcase(s, tc);
    return wt_run_suite(s);
}
