#!/bin/sh
# gen_man.sh OUTPUT PROGRAM NAME DESCRIPTION [SEE_ALSO] — writes the man
# page NAME(1) of the built PROGRAM from its own --help, so the page and
# --help are one text and cannot disagree (tests/install.sh compares the
# installed page with --help).  When `PROGRAM --help` lists "commands:"
# whose own `PROGRAM COMMAND --help` exits 0 (wtlab), each gets a
# section under COMMANDS.  Help text is set verbatim (.nf), escaped for
# roff: backslashes, hyphens, quotes, and a leading dot.
set -eu
out=$1 program=$2 name=$3 description=$4 see_also=${5:-}

roff_text() {
    printf '.nf\n'
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/'/\\\\(aq/g" -e 's/`/\\(ga/g' \
        -e 's/^\./\\\&./' -e 's/^$/\\\&/'
    printf '.fi\n'
}

# Names listed under "commands:" in the top-level help (indented, first word).
command_names() {
    "$program" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
                             on && /^  [a-z]/ { print $1 }'
}

version=$("$program" --version | head -n 1)
tmp=$out.tmp
{
    upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
    printf '.TH %s 1 "" "%s" "wtlab manual"\n' "$upper" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$name" "$description"
    printf '.SH DESCRIPTION\n'
    "$program" --help | roff_text
    first=1
    for c in $(command_names); do
        "$program" "$c" --help > "$tmp.cmd" 2>/dev/null || continue
        [ $first -eq 0 ] || printf '.SH COMMANDS\n'
        first=0
        printf '.SS %s %s\n' "$name" "$c"
        roff_text < "$tmp.cmd"
    done
    rm -f "$tmp.cmd"
    printf '.SH VERSION\n'
    "$program" --version | head -n 1 | roff_text
    if [ -n "$see_also" ]; then
        printf '.SH SEE ALSO\n%s\n' "$see_also"
    fi
} > "$tmp"
mv "$tmp" "$out"
