# tap.sh — sourced by the shell tests that print TAP: a scratch directory
# $tmp (removed on exit), the counters $n and $fail, and
#   check DESCRIPTION COMMAND...   runs COMMAND; "ok N - DESCRIPTION", or
#                                  "not ok" with its output as comments.
# The caller prints the plan ("1..K") and ends with `exit $fail`.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
check() {
    desc=$1
    shift
    n=$((n + 1))
    if "$@" > "$tmp/out" 2>&1; then
        echo "ok $n - $desc"
    else
        echo "not ok $n - $desc"
        sed 's/^/# /' "$tmp/out"
        fail=1
    fi
}
