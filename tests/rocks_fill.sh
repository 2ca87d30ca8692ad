#!/bin/sh
# rocks_fill.sh — bench/rocks_fill (RocksDB's side of the two-write-queues
# comparison, built only with librocksdb-dev) and its row in
# bench/vs_db_bench.sh: every mode writes what it was asked to, in
# wtbench's line format; bad arguments exit 2 with a reason; the script
# puts a two-queues row in the table (when db_bench is there) and refuses
# the mode without rocks_fill.  Nothing timed is asserted.
# usage: rocks_fill.sh ROCKS_FILL WTBENCH VS_DB_BENCH_SH
set -u
rf=$1 wtbench=$2 vs=$3
. "$(dirname "$0")/tap.sh"
echo "1..9"

# writes_all MODE: 2 threads x 40 writes, the line says ops=80 and a group size.
writes_all() {
    "$rf" --mode "$1" --threads 2 --num 40 --db "$tmp/db-$1" > "$tmp/rf.out" || return 1
    cat "$tmp/rf.out"
    grep -q "^rocks_fill: mode=$1 threads=2 sync=0 ops=80 .*ops_per_sec=[0-9][0-9]* .*mean_group=[1-9][0-9.]* p50_us=[0-9.]* p99_us=[0-9.]* p999_us=[0-9.]* max_us=[0-9.]*" "$tmp/rf.out"
}
for m in default serial pipelined unordered two-queues; do
    check "rocks_fill --mode $m writes every batch and prints wtbench's keys" writes_all "$m"
done
check "rocks_fill --sync: 1 thread x 5 sync writes, groups of one" sh -c "
    '$rf' --mode two-queues --sync --num 5 --db '$tmp/db-sync' | tee '$tmp/s.out' &&
    grep -q 'sync=1 ops=5 .*mean_group=1.00' '$tmp/s.out'"
check "rocks_fill: an unknown mode is usage (exit 2)" \
    expect_status 2 "unknown mode 'both'" "$rf" --mode both
check "rocks_fill: a bad count is usage (exit 2)" \
    expect_status 2 "bad argument '--num'" "$rf" --num 12x
# The table's two-queues row: with db_bench a row, without it the script skips.
two_queues_row() {
    sh "$vs" "$wtbench" --rocks-fill "$rf" --modes two-queues --threads 2 --sync 0 --num 200 \
        --dir "$tmp" > "$tmp/vs.out" 2>&1 || { cat "$tmp/vs.out"; return 1; }
    cat "$tmp/vs.out"
    if command -v db_bench > /dev/null 2>&1 && [ -x /usr/bin/time ]; then
        grep -q '^two-queues 0 *2 ' "$tmp/vs.out"
    else
        grep -q 'skipped' "$tmp/vs.out"
    fi
}
check "vs_db_bench.sh --modes two-queues: a row from rocks_fill and wtbench" two_queues_row
exit $fail
