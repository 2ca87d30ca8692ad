#!/bin/sh
# vs_db_bench.sh — wtlab's pthreads engine and RocksDB's db_bench, fillrandom,
# side by side in one run: for each thread count and sync setting, db_bench
# then wtbench (RocksDB's behaviour), then for sync writes wtbench
# --sync-group-fill (the wtlab extension), the same keys (16 bytes), values
# (100 bytes) and writes per thread, on the same file system.  One row each:
#
#   threads sync rocksdb_ops/s wtlab_ops/s ratio fill_ops/s fill_ratio
#       rocksdb_group wtlab_group fill_group
#
# ratio = wtlab / rocksdb.  *_group = batches per WAL record (writes per
# group commit), read back from each WAL (RocksDB's with `ldb dump_wal`).
#
# usage: vs_db_bench.sh WTBENCH [--threads "1 2 4 8 16"] [--num N]
#                               [--sync-num N] [--dir DIR]
# Needs db_bench and ldb (Debian: rocksdb-tools); without them it says so
# and exits 0 (a benchmark, not a test).  The machine is shared and noisy:
# compare the ratio within one run, not absolute numbers across runs.
set -eu
WTBENCH=${1:?usage: vs_db_bench.sh WTBENCH [--threads LIST] [--num N] [--sync-num N] [--dir DIR]}
shift
THREADS="1 2 4 8 16"
NUM=50000      # writes per thread, no sync
SYNC_NUM=1000  # writes per thread, sync
BASE=${TMPDIR:-/tmp}
while [ $# -gt 0 ]; do
    case $1 in
        --threads) THREADS=$2; shift 2 ;;
        --num) NUM=$2; shift 2 ;;
        --sync-num) SYNC_NUM=$2; shift 2 ;;
        --dir) BASE=$2; shift 2 ;;
        *) echo "vs_db_bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
if ! command -v db_bench >/dev/null 2>&1 || ! command -v ldb >/dev/null 2>&1; then
    echo "vs_db_bench: db_bench/ldb not installed (apt-get install rocksdb-tools); skipped"
    exit 0
fi
WORK=$(mktemp -d "$BASE/vs-db-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

# Batches per WAL record in RocksDB's WAL(s) in $1.
rocksdb_group() {
    for f in "$1"/*.log; do
        [ -e "$f" ] || continue
        ldb dump_wal --walfile="$f" 2>/dev/null
    done | awk -F, '$1 ~ /^[0-9]+$/ { n++; c += $2 } END { if (n) printf "%.2f", c / n; else printf "-" }'
}

row() {
    printf '%-7s %-4s %13s %11s %5s %10s %10s %13s %11s %10s\n' "$@"
}
row threads sync rocksdb_ops/s wtlab_ops/s ratio fill_ops/s fill_ratio rocksdb_group \
    wtlab_group fill_group
for sync in 0 1; do
    num=$NUM
    [ "$sync" = 1 ] && num=$SYNC_NUM
    for t in $THREADS; do
        rm -rf "$WORK/rocks"
        out=$(db_bench --benchmarks=fillrandom --threads="$t" --num="$num" --sync="$sync" \
            --key_size=16 --value_size=100 --db="$WORK/rocks" --wal_dir="$WORK/rocks" \
            --disable_auto_compactions=1 --compression_type=none --statistics=0 2>&1) || {
            echo "vs_db_bench: db_bench failed:" >&2; echo "$out" >&2; exit 1; }
        rops=$(echo "$out" | awk '/^fillrandom/ { for (i = 1; i <= NF; i++) if ($(i) ~ /^ops\/sec;?$/) print $(i-1) }')
        rgroup=$(rocksdb_group "$WORK/rocks")
        syncarg=
        [ "$sync" = 1 ] && syncarg=--sync
        wout=$("$WTBENCH" --threads "$t" --num "$num" $syncarg --db "$WORK/wt") || {
            echo "vs_db_bench: wtbench failed" >&2; exit 1; }
        wops=$(echo "$wout" | sed -n 's/.*ops_per_sec=\([0-9]*\).*/\1/p')
        wgroup=$(echo "$wout" | sed -n 's/.*mean_group=\([0-9.]*\).*/\1/p')
        fops=- fgroup=- fratio=-
        if [ "$sync" = 1 ]; then
            fout=$("$WTBENCH" --threads "$t" --num "$num" --sync --sync-group-fill \
                --db "$WORK/wt") || { echo "vs_db_bench: wtbench failed" >&2; exit 1; }
            fops=$(echo "$fout" | sed -n 's/.*ops_per_sec=\([0-9]*\).*/\1/p')
            fgroup=$(echo "$fout" | sed -n 's/.*mean_group=\([0-9.]*\).*/\1/p')
            fratio=$(awk -v a="$fops" -v b="$rops" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
        fi
        ratio=$(awk -v a="$wops" -v b="$rops" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
        row "$t" "$sync" "$rops" "$wops" "$ratio" "$fops" "$fratio" "$rgroup" "$wgroup" "$fgroup"
    done
done
