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
#include "db_impl.h"

/* One ordered source of entries: a memtable or a table. */
typedef struct source {
    memtable_iter mi;
    table_iter *ti; /* NULL: a memtable */
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

void wt_db_for_each_entry(wt_db *db,
                          void (*fn)(wt_slice key, uint64_t seq, int type, wt_slice value,
                                     void *arg),
                          void *arg)
{
    port_mutex_lock(&db->mutex);
    size_t n;
    source *src = open_sources(db, &n);
    for (source *s; (s = smallest(src, n)) != NULL; src_next(s))
        fn(src_key(s), src_seq(s), src_type(s), src_value(s), arg);
    close_sources(src, n);
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
    for (source *s; more && (s = smallest(src, n)) != NULL; src_next(s)) {
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
    return WT_OK;
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
        char why[256];
        s = table_get(db->tables[i].t, key, snapshot, &tr, value, why, sizeof why);
        if (s != WT_OK) break;
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
