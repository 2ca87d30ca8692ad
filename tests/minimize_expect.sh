#!/bin/sh
# minimize_expect.sh WTLAB SOURCE_DIR — minimize keeps a failure that is
# only a missed expectation (every invariant held): it shrinks the run, the
# result still misses the same kind of expectation, and replay matches it.
set -u
wtlab=$1 src=$2
. "$src/tests/tap.sh"
echo "1..4"
"$wtlab" run "$src/tests/data/expect_only.json" -q -o "$tmp/t.jsonl" > /dev/null 2>&1
check "the run fails only its expectation" \
    grep -q '"invariants":"ok","expectations":"last_sequence:' "$tmp/t.jsonl"
"$wtlab" minimize "$tmp/t.jsonl" -o "$tmp/min.jsonl" > "$tmp/min.out" 2>&1
st=$?
sed 's/^/# /' "$tmp/min.out"
check "minimize exits 0" test "$st" -eq 0
fewer_ops() {
    grep -q 'its expectations fail: last_sequence:' "$tmp/min.out" &&
        grep -q '"expectations":"last_sequence:' "$tmp/min.jsonl" &&
        awk '$1 == "before" { b = $6 } $1 == "after" { a = $6 } END { exit !(a < b) }' "$tmp/min.out"
}
check "the minimized run still misses last_sequence, with fewer ops" fewer_ops
check "replay reproduces the minimized run" sh -c "'$wtlab' replay '$tmp/min.jsonl' | grep -q 'replay matched'"
exit $fail
