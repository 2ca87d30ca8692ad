/*
 * filename.h — the names of the files in a DB directory, and the one line
 * CURRENT holds (RocksDB's file/filename.h).  Every name is made and
 * parsed here and nowhere else:
 *
 *   NNNNNN.log        a WAL in RocksDB's log format (wal.h)
 *   NNNNNN.sst        a table written by a flush (table.h)
 *   MANIFEST-NNNNNN   the version edits (manifest.h)
 *   CURRENT           "MANIFEST-NNNNNN\n": the manifest to read on open
 *   CURRENT.tmp       CURRENT's next contents, renamed over it
 *
 * The numbers of WALs, tables and manifests come from one counter
 * (version_state.next_file_number) and are printed with at least six
 * digits.  Makers write "DIR/NAME" into the caller's buffer and return it;
 * REQUIRES of every maker: the path fits in n bytes (FILENAME_PATH_MAX
 * always does for a directory the DB could open).  Parsers take a bare
 * name as a directory listing gives it and return false for any other
 * name, leaving *number alone.
 *
 * Thread safety: pure functions, callable from any thread.
 */
#ifndef WT_FILENAME_H
#define WT_FILENAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    FILENAME_PATH_MAX = 4096,     /* bytes for any path made here */
    FILENAME_CURRENT_MAX = 64,    /* bytes of CURRENT's contents, newline included */
};

/* "DIR/NNNNNN.log" (RocksDB's LogFileName). */
char *filename_log(char *buf, size_t n, const char *dir, uint64_t number);
/* Parses "NNNNNN.log". */
bool filename_parse_log(const char *name, uint64_t *number);

/* "DIR/NNNNNN.sst" (RocksDB's TableFileName). */
char *filename_table(char *buf, size_t n, const char *dir, uint64_t number);
/* Parses "NNNNNN.sst". */
bool filename_parse_table(const char *name, uint64_t *number);

/* "DIR/MANIFEST-NNNNNN" (RocksDB's DescriptorFileName). */
char *filename_manifest(char *buf, size_t n, const char *dir, uint64_t number);
/* Parses "MANIFEST-NNNNNN". */
bool filename_parse_manifest(const char *name, uint64_t *number);

/* "DIR/CURRENT" and "DIR/CURRENT.tmp". */
char *filename_current(char *buf, size_t n, const char *dir);
char *filename_current_tmp(char *buf, size_t n, const char *dir);

/* CURRENT's contents naming MANIFEST-<number>: "MANIFEST-NNNNNN\n" into
 * buf; returns its length (no terminating NUL counted).  REQUIRES: it
 * fits in n (FILENAME_CURRENT_MAX always does). */
size_t filename_current_contents(char *buf, size_t n, uint64_t manifest_number);
/* Parses CURRENT's `size` bytes: exactly one manifest name and a newline,
 * no NUL bytes.  False for anything else. */
bool filename_parse_current_contents(const char *contents, size_t size,
                                     uint64_t *manifest_number);

#endif
