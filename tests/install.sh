#!/bin/sh
# install.sh MESON BUILD_ROOT README PREFIX BINDIR LIBDIR INCLUDEDIR DATADIR MANDIR SANITIZE
#
# Goal: what `meson install` puts in place works on its own, away from
# the source tree: the lessons run, the man pages render and say what
# --help says, the completion completes, and the engine library builds
# and runs the README's example through pkg-config, writing a WAL that
# RocksDB's ldb reads.
#
# Method: install into a fresh DESTDIR (`meson install --destdir`), copy
# nothing from the source tree into it, and work from a scratch directory
# outside any checkout with only the staged tree: its wtlab must take
# its lesson (and say so) from the staged share/wtlab; `man -l` renders
# each staged page, and every line of `--help` (and of each wtlab
# subcommand's --help) must appear in it as one contiguous block; the
# example is cut out of README.md (the one text a reader copies), built
# with `cc example.c $(pkg-config --cflags --libs wtengine)` against the
# staged .pc file (PKG_CONFIG_SYSROOT_DIR is the stage), run with the
# staged library (ldd must resolve it there), its WAL dumped by `ldb
# dump_wal` and its keys read back by the staged wtdb.  Checks that need
# gnuplot, man or ldb are skipped (TAP SKIP) when the tool is missing.
# SANITIZE is meson's b_sanitize: in a sanitizer build the example is
# compiled with the same -fsanitize (the library needs its runtime).
set -u
meson=$1 build=$2 readme=$3 prefix=$4 bindir=$5 libdir=$6 includedir=$7 datadir=$8 mandir=$9
shift 9
sanitize=$1
. "$(dirname "$0")/tap.sh"
echo "1..11"

# Meson's install directories are relative to the prefix unless absolute.
under_prefix() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$prefix" "$1" ;; esac; }
stage=$tmp/stage
bin=$stage$(under_prefix "$bindir")
lib=$stage$(under_prefix "$libdir")
inc=$stage$(under_prefix "$includedir")
data=$stage$(under_prefix "$datadir")/wtlab
man1=$stage$(under_prefix "$mandir")/man1
completions=$stage$(under_prefix "$datadir")/bash-completion/completions
work=$tmp/work
mkdir -p "$work"

skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

installed() {
    "$meson" install -C "$build" --destdir "$stage" --no-rebuild --quiet || return 1
    for f in "$bin/wtlab" "$bin/wtdb" "$bin/wtbench" "$lib/libwtengine.a" "$lib/libwtengine.so" \
             "$lib/pkgconfig/wtengine.pc" "$inc/wtengine.h" "$man1/wtlab.1" "$man1/wtdb.1" \
             "$man1/wtbench.1" "$completions/wtlab" "$completions/wtdb" \
             "$data/scenarios/lessons/02-group-commit.json" \
             "$data/scenarios/lessons/02-group-commit.md" "$data/scenarios/serial-group-commit.json" \
             "$data/plots/02-group-commit.png"; do
        [ -e "$f" ] || { echo "not installed: $f"; return 1; }
    done
}
check "meson install --destdir puts every program, page, library and data file in place" installed

outside_checkout() {
    if git -C "$work" rev-parse --show-toplevel > /dev/null 2>&1; then
        echo "$work is inside a git checkout"; return 1
    fi
}
check "the scratch directory is outside any checkout" outside_checkout

# The staged wtlab names the staged data directory, not the source tree.
version_names_stage() {
    out=$(cd "$work" && env -u WTLAB_DATA "$bin/wtlab" --version) || return 1
    echo "$out"
    echo "$out" | grep -q '^wtlab [0-9]' || return 1
    echo "$out" | grep -q '^build wtlab-' || return 1
    [ "$(echo "$out" | sed -n 's/^data  //p')" = "$(cd "$data" && pwd -P)" ]
    for p in wtdb wtbench; do "$bin/$p" --version | grep "^$p [0-9]" || return 1; done
}
check "--version: version and build id; wtlab's data is the staged share/wtlab" version_names_stage

lesson() {
    cd "$work" || return 1
    env -u WTLAB_DATA "$bin/wtlab" lesson 02-group-commit -o OUT || return 1
    [ -s OUT/02-group-commit.jsonl ] || { echo "no trace"; return 1; }
    [ "$(head -c 4 OUT/02-group-commit.png | od -An -c | tr -d ' ')" = '211PNG' ] ||
        { echo "no PNG chart"; return 1; }
    env -u WTLAB_DATA "$bin/wtlab" lesson 02 -o OUT | grep -F "page    $(cd "$data" && pwd -P)/scenarios/lessons/02-group-commit.md" ||
        { echo "the page is not the staged one"; return 1; }
}
if command -v "${WTLAB_GNUPLOT:-gnuplot}" > /dev/null 2>&1; then
    check "staged wtlab lesson 02-group-commit -o OUT: trace, chart, the staged page" lesson
else
    skip "staged wtlab lesson 02-group-commit" "gnuplot not found"
fi

# normalized: collapse blanks, drop empty lines (a page indents its text).
normalized() { sed -e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//' | grep -v '^$'; }

# page_has_help PAGE PROGRAM [ARGS]: PROGRAM ARGS --help is one block of the rendered PAGE.
page_has_help() {
    page=$1
    shift
    "$@" --help | normalized > "$tmp/help" || return 1
    LC_ALL=C MANWIDTH=200 man -l "$page" 2> "$tmp/man-err" | normalized > "$tmp/page" || return 1
    [ ! -s "$tmp/man-err" ] || { cat "$tmp/man-err"; return 1; }
    awk 'NR == FNR { want[++n] = $0; next } { have[++m] = $0 }
         END { for (s = 1; s + n - 1 <= m; s++) {
                   for (k = 1; k <= n && have[s + k - 1] == want[k]; k++) ;
                   if (k > n) exit 0 }
               print "the page lacks this --help as one block:"; for (k = 1; k <= n; k++) print want[k]
               exit 1 }' "$tmp/help" "$tmp/page"
}
wtlab_page() {
    page_has_help "$man1/wtlab.1" "$bin/wtlab" || return 1
    cmds=$("$bin/wtlab" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
    [ -n "$cmds" ] || return 1
    for c in $cmds; do
        page_has_help "$man1/wtlab.1" "$bin/wtlab" "$c" || { echo "(wtlab $c)"; return 1; }
        grep -q "^\.SS wtlab $c\$" "$man1/wtlab.1" || { echo "no section for $c"; return 1; }
    done
}
if command -v man > /dev/null 2>&1; then
    check "man -l wtlab.1 renders wtlab --help and a section with each subcommand's --help" wtlab_page
    check "man -l wtdb.1 renders wtdb --help" page_has_help "$man1/wtdb.1" "$bin/wtdb"
    check "man -l wtbench.1 renders wtbench --help" page_has_help "$man1/wtbench.1" "$bin/wtbench"
else
    for p in wtlab wtdb wtbench; do skip "man -l $p.1" "man (man-db) not found"; done
fi

completes() {
    PATH=$bin:$PATH bash -c '
        . "$1/wtlab" || exit 1
        try() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _wtlab_complete
                echo "$* -> ${COMPREPLY[*]}"; }
        [ "$(try wtlab lesson 02-g)" = "wtlab lesson 02-g -> 02-group-commit" ] || exit 1
        [ "$(try wtlab explo)" = "wtlab explo -> explore" ] && [ "$(try wtlab exp)" = "wtlab exp -> explore explain" ] || exit 1
        [ "$(try wtdb --recovery-mode po)" = "wtdb --recovery-mode po -> point_in_time" ] || exit 1
        . "$1/wtdb" && [ "$(try wtdb --db d sc)" = "wtdb --db d sc -> scan" ]' _ "$completions"
}
if command -v bash > /dev/null 2>&1; then
    check "bash completion (staged) completes lessons, subcommands, option values" completes
else
    skip "bash completion" "bash not found"
fi

# The README's example, cut out as a reader would copy it.
example_builds() {
    awk '/^    \/\* example\.c/ { on = 1 } on && /^[^ ]/ { exit } on { sub(/^    /, ""); print }' \
        "$readme" > "$work/example.c"
    [ "$(wc -l < "$work/example.c")" -ge 20 ] || { echo "no example.c in $readme"; return 1; }
    cd "$work" || return 1
    export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
    flags=$(pkg-config --cflags --libs wtengine) || return 1
    [ "$sanitize" = none ] || flags="-fsanitize=$sanitize $flags"
    echo "cc example.c $flags"
    # shellcheck disable=SC2086 # the flags are words
    cc -Wall -Wextra -Werror example.c $flags -o example
}
check "README's example.c builds with cc \$(pkg-config --cflags --libs wtengine) (staged)" example_builds

example_runs() {
    cd "$work" || return 1
    LD_LIBRARY_PATH=$lib ldd ./example | grep "libwtengine.so.0 => $lib/" ||
        { echo "the example does not load the staged library"; return 1; }
    out=$(LD_LIBRARY_PATH=$lib ./example db) || return 1
    echo "$out"
    [ "$out" = "greeting = hello" ] || return 1
    [ "$("$bin/wtdb" --db db get engine)" = "wtlab" ]
}
check "the example writes and reads back a key; the staged wtdb reads the other" example_runs

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr '[:lower:]' '[:upper:]'; }
wal_dumps() {
    cd "$work" || return 1
    set -- db/*.log
    [ -f "$1" ] || { echo "no WAL in db/"; return 1; }
    ldb dump_wal --walfile="$1" --header --print_value > "$tmp/dump" 2> "$tmp/ldb-err" || return 1
    cat "$tmp/dump" "$tmp/ldb-err"
    [ ! -s "$tmp/ldb-err" ] || return 1
    grep -q "^1,2,.*PUT(0) : 0x$(hex greeting) : 0x$(hex hello) PUT(0) : 0x$(hex engine) : 0x$(hex wtlab)" \
        "$tmp/dump"
}
if command -v ldb > /dev/null 2>&1; then
    check "ldb dump_wal reads the example's WAL: one batch, sequence 1, both puts" wal_dumps
else
    skip "ldb dump_wal on the example's WAL" "ldb (rocksdb-tools) not found"
fi

exit $fail
