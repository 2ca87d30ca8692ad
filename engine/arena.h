/*
 * arena.h — bump allocation for memtable entries, freed all at once.
 *
 * arena_alloc_concurrent may be called by many threads at once: the fast
 * path is one atomic fetch_add on the current block's cursor; a new block is
 * installed under the arena's mutex (about once per block_bytes of data).
 * arena_alloc is for a caller that knows no other thread allocates.
 * Memory stays valid until arena_destroy.  Allocations are 8-byte aligned.
 * Blocks grow from block_bytes to 8 x block_bytes (arena.c); requests over
 * a quarter of block_bytes get a block of their own.
 */
#ifndef WT_ARENA_H
#define WT_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct arena arena;

arena *arena_create(size_t block_bytes);
void arena_destroy(arena *a);
void *arena_alloc(arena *a, size_t n);
void *arena_alloc_concurrent(arena *a, size_t n);
/* Bytes handed out so far plus block overhead (approximate, thread-safe). */
size_t arena_memory_usage(const arena *a);

#endif
