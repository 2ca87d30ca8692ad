/*
 * memtable.c — the memtable: a lock-free skiplist of internal keys in an arena
 * (memtable.h), shaped like RocksDB's InlineSkipList.
 *
 * A node is its height, `height` next pointers (one per level, level 0 first)
 * and then, inline, the memtable entry: varint32(internal key length) | user
 * key | fixed64(seq << 8 | type) | varint32(value length) | value.  One arena
 * allocation per entry, nothing else on the insert path.  The head node has
 * MT_MAX_HEIGHT levels and no entry.  Heights are random with branching
 * MT_BRANCHING (P(height > h) = 1/4^h).
 *
 * Invariants:
 *  - at every level the list is strictly ascending in the internal-key order
 *    (user key bytewise ascending, then seq << 8 | type descending);
 *  - a node is linked bottom-up: it appears at level L only after it appears
 *    at every level below L, so the level-L list is a sublist of level L-1;
 *  - entry bytes and height never change once the node is linked at level 0;
 *  - nodes are never unlinked or freed before memtable_destroy.
 *
 * Thread safety and memory orders:
 *  - Inserting writes the node (height, entry, next[]) with plain or relaxed
 *    stores, then links it at each level with a *release* CAS (concurrent) or
 *    release store (serial) on prev->next[L].  Readers load every next pointer
 *    with *acquire*.  A reader that obtains a node pointer from any level
 *    therefore sees the entry bytes and that level's next pointer, and
 *    (because level L is linked after level L-1 in the inserting thread) also
 *    the node's lower-level next pointers.  This is why no entry is ever torn.
 *  - node->next[L] is set before the node is linked at L; nobody reads it
 *    earlier, since a search reads next[L] only of nodes it reached at a
 *    level >= L.  A later CAS by another inserter may change it, hence it is
 *    an atomic cell like every link.
 *  - Concurrent inserts find the splice (prev/next per level) once, then for
 *    each level CAS prev->next[L] from next to the node; a failed CAS means
 *    another node was linked between prev and next, and the splice of that
 *    level is searched again from prev (its key is still smaller).  The CAS
 *    failure value is not used, so its (relaxed) order does not matter.
 *  - max_height is raised with a relaxed CAS and read relaxed: a reader that
 *    sees a stale (lower) height merely starts lower; one that sees a height
 *    whose head pointers are still NULL treats those levels as empty.
 *  - entry_count is a relaxed counter; arena memory usage is the arena's.
 */
#include "memtable.h"

#include <string.h>

#include "arena.h"
#include "port.h"
#include "util.h"

enum {
    MT_MAX_HEIGHT = 12,
    MT_BRANCHING_BITS = 2, /* branching factor 4: one level more with p = 1/4 */
    MT_TAG_BYTES = 8,
    /* Sorts before every stored type of the same sequence (types <= 0x7f),
     * like RocksDB's kValueTypeForSeek. */
    MT_TYPE_FOR_SEEK = 0xff,
    /* Height 2 node, 16-byte key: 8 + 16 + 1 + 16 + 8 = 49 bytes of
     * header and key; the line holding byte 48 holds the key's end. */
    MT_PREFETCH_SPAN = 48,
};

_Static_assert((MT_MAX_HEIGHT - 1) * MT_BRANCHING_BITS <= 32,
               "one port_random_u32 must cover every level decision");
_Static_assert(_Alignof(port_atomic_ptr) <= 8, "arena allocations are 8-byte aligned");

typedef struct mt_node {
    uint32_t height;         /* levels in next[]; immutable */
    port_atomic_ptr next[];  /* mt_node *; then the entry bytes, inline */
} mt_node;

struct memtable {
    arena *arena;
    mt_node *head;              /* MT_MAX_HEIGHT levels, no entry */
    port_atomic_u32 max_height; /* levels in use, 1..MT_MAX_HEIGHT (relaxed) */
    port_atomic_u64 entry_count;/* entries inserted (relaxed) */
    uint64_t id;                /* memtable_set_id */
};

/* A search key: a user key and its packed (seq << 8 | type) tag. */
typedef struct mt_key {
    wt_slice user_key;
    uint64_t tag;
} mt_key;

/* ---------------------------------------------------------------- entries */

static size_t mt_node_header_bytes(uint32_t height)
{
    return offsetof(mt_node, next) + (size_t)height * sizeof(port_atomic_ptr);
}

static const uint8_t *mt_node_entry(const mt_node *n)
{
    return (const uint8_t *)n + mt_node_header_bytes(n->height);
}

/* Our own encoding: a varint that does not decode is memory corruption. */
static const uint8_t *mt_decode_varint32(const uint8_t *p, uint32_t *out)
{
    if (WT_LIKELY(*p < 0x80)) {
        *out = *p;
        return p + 1;
    }
    p = wt_get_varint32(p, p + WT_VARINT32_MAX, out);
    WT_ASSERT(p != NULL);
    return p;
}

/* Decodes user key and tag; returns where the value length starts. */
static const uint8_t *mt_decode_key(const mt_node *n, mt_key *out)
{
    uint32_t ikey_len = 0;
    const uint8_t *p = mt_decode_varint32(mt_node_entry(n), &ikey_len);
    WT_ASSERT(ikey_len >= MT_TAG_BYTES);
    out->user_key = wt_slice_make(p, ikey_len - MT_TAG_BYTES);
    out->tag = wt_get_fixed64(p + ikey_len - MT_TAG_BYTES);
    return p + ikey_len;
}

static wt_slice mt_decode_value(const mt_node *n)
{
    mt_key k;
    uint32_t value_len = 0;
    const uint8_t *p = mt_decode_varint32(mt_decode_key(n, &k), &value_len);
    return wt_slice_make(p, value_len);
}

/* Eight bytes as a big-endian number: comparing two such numbers orders
 * them as memcmp orders the bytes.  One 8-byte load (and a byte swap on
 * a little-endian host; the test folds to a constant). */
static uint64_t mt_load_be64(const uint8_t *p)
{
    const uint16_t probe = 1;
    uint8_t low_byte_first;
    memcpy(&low_byte_first, &probe, 1);
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return low_byte_first ? __builtin_bswap64(v) : v;
}

/* Bytewise user-key order, as wt_slice_compare, without the memcmp call
 * for the common short keys: whole 8-byte words first, then the rest. */
static int mt_compare_user_keys(wt_slice a, wt_slice b)
{
    size_t n = a.size < b.size ? a.size : b.size, i = 0;
    const uint8_t *pa = a.data, *pb = b.data;
    for (; i + 8 <= n; i += 8) { /* bounded by n / 8 */
        uint64_t x = mt_load_be64(pa + i), y = mt_load_be64(pb + i);
        if (x != y) return x < y ? -1 : 1;
    }
    int r = n > i ? memcmp(pa + i, pb + i, n - i) : 0;
    if (r != 0) return r;
    return (a.size > b.size) - (a.size < b.size);
}

/* <0: node sorts before key; 0: same internal key; >0: after. */
static int mt_compare(const mt_node *n, const mt_key *key)
{
    mt_key nk;
    mt_decode_key(n, &nk);
    int r = mt_compare_user_keys(nk.user_key, key->user_key);
    if (r != 0) return r;
    /* Larger tag (newer sequence) first. */
    return (nk.tag < key->tag) - (nk.tag > key->tag);
}

/* ------------------------------------------------------------------ links */

/* Asks the CPU to start loading a node the search will compare next: its
 * first cache line and the line MT_PREFETCH_SPAN bytes in, where the
 * entry of a node of height 1 or 2 (94 % of them) ends.  Nodes are only
 * 8-byte aligned, so most straddle two lines; without this the second
 * miss starts only when the first has been served.  A hint: no load, no
 * effect on what the program computes (nor on the sim's schedule). */
static void mt_prefetch(const mt_node *n)
{
    if (n == NULL) return;
    __builtin_prefetch(n, 0, 3);
    __builtin_prefetch((const uint8_t *)n + MT_PREFETCH_SPAN, 0, 3);
}

/* x has just become the search's node at `level`: the search leaves it
 * either right (x->next[level], prefetched by mt_next when it is read) or
 * down, to x->next[level - 1], which is only read once the comparison on
 * this level has failed.  Asking for that node now overlaps its miss with
 * this level's remaining ones (a hint; nothing in the sim build). */
static void mt_prefetch_down(const mt_node *x, uint32_t level)
{
    if (level > 0) port_prefetch_link(&x->next[level - 1], MT_PREFETCH_SPAN);
}

static mt_node *mt_next(const mt_node *n, uint32_t level)
{
    WT_ASSERT(level < n->height);
    /* Acquire pairs with the release CAS/store that linked the successor. */
    mt_node *next = port_atomic_load_ptr(&n->next[level], PORT_ACQUIRE);
    mt_prefetch(next);
    return next;
}

/* First node >= key, or NULL.  The loop moves right or down each step, so it
 * ends after at most (entries + MT_MAX_HEIGHT) steps.  `bigger` is the last
 * node found >= key: meeting it again one level down needs no comparison
 * (levels are sublists, so this is common). */
static const mt_node *mt_find_ge(const memtable *m, const mt_key *key)
{
    const mt_node *x = m->head, *bigger = NULL;
    uint32_t level = port_atomic_load_u32(&m->max_height, PORT_RELAXED) - 1;
    WT_ASSERT(level < MT_MAX_HEIGHT);
    for (;;) {
        const mt_node *next = mt_next(x, level);
        if (next != NULL && next != bigger && mt_compare(next, key) < 0) {
            x = next;
            mt_prefetch_down(x, level);
        } else if (level == 0) {
            return next;
        } else {
            bigger = next;
            level--;
        }
    }
}

/* Walks level `level` right from `before` (whose key is < key) to the pair
 * prev < key < next.  `bigger` is a node known to be > key (or NULL): met
 * again, it needs no comparison.  Asserts that key is not already present. */
static void mt_find_splice_level(const mt_key *key, mt_node *before, uint32_t level,
                                 const mt_node *bigger, mt_node **prev, mt_node **next)
{
    for (;;) { /* bounded by the length of the level */
        mt_node *x = mt_next(before, level);
        int r = x == NULL || x == bigger ? 1 : mt_compare(x, key);
        WT_ASSERT(r != 0); /* REQUIRES of memtable_add: (key, seq) is new */
        if (r > 0) {
            *prev = before;
            *next = x;
            return;
        }
        before = x;
        mt_prefetch_down(x, level);
    }
}

/* The splice of key at every level below top, searched top-down. */
static void mt_find_splice(memtable *m, const mt_key *key, uint32_t top,
                           mt_node *prev[MT_MAX_HEIGHT], mt_node *next[MT_MAX_HEIGHT])
{
    WT_ASSERT(top >= 1);
    WT_ASSERT(top <= MT_MAX_HEIGHT);
    mt_node *before = m->head, *bigger = NULL;
    for (uint32_t level = top; level-- > 0;) {
        mt_find_splice_level(key, before, level, bigger, &prev[level], &next[level]);
        before = prev[level];
        bigger = next[level];
    }
}

/* Links node at one level between prev and next.  Serial: a release store
 * (no other inserter can change the splice).  Concurrent: a release CAS,
 * re-searching the level from prev after each failure; each failure means
 * some other insert succeeded there, so the loop is lock-free and bounded
 * by the number of concurrent inserts. */
static void mt_link_level(mt_node *node, const mt_key *key, uint32_t level, mt_node *prev,
                          mt_node *next, bool concurrent)
{
    WT_ASSERT(level < node->height);
    if (!concurrent) {
        port_atomic_store_ptr(&prev->next[level], node, PORT_RELEASE);
        return;
    }
    for (;;) {
        void *expected = next;
        if (port_atomic_cas_ptr(&prev->next[level], &expected, node, PORT_RELEASE)) return;
        mt_find_splice_level(key, prev, level, NULL, &prev, &next);
        /* Relaxed: node is not linked at this level yet; the release CAS
         * above (next iteration) publishes this store with the link. */
        port_atomic_store_ptr(&node->next[level], next, PORT_RELAXED);
    }
}

/* Raises max_height to at least height; returns the height now in use. */
static uint32_t mt_raise_max_height(memtable *m, uint32_t height)
{
    uint32_t current = port_atomic_load_u32(&m->max_height, PORT_RELAXED);
    /* Each failed CAS sees a larger value: at most MT_MAX_HEIGHT rounds. */
    while (height > current) {
        if (port_atomic_cas_u32(&m->max_height, &current, height, PORT_RELAXED)) return height;
    }
    return current;
}

static uint32_t mt_random_height(void)
{
    uint32_t bits = port_random_u32();
    uint32_t height = 1;
    while (height < MT_MAX_HEIGHT && (bits & ((1u << MT_BRANCHING_BITS) - 1)) == 0) {
        height++;
        bits >>= MT_BRANCHING_BITS;
    }
    return height;
}

/* ----------------------------------------------------------------- insert */

/* Allocates a node of the given height and encodes the entry into it. */
static mt_node *mt_node_new(memtable *m, uint32_t height, const mt_key *key, wt_slice value,
                            bool concurrent)
{
    size_t ikey_len = key->user_key.size + MT_TAG_BYTES;
    WT_ASSERT(ikey_len <= UINT32_MAX);
    WT_ASSERT(value.size <= UINT32_MAX);
    size_t entry_bytes = wt_varint_length(ikey_len) + ikey_len +
                         wt_varint_length(value.size) + value.size;
    size_t bytes = mt_node_header_bytes(height) + entry_bytes;
    mt_node *n = concurrent ? arena_alloc_concurrent(m->arena, bytes)
                            : arena_alloc(m->arena, bytes);
    n->height = height;
    uint8_t *start = (uint8_t *)n + mt_node_header_bytes(height);
    uint8_t *p = start + wt_put_varint32(start, (uint32_t)ikey_len);
    if (key->user_key.size > 0) memcpy(p, key->user_key.data, key->user_key.size);
    p += key->user_key.size;
    wt_put_fixed64(p, key->tag);
    p += MT_TAG_BYTES;
    p += wt_put_varint32(p, (uint32_t)value.size);
    if (value.size > 0) memcpy(p, value.data, value.size);
    WT_ASSERT(p + value.size == start + entry_bytes);
    return n;
}

void memtable_add(memtable *m, uint64_t seq, wt_value_type type, wt_slice key, wt_slice value,
                  bool concurrent)
{
    WT_ASSERT(seq <= WT_MAX_SEQUENCE);
    WT_ASSERT(type == WT_TYPE_VALUE || type == WT_TYPE_DELETION ||
              type == WT_TYPE_SINGLE_DELETION);
    mt_key k = {key, (seq << 8) | (uint64_t)type};
    uint32_t height = mt_random_height();
    mt_node *node = mt_node_new(m, height, &k, value, concurrent);
    uint32_t top = mt_raise_max_height(m, height);

    mt_node *prev[MT_MAX_HEIGHT];
    mt_node *next[MT_MAX_HEIGHT];
    mt_find_splice(m, &k, top, prev, next);
    /* Every cell of the node is initialised before the node is shared. */
    for (uint32_t level = 0; level < height; level++)
        port_atomic_init_ptr(&node->next[level], next[level]);
    /* Bottom-up, so a node reachable at level L is linked at every lower one. */
    for (uint32_t level = 0; level < height; level++)
        mt_link_level(node, &k, level, prev[level], next[level], concurrent);
    port_atomic_fetch_add_u64(&m->entry_count, 1, PORT_RELAXED);
}

/* ------------------------------------------------------- create, queries */

memtable *memtable_create(size_t arena_block_bytes)
{
    memtable *m = port_alloc(sizeof *m);
    m->arena = arena_create(arena_block_bytes);
    m->head = arena_alloc(m->arena, mt_node_header_bytes(MT_MAX_HEIGHT));
    m->head->height = MT_MAX_HEIGHT;
    for (uint32_t level = 0; level < MT_MAX_HEIGHT; level++)
        port_atomic_init_ptr(&m->head->next[level], NULL);
    port_atomic_init_u32(&m->max_height, 1);
    port_atomic_init_u64(&m->entry_count, 0);
    m->id = 0;
    return m;
}

void memtable_set_id(memtable *m, uint64_t id) { m->id = id; }

uint64_t memtable_id(const memtable *m) { return m->id; }

void memtable_destroy(memtable *m)
{
    if (m == NULL) return;
    arena_destroy(m->arena);
    port_free(m);
}

memtable_get_result memtable_get(const memtable *m, wt_slice key, uint64_t snapshot,
                                 wt_slice *value)
{
    WT_ASSERT(snapshot <= WT_MAX_SEQUENCE);
    /* The seek key sorts before every version of key with seq <= snapshot
     * and after every newer one, so the first node >= it is the answer. */
    mt_key seek = {key, (snapshot << 8) | MT_TYPE_FOR_SEEK};
    const mt_node *n = mt_find_ge(m, &seek);
    if (n == NULL) return MEMTABLE_GET_ABSENT;
    mt_key found;
    mt_decode_key(n, &found);
    if (wt_slice_compare(found.user_key, key) != 0) return MEMTABLE_GET_ABSENT;
    WT_ASSERT((found.tag >> 8) <= snapshot);
    switch ((wt_value_type)(found.tag & 0xff)) {
    case WT_TYPE_VALUE:
        *value = mt_decode_value(n);
        return MEMTABLE_GET_FOUND;
    case WT_TYPE_DELETION:
    case WT_TYPE_SINGLE_DELETION:
        return MEMTABLE_GET_DELETED;
    }
    port_assert_fail("memtable entry has an unknown value type", __FILE__, __LINE__);
}

size_t memtable_memory_usage(const memtable *m) { return arena_memory_usage(m->arena); }

uint64_t memtable_entry_count(const memtable *m)
{
    return port_atomic_load_u64(&m->entry_count, PORT_RELAXED);
}

/* -------------------------------------------------------------- iterator */

void memtable_iter_init(memtable_iter *it, const memtable *m)
{
    WT_ASSERT(m != NULL);
    it->m = m;
    it->node = NULL;
}

void memtable_iter_seek_to_first(memtable_iter *it)
{
    it->node = mt_next(it->m->head, 0);
}

void memtable_iter_seek(memtable_iter *it, wt_slice key)
{
    /* The largest tag sorts before every version of key. */
    mt_key seek = {key, UINT64_MAX};
    it->node = mt_find_ge(it->m, &seek);
}

bool memtable_iter_valid(const memtable_iter *it) { return it->node != NULL; }

void memtable_iter_next(memtable_iter *it)
{
    WT_ASSERT(it->node != NULL);
    it->node = mt_next(it->node, 0);
}

static mt_key mt_iter_decode(const memtable_iter *it)
{
    WT_ASSERT(it->node != NULL);
    mt_key k;
    mt_decode_key(it->node, &k);
    return k;
}

wt_slice memtable_iter_key(const memtable_iter *it) { return mt_iter_decode(it).user_key; }

uint64_t memtable_iter_sequence(const memtable_iter *it) { return mt_iter_decode(it).tag >> 8; }

wt_value_type memtable_iter_type(const memtable_iter *it)
{
    return (wt_value_type)(mt_iter_decode(it).tag & 0xff);
}

wt_slice memtable_iter_value(const memtable_iter *it)
{
    WT_ASSERT(it->node != NULL);
    return mt_decode_value(it->node);
}
