/*
 * fuzz_util.h — what the fuzz targets share: a scratch directory of their
 * own (one per process, under $TMPDIR) and writing the input to a file
 * there, since the engine reads files through port.h.
 */
#ifndef WT_FUZZ_UTIL_H
#define WT_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The process's scratch directory, made on first use. */
static inline const char *fuzz_dir(void)
{
    static char dir[256];
    if (dir[0] == '\0') {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/wtfuzz.XXXXXX", t && *t ? t : "/tmp");
        if (mkdtemp(dir) == NULL) abort();
    }
    return dir;
}

/* Writes data[0..n) to DIR/name (replacing it); returns the path in buf. */
static inline const char *fuzz_write_file(const char *name, const uint8_t *data, size_t n,
                                          char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(buf, "wb");
    if (f == NULL) abort();
    if (n > 0 && fwrite(data, 1, n, f) != n) abort();
    if (fclose(f) != 0) abort();
    return buf;
}

#endif
