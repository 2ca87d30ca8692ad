#!/bin/sh
# export_db.sh WTLAB WTDB SOURCE_DIR — `wtlab run --export-db DIR` writes
# the simulated DB's files to a real directory: wtdb scans it and dumps
# its WAL, and RocksDB's ldb (Debian rocksdb-tools; skipped when absent)
# reads the same WAL records (sequence, count, bytes, offset) as the
# trace's wal_append events show.  A non-empty or unusable target is bad
# input (exit 2).
set -u
wtlab=$1 wtdb=$2 src=$3
. "$(dirname "$0")/tap.sh"
scenarios="scenarios/rocksdb/WriteCallbackTest.WriteCallBackTest.json
scenarios/rocksdb/WriteCallbackPTest.WriteWithCallbackTest.json
tests/data/expect/events-met.json
scenarios/two-write-queues.json
scenarios/pipelined.json"
echo "1..16"

# records_of_trace TRACE: "seq,count,bytes,offset" of each appended record.
records_of_trace() {
    sed -n 's/.*"ev":"wal_append".*"offset":\([0-9]*\),"bytes":\([0-9]*\),"first_seq":\([0-9]*\),"count":\([0-9]*\),"status":"ok".*/\3,\4,\2,\1/p' "$1"
}
# records_of_dump: the same four fields of dump-wal / ldb dump_wal lines.
records_of_dump() { grep '^[0-9]' | cut -d, -f1-4; }

i=0
for s in $scenarios; do
    i=$((i + 1))
    d=$tmp/db$i
    check "$s: exported" "$wtlab" run "$src/$s" -q -o "$tmp/t$i.jsonl" --export-db "$d"
    records_of_trace "$tmp/t$i.jsonl" > "$tmp/trace$i"
    : > "$tmp/wtdb$i"
    : > "$tmp/ldb$i"
    for f in "$d"/*.log; do
        "$wtdb" --db "$d" dump-wal "$f" | records_of_dump >> "$tmp/wtdb$i"
        if command -v ldb > /dev/null; then ldb dump_wal --walfile="$f" | records_of_dump >> "$tmp/ldb$i"; fi
    done
    n=$((n + 1))
    if ! command -v ldb > /dev/null; then
        echo "ok $n - $s: ldb dump_wal # SKIP ldb (Debian rocksdb-tools) is not installed"
    elif [ -s "$tmp/trace$i" ] && cmp -s "$tmp/trace$i" "$tmp/ldb$i" && cmp -s "$tmp/trace$i" "$tmp/wtdb$i"; then
        echo "ok $n - $s: ldb dump_wal and wtdb dump-wal read the trace's $(wc -l < "$tmp/trace$i") WAL records"
    else
        echo "not ok $n - $s: ldb dump_wal, wtdb dump-wal and the trace's wal_append differ"
        for k in trace wtdb ldb; do echo "# $k:"; sed 's/^/#   /' "$tmp/$k$i"; done
        fail=1
    fi
done
check "wtdb scans the exported DB: the scenario's final contents" sh -c \
    "'$wtdb' --db '$tmp/db1' scan > '$tmp/scan' && [ \"\$(cat '$tmp/scan')\" = 'a : value.a2' ]"
fl=$src/tests/data/export/flushed.json
check "a run whose flush wrote a table exports the table and the new WAL" sh -c "
    '$wtlab' run '$fl' -q -o '$tmp/fl.jsonl' --export-db '$tmp/fl' && ls '$tmp/fl' | grep -q '\.sst\$' && ls '$tmp/fl' | grep -q '\.log\$'"
x=$(printf '%1000s' '' | tr ' ' x)
check "wtdb scans the table and the WAL of the export: exactly the scenario's contents" sh -c "
    '$wtdb' --db '$tmp/fl' scan > '$tmp/flscan' && printf 'k2 : v2\nk3 : v3\npad1 : $x\n' | cmp - '$tmp/flscan'"
mkdir "$tmp/full" && touch "$tmp/full/x"
check "a non-empty target directory is bad input" \
    expect_status 2 'the directory is not empty' "$wtlab" run "$src/tests/data/expect/events-met.json" -q -o "$tmp/x.jsonl" --export-db "$tmp/full"
check "a target under a regular file is bad input" \
    expect_status 2 "export-db $tmp/full/x/db" "$wtlab" run "$src/tests/data/expect/events-met.json" -q -o "$tmp/x.jsonl" --export-db "$tmp/full/x/db"
check "--export-db without a directory is a usage error" \
    expect_status 2 "requires an argument" "$wtlab" run "$src/tests/data/expect/events-met.json" --export-db
exit $fail
