# tap.sh — sourced by the shell tests that print TAP: a scratch directory
# $tmp (removed on exit), the counters $n and $fail, and
#   check DESCRIPTION COMMAND...   runs COMMAND; "ok N - DESCRIPTION", or
#                                  "not ok" with its output as comments.
#   expect_status WANT PATTERN COMMAND...
#                                  COMMAND exits WANT and its stderr has PATTERN.
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

# expect_status WANT PATTERN COMMAND...: exits WANT and stderr has PATTERN.
expect_status() {
    want=$1 pattern=$2
    shift 2
    "$@" > /dev/null 2> "$tmp/err"
    status=$?
    cat "$tmp/err"
    [ "$status" -eq "$want" ] || { echo "exit status $status, wanted $want"; return 1; }
    grep -q -- "$pattern" "$tmp/err" || { echo "stderr lacks: $pattern"; return 1; }
}
