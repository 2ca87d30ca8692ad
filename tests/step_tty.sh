#!/bin/sh
# step_tty.sh WTLAB SRCDIR — `wtlab step` played like a user, in a terminal.
#
# Starts `wtlab step` on lesson 02 inside tmux (a real pseudo-terminal: the
# screen is redrawn, a prompt waits), types the README's exercise move by
# move and reads the pane after each: a pick by number, `back`, a pick by
# name, then `run` until the goal "make w2 lead a group of five" is
# announced; `save` writes a trace that `wtlab replay` matches; `quit`.
# Waiting for the pane polls up to 30 s for the expected text (a bound on
# waiting, not on speed).  Exit 77 (skip) without tmux.
set -u
wtlab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed (apt-get install -y tmux)"; exit 77; }
tmp=$(mktemp -d)
sock="$tmp/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
n=0
fail=0
report() { # STATUS WHAT
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
pane() { tmux -S "$sock" capture-pane -p -t step > "$tmp/pane"; }
# wait_for TEXT: the pane shows TEXT (fixed string) and the prompt
wait_for() {
    i=0
    while [ $i -lt 300 ]; do
        pane
        if grep -qF -- "$1" "$tmp/pane" && grep -v '^ *$' "$tmp/pane" | tail -n 1 | grep -q '^step>'; then return 0; fi
        i=$((i + 1))
        sleep 0.1
    done
    echo "# the pane, waiting for '$1':"; grep -v '^ *$' "$tmp/pane" | sed 's/^/# /' 
    return 1
}
type_line() { tmux -S "$sock" send-keys -t step -l "$1"; tmux -S "$sock" send-keys -t step Enter; }
heading() { grep '^=== step ' "$tmp/pane" | tail -n 1; }
moves_shown() { sed -n 's/^=== step [0-9]*  t=[0-9]* ns  moves \([0-9]*\) ===$/\1/p' "$tmp/pane" | tail -n 1; }

cd "$tmp" || exit 1
tmux -S "$sock" new-session -d -s step -x 220 -y 200 \
    "'$wtlab' step '$src/scenarios/lessons/02-group-commit.json'; echo STEP-EXITED \$?; sleep 60" ||
    { echo "Bail out! tmux could not start a session"; exit 1; }
wait_for "=== step 39  t=5009145 ns  moves 0 ==="
report $? "the first screen: the first decision, no moves yet"
grep -q '^  1) main ' "$tmp/pane" && grep -q '^  2) flush ' "$tmp/pane"
report $? "it lists the runnable threads, numbered"
grep -qF '[ ] make w2 lead a group of five' "$tmp/pane"
report $? "it shows the lesson's goals, not met yet"

type_line 1
wait_for "moves 1 ==="
report $? "a pick by number moves one step"
type_line back
wait_for "moves 0 ==="
report $? "back returns to the start"
type_line flush
wait_for "moves 1 ==="
grep -q '^  2) flush ' "$tmp/pane"
report $? "a pick by name moves that thread"

prev=1
reached=1
k=0
while [ $k -lt 60 ]; do
    pane
    before=$(heading)
    type_line run
    k=$((k + 1))
    # the redraw after `run` takes a moment (more under ASan and load):
    # wait until the screen is a new one (its heading changed: every run
    # moves) or says the run has ended, so that the next `run` is never
    # typed while this one is still working (two queued runs would pass
    # the goal's stop); then for the whole screen
    i=0
    while [ $i -lt 300 ]; do
        pane
        [ "$(heading)" != "$before" ] && break
        grep -q 'the run has ended' "$tmp/pane" && break
        i=$((i + 1)); sleep 0.1
    done
    if grep -q 'the run has ended' "$tmp/pane"; then
        echo "# the run ended before the goal was announced"; break
    fi
    i=0
    while [ $i -lt 100 ]; do
        wait_for "=== step" || break
        grep -q '^writer list (write queue), newest -> oldest' "$tmp/pane" &&
            grep -q '^goals (' "$tmp/pane" && break
        i=$((i + 1)); sleep 0.1
    done
    m=$(moves_shown)
    # each screen: the writers, the list, the goals; moves never go down
    if ! grep -q '^writer list (write queue), newest -> oldest' "$tmp/pane" ||
       ! grep -q '^goals (' "$tmp/pane" || [ "${m:-0}" -lt "$prev" ]; then
        report 1 "run #$k: a full screen, moves not decreasing ($prev -> $m)"
        break
    fi
    prev=$m
    if grep -qF '*** goal reached: make w2 lead a group of five' "$tmp/pane"; then reached=0; break; fi
done
report $reached "run after run, the goal 'make w2 lead a group of five' is announced ($k runs, $prev moves)"
grep -qF '[x] make w2 lead a group of five' "$tmp/pane"
report $? "the goal is checked off on the screen"
grep -q 'group .*leader=w2 members=\[w2 w3 w4 w5 w6\]' "$tmp/pane"
report $? "the group event (w2 w3 w4 w5 w6) is among the events since the last move"

type_line "save $tmp/mine.jsonl"
wait_for "saved $tmp/mine.jsonl"
report $? "save writes the trace"
"$wtlab" replay "$tmp/mine.jsonl" > "$tmp/replay" 2>&1
report $? "wtlab replay matches the saved trace"
grep -q '"ev":"group","leader":"w2","members":\["w2","w3","w4","w5","w6"\]' "$tmp/mine.jsonl"
report $? "the saved trace has w2's group of five"
type_line quit
i=0
while [ $i -lt 300 ]; do
    pane
    grep -q '^STEP-EXITED' "$tmp/pane" && break
    i=$((i + 1)); sleep 0.1
done
grep -q '^STEP-EXITED 0' "$tmp/pane"
report $? "quit ends wtlab step with status 0"
echo "1..$n"
exit $fail
