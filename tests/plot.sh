#!/bin/sh
# plot.sh WTLAB SCENARIO — `wtlab plot` draws every kind of chart, as PNG
# and as SVG, without a word from gnuplot, and refuses bad input.
#
# Goal: a chart that students read must exist, be a real image, and be
# drawn cleanly (wtlab fails when gnuplot warns); wrong input must be
# named with its file and line and exit 2.
# Method: run SCENARIO (tests/data/scenarios/plot-small.json: four writers
# in groups, a failing WAL sync) to get a trace; plot each kind to .png and
# .svg and check the exit status, an empty stderr, the PNG signature or the
# <svg> root, and that the script carries the lanes, the state colours and
# the error marks; then feed a missing file, a file that is not a trace, a
# trace with an unknown state, a line missing a key, a line with a key no
# kind has, a stand-in gnuplot that warns, and a gnuplot that does not
# exist; a version-1 trace (tests/data/traces/) must still draw.  TAP output; exit 77 without gnuplot.
set -u
wtlab=$1 scenario=$2
if ! command -v gnuplot > /dev/null 2>&1; then
    echo "1..0 # SKIP gnuplot is not installed (install gnuplot-nox)"
    exit 77
fi
. "$(dirname "$0")/tap.sh"
# plots_clean OUTPUT ARGS...: exit 0, nothing on stderr, a non-empty file.
plots_clean() {
    out=$1
    shift
    "$wtlab" plot "$@" -o "$out" 2> "$tmp/err" || { cat "$tmp/err"; return 1; }
    [ ! -s "$tmp/err" ] || { echo "stderr not empty:"; cat "$tmp/err"; return 1; }
    [ -s "$out" ] || { echo "$out missing or empty"; return 1; }
}
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }
is_svg() { grep -q '<svg' "$1" && grep -q '</svg>' "$1"; }

echo "1..28"
trace=$tmp/small.jsonl
check "wtlab run writes a trace" "$wtlab" run "$scenario" -q -o "$trace"

for kind in timeline transitions groups; do
    check "$kind: png drawn without gnuplot warnings" plots_clean "$tmp/$kind.png" "$trace" --kind "$kind"
    check "$kind: png signature" is_png "$tmp/$kind.png"
    check "$kind: svg drawn without gnuplot warnings" plots_clean "$tmp/$kind.svg" "$trace" --kind "$kind"
    check "$kind: svg root element" is_svg "$tmp/$kind.svg"
done

# What the timeline shows: writer lanes, states in their table colours,
# groups, WAL syncs, the failed sync.  (#d62728 is GROUP_LEADER in sim/lab/state_style.c.)
check "timeline script has lanes, state colours, groups and errors" sh -c '
    "$1" plot "$2" -o "$3/t.png" --script "$3/t.gp" > /dev/null || exit 1
    for want in "(.w1. 4.0" "fc rgb .#d62728. title .GROUP_LEADER." "\$wg_leader" \
                "\$wal_sync" "\$error " "bg_error io_error"; do
        grep -q -- "$want" "$3/t.gp" || { echo "script lacks $want"; exit 1; }
    done' sh "$wtlab" "$trace" "$tmp"
# A window around the second group (times come from the trace, so engine
# changes that shift virtual time do not break the test).
second=$(grep '"ev":"group"' "$trace" | sed -n '2s/.*"t":\([0-9]*\).*/\1/p')
check "a time window is drawn" plots_clean "$tmp/window.png" "$trace" \
    --from-ns "$((${second:-0} - 50000))" --to-ns "$((${second:-0} + 150000))" --title "plot-small, zoomed"

# From real runs (the lessons' scenarios): an unordered leader off the
# write queue and wake-up arrows; a writer moved aside; a frame that
# reaches the flush after recovery.
lessons=$(dirname "$0")/../scenarios/lessons
check "unordered: leaders off the write queue and wake-up arrows are drawn" sh -c '
    "$1" run "$2/07-unordered.json" -q -o "$3/u.jsonl" || exit 1
    "$1" plot "$3/u.jsonl" -o "$3/u.png" --script "$3/u.gp" > /dev/null || exit 1
    grep -q "^\$off_queue << EOD" "$3/u.gp" && grep -q "^\$wake << EOD" "$3/u.gp"' sh "$wtlab" "$lessons" "$tmp"
check "a writer moved aside is marked with its leader" sh -c '
    "$1" run "$2/15-moved-aside.json" -q -o "$3/a.jsonl" || exit 1
    "$1" plot "$3/a.jsonl" -o "$3/a.png" --script "$3/a.gp" > /dev/null || exit 1
    grep -q "\"aside (s1)\"" "$3/a.gp"' sh "$wtlab" "$lessons" "$tmp"
check "the default frame reaches the last flush (after recovery)" sh -c '
    "$1" run "$2/11-crash-recovery.json" -q -o "$3/c.jsonl" || exit 1
    "$1" plot "$3/c.jsonl" -o "$3/c.png" --script "$3/c.gp" > /dev/null || exit 1
    end=$(grep "\"ev\":\"flush_end\"" "$3/c.jsonl" | tail -n 1 | sed "s/.*\"t\":\([0-9]*\).*/\1/")
    right=$(sed -n "s/^set xrange \[[0-9.]*:\([0-9]*\).*/\1/p" "$3/c.gp")
    unit=$(grep -c "virtual time (ms)" "$3/c.gp")
    [ "$unit" -eq 0 ] || right=$((right * 1000))
    [ -n "$end" ] && [ $((right * 1000)) -ge "$end" ] || { echo "axis ends at $right, flush at $end ns"; exit 1; }
    ' sh "$wtlab" "$lessons" "$tmp"

cat > "$tmp/exploration.json" << 'EOF'
{"type":"exploration","scenario_name":"plot-small","runs":20,"transitions":[{"from":"INIT","to":"GROUP_LEADER","count":30},{"from":"INIT","to":"LOCKED_WAITING","count":50}]}
EOF
check "an exploration summary and a trace sum up as transitions" \
    plots_clean "$tmp/sum.png" "$tmp/exploration.json" "$trace" --kind transitions
check "an exploration summary has no timeline (exit 2)" \
    expect_status 2 "use --kind transitions" "$wtlab" plot "$tmp/exploration.json" -o "$tmp/x.png"

check "a missing file is bad input (exit 2)" \
    expect_status 2 "cannot open" "$wtlab" plot "$tmp/nope.jsonl" -o "$tmp/x.png"
check "a scenario is not a trace (exit 2, FILE:LINE)" \
    expect_status 2 "$scenario:1: not a wtlab trace" "$wtlab" plot "$scenario" -o "$tmp/x.png"
head -n 5 "$trace" > "$tmp/bad.jsonl"
echo '{"step":1,"t":5,"fiber":"w1","ev":"state","writer":"w1","from":"INIT","to":"NOPE"}' >> "$tmp/bad.jsonl"
check "an unknown state is named with its line (exit 2)" \
    expect_status 2 "bad.jsonl:6: not a wtlab trace (unknown state" "$wtlab" plot "$tmp/bad.jsonl" -o "$tmp/x.png"
sed '5s/"fiber":"[^"]*",//' "$trace" > "$tmp/nofiber.jsonl"
check "a line without a key of its kind is named with its line and key (exit 2)" \
    expect_status 2 'nofiber.jsonl:5: ev [a-z_]*: key "fiber": missing (a string)' \
    "$wtlab" plot "$tmp/nofiber.jsonl" -o "$tmp/x.png"
sed '5s/}$/,"surprise":1}/' "$trace" > "$tmp/extra.jsonl"
check "a key no kind has is named with its line (exit 2)" \
    expect_status 2 'extra.jsonl:5: ev [a-z_]*: unknown key "surprise"' \
    "$wtlab" plot "$tmp/extra.jsonl" -o "$tmp/x.png"
check "a version-1 trace (before \"source\") still draws" \
    plots_clean "$tmp/v1.png" "$(dirname "$0")/data/traces/v1-crash-recovery.jsonl"

printf '#!/bin/sh\ncat > /dev/null\necho "line 7: warning: Skipping data file with no valid points" >&2\n' > "$tmp/gp"
chmod +x "$tmp/gp"
check "a gnuplot warning fails the plot (exit 1) and is shown" \
    expect_status 1 "Skipping data file" env WTLAB_GNUPLOT="$tmp/gp" "$wtlab" plot "$trace" -o "$tmp/x.png"
check "a missing gnuplot is named (exit 2)" \
    expect_status 2 "gnuplot not found: install gnuplot-nox" \
    env WTLAB_GNUPLOT="$tmp/no-such-gnuplot" "$wtlab" plot "$trace" -o "$tmp/x.png"
exit $fail
