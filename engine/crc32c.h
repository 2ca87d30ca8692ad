/*
 * crc32c.h — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used
 * by RocksDB's WAL, with the same masking so stored checksums match.
 *
 * wt_crc32c_extend picks the SSE4.2 (x86-64) or ARMv8 CRC instructions when
 * the CPU has them (checked once), a table-driven software loop otherwise.
 * Pure functions, thread-safe.
 */
#ifndef WT_CRC32C_H
#define WT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* crc of (the bytes crc already covers) followed by data[0..n). */
uint32_t wt_crc32c_extend(uint32_t crc, const void *data, size_t n);

/* The portable implementation, exposed so tests can compare the two. */
uint32_t wt_crc32c_extend_software(uint32_t crc, const void *data, size_t n);

/* "sse4.2", "armv8-crc" or "software": what wt_crc32c_extend uses here. */
const char *wt_crc32c_implementation(void);

static inline uint32_t wt_crc32c(const void *data, size_t n)
{
    return wt_crc32c_extend(0, data, n);
}

enum { WT_CRC32C_MASK_DELTA = 0xa282ead8u };

/* Stored CRCs are masked so a CRC of data containing CRCs stays strong. */
static inline uint32_t wt_crc32c_mask(uint32_t crc)
{
    return ((crc >> 15) | (crc << 17)) + WT_CRC32C_MASK_DELTA;
}

static inline uint32_t wt_crc32c_unmask(uint32_t masked)
{
    uint32_t rot = masked - WT_CRC32C_MASK_DELTA;
    return (rot >> 17) | (rot << 15);
}

#endif
