/*
 * test_files.h — what the file-level engine tests (wal, table, manifest)
 * share: a per-test directory, a test macro that runs the body inside
 * harness_run with that directory, and whole-file read and write.  Both
 * builds: port files are real files or simfs files.  Check assertions;
 * call inside harness_run.
 */
#ifndef WT_TESTS_TEST_FILES_H
#define WT_TESTS_TEST_FILES_H

#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "port.h"

typedef struct test_dir {
    char *dir;
    char path[PATH_MAX];
} test_dir;

/* "DIR/name" in t->path (overwritten by the next call). */
static inline const char *dir_file(test_dir *t, const char *name)
{
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
    return t->path;
}

/* A Check test whose body gets a fresh directory (named after tag) and
 * runs inside harness_run, a sim run in the sim build:
 *     DIR_TEST(test_x, "wal") { ... use t->dir ... } */
#define DIR_TEST(name, tag)                               \
    static void name##_body(test_dir *t);                 \
    static void name##_run(void *arg)                     \
    {                                                     \
        test_dir t = {0};                                 \
        (void)arg;                                        \
        t.dir = harness_make_dir(tag);                    \
        name##_body(&t);                                  \
        harness_cleanup_dir(t.dir);                       \
        free(t.dir);                                      \
    }                                                     \
    START_TEST(name) { harness_run(name##_run, NULL); }   \
    END_TEST                                              \
    static void name##_body(test_dir *t)

/* A growable byte buffer; also what file_read_all returns. */
typedef struct bytes {
    uint8_t *data;
    size_t len, cap;
} bytes;

static inline bytes file_read_all(const char *path)
{
    port_file *f = NULL;
    uint64_t size = 0;
    bytes b = {0};
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_READ, &f), WT_OK);
    ck_assert_int_eq(port_file_size(f, &size), WT_OK);
    b.data = malloc(size ? size : 1);
    ck_assert_ptr_nonnull(b.data);
    b.cap = size;
    ck_assert_int_eq(port_file_read(f, 0, b.data, size, &b.len), WT_OK);
    ck_assert_uint_eq(b.len, size);
    ck_assert_int_eq(port_file_close(f), WT_OK);
    return b;
}

/* Creates (or truncates) path with exactly these n bytes, synced. */
static inline void file_write_all(const char *path, const void *data, size_t n)
{
    port_file *f = NULL;
    ck_assert_int_eq(port_file_open(path, PORT_OPEN_CREATE, &f), WT_OK);
    if (n > 0) ck_assert_int_eq(port_file_append(f, data, n), WT_OK);
    ck_assert_int_eq(port_file_sync(f), WT_OK);
    ck_assert_int_eq(port_file_close(f), WT_OK);
}

#endif
