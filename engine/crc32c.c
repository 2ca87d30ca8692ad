/*
 * crc32c.c — CRC-32C (Castagnoli) for the WAL: hardware where the CPU has
 * it, slicing-by-8 tables everywhere else.
 *
 * The checksum is the reflected CRC with polynomial 0x82F63B78, register
 * preset to all ones and inverted at the end, so that
 * wt_crc32c("123456789") == 0xE3069283.  wt_crc32c_extend(crc, ...) undoes
 * the final inversion of `crc`, feeds more bytes into the register and
 * inverts again, so extending piecewise gives the CRC of the concatenation.
 *
 * Three implementations compute the same function on the raw register:
 *  - x86-64 SSE4.2: the `crc32` instruction on 8 bytes at a time.  Its
 *    latency is three cycles but a new one can start every cycle, so long
 *    inputs are cut into three equal runs whose CRCs are computed in one
 *    interleaved loop and then combined (see "combining" below);
 *  - aarch64 with the CRC extension enabled at compile time
 *    (__ARM_FEATURE_CRC32): the crc32c* instructions, 8 bytes at a time;
 *  - software: slicing-by-8, eight 256-entry tables, one 64-bit word per
 *    step.
 *
 * Combining.  Feeding n zero bytes into the raw register multiplies it by
 * x^(8n) modulo the polynomial, a linear map on 32-bit values.  For a run
 * length L the map is tabulated once per byte position (4 x 256 entries),
 * so reg(A || B) = shift_L(reg(A)) ^ reg0(B) costs four lookups, where
 * reg0(B) is B's register started from zero.
 *
 * Invariants: every table is filled by crc32c_init() before main() runs (a
 * constructor), and never written again; `crc32c_choice` is set there too.
 * Thread safety: after initialisation everything is read-only, so all
 * functions are pure and may be called from any thread.
 */
#include "crc32c.h"

#include <string.h>

#include "util.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif
#if defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#endif

#define CRC32C_POLY_REFLECTED 0x82F63B78u

enum {
    CRC32C_SLICES = 8,
    /* Run lengths of the interleaved hardware loop: three runs of LONG
     * bytes per round while the input is long, then of SHORT bytes. */
    CRC32C_LONG_BYTES = 8192,
    CRC32C_SHORT_BYTES = 256,
};

_Static_assert(CRC32C_LONG_BYTES % 8 == 0, "runs are whole 64-bit words");
_Static_assert(CRC32C_SHORT_BYTES % 8 == 0, "runs are whole 64-bit words");

typedef uint32_t (*crc32c_raw_fn)(uint32_t reg, const uint8_t *p, size_t n);

/* Multiplies a register by x^(8L) for one run length L: entry [k][b] is
 * the product for the value b << 8k. */
typedef struct crc32c_shift_table {
    uint32_t by_byte[4][256];
} crc32c_shift_table;

/* slice[k][b]: the register after feeding byte b followed by k zero bytes
 * into a zero register.  slice[0] is the classic byte-at-a-time table. */
static uint32_t crc32c_slice[CRC32C_SLICES][256];
/* Shift tables for the interleaved loop, for runs of LONG and SHORT bytes. */
static crc32c_shift_table crc32c_shift_long;
static crc32c_shift_table crc32c_shift_short;
static bool crc32c_ready;
static crc32c_raw_fn crc32c_choice;
static const char *crc32c_choice_name = "software";

/* -------------------------------------------------------------- software */

static inline uint64_t crc32c_load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint32_t crc32c_raw_software(uint32_t reg, const uint8_t *p, size_t n)
{
    while (n > 0 && ((uintptr_t)p & 7) != 0) {
        reg = crc32c_slice[0][(reg ^ *p++) & 0xff] ^ (reg >> 8);
        n--;
    }
    while (n >= 8) {
        uint64_t word = crc32c_load_le64(p);
        uint32_t lo = reg ^ (uint32_t)word;
        uint32_t hi = (uint32_t)(word >> 32);
        reg = crc32c_slice[7][lo & 0xff] ^ crc32c_slice[6][(lo >> 8) & 0xff] ^
              crc32c_slice[5][(lo >> 16) & 0xff] ^ crc32c_slice[4][lo >> 24] ^
              crc32c_slice[3][hi & 0xff] ^ crc32c_slice[2][(hi >> 8) & 0xff] ^
              crc32c_slice[1][(hi >> 16) & 0xff] ^ crc32c_slice[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        reg = crc32c_slice[0][(reg ^ *p++) & 0xff] ^ (reg >> 8);
        n--;
    }
    return reg;
}

/* ----------------------------------------------------- GF(2) arithmetic */

/* a * b modulo the polynomial, both in reflected form (bit 31 = x^0). */
static uint32_t crc32c_multiply(uint32_t a, uint32_t b)
{
    uint32_t product = 0;
    for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
        if (a & bit) product ^= b;
        b = (b & 1) ? (b >> 1) ^ CRC32C_POLY_REFLECTED : b >> 1;
    }
    return product;
}

/* x^(8n) modulo the polynomial: a one (x^0) fed with n zero bytes. */
static uint32_t crc32c_x_pow_8n(size_t n)
{
    uint32_t reg = 1u << 31;
    for (size_t i = 0; i < n; i++) reg = crc32c_slice[0][reg & 0xff] ^ (reg >> 8);
    return reg;
}

static void crc32c_fill_shift(crc32c_shift_table *table, size_t run_bytes)
{
    uint32_t factor = crc32c_x_pow_8n(run_bytes);
    for (unsigned k = 0; k < 4; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            table->by_byte[k][b] = crc32c_multiply(factor, b << (8 * k));
        }
    }
}

/* The register multiplied by x^(8L) through a table made for L. */
static inline uint32_t crc32c_shift(const crc32c_shift_table *table, uint32_t reg)
{
    return table->by_byte[0][reg & 0xff] ^ table->by_byte[1][(reg >> 8) & 0xff] ^
           table->by_byte[2][(reg >> 16) & 0xff] ^ table->by_byte[3][reg >> 24];
}

/* ------------------------------------------------------------ x86 SSE4.2 */
#if defined(__x86_64__)

__attribute__((target("sse4.2"))) static inline uint32_t
crc32c_sse42_words(uint32_t reg, const uint8_t *p, size_t words)
{
    uint64_t r = reg;
    for (size_t i = 0; i < words; i++) {
        uint64_t w;
        memcpy(&w, p + 8 * i, 8);
        r = _mm_crc32_u64(r, w);
    }
    return (uint32_t)r;
}

/* Three runs of run_bytes each, interleaved; returns the combined register
 * and advances *pp by 3 * run_bytes. */
__attribute__((target("sse4.2"))) static inline uint32_t
crc32c_sse42_three_runs(uint32_t reg, const uint8_t **pp, size_t run_bytes,
                        const crc32c_shift_table *shift)
{
    const uint8_t *a = *pp, *b = a + run_bytes, *c = b + run_bytes;
    uint64_t ra = reg, rb = 0, rc = 0;
    for (size_t i = 0; i < run_bytes; i += 8) {
        uint64_t wa, wb, wc;
        memcpy(&wa, a + i, 8);
        memcpy(&wb, b + i, 8);
        memcpy(&wc, c + i, 8);
        ra = _mm_crc32_u64(ra, wa);
        rb = _mm_crc32_u64(rb, wb);
        rc = _mm_crc32_u64(rc, wc);
    }
    *pp = c + run_bytes;
    uint32_t ab = crc32c_shift(shift, (uint32_t)ra) ^ (uint32_t)rb;
    return crc32c_shift(shift, ab) ^ (uint32_t)rc;
}

__attribute__((target("sse4.2"))) static uint32_t
crc32c_raw_sse42(uint32_t reg, const uint8_t *p, size_t n)
{
    while (n > 0 && ((uintptr_t)p & 7) != 0) {
        reg = _mm_crc32_u8(reg, *p++);
        n--;
    }
    while (n >= 3 * (size_t)CRC32C_LONG_BYTES) {
        reg = crc32c_sse42_three_runs(reg, &p, CRC32C_LONG_BYTES, &crc32c_shift_long);
        n -= 3 * (size_t)CRC32C_LONG_BYTES;
    }
    while (n >= 3 * (size_t)CRC32C_SHORT_BYTES) {
        reg = crc32c_sse42_three_runs(reg, &p, CRC32C_SHORT_BYTES, &crc32c_shift_short);
        n -= 3 * (size_t)CRC32C_SHORT_BYTES;
    }
    reg = crc32c_sse42_words(reg, p, n / 8);
    p += n & ~(size_t)7;
    n &= 7;
    while (n > 0) {
        reg = _mm_crc32_u8(reg, *p++);
        n--;
    }
    return reg;
}

static void crc32c_choose_hardware(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2")) {
        crc32c_choice = crc32c_raw_sse42;
        crc32c_choice_name = "sse4.2";
    }
}

/* ----------------------------------------------------------- ARMv8 CRC */
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)

static uint32_t crc32c_raw_armv8(uint32_t reg, const uint8_t *p, size_t n)
{
    while (n > 0 && ((uintptr_t)p & 7) != 0) {
        reg = __crc32cb(reg, *p++);
        n--;
    }
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        reg = __crc32cd(reg, w);
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        reg = __crc32cb(reg, *p++);
        n--;
    }
    return reg;
}

/* The compiler was told the CPU has the CRC extension, so no probe. */
static void crc32c_choose_hardware(void)
{
    crc32c_choice = crc32c_raw_armv8;
    crc32c_choice_name = "armv8-crc";
}

#else

static void crc32c_choose_hardware(void) {}

#endif

/* ---------------------------------------------------------------- set-up */

static void crc32c_fill_slices(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t reg = b;
        for (unsigned bit = 0; bit < 8; bit++) {
            reg = (reg & 1) ? (reg >> 1) ^ CRC32C_POLY_REFLECTED : reg >> 1;
        }
        crc32c_slice[0][b] = reg;
    }
    for (unsigned k = 1; k < CRC32C_SLICES; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t prev = crc32c_slice[k - 1][b];
            crc32c_slice[k][b] = crc32c_slice[0][prev & 0xff] ^ (prev >> 8);
        }
    }
}

/* Runs before main(), hence before any thread exists: the tables are
 * written once here and only read afterwards. */
__attribute__((constructor)) static void crc32c_init(void)
{
    crc32c_fill_slices();
    crc32c_fill_shift(&crc32c_shift_long, CRC32C_LONG_BYTES);
    crc32c_fill_shift(&crc32c_shift_short, CRC32C_SHORT_BYTES);
    crc32c_choice = crc32c_raw_software;
    crc32c_choose_hardware();
    crc32c_ready = true;
}

/* ---------------------------------------------------------------- public */

uint32_t wt_crc32c_extend_software(uint32_t crc, const void *data, size_t n)
{
    WT_ASSERT(crc32c_ready);
    WT_ASSERT(data != NULL || n == 0);
    if (n == 0) return crc;
    return ~crc32c_raw_software(~crc, data, n);
}

uint32_t wt_crc32c_extend(uint32_t crc, const void *data, size_t n)
{
    WT_ASSERT(crc32c_ready);
    WT_ASSERT(data != NULL || n == 0);
    if (n == 0) return crc;
    return ~crc32c_choice(~crc, data, n);
}

const char *wt_crc32c_implementation(void)
{
    WT_ASSERT(crc32c_ready);
    return crc32c_choice_name;
}
