#!/bin/sh
# lesson_exercises.sh WTLAB LESSONS_DIR — `wtlab lesson NAME --check`:
# every exercise's model answer (scenarios/lessons/answers/) is accepted,
# and the lesson's own scenario, which does not do the exercise, is
# rejected (exit 1) with the exercise's hint; one answer is also checked
# as a trace (replayed), and bad input exits 2.  TAP.
set -u
wtlab=$1
lessons=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

for extra in "$lessons"/extras/*.json; do
    name=$(basename "$extra" .json)
    num=${name%%-*}
    count=$(grep -c '"task"' "$extra")
    k=1
    while [ "$k" -le "$count" ]; do
        answer=$(grep '"answer"' "$extra" | sed -n "${k}p" | sed 's/.*"answer": *"\([^"]*\)".*/\1/')
        "$wtlab" lesson "$num" --check "$lessons/$answer" --exercise "$k" > "$tmp/out" 2>&1
        st=$?
        if [ $st -eq 0 ] && grep -q '^verdict   done' "$tmp/out"; then
            ok "$name exercise $k: the model answer $answer is accepted"
        else
            no "$name exercise $k: the model answer $answer is not accepted (exit $st)"; cat "$tmp/out"
        fi
        "$wtlab" lesson "$num" --check "$lessons/$name.json" --exercise "$k" > "$tmp/out" 2>&1
        st=$?
        if [ $st -eq 1 ] && grep -q '^verdict   not yet' "$tmp/out" && grep -q '^hint      .' "$tmp/out" \
           && grep -q '^missing   .' "$tmp/out"; then
            ok "$name exercise $k: the unchanged lesson is rejected, with what is missing and a hint"
        else
            no "$name exercise $k: the unchanged lesson is not rejected with a hint (exit $st)"; cat "$tmp/out"
        fi
        k=$((k + 1))
    done
done

# A trace is replayed: the model answer's run is accepted, the lesson's is not.
"$wtlab" run "$lessons/answers/02-1.json" -o "$tmp/answer.jsonl" --quiet > /dev/null 2>&1
"$wtlab" run "$lessons/02-group-commit.json" -o "$tmp/lesson.jsonl" --quiet > /dev/null 2>&1
if "$wtlab" lesson 02 --check "$tmp/answer.jsonl" > "$tmp/out" 2>&1; then
    ok "a trace of the model answer is accepted"
else
    no "a trace of the model answer is not accepted"; cat "$tmp/out"
fi
"$wtlab" lesson 02 --check "$tmp/lesson.jsonl" > "$tmp/out" 2>&1
st=$?
if [ $st -eq 1 ] && grep -q '^hint' "$tmp/out"; then
    ok "a trace of the unchanged lesson is rejected with a hint"
else
    no "a trace of the unchanged lesson: exit $st"; cat "$tmp/out"
fi

# Bad input: exit 2 and a message.
expect2() {
    what=$1; shift
    "$wtlab" "$@" > "$tmp/out" 2>&1
    st=$?
    if [ $st -eq 2 ] && [ -s "$tmp/out" ]; then ok "$what: exit 2"; else no "$what: exit $st"; cat "$tmp/out"; fi
}
expect2 "--check of a missing file" lesson 02 --check "$tmp/nothing.json"
expect2 "--check with an exercise that does not exist" lesson 02 --check "$lessons/answers/02-1.json" --exercise 9
expect2 "--exercise that is not a number" lesson 02 --check "$lessons/answers/02-1.json" --exercise x
expect2 "--check of an unknown lesson" lesson 99 --check "$lessons/answers/02-1.json"
expect2 "--exercise without --check" lesson 02 --exercise 1
expect2 "--check with --all" lesson --all --check "$lessons/answers/02-1.json"
printf '{"name": 1}\n' > "$tmp/bad.json"
expect2 "--check of a scenario that does not load" lesson 02 --check "$tmp/bad.json"
printf 'not json\n' > "$tmp/bad.jsonl"
expect2 "--check of a file that is no trace" lesson 02 --check "$tmp/bad.jsonl"
# A malformed extras file names FILE:LINE:COL and the key path.
mkdir -p "$tmp/data/scenarios/lessons/extras"
cp "$lessons/02-group-commit.json" "$tmp/data/scenarios/lessons/"
printf '{"exercises": [{"task": "t", "expect": {}, "hint": "h", "answer": "a", "bogus": 1}]}\n' \
    > "$tmp/data/scenarios/lessons/extras/02-group-commit.json"
WTLAB_DATA=$tmp/data "$wtlab" lesson 02 --check "$lessons/answers/02-1.json" > "$tmp/out" 2>&1
st=$?
if [ $st -eq 2 ] && grep -q 'extras/02-group-commit.json:1:[0-9]*: /exercises/0/bogus' "$tmp/out"; then
    ok "a malformed extras file: exit 2, FILE:LINE:COL: /path"
else
    no "a malformed extras file: exit $st"; cat "$tmp/out"
fi
echo "1..$n"
exit $fail
