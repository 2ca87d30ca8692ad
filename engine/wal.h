/*
 * wal.h — RocksDB's log format: the writer and the reader of WAL files.
 *
 * Format (legacy, non-recyclable; see shared/reference/wal-format.md):
 * 32 KiB blocks; each physical record = masked crc32c (u32 LE) | length
 * (u16 LE) | type (u8) | payload; types FULL=1 FIRST=2 MIDDLE=3 LAST=4; a
 * logical record that does not fit in the block is fragmented; a block tail
 * shorter than 7 bytes is zero-filled.  The CRC covers the type byte and
 * the payload.
 *
 * Writer: not thread-safe; the engine serialises appends (one WAL leader,
 * or log_write_mutex with two write queues).  Each wal_add_record is one
 * port_file_append of all its fragments, so a crash tears at most the last
 * record.  The writer owns its file.
 *
 * Reader: reassembles logical records and reports every problem with the
 * physical offset where it starts and a reason; the caller (recovery)
 * decides what a problem means under its WAL recovery mode.
 */
#ifndef WT_WAL_H
#define WT_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coding.h"
#include "port.h"
#include "status.h"

enum {
    WAL_BLOCK_SIZE = 32768,
    WAL_HEADER_SIZE = 7,
};

typedef enum wal_record_type {
    WAL_ZERO = 0, /* preallocated space; never written */
    WAL_FULL = 1,
    WAL_FIRST = 2,
    WAL_MIDDLE = 3,
    WAL_LAST = 4,
} wal_record_type;

/* ---------------------------------------------------------------- writer */
typedef struct wal_writer wal_writer;

/* Takes ownership of f.  file_size: bytes already in f (0 for a new WAL). */
wal_writer *wal_writer_create(port_file *f, uint64_t log_number, uint64_t file_size);

/* Appends one logical record.  *offset_out (may be NULL) receives the file
 * offset of its first physical header.  On failure the file may hold a torn
 * prefix of the record; the writer stays usable for wal_writer_close only. */
WT_MUST_USE wt_status wal_add_record(wal_writer *w, const void *data, size_t n,
                                     uint64_t *offset_out);
/* (Added) A failed append or sync is sticky: every later wal_add_record
 * and wal_sync returns that first error without touching the file, because
 * after a failed write or fsync nothing about the file's durable contents
 * can be trusted.  wal_file_size stays at the end of the last record that
 * was appended successfully. */
WT_MUST_USE wt_status wal_sync(wal_writer *w);
uint64_t wal_file_size(const wal_writer *w);
/* The file, for a sync done outside the writer's lock (the caller keeps
 * the writer open meanwhile and reports a failure with wal_writer_set_error). */
port_file *wal_writer_file(const wal_writer *w);
/* Makes s the writer's sticky error (first one wins). */
void wal_writer_set_error(wal_writer *w, wt_status s);
/* After the caller truncated the file to file_size (port_truncate), go on
 * appending from there: used to take back the last record(s) of a group
 * whose memtable insert failed.  REQUIRES: file_size <= wal_file_size(w). */
void wal_writer_rewind(wal_writer *w, uint64_t file_size);
uint64_t wal_log_number(const wal_writer *w);
/* Closes the file and frees w. */
WT_MUST_USE wt_status wal_writer_close(wal_writer *w);

/* ---------------------------------------------------------------- reader */
typedef enum wal_problem_kind {
    WAL_PROBLEM_CHECKSUM,       /* crc mismatch */
    WAL_PROBLEM_BAD_LENGTH,     /* length runs past the block / file */
    WAL_PROBLEM_BAD_TYPE,       /* unknown record type */
    WAL_PROBLEM_UNEXPECTED,     /* MIDDLE/LAST without FIRST, FIRST/FULL inside a record */
    WAL_PROBLEM_TRUNCATED_HEADER, /* file ends inside a header (tail) */
    WAL_PROBLEM_TRUNCATED_RECORD, /* file ends inside a payload or fragmented record (tail) */
    WAL_PROBLEM_IO,             /* read error */
} wal_problem_kind;

typedef struct wal_problem {
    wal_problem_kind kind;
    uint64_t offset;    /* physical offset where the bad bytes start */
    uint64_t bytes;     /* bytes dropped */
    bool at_tail;       /* nothing readable follows (a torn tail) */
    const char *reason; /* static text, e.g. "checksum mismatch" */
    /* (Added) A fragmented logical record that the problem cut short is
     * dropped with it: its fragments occupy [partial_offset, offset), from
     * its FIRST header up to the bad bytes (block trailers included), and
     * partial_bytes = offset - partial_offset.  partial_bytes == 0: none
     * (a fragment is never shorter than its 7-byte header). */
    uint64_t partial_offset;
    uint64_t partial_bytes;
} wal_problem;

/*
 * (Added) How the reader classifies and resynchronises, following RocksDB
 * 7.8.3's log::Reader (log_reader.cc) so a recovery mode can be applied
 * to the problems exactly as RocksDB applies it to its reporter calls:
 *
 *  kind               reason (RocksDB's text)           bytes / resync      at_tail
 *  CHECKSUM           "checksum mismatch"               rest of the block   no
 *  BAD_LENGTH         "bad record length"               rest of the block   no
 *  BAD_TYPE           "unknown record type"             that record         no
 *  UNEXPECTED         "missing start of fragmented      that record         no
 *                      record"
 *  UNEXPECTED         "partial record without end"      0 (the FULL/FIRST   no
 *                                                        that came instead
 *                                                        is read next)
 *  UNEXPECTED         "error in middle of record"       rest of the block   no
 *                      (zero padding inside a fragmented record)
 *  TRUNCATED_HEADER   "truncated header"                to end of file      yes
 *  TRUNCATED_RECORD   "truncated record body"           to end of file      yes
 *  TRUNCATED_RECORD   "error reading trailing data"     0 (at end of file)  yes
 *  IO                 "read error"                      0                   no
 *
 * A checksum or length error drops the rest of its 32 KiB block, as
 * RocksDB does: the length field cannot be trusted, so the next record
 * looked for is at the next block boundary.  BAD_LENGTH is reported for
 * a whole 32 KiB block; a length running past the end of a short block
 * (the end of the file) is a torn tail, TRUNCATED_RECORD.  After an
 * at_tail or IO problem the reader returns WAL_READ_EOF.  Where RocksDB
 * calls its reporter twice (the bad bytes, then "error in middle of record"
 * for the interrupted logical record) this reader reports once, with
 * partial_bytes set.  A zero-type, zero-length header (preallocated zero
 * space) silently skips the rest of its block.  A FIRST of length 0 (the
 * writer had exactly 7 bytes left in a block) followed by a FULL or FIRST
 * is dropped silently.  Recyclable records (types 5-8, 11-byte header) and
 * RocksDB's metadata record types are not supported: they surface as
 * CHECKSUM or BAD_TYPE problems.
 *
 * The offset of a record is that of its first physical header, as
 * wal_add_record reports it.  (RocksDB's LastRecordOffset, printed by
 * `ldb dump_wal`, is taken before a block trailer is skipped, so for a
 * record that follows a 1-6 byte zero trailer it is the trailer's offset.)
 */

/* (Added) Stable lower-case name of a problem kind ("checksum", ...). */
const char *wal_problem_kind_name(wal_problem_kind kind);

typedef struct wal_reader wal_reader;

/* Takes ownership of f. */
wal_reader *wal_reader_create(port_file *f, uint64_t log_number);
void wal_reader_destroy(wal_reader *r);

typedef enum wal_read_result {
    WAL_READ_RECORD,  /* *record and *offset set; valid until the next call */
    WAL_READ_EOF,     /* clean end of file */
    WAL_READ_PROBLEM, /* *problem set; the next call resumes after the bad bytes */
} wal_read_result;

wal_read_result wal_read_record(wal_reader *r, wt_slice *record, uint64_t *offset,
                                wal_problem *problem);

#endif
