#!/bin/sh
# prewake.sh WTLAB SOURCE_DIR — sync_prewake_usec: a member whose group's
# WAL stage is over (pipelined: waiting for its memtable stage) does not
# sleep on the next group's published fsync deadline.  Counts the writes
# that return more than 300 us after the last state change of their writer
# (a leader's own work excluded), from the trace.  And with concurrent
# memtable writes and leader_inserts_parked_group, such sleeping members
# count as parked in the memtable stage too: their memtable leader inserts
# the group (as on the default path, db.c collect_group), so no member is
# made a PARALLEL_MEMTABLE_WRITER (before: 58 of 80 writes were, each a
# futex wake and a park again on pthreads).
set -u
wtlab=$1 src=$2
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/trace_late.sh"
sc=$src/tests/data/prewake/pipelined-serial.json
echo "1..6"
check "the pipelined prewake scenario passes" "$wtlab" run "$sc" --seed 1 -q -o "$tmp/t.jsonl"
nlate=$(late "$tmp/t.jsonl")
# Before the fix 42 of 80 writes returned about 900 us late (seed 1); now 4.
check "at most 8 of 80 writes return over 300 us after their completion (got $nlate)" test "$nlate" -le 8
"$wtlab" run "$sc" --seed 1 -q -o "$tmp/u.jsonl" > /dev/null 2>&1
check "the count is the same run to run (deterministic)" test "$(late "$tmp/u.jsonl")" -eq "$nlate"
pp=$src/tests/data/prewake/pipelined-parallel.json
check "the pipelined parallel prewake scenario passes" "$wtlab" run "$pp" --seed 1 -q -o "$tmp/p.jsonl"
npar=$(grep -c '"to":"PARALLEL_MEMTABLE_WRITER"' "$tmp/p.jsonl")
check "no member becomes a PARALLEL_MEMTABLE_WRITER (got $npar)" test "$npar" -eq 0
plate=$(late "$tmp/p.jsonl")
check "at most 8 of 80 writes return over 300 us after their completion (got $plate)" test "$plate" -le 8
exit $fail
