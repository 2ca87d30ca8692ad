/*
 * fuzz_open.c — a full open over a fuzzed DB directory (engine/db_open.c
 * and everything recovery reads: CURRENT, MANIFEST, WALs, tables).
 *
 * Input: a sequence of files, each [kind u8][length u16 LE][bytes]; the
 * kind's low 2 bits choose CURRENT, MANIFEST-0000NN, 0000NN.log or
 * 0000NN.sst, its high 6 bits NN.  The directory is emptied and refilled per input, then
 * opened read-only (scan, get) and read-write (scan, a put, close), under
 * each WAL recovery mode in turn.  A failed open must say why in
 * report.detail or the report's problem; nothing may crash or assert.
 */
#include "fuzz_util.h"

#include <dirent.h>

#include "db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void file_name(uint8_t kind, char *name, size_t cap)
{
    unsigned number = kind >> 2;
    switch (kind & 3) {
    case 0: snprintf(name, cap, "CURRENT"); break;
    case 1: snprintf(name, cap, "MANIFEST-%06u", number); break;
    case 2: snprintf(name, cap, "%06u.log", number); break;
    default: snprintf(name, cap, "%06u.sst", number); break;
    }
}

static void empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) abort();
    char path[600];
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

static bool count_key(wt_slice key, wt_slice value, void *arg)
{
    (void)key, (void)value;
    return ++*(unsigned *)arg < 100000;
}

static void exercise(wt_db *db)
{
    unsigned seen = 0;
    wt_status s = wt_db_scan(db, count_key, &seen);
    char detail[256];
    wt_db_error_detail(db, detail, sizeof detail);
    if (s == WT_CORRUPTION && strstr(detail, ".sst: ") == NULL) abort();
    wt_buf v;
    wt_buf_init(&v);
    (void)wt_db_get(db, wt_slice_str("a"), &v);
    wt_buf_free(&v);
}

static void check_failed_open(wt_status s, const wt_recovery_report *rep)
{
    if (s == WT_CORRUPTION && rep->detail[0] == '\0' && rep->problems == 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_dir();
    empty_dir(dir);
    char path[600], name[32];
    for (size_t i = 0; i + 3 <= size;) {
        size_t len = data[i + 1] | (size_t)data[i + 2] << 8;
        file_name(data[i], name, sizeof name);
        i += 3;
        if (len > size - i) len = size - i;
        fuzz_write_file(name, data + i, len, path, sizeof path);
        i += len;
    }
    wt_options o;
    wt_options_default(&o);
    o.wal_recovery_mode = (wt_wal_recovery_mode)(size % 4);
    wt_recovery_report rep;
    wt_db *db;
    wt_status s = wt_db_open_read_only(&o, dir, &db, &rep);
    if (s == WT_OK) {
        exercise(db);
        if (wt_db_close(db) != WT_OK) abort();
    } else {
        check_failed_open(s, &rep);
    }
    s = wt_db_open(&o, dir, &db, &rep);
    if (s == WT_OK) {
        exercise(db);
        wt_write_options wo = {.sync = true};
        (void)wt_db_put(db, &wo, wt_slice_str("fuzz"), wt_slice_str("value"));
        (void)wt_db_close(db);
    } else {
        check_failed_open(s, &rep);
    }
    return 0;
}
