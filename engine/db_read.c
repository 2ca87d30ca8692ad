/*
 * db_read.c — reads: Get, Scan, and the checkers' walk over every stored
 * entry (RocksDB's DBImpl::Get and a merging iterator, much reduced).
 *
 * A read holds the DB mutex for its whole length, so the memtable list and
 * the live tables cannot change under it (a flush retires a memtable only
 * under the mutex).  Its snapshot is the published last_sequence when it
 * starts: entries with a larger sequence are not visible yet.  Sources are
 * searched newest first: the active memtable, the immutables (newest
 * first), then the tables (newest first); the first version found decides.
 * Scans merge every source in one pass, smallest internal key first (user
 * key ascending, then sequence descending).
 *
 * Thread safety: any number of readers and writers at once (db_impl.h).
 */
#include <stdio.h>

#include "db_impl.h"

/* One ordered source of entries: a memtable or a table. */
typedef struct source {
    memtable_iter mi;
    table_iter *ti; /* NULL: a memtable */
    uint64_t number; /* the table's file number */
} source;

static bool src_valid(const source *s) { return s->ti ? table_iter_valid(s->ti) : memtable_iter_valid(&s->mi); }
static wt_slice src_key(const source *s) { return s->ti ? table_iter_key(s->ti) : memtable_iter_key(&s->mi); }
static uint64_t src_seq(const source *s) { return s->ti ? table_iter_seq(s->ti) : memtable_iter_sequence(&s->mi); }
static int src_type(const source *s) { return s->ti ? (int)table_iter_type(s->ti) : (int)memtable_iter_type(&s->mi); }
static wt_slice src_value(const source *s) { return s->ti ? table_iter_value(s->ti) : memtable_iter_value(&s->mi); }

static void src_next(source *s)
{
    if (s->ti) table_iter_next(s->ti);
    else memtable_iter_next(&s->mi);
}

/* Every source of the DB, positioned at its first entry.  REQUIRES: mutex
 * held (until the sources are closed). */
static source *open_sources(wt_db *db, size_t *n)
{
    port_mutex_assert_held(&db->mutex);
    size_t count = 1 + db->imm_count + db->table_count, k = 0;
    source *src = port_alloc_zeroed(count * sizeof *src);
    memtable_iter_init(&src[k].mi, db->mem);
    memtable_iter_seek_to_first(&src[k++].mi);
    for (size_t i = 0; i < db->imm_count; i++) {
        memtable_iter_init(&src[k].mi, db->imm[i].mem);
        memtable_iter_seek_to_first(&src[k++].mi);
    }
    for (size_t i = 0; i < db->table_count; i++) {
        src[k].number = db->tables[i].number;
        src[k].ti = table_iter_create(db->tables[i].t);
        table_iter_seek_to_first(src[k++].ti);
    }
    *n = count;
    return src;
}

static void close_sources(source *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (src[i].ti) table_iter_destroy(src[i].ti);
    port_free(src);
}

/* Records where a table read failed.  REQUIRES: mutex held. */
static wt_status read_failed(wt_db *db, uint64_t number, wt_status s, const char *why)
{
    port_mutex_assert_held(&db->mutex);
    WT_ASSERT(s != WT_OK);
    char path[FILENAME_PATH_MAX];
    snprintf(db->error_detail, sizeof db->error_detail, "%s: %s",
             filename_table(path, sizeof path, db->dir, number), why);
    return s;
}

/* WT_OK, or the first table source whose iteration ended in an error (a
 * failed block read ends a table iterator as if it were exhausted, so
 * every merge step asks).  REQUIRES: mutex held. */
static wt_status sources_status(wt_db *db, const source *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *why;
        wt_status s = src[i].ti ? table_iter_status(src[i].ti, &why) : WT_OK;
        if (s != WT_OK) return read_failed(db, src[i].number, s, why);
    }
    return WT_OK;
}

/* The source holding the smallest internal key (user key ascending, then
 * sequence descending), or NULL when all are done. */
static source *smallest(source *src, size_t n)
{
    source *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!src_valid(&src[i])) continue;
        if (best == NULL) {
            best = &src[i];
            continue;
        }
        int c = wt_slice_compare(src_key(&src[i]), src_key(best));
        if (c < 0 || (c == 0 && src_seq(&src[i]) > src_seq(best))) best = &src[i];
    }
    return best;
}

wt_status wt_db_for_each_entry(wt_db *db,
                               void (*fn)(wt_slice key, uint64_t seq, int type, wt_slice value,
                                          void *arg),
                               void *arg)
{
    port_mutex_lock(&db->mutex);
    size_t n;
    source *src = open_sources(db, &n);
    wt_status st = sources_status(db, src, n);
    for (source *s; st == WT_OK && (s = smallest(src, n)) != NULL;) {
        fn(src_key(s), src_seq(s), src_type(s), src_value(s), arg);
        src_next(s);
        st = sources_status(db, s, 1);
    }
    close_sources(src, n);
    port_mutex_unlock(&db->mutex);
    return st;
}

void wt_db_error_detail(wt_db *db, char *buf, size_t cap)
{
    WT_ASSERT(cap > 0);
    port_mutex_lock(&db->mutex);
    snprintf(buf, cap, "%s", db->error_detail);
    port_mutex_unlock(&db->mutex);
}

wt_status wt_db_scan(wt_db *db, bool (*fn)(wt_slice key, wt_slice value, void *arg), void *arg)
{
    port_mutex_lock(&db->mutex);
    uint64_t snapshot = wt_db_last_sequence(db);
    size_t n;
    source *src = open_sources(db, &n);
    wt_buf key;
    wt_buf_init(&key);
    bool decided = false, more = true;
    /* A table that fails mid-way must stop the scan at once: going on
     * would print its later keys' older versions, or skip them, as if the
     * table had ended there. */
    wt_status st = sources_status(db, src, n);
    for (source *s; st == WT_OK && more && (s = smallest(src, n)) != NULL;
         src_next(s), st = sources_status(db, s, 1)) {
        wt_slice k = src_key(s);
        if (key.data != NULL && wt_slice_compare(k, wt_slice_make(key.data, key.size)) == 0) {
            if (decided) continue; /* an older version of a decided key */
        } else {
            wt_buf_set(&key, k.data, k.size);
            decided = false;
        }
        if (src_seq(s) > snapshot) continue; /* not visible yet */
        decided = true;
        if (src_type(s) == WT_TYPE_VALUE) more = fn(k, src_value(s), arg);
    }
    wt_buf_free(&key);
    close_sources(src, n);
    port_mutex_unlock(&db->mutex);
    return st;
}

/* The newest visible version in one memtable: found / deleted / absent. */
static memtable_get_result get_mem(memtable *m, wt_slice key, uint64_t snapshot, wt_buf *value)
{
    wt_slice v;
    memtable_get_result r = memtable_get(m, key, snapshot, &v);
    if (r == MEMTABLE_GET_FOUND) wt_buf_set(value, v.data, v.size);
    return r;
}

wt_status wt_db_get(wt_db *db, wt_slice key, wt_buf *value)
{
    port_mutex_lock(&db->mutex);
    uint64_t snapshot = wt_db_last_sequence(db);
    wt_status s = WT_NOT_FOUND;
    memtable_get_result r = get_mem(db->mem, key, snapshot, value);
    for (size_t i = db->imm_count; r == MEMTABLE_GET_ABSENT && i-- > 0;)
        r = get_mem(db->imm[i].mem, key, snapshot, value);
    if (r != MEMTABLE_GET_ABSENT) s = r == MEMTABLE_GET_FOUND ? WT_OK : WT_NOT_FOUND;
    for (size_t i = db->table_count; r == MEMTABLE_GET_ABSENT && i-- > 0;) {
        table_get_result tr;
        char why[DB_ERROR_DETAIL_MAX];
        s = table_get(db->tables[i].t, key, snapshot, &tr, value, why, sizeof why);
        if (s != WT_OK) {
            s = read_failed(db, db->tables[i].number, s, why);
            break;
        }
        if (tr == TABLE_GET_ABSENT) {
            s = WT_NOT_FOUND;
            continue;
        }
        s = tr == TABLE_GET_FOUND ? WT_OK : WT_NOT_FOUND;
        break;
    }
    port_mutex_unlock(&db->mutex);
    return s;
}
