/*
 * manifest.c — version edits, the version state, and the MANIFEST/CURRENT
 * files (format and contract in manifest.h; their names and CURRENT's one
 * line are filename.c's).
 *
 * Invariants: a version_state's files are sorted by number, strictly
 * ascending (version_state_lower_bound relies on it) and each owns its key
 * buffers; a version_edit owns its added files' keys.  Only edits that
 * version_state_check_edit accepts are applied, both when logging (an
 * assertion: the caller built the edit) and when replaying (corruption:
 * the bytes came from disk).  A manifest's writer is the WAL writer, whose
 * append and sync errors are sticky; `record` is scratch space reused for
 * every encoding.
 *
 * Durability order (what a crash at any point leaves):
 *  - manifest_create_new: the new manifest is written, synced, and the
 *    directory synced before CURRENT.tmp is written, synced and renamed
 *    over CURRENT; then the directory is synced again.  A crash before the
 *    rename leaves CURRENT naming the old, complete manifest;
 *  - manifest_log_and_apply: a table file named by an edit has been synced
 *    by its builder, and the directory is synced before the record is
 *    appended and synced, so a record that survives names files that do.
 *
 * Thread safety: none (manifest.h).
 */
#include "manifest.h"

#include <string.h>

#include "filename.h"
#include "wal.h"

/* Record tags (RocksDB's numbers for the same fields). */
enum {
    MANIFEST_TAG_LOG_NUMBER = 2,
    MANIFEST_TAG_NEXT_FILE_NUMBER = 3,
    MANIFEST_TAG_LAST_SEQUENCE = 4,
    MANIFEST_TAG_DELETED_FILE = 6,
    MANIFEST_TAG_NEW_FILE = 7,
};

/* ============================================================= encoding */

static void manifest_put_key(wt_buf *b, const wt_buf *key)
{
    WT_ASSERT(key->size <= UINT32_MAX);
    wt_buf_put_varint64(b, key->size);
    wt_buf_append(b, key->data, key->size);
}

static void manifest_put_field(wt_buf *b, unsigned tag, uint64_t v)
{
    wt_buf_put_varint64(b, tag);
    wt_buf_put_varint64(b, v);
}

static void manifest_encode_file(wt_buf *b, const manifest_file_meta *f)
{
    wt_buf_put_varint64(b, MANIFEST_TAG_NEW_FILE);
    wt_buf_put_varint64(b, f->number);
    wt_buf_put_varint64(b, f->file_size);
    wt_buf_put_varint64(b, f->entries);
    wt_buf_put_varint64(b, f->min_seq);
    wt_buf_put_varint64(b, f->max_seq);
    manifest_put_key(b, &f->smallest_key);
    manifest_put_key(b, &f->largest_key);
}

void version_edit_encode(const version_edit *e, wt_buf *out)
{
    WT_ASSERT(e != NULL && out != NULL);
    if (e->has_log_number) manifest_put_field(out, MANIFEST_TAG_LOG_NUMBER, e->log_number);
    if (e->has_next_file_number)
        manifest_put_field(out, MANIFEST_TAG_NEXT_FILE_NUMBER, e->next_file_number);
    if (e->has_last_sequence)
        manifest_put_field(out, MANIFEST_TAG_LAST_SEQUENCE, e->last_sequence);
    for (size_t i = 0; i < e->deleted_count; i++)
        manifest_put_field(out, MANIFEST_TAG_DELETED_FILE, e->deleted[i]);
    for (size_t i = 0; i < e->added_count; i++) manifest_encode_file(out, &e->added[i]);
}

/* The snapshot edit of a whole state: the first record of a manifest. */
static void manifest_encode_snapshot(const version_state *s, wt_buf *out)
{
    manifest_put_field(out, MANIFEST_TAG_LOG_NUMBER, s->log_number);
    manifest_put_field(out, MANIFEST_TAG_NEXT_FILE_NUMBER, s->next_file_number);
    manifest_put_field(out, MANIFEST_TAG_LAST_SEQUENCE, s->last_sequence);
    for (size_t i = 0; i < s->file_count; i++) manifest_encode_file(out, &s->files[i]);
}

/* ========================================================== version edit */

static void manifest_meta_copy(manifest_file_meta *dst, const manifest_file_meta *src)
{
    *dst = *src;
    wt_buf_init(&dst->smallest_key);
    wt_buf_init(&dst->largest_key);
    wt_buf_set(&dst->smallest_key, src->smallest_key.data, src->smallest_key.size);
    wt_buf_set(&dst->largest_key, src->largest_key.data, src->largest_key.size);
}

static void manifest_meta_free(manifest_file_meta *f)
{
    wt_buf_free(&f->smallest_key);
    wt_buf_free(&f->largest_key);
}

void version_edit_init(version_edit *e)
{
    WT_ASSERT(e != NULL);
    memset(e, 0, sizeof *e);
}

void version_edit_free(version_edit *e)
{
    WT_ASSERT(e != NULL);
    for (size_t i = 0; i < e->added_count; i++) manifest_meta_free(&e->added[i]);
    port_free(e->added);
    port_free(e->deleted);
    version_edit_init(e);
}

void version_edit_set_log_number(version_edit *e, uint64_t log_number)
{
    e->has_log_number = true;
    e->log_number = log_number;
}

void version_edit_set_next_file_number(version_edit *e, uint64_t next_file_number)
{
    e->has_next_file_number = true;
    e->next_file_number = next_file_number;
}

void version_edit_set_last_sequence(version_edit *e, uint64_t last_sequence)
{
    e->has_last_sequence = true;
    e->last_sequence = last_sequence;
}

/* A new zeroed added-file slot with empty keys. */
static manifest_file_meta *version_edit_push_file(version_edit *e)
{
    if (e->added_count == e->added_cap) {
        e->added_cap = e->added_cap ? e->added_cap * 2 : 4;
        e->added = port_realloc(e->added, e->added_cap * sizeof e->added[0]);
    }
    manifest_file_meta *f = &e->added[e->added_count++];
    memset(f, 0, sizeof *f);
    wt_buf_init(&f->smallest_key);
    wt_buf_init(&f->largest_key);
    return f;
}

void version_edit_add_file(version_edit *e, const manifest_file_meta *f)
{
    WT_ASSERT(e != NULL && f != NULL);
    manifest_file_meta *slot = version_edit_push_file(e);
    manifest_meta_copy(slot, f);
}

void version_edit_add_table(version_edit *e, uint64_t number, const table_properties *p)
{
    WT_ASSERT(e != NULL && p != NULL);
    manifest_file_meta *f = version_edit_push_file(e);
    f->number = number;
    f->file_size = p->file_size;
    f->entries = p->entries;
    f->min_seq = p->min_seq;
    f->max_seq = p->max_seq;
    wt_buf_set(&f->smallest_key, p->smallest_key.data, p->smallest_key.size);
    wt_buf_set(&f->largest_key, p->largest_key.data, p->largest_key.size);
}

void version_edit_delete_file(version_edit *e, uint64_t number)
{
    WT_ASSERT(e != NULL);
    if (e->deleted_count == e->deleted_cap) {
        e->deleted_cap = e->deleted_cap ? e->deleted_cap * 2 : 4;
        e->deleted = port_realloc(e->deleted, e->deleted_cap * sizeof e->deleted[0]);
    }
    e->deleted[e->deleted_count++] = number;
}

/* Reads one of the once-per-record numbers; NULL with *why set if bad. */
static const uint8_t *manifest_get_number(const uint8_t *p, const uint8_t *limit, bool *has,
                                          uint64_t *v, const char **why)
{
    if (*has) {
        *why = "field repeated in one edit";
        return NULL;
    }
    p = wt_get_varint64(p, limit, v);
    if (p == NULL) *why = "truncated number";
    *has = p != NULL;
    return p;
}

/* Reads a new-file field into a new slot of e; NULL with *why set if bad. */
static const uint8_t *manifest_get_file(const uint8_t *p, const uint8_t *limit, version_edit *e,
                                        const char **why)
{
    manifest_file_meta *f = version_edit_push_file(e);
    uint64_t *numbers[] = {&f->number, &f->file_size, &f->entries, &f->min_seq, &f->max_seq};
    for (size_t i = 0; i < WT_ARRAY_LEN(numbers) && p != NULL; i++)
        p = wt_get_varint64(p, limit, numbers[i]);
    wt_slice smallest = {0}, largest = {0};
    if (p != NULL) p = wt_get_length_prefixed(p, limit, &smallest);
    if (p != NULL) p = wt_get_length_prefixed(p, limit, &largest);
    if (p == NULL) {
        *why = "truncated new file";
        return NULL;
    }
    wt_buf_set(&f->smallest_key, smallest.data, smallest.size);
    wt_buf_set(&f->largest_key, largest.data, largest.size);
    return p;
}

/* Decodes one tagged field at p; NULL with *why set if bad. */
static const uint8_t *manifest_get_field(const uint8_t *p, const uint8_t *limit, version_edit *e,
                                         const char **why)
{
    uint32_t tag = 0;
    uint64_t number = 0;
    p = wt_get_varint32(p, limit, &tag);
    if (p == NULL) {
        *why = "truncated tag";
        return NULL;
    }
    switch (tag) {
    case MANIFEST_TAG_LOG_NUMBER:
        return manifest_get_number(p, limit, &e->has_log_number, &e->log_number, why);
    case MANIFEST_TAG_NEXT_FILE_NUMBER:
        return manifest_get_number(p, limit, &e->has_next_file_number, &e->next_file_number,
                                   why);
    case MANIFEST_TAG_LAST_SEQUENCE:
        return manifest_get_number(p, limit, &e->has_last_sequence, &e->last_sequence, why);
    case MANIFEST_TAG_DELETED_FILE:
        p = wt_get_varint64(p, limit, &number);
        if (p == NULL) *why = "truncated deleted file";
        else version_edit_delete_file(e, number);
        return p;
    case MANIFEST_TAG_NEW_FILE:
        return manifest_get_file(p, limit, e, why);
    default:
        *why = "unknown field tag";
        return NULL;
    }
}

wt_status version_edit_decode(version_edit *e, const uint8_t *data, size_t n,
                              const char **reason)
{
    WT_ASSERT(e != NULL && reason != NULL);
    WT_ASSERT(data != NULL || n == 0);
    version_edit_free(e);
    if (n == 0) return WT_OK; /* an empty edit (data may be NULL) */
    const uint8_t *p = data, *limit = data + n;
    const char *why = NULL;
    /* Terminates: every field consumes at least its one tag byte. */
    while (p != NULL && p < limit) p = manifest_get_field(p, limit, e, &why);
    if (p == NULL) {
        WT_ASSERT(why != NULL);
        version_edit_free(e);
        *reason = why;
        return WT_CORRUPTION;
    }
    return WT_OK;
}

/* ========================================================= version state */

void version_state_init(version_state *s)
{
    WT_ASSERT(s != NULL);
    memset(s, 0, sizeof *s);
}

void version_state_free(version_state *s)
{
    WT_ASSERT(s != NULL);
    for (size_t i = 0; i < s->file_count; i++) manifest_meta_free(&s->files[i]);
    port_free(s->files);
    version_state_init(s);
}

void version_state_copy(version_state *dst, const version_state *src)
{
    WT_ASSERT(dst != NULL && src != NULL && dst != src);
    version_state_free(dst);
    dst->log_number = src->log_number;
    dst->next_file_number = src->next_file_number;
    dst->last_sequence = src->last_sequence;
    if (src->file_count == 0) return;
    dst->files = port_alloc(src->file_count * sizeof dst->files[0]);
    dst->file_cap = src->file_count;
    for (size_t i = 0; i < src->file_count; i++) manifest_meta_copy(&dst->files[i], &src->files[i]);
    dst->file_count = src->file_count;
}

/* The index of the first live file with number >= number. */
static size_t version_state_lower_bound(const version_state *s, uint64_t number)
{
    size_t lo = 0, hi = s->file_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->files[mid].number < number) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const manifest_file_meta *version_state_find(const version_state *s, uint64_t number)
{
    WT_ASSERT(s != NULL);
    size_t i = version_state_lower_bound(s, number);
    return i < s->file_count && s->files[i].number == number ? &s->files[i] : NULL;
}

static bool manifest_numbers_contain(const uint64_t *numbers, size_t n, uint64_t number)
{
    for (size_t i = 0; i < n; i++)
        if (numbers[i] == number) return true;
    return false;
}

/* Checks one added file (index i of e) against s and the rest of e. */
static const char *version_check_added(const version_state *s, const version_edit *e, size_t i,
                                       uint64_t next_file_number)
{
    const manifest_file_meta *f = &e->added[i];
    if (f->number >= next_file_number) return "added file number is not below next_file_number";
    if (manifest_numbers_contain(e->deleted, e->deleted_count, f->number))
        return "file both deleted and added";
    if (version_state_find(s, f->number) != NULL) return "added file is already live";
    for (size_t j = 0; j < i; j++)
        if (e->added[j].number == f->number) return "file added twice";
    wt_slice smallest = wt_slice_make(f->smallest_key.data, f->smallest_key.size);
    wt_slice largest = wt_slice_make(f->largest_key.data, f->largest_key.size);
    if (wt_slice_compare(smallest, largest) > 0) return "added file key range inverted";
    if (f->min_seq > f->max_seq) return "added file sequence range inverted";
    return NULL;
}

/* Quadratic in the edit's own lists, which hold a few files (a flush adds
 * one); a snapshot's added files are checked only against each other. */
const char *version_state_check_edit(const version_state *s, const version_edit *e)
{
    WT_ASSERT(s != NULL && e != NULL);
    if (e->has_log_number && e->log_number < s->log_number) return "log number decreases";
    if (e->has_next_file_number && e->next_file_number < s->next_file_number)
        return "next file number decreases";
    if (e->has_last_sequence && e->last_sequence < s->last_sequence)
        return "last sequence decreases";
    for (size_t i = 0; i < e->deleted_count; i++) {
        if (version_state_find(s, e->deleted[i]) == NULL) return "deleted file is not live";
        if (manifest_numbers_contain(e->deleted, i, e->deleted[i])) return "file deleted twice";
    }
    uint64_t next = e->has_next_file_number ? e->next_file_number : s->next_file_number;
    for (size_t i = 0; i < e->added_count; i++) {
        const char *why = version_check_added(s, e, i, next);
        if (why != NULL) return why;
    }
    return NULL;
}

static void version_state_insert(version_state *s, const manifest_file_meta *f)
{
    size_t i = version_state_lower_bound(s, f->number);
    WT_ASSERT(i == s->file_count || s->files[i].number != f->number);
    if (s->file_count == s->file_cap) {
        s->file_cap = s->file_cap ? s->file_cap * 2 : 8;
        s->files = port_realloc(s->files, s->file_cap * sizeof s->files[0]);
    }
    memmove(&s->files[i + 1], &s->files[i], (s->file_count - i) * sizeof s->files[0]);
    manifest_meta_copy(&s->files[i], f);
    s->file_count++;
}

static void version_state_remove(version_state *s, uint64_t number)
{
    size_t i = version_state_lower_bound(s, number);
    WT_ASSERT(i < s->file_count);
    WT_ASSERT(s->files[i].number == number);
    manifest_meta_free(&s->files[i]);
    memmove(&s->files[i], &s->files[i + 1], (s->file_count - i - 1) * sizeof s->files[0]);
    s->file_count--;
}

void version_state_apply(version_state *s, const version_edit *e)
{
    WT_ASSERT(s != NULL && e != NULL);
    if (e->has_log_number) s->log_number = e->log_number;
    if (e->has_next_file_number) s->next_file_number = e->next_file_number;
    if (e->has_last_sequence) s->last_sequence = e->last_sequence;
    for (size_t i = 0; i < e->deleted_count; i++) version_state_remove(s, e->deleted[i]);
    for (size_t i = 0; i < e->added_count; i++) version_state_insert(s, &e->added[i]);
    WT_ASSERT(s->file_count == 0 || s->files[s->file_count - 1].number < s->next_file_number);
}

/* ================================================================ CURRENT */

wt_status manifest_read_current(const char *dir, uint64_t *number, char *why, size_t why_cap)
{
    WT_ASSERT(dir != NULL && number != NULL);
    char path[FILENAME_PATH_MAX];
    filename_current(path, sizeof path, dir);
    port_file *f = NULL;
    wt_status s = port_file_open(path, PORT_OPEN_READ, &f);
    if (s != WT_OK) {
        wt_why(why, why_cap, "%s: %s", path, s == WT_NOT_FOUND ? "not found" : "open failed");
        return s;
    }
    /* Longer than FILENAME_CURRENT_MAX: read that much, which then lacks
     * its newline and is malformed. */
    char contents[FILENAME_CURRENT_MAX];
    size_t got = 0;
    s = port_file_read(f, 0, contents, sizeof contents, &got);
    wt_status ignored = port_file_close(f); /* read-only: a failed close loses nothing */
    (void)ignored;
    if (s != WT_OK) {
        wt_why(why, why_cap, "%s: read failed", path);
        return s;
    }
    if (!filename_parse_current_contents(contents, got, number)) {
        wt_why(why, why_cap, "%s: malformed contents (want \"MANIFEST-NNNNNN\\n\")", path);
        return WT_CORRUPTION;
    }
    return WT_OK;
}

/* Writes a whole new file and syncs it. */
static wt_status manifest_write_file(const char *path, const void *data, size_t n)
{
    port_file *f = NULL;
    wt_status s = port_file_open(path, PORT_OPEN_CREATE, &f);
    if (s != WT_OK) return s;
    s = port_file_append(f, data, n);
    if (s == WT_OK) s = port_file_sync(f);
    wt_status closed = port_file_close(f);
    return s != WT_OK ? s : closed;
}

/* Points CURRENT at MANIFEST-<number>: write CURRENT.tmp, sync, rename,
 * sync the directory (RocksDB's SetCurrentFile). */
static wt_status manifest_set_current(const char *dir, uint64_t number)
{
    char tmp[FILENAME_PATH_MAX], current[FILENAME_PATH_MAX], contents[FILENAME_CURRENT_MAX];
    filename_current_tmp(tmp, sizeof tmp, dir);
    filename_current(current, sizeof current, dir);
    size_t len = filename_current_contents(contents, sizeof contents, number);
    wt_status s = manifest_write_file(tmp, contents, len);
    PORT_SYNC_POINT("manifest:set_current:before_rename");
    if (s == WT_OK) s = port_rename(tmp, current);
    if (s != WT_OK) {
        wt_status ignored = port_unlink(tmp); /* garbage either way */
        (void)ignored;
        return s;
    }
    return port_sync_dir(dir);
}

/* ============================================================== manifest */

struct manifest {
    char *dir;
    uint64_t number;
    wal_writer *log; /* append and sync errors are sticky in it */
    wt_buf record;   /* scratch: the encoding of one edit */
};

static char *manifest_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = port_alloc(n);
    memcpy(copy, s, n);
    return copy;
}

wt_status manifest_create_new(const char *dir, uint64_t number, const version_state *initial,
                              manifest **out)
{
    WT_ASSERT(dir != NULL && initial != NULL && out != NULL);
    WT_ASSERT(number < initial->next_file_number);
    WT_ASSERT(initial->file_count == 0 ||
              initial->files[initial->file_count - 1].number < initial->next_file_number);
    *out = NULL;
    char path[FILENAME_PATH_MAX];
    filename_manifest(path, sizeof path, dir, number);
    port_file *f = NULL;
    wt_status s = port_file_open(path, PORT_OPEN_CREATE, &f);
    if (s != WT_OK) return s;
    manifest *m = port_alloc_zeroed(sizeof *m);
    m->dir = manifest_strdup(dir);
    m->number = number;
    m->log = wal_writer_create(f, number, 0);
    wt_buf_init(&m->record);
    manifest_encode_snapshot(initial, &m->record);
    s = wal_add_record(m->log, m->record.data, m->record.size, NULL);
    if (s == WT_OK) s = wal_sync(m->log);
    if (s == WT_OK) s = port_sync_dir(dir);
    if (s == WT_OK) s = manifest_set_current(dir, number);
    if (s != WT_OK) goto fail;
    *out = m;
    return WT_OK;
fail:;
    wt_status ignored = manifest_close(m); /* the first error is the one to report */
    (void)ignored;
    return s;
}

/* Replays every record of an open manifest reader into *state. */
static wt_status manifest_replay(wal_reader *r, const char *path, version_state *state,
                                 char *why, size_t cap)
{
    version_edit e;
    version_edit_init(&e);
    bool have_next_file_number = false;
    wt_status s = WT_OK;
    /* Terminates: the reader consumes the finite file and then only
     * returns WAL_READ_EOF. */
    for (;;) {
        wt_slice record;
        uint64_t offset = 0;
        wal_problem problem;
        wal_read_result rr = wal_read_record(r, &record, &offset, &problem);
        if (rr == WAL_READ_EOF) break;
        if (rr == WAL_READ_PROBLEM) {
            if (problem.at_tail) break; /* a torn last record: dropped */
            s = problem.kind == WAL_PROBLEM_IO ? WT_IO_ERROR : WT_CORRUPTION;
            wt_why(why, cap, "%s: offset %llu: %s", path,
                         (unsigned long long)problem.offset, problem.reason);
            break;
        }
        const char *reason = NULL;
        s = version_edit_decode(&e, record.data, record.size, &reason);
        if (s == WT_OK) reason = version_state_check_edit(state, &e);
        if (reason != NULL) {
            s = WT_CORRUPTION;
            wt_why(why, cap, "%s: offset %llu: %s", path, (unsigned long long)offset,
                         reason);
            break;
        }
        version_state_apply(state, &e);
        have_next_file_number |= e.has_next_file_number;
    }
    version_edit_free(&e);
    if (s == WT_OK && !have_next_file_number) {
        s = WT_CORRUPTION;
        wt_why(why, cap, "%s: no record sets next_file_number", path);
    }
    return s;
}

wt_status manifest_recover(const char *dir, version_state *out, char *why, size_t why_cap)
{
    WT_ASSERT(dir != NULL && out != NULL);
    version_state_free(out);
    uint64_t number = 0;
    wt_status s = manifest_read_current(dir, &number, why, why_cap);
    if (s != WT_OK) return s;
    char path[FILENAME_PATH_MAX];
    filename_manifest(path, sizeof path, dir, number);
    port_file *f = NULL;
    s = port_file_open(path, PORT_OPEN_READ, &f);
    if (s == WT_NOT_FOUND) {
        wt_why(why, why_cap, "%s: named by CURRENT but missing", path);
        return WT_CORRUPTION;
    }
    if (s != WT_OK) {
        wt_why(why, why_cap, "%s: open failed", path);
        return s;
    }
    wal_reader *r = wal_reader_create(f, number);
    s = manifest_replay(r, path, out, why, why_cap);
    wal_reader_destroy(r);
    if (s != WT_OK) version_state_free(out);
    return s;
}

wt_status manifest_log_and_apply(manifest *m, const version_edit *e, version_state *state)
{
    WT_ASSERT(m != NULL && e != NULL && state != NULL);
    const char *invalid = version_state_check_edit(state, e);
    if (invalid != NULL) port_assert_fail(invalid, __FILE__, __LINE__);
    wt_status s = WT_OK;
    if (e->added_count > 0) s = port_sync_dir(m->dir);
    if (s != WT_OK) return s;
    m->record.size = 0;
    version_edit_encode(e, &m->record);
    PORT_SYNC_POINT("VersionSet::LogAndApply:WriteManifest");
    s = wal_add_record(m->log, m->record.data, m->record.size, NULL);
    if (s == WT_OK) s = wal_sync(m->log);
    PORT_SYNC_POINT("VersionSet::LogAndApply:WriteManifestDone");
    if (s != WT_OK) return s;
    version_state_apply(state, e);
    return WT_OK;
}

uint64_t manifest_number(const manifest *m)
{
    WT_ASSERT(m != NULL);
    return m->number;
}

uint64_t manifest_file_size(const manifest *m)
{
    WT_ASSERT(m != NULL);
    return wal_file_size(m->log);
}

wt_status manifest_close(manifest *m)
{
    WT_ASSERT(m != NULL);
    wt_status s = wal_writer_close(m->log);
    wt_buf_free(&m->record);
    port_free(m->dir);
    port_free(m);
    return s;
}
