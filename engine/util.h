/*
 * util.h — assertions and small helpers shared by every engine file.
 *
 * WT_ASSERT is on in every build (STYLE.md: programmer errors are
 * assertions).  It goes through port_assert_fail so the sim can end a run
 * as failed instead of killing the process.
 */
#ifndef WT_UTIL_H
#define WT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "coding.h"
#include "port.h"

#define WT_ASSERT(cond) \
    ((cond) ? (void)0 : port_assert_fail(#cond, __FILE__, __LINE__))

#define WT_LIKELY(x) __builtin_expect(!!(x), 1)
#define WT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Sequences are 56 bits: the low byte of a packed internal key is the type. */
#define WT_MAX_SEQUENCE_NUMBER ((UINT64_C(1) << 56) - 1)

#define WT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define WT_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* For best-effort calls whose failure changes nothing (deleting an
 * obsolete file): says so where a status is dropped on purpose. */
static inline void wt_best_effort(wt_status s) { (void)s; }

static inline size_t wt_min_size(size_t a, size_t b) { return a < b ? a : b; }
static inline uint64_t wt_min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline uint64_t wt_max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* A growable owned byte buffer (values returned by Get, scratch space). */
typedef struct wt_buf {
    uint8_t *data;
    size_t size;
    size_t cap;
} wt_buf;

static inline void wt_buf_init(wt_buf *b)
{
    b->data = NULL;
    b->size = 0;
    b->cap = 0;
}

static inline void wt_buf_free(wt_buf *b)
{
    port_free(b->data);
    wt_buf_init(b);
}

/* Makes room for at least `need` bytes in total (grows geometrically). */
static inline void wt_buf_reserve(wt_buf *b, size_t need)
{
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = port_realloc(b->data, cap);
    b->cap = cap;
}

static inline void wt_buf_set(wt_buf *b, const void *data, size_t n)
{
    wt_buf_reserve(b, n);
    if (n) memcpy(b->data, data, n);
    b->size = n;
}

static inline void wt_buf_append(wt_buf *b, const void *data, size_t n)
{
    wt_buf_reserve(b, b->size + n);
    if (n > 0) memcpy(b->data + b->size, data, n);
    b->size += n;
}

static inline void wt_buf_put_varint64(wt_buf *b, uint64_t v)
{
    uint8_t tmp[WT_VARINT64_MAX];
    wt_buf_append(b, tmp, wt_put_varint64(tmp, v));
}

static inline void wt_buf_put_fixed64(wt_buf *b, uint64_t v)
{
    uint8_t tmp[8];
    wt_put_fixed64(tmp, v);
    wt_buf_append(b, tmp, sizeof tmp);
}

#endif
