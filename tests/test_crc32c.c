/*
 * test_crc32c.c — CRC-32C against published vectors and against itself.
 *
 * Goal: wt_crc32c_extend (hardware when the CPU has it) and
 * wt_crc32c_extend_software compute RocksDB's CRC-32C, and the mask
 * matches what RocksDB stores in WAL headers.
 *
 * Method: known vectors (the "123456789" check value, the iSCSI test
 * vectors of RFC 3720 B.4, and the first record of the worked example in
 * shared/reference/wal-format.md); a bit-at-a-time reference written here
 * from the polynomial alone; then random lengths, alignments and split
 * points, comparing the hardware path, the software path and the reference.
 * The random source is a fixed-seed generator, so failures repeat.
 */
#include <string.h>

#include "check_main.h"
#include "crc32c.h"
#include "harness.h"

/* The slowest possible CRC-32C: one bit at a time, from the definition. */
static uint32_t reference_crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t reg = ~crc;
    for (size_t i = 0; i < n; i++) {
        reg ^= p[i];
        for (int bit = 0; bit < 8; bit++) reg = (reg & 1) ? (reg >> 1) ^ 0x82F63B78u : reg >> 1;
    }
    return ~reg;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void check_both(const void *data, size_t n, uint32_t expected)
{
    ck_assert_uint_eq(wt_crc32c(data, n), expected);
    ck_assert_uint_eq(wt_crc32c_extend_software(0, data, n), expected);
    ck_assert_uint_eq(reference_crc32c(0, data, n), expected);
}

START_TEST(test_check_value)
{
    check_both("123456789", 9, 0xE3069283u);
}
END_TEST

START_TEST(test_iscsi_vectors)
{
    uint8_t buf[32];
    memset(buf, 0, sizeof buf);
    check_both(buf, sizeof buf, 0x8A9136AAu);
    memset(buf, 0xff, sizeof buf);
    check_both(buf, sizeof buf, 0x62A8AB43u);
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)i;
    check_both(buf, sizeof buf, 0x46DD794Eu);
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)(31 - i);
    check_both(buf, sizeof buf, 0x113FDB5Cu);
}
END_TEST

/* wal-format.md: type byte 0x01 + the 17-byte batch {seq 1, count 1,
 * put "a" = "1"} has masked CRC 0x19789fe9 (stored e9 9f 78 19). */
START_TEST(test_masked_wal_record)
{
    static const uint8_t record[] = {
        0x01,                                           /* type FULL */
        0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0,       /* seq 1, count 1 */
        0x01, 0x01, 'a', 0x01, '1',                     /* put a=1 */
    };
    ck_assert_uint_eq(sizeof record, 18);
    uint32_t crc = wt_crc32c(record, sizeof record);
    ck_assert_uint_eq(crc, reference_crc32c(0, record, sizeof record));
    ck_assert_uint_eq(wt_crc32c_mask(crc), 0x19789fe9u);
    ck_assert_uint_eq(wt_crc32c_unmask(0x19789fe9u), crc);
    /* The type byte as a seed, extended over the payload, is the same. */
    uint32_t seeded = wt_crc32c_extend(wt_crc32c(record, 1), record + 1, sizeof record - 1);
    ck_assert_uint_eq(seeded, crc);
}
END_TEST

START_TEST(test_mask_round_trip)
{
    for (int i = 0; i < 10000; i++) {
        uint32_t c = rng_next() ^ (rng_next() << 16);
        ck_assert_uint_eq(wt_crc32c_unmask(wt_crc32c_mask(c)), c);
    }
    ck_assert_uint_eq(wt_crc32c_mask(0), 0xa282ead8u);
}
END_TEST

START_TEST(test_empty_and_implementation)
{
    ck_assert_uint_eq(wt_crc32c("", 0), 0);
    ck_assert_uint_eq(wt_crc32c_extend(0x12345678u, NULL, 0), 0x12345678u);
    ck_assert_uint_eq(wt_crc32c_extend_software(0x12345678u, NULL, 0), 0x12345678u);
    const char *impl = wt_crc32c_implementation();
    ck_assert(strcmp(impl, "sse4.2") == 0 || strcmp(impl, "armv8-crc") == 0 ||
              strcmp(impl, "software") == 0);
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2")) ck_assert_str_eq(impl, "sse4.2");
#endif
}
END_TEST

enum { BIG_BYTES = 200 * 1024 };

static uint8_t *random_buffer(size_t n)
{
    uint8_t *buf = malloc(n);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)rng_next();
    return buf;
}

/* Lengths chosen to reach every loop of the hardware path: bytes before
 * alignment, the three-run loops of 3 x 8192 and 3 x 256 bytes, words and
 * trailing bytes. */
static size_t random_length(void)
{
    switch (rng_next() % 4) {
    case 0: return rng_next() % 64;
    case 1: return rng_next() % 2048;
    case 2: return 3 * 8192 + rng_next() % 20000 - 10000;
    default: return rng_next() % (BIG_BYTES - 64);
    }
}

START_TEST(test_hardware_matches_software)
{
    uint8_t *buf = random_buffer(BIG_BYTES);
    int rounds = 3000 / (int)harness_scale_div();
    for (int i = 0; i < rounds; i++) {
        size_t align = rng_next() % 16;
        size_t n = random_length();
        ck_assert_uint_le(align + n, BIG_BYTES);
        uint32_t seed = (i % 3 == 0) ? 0 : rng_next();
        uint32_t hw = wt_crc32c_extend(seed, buf + align, n);
        uint32_t sw = wt_crc32c_extend_software(seed, buf + align, n);
        ck_assert_msg(hw == sw, "len %zu align %zu: hw %08x sw %08x", n, align, hw, sw);
        if (i % 50 == 0) ck_assert_uint_eq(sw, reference_crc32c(seed, buf + align, n));
    }
    free(buf);
}
END_TEST

START_TEST(test_every_short_length_and_alignment)
{
    uint8_t *buf = random_buffer(1024);
    for (size_t align = 0; align < 8; align++) {
        for (size_t n = 0; n <= 800; n++) {
            uint32_t ref = reference_crc32c(0, buf + align, n);
            ck_assert_uint_eq(wt_crc32c(buf + align, n), ref);
            ck_assert_uint_eq(wt_crc32c_extend_software(0, buf + align, n), ref);
        }
    }
    free(buf);
}
END_TEST

START_TEST(test_extend_is_concatenation)
{
    uint8_t *buf = random_buffer(BIG_BYTES);
    int rounds = 500 / (int)harness_scale_div();
    for (int i = 0; i < rounds; i++) {
        size_t n = random_length();
        size_t cut = n ? rng_next() % (n + 1) : 0;
        uint32_t whole = wt_crc32c(buf, n);
        ck_assert_uint_eq(wt_crc32c_extend(wt_crc32c(buf, cut), buf + cut, n - cut), whole);
        ck_assert_uint_eq(wt_crc32c_extend_software(wt_crc32c_extend_software(0, buf, cut),
                                                    buf + cut, n - cut),
                          whole);
    }
    free(buf);
}
END_TEST

/* A single flipped bit anywhere changes the CRC (CRCs detect every 1-bit
 * error), on both paths. */
START_TEST(test_single_bit_errors_detected)
{
    uint8_t *buf = random_buffer(40000);
    uint32_t good = wt_crc32c(buf, 40000);
    for (int i = 0; i < 2000; i++) {
        size_t at = rng_next() % 40000;
        uint8_t mask = (uint8_t)(1u << (rng_next() % 8));
        buf[at] ^= mask;
        ck_assert_uint_ne(wt_crc32c(buf, 40000), good);
        ck_assert_uint_ne(wt_crc32c_extend_software(0, buf, 40000), good);
        buf[at] ^= mask;
    }
    ck_assert_uint_eq(wt_crc32c(buf, 40000), good);
    free(buf);
}
END_TEST

static Suite *crc32c_suite(void)
{
    Suite *s = suite_create("crc32c");
    TCase *tc = tcase_create("crc32c");
    tcase_add_test(tc, test_check_value);
    tcase_add_test(tc, test_iscsi_vectors);
    tcase_add_test(tc, test_masked_wal_record);
    tcase_add_test(tc, test_mask_round_trip);
    tcase_add_test(tc, test_empty_and_implementation);
    tcase_add_test(tc, test_hardware_matches_software);
    tcase_add_test(tc, test_every_short_length_and_alignment);
    tcase_add_test(tc, test_extend_is_concatenation);
    tcase_add_test(tc, test_single_bit_errors_detected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return wt_run_suite(crc32c_suite());
}
