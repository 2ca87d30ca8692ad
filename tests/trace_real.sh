#!/bin/sh
# trace_real.sh WTDB WTBENCH WTLAB — traces of the pthreads build, end to
# end: recorded by `wtdb --trace` and `wtbench --trace`, shown by the lab.
#
# Goal: a real run's trace is something `wtlab replay` and `wtlab plot`
# read and show with the writer threads by name, and the tools refuse a
# trace file they cannot create with exit 2 and a clear message.
# Method: `wtdb load --threads 4 --sync --trace` of 400 puts; check the
# header (source real, threads w1..w4) and summary (nothing dropped); run
# `wtlab replay --text`, `--at 20` and `wtlab plot` on it (exit 0; the
# timeline has a write_begin of each of w1..w4 on its own thread; the plot
# is a PNG); record `wtbench --threads 2 --trace` and check its output line
# is the usual one; point both tools at a missing directory.  TAP output.
set -u
wtdb=$1 wtbench=$2 wtlab=$3
. "$(dirname "$0")/tap.sh"
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

echo "1..11"
i=0
while [ $i -lt 400 ]; do
    echo "put key$i value$i"
    i=$((i + 1))
done > "$tmp/ops"
trace=$tmp/real.jsonl
check "wtdb load --threads 4 --sync --trace records a trace" sh -c '
    "$1" --db "$2/db" load --threads 4 --sync --trace "$3" < "$2/ops"' sh "$wtdb" "$tmp" "$trace"
check "its header: source real, the writer threads are w1..w4" sh -c '
    head -n 1 "$1" | grep -q "\"source\":\"real\"" || exit 1
    threads=$(head -n 1 "$1" | sed -n "s/.*\"threads\":\[\([^]]*\)\].*/\1/p" | tr , "\n" | sort | tr -d "\n")
    [ "$threads" = "\"w1\"\"w2\"\"w3\"\"w4\"" ] || { echo "threads: $threads"; exit 1; }' sh "$trace"
check "its summary: every event recorded, groups formed" sh -c '
    tail -n 1 "$1" | grep -q "\"type\":\"summary\".*\"dropped_events\":0" || exit 1
    events=$(tail -n 1 "$1" | sed -n "s/.*\"events\":\([0-9]*\).*/\1/p")
    [ "$events" -eq $(($(wc -l < "$1") - 2)) ] || { echo "summary says $events events"; exit 1; }
    ! tail -n 1 "$1" | grep -q "\"groups\":0,"' sh "$trace"
check "wtlab replay --text shows it (exit 0)" sh -c '"$1" replay --text "$2" > "$3/text"' \
    sh "$wtlab" "$trace" "$tmp"
check "the timeline has each of w1..w4 beginning writes on its own thread" sh -c '
    for w in w1 w2 w3 w4; do
        grep -Eq "^ *[0-9]+ +[0-9.]+ +$w +write_begin +$w " "$1" || { echo "no write_begin of $w"; exit 1; }
    done' sh "$tmp/text"
check "wtlab replay --at 20 shows the state its events imply (exit 0)" sh -c '
    "$1" replay --at 20 "$2" > "$3/at" || exit 1
    grep -q "state after event 20" "$3/at" && grep -Eq "^ +w[1-4] " "$3/at"' sh "$wtlab" "$trace" "$tmp"
n=$((n + 1))
if command -v gnuplot > /dev/null 2>&1; then
    n=$((n - 1))
    check "wtlab plot draws it (exit 0, a PNG)" sh -c '
        "$1" plot "$2" -o "$3/real.png" && [ "$(head -c 8 "$3/real.png" | od -An -tx1 | tr -d " \n")" = \
            "89504e470d0a1a0a" ]' sh "$wtlab" "$trace" "$tmp"
else
    echo "ok $n - wtlab plot draws it # SKIP gnuplot is not installed"
fi
check "wtdb --trace into a missing directory: exit 2, named" \
    expect_status 2 "wtdb: --trace $tmp/no/t.jsonl: cannot create the file" \
    "$wtdb" --db "$tmp/db2" put k v --trace "$tmp/no/t.jsonl"
check "wtbench --trace: the usual output line, a trace of w1 and w2" sh -c '
    "$1" --threads 2 --num 200 --db "$2/bench" --trace "$2/bench.jsonl" > "$2/bench.out" || exit 1
    grep -q "^wtbench: mode=default fill=0 threads=2 sync=0 disable_wal=0 ops=400 " "$2/bench.out" || exit 1
    head -n 1 "$2/bench.jsonl" | grep -q "\"threads\":\[\"w[12]\",\"w[12]\"\]" || exit 1
    tail -n 1 "$2/bench.jsonl" | grep -q "\"dropped_events\":0"' sh "$wtbench" "$tmp"
check "wtbench --trace into a missing directory: exit 2, named" \
    expect_status 2 "wtbench: --trace $tmp/no/t.jsonl: cannot create the file" \
    "$wtbench" --num 10 --trace "$tmp/no/t.jsonl"
check "--help of both tools documents --trace" sh -c '
    "$1" --help | grep -q -- "--trace FILE" && "$2" --help | grep -q -- "--trace FILE"' \
    sh "$wtdb" "$wtbench"
exit $fail
