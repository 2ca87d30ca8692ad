#!/bin/sh
# sync_overlap.sh WTLAB SOURCE_DIR — sync_overlap_insert: a waiting writer
# inserts a sync group into the memtable while its leader's fsync runs,
# and the group's sequence is published only after the fsync returned;
# after a failed fsync the inserted records never become visible.  Also
# wt_sync_prewake_cancel: members of a sync leader's group that does not
# fsync are not left sleeping to the published deadline.
set -u
wtlab=$1 src=$2
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/trace_late.sh"
d=$src/tests/data/overlap
echo "1..9"
# order TRACE: "<inserts during an fsync> <publishes during an fsync>
# <inserts at sequences above the last published one when the run ended>"
order() {
    awk "$awk_field"'
    /"ev":"wal_sync_begin"/ { insync = 1 }
    /"ev":"wal_sync_end"/ { insync = 0 }
    /"ev":"insert_begin"/ { if (insync) during++; s = field("seq") + 0; if (s > maxins) maxins = s }
    /"ev":"publish"/ { if (insync) pubsync++; pub = field("seq") + 0 }
    END { print during + 0, pubsync + 0, (maxins > pub) ? maxins - pub : 0 }' "$1"
}
check "overlap-ok passes (all 32 writes visible, last sequence 32)" \
    "$wtlab" run "$d/overlap-ok.json" --seed 1 -q -o "$tmp/ok.jsonl"
set -- $(order "$tmp/ok.jsonl")
# seed 1: 20 of the 32 inserts ran during an fsync (in 6 of 9 groups).
check "inserts ran during fsyncs with the option (got $1, want >= 12)" test "$1" -ge 12
check "no sequence was published during an fsync (got $2)" test "$2" -eq 0
"$wtlab" run "$src/scenarios/sync-prewake.json" --seed 1 -q -o "$tmp/off.jsonl" > /dev/null 2>&1
set -- $(order "$tmp/off.jsonl")
check "without the option no insert runs during an fsync (got $1)" test "$1" -eq 0
check "overlap-sync-error passes (the failed group's keys are not visible, last sequence 17)" \
    "$wtlab" run "$d/overlap-sync-error.json" --seed 1 -q -o "$tmp/err.jsonl"
set -- $(order "$tmp/err.jsonl")
check "the failed group was inserted during its fsync and never published (unpublished: $3)" \
    test "$3" -eq 4
check "prewake-no-fsync passes" "$wtlab" run "$d/prewake-no-fsync.json" --seed 1 -q -o "$tmp/nf.jsonl"
nlate=$(late "$tmp/nf.jsonl")
# Without wt_sync_prewake_cancel 4 of the 32 writes returned over 300 us late (seed 1).
check "no write of a group that did not fsync returns over 300 us late (got $nlate)" test "$nlate" -eq 0
"$wtlab" run "$d/overlap-ok.json" --seed 1 -q -o "$tmp/ok2.jsonl" > /dev/null 2>&1
check "the overlap run is deterministic" sh -c "cmp -s '$tmp/ok.jsonl' '$tmp/ok2.jsonl'"
exit $fail
