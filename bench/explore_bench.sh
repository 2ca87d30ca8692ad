#!/bin/sh
# bench/explore_bench.sh WTLAB SOURCE_DIR [CAP] — search power per scenario
# and policy: runs, Mazurkiewicz classes, seconds and whether the space was
# exhausted.  random/pct/pos make CAP runs (default 2000); dfs and dpor
# search at most 1 preemption and stop at CAP runs (not exhausted then).
# stride-wakeup gets CAP/10 runs: since the clock and spinning are
# dependencies it makes about 18,000 races per run (dpor 5.7 runs/s) and
# dfs is slower still, so CAP runs would not fit the benchmark's timeout.
# Prints a table (the cap column says how many runs were allowed);
# wall-clock seconds vary with the machine.
set -u
exe=$1 src=$2 cap=${3:-2000}
field() { sed -n "s/.*\"$1\": \([0-9.a-z]*\).*/\1/p"; }
printf '%-20s %-7s %6s %8s %8s %9s %s\n' scenario policy cap runs classes seconds exhausted
for sc in serial-group-commit parallel-memtable parallel-memtable-small pipelined pipelined-small memtable-switch stride-wakeup; do
    n=$cap
    [ "$sc" = stride-wakeup ] && n=$((cap / 10))
    for policy in random pct pos dfs dpor; do
        out=$("$exe" explore "$src/scenarios/$sc.json" --policy $policy --max-preemptions 1 \
            --runs "$n" --json -q 2>/dev/null)
        case $? in 0|1) ;; *) echo "explore_bench: $sc $policy failed" >&2; exit 1 ;; esac
        printf '%-20s %-7s %6s %8s %8s %9s %s\n' "$sc" $policy "$n" "$(echo "$out" | field runs)" \
            "$(echo "$out" | field classes)" "$(echo "$out" | field seconds)" \
            "$(echo "$out" | field exhausted)"
    done
done
