#!/bin/sh
# run.sh SOURCE_DIR OUT_DIR SECONDS [TARGET...] — builds the fuzz targets
# (build.sh) and runs each for SECONDS over a scratch copy of its seed
# corpus (tests/fuzz/corpus/NAME; the committed corpus is never changed).
# TAP: one line per target with its executions and coverage; a crash,
# leak, sanitizer report or engine assertion fails the target and its
# input is kept as OUT_DIR/crashes/NAME-*.  Skips (exit 77) without clang
# or libFuzzer.
#
# The regression inputs under tests/fuzz/regressions/NAME/ (if any) are
# replayed first, one run each.
#
# Long run, by hand (one target, ten minutes, all cores you can spare):
#   sh tests/fuzz/run.sh . build/fuzz 600 wal_reader
#   build/fuzz/fuzz_open -max_total_time=600 -jobs=2 NEW_DIR tests/fuzz/corpus/open
set -u
src=$1 out=$2 seconds=$3
shift 3
sh "$src/tests/fuzz/build.sh" "$src" "$out" || exit $?
targets=${*:-$(ls "$src"/tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')}
set -- $targets
echo "1..$#"
mkdir -p "$out/crashes"
fail=0 n=0
for t in $targets; do
    n=$((n + 1))
    # Scratch (the corpus copy and the targets' files) in memory when possible:
    # the open target fsyncs, which costs milliseconds on a disk.
    if [ -w /dev/shm ]; then work=$(mktemp -d -p /dev/shm); else work=$(mktemp -d); fi
    cp "$src/tests/fuzz/corpus/$t/"* "$work/" 2> /dev/null
    log=$out/$t.log
    ok=true
    if [ -d "$src/tests/fuzz/regressions/$t" ]; then
        "$out/fuzz_$t" -runs=0 "$src/tests/fuzz/regressions/$t" > "$log" 2>&1 || ok=false
    fi
    $ok && { TMPDIR=$work "$out/fuzz_$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=1024 \
        -max_len=65536 -artifact_prefix="$out/crashes/$t-" -print_final_stats=1 "$work" \
        > "$log" 2>&1 || ok=false; }
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, features \2, corpus \3/')
    if $ok; then
        echo "ok $n - fuzz_$t: ${execs:-?} execs in ${seconds} s, ${cov:-no coverage line}"
    else
        echo "not ok $n - fuzz_$t: failed after ${execs:-?} execs (input in $out/crashes/)"
        grep -E 'ERROR|assertion|SUMMARY' "$log" | head -5 | sed 's/^/# /'
        fail=1
    fi
    rm -rf "$work"
done
exit $fail
