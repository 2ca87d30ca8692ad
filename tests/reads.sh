#!/bin/sh
# reads.sh WTLAB SOURCE_DIR — expect.reads: gets and snapshots taken at a
# fiber's sync point (a writer's, the flush fiber's, the crasher's, main's)
# or at a step condition (after the nth event matching an event spec, at
# the end of a scheduling step).  The scenarios that meet them pass (under
# any seed); one changed value, a point or event never reached, a step
# after the run's end, and a get at a point inside the DB mutex each fail
# with exit status 1 and a line naming the read and what was seen; bad
# reads are refused at load (exit 2, FILE:LINE:COL: /key/path: message,
# "did you mean" for a misspelt name).
set -u
wtlab=$1 src=$2
. "$(dirname "$0")/tap.sh"
met=$src/scenarios/unordered-read.json
echo "1..47"

check "a scenario meeting its gets and snapshot reads passes" "$wtlab" run "$met" -q -o "$tmp/a.jsonl"
"$wtlab" run "$met" -q -o "$tmp/b.jsonl"
check "the reader fiber keeps runs deterministic (byte-identical traces)" cmp "$tmp/a.jsonl" "$tmp/b.jsonl"
check "the reads hold under 300 random and 200 pct seeds" sh -c "
    '$wtlab' explore '$met' --policy random --runs 300 -q && '$wtlab' explore '$met' --policy pct --runs 200 -q"

variant() { # variant NAME SED-EXPRESSION [BASE]: the met scenario (or BASE) with one edit
    base=${3:-$met}
    sed "$2" "$base" > "$tmp/$1.json"
    cmp -s "$base" "$tmp/$1.json" && { echo "the edit $2 changed nothing" >&2; exit 1; }
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

# --- reads at the sim's fibers -------------------------------------------
flush=$src/scenarios/read-during-flush.json
steps=$src/scenarios/read-step-conditions.json
fibers=$src/tests/data/reads/at-main-crasher.json
check "gets at the flush fiber's sync point and snapshots after an event pass" \
    "$wtlab" run "$flush" -q -o "$tmp/a.jsonl"
check "... under 300 random, 300 pct and 300 pos seeds" sh -c "
    '$wtlab' explore '$flush' --policy random --runs 300 -q && '$wtlab' explore '$flush' --policy pct --runs 300 -q &&
    '$wtlab' explore '$flush' --policy pos --runs 300 -q"
check "gets at the crasher's sync point pass (and the crash ends the reader)" \
    "$wtlab" run "$fibers" -q -o "$tmp/a.jsonl"
f=$(variant flush-get 's/"sync_point": "table:builder_finish:before_sync"}, "expect": "old"/"sync_point": "table:builder_finish:before_sync"}, "expect": "new"/' "$flush")
check "flush: another value fails, naming the fiber, its sync point and what was seen" fails_with "$f" \
    'reads[0]: get "k" at flush table:builder_finish:before_sync (arrival 1) (step'
grep -qF 'saw "old", expected "new"' "$tmp/fw"
check "flush: ... and saying what it saw" test $? -eq 0
f=$(variant crasher-get 's/"expect": "1"}/"expect": null}/' "$fibers")
check "crasher: another value fails" fails_with "$f" \
    'reads[1]: get "n" at crasher wtlab::Crash:Before (arrival 1) (step'
f=$(variant main-get 's/"expect": {/"expect": {"reads": [{"get": "k", "at": {"fiber": "main", "sync_point": "DBImpl::SwitchMemtable:Start"}, "expect": "v"}],/' "$src/scenarios/flush-at-close.json")
check "main: a get while main closes the DB, where it holds the DB mutex, fails instead of deadlocking" \
    fails_with "$f" 'reads[0]: get "k" at main DBImpl::SwitchMemtable:Start (arrival 1): the get waited for a lock main holds there'

# --- step conditions ----------------------------------------------------
check "snapshots after events and at steps, gets from them on, pass" \
    "$wtlab" run "$steps" -q -o "$tmp/a.jsonl"
check "... under 300 random, 300 pct and 300 pos seeds" sh -c "
    '$wtlab' explore '$steps' --policy random --runs 300 -q && '$wtlab' explore '$steps' --policy pct --runs 300 -q &&
    '$wtlab' explore '$steps' --policy pos --runs 300 -q"
f=$(variant snap-after-value 's/"after": "insert_end seq=3"}, "expect": "v2"/"after": "insert_end seq=3"}, "expect": "v3"/' "$steps")
check "after an event: another value fails, with the step and sequence it was taken at" fails_with "$f" \
    'reads[2]: snapshot read of "k" after "insert_end seq=3" (step'
grep -qF 'sequence 2): saw "v2", expected "v3"' "$tmp/fw"
check "after an event: ... and saying what it saw" test $? -eq 0
f=$(variant snap-nth-value 's/"nth": 2}, "expect": "v2"/"nth": 2}, "expect": "v1"/' "$steps")
check "after the nth event: another value fails" fails_with "$f" \
    'reads[1]: snapshot read of "k" after the 2nd "write_end writer=w" (step'
f=$(variant snap-step-value 's/"at": {"step": 100}, "expect": "v1"/"at": {"step": 100}, "expect": "v2"/' "$steps")
check "at a step: another value fails" fails_with "$f" \
    'reads[3]: snapshot read of "k" at step 100 (step 100, sequence 1): saw "v1", expected "v2"'
f=$(variant get-after-value 's/"after": "publish seq=2"}, "expect": "v2"/"after": "publish seq=2"}, "expect": "v3"/' "$steps")
check "a get from an event on: another value fails" fails_with "$f" \
    'reads[5]: get "k" at w WriteThread::JoinBatchGroup:Start (arrival 1 after "publish seq=2") (step'
f=$(variant get-step-value 's/"step": 100}, "expect": "v2"/"step": 100}, "expect": "v1"/' "$steps")
check "a get from a step on: another value fails" fails_with "$f" \
    'reads[6]: get "k" at w WriteThread::JoinBatchGroup:Start (arrival 1 from step 100) (step'
f=$(variant never-event 's/"after": "publish seq=1"}/"after": "publish seq=9"}/' "$steps")
check "an event that never happens fails: no read was made" fails_with "$f" \
    'reads[0]: snapshot read of "k" after "publish seq=9": "publish seq=9" happened 0 times, so no read was made (expected "v1")'
f=$(variant few-events 's/"nth": 2}/"nth": 4}/' "$steps")
check "fewer matching events than nth fails, with the count" fails_with "$f" \
    '"write_end writer=w" happened 3 times, so no read was made (expected "v2")'
f=$(variant late-step 's/"at": {"step": 100}, "expect": "v1"/"at": {"step": 100000}, "expect": "v1"/' "$steps")
check "a step after the end of the run fails" fails_with "$f" \
    'reads[3]: snapshot read of "k" at step 100000: the run ended at step'
f=$(variant no-arrival 's/"after": "publish seq=2"}/"after": "publish seq=3"}/' "$steps")
check "a get whose fiber never reaches the point after the event fails" fails_with "$f" \
    'w reached it 0 times from then on, so no read was made (expected "v2")'

# --- malformed reads (exit 2) -------------------------------------------
bad() { # bad NAME SED-EXPRESSION PATTERN DESCRIPTION [BASE]
    f=$(variant "$1" "$2" "${5:-$steps}")
    check "$4" expect_status 2 "$3" "$wtlab" run "$f"
}
bad get-bare-step 's/"at": {"step": 100}, "expect": "v1", "snapshot": true/"at": {"step": 100}, "expect": "v1"/' \
    '/expect/reads/3/at: a get needs a fiber waiting at a sync point' \
    "a get with a step condition alone is bad input (it needs a fiber at a sync point)"
bad last 's/"after": "publish seq=1"/"after": "last publish seq=1"/' \
    '/expect/reads/0/at/after: "last" is known only when the run ends' \
    "\"last\" cannot start a read"
bad kind 's/"after": "publish seq=1"/"after": "pubish seq=1"/' \
    '/expect/reads/0/at/after: unknown event kind "pubish" (did you mean "publish"' \
    "a misspelt event kind is bad input with \"did you mean\""
bad key 's/"after": "publish seq=1"/"after": "publish sq=1"/' \
    'unknown key of a "publish" event "sq" (did you mean "seq"' \
    "a misspelt event key is bad input with \"did you mean\""
bad event-writer 's/"after": "write_end writer=w"/"after": "write_end writer=ww"/' \
    '/expect/reads/1/at/after: unknown fiber "ww" (expected one of: w, main, flush' \
    "an unknown writer in the event is bad input"
bad nth 's/"at": {"step": 1}/"at": {"step": 1, "nth": 2}/' \
    '/expect/reads/4/at/nth: goes with "after"' \
    "\"nth\" without \"after\" is bad input"
bad after-step 's/"at": {"step": 1}/"at": {"step": 1, "after": "publish"}/' \
    '/expect/reads/4/at/step: cannot be combined with "after"' \
    "\"step\" and \"after\" together are bad input"
bad step-zero 's/"at": {"step": 1}/"at": {"step": 0}/' \
    '/expect/reads/4/at/step: ' \
    "step 0 is bad input (steps count from 1)"
bad both-names 's/{"fiber": "w", "sync_point": "WriteThread::JoinBatchGroup:Start", "after": "publish seq=2"}/{"fiber": "w", "writer": "w", "sync_point": "WriteThread::JoinBatchGroup:Start"}/' \
    '/expect/reads/5/at/fiber: "writer" and "fiber" say the same' \
    "\"writer\" and \"fiber\" together are bad input"
bad no-sync-point 's/{"fiber": "w", "sync_point": "WriteThread::JoinBatchGroup:Start", "after": "publish seq=2"}/{"fiber": "w", "after": "publish seq=2"}/' \
    '/expect/reads/5/at/sync_point: required with "fiber"' \
    "a fiber without a sync point is bad input"
bad nothing 's/"at": {"step": 1}/"at": {}/' \
    '/expect/reads/4/at: expected {"fiber": F, "sync_point": P}' \
    "an empty \"at\" is bad input"
bad fiber-name 's/"fiber": "flush"/"fiber": "flsuh"/' \
    '/expect/reads/0/at/fiber: unknown fiber "flsuh" (did you mean "flush"' \
    "a misspelt fiber is bad input with \"did you mean\"" "$flush"
bad crasher 's/"fiber": "flush"/"fiber": "crasher"/' \
    '/expect/reads/0/at/fiber: unknown fiber "crasher"' \
    "the crasher without a crash at a time is bad input" "$flush"
bad flush-sp 's/"sync_point": "table:builder_finish:before_sync"}, "expect": "old"/"sync_point": "table:builder_finish:before_synk"}, "expect": "old"/' \
    '/expect/reads/0/at/sync_point: unknown sync point "table:builder_finish:before_synk" (did you mean' \
    "a misspelt sync point of the flush fiber is bad input with \"did you mean\"" "$flush"
exit $fail
