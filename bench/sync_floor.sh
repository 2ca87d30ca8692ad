#!/bin/sh
# sync_floor.sh — is a 16-thread sync group cycle of <= 1.1 x fsync possible
# on this machine?  Runs, alternately and --repeat times:
#   wtbench --threads T --num N --sync --sync-group-fill --leader-inserts-parked
#           --breakdown --fsync-bound
#       the group cycle wtlab achieves and the fsync of the same run;
#   park_wake --threads T --fsync-us F (serial, then --tree)
#       with F = that run's fsync: the time from the first wake-up of T-1
#       parked threads until all have run again (bench/park_wake.c).
# Every writer of a full group parks during the fsync (it cannot return
# before its write is durable, and spinning 15 threads on 2 cores takes
# the CPU from the leader), so the next full group can start its fsync
# no sooner than `back` after the last one ended:
#   cycle >= F + back,  achievable share of the bound <= F / (F + back),
# and a cycle <= 1.1 x F needs back <= 0.1 x F.  The floor holds for
# writers that park; with few threads (4 on 2 cores) they may still be
# spinning or yielding when the fsync ends, and wtlab's cycle can be
# below it.
#
# --prewake USEC: also run, right after each of those runs, the same
# wtbench command with --sync-prewake USEC (the wtlab option
# sync_prewake_usec: members sleep with a deadline during the fsync and are
# running when it ends, write_thread_prewake.c), whose cycle is not bound
# by that floor; the row then shows both runs (P: columns; the two run in
# alternating order: without the option first in odd repeats).  share = the
# share of the fsync bound reached = (group / T) / (cycle / fsync);
# cpu = CPU microseconds per write (getrusage); ops = writes/s.
#
# --overlap (with --prewake): both runs use --sync-prewake USEC, and the P:
# run adds --sync-overlap-insert (the wtlab option sync_overlap_insert: a
# pre-woken waiting writer inserts the group during the fsync), so the P:
# columns compare that option alone.
#
# usage: sync_floor.sh WTBENCH PARK_WAKE [--threads T] [--num N] [--repeat R] [--prewake USEC] [--overlap]
# Prints one line per repeat and the medians.  Exit 2 on bad arguments,
# 1 when a run fails.  A benchmark: nothing is asserted.
set -eu
usage() { # [exit status, default 2]; with 0 to stdout
    echo "usage: sync_floor.sh WTBENCH PARK_WAKE [--threads T] [--num N] [--repeat R] [--prewake USEC] [--overlap]" \
        >&"$([ "${1:-2}" = 0 ] && echo 1 || echo 2)"
    exit "${1:-2}"
}
for a in "$@"; do case $a in -h|--help) usage 0 ;; esac; done
[ $# -ge 2 ] || usage
WTBENCH=$1 PARK=$2
shift 2
T=16 NUM=500 REPEAT=3 PREWAKE=0 OVERLAP=0
while [ $# -gt 0 ]; do
    if [ "$1" = --overlap ]; then OVERLAP=1; shift; continue; fi
    [ $# -ge 2 ] || { echo "sync_floor: $1 needs a value" >&2; usage; }
    case $1 in
        --threads) T=$2 ;;
        --num) NUM=$2 ;;
        --repeat) REPEAT=$2 ;;
        --prewake) PREWAKE=$2 ;;
        *) echo "sync_floor: unknown argument $1" >&2; usage ;;
    esac
    shift 2
done
for n in "$T" "$NUM" "$REPEAT"; do
    case $n in ''|*[!0-9]*|0) echo "sync_floor: '$n' is not a positive count" >&2; exit 2 ;; esac
done
case $PREWAKE in ''|*[!0-9]*) echo "sync_floor: --prewake '$PREWAKE' is not a count of microseconds" >&2; exit 2 ;; esac
[ "$T" -ge 2 ] || { echo "sync_floor: --threads must be >= 2" >&2; exit 2; }
[ "$OVERLAP" = 0 ] || [ "$PREWAKE" -gt 0 ] || { echo "sync_floor: --overlap needs --prewake USEC" >&2; exit 2; }
for b in "$WTBENCH" "$PARK"; do
    [ -x "$b" ] || { echo "sync_floor: $b is not an executable" >&2; exit 2; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sync-floor.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
field() { sed -n "s/.*[ :]$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }

echo "# sync_floor: $(date -u '+%Y-%m-%dT%H:%M:%SZ') load average: $(cut -d' ' -f1-3 /proc/loadavg); threads=$T num=$NUM prewake=$PREWAKE overlap=$OVERLAP"
hdr() { printf '%8s %8s %6s %6s %6s %6s %7s %7s %5s' "$1fsync" "$1cycle" "$1c/f" "$1grp" "$1share" "$1cpu" "$1ops" "$1devf" "$1ach"; }
{ printf '%-3s ' rep; hdr ""; [ "$PREWAKE" -gt 0 ] && { printf ' | '; hdr P:; }
  printf ' | %8s %8s %8s %8s %10s' back_ser back_tree floor_us f/fsync max_share
  [ "$PREWAKE" -gt 0 ] && printf ' | %8s %8s %9s %11s' back_pre P:floor P:f/fsync P:max_share
  printf '\n'; }
# bench OUT [EXTRA ARGS]: one wtbench run with the options of the floor.
bench() {
    out=$1
    shift
    base=""
    [ "$OVERLAP" = 1 ] && base="--sync-prewake $PREWAKE"
    # shellcheck disable=SC2086 # base: zero or two words
    if ! "$WTBENCH" --threads "$T" --num "$NUM" --sync --sync-group-fill --leader-inserts-parked \
        --breakdown --fsync-bound --db "$WORK/db" $base "$@" >"$out" 2>&1; then
        echo "sync_floor: wtbench failed:" >&2; cat "$out" >&2; exit 1
    fi
}
# cols FILE: fsync cycle c/f grp share cpu ops devf ach of one run.
cols() {
    awk -v T="$T" -v f="$(field in_run_fsync_us "$1")" -v c="$(field group_cycle_us "$1")" \
        -v g="$(field mean_group "$1")" -v cpu="$(field cpu_secs_per_mwrite "$1")" \
        -v ops="$(field ops_per_sec "$1")" -v df="$(field fsync_us "$1")" \
        -v ach="$(field achieved "$1")" 'BEGIN {
        printf "%8.1f %8.1f %6.2f %6.2f %5.0f%% %6.1f %7.0f %7.1f %4.0f%%", f, c, c / f, g,
            100 * g / T / (c / f), cpu, ops, df, 100 * ach }'
}
: >"$WORK/rows"
PARGS="--sync-prewake $PREWAKE"
[ "$OVERLAP" = 1 ] && PARGS="--sync-overlap-insert"
i=1
while [ "$i" -le "$REPEAT" ]; do
    # With --prewake the order alternates (odd repeats: without it first),
    # so that drift of the device within a pair does not favour one side.
    if [ "$PREWAKE" -gt 0 ] && [ $((i % 2)) -eq 0 ]; then
        bench "$WORK/pw" $PARGS
        bench "$WORK/wt"
    else
        bench "$WORK/wt"
        [ "$PREWAKE" -gt 0 ] && bench "$WORK/pw" $PARGS
    fi
    f=$(field in_run_fsync_us "$WORK/wt")
    fi=$(printf '%.0f' "$f")
    [ "$fi" -gt 0 ] || fi=1
    "$PARK" --threads "$T" --fsync-us "$fi" >"$WORK/ps" || { echo "sync_floor: park_wake failed" >&2; exit 1; }
    "$PARK" --threads "$T" --fsync-us "$fi" --tree >"$WORK/pt" || { echo "sync_floor: park_wake failed" >&2; exit 1; }
    bs=$(field back_us_p50 "$WORK/ps")
    bt=$(field back_us_p50 "$WORK/pt")
    if [ "$PREWAKE" -gt 0 ]; then
        # The floor of the pre-wake itself: members that sleep unannounced
        # until PREWAKE us before the P: run's fsync ends, then yield, and
        # are released by a store each (park_wake --prewake).
        pf=$(field in_run_fsync_us "$WORK/pw")
        pfi=$(printf '%.0f' "$pf")
        [ "$pfi" -gt "$PREWAKE" ] || pfi=$((PREWAKE + 1))
        "$PARK" --threads "$T" --fsync-us "$pfi" --prewake "$PREWAKE" >"$WORK/pp" ||
            { echo "sync_floor: park_wake failed" >&2; exit 1; }
        bp=$(field back_us_p50 "$WORK/pp")
    fi
    { printf '%-3s ' "$i"; cols "$WORK/wt"; [ "$PREWAKE" -gt 0 ] && { printf ' | '; cols "$WORK/pw"; }
      awk -v f="$f" -v bs="$bs" -v bt="$bt" 'BEGIN {
        b = bs < bt ? bs : bt; fl = f + b
        printf " | %8.1f %8.1f %8.1f %8.2f %9.0f%%", bs, bt, fl, fl / f, 100 * f / fl }'
      [ "$PREWAKE" -gt 0 ] && awk -v f="$pf" -v b="$bp" 'BEGIN {
        fl = f + b
        printf " | %8.1f %8.1f %9.2f %10.0f%%", b, fl, fl / f, 100 * f / fl }'
      printf '\n'
    } | tee -a "$WORK/rows"
    i=$((i + 1))
done
# Medians of each column.
awk '{ for (k = 2; k <= NF; k++) if ($k != "|") v[k] = v[k] " " $k } END {
    printf "med"
    for (k = 2; k <= NF; k++) {
        if (!(k in v)) { printf " |"; continue }
        n = split(v[k], a, " "); for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++)
            if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
        m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        printf " %s", m
    }
    printf "\n" }' "$WORK/rows"
echo "# fsync = the run's own mean fsync (us); cycle = wall time / WAL records (us); share = (grp / $T) / (c/f); cpu = CPU us per write; ops = writes/s"
echo "# devf = wtbench --fsync-bound's group-sized append+fdatasync alone, before and after the run (us); ach = ops / ($T / devf), the share of that bound"
if [ "$OVERLAP" = 1 ]; then
    echo "# both runs with --sync-prewake $PREWAKE; P: = the same run with --sync-overlap-insert too (the two alternate: odd rows ran without it first)"
elif [ "$PREWAKE" -gt 0 ]; then
    echo "# P: = the same run with --sync-prewake $PREWAKE (the two alternate: odd rows ran without it first)"
fi
echo "# c/f = wtlab's cycle / fsync; floor = fsync + the faster of back_ser/back_tree ($((T - 1)) parked threads woken and run again);"
echo "# f/fsync = the floor / fsync (<= 1.1 needed for 90 % of the bound); max_share = fsync / floor, the best share of the bound a full group can reach"
[ "$PREWAKE" -gt 0 ] && echo "# back_pre = park_wake --prewake $PREWAKE: $((T - 1)) members sleeping unannounced until $PREWAKE us before the P: run's fsync ends, then yielding, released by a store each, until all ran again; P:floor = P:fsync + back_pre, the floor of that design"
echo "# end: $(date -u '+%Y-%m-%dT%H:%M:%SZ') load average: $(cut -d' ' -f1-3 /proc/loadavg)"
