#!/bin/sh
# crash.sh CLI_DIR SOURCE_DIR — a run that crashes is a failed run, never
# a dead wtlab.  Goal: with the injected bug free_memtable_early (the
# flush frees a memtable readers still search; the sim poisons freed
# memory, so the read faults), explore with --jobs 2 and --jobs 1 counts
# every run and reports the crash with its signal (exit 1, never "0
# runs"); the saved trace ends with a "crashed" violation and a summary
# naming SIGSEGV and is the same bytes when saved again; replay reproduces
# the crash without dying; minimize exits normally with a smaller trace
# that crashes the same way; a dfs search reports the crash too; so does
# `wtlab run`, completing its trace.
# Method: run the wtlab-bug-free_memtable_early commands and check their
# exit status, output and files.  Skipped (77) without bug variants.
set -u
cli=$1 src=$2
exe=$cli/wtlab-bug-free_memtable_early
sc=$src/tests/data/bugs/free_memtable_early.json
[ -x "$exe" ] || { echo "1..0 # SKIP $exe not built (-Dbug_variants=false)"; exit 0; }
. "$(dirname "$0")/tap.sh"
echo "1..13"

explore2() {
    "$exe" explore "$sc" --policy pct --runs 24 --jobs 2 --save "$tmp/$1" --save-max 2 \
        > "$tmp/$1.out" 2> "$tmp/$1.err"
    echo "exit status $?" >> "$tmp/$1.out"
}
explore2 a
explore2 b
cat "$tmp/a.out" "$tmp/a.err" | sed 's/^/# /'
check "explore --jobs 2 exits 1 and counts all 24 runs" \
    sh -c "grep -q 'exit status 1' '$tmp/a.out' && grep -q '^  24 runs in' '$tmp/a.out'"
check "explore --jobs 2 reports crashed runs with their signal" \
    grep -Eq '^    crashed +[1-9][0-9]* runs, first at run [0-9]+: SIGSEGV' "$tmp/a.out"
trace=$(ls "$tmp"/a/*-crashed.jsonl 2>/dev/null | head -n 1)
check "a crashed run's trace is saved" test -n "$trace"
check "its last line is the summary naming the signal, after a crashed violation" sh -c "
    tail -n 1 '$trace' | grep -q '^{\"type\":\"summary\",\"outcome\":\"crashed\",\"passed\":false,.*\"invariants\":\"crashed\",\"detail\":\"SIGSEGV\"' &&
    tail -n 2 '$trace' | head -n 1 | grep -q '\"ev\":\"violation\",\"invariant\":\"crashed\",\"detail\":\"SIGSEGV\"}$'"
# The freed memtable is read by the final checks, which main runs.
check "the violation names the fiber that crashed (main) at a step after the last event" sh -c "
    tail -n 2 '$trace' | head -n 1 | grep -q '\"fiber\":\"main\",\"ev\":\"violation\"' &&
    [ \$(tail -n 2 '$trace' | head -n 1 | sed 's/{\"step\":\([0-9]*\),.*/\1/') -ge \
      \$(tail -n 3 '$trace' | head -n 1 | sed 's/{\"step\":\([0-9]*\),.*/\1/') ]"
check "saving it again gives the same bytes" cmp "$trace" "$tmp/b/$(basename "$trace")"
check "explore --jobs 1 survives the crashes too" sh -c "
    '$exe' explore '$sc' --policy random --runs 6 -q > '$tmp/one' 2>&1; [ \$? -eq 1 ] &&
    grep -q '^  6 runs in' '$tmp/one' && grep -q 'crashed .*: SIGSEGV' '$tmp/one'"
check "replay reproduces the crash and exits 1 (the run it reproduces fails)" sh -c "
    '$exe' replay '$trace' > '$tmp/replay' 2>&1; [ \$? -eq 1 ] &&
    grep -q 'replay matched: .*the run ended: crashed, failing crashed at step [0-9]*: SIGSEGV' '$tmp/replay'"
check "replay --text shows the crash as a violation" sh -c "
    '$exe' replay --text '$trace' | grep -q ' violation  *crashed: SIGSEGV'"
"$exe" minimize "$trace" -o "$tmp/min.jsonl" > "$tmp/min" 2>&1
st=$?
sed 's/^/# /' "$tmp/min"
check "minimize exits 0 (not by a signal) and the result crashes the same way" sh -c "
    [ $st -eq 0 ] && grep -q 'it fails crashed at step [0-9]*: SIGSEGV' '$tmp/min' &&
    tail -n 1 '$tmp/min.jsonl' | grep -q '\"invariants\":\"crashed\",\"detail\":\"SIGSEGV\"' &&
    '$exe' replay '$tmp/min.jsonl' > '$tmp/minreplay' 2>&1; [ \$? -eq 1 ] && grep -q 'replay matched' '$tmp/minreplay'"
check "the normal build replays the crashed trace without dying (a divergence)" sh -c "
    '$cli/wtlab' replay '$trace' > '$tmp/clean' 2>&1; [ \$? -eq 1 ] && grep -q 'DIVERGED' '$tmp/clean'"
check "a dfs search reports the crash and exits 1" sh -c "
    '$exe' explore '$sc' --policy dfs --max-preemptions 0 --jobs 2 > '$tmp/dfs' 2>&1; [ \$? -eq 1 ] &&
    grep -q 'crashed .*: SIGSEGV' '$tmp/dfs'"
check "run reports the crash (exit 1) and completes its trace" sh -c "
    '$exe' run '$sc' --seed 3 -o '$tmp/run.jsonl' > '$tmp/run' 2>&1; [ \$? -eq 1 ] &&
    grep -q 'crashed   the run.s process died: SIGSEGV' '$tmp/run' &&
    tail -n 1 '$tmp/run.jsonl' | grep -q '\"outcome\":\"crashed\",.*\"detail\":\"SIGSEGV\"'"
exit $fail
