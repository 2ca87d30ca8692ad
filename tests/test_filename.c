/*
 * test_filename.c — the names of a DB directory's files and CURRENT's
 * contents (engine/filename.c).
 *
 * Method: every maker is checked against the exact string it must make,
 * every parser against its own maker's names, the other kinds' names and
 * malformed ones (no digits, a non-digit, a number past 64 bits), and
 * CURRENT's contents round-trip and are refused without their newline or
 * with a NUL inside.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "filename.h"

START_TEST(log_names)
{
    char buf[64];
    uint64_t n = 7;
    ck_assert_str_eq(filename_log(buf, sizeof buf, "d", 42), "d/000042.log");
    ck_assert_str_eq(filename_log(buf, sizeof buf, "/x/y", 12345678), "/x/y/12345678.log");
    ck_assert(filename_parse_log("000042.log", &n));
    ck_assert_uint_eq(n, 42);
    ck_assert(filename_parse_log("18446744073709551615.log", &n));
    ck_assert_uint_eq(n, UINT64_MAX);
    n = 7;
    ck_assert(!filename_parse_log("18446744073709551616.log", &n));
    ck_assert(!filename_parse_log(".log", &n));
    ck_assert(!filename_parse_log("000042.sst", &n));
    ck_assert(!filename_parse_log("0000x2.log", &n));
    ck_assert(!filename_parse_log("MANIFEST-000042", &n));
    ck_assert_uint_eq(n, 7); /* untouched by a refused name */
}
END_TEST

START_TEST(table_names)
{
    char buf[64];
    uint64_t n = 0;
    ck_assert_str_eq(filename_table(buf, sizeof buf, "d", 42), "d/000042.sst");
    ck_assert_str_eq(filename_table(buf, sizeof buf, "/x/y", 12345678), "/x/y/12345678.sst");
    ck_assert(filename_parse_table("000042.sst", &n));
    ck_assert_uint_eq(n, 42);
    ck_assert(!filename_parse_table("000042.log", &n));
    ck_assert(!filename_parse_table(".sst", &n));
    ck_assert(!filename_parse_table("00a042.sst", &n));
    ck_assert(!filename_parse_table("99999999999999999999999.sst", &n));
}
END_TEST

START_TEST(manifest_names)
{
    char buf[64];
    uint64_t n = 0;
    ck_assert_str_eq(filename_manifest(buf, sizeof buf, "d", 5), "d/MANIFEST-000005");
    ck_assert(filename_parse_manifest("MANIFEST-000005", &n));
    ck_assert_uint_eq(n, 5);
    ck_assert(filename_parse_manifest("MANIFEST-1234567", &n));
    ck_assert_uint_eq(n, 1234567);
    ck_assert(!filename_parse_manifest("MANIFEST-", &n));
    ck_assert(!filename_parse_manifest("MANIFEST-12x", &n));
    ck_assert(!filename_parse_manifest("000005.sst", &n));
    ck_assert(!filename_parse_manifest("CURRENT", &n));
}
END_TEST

START_TEST(current_names_and_contents)
{
    char buf[64];
    uint64_t n = 0;
    ck_assert_str_eq(filename_current(buf, sizeof buf, "d"), "d/CURRENT");
    ck_assert_str_eq(filename_current_tmp(buf, sizeof buf, "d"), "d/CURRENT.tmp");
    size_t len = filename_current_contents(buf, FILENAME_CURRENT_MAX, 3);
    ck_assert_uint_eq(len, 16);
    ck_assert_str_eq(buf, "MANIFEST-000003\n");
    ck_assert(filename_parse_current_contents(buf, len, &n));
    ck_assert_uint_eq(n, 3);
    ck_assert(!filename_parse_current_contents(buf, len - 1, &n)); /* no newline */
    ck_assert(!filename_parse_current_contents("", 0, &n));
    ck_assert(!filename_parse_current_contents("000003.log\n", 11, &n));
    char nul_inside[] = "MANIFEST-000003\n";
    nul_inside[11] = '\0';
    ck_assert(!filename_parse_current_contents(nul_inside, 16, &n));
    ck_assert(!filename_parse_current_contents("MANIFEST-000003\n\n", 17, &n));
}
END_TEST

static Suite *filename_suite(void)
{
    Suite *s = suite_create("filename");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, log_names);
    tcase_add_test(tc, table_names);
    tcase_add_test(tc, manifest_names);
    tcase_add_test(tc, current_names_and_contents);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(filename_suite()); }
