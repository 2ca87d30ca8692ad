#!/bin/sh
# lessons.sh WTLAB — every lesson runs as its scenario expects, and the one
# command that makes all lesson charts (wtlab lesson --all) produces a
# non-empty PNG per lesson with no gnuplot warning (wtlab plot fails on
# any gnuplot output).  Exit 77 (skipped) without gnuplot.
set -u
wtlab=$1
command -v "${WTLAB_GNUPLOT:-gnuplot}" > /dev/null 2>&1 || { echo "1..0 # SKIP gnuplot not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$wtlab" lesson --all -o "$tmp" > "$tmp/out" 2>&1
status=$?
names=$("$wtlab" lesson --list)
data=$("$wtlab" --version | sed -n 's/^data *//p')
fail=0
[ $status -eq 0 ] || { echo "wtlab lesson --all exited $status"; cat "$tmp/out"; fail=1; }
for n in $names; do
    png=$tmp/$n.png
    if ! grep -q "^ok   $n\$" "$tmp/out"; then
        echo "FAIL $n: the lesson did not run as expected"; fail=1
    elif [ ! -s "$png" ] || [ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" != '211PNG' ]; then
        echo "FAIL $n: no PNG chart"; fail=1
    elif [ ! -s "$tmp/$n.jsonl" ]; then
        echo "FAIL $n: no trace"; fail=1
    else
        echo "ok   $n: trace and chart ($(wc -c < "$png") bytes)"
    fi
    # Zoomed charts named in the lesson's extras (scenarios/lessons/extras).
    extra=$data/scenarios/lessons/extras/$n.json
    [ -f "$extra" ] || continue
    for z in $(grep -o '"name": *"[a-z0-9-]*"' "$extra" | sed 's/.*"\([a-z0-9-]*\)"$/\1/'); do
        if [ -s "$tmp/$n-$z.png" ]; then echo "ok   $n: zoom $z"; else echo "FAIL $n: no zoom chart $n-$z.png"; fail=1; fi
    done
done
[ -n "$names" ] || { echo "FAIL: no lessons listed"; fail=1; }
exit $fail
