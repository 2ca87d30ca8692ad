#!/bin/sh
# reads.sh WTLAB SOURCE_DIR — expect.reads: gets and snapshots taken at a
# writer's sync point.  The unordered-write scenario that meets them
# passes (under any seed); one changed value, a point never reached, and a
# get at a point inside the DB mutex each fail with exit status 1 and a
# line naming the read and what was seen; bad reads are refused at load
# (exit 2, FILE:LINE:COL: /key/path: message).
set -u
wtlab=$1 src=$2
. "$(dirname "$0")/tap.sh"
met=$src/scenarios/unordered-read.json
echo "1..14"

check "a scenario meeting its gets and snapshot reads passes" "$wtlab" run "$met" -q -o "$tmp/a.jsonl"
"$wtlab" run "$met" -q -o "$tmp/b.jsonl"
check "the reader fiber keeps runs deterministic (byte-identical traces)" cmp "$tmp/a.jsonl" "$tmp/b.jsonl"
check "the reads hold under 300 random and 200 pct seeds" sh -c "
    '$wtlab' explore '$met' --policy random --runs 300 -q && '$wtlab' explore '$met' --policy pct --runs 200 -q"

variant() { # variant NAME SED-EXPRESSION: the met scenario with one edit
    sed "$2" "$met" > "$tmp/$1.json"
    cmp -s "$met" "$tmp/$1.json" && { echo "the edit $2 changed nothing" >&2; exit 1; }
    echo "$tmp/$1.json"
}
fails_with() { # fails_with FILE PATTERN: exit 1, the summary lists PATTERN
    "$wtlab" run "$1" -o "$tmp/f.jsonl" > "$tmp/fw" 2>&1
    st=$?
    cat "$tmp/fw"
    [ $st -eq 1 ] || { echo "exit status $st, wanted 1"; return 1; }
    grep -qF -- "$2" "$tmp/fw" || { echo "output lacks: $2"; return 1; }
}
f=$(variant get-value 's/"occurrence": 2}, "expect": "old"}/"occurrence": 2}, "expect": "new"}/')
check "get: another value fails, naming the read and the value seen" fails_with "$f" \
    'reads[1]: get "k" at w DBImpl::WriteImpl:BeforeUnorderedWriteMemtable (arrival 2) (step'
grep -qF 'saw "old", expected "new"' "$tmp/fw"
check "get: ... and saying what it saw" test $? -eq 0
f=$(variant get-absent 's/"sync_point": "WriteThread::JoinBatchGroup:Start"}, "expect": null/"sync_point": "WriteThread::JoinBatchGroup:Start"}, "expect": "old"/')
check "get: expecting a value where the key is absent fails" fails_with "$f" 'saw absent, expected "old"'
f=$(variant snap-value 's/"expect": "new", "snapshot": true/"expect": "old", "snapshot": true/')
check "snapshot: another value fails, with the snapshot's sequence" fails_with "$f" \
    'reads[2]: snapshot read of "k" at w DBImpl::WriteImpl:BeforeUnorderedWriteMemtable (arrival 2) (step'
f=$(variant never 's/"occurrence": 2}, "expect": "old"}/"occurrence": 3}, "expect": "old"}/')
check "a point never reached fails: no read was made" fails_with "$f" \
    'reads[1]: get "k" at w DBImpl::WriteImpl:BeforeUnorderedWriteMemtable (arrival 3): w reached it 2 times, so no read was made'
check "a get where the writer holds the DB mutex fails instead of deadlocking" \
    fails_with "$src/tests/data/reads/in-mutex.json" 'the get waited for a lock L holds there'

f=$(variant bad-writer 's/"writer": "w", "sync_point": "WriteThread::JoinBatchGroup:Start"}, "expect": null/"writer": "ww", "sync_point": "WriteThread::JoinBatchGroup:Start"}, "expect": null/')
check "an unknown writer is bad input, naming the writers" \
    expect_status 2 '/expect/reads/0/at/writer: unknown writer "ww"' "$wtlab" run "$f"
f=$(variant bad-sp 's/"sync_point": "WriteThread::JoinBatchGroup:Start"}, "expect": null/"sync_point": "WriteThread::JoinBatchGroup:Strat"}, "expect": null/')
check "a misspelt sync point is bad input with \"did you mean\"" \
    expect_status 2 '/expect/reads/0/at/sync_point: unknown sync point "WriteThread::JoinBatchGroup:Strat" (did you mean' "$wtlab" run "$f"
f=$(variant bad-type 's/"expect": null}/"expect": 1}/')
check "an expected value that is not a string or null is bad input" \
    expect_status 2 '/expect/reads/0/expect: expected a string (the value) or null (absent), got' "$wtlab" run "$f"
f=$(variant bad-crash 's/"schedule": {"seed": 1}/"schedule": {"seed": 1}, "crash": {"at": "after_writers"}/')
check "a snapshot read in a scenario with a crash is bad input" \
    expect_status 2 '/expect/reads/2/snapshot: a snapshot does not survive a crash' "$wtlab" run "$f"
f=$(variant bad-pin 's/"schedule": {"seed": 1}/"schedule": {"seed": 1, "pins": [{"hold": "w", "at": "WriteThread::JoinBatchGroup:Start", "until": {"time_ns": 1}}]}/')
check "a get where a pin holds the same writer is bad input" \
    expect_status 2 '/expect/reads/0/at/sync_point: schedule.pins.0. holds "w" at this sync point too' "$wtlab" run "$f"
exit $fail
