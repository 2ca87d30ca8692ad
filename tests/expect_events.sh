#!/bin/sh
# expect_events.sh WTLAB SOURCE_DIR — the expectations about events
# (expect.transitions, expect.wal, expect.writes, expect.order): a
# scenario that meets them all passes; the same scenario with one value
# changed fails with exit status 1 and a line naming the expectation and
# what the run did instead; a run that stops early never says "all met";
# misspelt event specs and sync points are refused at load (exit 2, "did
# you mean").  Events of the DB's close (a flush of data no WAL holds)
# count: they are judged when the run has ended.  Pins on the sim's fibers (flush, crasher) and the "blocked"
# condition: the pinned scenario passes, and without its pin the
# expectation it guarantees fails.
set -u
wtlab=$1 src=$2
. "$(dirname "$0")/tap.sh"
met=$src/tests/data/expect/events-met.json
echo "1..36"

check "a scenario meeting every expectation about events passes" \
    "$wtlab" run "$met" -q -o "$tmp/t.jsonl"

# variant NAME SED-EXPRESSION: the met scenario with one edit.
variant() {
    sed "$2" "$met" > "$tmp/$1.json"
    cmp -s "$met" "$tmp/$1.json" && { echo "the edit $2 changed nothing" >&2; exit 1; }
    echo "$tmp/$1.json"
}
# fails_with FILE PATTERN: exit 1, the summary lists PATTERN.
fails_with() {
    "$wtlab" run "$1" -o "$tmp/f.jsonl" > "$tmp/fw" 2>&1
    st=$?
    cat "$tmp/fw"
    [ $st -eq 1 ] || { echo "exit status $st, wanted 1"; return 1; }
    grep -qF -- "$2" "$tmp/fw" || { echo "output lacks: $2"; return 1; }
}
f=$(variant tr-count 's/"to": "LOCKED_WAITING", "count": 3/"to": "LOCKED_WAITING", "count": 4/')
check "transitions: a wrong count fails, naming the transition and the count seen" \
    fails_with "$f" 'transitions[0]: INIT -> LOCKED_WAITING: seen 3 times, expected 4'
f=$(variant tr-by 's/"writer": "w2", "by": "w1"/"writer": "w2", "by": "w3"/')
check "transitions: the wrong fiber in \"by\" fails" \
    fails_with "$f" 'transitions[2]: LOCKED_WAITING -> GROUP_LEADER of w2 by w3: seen 0 times, expected 1'
f=$(variant tr-max 's/"to": "PARALLEL_MEMTABLE_WRITER", "max": 0/"to": "COMPLETED", "max": 1/')
check "transitions: more than \"max\" fails" \
    fails_with "$f" 'transitions[4]: any -> COMPLETED: seen 2 times, expected <= 1'
f=$(variant tr-min 's/"to": "LOCKED_WAITING", "count": 3/"to": "LOCKED_WAITING", "min": 4/')
check "transitions: fewer than \"min\" fails" \
    fails_with "$f" 'transitions[0]: INIT -> LOCKED_WAITING: seen 3 times, expected >= 4'
f=$(variant tr-writer 's/"to": "GROUP_LEADER", "writer": "w1", "count": 1/"to": "GROUP_LEADER", "writer": "w3", "count": 1/')
check "transitions: the wrong \"writer\" fails" \
    fails_with "$f" 'transitions[1]: INIT -> GROUP_LEADER of w3: seen 0 times, expected 1'
f=$(variant wal-writer 's/"batches": 3, "writer": "w2"/"batches": 3, "writer": "w3"/')
check "wal.records: the wrong appending leader fails" \
    fails_with "$f" 'wal.records[1]: got first_seq 2 count 4 batches 3 by w2, expected first_seq 2 count 4 batches 3 by w3'
f=$(variant wr-count 's/"batch": 0, "seq": 3, "count": 2/"batch": 0, "seq": 3, "count": 1/')
check "writes: a wrong entry count fails" fails_with "$f" 'writes[1]: w3 batch 0 had count 2, expected 1'
f=$(variant wal-batches 's/"count": 4, "batches": 3/"count": 4, "batches": 2/')
check "wal.records: a wrong number of merged batches fails, showing the record" \
    fails_with "$f" 'wal.records[1]: got first_seq 2 count 4 batches 3 by w2, expected first_seq 2 count 4 batches 2 by w2'
f=$(variant wal-syncs 's/"syncs": 2/"syncs": 1/')
check "wal.syncs: a wrong sync count fails" fails_with "$f" 'wal.syncs: 2 WAL syncs, expected 1'
f=$(variant wal-total 's/"record_count": 2/"record_count": 3/')
check "wal.record_count: a wrong record count fails" \
    fails_with "$f" 'wal.record_count: 2 records appended, expected 3'
f=$(variant wr-seq 's/"writer": "w4", "seq": 5/"writer": "w4", "seq": 4/')
check "writes: a wrong sequence fails" fails_with "$f" 'writes[2]: w4 batch 0 got sequence 5, expected 4'
f=$(variant wr-status 's/"writer": "w1", "status": "ok"/"writer": "w1", "status": "busy"/')
check "writes: a wrong status fails" fails_with "$f" 'writes[0]: w1 batch 0 returned ok, expected busy'
f=$(variant ord-swap 's/"before": "last insert_end fiber=w2", "after": "publish seq=5"/"before": "publish seq=5", "after": "last insert_end fiber=w2"/')
check "order: two events the other way round fail, with their steps" \
    fails_with "$f" 'order[2]: "publish seq=5" (step'
f=$(variant ord-never 's/"after": "group leader=w2"/"after": "group leader=w3"/')
check "order: an event that never happens fails" fails_with "$f" 'order[3]: "group leader=w3" never happened'

# A write refused before it joins the queue (sync with disable_wal) is
# still a returned write for expect.writes.
sad=$src/scenarios/rocksdb/DBWriteTest.SyncAndDisableWAL.json
sed 's/"batch": 0, "status": "invalid_argument"/"batch": 0, "status": "ok"/' "$sad" > "$tmp/sad.json"
check "writes: a write rejected before any event fails when expected ok" \
    fails_with "$tmp/sad.json" 'writes[0]: w batch 0 returned invalid_argument, expected ok'
sed 's/"status": "ok", "seq": 1}/"status": "ok", "seq": 2}/' "$sad" > "$tmp/sad2.json"
check "writes: ... and the next write's sequence is checked" \
    fails_with "$tmp/sad2.json" 'writes[1]: w batch 1 got sequence 1, expected 2'

# Bad specs are refused at load with the position and a suggestion.
f=$(variant bad-kind 's/"wal_sync_end writer=w1"/"wal_synk_end writer=w1"/')
check "order: a misspelt event kind is bad input with \"did you mean\"" \
    expect_status 2 '/expect/order/0/before: unknown event kind "wal_synk_end" (did you mean "wal_sync_end"?)' "$wtlab" run "$f"
f=$(variant bad-key 's/"publish seq=5"/"publish sequence=5"/')
check "order: a key the event kind lacks is bad input" \
    expect_status 2 '/expect/order/2/after: unknown key of a "publish" event "sequence"' "$wtlab" run "$f"
f=$(variant bad-sp 's/name=WriteThread::JoinBatchGroup:Start/name=WriteThread::JoinBatchGroup:Strat/')
check "order: a misspelt sync point is bad input with \"did you mean\"" \
    expect_status 2 'did you mean "WriteThread::JoinBatchGroup:Start"' "$wtlab" run "$f"
f=$(variant bad-batch 's/"writer": "w3", "batch": 0/"writer": "w3", "batch": 1/')
check "writes: a batch the writer does not have is bad input" \
    expect_status 2 '/expect/writes/1/batch: "w3" has 1 batch (after repeat): 0 to 0' "$wtlab" run "$f"

# A pin at a misspelt sync point is refused at load.
sed 's/"schedule": {"policy": "random", "seed": 1}/"schedule": {"seed": 1, "pins": [{"hold": "w2", "at": "WriteThread::JoinBatchGroup:Wiat", "until": {"writer": "w1", "finished": true}}]}/' \
    "$met" > "$tmp/pin.json"
check "a pin at a misspelt sync point is bad input with \"did you mean\"" \
    expect_status 2 'pins/0/at: unknown sync point "WriteThread::JoinBatchGroup:Wiat" (did you mean "WriteThread::JoinBatchGroup:Wait"?)' \
    "$wtlab" run "$tmp/pin.json"

# A run that ends in a deadlock it did not expect never says "all met".
sed 's/"schedule": {"policy": "random", "seed": 1}/"schedule": {"seed": 1, "pins": [{"hold": "w1", "at": "WriteThread::JoinBatchGroup:Start", "until": {"writer": "w2", "finished": true}}, {"hold": "w2", "at": "WriteThread::JoinBatchGroup:Start", "until": {"writer": "w1", "finished": true}}]}/' \
    "$met" > "$tmp/dead.json"
check "a deadlocked run says its expectations were not checked, never \"all met\"" sh -c "
    '$wtlab' run '$tmp/dead.json' -o '$tmp/d.jsonl' > '$tmp/o' 2>&1; st=\$?; cat '$tmp/o'
    [ \$st -eq 1 ] && grep -q 'expected  not checked' '$tmp/o' && ! grep -q 'all met' '$tmp/o' &&
    tail -n 1 '$tmp/d.jsonl' | grep -q '\"expectations\":\"not checked'"
# Pins on sim fibers.
pins=$src/tests/data/pins
check "a pin holds the flush fiber until a writer is blocked in the stall" \
    "$wtlab" run "$pins/flush-held.json" -q -o "$tmp/t.jsonl"
sed '/"hold": "flush"/d' "$pins/flush-held.json" > "$tmp/nopin.json"
check "without the flush pin, c never meets the stall (the order expectation fails)" \
    fails_with "$tmp/nopin.json" 'order[1]: "hold writer=flush" never happened'
check "a pin on the crasher delays the crash until a writer has finished" \
    "$wtlab" run "$pins/crash-held.json" -q -o "$tmp/t.jsonl"
sed '/"hold": "crasher"/d' "$pins/crash-held.json" > "$tmp/nocrashpin.json"
check "without it the crash comes first and b's write is lost (contents fail)" \
    fails_with "$tmp/nocrashpin.json" 'contents: b should be "1"'
check "until a sim fiber's sync point: c joins the queue only once the flush installs its table" \
    "$wtlab" run "$pins/until-flush-sync-point.json" -q -o "$tmp/t.jsonl"
sed '/"hold": "c"/,/}}/d' "$pins/until-flush-sync-point.json" > "$tmp/nosp.json"
check "without that pin c links long before the flush installs (the order fails)" \
    fails_with "$tmp/nosp.json" 'came after "link writer=c"'
sed 's/"hold": "flush"/"hold": "flusher"/' "$pins/flush-held.json" > "$tmp/bad.json"
check "a pin on an unknown fiber is bad input with \"did you mean\"" \
    expect_status 2 '/schedule/pins/0/hold: unknown fiber "flusher" (did you mean "flush"?)' "$wtlab" run "$tmp/bad.json"
sed 's/"crash": {"at": {"time_ns": 5500000}},//' "$pins/crash-held.json" > "$tmp/bad.json"
check "\"crasher\" is a fiber only with a crash at a time" \
    expect_status 2 '/schedule/pins/0/hold: unknown fiber "crasher"' "$wtlab" run "$tmp/bad.json"
sed 's/"until": {"fiber": "c", "blocked": true}/"until": {"fiber": "c", "writer": "c", "blocked": true}/' \
    "$pins/flush-held.json" > "$tmp/bad.json"
check "until: \"fiber\" and \"writer\" together are bad input" \
    expect_status 2 '/schedule/pins/0/until/fiber: cannot be combined with "writer"' "$wtlab" run "$tmp/bad.json"
sed 's/"until": {"fiber": "c", "blocked": true}/"until": {"fiber": "flush", "state": "INIT"}/' \
    "$pins/flush-held.json" > "$tmp/bad.json"
check "until: a state condition needs a writer, not a sim fiber" \
    expect_status 2 '/schedule/pins/0/until/fiber: unknown writer "flush"' "$wtlab" run "$tmp/bad.json"
# Judged at the end of the run: the close's flush is seen, in its place.
close=$src/scenarios/flush-at-close.json
check "events of the close count: main's memtable switch and the flush after the writers" \
    "$wtlab" run "$close" -q -o "$tmp/t.jsonl"
sed 's/{"before": "write_end writer=w", "after": "memtable_switch fiber=main"}/{"before": "flush_end fiber=flush status=ok", "after": "write_end writer=w"}/' \
    "$close" > "$tmp/close-order.json"
check "the close's flush comes after the write (the reversed order fails with its step)" \
    fails_with "$tmp/close-order.json" 'order[0]: "flush_end fiber=flush status=ok" (step'
grep -qF 'came after "write_end writer=w" (step' "$tmp/fw"
check "... naming the write it came after" test $? -eq 0
exit $fail
