/*
 * check_main.h — runs a Check suite with TAP output for meson.
 *
 * Each test executable builds one Suite and returns wt_run_suite(s) from
 * main.  Exit status: 0 all passed, 1 some failed.
 */
#ifndef WT_TESTS_CHECK_MAIN_H
#define WT_TESTS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int wt_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
