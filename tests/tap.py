"""tap.py — the TAP lines of the Python tests (as tap.sh is for the shell ones):
report() numbers each check; finish() prints the plan and exits 1 if any failed."""
import sys

_count = 0
_failures = 0


def report(ok, what):
    global _count, _failures
    _count += 1
    _failures += not ok
    print(("ok" if ok else "not ok") + " %d - %s" % (_count, what))
    return ok


def finish():
    print("1..%d" % _count)
    sys.exit(1 if _failures else 0)
