#!/bin/sh
# bench/bug_table.sh CLI_DIR SOURCE_DIR [SEEDS [CAP [DPOR_CAP [ORDER_CAP]]]] — runs
# to the first failure for every injected bug (engine/bugs.h), per policy.
#
# For random, pct and pos: SEEDS sweeps (default 20) with disjoint seed
# ranges (sweep k starts at seed 1 + k*CAP; run i of it uses seed start+i),
# each stopped at its first failing run (--first-failure) or after CAP runs
# (default 500).  The table gives the mean number of runs to the first
# failure over the sweeps that found the bug, and how many found it; a
# sweep that did not counts as "> CAP" and is left out of the mean.  dpor
# in its fixed order is deterministic: one search (at most 2 preemptions,
# the default bound), stopped at its first failure or after DPOR_CAP runs
# (default 3000); when it does not find the bug, the cell says how far back
# into the runs the search got: the lowest decision a run changed, of the
# decisions a run has (--json shallowest_change, decisions_per_run).  dpor
# with --order random: SEEDS searches (seeds 1..SEEDS) without a bound and
# SEEDS at 2 preemptions, each stopped at its first failure or after
# ORDER_CAP runs (default DPOR_CAP), counted like the sampling policies.
# Needs the bug builds (meson setup without -Dbug_variants=false).  Prints a
# Markdown table; progress to stderr.  Not a test: a benchmark of search
# power (it takes minutes).  BUGS="a b" limits it to those bugs.
set -u
cli=$1 src=$2 seeds=${3:-20} cap=${4:-500} dcap=${5:-3000}
bugs=${BUGS:-"skip_newer_links publish_early wake_before_detach lost_wakeup pipelined_link_late
      free_memtable_early status_after_complete pending_done_early no_slowdown_waits"}
ocap=${6:-$dcap}
field() { sed -n "s/.*\"$1\": \([0-9.-]*\).*/\1/p"; }
# sweeps LABEL CAP STRIDE EXPLORE_ARGS...: SEEDS explores with --seed
# 1 + k*STRIDE, each stopped at its first failure or after CAP runs; prints
# the table cell (mean runs to the first failure over those that found it,
# and how many did), and LABEL's progress line to stderr.
sweeps() {
    label=$1 scap=$2 stride=$3
    shift 3
    sum=0 found=0 k=0
    while [ $k -lt "$seeds" ]; do
        out=$("$exe" explore "$sc" "$@" --seed $((1 + k * stride)) --runs "$scap" \
            --first-failure --json -q 2>/dev/null)
        runs=$(echo "$out" | field runs) failures=$(echo "$out" | field failures)
        if [ "${failures:-0}" -gt 0 ]; then
            sum=$((sum + runs))
            found=$((found + 1))
        fi
        k=$((k + 1))
    done
    echo "$bug $label: $found of $seeds found it" >&2
    if [ $found -gt 0 ]; then
        awk -v s=$sum -v f=$found -v n="$seeds" 'BEGIN { printf "%.1f (%d/%d)", s / f, f, n }'
    else
        echo "> $scap (0/$seeds)"
    fi
}
printf '| bug | random | pct | pos | dpor (bound 2) | dpor, random order, no bound | dpor, random order, bound 2 |\n'
printf '|---|---|---|---|---|---|---|\n'
for bug in $bugs; do
    exe=$cli/wtlab-bug-$bug
    sc=$src/tests/data/bugs/$bug.json
    if [ ! -x "$exe" ]; then
        echo "bench/bug_table.sh: $exe not built (-Dbug_variants=false)" >&2
        exit 2
    fi
    row="| $bug"
    for policy in random pct pos; do
        row="$row | $(sweeps "$policy" "$cap" "$cap" --policy $policy)"
    done
    out=$("$exe" explore "$sc" --policy dpor --runs "$dcap" --first-failure --json -q 2>/dev/null)
    runs=$(echo "$out" | field runs) failures=$(echo "$out" | field failures)
    if [ "${failures:-0}" -gt 0 ]; then row="$row | $runs"
    elif echo "$out" | grep -q '"exhausted": true'; then row="$row | not found (exhausted in $runs)"
    else
        row="$row | > $dcap (from decision $(echo "$out" | field shallowest_change) of $(echo "$out" | field decisions_per_run) on)"
    fi
    for bound in 64 2; do
        row="$row | $(sweeps "dpor random order, bound $bound" "$ocap" 1 --policy dpor \
            --order random --max-preemptions $bound)"
    done
    echo "$row |"
done
