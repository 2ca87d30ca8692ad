#!/bin/sh
# trace_doc.sh TRACE_FORMAT_MD README [--update] — the tables in
# traces/README.md between the "generated" markers must be exactly what
# trace_format_md prints from the format's table (engine/trace_event.c):
# every line kind and key documented, nothing documented that does not
# exist.  --update rewrites that part of the README.
set -u
gen=$1 readme=$2 update=${3:-}
begin='<!-- BEGIN tables generated from engine/trace_event.c by tests/trace_format_md -->'
end='<!-- END generated tables -->'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" > "$tmp/want" || { echo "1..1"; echo "not ok 1 - trace_format_md failed"; exit 1; }
if [ "$update" = "--update" ]; then
    awk -v b="$begin" -v e="$end" -v f="$tmp/want" '
        $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$readme" > "$tmp/new" && cp "$tmp/new" "$readme"
    echo "updated $readme"
    exit 0
fi
awk -v b="$begin" -v e="$end" '$0 == e { inside = 0 } inside { print } $0 == b { inside = 1 }' \
    "$readme" > "$tmp/have"
echo "1..2"
if grep -qxF "$begin" "$readme" && grep -qxF "$end" "$readme"; then
    echo "ok 1 - $readme has the generated-tables markers"
else
    echo "not ok 1 - $readme lacks the markers: $begin / $end"
fi
if cmp -s "$tmp/want" "$tmp/have"; then
    echo "ok 2 - traces/README.md documents exactly the kinds and keys of the format's table"
else
    echo "not ok 2 - traces/README.md and the format's table disagree"
    diff "$tmp/have" "$tmp/want" | head -30 | sed 's/^/# /'
    echo "# if the table is right: sh tests/trace_doc.sh BUILD/tests/trace_format_md traces/README.md --update"
    exit 1
fi
