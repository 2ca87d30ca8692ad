#!/bin/sh
# bad_input.sh WTDB WTLAB SOURCE_DIR — the bad-input catalogue (issue 22):
# what wtdb and wtlab answer to wrong command lines, damaged or hostile
# files, and impossible option combinations.  Each case is one line of
# TAP that states the command, the exit status it must give and the
# message it must print; the run's output is the catalogue itself (the
# first line of stderr is echoed as a comment under each case).
#
# Exit statuses (both tools): 0 ok, 1 a check failed / an operation
# failed, 2 usage or bad input.  Every command runs under timeout(1): a
# command that hangs on its input (exit 124) fails its case.  A case
# marked TODO is a known defect owned elsewhere; it is expected to fail
# until fixed (meson reports it as an expected failure).
set -u
wtdb=$1 wtlab=$2 src=$3
. "$(dirname "$0")/tap.sh"

limit=20
# case WANT PATTERN DESCRIPTION COMMAND...: COMMAND exits WANT within
# $limit seconds, and its stderr matches PATTERN (grep -E).
case_() {
    want=$1 pattern=$2 desc=$3
    shift 3
    n=$((n + 1))
    timeout "$limit" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    first=$(head -n 1 "$tmp/err" | cut -c1-160)
    if [ "$status" -eq "$want" ] && grep -Eq -- "$pattern" "$tmp/err"; then
        echo "ok $n - $desc: exit $want"
    else
        echo "not ok $n - $desc: exit $status, wanted $want and /$pattern/${todo:+ # TODO $todo}"
        [ -n "${todo:-}" ] || fail=1
    fi
    printf "#   %s\n" "$first"
}
todo=

S=$src/scenarios/serial-group-commit.json
bad=$src/tests/data/scenarios
db=$tmp/db
"$wtdb" --db "$db" put a 1 > /dev/null
"$wtlab" run "$S" -q -o "$tmp/good.jsonl" > /dev/null

# ------------------------------------------------------------ wtdb: usage
case_ 2 'usage: wtdb' "wtdb with no command" "$wtdb"
case_ 2 "unknown command 'frob'" "wtdb frob" "$wtdb" frob
case_ 2 'usage: wtdb --db DIR get KEY' "wtdb get without --db" "$wtdb" get a
case_ 2 'usage: wtdb --db DIR get KEY' "wtdb get with two keys" "$wtdb" --db "$db" get a b
case_ 2 'usage: wtdb --db DIR put KEY VALUE' "wtdb put without a value" "$wtdb" --db "$db" put a
case_ 2 "unrecognized option '--bogus'" "wtdb --bogus" "$wtdb" --db "$db" --bogus scan
case_ 2 'bad value for an option: 0' "wtdb --threads 0" "$wtdb" --db "$db" --threads 0 load
case_ 2 'bad value for an option: 2000' "wtdb --threads 2000 (max 1024)" "$wtdb" --db "$db" --threads 2000 load
case_ 2 'bad value for an option: abc' "wtdb --batch abc" "$wtdb" --db "$db" --batch abc load
case_ 2 'bad value for an option: nope' "wtdb --recovery-mode nope" "$wtdb" --db "$db" --recovery-mode nope scan
case_ 2 'bad value for an option: 0' "wtdb --group-bytes 0" "$wtdb" --db "$db" --group-bytes 0 scan
# ------------------------------------------------- wtdb: option combinations
case_ 2 '--sync and --disable-wal cannot be combined' "wtdb --sync --disable-wal" \
    "$wtdb" --db "$db" --sync --disable-wal put x y
case_ 2 '--pipelined and --two-queues cannot be combined' "wtdb --pipelined --two-queues" \
    "$wtdb" --db "$db" --pipelined --two-queues put x y
case_ 2 'unordered_write is incompatible with enable_pipelined_write' "wtdb --unordered --pipelined" \
    "$wtdb" --db "$db" --unordered --pipelined put x y
case_ 2 'unordered_write is incompatible with !allow_concurrent_memtable_write' \
    "wtdb --unordered --serial-memtable" "$wtdb" --db "$db" --unordered --serial-memtable put x y
# ------------------------------------------------------- wtdb: load input
printf 'frob a b\n' > "$tmp/verb"
case_ 2 'stdin:1: expected .put KEY VALUE' "wtdb load: unknown verb" sh -c "'$wtdb' --db '$db' load < '$tmp/verb'"
printf 'put a 1\nput b\n' > "$tmp/arity"
case_ 2 'stdin:2: expected' "wtdb load: put without a value (line 2)" sh -c "'$wtdb' --db '$db' load < '$tmp/arity'"
case_ 2 'stdin:1: a NUL byte, or longer than' "wtdb load < /dev/zero: refused, not eaten" \
    sh -c "'$wtdb' --db '$db' load < /dev/zero"
# --------------------------------------------------------- wtdb: databases
case_ 2 "does not exist" "wtdb get on a missing DB" "$wtdb" --db "$tmp/missing" get a
case_ 1 'a: not found|b: not found' "wtdb get of an absent key" "$wtdb" --db "$db" get b
case_ 1 'cannot open /dev/null: io_error: /dev/null/LOCK' "wtdb put with --db a character device" \
    "$wtdb" --db /dev/null put a b
mkdir "$tmp/garbage-db"
head -c 200 /dev/urandom > "$tmp/garbage-db/CURRENT"
case_ 2 'CURRENT: malformed contents' "wtdb scan: CURRENT holds garbage" "$wtdb" --db "$tmp/garbage-db" scan
mkdir "$tmp/orphans"
cp "$db"/*.log "$tmp/orphans/"
cp "$db"/MANIFEST-* "$tmp/orphans/"
# No table to orphan: what a crash while creating a DB leaves (the manifest
# is written before CURRENT).  The DB opens and the WAL's put is back.
# With a table, CURRENT missing is refused (db_edges.sh).
case_ 0 '^back$' "wtdb get: CURRENT missing, MANIFEST and WAL there, no table: opens, nothing lost" \
    sh -c '"$1" --db "$2" put x y && "$1" --db "$2" get a | grep -qx 1 && echo back >&2' sh "$wtdb" "$tmp/orphans"
cp -r "$db" "$tmp/badman"
m=$(ls "$tmp/badman" | grep MANIFEST)
head -c 300 /dev/urandom > "$tmp/badman/$m"
case_ 2 "$m: (offset [0-9]+|no record)" "wtdb scan: MANIFEST replaced by random bytes" "$wtdb" --db "$tmp/badman" scan
cp -r "$db" "$tmp/badwal"
w=$(ls "$tmp/badwal" | grep '\.log$' | tail -1)
head -c 300 /dev/urandom > "$tmp/badwal/$w"
case_ 2 "WAL .*$w: .* at offset 0; recovery mode absolute_consistency: open failed" \
    "wtdb scan: WAL replaced by random bytes, absolute consistency" \
    "$wtdb" --db "$tmp/badwal" --recovery-mode absolute_consistency scan
case_ 0 "warning: recovery dropped data: WAL .*$w" "wtdb scan: the same WAL, point in time: a warning" \
    "$wtdb" --db "$tmp/badwal" scan
# -------------------------------------------------------- wtdb: dump-wal
case_ 2 '/nonexistent-wal.log: cannot open: not_found' "wtdb dump-wal of a missing file" "$wtdb" dump-wal "$tmp/nonexistent-wal.log"
case_ 2 'cannot open: not a regular file' "wtdb dump-wal of a directory" "$wtdb" dump-wal "$tmp"
case_ 2 'cannot open: not a regular file' "wtdb dump-wal /dev/zero" "$wtdb" dump-wal /dev/zero
mkfifo "$tmp/fifo"
case_ 2 'cannot open: not a regular file' "wtdb dump-wal of a FIFO" "$wtdb" dump-wal "$tmp/fifo"
head -c 70000 /dev/urandom > "$tmp/random.log"
case_ 2 'random.log: corruption at offset 0 \([0-9]+ bytes\)' "wtdb dump-wal of random bytes" "$wtdb" dump-wal "$tmp/random.log"
case_ 2 '--trace /dev/null/t.jsonl: cannot create the file' "wtdb --trace into a non-directory" \
    "$wtdb" --db "$db" --trace /dev/null/t.jsonl get a

# ------------------------------------------------------------------ wtlab
case_ 2 'usage: wtlab COMMAND' "wtlab with no command" "$wtlab"
case_ 2 "unknown command 'frob'" "wtlab frob" "$wtlab" frob
case_ 2 '/nonexistent.json: cannot open: No such file' "wtlab run of a missing file" "$wtlab" run "$tmp/nonexistent.json"
case_ 2 'cannot read: Is a directory' "wtlab run of a directory" "$wtlab" run "$tmp"
case_ 2 '/dev/zero: larger than [0-9]+ bytes' "wtlab run /dev/zero" "$wtlab" run /dev/zero
: > "$tmp/empty.json"
case_ 2 'empty.json:1:1: .\[. or .\{. expected' "wtlab run of an empty file" "$wtlab" run "$tmp/empty.json"
case_ 2 'bad-type.json:5:51: /writers/1/batches/0/sync: expected a boolean' "wtlab run: a string for a boolean" \
    "$wtlab" run "$bad/bad-type.json"
case_ 2 'bad-policy.json:4:26: /schedule/policy: unknown policy "rand" \(did you mean "random"\?\)' \
    "wtlab run: a misspelt policy" "$wtlab" run "$bad/bad-policy.json"
case_ 2 "bad --seed 'abc'" "wtlab run --seed abc" "$wtlab" run "$S" --seed abc
case_ 2 'cannot write the trace to /dev/null/t.jsonl' "wtlab run -o into a non-directory" "$wtlab" run "$S" -q -o /dev/null/t.jsonl
# issue 16: say what is wrong, not only the usage
case_ 2 'minimize: where to write the result\? add -o' "wtlab minimize without -o" "$wtlab" minimize "$tmp/good.jsonl"
case_ 2 'minimize: one trace at a time, got 2' "wtlab minimize of two traces (a glob)" \
    "$wtlab" minimize "$tmp/good.jsonl" "$tmp/good.jsonl" -o "$tmp/m.jsonl"
case_ 2 "no event of .* involves a writer named 'w99'" "wtlab replay --writer of an unknown writer" \
    "$wtlab" replay --text --writer w99 "$tmp/good.jsonl"
case_ 2 "bad --until '0' \(a step number >= 1\)" "wtlab replay --until 0 (like --at 0)" \
    "$wtlab" replay --text --until 0 "$tmp/good.jsonl"
case_ 2 'explain: which trace' "wtlab explain without a trace" "$wtlab" explain
case_ 2 'help: no such command' "wtlab help of an unknown command" "$wtlab" help nope
echo '{"x":1}' > "$tmp/notrace.jsonl"
case_ 2 'notrace.jsonl:1: not a wtlab trace' "wtlab replay of JSON that is no trace" "$wtlab" replay "$tmp/notrace.jsonl"
{ head -n 30 "$tmp/good.jsonl"; sed -n 31p "$tmp/good.jsonl" | head -c 20; } > "$tmp/cut.jsonl" # mid-line, whatever the paths' lengths
case_ 2 'cut.jsonl:[0-9]+: column [0-9]+: not JSON' "wtlab replay of a trace cut mid-line" "$wtlab" replay "$tmp/cut.jsonl"
case_ 2 'bad-crash-kind.json:1:[0-9]+: /crash/kind: unknown crash kind "nuke"' \
    "wtlab run: an unknown crash kind" "$wtlab" run "$bad/bad-crash-kind.json"
case_ 2 '/crash/kind: a clean_reopen closes the DB, so it needs "at": "after_writers"' \
    "wtlab run: clean_reopen at a time" "$wtlab" run "$bad/bad-crash-clean-reopen-time.json"
case_ 2 '/crash/tear_last_write: tear_last_write needs a power_loss' \
    "wtlab run: a torn process kill" "$wtlab" run "$bad/bad-crash-kill-torn.json"
case_ 2 '/crash/at/file_op: must be at least 1, got 0' "wtlab run: crash at file op 0" \
    "$wtlab" run "$bad/bad-crash-file-op-zero.json"
case_ 2 'usage: wtlab crash-sweep SCENARIO' "wtlab crash-sweep without a scenario" "$wtlab" crash-sweep
case_ 2 "bad --modes 'fast'" "wtlab crash-sweep --modes fast" "$wtlab" crash-sweep "$S" --modes fast
case_ 2 "bad --kinds 'power_loss,meteor'" "wtlab crash-sweep --kinds with an unknown kind" \
    "$wtlab" crash-sweep "$S" --kinds power_loss,meteor
case_ 2 '--torn-step takes a positive number' "wtlab crash-sweep --torn-step 0" \
    "$wtlab" crash-sweep "$S" --torn --torn-step 0
case_ 2 'bad-policy.json:4:26: /schedule/policy' "wtlab crash-sweep: a bad scenario among good ones" \
    "$wtlab" crash-sweep "$S" "$bad/bad-policy.json"
limit=3
case_ 2 'dev/zero: cannot open: not a regular file' "wtlab replay /dev/zero" "$wtlab" replay /dev/zero
case_ 2 'fifo: cannot open: not a regular file' "wtlab plot of a FIFO" "$wtlab" plot "$tmp/fifo" -o "$tmp/fifo.png"
limit=20
echo "1..$n"
exit $fail
