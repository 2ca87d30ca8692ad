#!/bin/sh
# golden.sh WTLAB SOURCE_DIR [--update] — the traces under traces/golden/
# are recorded runs of small scenarios; re-running them must give the same
# bytes, except two header fields: "build" (a hash of the sources, which
# changes with any edit, even to a comment) and "scenario_path" (as typed).  A difference means the engine
# or the scheduler now behaves differently: read the diff, and if the
# change is intended re-record with --update.
set -u
wtlab=$1 src=$2 update=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
norm() { sed 's/"build":"[^"]*"/"build":"-"/; s/"scenario_path":"[^"]*"/"scenario_path":"-"/' "$1"; }
set -- serial-group-commit 1 incompatible-writers 7 wal-sync-error 3 crash-recovery 1
echo "1..$(($# / 2))"
i=0 fail=0
while [ $# -gt 0 ]; do
    name=$1 seed=$2
    shift 2
    i=$((i + 1))
    golden=$src/traces/golden/$name-seed$seed.jsonl
    "$wtlab" run "$src/scenarios/$name.json" --seed "$seed" -q -o "$tmp/$name.jsonl"
    if [ "$update" = "--update" ]; then
        cp "$tmp/$name.jsonl" "$golden"
        echo "ok $i - $name recorded into traces/golden"
        continue
    fi
    norm "$tmp/$name.jsonl" > "$tmp/$name.norm"
    if [ -f "$golden" ] && norm "$golden" | cmp -s - "$tmp/$name.norm"; then
        echo "ok $i - $name matches traces/golden"
    else
        echo "not ok $i - $name differs from traces/golden/$name-seed$seed.jsonl"
        [ -f "$golden" ] && norm "$golden" | diff - "$tmp/$name.norm" | head -20 | sed 's/^/# /'
        echo "# if the change is intended: sh tests/golden.sh BUILD/sim/cli/wtlab . --update"
        fail=1
    fi
done
exit $fail
