/*
 * filename.c — making and parsing the names of a DB directory's files and
 * CURRENT's contents (the list is in filename.h).
 *
 * Every numbered name is PREFIX + decimal number + SUFFIX ("" + N + ".log",
 * "MANIFEST-" + N + ""), so one maker and one parser serve all three kinds;
 * the table below is the only place that spells them.  A parser accepts
 * one or more digits and nothing else between prefix and suffix, and
 * rejects a number that does not fit in 64 bits.
 *
 * Thread safety: no state; the table is constant.
 */
#include "filename.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

typedef struct numbered_kind {
    const char *prefix;
    const char *suffix;
} numbered_kind;

static const numbered_kind kind_log = {"", ".log"};
static const numbered_kind kind_table = {"", ".sst"};
static const numbered_kind kind_manifest = {"MANIFEST-", ""};

static const char current_name[] = "CURRENT";
static const char current_tmp_name[] = "CURRENT.tmp";

/* printf into buf; returns the length.  REQUIRES: it fits. */
__attribute__((format(printf, 3, 4))) static size_t format_into(char *buf, size_t n,
                                                                 const char *fmt, ...)
{
    WT_ASSERT(buf != NULL);
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    WT_ASSERT(len > 0);
    WT_ASSERT((size_t)len < n);
    return (size_t)len;
}

static char *make_numbered(char *buf, size_t n, const char *dir, const numbered_kind *k,
                           uint64_t number)
{
    WT_ASSERT(dir != NULL);
    format_into(buf, n, "%s/%s%06llu%s", dir, k->prefix, (unsigned long long)number, k->suffix);
    return buf;
}

/* Parses name[0..len) as k's prefix, digits, k's suffix. */
static bool parse_numbered(const char *name, size_t len, const numbered_kind *k,
                           uint64_t *number)
{
    size_t prefix_len = strlen(k->prefix), suffix_len = strlen(k->suffix);
    if (len <= prefix_len + suffix_len) return false; /* no digits */
    if (memcmp(name, k->prefix, prefix_len) != 0) return false;
    if (memcmp(name + len - suffix_len, k->suffix, suffix_len) != 0) return false;
    uint64_t v = 0;
    for (size_t i = prefix_len; i < len - suffix_len; i++) {
        if (name[i] < '0' || name[i] > '9') return false;
        uint64_t digit = (uint64_t)(name[i] - '0');
        if (v > (UINT64_MAX - digit) / 10) return false;
        v = v * 10 + digit;
    }
    *number = v;
    return true;
}

char *filename_log(char *buf, size_t n, const char *dir, uint64_t number)
{
    return make_numbered(buf, n, dir, &kind_log, number);
}

bool filename_parse_log(const char *name, uint64_t *number)
{
    return parse_numbered(name, strlen(name), &kind_log, number);
}

char *filename_table(char *buf, size_t n, const char *dir, uint64_t number)
{
    return make_numbered(buf, n, dir, &kind_table, number);
}

bool filename_parse_table(const char *name, uint64_t *number)
{
    return parse_numbered(name, strlen(name), &kind_table, number);
}

char *filename_manifest(char *buf, size_t n, const char *dir, uint64_t number)
{
    return make_numbered(buf, n, dir, &kind_manifest, number);
}

bool filename_parse_manifest(const char *name, uint64_t *number)
{
    return parse_numbered(name, strlen(name), &kind_manifest, number);
}

char *filename_current(char *buf, size_t n, const char *dir)
{
    WT_ASSERT(dir != NULL);
    format_into(buf, n, "%s/%s", dir, current_name);
    return buf;
}

char *filename_current_tmp(char *buf, size_t n, const char *dir)
{
    WT_ASSERT(dir != NULL);
    format_into(buf, n, "%s/%s", dir, current_tmp_name);
    return buf;
}

size_t filename_current_contents(char *buf, size_t n, uint64_t manifest_number)
{
    return format_into(buf, n, "%s%06llu\n", kind_manifest.prefix,
                       (unsigned long long)manifest_number);
}

bool filename_parse_current_contents(const char *contents, size_t size,
                                     uint64_t *manifest_number)
{
    WT_ASSERT(contents != NULL);
    if (size == 0 || contents[size - 1] != '\n') return false;
    if (memchr(contents, '\0', size) != NULL) return false;
    return parse_numbered(contents, size - 1, &kind_manifest, manifest_number);
}
