/*
 * simfs.c — the sim's in-memory file system (contract in simfs.h).
 *
 * Data.  A file's bytes live in an inode: a growable byte array with `size`
 * (appended so far) and `synced` (the prefix a sync made durable).  Names
 * map to inodes in two namespaces, each a table sorted by strcmp of the
 * canonical full path:
 *   live    — what the running system sees (open, list, exists, rename ...);
 *   durable — what the directories on the "disk" say: for each directory,
 *             its live entries as of its last simfs_sync_dir.
 * Directories are a third sorted table of paths; "/" and "." (the directory
 * of relative names without a '/') always exist.  Handles point to inodes,
 * so a file unlinked or renamed while open stays readable and appendable
 * through its handles, as in POSIX.  Every handle appends at the file's end
 * (O_APPEND), whatever its open mode.  Inodes are reference counted: live
 * names, durable names and handles; an inode with none is freed.
 *
 * Durability model (after RocksDB's FaultInjectionTestFS:
 * DropUnsyncedFileData, DeleteFilesCreatedAfterLastDirSync):
 *  - append extends size; simfs_sync sets synced = size.  Like fdatasync it
 *    does not make the file's name durable.
 *  - simfs_sync_dir(d) makes the live entries directly in d durable and
 *    forgets durable entries of d that are no longer live.  So a created
 *    file, a rename target and an unlink become durable only when their
 *    directory is synced (a rename across directories needs both synced).
 *  - simfs_crash replaces the live namespace by the durable one, and every
 *    durable file shrinks to its synced length; with tear_unsynced_tail it
 *    keeps instead a strict part of its unsynced tail: 1..(size - synced - 1)
 *    bytes (a torn write), the length drawn from the PRNG.  Consequences: a created but not
 *    dir-synced file vanishes; a renamed one is back under its old durable
 *    name (and a replaced target gets its old contents back); an unlinked
 *    one comes back with its synced contents.
 *  - Simplifications: directories are durable when mkdir returns (there is
 *    no rmdir); a truncation (simfs_truncate, or opening an existing file
 *    with CREATE) is durable at once, i.e. synced = min(synced, new size);
 *    a rename across directories of which only the target's was synced can
 *    leave one inode under two names after a crash (a hard link).
 *  - A crash makes every open handle stale: later calls on it return
 *    WT_IO_ERROR and do nothing; simfs_close returns WT_IO_ERROR and frees.
 *
 * Faults.  Each configured fault counts the appends, syncs or reads (its op)
 * made through handles whose open path ends with path_suffix (NULL: all),
 * across crashes; the nth such op fails with `error`, and with `sticky`
 * every later one too.  A failed append appends nothing (port.h allows a
 * prefix; simfs chooses none), a failed sync leaves synced as it was, a
 * failed read returns *got = 0.  When several faults fire on one op the
 * first configured wins; faults_injected counts failed ops.  Capacity: the
 * used bytes are the sizes of inodes reachable by a live name or a
 * non-stale handle (an unlinked open file holds its space until closed, as
 * in POSIX).  An append or truncate that would exceed capacity_bytes fails
 * with WT_NO_SPACE and changes nothing; it is not counted as a fault.
 * Stats count appends, syncs and reads on non-stale handles, failed or not;
 * bytes_appended counts bytes actually appended.
 *
 * Errors follow port.h: WT_NOT_FOUND for a missing file or directory (also
 * a missing parent directory when creating, renaming or making a
 * directory); WT_IO_ERROR for a stale handle and for using a directory as a
 * file (WT_INVALID_ARGUMENT when opened to read, as port.h says) or a file
 * as a directory.  Misuse (NULL arguments, appending to a
 * READ handle, reading from a write handle) is an assertion failure.
 *
 * Paths are canonicalised: repeated and trailing '/' collapse, leading "./"
 * is dropped; other "." and ".." components are plain names.  The empty
 * path names nothing (WT_NOT_FOUND).
 *
 * Crashes and crash points (simfs_crash.c) share the structures of
 * simfs_impl.h.
 *
 * Determinism: no pointer values, wall clock or hash order reach any
 * result; listings are sorted; a crash visits durable files in path order;
 * the only randomness is a splitmix64 seeded by cfg->seed, drawn once per
 * file with an unsynced tail at a tearing crash.  Not thread-safe: the sim
 * runs on one OS thread.
 */
#include "simfs.h"
#include "simfs_impl.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- helpers */

static void *simfs_xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);
    assert(p != NULL); /* out of memory in the sim is fatal */
    return p;
}

static char *simfs_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = simfs_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

/* splitmix64: small, fast, and the same sequence on every platform. */
uint64_t simfs_random(simfs *fs)
{
    uint64_t z = (fs->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---------------------------------------------------------------- paths */

/* A malloc'd canonical copy: "//" -> "/", no trailing '/', no leading "./". */
static char *path_canon(const char *in)
{
    assert(in != NULL);
    size_t n = strlen(in), len = 0;
    char *out = simfs_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '/' && len > 0 && out[len - 1] == '/') continue;
        out[len++] = in[i];
    }
    if (len > 1 && out[len - 1] == '/') len--;
    out[len] = '\0';
    while (len > 2 && out[0] == '.' && out[1] == '/') {
        memmove(out, out + 2, len - 1);
        len -= 2;
    }
    return out;
}

/* A malloc'd copy of the directory holding path. */
static char *path_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) return simfs_xstrdup(".");
    if (slash == path) return simfs_xstrdup("/");
    size_t n = (size_t)(slash - path);
    char *d = simfs_xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* True when dir is the directory directly holding path. */
static bool path_in_dir(const char *path, const char *dir)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) return strcmp(dir, ".") == 0 && strcmp(path, ".") != 0;
    if (slash == path) return strcmp(dir, "/") == 0 && path[1] != '\0';
    size_t n = (size_t)(slash - path);
    return strlen(dir) == n && memcmp(path, dir, n) == 0;
}

static const char *path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == NULL ? path : slash + 1;
}

static bool path_has_suffix(const char *path, const char *suffix)
{
    if (suffix == NULL) return true;
    size_t n = strlen(path), m = strlen(suffix);
    return m <= n && memcmp(path + n - m, suffix, m) == 0;
}

/* ---------------------------------------------------------------- tables */

/* Binary search; *pos (if given) is the match or the insertion point. */
static bool table_find(const simfs_table *t, const char *path, size_t *pos)
{
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->items[mid].path, path);
        if (c == 0) {
            lo = mid;
            if (pos != NULL) *pos = lo;
            return true;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    if (pos != NULL) *pos = lo;
    return false;
}

static simfs_inode *table_get(const simfs_table *t, const char *path)
{
    size_t pos;
    return table_find(t, path, &pos) ? t->items[pos].node : NULL;
}

/* Takes ownership of path.  REQUIRES: pos keeps the table sorted. */
static void table_insert(simfs_table *t, size_t pos, char *path, simfs_inode *node)
{
    assert(pos <= t->count);
    assert(pos == t->count || strcmp(path, t->items[pos].path) < 0);
    assert(pos == 0 || strcmp(t->items[pos - 1].path, path) < 0);
    if (t->count == t->cap) {
        t->cap = t->cap == 0 ? 16 : t->cap * 2;
        t->items = realloc(t->items, t->cap * sizeof *t->items);
        assert(t->items != NULL);
    }
    memmove(t->items + pos + 1, t->items + pos, (t->count - pos) * sizeof *t->items);
    t->items[pos] = (simfs_entry){path, node};
    t->count++;
}

static void table_remove(simfs_table *t, size_t pos)
{
    assert(pos < t->count);
    free(t->items[pos].path);
    t->count--;
    memmove(t->items + pos, t->items + pos + 1, (t->count - pos) * sizeof *t->items);
}

static int entry_compare(const void *a, const void *b)
{
    return strcmp(((const simfs_entry *)a)->path, ((const simfs_entry *)b)->path);
}

/* ---------------------------------------------------------------- inodes */

/* Charged inodes count toward capacity: reachable by name or live handle. */
static bool inode_charged(const simfs_inode *n)
{
    return n->links > 0 || n->active_handles > 0;
}

static simfs_inode *inode_new(simfs *fs)
{
    simfs_inode *n = simfs_xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    fs->inode_count++;
    return n;
}

static uint32_t count_add(uint32_t c, int delta)
{
    assert(delta >= 0 || c >= (uint32_t)-delta); /* no reference underflow */
    return (uint32_t)((int64_t)c + delta);
}

/* Adjusts an inode's references, keeping used_bytes in step; frees the
 * inode when nothing refers to it any more. */
void simfs_inode_ref(simfs *fs, simfs_inode *n, int links, int durable, int handles,
                     int active)
{
    bool before = inode_charged(n);
    n->links = count_add(n->links, links);
    n->durable_links = count_add(n->durable_links, durable);
    n->handles = count_add(n->handles, handles);
    n->active_handles = count_add(n->active_handles, active);
    assert(n->active_handles <= n->handles);
    bool after = inode_charged(n);
    if (before && !after) fs->used_bytes -= n->size;
    if (!before && after) fs->used_bytes += n->size;
    if (n->links == 0 && n->durable_links == 0 && n->handles == 0) {
        free(n->data);
        free(n);
        assert(fs->inode_count > 0);
        fs->inode_count--;
    }
}

/* Sets the size; new bytes are zero; synced never exceeds size. */
void simfs_inode_resize(simfs *fs, simfs_inode *n, uint64_t size)
{
    assert(size <= SIZE_MAX);
    if (size > n->cap) {
        uint64_t cap = n->cap < 256 ? 256 : n->cap;
        while (cap < size) cap *= 2;
        n->data = realloc(n->data, (size_t)cap);
        assert(n->data != NULL);
        n->cap = cap;
    }
    if (size > n->size) memset(n->data + n->size, 0, (size_t)(size - n->size));
    if (inode_charged(n)) fs->used_bytes = fs->used_bytes - n->size + size;
    n->size = size;
    if (n->synced > size) n->synced = size;
}

/* Would growing a charged inode by grow bytes stay within capacity? */
static bool capacity_allows(const simfs *fs, uint64_t grow)
{
    uint64_t cap = fs->cfg.capacity_bytes;
    if (cap == 0) return true;
    return fs->used_bytes <= cap && grow <= cap - fs->used_bytes;
}

/* Sum of charged inode sizes computed from scratch, to check used_bytes. */
static uint64_t used_recompute(simfs *fs)
{
    uint64_t used = 0, mark = ++fs->mark;
    for (size_t i = 0; i < fs->live.count; i++) {
        simfs_inode *n = fs->live.items[i].node;
        if (n->mark != mark) used += n->size;
        n->mark = mark;
    }
    for (simfs_file *f = fs->handles; f != NULL; f = f->next) {
        if (f->stale || f->node->mark == mark) continue;
        f->node->mark = mark;
        used += f->node->size;
    }
    return used;
}

void simfs_check_used(simfs *fs)
{
    uint64_t used = used_recompute(fs);
    assert(used == fs->used_bytes);
    (void)used;
}

/* ------------------------------------------------------------ namespaces */

void simfs_live_add(simfs *fs, size_t pos, const char *path, simfs_inode *n)
{
    table_insert(&fs->live, pos, simfs_xstrdup(path), n);
    simfs_inode_ref(fs, n, 1, 0, 0, 0);
}

void simfs_live_remove(simfs *fs, size_t pos)
{
    simfs_inode *n = fs->live.items[pos].node;
    table_remove(&fs->live, pos);
    simfs_inode_ref(fs, n, -1, 0, 0, 0);
}

static void durable_remove(simfs *fs, size_t pos)
{
    simfs_inode *n = fs->durable.items[pos].node;
    table_remove(&fs->durable, pos);
    simfs_inode_ref(fs, n, 0, -1, 0, 0);
}

static bool dir_exists(const simfs *fs, const char *path)
{
    return strcmp(path, "/") == 0 || strcmp(path, ".") == 0 || table_find(&fs->dirs, path, NULL);
}

/* What a missing directory at path means: WT_IO_ERROR if a file is there. */
static wt_status not_a_dir(const simfs *fs, const char *path)
{
    return table_find(&fs->live, path, NULL) ? WT_IO_ERROR : WT_NOT_FOUND;
}

/* What a missing file at path means: WT_IO_ERROR if a directory is there. */
static wt_status not_a_file(const simfs *fs, const char *path)
{
    return dir_exists(fs, path) ? WT_IO_ERROR : WT_NOT_FOUND;
}

/* WT_OK when the directory that would hold path exists. */
static wt_status parent_status(const simfs *fs, const char *path)
{
    char *parent = path_parent(path);
    wt_status s = dir_exists(fs, parent) ? WT_OK : not_a_dir(fs, parent);
    free(parent);
    return s;
}

/* --------------------------------------------------------- create/destroy */

simfs *simfs_create(const simfs_config *cfg)
{
    assert(cfg != NULL);
    assert(cfg->fault_count == 0 || cfg->faults != NULL);
    simfs *fs = simfs_xmalloc(sizeof *fs);
    memset(fs, 0, sizeof *fs);
    fs->cfg = *cfg;
    fs->cfg.faults = NULL;
    fs->rng = cfg->seed;
    fs->fault_count = cfg->fault_count;
    fs->faults = simfs_xmalloc(cfg->fault_count * sizeof *fs->faults);
    for (size_t i = 0; i < cfg->fault_count; i++) {
        const simfs_fault *f = &cfg->faults[i];
        assert(f->op == SIMFS_OP_APPEND || f->op == SIMFS_OP_SYNC || f->op == SIMFS_OP_READ);
        assert(f->nth >= 1); /* 1-based */
        assert(f->error != WT_OK);
        assert((unsigned)f->error < WT_STATUS_COUNT);
        fs->faults[i] = (simfs_fault_state){*f, 0};
    }
    return fs;
}

static void handle_free(simfs_file *f)
{
    simfs *fs = f->fs;
    if (f->node->lock_holder == f) f->node->lock_holder = NULL;
    simfs_inode_ref(fs, f->node, 0, 0, -1, f->stale ? 0 : -1);
    if (f->prev != NULL) f->prev->next = f->next;
    else fs->handles = f->next;
    if (f->next != NULL) f->next->prev = f->prev;
    free(f->path);
    free(f);
}

/* Frees everything, including handles still open (an abandoned run). */
void simfs_destroy(simfs *fs)
{
    if (fs == NULL) return;
    while (fs->handles != NULL) handle_free(fs->handles);
    while (fs->live.count > 0) simfs_live_remove(fs, fs->live.count - 1);
    while (fs->durable.count > 0) durable_remove(fs, fs->durable.count - 1);
    while (fs->dirs.count > 0) table_remove(&fs->dirs, fs->dirs.count - 1);
    assert(fs->inode_count == 0); /* references were counted right */
    assert(fs->used_bytes == 0);
    free(fs->live.items);
    free(fs->durable.items);
    free(fs->dirs.items);
    free(fs->faults);
    free(fs->op_sizes);
    free(fs);
}

const char *simfs_file_path(const simfs_file *f) { return f->path; }

uint64_t simfs_cost_ns(const simfs *fs, simfs_op op, size_t bytes)
{
    assert(fs != NULL);
    switch (op) {
    case SIMFS_OP_APPEND:
        return fs->cfg.append_ns + fs->cfg.append_ns_per_kib * (((uint64_t)bytes + 1023) / 1024);
    case SIMFS_OP_SYNC: return fs->cfg.sync_ns;
    case SIMFS_OP_READ: return fs->cfg.read_ns;
    case SIMFS_OP_META: return fs->cfg.meta_ns;
    }
    assert(!"simfs_cost_ns: unknown op");
    return 0;
}

/* ------------------------------------------------------------ file calls */

void simfs_add_fault(simfs *fs, const simfs_fault *f)
{
    assert(f->nth >= 1);
    fs->faults = realloc(fs->faults, (fs->fault_count + 1) * sizeof *fs->faults);
    assert(fs->faults != NULL);
    fs->faults[fs->fault_count++] = (simfs_fault_state){*f, 0};
}

/* Counts op against every matching fault; the failure to inject, if any. */
static wt_status fault_check(simfs *fs, const simfs_file *f, simfs_op op)
{
    wt_status result = WT_OK;
    for (size_t i = 0; i < fs->fault_count; i++) {
        simfs_fault_state *st = &fs->faults[i];
        if (st->fault.op != op || !path_has_suffix(f->path, st->fault.path_suffix)) continue;
        st->seen++;
        bool fire = st->seen == st->fault.nth || (st->fault.sticky && st->seen > st->fault.nth);
        if (fire && result == WT_OK) result = st->fault.error;
    }
    if (result != WT_OK) fs->stats.faults_injected++;
    return result;
}

static wt_status open_canon(simfs *fs, const char *path, port_open_mode mode, simfs_file **out)
{
    if (path[0] == '\0') return WT_NOT_FOUND;
    /* port.h: reading opens only regular files. */
    if (dir_exists(fs, path)) return mode == PORT_OPEN_READ ? WT_INVALID_ARGUMENT : WT_IO_ERROR;
    size_t pos;
    simfs_inode *n;
    if (table_find(&fs->live, path, &pos)) {
        n = fs->live.items[pos].node;
        if (mode == PORT_OPEN_CREATE) simfs_inode_resize(fs, n, 0);
    } else {
        if (mode != PORT_OPEN_CREATE) return WT_NOT_FOUND;
        wt_status s = parent_status(fs, path);
        if (s != WT_OK) return s;
        n = inode_new(fs);
        simfs_live_add(fs, pos, path, n);
    }
    simfs_file *f = simfs_xmalloc(sizeof *f);
    *f = (simfs_file){fs, n, simfs_xstrdup(path), mode, false, NULL, fs->handles};
    if (fs->handles != NULL) fs->handles->prev = f;
    fs->handles = f;
    simfs_inode_ref(fs, n, 0, 0, 1, 1);
    *out = f;
    return WT_OK;
}

wt_status simfs_open(simfs *fs, const char *path, port_open_mode mode, simfs_file **out)
{
    assert(fs != NULL);
    assert(out != NULL);
    assert(mode == PORT_OPEN_READ || mode == PORT_OPEN_CREATE || mode == PORT_OPEN_APPEND);
    if (mode == PORT_OPEN_CREATE && simfs_crash_point_here(fs, NULL, NULL, 0)) return WT_IO_ERROR;
    char *p = path_canon(path);
    wt_status s = open_canon(fs, p, mode, out);
    free(p);
    return s;
}

wt_status simfs_append(simfs_file *f, const void *data, size_t n)
{
    assert(f != NULL);
    assert(n == 0 || data != NULL);
    assert(f->mode != PORT_OPEN_READ); /* port.h: READ handles are read only */
    if (f->stale) return WT_IO_ERROR;
    simfs *fs = f->fs;
    if (simfs_crash_point_here(fs, f, data == NULL ? "" : data, n)) return WT_IO_ERROR;
    fs->stats.appends++;
    wt_status s = fault_check(fs, f, SIMFS_OP_APPEND);
    if (s != WT_OK) return s;
    if (!simfs_append_bytes(fs, f->node, data, n)) return WT_NO_SPACE;
    fs->stats.bytes_appended += n;
    return WT_OK;
}

bool simfs_append_bytes(simfs *fs, simfs_inode *node, const void *data, size_t n)
{
    if (!capacity_allows(fs, n)) return false;
    uint64_t old = node->size;
    simfs_inode_resize(fs, node, old + n);
    if (n > 0) memcpy(node->data + old, data, n);
    return true;
}

wt_status simfs_sync(simfs_file *f)
{
    assert(f != NULL);
    if (f->stale) return WT_IO_ERROR;
    if (simfs_crash_point_here(f->fs, f, NULL, 0)) return WT_IO_ERROR;
    f->fs->stats.syncs++;
    wt_status s = fault_check(f->fs, f, SIMFS_OP_SYNC);
    if (s != WT_OK) return s;
    f->node->synced = f->node->size;
    return WT_OK;
}

wt_status simfs_read(simfs_file *f, uint64_t off, void *buf, size_t n, size_t *got)
{
    assert(f != NULL);
    assert(got != NULL);
    assert(n == 0 || buf != NULL);
    assert(f->mode == PORT_OPEN_READ); /* port.h: write handles are append only */
    *got = 0;
    if (f->stale) return WT_IO_ERROR;
    f->fs->stats.reads++;
    wt_status s = fault_check(f->fs, f, SIMFS_OP_READ);
    if (s != WT_OK) return s;
    const simfs_inode *node = f->node;
    if (off >= node->size) return WT_OK;
    uint64_t avail = node->size - off;
    size_t k = avail < n ? (size_t)avail : n;
    if (k > 0) memcpy(buf, node->data + off, k);
    *got = k;
    return WT_OK;
}

wt_status simfs_size(simfs_file *f, uint64_t *size)
{
    assert(f != NULL);
    assert(size != NULL);
    if (f->stale) return WT_IO_ERROR;
    *size = f->node->size;
    return WT_OK;
}

wt_status simfs_close(simfs_file *f)
{
    assert(f != NULL);
    wt_status s = f->stale ? WT_IO_ERROR : WT_OK;
    handle_free(f);
    return s;
}

/* A lock is a handle the inode names as its holder; closing the handle
 * (simfs_unlock) or a crash releases it. */
wt_status simfs_lock(simfs *fs, const char *path, simfs_file **out)
{
    assert(fs != NULL);
    assert(out != NULL);
    char *p = path_canon(path);
    wt_status s = open_canon(fs, p, PORT_OPEN_APPEND, out);
    if (s == WT_NOT_FOUND) s = open_canon(fs, p, PORT_OPEN_CREATE, out);
    free(p);
    if (s != WT_OK) return s;
    if ((*out)->node->lock_holder != NULL) {
        handle_free(*out);
        *out = NULL;
        return WT_BUSY;
    }
    (*out)->node->lock_holder = *out;
    return WT_OK;
}

void simfs_unlock(simfs_file *f)
{
    assert(f != NULL);
    assert(f->stale || f->node->lock_holder == f);
    handle_free(f);
}

/* ------------------------------------------------------- directory calls */

static wt_status mkdir_canon(simfs *fs, const char *path)
{
    if (path[0] == '\0') return WT_NOT_FOUND;
    if (dir_exists(fs, path)) return WT_OK;
    if (table_find(&fs->live, path, NULL)) return WT_IO_ERROR; /* a file is there */
    wt_status s = parent_status(fs, path);
    if (s != WT_OK) return s;
    size_t pos;
    bool found = table_find(&fs->dirs, path, &pos);
    assert(!found);
    (void)found;
    table_insert(&fs->dirs, pos, simfs_xstrdup(path), NULL);
    return WT_OK;
}

wt_status simfs_mkdir(simfs *fs, const char *path)
{
    assert(fs != NULL);
    if (simfs_crash_point_here(fs, NULL, NULL, 0)) return WT_IO_ERROR;
    char *p = path_canon(path);
    wt_status s = mkdir_canon(fs, p);
    free(p);
    return s;
}

/* The durable entries of dir become its live entries (see the header). */
static void sync_dir_entries(simfs *fs, const char *dir)
{
    simfs_table next = {NULL, 0, fs->durable.count + fs->live.count};
    next.items = simfs_xmalloc(next.cap * sizeof *next.items);
    for (size_t i = 0; i < fs->live.count; i++) {
        const simfs_entry *e = &fs->live.items[i];
        if (!path_in_dir(e->path, dir)) continue;
        next.items[next.count++] = (simfs_entry){simfs_xstrdup(e->path), e->node};
        simfs_inode_ref(fs, e->node, 0, 1, 0, 0);
    }
    /* Increments first, so an inode moving between names is never freed. */
    while (fs->durable.count > 0) {
        simfs_entry *e = &fs->durable.items[fs->durable.count - 1];
        if (path_in_dir(e->path, dir)) {
            durable_remove(fs, fs->durable.count - 1);
            continue;
        }
        next.items[next.count++] = *e;
        fs->durable.count--;
    }
    qsort(next.items, next.count, sizeof *next.items, entry_compare);
    free(fs->durable.items);
    fs->durable = next;
}

wt_status simfs_sync_dir(simfs *fs, const char *path)
{
    assert(fs != NULL);
    if (simfs_crash_point_here(fs, NULL, NULL, 0)) return WT_IO_ERROR;
    char *p = path_canon(path);
    wt_status s = WT_OK;
    if (dir_exists(fs, p)) sync_dir_entries(fs, p);
    else s = not_a_dir(fs, p);
    free(p);
    return s;
}

static wt_status rename_canon(simfs *fs, const char *from, const char *to)
{
    size_t from_pos, to_pos;
    if (!table_find(&fs->live, from, &from_pos)) return not_a_file(fs, from);
    if (to[0] == '\0') return WT_NOT_FOUND;
    if (dir_exists(fs, to)) return WT_IO_ERROR;
    wt_status s = parent_status(fs, to);
    if (s != WT_OK) return s;
    if (strcmp(from, to) == 0) return WT_OK;
    simfs_inode *n = fs->live.items[from_pos].node;
    simfs_inode_ref(fs, n, 1, 0, 0, 0); /* hold it while it has no name */
    simfs_live_remove(fs, from_pos);
    if (table_find(&fs->live, to, &to_pos)) simfs_live_remove(fs, to_pos); /* replaced */
    (void)table_find(&fs->live, to, &to_pos);
    simfs_live_add(fs, to_pos, to, n);
    simfs_inode_ref(fs, n, -1, 0, 0, 0);
    return WT_OK;
}

wt_status simfs_rename(simfs *fs, const char *from, const char *to)
{
    assert(fs != NULL);
    if (simfs_crash_point_here(fs, NULL, NULL, 0)) return WT_IO_ERROR;
    char *f = path_canon(from), *t = path_canon(to);
    wt_status s = rename_canon(fs, f, t);
    free(f);
    free(t);
    return s;
}

wt_status simfs_unlink(simfs *fs, const char *path)
{
    assert(fs != NULL);
    if (simfs_crash_point_here(fs, NULL, NULL, 0)) return WT_IO_ERROR;
    char *p = path_canon(path);
    size_t pos;
    wt_status s = WT_OK;
    if (table_find(&fs->live, p, &pos)) simfs_live_remove(fs, pos);
    else s = not_a_file(fs, p);
    free(p);
    return s;
}

wt_status simfs_truncate(simfs *fs, const char *path, uint64_t size)
{
    assert(fs != NULL);
    if (simfs_crash_point_here(fs, NULL, NULL, 0)) return WT_IO_ERROR;
    char *p = path_canon(path);
    simfs_inode *n = table_get(&fs->live, p);
    wt_status s = WT_OK;
    if (n == NULL) s = not_a_file(fs, p);
    else if (size > n->size && !capacity_allows(fs, size - n->size)) s = WT_NO_SPACE;
    else simfs_inode_resize(fs, n, size);
    free(p);
    return s;
}

bool simfs_exists(const simfs *fs, const char *path)
{
    assert(fs != NULL);
    char *p = path_canon(path);
    bool found = p[0] != '\0' && (dir_exists(fs, p) || table_find(&fs->live, p, NULL));
    free(p);
    return found;
}

static int name_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends copies of the base names of t's entries directly in dir. */
static void collect_names(const simfs_table *t, const char *dir, char **names, size_t *count)
{
    for (size_t i = 0; i < t->count; i++) {
        if (path_in_dir(t->items[i].path, dir)) {
            names[(*count)++] = simfs_xstrdup(path_base(t->items[i].path));
        }
    }
}

wt_status simfs_list(simfs *fs, const char *dir, void (*fn)(const char *name, void *arg),
                     void *arg)
{
    assert(fs != NULL);
    assert(fn != NULL);
    char *p = path_canon(dir);
    if (!dir_exists(fs, p)) {
        wt_status s = not_a_dir(fs, p);
        free(p);
        return s;
    }
    /* Copies, so fn may change the file system while we iterate. */
    char **names = simfs_xmalloc((fs->live.count + fs->dirs.count) * sizeof *names);
    size_t count = 0;
    collect_names(&fs->live, p, names, &count);
    collect_names(&fs->dirs, p, names, &count);
    free(p);
    qsort(names, count, sizeof *names, name_compare);
    for (size_t i = 0; i < count; i++) {
        fn(names[i], arg);
        free(names[i]);
    }
    free(names);
    return WT_OK;
}

/* ----------------------------------------------------------------- stats */

simfs_stats simfs_get_stats(const simfs *fs)
{
    assert(fs != NULL);
    return fs->stats;
}

int64_t simfs_synced_size(const simfs *fs, const char *path)
{
    assert(fs != NULL);
    char *p = path_canon(path);
    const simfs_inode *n = table_get(&fs->durable, p);
    free(p);
    return n == NULL ? -1 : (int64_t)n->synced;
}

uint64_t simfs_used_bytes(const simfs *fs)
{
    assert(fs != NULL);
    return fs->used_bytes;
}
