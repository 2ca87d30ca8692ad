#!/bin/sh
# exports.sh LIBWTENGINE.so LIBWTENGINE.a WTENGINE_H
#
# Goal: the shared library's interface is exactly the public header: every
# function wtengine.h declares (WTENGINE_API) is exported, and nothing
# else is, so no engine internal (wt_db_open, port_*, ...) can become
# something a program links against; the static library has them too.
#
# Method: the names declared after WTENGINE_API in the header, against
# `nm -D --defined-only` of the .so (the dynamic symbol table) and the
# global text symbols of the .a; both lists sorted and compared.
set -u
so=$1 archive=$2 header=$3
. "$(dirname "$0")/tap.sh"
command -v nm > /dev/null 2>&1 || { echo "1..0 # SKIP nm not found"; exit 77; }
echo "1..4"
grep 'WTENGINE_API' "$header" | grep -o 'wtengine_[a-z0-9_]*(' | tr -d '(' | sort -u > "$tmp/declared"
nm -D --defined-only "$so" | awk '{ print $NF }' | sort -u > "$tmp/exported"

declared_some() { cat "$tmp/declared"; [ "$(wc -l < "$tmp/declared")" -ge 20 ]; }
check "wtengine.h declares the API ($(wc -l < "$tmp/declared") functions)" declared_some
same() { diff "$1" "$2" && echo "$(wc -l < "$1") symbols"; }
check "nm -D of the shared library: exactly the header's functions ($(wc -l < "$tmp/exported") exported)" \
    same "$tmp/declared" "$tmp/exported"
no_internal() { ! grep -v '^wtengine_' "$tmp/exported"; }
check "no engine internal (wt_*, port_*, ...) is exported" no_internal
in_archive() {
    nm --defined-only -g "$archive" | awk '$2 == "T" { print $3 }' | grep '^wtengine_' | sort -u \
        > "$tmp/archived"
    diff "$tmp/declared" "$tmp/archived"
}
check "the static library defines every declared function" in_archive
exit $fail
