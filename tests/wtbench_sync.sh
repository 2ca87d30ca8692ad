#!/bin/sh
# wtbench_sync.sh — wtbench --sync --breakdown --fsync-bound in every mode:
# the leader's fsync is timed on each write path (the WAL-only path of
# unordered writes and two write queues too), so the breakdown's fsync
# phase is above zero and the bound from the run's own fsyncs is printed
# (bench/vs_db_bench.sh's o_share column reads it).  Nothing timed is
# asserted beyond "took some time".
# usage: wtbench_sync.sh WTBENCH
set -u
wtbench=$1
. "$(dirname "$0")/tap.sh"
echo "1..5"

# times_fsync MODE: 2 sync threads x 20 writes; the breakdown's fsync phase
# is > 0 us per group and the in-run bound line is there.
times_fsync() {
    "$wtbench" --mode "$1" --sync --threads 2 --num 20 --breakdown --fsync-bound \
        --db "$tmp/db-$1" > "$tmp/b.out" 2>&1 || { cat "$tmp/b.out"; return 1; }
    cat "$tmp/b.out"
    grep -q "^breakdown: groups=[1-9][0-9]* .* fsync=[0-9]*\.[0-9]* " "$tmp/b.out" &&
        ! grep -q "^breakdown: .* fsync=0\.00 " "$tmp/b.out" &&
        grep -q "^fsync_bound: in_run_fsync_us=[0-9.]* in_run_bound_ops_per_sec=[0-9]* in_run_achieved=[0-9.]* cycle_over_in_run_fsync=[0-9.]*$" "$tmp/b.out"
}
for mode in default serial pipelined unordered two-queues; do
    check "wtbench --mode $mode --sync --breakdown --fsync-bound: the fsync is timed" times_fsync "$mode"
done
exit $fail
