/*
 * coding.h — little-endian fixed-width and varint encodings, as RocksDB and
 * LevelDB lay them out on disk (fixed32/64 little-endian; varint32/64 with
 * 7 bits per byte, high bit = more).
 *
 * Encoders write into a caller buffer and return the bytes written.
 * Decoders never read past `limit` and return NULL on truncated or
 * over-long input.  All pure functions; thread-safe.
 */
#ifndef WT_CODING_H
#define WT_CODING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { WT_VARINT32_MAX = 5, WT_VARINT64_MAX = 10 };

static inline void wt_put_fixed32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void wt_put_fixed64(uint8_t *p, uint64_t v)
{
    wt_put_fixed32(p, (uint32_t)v);
    wt_put_fixed32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t wt_get_fixed32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline uint64_t wt_get_fixed64(const uint8_t *p)
{
    return (uint64_t)wt_get_fixed32(p) | ((uint64_t)wt_get_fixed32(p + 4) << 32);
}

static inline size_t wt_put_varint64(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline size_t wt_put_varint32(uint8_t *p, uint32_t v) { return wt_put_varint64(p, v); }

static inline size_t wt_varint_length(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Decodes a varint of at most max_bytes bytes; NULL if truncated or too long. */
static inline const uint8_t *wt_get_varint(const uint8_t *p, const uint8_t *limit,
                                           unsigned max_bytes, uint64_t *out)
{
    uint64_t result = 0;
    for (unsigned shift = 0, i = 0; i < max_bytes && p < limit; i++, shift += 7) {
        uint64_t byte = *p++;
        result |= (byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = result;
            return p;
        }
    }
    return NULL;
}

static inline const uint8_t *wt_get_varint32(const uint8_t *p, const uint8_t *limit,
                                             uint32_t *out)
{
    uint64_t v = 0;
    p = wt_get_varint(p, limit, WT_VARINT32_MAX, &v);
    if (p == NULL || v > UINT32_MAX) return NULL;
    *out = (uint32_t)v;
    return p;
}

static inline const uint8_t *wt_get_varint64(const uint8_t *p, const uint8_t *limit,
                                             uint64_t *out)
{
    return wt_get_varint(p, limit, WT_VARINT64_MAX, out);
}

/* A length-prefixed byte string inside a buffer (no ownership). */
typedef struct wt_slice {
    const uint8_t *data;
    size_t size;
} wt_slice;

static inline wt_slice wt_slice_make(const void *data, size_t size)
{
    wt_slice s = {(const uint8_t *)data, size};
    return s;
}

static inline wt_slice wt_slice_str(const char *s) { return wt_slice_make(s, strlen(s)); }

/* memcmp order, shorter first on a common prefix (bytewise comparator). */
static inline int wt_slice_compare(wt_slice a, wt_slice b)
{
    size_t n = a.size < b.size ? a.size : b.size;
    int r = n ? memcmp(a.data, b.data, n) : 0;
    if (r != 0) return r;
    return (a.size > b.size) - (a.size < b.size);
}

/* Reads varint32 length + bytes; NULL when truncated. */
static inline const uint8_t *wt_get_length_prefixed(const uint8_t *p, const uint8_t *limit,
                                                    wt_slice *out)
{
    uint32_t len = 0;
    p = wt_get_varint32(p, limit, &len);
    if (p == NULL || (size_t)(limit - p) < len) return NULL;
    *out = wt_slice_make(p, len);
    return p + len;
}

#endif
