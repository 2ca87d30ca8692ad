#!/bin/sh
# bugs.sh BUILD_CLI_DIR SOURCE_DIR — the bug-finding proof.  For every bug
# that -Dinject_bug can re-introduce, with the wtlab built with that bug:
# explore (3000 pct runs, then if need be 3000 random runs: PCT is best at
# few deep preemptions, random at many small ones — lost_wakeup) finds a
# failing run; minimize shrinks it to a
# trace that still fails the same invariant; replay reproduces it exactly;
# the text timeline shows the failure.  The same scenario with the normal
# wtlab explores clean, so the failure is the bug's.  A bug that crashes
# the run (free_memtable_early) fails invariant "crashed": minimize keeps
# the crash's signal, replay reproduces it (tests/crash.sh has the rest).
set -u
cli=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bugs="skip_newer_links publish_early wake_before_detach lost_wakeup pipelined_link_late
      free_memtable_early status_after_complete pending_done_early no_slowdown_waits"
echo "1..$(( $(echo $bugs | wc -w) * 6 ))"
n=0 fail=0
report() { # report OK DESCRIPTION
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
for bug in $bugs; do
    exe=$cli/wtlab-bug-$bug
    sc=$src/tests/data/bugs/$bug.json
    if [ ! -x "$exe" ]; then
        for i in 1 2 3 4 5 6; do n=$((n + 1)); echo "ok $n - # SKIP $exe not built (-Dbug_variants=false)"; done
        continue
    fi
    "$cli/wtlab" explore "$sc" --policy random --runs 300 -q > "$tmp/clean" 2>&1
    report $? "$bug: the scenario explores clean without the bug"
    for policy in pct random; do
        "$exe" explore "$sc" --policy $policy --runs 3000 --save "$tmp/$bug" --save-max 1 -q \
            > "$tmp/found" 2>&1
        st=$?
        grep -E 'failures|first after' "$tmp/found" | sed "s/^ */# $policy: /"
        [ $st -eq 1 ] && break
    done
    report $([ $st -eq 1 ] && echo 0 || echo 1) "$bug: explore finds it within 3000 pct or 3000 random runs"
    trace=$(ls "$tmp/$bug"/*.jsonl 2>/dev/null | head -n 1)
    invariant=$(echo "$trace" | sed 's/.*-run[0-9]*-\(.*\)\.jsonl/\1/')
    "$exe" minimize "$trace" -o "$tmp/$bug-min.jsonl" > "$tmp/min" 2>&1
    st=$?
    sed -n '2,3p' "$tmp/min" | sed 's/^/# /'
    report $st "$bug: minimize keeps failing $invariant"
    # preemptions are shrunk as a set; each one left is needed (tried away)
    awk '$1 == "after" { for (i = 2; i <= NF; i++) if ($i ~ /^preemptions/) p = $(i - 1) }
         END { exit !(p != "" && p <= 10) }' "$tmp/min" && ! grep -q 'not needed' "$tmp/min"
    report $? "$bug: at most 10 preemptions left, each one needed"
    "$exe" replay "$tmp/$bug-min.jsonl" > "$tmp/replay" 2>&1
    [ $? -eq 1 ] && grep -q "replay matched.*failing $invariant" "$tmp/replay"
    report $? "$bug: the minimized trace replays to the same failure (exit 1)"
    "$exe" replay --text "$tmp/$bug-min.jsonl" > "$tmp/text" 2>&1
    grep " violation " "$tmp/text" | head -n 3 | sed 's/^/# /'
    grep -q " violation .*$invariant" "$tmp/text"
    report $? "$bug: the text timeline shows where it failed"
done
exit $fail
