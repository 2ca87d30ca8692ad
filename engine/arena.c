/*
 * arena.c — bump allocation in blocks, freed all at once (arena.h).
 *
 * An arena owns a singly linked list of blocks.  One of them is the
 * *current* block: small requests are carved from it by advancing its
 * `used` cursor.  A request larger than a quarter of block_bytes gets a
 * block of its own, so a big value never wastes the tail of the current
 * block (and a fresh block always has room for any small request).
 * Regular blocks grow: the first has block_bytes, each later one twice
 * the previous, up to ARENA_GROWTH_MAX times block_bytes.  A small
 * memtable (every test, every sim scenario) stays in its first block;
 * a big one gets few large blocks, which the pthreads port backs with
 * huge pages (port_alloc): its skiplist is searched at random and with
 * 4 KiB pages nearly every node visited is also a TLB miss.
 *
 * Invariants:
 *  - every block stays allocated until arena_destroy, so a pointer to any
 *    block ever seen stays dereferenceable;
 *  - `used` of a block only grows; a request owns [old, old + n) where old is
 *    the value its fetch_add returned, and succeeds only if old + n <= size;
 *    once `used` passes `size` every later attempt on that block fails, so
 *    the successful ranges are disjoint and inside the block;
 *  - every size and offset is a multiple of WT_ARENA_ALIGN and block data
 *    starts at an aligned offset, so every allocation is 8-byte aligned.
 *
 * Thread safety (arena_alloc_concurrent): the fast path is an acquire load
 * of `current` and one relaxed fetch_add on that block's `used`.  Nothing
 * but the cursor itself is communicated by the fetch_add (the caller owns
 * the bytes it got; publishing what it writes there is the caller's job,
 * e.g. the skiplist's release CAS), so relaxed is enough: atomicity of the
 * read-modify-write alone keeps ranges disjoint.  A thread whose fetch_add
 * overshoots the block takes the arena mutex, tries the (possibly already
 * replaced) current block once more, and otherwise installs a new block in
 * which it reserves its own bytes before publishing it with a release store
 * of `current`; so the slow path never loops.  A block is retired only
 * after some fetch_add pushed its cursor past its end, so a thread that
 * loaded an old `current` just bumps a dead cursor, fails, and takes the
 * slow path; the wasted tail of a retired block is never handed out.  The block list and
 * block installation are protected by the mutex; `blocks_bytes` is written
 * under it but read without it (relaxed) by arena_memory_usage.
 */
#include "arena.h"

#include "port.h"
#include "util.h"

enum {
    WT_ARENA_ALIGN = 8,
    WT_ARENA_BLOCK_MIN = 256,
    ARENA_GROWTH_MAX = 8, /* a regular block is at most 8 x block_bytes */
};
#define WT_ARENA_BLOCK_MAX ((size_t)1 << 30)

typedef struct arena_block {
    struct arena_block *next; /* older block; written before the block is shared */
    size_t size;              /* data bytes; immutable once shared */
    port_atomic_u64 used;     /* cursor: bytes handed out (may overshoot size) */
    unsigned char data[];
} arena_block;

_Static_assert(offsetof(arena_block, data) % WT_ARENA_ALIGN == 0,
               "block data must start aligned");
_Static_assert(_Alignof(max_align_t) >= WT_ARENA_ALIGN, "port_alloc alignment too small");

struct arena {
    port_mutex mutex;          /* protects `blocks` and the installation of blocks */
    port_atomic_ptr current;   /* arena_block * carved by small requests */
    arena_block *blocks;       /* every block, newest first (under mutex) */
    size_t block_bytes;        /* data bytes of the first regular block */
    size_t next_block_bytes;   /* data bytes of the next regular block (under mutex) */
    port_atomic_u64 blocks_bytes; /* total malloc'd bytes of all blocks (relaxed) */
};

static size_t arena_round_up(size_t n)
{
    WT_ASSERT(n <= SIZE_MAX - WT_ARENA_ALIGN);
    return (n + WT_ARENA_ALIGN - 1) & ~(size_t)(WT_ARENA_ALIGN - 1);
}

/* Allocates a block of `size` data bytes whose cursor starts at `reserved`
 * and links it into the list.  REQUIRES: mutex held (or no other thread
 * knows the arena yet). */
static arena_block *arena_new_block(arena *a, size_t size, size_t reserved)
{
    WT_ASSERT(reserved <= size);
    size_t total = offsetof(arena_block, data) + size;
    arena_block *b = port_alloc(total);
    WT_ASSERT(((uintptr_t)b->data & (WT_ARENA_ALIGN - 1)) == 0);
    b->size = size;
    port_atomic_init_u64(&b->used, reserved);
    b->next = a->blocks;
    a->blocks = b;
    port_atomic_store_u64(&a->blocks_bytes,
                          port_atomic_load_u64(&a->blocks_bytes, PORT_RELAXED) + total,
                          PORT_RELAXED);
    return b;
}

/* The size of the next regular block (and the one after it).  REQUIRES:
 * mutex held. */
static size_t arena_grow(arena *a)
{
    size_t size = a->next_block_bytes;
    WT_ASSERT(size >= a->block_bytes);
    if (size <= a->block_bytes * (ARENA_GROWTH_MAX / 2)) a->next_block_bytes = size * 2;
    WT_ASSERT(a->next_block_bytes <= a->block_bytes * ARENA_GROWTH_MAX);
    return size;
}

arena *arena_create(size_t block_bytes)
{
    WT_ASSERT(block_bytes >= WT_ARENA_BLOCK_MIN);
    WT_ASSERT(block_bytes <= WT_ARENA_BLOCK_MAX);
    arena *a = port_alloc(sizeof *a);
    port_mutex_init(&a->mutex, "arena");
    a->blocks = NULL;
    a->block_bytes = arena_round_up(block_bytes);
    a->next_block_bytes = a->block_bytes;
    port_atomic_init_u64(&a->blocks_bytes, 0);
    /* The first block exists from the start so `current` is never NULL. */
    port_atomic_init_ptr(&a->current, arena_new_block(a, arena_grow(a), 0));
    return a;
}

void arena_destroy(arena *a)
{
    if (a == NULL) return;
    arena_block *b = a->blocks;
    while (b != NULL) { /* bounded: the list is finite and no longer grows */
        arena_block *next = b->next;
        port_free(b);
        b = next;
    }
    port_mutex_destroy(&a->mutex);
    port_free(a);
}

/* A request of n (rounded) bytes that does not fit in the current block.
 * Large requests get their own block; small ones retry the current block
 * once under the mutex (another thread may have installed a fresh one) and
 * otherwise get a new current block with their bytes already reserved. */
static void *arena_alloc_slow(arena *a, size_t n)
{
    WT_ASSERT(n % WT_ARENA_ALIGN == 0);
    port_mutex_lock(&a->mutex);
    void *p;
    if (n > a->block_bytes / 4) {
        p = arena_new_block(a, n, n)->data;
    } else {
        /* Relaxed is enough under the mutex: every store of `current` is
         * made while holding it, and the unlock/lock pair orders them. */
        arena_block *b = port_atomic_load_ptr(&a->current, PORT_RELAXED);
        uint64_t old = port_atomic_fetch_add_u64(&b->used, n, PORT_RELAXED);
        if (old + n <= b->size) {
            p = b->data + old;
        } else {
            b = arena_new_block(a, arena_grow(a), n);
            /* Release: a thread that acquires `current` sees size, used, data. */
            port_atomic_store_ptr(&a->current, b, PORT_RELEASE);
            p = b->data;
        }
    }
    port_mutex_unlock(&a->mutex);
    return p;
}

void *arena_alloc_concurrent(arena *a, size_t n)
{
    WT_ASSERT(n > 0);
    n = arena_round_up(n);
    if (WT_LIKELY(n <= a->block_bytes / 4)) {
        /* Acquire pairs with the release store that installed the block. */
        arena_block *b = port_atomic_load_ptr(&a->current, PORT_ACQUIRE);
        uint64_t old = port_atomic_fetch_add_u64(&b->used, n, PORT_RELAXED);
        if (WT_LIKELY(old + n <= b->size)) return b->data + old;
    }
    void *p = arena_alloc_slow(a, n);
    WT_ASSERT(((uintptr_t)p & (WT_ARENA_ALIGN - 1)) == 0);
    return p;
}

void *arena_alloc(arena *a, size_t n)
{
    WT_ASSERT(n > 0);
    n = arena_round_up(n);
    if (WT_LIKELY(n <= a->block_bytes / 4)) {
        /* The caller is the only allocator, so a plain load/store pair on
         * the cursor replaces the locked read-modify-write. */
        arena_block *b = port_atomic_load_ptr(&a->current, PORT_ACQUIRE);
        uint64_t old = port_atomic_load_u64(&b->used, PORT_RELAXED);
        if (WT_LIKELY(old + n <= b->size)) {
            port_atomic_store_u64(&b->used, old + n, PORT_RELAXED);
            return b->data + old;
        }
    }
    return arena_alloc_slow(a, n);
}

size_t arena_memory_usage(const arena *a)
{
    /* Acquire on `current` orders the later relaxed read of blocks_bytes
     * after the installer's update of it, so the total already includes
     * this block and the subtraction below cannot underflow. */
    arena_block *b = port_atomic_load_ptr(&a->current, PORT_ACQUIRE);
    uint64_t total = port_atomic_load_u64(&a->blocks_bytes, PORT_RELAXED);
    uint64_t used = port_atomic_load_u64(&b->used, PORT_RELAXED);
    uint64_t unused_tail = used < b->size ? b->size - used : 0;
    WT_ASSERT(total >= unused_tail);
    return (size_t)(total - unused_tail);
}
