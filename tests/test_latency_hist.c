/*
 * test_latency_hist.c — bench/latency_hist.h, the histogram behind
 * wtbench's and rocks_fill's latency percentiles: buckets within 3 %,
 * percentiles interpolated inside a bucket (as db_bench's are) and capped
 * at the largest value, merging.
 */
#include <check.h>

#include "check_main.h"
#include "latency_hist.h"

static latency_hist h, h2;

START_TEST(empty_is_zero)
{
    hist_clear(&h);
    ck_assert_uint_eq(hist_quantile(&h, 0.5), 0);
    ck_assert_uint_eq(hist_quantile(&h, 0.99), 0);
}
END_TEST

START_TEST(buckets_cover_every_value_within_3_percent)
{
    for (uint64_t v = 0; v < 5000000; v += 7) {
        unsigned i = hist_index(v);
        ck_assert_uint_le(hist_lower(i), v);
        ck_assert_uint_ge(hist_upper(i), v);
        ck_assert_uint_le(hist_upper(i) - hist_lower(i), hist_lower(i) / 32);
        if (i > 0) ck_assert_uint_eq(hist_upper(i - 1) + 1, hist_lower(i));
    }
}
END_TEST

/* Small values have a bucket each: the percentiles are exact. */
START_TEST(one_value_buckets_are_exact)
{
    hist_clear(&h);
    for (uint64_t v = 1; v <= 60; v++) hist_add(&h, v);
    ck_assert_uint_eq(hist_quantile(&h, 0.5), 30);
    ck_assert_uint_eq(hist_quantile(&h, 0.9), 54);
    ck_assert_uint_eq(hist_quantile(&h, 1.0), 60);
}
END_TEST

/* 1..100000 ns, once each: every percentile within a bucket (3 %) of the
 * exact one, in order, and never above the largest value. */
START_TEST(uniform_percentiles_within_a_bucket)
{
    hist_clear(&h);
    for (uint64_t v = 1; v <= 100000; v++) hist_add(&h, v);
    const double qs[] = {0.5, 0.9, 0.99, 0.999};
    uint64_t prev = 0;
    for (unsigned k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        uint64_t exact = (uint64_t)(qs[k] * 100000), got = hist_quantile(&h, qs[k]);
        ck_assert_msg(got + exact / 32 >= exact && got <= exact + exact / 32,
                      "q %.3f: %llu against %llu", qs[k], (unsigned long long)got,
                      (unsigned long long)exact);
        ck_assert_uint_ge(got, prev);
        prev = got;
    }
    ck_assert_uint_le(hist_quantile(&h, 1.0), 100000);
}
END_TEST

/* All samples equal: every percentile is inside their bucket and at most
 * the value itself (the cap). */
START_TEST(one_bucket_capped_at_max)
{
    hist_clear(&h);
    for (int i = 0; i < 1000; i++) hist_add(&h, 1000);
    unsigned b = hist_index(1000);
    for (double q = 0.1; q <= 1.0; q += 0.1) {
        uint64_t got = hist_quantile(&h, q);
        ck_assert_uint_ge(got + 1, hist_lower(b));
        ck_assert_uint_le(got, 1000);
    }
    ck_assert_uint_eq(hist_quantile(&h, 1.0), 1000);
}
END_TEST

/* Samples spread over one bucket: the median lands mid-bucket (the
 * bucket's upper edge, the old reading, is 8 ns above it). */
START_TEST(interpolates_inside_a_bucket)
{
    hist_clear(&h);
    unsigned b = hist_index(1000);
    for (uint64_t v = hist_lower(b); v <= hist_upper(b); v++)
        for (int k = 0; k < 10; k++) hist_add(&h, v);
    uint64_t mid = (hist_lower(b) + hist_upper(b)) / 2;
    uint64_t p50 = hist_quantile(&h, 0.5);
    ck_assert_msg(p50 + 1 >= mid && p50 <= mid + 1, "p50 %llu, mid-bucket %llu",
                  (unsigned long long)p50, (unsigned long long)mid);
}
END_TEST

START_TEST(merge_adds_counts)
{
    hist_clear(&h);
    hist_clear(&h2);
    for (uint64_t v = 1; v <= 1000; v++) hist_add(v % 2 ? &h : &h2, v * 1000);
    latency_hist all;
    hist_clear(&all);
    hist_merge(&all, &h);
    hist_merge(&all, &h2);
    ck_assert_uint_eq(all.count, 1000);
    ck_assert_uint_eq(all.max_ns, 1000000);
    uint64_t p50 = hist_quantile(&all, 0.5);
    ck_assert_uint_ge(p50, 500000 - 500000 / 32);
    ck_assert_uint_le(p50, 500000 + 500000 / 32);
}
END_TEST

static Suite *latency_hist_suite(void)
{
    Suite *s = suite_create("latency_hist");
    TCase *tc = tcase_create("hist");
    tcase_add_test(tc, empty_is_zero);
    tcase_add_test(tc, buckets_cover_every_value_within_3_percent);
    tcase_add_test(tc, one_value_buckets_are_exact);
    tcase_add_test(tc, uniform_percentiles_within_a_bucket);
    tcase_add_test(tc, one_bucket_capped_at_max);
    tcase_add_test(tc, interpolates_inside_a_bucket);
    tcase_add_test(tc, merge_adds_counts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return wt_run_suite(latency_hist_suite()); }
