/*
 * memtable.h — the in-memory table: a concurrent skiplist of internal keys.
 *
 * Internal key = user key + fixed64((sequence << 8) | type), ordered by
 * user key ascending (bytewise), then by (sequence << 8 | type) descending,
 * so the newest version of a key comes first.  Entries are laid out as
 * RocksDB's memtable entries: varint32(internal key length) | internal key |
 * varint32(value length) | value, allocated in the memtable's arena.
 *
 * Thread safety: memtable_add with concurrent=true may run in many threads
 * at once (lock-free CAS insert at each level, like RocksDB's
 * InlineSkipList::InsertConcurrently); with concurrent=false the caller
 * guarantees no other add runs.  Readers (get, iterators) need no lock and
 * may run alongside adds; they see each entry either wholly or not at all.
 * A memtable is destroyed only when no thread uses it.
 */
#ifndef WT_MEMTABLE_H
#define WT_MEMTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"

/* Value types stored in the memtable (RocksDB ValueType numbers). */
typedef enum wt_value_type {
    WT_TYPE_DELETION = 0x0,
    WT_TYPE_VALUE = 0x1,
    WT_TYPE_SINGLE_DELETION = 0x7,
} wt_value_type;

enum { WT_MAX_SEQUENCE = (1ull << 56) - 1 };

typedef struct memtable memtable;

memtable *memtable_create(size_t arena_block_bytes);
void memtable_destroy(memtable *m);
/* A number naming the memtable in events (the DB's count of memtables
 * made, from 1); 0 until set. */
void memtable_set_id(memtable *m, uint64_t id);
uint64_t memtable_id(const memtable *m);

/* Inserts one entry.  REQUIRES: (key, seq) not already present. */
void memtable_add(memtable *m, uint64_t seq, wt_value_type type, wt_slice key, wt_slice value,
                  bool concurrent);

typedef enum memtable_get_result {
    MEMTABLE_GET_ABSENT,  /* no version of key with sequence <= snapshot */
    MEMTABLE_GET_FOUND,   /* newest visible version is a value: *value set */
    MEMTABLE_GET_DELETED, /* newest visible version is a (single) deletion */
} memtable_get_result;

/* Newest version of key with sequence <= snapshot.  *value points into the
 * arena (valid while m lives). */
memtable_get_result memtable_get(const memtable *m, wt_slice key, uint64_t snapshot,
                                 wt_slice *value);

/* Arena bytes in use: what write_buffer_size is compared against. */
size_t memtable_memory_usage(const memtable *m);
/* Number of entries inserted (relaxed; exact once adds have finished). */
uint64_t memtable_entry_count(const memtable *m);

/* Ordered iteration over every entry (all versions), newest version of a
 * key first.  The iterator holds no lock and sees entries that were fully
 * inserted when it reached their position. */
typedef struct memtable_iter {
    const memtable *m;
    const void *node;
} memtable_iter;

void memtable_iter_init(memtable_iter *it, const memtable *m);
void memtable_iter_seek_to_first(memtable_iter *it);
/* Positions at the first entry with user key >= key (its newest version). */
void memtable_iter_seek(memtable_iter *it, wt_slice key);
bool memtable_iter_valid(const memtable_iter *it);
void memtable_iter_next(memtable_iter *it);
wt_slice memtable_iter_key(const memtable_iter *it);   /* user key */
uint64_t memtable_iter_sequence(const memtable_iter *it);
wt_value_type memtable_iter_type(const memtable_iter *it);
wt_slice memtable_iter_value(const memtable_iter *it);

#endif
