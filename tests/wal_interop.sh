#!/bin/sh
# wal_interop.sh — RocksDB's own reader judges WAL files written by wal.c.
#
# Usage: wal_interop.sh WAL_WRITE_EXAMPLE DATA_DIR [WTDB]
#
# Goal: a WAL written by engine/wal.c reads back in RocksDB 7.8.3's
# `ldb dump_wal` with no corruption reported and with exactly the batches,
# sequence numbers, byte sizes and physical offsets we expect; and the
# RocksDB-written fixture DATA_DIR/rocksdb-7.8.3.log dumps as its README
# says.
#
# Method: run wal_write_example (tests/wal_write_example.c) to write a
# file, dump it with `ldb dump_wal --header --print_value`, and compare
# with DATA_DIR/wal_example.expected; the same for the fixture and
# DATA_DIR/rocksdb-7.8.3.expected.  Before comparing, hex values longer than
# 32 bytes are shortened to their first 16 bytes and their size, and
# spaces are normalised (ldb ends lines with a blank); the last line of each
# expected file is the sha256 of ldb's unshortened output, so every byte of
# every value is still checked.  With WTDB: `wtdb dump-wal --header --hex`
# prints the fixture byte for byte as ldb does, and the example too except
# for one documented column: for a record that follows a 1-6 byte block
# trailer ldb prints the trailer's offset (RocksDB's LastRecordOffset is
# taken before the trailer is skipped), wtdb the record's own (wal.h).  ldb must print nothing on stderr (it
# reports corruption there) and exit 0.
#
# Exit 0: pass; 1: fail; 77: skip (no ldb installed).
set -eu

if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: $0 WAL_WRITE_EXAMPLE DATA_DIR [WTDB]" >&2
    exit 1
fi
example=$1
data=$2
wtdb=${3:-}

ldb=$(command -v ldb || command -v rocksdb_ldb || true)
if [ -z "$ldb" ]; then
    echo "wal_interop: ldb (rocksdb-tools) not found; skipping" >&2
    exit 77
fi
if ! command -v sha256sum >/dev/null 2>&1; then
    echo "wal_interop: sha256sum not found; skipping" >&2
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wal-interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# dump WAL_FILE OUT: ldb's dump, shortened, plus the hash of the full dump.
dump() {
    if ! "$ldb" dump_wal --walfile="$1" --header --print_value >"$tmp/raw" 2>"$tmp/err"; then
        echo "wal_interop: ldb failed on $1:" >&2
        cat "$tmp/err" >&2
        return 1
    fi
    if [ -s "$tmp/err" ]; then
        echo "wal_interop: ldb reported problems in $1:" >&2
        cat "$tmp/err" >&2
        return 1
    fi
    awk '{
        for (i = 1; i <= NF; i++)
            if (length($i) > 66 && $i ~ /^0x[0-9A-F]+$/)
                $i = substr($i, 1, 34) "...(" (length($i) - 2) / 2 " bytes)"
        $1 = $1
        print
    }' "$tmp/raw" >"$2"
    hash=$(sha256sum <"$tmp/raw" | cut -d ' ' -f 1)
    echo "sha256 of the full dump: $hash" >>"$2"
}

# check NAME WAL_FILE EXPECTED
check() {
    dump "$2" "$tmp/$1.got" || return 1
    if ! cmp -s "$3" "$tmp/$1.got"; then
        echo "wal_interop: $1: ldb's dump differs from $3:" >&2
        diff "$3" "$tmp/$1.got" >&2 || true
        return 1
    fi
    echo "wal_interop: $1: ldb's dump matches $3"
}

"$example" "$tmp/000004.log"
status=0
check example "$tmp/000004.log" "$data/wal_example.expected" || status=1
check fixture "$data/rocksdb-7.8.3.log" "$data/rocksdb-7.8.3.expected" || status=1

# wtdb's reader and printer against ldb's.  same_as_ldb NAME FILE [no-offset]
same_as_ldb() {
    "$ldb" dump_wal --walfile="$2" --header --print_value >"$tmp/$1.ldb" 2>/dev/null || return 1
    "$wtdb" dump-wal "$2" --header --hex >"$tmp/$1.wtdb" || return 1
    if [ "${3:-}" = no-offset ]; then
        for f in "$tmp/$1.ldb" "$tmp/$1.wtdb"; do
            awk 'BEGIN { FS = OFS = "," } NR > 1 { $4 = "-" } { print }' "$f" >"$f.cut"
            mv "$f.cut" "$f"
        done
    fi
    if ! cmp -s "$tmp/$1.ldb" "$tmp/$1.wtdb"; then
        echo "wal_interop: $1: wtdb dump-wal differs from ldb dump_wal:" >&2
        diff "$tmp/$1.ldb" "$tmp/$1.wtdb" | cut -c1-200 >&2 || true
        return 1
    fi
    echo "wal_interop: $1: wtdb dump-wal prints what ldb prints"
}
if [ -n "$wtdb" ]; then
    same_as_ldb example "$tmp/000004.log" no-offset || status=1
    same_as_ldb fixture "$data/rocksdb-7.8.3.log" || status=1
fi
exit $status
