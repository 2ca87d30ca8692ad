#!/bin/sh
# bench/explore_bench.sh WTLAB SOURCE_DIR [CAP [SCENARIO...]] — search power
# per scenario and policy: runs, Mazurkiewicz classes, seconds and whether
# the space was exhausted.  random/pct/pos make CAP runs (default 2000); dfs
# and dpor search at most 1 preemption and stop at CAP runs (not exhausted
# then).  SCENARIO...: only these (default: all seven below).
# dfs on stride-wakeup gets CAP/10 runs: its sleep sets cut most runs there
# (200 counted runs took 31,832 cut ones and 113 s of CPU), so CAP runs
# would not fit the benchmark's timeout.  dpor makes CAP runs there since
# it got faster (2,000 runs: 101 s of CPU; before, 300 took 43 s).  The
# stride-wakeup part at CAP 2000 (`sh bench/explore_bench.sh WTLAB . 2000
# stride-wakeup`) took 492 s on 2 loaded cores (269 s of CPU).
# Prints a table (the cap column says how many runs were allowed);
# wall-clock seconds vary with the machine.
set -u
exe=$1 src=$2 cap=${3:-2000}
shift 2
[ $# -gt 0 ] && shift
scenarios=${*:-serial-group-commit parallel-memtable parallel-memtable-small pipelined pipelined-small memtable-switch stride-wakeup}
field() { sed -n "s/.*\"$1\": \([0-9.a-z]*\).*/\1/p"; }
printf '%-20s %-7s %6s %8s %8s %9s %s\n' scenario policy cap runs classes seconds exhausted
for sc in $scenarios; do
    for policy in random pct pos dfs dpor; do
        n=$cap
        [ "$sc" = stride-wakeup ] && [ $policy = dfs ] && n=$((cap / 10))
        out=$("$exe" explore "$src/scenarios/$sc.json" --policy $policy --max-preemptions 1 \
            --runs "$n" --json -q 2>/dev/null)
        case $? in 0|1) ;; *) echo "explore_bench: $sc $policy failed" >&2; exit 1 ;; esac
        printf '%-20s %-7s %6s %8s %8s %9s %s\n' "$sc" $policy "$n" "$(echo "$out" | field runs)" \
            "$(echo "$out" | field classes)" "$(echo "$out" | field seconds)" \
            "$(echo "$out" | field exhausted)"
    done
done
