#!/bin/sh
# rocks_fill.sh — bench/rocks_fill (RocksDB's side of the two-write-queues
# comparison, built only with librocksdb-dev) and its row in
# bench/vs_db_bench.sh: every mode writes what it was asked to, in
# wtbench's line format; bad arguments exit 2 with a reason; the script
# puts a two-queues row in the table (when db_bench is there) and refuses
# the mode without rocks_fill, and counts its goals under it.  Nothing
# timed is asserted.
# usage: rocks_fill.sh ROCKS_FILL WTBENCH VS_DB_BENCH_SH
set -u
rf=$1 wtbench=$2 vs=$3
. "$(dirname "$0")/tap.sh"
echo "1..9"

# fields MODE: the four mode fields rocks_fill must set, as RocksDB writes
# them to the OPTIONS file (pipelined, concurrent memtable, unordered, two queues).
fields() {
    case $1 in
        default) echo "false true false false" ;;
        serial) echo "false false false false" ;;
        pipelined) echo "true true false false" ;;
        unordered) echo "false true true false" ;;
        two-queues) echo "false true false true" ;;
    esac
}
# writes_all MODE: 2 threads x 40 writes: the line says ops=80, the DB's last
# sequence is 80, no WAL sync, and the DB's OPTIONS file has the mode's fields.
writes_all() {
    m=$1
    "$rf" --mode "$m" --threads 2 --num 40 --db "$tmp/db-$m" > "$tmp/rf.out" || return 1
    cat "$tmp/rf.out"
    grep -q "^rocks_fill: mode=$m threads=2 sync=0 ops=80 .*ops_per_sec=[0-9][0-9]* .*mean_group=[1-9][0-9.]* p50_us=[0-9.]* p99_us=[0-9.]* p999_us=[0-9.]* max_us=[0-9.]* .*last_sequence=80 wal_syncs=0$" "$tmp/rf.out" || return 1
    set -- $(fields "$m")
    opts=$(ls "$tmp/db-$m"/OPTIONS-* | tail -n 1)
    grep -q "^ *enable_pipelined_write=$1$" "$opts" && grep -q "^ *allow_concurrent_memtable_write=$2$" "$opts" &&
        grep -q "^ *unordered_write=$3$" "$opts" && grep -q "^ *two_write_queues=$4$" "$opts" ||
        { grep -E "pipelined|concurrent_memtable|unordered|two_write" "$opts"; return 1; }
}
for mode in default serial pipelined unordered two-queues; do
    check "rocks_fill --mode $mode sets its four fields and writes every batch" writes_all "$mode"
done
check "rocks_fill --sync: every batch written, the WAL synced" sh -c "
    '$rf' --mode two-queues --sync --threads 2 --num 5 --db '$tmp/db-sync' | tee '$tmp/s.out' &&
    grep -q 'sync=1 ops=10 .*last_sequence=10 wal_syncs=[1-9][0-9]*$' '$tmp/s.out'"
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
        # and the goal lines count that one no-sync cell (no 1 and 16
        # threads: no 16 t / 1 t line; no sync rows: no bound lines)
        grep -q '^two-queues 0 *2 ' "$tmp/vs.out" &&
            grep -q '^# goal: no sync, ratio >= 2.0: wt [01]/1' "$tmp/vs.out" &&
            grep -q '^# goal: p99 <= RocksDB p99: wt [01]/1' "$tmp/vs.out" &&
            ! grep -q '^# goal: .*16 t\|^# goal: sync' "$tmp/vs.out"
    else
        grep -q 'skipped' "$tmp/vs.out"
    fi
}
check "vs_db_bench.sh --modes two-queues: a row from rocks_fill and wtbench" two_queues_row
exit $fail
