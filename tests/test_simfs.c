/*
 * test_simfs.c — Check suite for sim/port/simfs.c (suite "sim", module "simfs").
 *
 * Goal: the in-memory file system keeps the port.h file contract (append,
 * read, size, open modes, errors, sorted listing) and the durability model
 * written in simfs.c's header: sync makes bytes durable, sync_dir makes
 * names durable, a crash drops (or tears) what is not durable, restores
 * renamed and unlinked names, and leaves every open handle stale.  Faults
 * fire on exactly the nth matching op (and later ones when sticky), full
 * disks refuse appends without side effects, and costs follow the formula.
 *
 * Method: each test builds its own simfs from a config, drives it through
 * the public calls only, and compares file contents byte for byte, sizes,
 * statuses and listings with the expected ones.  Torn-tail determinism is
 * checked by running the same history twice with one seed and comparing the
 * surviving lengths.  The test links simfs.c and status.c alone (no
 * scheduler); run it under ASan+UBSan with CK_FORK=no to check that crashes,
 * stale handles and destroy free everything.
 */
#include "simfs.h"

#include "check_main.h"

#include <stdio.h>
#include <string.h>

static simfs *new_fs(void)
{
    simfs_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = 1;
    return simfs_create(&cfg);
}

/* Creates path with data; syncs the data and/or the directory if asked. */
static void put_file(simfs *fs, const char *path, const char *data, bool sync, const char *dir)
{
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, path, PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, data, strlen(data)), WT_OK);
    if (sync) ck_assert_int_eq(simfs_sync(f), WT_OK);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    if (dir != NULL) ck_assert_int_eq(simfs_sync_dir(fs, dir), WT_OK);
}

static void append_file(simfs *fs, const char *path, const char *data, bool sync)
{
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, path, PORT_OPEN_APPEND, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, data, strlen(data)), WT_OK);
    if (sync) ck_assert_int_eq(simfs_sync(f), WT_OK);
    ck_assert_int_eq(simfs_close(f), WT_OK);
}

/* The whole contents as a NUL-terminated string, or "<missing>". */
static const char *contents(simfs *fs, const char *path, char *buf, size_t cap)
{
    simfs_file *f;
    wt_status s = simfs_open(fs, path, PORT_OPEN_READ, &f);
    if (s == WT_NOT_FOUND) return "<missing>";
    ck_assert_int_eq(s, WT_OK);
    size_t got;
    ck_assert_int_eq(simfs_read(f, 0, buf, cap - 1, &got), WT_OK);
    buf[got] = '\0';
    ck_assert_int_eq(simfs_close(f), WT_OK);
    return buf;
}

typedef struct listing {
    char text[512];
} listing;

static void list_cb(const char *name, void *arg)
{
    listing *l = arg;
    if (l->text[0] != '\0') strcat(l->text, ",");
    strcat(l->text, name);
}

static const char *list_of(simfs *fs, const char *dir, listing *l)
{
    l->text[0] = '\0';
    ck_assert_int_eq(simfs_list(fs, dir, list_cb, l), WT_OK);
    return l->text;
}

/* ------------------------------------------------------- basic file calls */

START_TEST(test_append_read_size)
{
    simfs *fs = new_fs();
    simfs_file *w, *r;
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_CREATE, &w), WT_OK);
    ck_assert_int_eq(simfs_append(w, "hello", 5), WT_OK);
    ck_assert_int_eq(simfs_append(w, " world", 6), WT_OK);
    ck_assert_int_eq(simfs_append(w, NULL, 0), WT_OK);
    uint64_t size = 0;
    ck_assert_int_eq(simfs_size(w, &size), WT_OK);
    ck_assert_uint_eq(size, 11);
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_READ, &r), WT_OK);
    char buf[32];
    size_t got = 99;
    ck_assert_int_eq(simfs_read(r, 6, buf, 3, &got), WT_OK);
    ck_assert_uint_eq(got, 3);
    ck_assert_int_eq(memcmp(buf, "wor", 3), 0);
    ck_assert_int_eq(simfs_read(r, 6, buf, sizeof buf, &got), WT_OK);
    ck_assert_uint_eq(got, 5); /* short only at end of file */
    ck_assert_int_eq(simfs_read(r, 11, buf, sizeof buf, &got), WT_OK);
    ck_assert_uint_eq(got, 0);
    ck_assert_int_eq(simfs_read(r, 1000, buf, sizeof buf, &got), WT_OK);
    ck_assert_uint_eq(got, 0);
    ck_assert_int_eq(simfs_close(w), WT_OK);
    append_file(fs, "f", "!", false); /* APPEND continues at the end */
    ck_assert_int_eq(simfs_size(r, &size), WT_OK);
    ck_assert_uint_eq(size, 12); /* another handle sees the same file */
    ck_assert_int_eq(simfs_close(r), WT_OK);
    ck_assert_str_eq(contents(fs, "f", buf, sizeof buf), "hello world!");
    simfs_stats st = simfs_get_stats(fs);
    ck_assert_uint_eq(st.appends, 4);
    ck_assert_uint_eq(st.bytes_appended, 12);
    ck_assert_uint_eq(st.reads, 5);
    ck_assert_uint_eq(simfs_used_bytes(fs), 12);
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_open_errors)
{
    simfs *fs = new_fs();
    simfs_file *f;
    char buf[32];
    ck_assert_int_eq(simfs_open(fs, "nope", PORT_OPEN_READ, &f), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_open(fs, "nope", PORT_OPEN_APPEND, &f), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_open(fs, "nodir/x", PORT_OPEN_CREATE, &f), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_open(fs, "", PORT_OPEN_CREATE, &f), WT_NOT_FOUND);
    ck_assert(!simfs_exists(fs, "nope"));
    ck_assert(!simfs_exists(fs, "nodir/x"));
    ck_assert_int_eq(simfs_mkdir(fs, "d"), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "d", PORT_OPEN_READ, &f), WT_INVALID_ARGUMENT); /* port.h: not a regular file */
    ck_assert_int_eq(simfs_open(fs, "d", PORT_OPEN_CREATE, &f), WT_IO_ERROR);
    put_file(fs, "d/x", "old contents", true, "d");
    ck_assert_int_eq(simfs_open(fs, "d/x/y", PORT_OPEN_CREATE, &f), WT_IO_ERROR);
    put_file(fs, "d/x", "new", false, NULL); /* CREATE truncates */
    ck_assert_str_eq(contents(fs, "d/x", buf, sizeof buf), "new");
    ck_assert_int_eq(simfs_synced_size(fs, "d/x"), 0); /* truncation is durable at once */
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_paths_and_dirs)
{
    simfs *fs = new_fs();
    char buf[32];
    ck_assert(simfs_exists(fs, "/"));
    ck_assert(simfs_exists(fs, "."));
    ck_assert(!simfs_exists(fs, ""));
    ck_assert_int_eq(simfs_mkdir(fs, "/a/b"), WT_NOT_FOUND); /* no parent */
    ck_assert_int_eq(simfs_mkdir(fs, "/a"), WT_OK);
    ck_assert_int_eq(simfs_mkdir(fs, "/a/"), WT_OK); /* exists: ok */
    ck_assert_int_eq(simfs_mkdir(fs, "/a//b"), WT_OK);
    ck_assert(simfs_exists(fs, "/a/b/"));
    put_file(fs, "/a/b/f", "x", false, NULL);
    ck_assert_str_eq(contents(fs, "//a/b//f", buf, sizeof buf), "x");
    ck_assert(simfs_exists(fs, "/a/b/f"));
    ck_assert_int_eq(simfs_mkdir(fs, "/a/b/f"), WT_IO_ERROR); /* a file is there */
    put_file(fs, "./rel", "y", false, NULL);
    ck_assert_str_eq(contents(fs, "rel", buf, sizeof buf), "y");
    ck_assert_int_eq(simfs_sync_dir(fs, "/zz"), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_sync_dir(fs, "/a/b/f"), WT_IO_ERROR);
    ck_assert_int_eq(simfs_sync_dir(fs, "/a/b"), WT_OK);
    ck_assert_int_eq(simfs_synced_size(fs, "/a/b/f"), 0);
    ck_assert_int_eq(simfs_synced_size(fs, "rel"), -1); /* "." not synced */
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_list_order)
{
    simfs *fs = new_fs();
    listing l;
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    ck_assert_str_eq(list_of(fs, "db", &l), "");
    put_file(fs, "db/b", "1", false, NULL);
    put_file(fs, "db/a", "1", false, NULL);
    put_file(fs, "db/B", "1", false, NULL);
    put_file(fs, "db/000010.log", "1", false, NULL);
    put_file(fs, "db/000002.log", "1", false, NULL);
    put_file(fs, "dbx", "1", false, NULL);
    ck_assert_int_eq(simfs_mkdir(fs, "db/sub"), WT_OK);
    put_file(fs, "db/sub/inner", "1", false, NULL);
    ck_assert_str_eq(list_of(fs, "db", &l), "000002.log,000010.log,B,a,b,sub");
    ck_assert_str_eq(list_of(fs, "db/", &l), "000002.log,000010.log,B,a,b,sub");
    ck_assert_str_eq(list_of(fs, "db/sub", &l), "inner");
    ck_assert_str_eq(list_of(fs, ".", &l), "db,dbx");
    ck_assert_int_eq(simfs_list(fs, "missing", list_cb, &l), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_list(fs, "dbx", list_cb, &l), WT_IO_ERROR);
    ck_assert_int_eq(simfs_mkdir(fs, "/r"), WT_OK);
    put_file(fs, "/r/z", "1", false, NULL);
    ck_assert_str_eq(list_of(fs, "/", &l), "r");
    simfs_destroy(fs);
}
END_TEST

/* ------------------------------------------------------------- durability */

START_TEST(test_sync_then_crash_keeps_synced)
{
    simfs *fs = new_fs();
    char buf[64];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/log", "durable-", true, "db");
    append_file(fs, "db/log", "more", true);
    append_file(fs, "db/log", "-lost", false);
    ck_assert_int_eq(simfs_synced_size(fs, "db/log"), 12);
    simfs_crash(fs, false);
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "durable-more");
    ck_assert_int_eq(simfs_synced_size(fs, "db/log"), 12);
    ck_assert_uint_eq(simfs_used_bytes(fs), 12);
    /* The file works after the crash and a second crash keeps it. */
    append_file(fs, "db/log", "+x", true);
    simfs_crash(fs, true);
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "durable-more+x");
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_crash_drops_unsynced)
{
    simfs *fs = new_fs();
    char buf[64];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/log", "never synced", false, "db");
    ck_assert_int_eq(simfs_synced_size(fs, "db/log"), 0);
    simfs_crash(fs, false);
    ck_assert(simfs_exists(fs, "db/log"));
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "");
    ck_assert_uint_eq(simfs_used_bytes(fs), 0);
    simfs_destroy(fs);
}
END_TEST

/* One history: 100 synced bytes then 1000 unsynced in "a", 500 unsynced in
 * "b"; crash with tearing; the surviving lengths.  Contents are checked to
 * be prefixes of what was written. */
static void torn_run(uint64_t seed, uint64_t *len_a, uint64_t *len_b)
{
    simfs_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = seed;
    simfs *fs = simfs_create(&cfg);
    char data[1100], buf[1200];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (char)('a' + i % 26);
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, "a", PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, data, 100), WT_OK);
    ck_assert_int_eq(simfs_sync(f), WT_OK);
    ck_assert_int_eq(simfs_append(f, data + 100, 1000), WT_OK);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "b", PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, data, 500), WT_OK);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    ck_assert_int_eq(simfs_sync_dir(fs, "."), WT_OK);
    simfs_crash(fs, true);
    *len_a = strlen(contents(fs, "a", buf, sizeof buf));
    ck_assert_uint_ge(*len_a, 100);
    ck_assert_uint_le(*len_a, 1100);
    ck_assert_int_eq(memcmp(buf, data, *len_a), 0);
    *len_b = strlen(contents(fs, "b", buf, sizeof buf));
    ck_assert_uint_le(*len_b, 500);
    ck_assert_int_eq(memcmp(buf, data, *len_b), 0);
    ck_assert_uint_eq(simfs_used_bytes(fs), *len_a + *len_b);
    simfs_destroy(fs);
}

START_TEST(test_torn_tail_prefix_deterministic)
{
    uint64_t a1, b1, a2, b2;
    bool inside = false, differ = false;
    uint64_t first_a = 0;
    for (uint64_t seed = 1; seed <= 16; seed++) {
        torn_run(seed, &a1, &b1);
        torn_run(seed, &a2, &b2);
        ck_assert_uint_eq(a1, a2); /* same seed, same crash state */
        ck_assert_uint_eq(b1, b2);
        if (a1 > 100 && a1 < 1100) inside = true;
        if (seed == 1) first_a = a1;
        else if (a1 != first_a) differ = true;
    }
    ck_assert(inside); /* a torn tail keeps a partial prefix */
    ck_assert(differ); /* and the seed chooses it */
}
END_TEST

START_TEST(test_new_file_needs_dir_sync)
{
    simfs *fs = new_fs();
    listing l;
    char buf[32];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    ck_assert_int_eq(simfs_mkdir(fs, "other"), WT_OK);
    put_file(fs, "db/kept", "k", true, "db");
    put_file(fs, "db/lost", "l", true, "other"); /* syncs the wrong directory */
    ck_assert_int_eq(simfs_synced_size(fs, "db/kept"), 1);
    ck_assert_int_eq(simfs_synced_size(fs, "db/lost"), -1);
    simfs_crash(fs, false);
    ck_assert_str_eq(list_of(fs, "db", &l), "kept");
    ck_assert_str_eq(contents(fs, "db/kept", buf, sizeof buf), "k");
    ck_assert(!simfs_exists(fs, "db/lost"));
    ck_assert(simfs_exists(fs, "other")); /* directories are durable at mkdir */
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_rename_crash)
{
    simfs *fs = new_fs();
    char buf[32];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/a", "synced", true, "db");
    append_file(fs, "db/a", "+tail", false);
    ck_assert_int_eq(simfs_rename(fs, "db/a", "db/b"), WT_OK);
    ck_assert(!simfs_exists(fs, "db/a"));
    ck_assert_str_eq(contents(fs, "db/b", buf, sizeof buf), "synced+tail");
    simfs_crash(fs, false); /* rename not dir-synced: the old name is back */
    ck_assert_str_eq(contents(fs, "db/a", buf, sizeof buf), "synced");
    ck_assert(!simfs_exists(fs, "db/b"));
    ck_assert_int_eq(simfs_rename(fs, "db/a", "db/b"), WT_OK);
    ck_assert_int_eq(simfs_sync_dir(fs, "db"), WT_OK);
    ck_assert_int_eq(simfs_synced_size(fs, "db/a"), -1);
    ck_assert_int_eq(simfs_synced_size(fs, "db/b"), 6);
    simfs_crash(fs, false); /* dir-synced: the new name survives */
    ck_assert(!simfs_exists(fs, "db/a"));
    ck_assert_str_eq(contents(fs, "db/b", buf, sizeof buf), "synced");
    ck_assert_int_eq(simfs_rename(fs, "db/missing", "db/c"), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_rename(fs, "db/b", "nodir/c"), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_rename(fs, "db/b", "db"), WT_IO_ERROR);
    ck_assert_int_eq(simfs_rename(fs, "db/b", "db/b"), WT_OK);
    ck_assert_str_eq(contents(fs, "db/b", buf, sizeof buf), "synced");
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_rename_replaces_target_crash)
{
    simfs *fs = new_fs();
    char buf[32];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/CURRENT", "old", true, NULL);
    put_file(fs, "db/tmp", "new", true, "db");
    ck_assert_int_eq(simfs_rename(fs, "db/tmp", "db/CURRENT"), WT_OK);
    ck_assert_str_eq(contents(fs, "db/CURRENT", buf, sizeof buf), "new");
    ck_assert_uint_eq(simfs_used_bytes(fs), 3); /* the replaced file is gone */
    simfs_crash(fs, false); /* the replacement was not dir-synced */
    ck_assert_str_eq(contents(fs, "db/CURRENT", buf, sizeof buf), "old");
    ck_assert_str_eq(contents(fs, "db/tmp", buf, sizeof buf), "new");
    ck_assert_int_eq(simfs_rename(fs, "db/tmp", "db/CURRENT"), WT_OK);
    ck_assert_int_eq(simfs_sync_dir(fs, "db"), WT_OK);
    simfs_crash(fs, false);
    ck_assert_str_eq(contents(fs, "db/CURRENT", buf, sizeof buf), "new");
    ck_assert(!simfs_exists(fs, "db/tmp"));
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_unlink_semantics)
{
    simfs *fs = new_fs();
    char buf[32];
    listing l;
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/x", "abc", true, "db");
    append_file(fs, "db/x", "def", false);
    simfs_file *r;
    ck_assert_int_eq(simfs_open(fs, "db/x", PORT_OPEN_READ, &r), WT_OK);
    ck_assert_int_eq(simfs_unlink(fs, "db/x"), WT_OK);
    ck_assert(!simfs_exists(fs, "db/x"));
    ck_assert_str_eq(list_of(fs, "db", &l), "");
    ck_assert_int_eq(simfs_unlink(fs, "db/x"), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_unlink(fs, "db"), WT_IO_ERROR);
    size_t got;
    ck_assert_int_eq(simfs_read(r, 0, buf, sizeof buf, &got), WT_OK); /* still readable */
    ck_assert_uint_eq(got, 6);
    ck_assert_uint_eq(simfs_used_bytes(fs), 6); /* held by the open handle */
    ck_assert_int_eq(simfs_close(r), WT_OK);
    ck_assert_uint_eq(simfs_used_bytes(fs), 0);
    simfs_crash(fs, false); /* unlink not dir-synced: back, synced part only */
    ck_assert_str_eq(contents(fs, "db/x", buf, sizeof buf), "abc");
    ck_assert_int_eq(simfs_unlink(fs, "db/x"), WT_OK);
    ck_assert_int_eq(simfs_sync_dir(fs, "db"), WT_OK);
    ck_assert_int_eq(simfs_synced_size(fs, "db/x"), -1);
    simfs_crash(fs, false);
    ck_assert(!simfs_exists(fs, "db/x"));
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_truncate)
{
    simfs_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.capacity_bytes = 10;
    simfs *fs = simfs_create(&cfg);
    char buf[32];
    put_file(fs, "t", "abcdef", true, ".");
    ck_assert_int_eq(simfs_truncate(fs, "t", 3), WT_OK);
    ck_assert_str_eq(contents(fs, "t", buf, sizeof buf), "abc");
    ck_assert_int_eq(simfs_synced_size(fs, "t"), 3);
    ck_assert_int_eq(simfs_truncate(fs, "t", 5), WT_OK); /* grows with zeros */
    simfs_file *r;
    size_t got;
    ck_assert_int_eq(simfs_open(fs, "t", PORT_OPEN_READ, &r), WT_OK);
    ck_assert_int_eq(simfs_read(r, 0, buf, sizeof buf, &got), WT_OK);
    ck_assert_uint_eq(got, 5);
    ck_assert_int_eq(memcmp(buf, "abc\0\0", 5), 0);
    ck_assert_int_eq(simfs_close(r), WT_OK);
    ck_assert_int_eq(simfs_truncate(fs, "t", 11), WT_NO_SPACE);
    ck_assert_uint_eq(simfs_used_bytes(fs), 5);
    ck_assert_int_eq(simfs_truncate(fs, "missing", 0), WT_NOT_FOUND);
    ck_assert_int_eq(simfs_truncate(fs, ".", 0), WT_IO_ERROR);
    simfs_crash(fs, false); /* the growth was never synced */
    ck_assert_str_eq(contents(fs, "t", buf, sizeof buf), "abc");
    simfs_destroy(fs);
}
END_TEST

/* ----------------------------------------------------------------- faults */

static simfs *fs_with_faults(const simfs_fault *faults, size_t n)
{
    simfs_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.faults = faults;
    cfg.fault_count = n;
    return simfs_create(&cfg);
}

START_TEST(test_fault_nth)
{
    simfs_fault fault = {SIMFS_OP_APPEND, 2, WT_IO_ERROR, NULL, false};
    simfs *fs = fs_with_faults(&fault, 1);
    fault.nth = 99; /* the config is copied */
    char buf[32];
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, "one", 3), WT_OK);
    ck_assert_int_eq(simfs_append(f, "two", 3), WT_IO_ERROR);
    ck_assert_int_eq(simfs_append(f, "three", 5), WT_OK);
    ck_assert_int_eq(simfs_append(f, "four", 4), WT_OK);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    ck_assert_str_eq(contents(fs, "f", buf, sizeof buf), "onethreefour"); /* nothing of "two" */
    simfs_stats st = simfs_get_stats(fs);
    ck_assert_uint_eq(st.faults_injected, 1);
    ck_assert_uint_eq(st.appends, 4);
    ck_assert_uint_eq(st.bytes_appended, 12);
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_fault_sticky)
{
    const simfs_fault fault = {SIMFS_OP_APPEND, 2, WT_NO_SPACE, NULL, true};
    simfs *fs = fs_with_faults(&fault, 1);
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, "1", 1), WT_OK);
    for (int i = 0; i < 5; i++) ck_assert_int_eq(simfs_append(f, "x", 1), WT_NO_SPACE);
    ck_assert_int_eq(simfs_sync(f), WT_OK); /* other ops unaffected */
    uint64_t size;
    ck_assert_int_eq(simfs_size(f, &size), WT_OK);
    ck_assert_uint_eq(size, 1);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    ck_assert_uint_eq(simfs_get_stats(fs).faults_injected, 5);
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_fault_path_suffix)
{
    const simfs_fault fault = {SIMFS_OP_APPEND, 2, WT_IO_ERROR, ".log", false};
    simfs *fs = fs_with_faults(&fault, 1);
    simfs_file *log, *dat;
    ck_assert_int_eq(simfs_open(fs, "000001.log", PORT_OPEN_CREATE, &log), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "table.dat", PORT_OPEN_CREATE, &dat), WT_OK);
    ck_assert_int_eq(simfs_append(dat, "d", 1), WT_OK); /* not counted */
    ck_assert_int_eq(simfs_append(log, "l", 1), WT_OK); /* 1st match */
    ck_assert_int_eq(simfs_append(dat, "d", 1), WT_OK);
    ck_assert_int_eq(simfs_append(dat, "d", 1), WT_OK);
    ck_assert_int_eq(simfs_append(log, "l", 1), WT_IO_ERROR); /* 2nd match */
    ck_assert_int_eq(simfs_append(log, "l", 1), WT_OK);
    ck_assert_int_eq(simfs_close(log), WT_OK);
    ck_assert_int_eq(simfs_close(dat), WT_OK);
    ck_assert_uint_eq(simfs_get_stats(fs).faults_injected, 1);
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_fault_sync_and_read)
{
    const simfs_fault faults[] = {
        {SIMFS_OP_SYNC, 1, WT_IO_ERROR, NULL, false},
        {SIMFS_OP_READ, 2, WT_CORRUPTION, NULL, false},
    };
    simfs *fs = fs_with_faults(faults, 2);
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_CREATE, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, "abc", 3), WT_OK);
    ck_assert_int_eq(simfs_sync(f), WT_IO_ERROR);
    ck_assert_int_eq(simfs_sync_dir(fs, "."), WT_OK);
    ck_assert_int_eq(simfs_synced_size(fs, "f"), 0); /* the failed sync did nothing */
    ck_assert_int_eq(simfs_sync(f), WT_OK);
    ck_assert_int_eq(simfs_synced_size(fs, "f"), 3);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    char buf[8];
    size_t got = 99;
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_READ, &f), WT_OK);
    ck_assert_int_eq(simfs_read(f, 0, buf, 1, &got), WT_OK);
    ck_assert_int_eq(simfs_read(f, 0, buf, 3, &got), WT_CORRUPTION);
    ck_assert_uint_eq(got, 0);
    ck_assert_int_eq(simfs_read(f, 0, buf, 3, &got), WT_OK);
    ck_assert_uint_eq(got, 3);
    ck_assert_int_eq(simfs_close(f), WT_OK);
    simfs_stats st = simfs_get_stats(fs);
    ck_assert_uint_eq(st.faults_injected, 2);
    ck_assert_uint_eq(st.syncs, 2);
    ck_assert_uint_eq(st.reads, 3);
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_capacity)
{
    simfs_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.capacity_bytes = 100;
    simfs *fs = simfs_create(&cfg);
    char data[100];
    memset(data, 'x', sizeof data);
    simfs_file *a, *b;
    ck_assert_int_eq(simfs_open(fs, "a", PORT_OPEN_CREATE, &a), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "b", PORT_OPEN_CREATE, &b), WT_OK);
    ck_assert_int_eq(simfs_append(a, data, 60), WT_OK);
    ck_assert_int_eq(simfs_append(b, data, 50), WT_NO_SPACE);
    uint64_t size;
    ck_assert_int_eq(simfs_size(b, &size), WT_OK);
    ck_assert_uint_eq(size, 0); /* nothing appended */
    ck_assert_int_eq(simfs_append(b, data, 40), WT_OK); /* exactly full */
    ck_assert_uint_eq(simfs_used_bytes(fs), 100);
    ck_assert_int_eq(simfs_append(a, data, 1), WT_NO_SPACE);
    ck_assert_int_eq(simfs_close(a), WT_OK);
    ck_assert_int_eq(simfs_unlink(fs, "a"), WT_OK); /* frees 60 bytes */
    ck_assert_uint_eq(simfs_used_bytes(fs), 40);
    ck_assert_int_eq(simfs_append(b, data, 60), WT_OK);
    ck_assert_int_eq(simfs_append(b, data, 1), WT_NO_SPACE);
    ck_assert_int_eq(simfs_close(b), WT_OK);
    simfs_stats st = simfs_get_stats(fs);
    ck_assert_uint_eq(st.bytes_appended, 160);
    ck_assert_uint_eq(st.faults_injected, 0); /* ENOSPC is not an injected fault */
    simfs_destroy(fs);
}
END_TEST

/* ------------------------------------------------------- crash and handles */

START_TEST(test_stale_handles)
{
    simfs *fs = new_fs();
    simfs_file *w, *r, *fresh;
    put_file(fs, "f", "data", true, ".");
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_APPEND, &w), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "f", PORT_OPEN_READ, &r), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "gone", PORT_OPEN_CREATE, &fresh), WT_OK);
    ck_assert_int_eq(simfs_append(fresh, "zz", 2), WT_OK);
    simfs_stats before = simfs_get_stats(fs);
    simfs_crash(fs, false);
    char buf[8];
    size_t got = 99;
    uint64_t size;
    ck_assert_int_eq(simfs_append(w, "x", 1), WT_IO_ERROR);
    ck_assert_int_eq(simfs_sync(w), WT_IO_ERROR);
    ck_assert_int_eq(simfs_size(w, &size), WT_IO_ERROR);
    ck_assert_int_eq(simfs_read(r, 0, buf, sizeof buf, &got), WT_IO_ERROR);
    ck_assert_uint_eq(got, 0);
    ck_assert_int_eq(simfs_append(fresh, "x", 1), WT_IO_ERROR);
    simfs_stats after = simfs_get_stats(fs);
    ck_assert_uint_eq(after.appends, before.appends); /* stale calls do nothing */
    ck_assert_uint_eq(after.bytes_appended, before.bytes_appended);
    ck_assert_uint_eq(simfs_used_bytes(fs), 4);
    ck_assert_int_eq(simfs_close(w), WT_IO_ERROR); /* and close still frees */
    ck_assert_int_eq(simfs_close(r), WT_IO_ERROR);
    ck_assert_int_eq(simfs_close(fresh), WT_IO_ERROR);
    ck_assert(!simfs_exists(fs, "gone"));
    ck_assert_str_eq(contents(fs, "f", buf, sizeof buf), "data"); /* new handles work */
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_destroy_frees_open_handles)
{
    /* Under ASan with CK_FORK=no a leak here fails the run. */
    simfs *fs = new_fs();
    simfs_file *a, *b;
    ck_assert_int_eq(simfs_mkdir(fs, "d"), WT_OK);
    put_file(fs, "d/x", "abc", true, "d");
    ck_assert_int_eq(simfs_open(fs, "d/x", PORT_OPEN_APPEND, &a), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "d/y", PORT_OPEN_CREATE, &b), WT_OK);
    ck_assert_int_eq(simfs_unlink(fs, "d/x"), WT_OK);
    simfs_crash(fs, true);
    ck_assert_int_eq(simfs_open(fs, "d/x", PORT_OPEN_APPEND, &a), WT_OK);
    simfs_destroy(fs);
}
END_TEST

/* ---------------------------------------------------------- crash points */

static void count_call(void *arg) { (*(int *)arg)++; }

/* mkdir, create, append, sync, sync_dir: five numbered crash points;
 * reads, closes and listings are not numbered. */
START_TEST(test_crash_points_are_counted)
{
    simfs *fs = new_fs();
    simfs_record_ops(fs, true);
    char buf[64];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/log", "abcdef", true, "db");
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "abcdef");
    ck_assert_uint_eq(simfs_file_ops(fs), 5);
    ck_assert_uint_eq(simfs_op_append_size(fs, 3), 6);
    ck_assert_uint_eq(simfs_op_append_size(fs, 4), 0);
    simfs_destroy(fs);
}
END_TEST

/* The crash comes instead of the nth call: a power loss before the sync
 * loses the appended bytes; the call fails; the hook ran once. */
START_TEST(test_crash_point_power_loss)
{
    simfs *fs = new_fs();
    char buf[64];
    int calls = 0;
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/log", "durable", true, "db"); /* points 2..5 */
    simfs_crash_point cp = {.nth = 8, .fn = count_call, .arg = &calls};
    simfs_set_crash_point(fs, &cp);
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, "db/log", PORT_OPEN_APPEND, &f), WT_OK); /* not numbered */
    ck_assert_int_eq(simfs_append(f, "+a", 2), WT_OK);                       /* 6 */
    ck_assert_int_eq(simfs_append(f, "+b", 2), WT_OK);                       /* 7 */
    ck_assert_int_eq(simfs_sync(f), WT_IO_ERROR);                            /* 8: crash */
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(simfs_append(f, "+c", 2), WT_IO_ERROR); /* stale */
    ck_assert_int_eq(simfs_close(f), WT_IO_ERROR);
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "durable");
    put_file(fs, "db/x", "y", true, NULL); /* disarmed: no second crash */
    ck_assert_int_eq(calls, 1);
    simfs_destroy(fs);
}
END_TEST

/* A torn append keeps its first torn_bytes bytes and, in that file, the
 * unsynced tail before it; other files lose their unsynced tails. */
START_TEST(test_crash_point_torn_append)
{
    simfs *fs = new_fs();
    char buf[64];
    int calls = 0;
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/other", "o", true, "db");
    append_file(fs, "db/other", "-lost", false);
    put_file(fs, "db/log", "s", true, "db");
    uint64_t next = simfs_file_ops(fs) + 1;
    simfs_file *f;
    ck_assert_int_eq(simfs_open(fs, "db/log", PORT_OPEN_APPEND, &f), WT_OK);
    ck_assert_int_eq(simfs_append(f, "-tail", 5), WT_OK);
    simfs_crash_point cp = {.nth = next + 1, .torn_bytes = 3, .fn = count_call, .arg = &calls};
    simfs_set_crash_point(fs, &cp);
    ck_assert_int_eq(simfs_append(f, "ABCDEFG", 7), WT_IO_ERROR);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(simfs_close(f), WT_IO_ERROR);
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "s-tailABC");
    ck_assert_str_eq(contents(fs, "db/other", buf, sizeof buf), "o");
    simfs_destroy(fs);
}
END_TEST

/* A process kill loses nothing: unsynced bytes and unsynced names stay
 * (a later power loss can still drop them); handles go stale, locks free. */
START_TEST(test_process_kill_keeps_everything)
{
    simfs *fs = new_fs();
    char buf[64];
    ck_assert_int_eq(simfs_mkdir(fs, "db"), WT_OK);
    put_file(fs, "db/log", "synced", true, "db");
    append_file(fs, "db/log", "+cache", false);
    put_file(fs, "db/new", "n", false, NULL); /* the directory is not synced */
    simfs_file *lock, *f, *again;
    ck_assert_int_eq(simfs_lock(fs, "db/LOCK", &lock), WT_OK);
    ck_assert_int_eq(simfs_open(fs, "db/log", PORT_OPEN_APPEND, &f), WT_OK);
    simfs_kill_process(fs);
    ck_assert_int_eq(simfs_append(f, "x", 1), WT_IO_ERROR);
    ck_assert_int_eq(simfs_close(f), WT_IO_ERROR);
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "synced+cache");
    ck_assert_str_eq(contents(fs, "db/new", buf, sizeof buf), "n");
    ck_assert_int_eq(simfs_lock(fs, "db/LOCK", &again), WT_OK);
    simfs_unlock(again);
    simfs_unlock(lock);
    simfs_crash(fs, false); /* then the power fails */
    ck_assert_str_eq(contents(fs, "db/log", buf, sizeof buf), "synced");
    ck_assert_str_eq(contents(fs, "db/new", buf, sizeof buf), "<missing>");
    simfs_destroy(fs);
}
END_TEST

START_TEST(test_cost)
{
    simfs_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.append_ns = 1000;
    cfg.append_ns_per_kib = 10;
    cfg.sync_ns = 500000;
    cfg.read_ns = 700;
    cfg.meta_ns = 300;
    simfs *fs = simfs_create(&cfg);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_APPEND, 0), 1000);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_APPEND, 1), 1010);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_APPEND, 1024), 1010);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_APPEND, 1025), 1020);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_APPEND, 32768), 1320);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_SYNC, 12345), 500000);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_READ, 4096), 700);
    ck_assert_uint_eq(simfs_cost_ns(fs, SIMFS_OP_META, 0), 300);
    simfs_destroy(fs);
}
END_TEST

static Suite *simfs_suite(void)
{
    Suite *s = suite_create("simfs");
    TCase *files = tcase_create("files");
    tcase_add_test(files, test_append_read_size);
    tcase_add_test(files, test_open_errors);
    tcase_add_test(files, test_paths_and_dirs);
    tcase_add_test(files, test_list_order);
    tcase_add_test(files, test_truncate);
    tcase_add_test(files, test_cost);
    suite_add_tcase(s, files);
    TCase *durability = tcase_create("durability");
    tcase_add_test(durability, test_sync_then_crash_keeps_synced);
    tcase_add_test(durability, test_crash_drops_unsynced);
    tcase_add_test(durability, test_torn_tail_prefix_deterministic);
    tcase_add_test(durability, test_new_file_needs_dir_sync);
    tcase_add_test(durability, test_rename_crash);
    tcase_add_test(durability, test_rename_replaces_target_crash);
    tcase_add_test(durability, test_unlink_semantics);
    tcase_add_test(durability, test_stale_handles);
    tcase_add_test(durability, test_destroy_frees_open_handles);
    tcase_add_test(durability, test_crash_points_are_counted);
    tcase_add_test(durability, test_crash_point_power_loss);
    tcase_add_test(durability, test_crash_point_torn_append);
    tcase_add_test(durability, test_process_kill_keeps_everything);
    suite_add_tcase(s, durability);
    TCase *faults = tcase_create("faults");
    tcase_add_test(faults, test_fault_nth);
    tcase_add_test(faults, test_fault_sticky);
    tcase_add_test(faults, test_fault_path_suffix);
    tcase_add_test(faults, test_fault_sync_and_read);
    tcase_add_test(faults, test_capacity);
    suite_add_tcase(s, faults);
    return s;
}

int main(void)
{
    return wt_run_suite(simfs_suite());
}
