/*
 * manifest.h — the durable record of which table files are live and which
 * WALs are still needed: RocksDB's MANIFEST + CURRENT, reduced to one
 * column family and one level.
 *
 * The state (version_state) is the set of live table files plus three
 * numbers:
 *  - log_number: the oldest WAL still needed.  WALs numbered below it hold
 *    only data that is in table files; recovery skips and may delete them;
 *  - next_file_number: the next number to hand out to a WAL, table or
 *    manifest (one counter for all, as in RocksDB);
 *  - last_sequence: the last sequence number that tables may hold.
 * It changes only by version edits.  An edit sets any of the three numbers
 * and deletes and adds table files (deletions first: a number may not be
 * both deleted and added by one edit).
 *
 * Files in the DB directory:
 *   MANIFEST-NNNNNN  a log in the WAL format (wal.h: 32 KiB blocks, 7-byte
 *                    headers, crc32c), one logical record per edit.  The
 *                    first record is a snapshot of the whole state.
 *   CURRENT          "MANIFEST-NNNNNN\n": the manifest in force.  Replaced
 *                    atomically: CURRENT.tmp is written and synced, renamed
 *                    over CURRENT, and the directory synced.
 * filename.h makes and parses these names and CURRENT's line.
 *
 * Edit record (a tagged binary record; tags are varint32, numbers varint64,
 * keys varint32 length + bytes; the tag values are RocksDB's, the layout of
 * a new file is not):
 *   2 log_number | 3 next_file_number | 4 last_sequence |
 *   6 deleted file: number |
 *   7 new file: number, file size, entries, min seq, max seq,
 *               smallest user key, largest user key
 * Each of the tags 2-4 appears at most once per record.
 *
 * Invariants (checked when an edit is logged — an assertion — and when it
 * is replayed — corruption): the three numbers never decrease; a deleted
 * file is live; an added file is not live and its number is below
 * next_file_number (as set by the same edit or before); smallest key <=
 * largest key and min seq <= max seq.  Live files are kept sorted by
 * number.
 *
 * Recovery reads CURRENT, then replays every edit of the manifest it names.
 * A torn last record (the file ends inside it: a crash during an append)
 * is dropped with the edit it held, as RocksDB drops a torn tail; any
 * other damage is corruption.  After recovery the caller starts a new
 * manifest (manifest_create_new); a recovered manifest is never appended
 * to, so a torn tail is never followed by new records.
 *
 * Thread safety: none.  The caller (db.c) serialises every call under its
 * DB mutex; a version_state is owned by its caller.
 */
#ifndef WT_MANIFEST_H
#define WT_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "status.h"
#include "table.h"
#include "util.h"

/* A live table file. */
typedef struct manifest_file_meta {
    uint64_t number;
    uint64_t file_size;
    uint64_t entries;
    uint64_t min_seq;
    uint64_t max_seq;
    wt_buf smallest_key; /* user keys; owned */
    wt_buf largest_key;
} manifest_file_meta;

/* ------------------------------------------------------------ version edit */
typedef struct version_edit {
    bool has_log_number;
    bool has_next_file_number;
    bool has_last_sequence;
    uint64_t log_number;
    uint64_t next_file_number;
    uint64_t last_sequence;
    manifest_file_meta *added;  /* owned copies */
    size_t added_count, added_cap;
    uint64_t *deleted;          /* file numbers */
    size_t deleted_count, deleted_cap;
} version_edit;

void version_edit_init(version_edit *e);
void version_edit_free(version_edit *e);
void version_edit_set_log_number(version_edit *e, uint64_t log_number);
void version_edit_set_next_file_number(version_edit *e, uint64_t next_file_number);
void version_edit_set_last_sequence(version_edit *e, uint64_t last_sequence);
/* Records a new file; the keys are copied. */
void version_edit_add_file(version_edit *e, const manifest_file_meta *f);
/* Records a new table file described by what table_builder_finish returned. */
void version_edit_add_table(version_edit *e, uint64_t number, const table_properties *p);
void version_edit_delete_file(version_edit *e, uint64_t number);

/* Appends the record encoding of e to out. */
void version_edit_encode(const version_edit *e, wt_buf *out);
/* Replaces e (initialised) with the edit encoded in data[0..n).
 * WT_CORRUPTION with *reason (static text) when the bytes do not parse. */
WT_MUST_USE wt_status version_edit_decode(version_edit *e, const uint8_t *data, size_t n,
                                          const char **reason);

/* ----------------------------------------------------------- version state */
typedef struct version_state {
    uint64_t log_number;
    uint64_t next_file_number;
    uint64_t last_sequence;
    manifest_file_meta *files; /* live files, ascending by number; owned */
    size_t file_count, file_cap;
} version_state;

void version_state_init(version_state *s);
void version_state_free(version_state *s);
/* Makes dst (initialised) a deep copy of src. */
void version_state_copy(version_state *dst, const version_state *src);
/* The live file with that number, NULL if none. */
const manifest_file_meta *version_state_find(const version_state *s, uint64_t number);
/* NULL when e may be applied to s, else why not (static text). */
const char *version_state_check_edit(const version_state *s, const version_edit *e);
/* Applies e to s.  REQUIRES: version_state_check_edit(s, e) == NULL. */
void version_state_apply(version_state *s, const version_edit *e);

/* --------------------------------------------------------------- manifest */
typedef struct manifest manifest;

/* Reads CURRENT: *number is the manifest it names.  WT_NOT_FOUND: no
 * CURRENT (a new DB); WT_CORRUPTION: malformed contents; WT_IO_ERROR. */
WT_MUST_USE wt_status manifest_read_current(const char *dir, uint64_t *number, char *why,
                                            size_t why_cap);

/* Writes MANIFEST-<number> holding a snapshot edit of *initial, syncs it
 * and the directory, then points CURRENT at it.  REQUIRES: number <
 * initial->next_file_number (the caller allocated it from the counter).
 * On WT_OK *out is the open manifest; on failure (WT_IO_ERROR,
 * WT_NO_SPACE) CURRENT still names the previous manifest, or, if the
 * failure came after the rename, may name either. */
WT_MUST_USE wt_status manifest_create_new(const char *dir, uint64_t number,
                                          const version_state *initial, manifest **out);

/* Rebuilds the state recorded in DIR: *out (initialised) is replaced.
 * WT_NOT_FOUND: no CURRENT (a new DB).  WT_CORRUPTION: CURRENT is
 * malformed or names a missing manifest, a record is damaged (other than
 * a torn last record, which is dropped), an edit does not decode or does
 * not apply, or no record set next_file_number; `why` (may be NULL) names
 * the file and offset, e.g. "d/MANIFEST-000004: offset 142: checksum
 * mismatch".  WT_IO_ERROR: a read failed.  On failure *out is empty. */
WT_MUST_USE wt_status manifest_recover(const char *dir, version_state *out, char *why,
                                       size_t why_cap);

/* Appends e as one record and syncs it (first syncing the directory when
 * e adds files, so the files it names are durable whenever the record is),
 * then applies e to *state.  REQUIRES: e applies to *state
 * (version_state_check_edit; an assertion).  On failure (WT_IO_ERROR,
 * WT_NO_SPACE) *state is unchanged and the record may be torn; a failed
 * append or sync is sticky, so the caller makes a new manifest to go on. */
WT_MUST_USE wt_status manifest_log_and_apply(manifest *m, const version_edit *e,
                                             version_state *state);

uint64_t manifest_number(const manifest *m);
/* Bytes appended to the manifest so far. */
uint64_t manifest_file_size(const manifest *m);

/* Closes the file and frees m; the status reports a failed close. */
WT_MUST_USE wt_status manifest_close(manifest *m);

#endif
