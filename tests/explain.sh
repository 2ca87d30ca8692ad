#!/bin/sh
# explain.sh WTLAB SOURCE_DIR [--update] — `wtlab explain` on the minimized
# trace of every injected bug (tests/data/explain/BUG.jsonl, made by
# wtlab-bug-BUG explore + minimize) and on a deadlock a pin makes: the text
# equals the committed BUG.txt, and the exit status is 1 (a failure told).
# explain reads traces only, so the plain wtlab explains every bug's trace.
# Also: a passing run exits 0 ("nothing failed"), bad input exits 2.
# --update rewrites the .txt files from the current output.
set -u
wtlab=$1 src=$2 update=${3:-}
. "$src/tests/tap.sh"
case $wtlab in /*) ;; *) wtlab=$PWD/$wtlab ;; esac
cd "$src" || exit 1
traces=$(ls tests/data/explain/*.jsonl)
echo "1..$(( $(echo $traces | wc -w) * 2 + 8 ))"
for t in $traces; do
    want=${t%.jsonl}.txt
    "$wtlab" explain "$t" > "$tmp/explain.out" 2>&1
    st=$?
    [ "$update" = --update ] && cp "$tmp/explain.out" "$want"
    check "explain $(basename "$t") exits 1 (a failure told)" test $st -eq 1
    if diff -u "$want" "$tmp/explain.out" > "$tmp/diff" 2>&1; then
        check "explain $(basename "$t") matches $(basename "$want")" true
    else
        sed 's/^/# /' "$tmp/diff" | head -n 40
        check "explain $(basename "$t") matches $(basename "$want")" false
    fi
done
check "lost_wakeup: the two writers' columns (w3, w1)" \
    grep -q '^    step | w3  *| w1  *|$' tests/data/explain/lost_wakeup.txt
check "lost_wakeup: the overwrite of the wake-up, by w3, after w1 made it leader" \
    sh -c "grep -q 'Step 2163: w1 sets w3 INIT -> GROUP_LEADER' tests/data/explain/lost_wakeup.txt &&
           grep -q 'Step 2172: w3 itself stores LOCKED_WAITING over GROUP_LEADER' tests/data/explain/lost_wakeup.txt"
"$wtlab" run scenarios/lessons/01-lone-writer.json -q -o "$tmp/pass.jsonl" > /dev/null 2>&1
"$wtlab" explain "$tmp/pass.jsonl" > "$tmp/pass.out" 2>&1
check "a passing run: exit 0, nothing failed" sh -c "[ $? -eq 0 ] && grep -q 'nothing failed' '$tmp/pass.out'"
"$wtlab" explain > /dev/null 2> "$tmp/err"
check "no trace: exit 2, says which is missing" sh -c "[ $? -eq 2 ] && grep -q 'which trace' '$tmp/err'"
"$wtlab" explain tests/data/explain/lost_wakeup.jsonl --width 3 > /dev/null 2> "$tmp/err"
check "--width 3: exit 2" sh -c "[ $? -eq 2 ] && grep -q 'width wants a number from 16 to 200' '$tmp/err'"
# --html: the view page, and a link whose #steps=N puts the page's cursor
# (events without picks) on the violation
"$wtlab" explain tests/data/explain/wake_before_detach.jsonl --html "$tmp/p.html" > "$tmp/html.out" 2>&1
want=$(grep '"ev":' tests/data/explain/wake_before_detach.jsonl | grep -v '"ev":"pick"' |
       grep -n '"ev":"violation"' | cut -d: -f1)
check "--html: the page is written and the link's #steps=$want is the violation" \
    sh -c "[ -s '$tmp/p.html' ] && grep -q 'file://.*p.html#steps=$want ' '$tmp/html.out'"
"$wtlab" help explain > "$tmp/help1" 2>&1; "$wtlab" explain --help > "$tmp/help2" 2>&1
check "wtlab help explain is wtlab explain --help" cmp "$tmp/help1" "$tmp/help2"
printf '{"a":1}\n' > "$tmp/no.jsonl"
"$wtlab" explain "$tmp/no.jsonl" > /dev/null 2> "$tmp/err"
check "not a trace: exit 2, names the file" sh -c "[ $? -eq 2 ] && grep -q 'no.jsonl:1' '$tmp/err'"
exit $fail
