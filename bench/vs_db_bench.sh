#!/bin/sh
# vs_db_bench.sh — wtlab's pthreads engine (wtbench) and RocksDB's db_bench,
# fillrandom, like with like, side by side in one run.
#
# For each of db_bench's four write modes (and two write queues, below), each sync setting and each
# thread count (a "cell"), the two engines run alternately --repeat times
# (db_bench, wtbench, and for sync writes wtbench with the wtlab options
# --sync-group-fill --leader-inserts-parked --sync-prewake 50, column "opt"), with
# the same keys (16 bytes), values (100 bytes), writes and file system.  The mode is set explicitly on BOTH sides (db_bench 7.8.3 defaults
# --enable_pipelined_write=true, so leaving it unset compares against
# RocksDB's pipelined path):
#
#   mode       db_bench flags                                       wtbench
#   default    --enable_pipelined_write=false                       --mode default
#              --allow_concurrent_memtable_write=true --unordered_write=false
#   serial     --enable_pipelined_write=false                       --mode serial
#              --allow_concurrent_memtable_write=false --unordered_write=false
#   pipelined  --enable_pipelined_write=true                        --mode pipelined
#              --allow_concurrent_memtable_write=true --unordered_write=false
#   unordered  --enable_pipelined_write=false                       --mode unordered
#              --allow_concurrent_memtable_write=true --unordered_write=true
#
#   two-queues (rocks_fill --mode two-queues)                       --mode two-queues
#
# Two write queues has no db_bench flag (two_write_queues is a DBOptions
# field db_bench 7.8.3 does not expose), so its RocksDB side is
# bench/rocks_fill.cc: the same fillrandom against librocksdb, the four mode
# fields set explicitly (two_write_queues = true, the others as default),
# the same other options as db_bench gets here (no compression, no
# automatic compactions, statistics), and the same keys and values as
# wtbench.  It is built only with librocksdb-dev installed; the script
# takes it from --rocks-fill PATH or next to WTBENCH, and without it the
# two-queues row is left out (and said so).
#
# One row per cell; every figure is the median over the repeats:
#   rocks_ops wt_ops     ops/s; spread = (max - min) / median in %
#   ratio                wt_ops / rocks_ops (medians)
#   rocks_grp wt_grp     writes per group commit: RocksDB from --statistics
#                        ((write.self + write.other) / write.self), wtlab
#                        from its WAL (batches per record)
#   rocks_cpu wt_cpu     CPU-seconds (user + system, /usr/bin/time, the
#                        whole process on both sides) per million writes
#   cpu_x                rocks_cpu / wt_cpu (medians): RocksDB's CPU per
#                        write over wtlab's, less disturbed by the other
#                        load on a shared machine than the ops/s ratio
#   rk_csw wt_csw        context switches per write, voluntary + involuntary
#                        (/usr/bin/time %w + %c, the whole process on both
#                        sides): a write that parks costs about two, a
#                        sched_yield that gives the CPU away one; near 0
#                        when waiting writers spin or are never made to wait
#                        (with sync, the I/O waits of write and fdatasync
#                        count too: about 3 per write at one thread)
#   p50 p99 p99.9 max    write latency in microseconds, RocksDB from
#                        db_bench --histogram=1, wtlab from its histogram
#   opt_* o_*            wtbench --sync-group-fill --leader-inserts-parked
#                        --sync-prewake USEC (wtlab extensions, off by
#                        default; sync rows; --opt-prewake USEC, default
#                        50, 0 leaves --sync-prewake out); in no-sync rows
#                        only with --opt-nosync "WTBENCH OPTIONS" (e.g.
#                        "--strict-yield-credit"); o_cpu o_csw as wt_*;
#                        opt_p99 o_p99.9 the opt runs' latency percentiles
#   o_share o_c/f o_lone sync rows: the opt runs also take --fsync-bound
#                        --breakdown (clock reads around each phase, a few
#                        per group of hundreds of microseconds): o_share =
#                        writes/s over the bound from the run's own mean
#                        fsync (t writers per fsync), o_c/f = the group
#                        cycle (wall time / WAL records) over that fsync,
#                        o_lone = writes/s over the bound from a lone
#                        group-sized append+fdatasync timed before and
#                        after the run (wtbench.c, --fsync-bound)
# After the table, "# goal:" lines count issue 23's goals over the
# medians (ratio >= 2.0 without sync; 16 threads >= 90 % of 1 thread's
# writes/s without sync; o_share >= 90 % at 16 sync threads, >= 80 % at
# 4; p99 <= RocksDB's), for the wtbench and the opt columns, and name
# the cells that miss.
# Sizing (the same on both sides): without sync, --num is the writes of a
# whole cell, split evenly over its threads (each engine gets --num N/t per
# thread: db_bench's and wtbench's --num count per thread).  So 1, 4 and 16
# threads write the same data and end with the same memtable size; before
# 2026-12-05 --num was per thread and 16 threads wrote 16 times the data
# of one, into a 16 times larger memtable whose skiplist misses the cache
# on almost every node (most of the "collapse" at 16 threads; measured in
# issue 23's notes).  --sizing per-thread restores that.  Both key
# generators draw from [0, per-thread num).  With sync, --sync-num is per
# thread (a sync write's cost is the device's, not the data's).
# db_bench runs with --statistics=1 --histogram=1 (needed for the group size
# and the percentiles); wtbench always times every write too.
#
# --adaptive-yield 0 turns the write thread's adaptive yield off on both
# sides (db_bench --enable_write_thread_adaptive_yield=false, wtbench
# --max-yield-usec 0: waiting writers spin, then park, never sched_yield);
# default 1, both engines' default.
#
# usage: vs_db_bench.sh WTBENCH [--threads "1 4 16"] [--modes "default serial
#            pipelined unordered"] [--sync "0 1"] [--num N] [--sync-num N]
#            [--sizing total|per-thread] [--repeat N] [--adaptive-yield 0|1]
#            [--opt-prewake USEC] [--opt-nosync "OPTIONS"] [--dir DIR]
#            [--rocks-fill PATH]
# --modes also takes two-queues (the default list has it when rocks_fill
# is found).
# Needs db_bench (Debian: rocksdb-tools) and /usr/bin/time; without them it
# says so and exits 0 (a benchmark, not a test).  Exit 2 on bad arguments,
# 1 when a run fails.  The machine is shared and noisy: compare the ratios
# within one run, and note the load average printed at the start and end.
set -eu
usage() { # [exit status, default 2]; with 0 to stdout
    { echo "usage: vs_db_bench.sh WTBENCH [--threads LIST] [--modes LIST] [--sync LIST]"
      echo "                      [--num N] [--sync-num N] [--sizing total|per-thread]"
      echo "                      [--repeat N] [--adaptive-yield 0|1] [--opt-prewake USEC]"
      echo "                      [--opt-nosync \"WTBENCH OPTIONS\"] [--dir DIR]"
      echo "                      [--rocks-fill PATH]"
    } >&"$([ "${1:-2}" = 0 ] && echo 1 || echo 2)"
    exit "${1:-2}"
}
for a in "$@"; do case $a in -h|--help) usage 0 ;; esac; done
[ $# -ge 1 ] || usage
WTBENCH=$1
shift
THREADS="1 4 16"
MODES=
ROCKS_FILL=
SYNCS="0 1"
NUM=300000     # writes per cell (--sizing total) or per thread, no sync
SIZING=total
SYNC_NUM=1000  # writes per thread, sync
REPEAT=1
YIELD=1
PREWAKE=50     # opt columns: --sync-prewake USEC (0: without it)
OPT_NOSYNC=    # opt columns of no-sync rows: these wtbench options (empty: none)
BASE=${TMPDIR:-/tmp}
is_count() { case $1 in ''|*[!0-9]*) return 1 ;; *) [ "$1" -gt 0 ] ;; esac; }
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { echo "vs_db_bench: $1 needs a value" >&2; usage; }
    case $1 in
        --threads) THREADS=$2 ;;
        --modes) MODES=$2 ;;
        --sync) SYNCS=$2 ;;
        --num) NUM=$2 ;;
        --sync-num) SYNC_NUM=$2 ;;
        --repeat) REPEAT=$2 ;;
        --sizing) SIZING=$2 ;;
        --adaptive-yield) YIELD=$2 ;;
        --opt-prewake) PREWAKE=$2 ;;
        --opt-nosync) OPT_NOSYNC=$2 ;;
        --dir) BASE=$2 ;;
        --rocks-fill) ROCKS_FILL=$2 ;;
        *) echo "vs_db_bench: unknown argument $1" >&2; usage ;;
    esac
    shift 2
done
for n in $THREADS $NUM $SYNC_NUM $REPEAT; do
    is_count "$n" || { echo "vs_db_bench: '$n' is not a positive count" >&2; exit 2; }
done
case $PREWAKE in ''|*[!0-9]*) echo "vs_db_bench: --opt-prewake takes microseconds (0: off)" >&2; exit 2 ;; esac
OPT_PREWAKE=
[ "$PREWAKE" -gt 0 ] && OPT_PREWAKE="--sync-prewake $PREWAKE"
case $YIELD in 0|1) ;;
    *) echo "vs_db_bench: --adaptive-yield takes 0 or 1" >&2; exit 2 ;;
esac
ROCKS_YIELD='' WT_YIELD=''
if [ "$YIELD" = 0 ]; then
    ROCKS_YIELD=--enable_write_thread_adaptive_yield=false WT_YIELD="--max-yield-usec 0"
fi
case $SIZING in total|per-thread) ;;
    *) echo "vs_db_bench: --sizing takes total or per-thread" >&2; exit 2 ;;
esac
if [ -n "$ROCKS_FILL" ]; then
    [ -x "$ROCKS_FILL" ] || { echo "vs_db_bench: --rocks-fill $ROCKS_FILL is not an executable" >&2; exit 2; }
elif [ -x "$(dirname "$WTBENCH")/rocks_fill" ]; then
    ROCKS_FILL=$(dirname "$WTBENCH")/rocks_fill
fi
if [ -z "$MODES" ]; then
    MODES="default serial pipelined unordered"
    [ -n "$ROCKS_FILL" ] && MODES="$MODES two-queues"
fi
for m in $MODES; do
    case $m in default|serial|pipelined|unordered) ;;
        two-queues)
            [ -n "$ROCKS_FILL" ] || { echo "vs_db_bench: mode two-queues needs rocks_fill (bench/rocks_fill.cc, built with librocksdb-dev installed; --rocks-fill PATH)" >&2; exit 2; } ;;
        *) echo "vs_db_bench: unknown mode '$m' (default serial pipelined unordered two-queues)" >&2; exit 2 ;;
    esac
done
for s in $SYNCS; do
    case $s in 0|1) ;; *) echo "vs_db_bench: --sync takes 0 and/or 1" >&2; exit 2 ;; esac
done
[ -x "$WTBENCH" ] || { echo "vs_db_bench: $WTBENCH is not an executable" >&2; exit 2; }
if ! command -v db_bench >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    echo "vs_db_bench: db_bench or /usr/bin/time not installed (apt-get install rocksdb-tools time); skipped"
    exit 0
fi
WORK=$(mktemp -d "$BASE/vs-db-bench.XXXXXX")
[ -n "${VS_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT INT TERM
if [ -n "$OPT_NOSYNC" ]; then
    case " $SYNCS " in *" 0 "*) ;;
        *) echo "vs_db_bench: --opt-nosync needs the no-sync rows (--sync 0)" >&2; exit 2 ;;
    esac
    # One write with the options, before any timed run: a bad option is
    # usage, found now rather than after the first cell.
    # shellcheck disable=SC2086 # OPT_NOSYNC: a list of options
    if ! "$WTBENCH" $OPT_NOSYNC --threads 1 --num 1 --db "$WORK/check" >"$WORK/out" 2>&1; then
        echo "vs_db_bench: wtbench refuses --opt-nosync \"$OPT_NOSYNC\":" >&2; cat "$WORK/out" >&2; exit 2
    fi
fi

mode_flags() {
    case $1 in
        default) echo "--enable_pipelined_write=false --allow_concurrent_memtable_write=true --unordered_write=false" ;;
        serial) echo "--enable_pipelined_write=false --allow_concurrent_memtable_write=false --unordered_write=false" ;;
        pipelined) echo "--enable_pipelined_write=true --allow_concurrent_memtable_write=true --unordered_write=false" ;;
        unordered) echo "--enable_pipelined_write=false --allow_concurrent_memtable_write=true --unordered_write=true" ;;
    esac
}

# CPU-seconds per million writes from a /usr/bin/time -f "%U %S" file.
cpu_per_m() { awk -v n="$2" 'NR == 1 { printf "%.2f", ($1 + $2) * 1e6 / n }' "$1"; }
# Context switches per write (voluntary + involuntary) from the same file.
csw_per_w() { awk -v n="$2" 'NR == 1 { printf "%.3f", ($3 + $4) / n }' "$1"; }

# One db_bench run (two-queues: rocks_fill): prints "ops group cpu p50 p99
# p999 max csw".
run_rocks() { # mode sync threads num
    rm -rf "$WORK/rocks"
    if [ "$1" = two-queues ]; then run_rocks_fill "$@"; return; fi
    # shellcheck disable=SC2046
    if ! /usr/bin/time -f "%U %S %w %c" -o "$WORK/time" db_bench --benchmarks=fillrandom \
        --threads="$3" --num="$4" --sync="$2" $(mode_flags "$1") $ROCKS_YIELD \
        --key_size=16 --value_size=100 --db="$WORK/rocks" --wal_dir="$WORK/rocks" \
        --disable_auto_compactions=1 --compression_type=none --statistics=1 --histogram=1 \
        >"$WORK/out" 2>&1; then
        echo "vs_db_bench: db_bench failed:" >&2; cat "$WORK/out" >&2; exit 1
    fi
    cpu=$(cpu_per_m "$WORK/time" $(($3 * $4))) csw=$(csw_per_w "$WORK/time" $(($3 * $4)))
    awk -v cpu="$cpu" -v csw="$csw" '
        /^fillrandom/ { for (i = 2; i <= NF; i++) if ($i ~ /^ops\/sec/) ops = $(i - 1) }
        /^Min: .*Max:/ && max == "" { for (i = 1; i <= NF; i++) if ($i == "Max:") max = $(i + 1) }
        /^Percentiles:/ && p50 == "" { for (i = 1; i <= NF; i++) {
            if ($i == "P50:") p50 = $(i + 1); if ($i == "P99:") p99 = $(i + 1)
            if ($i == "P99.9:") p999 = $(i + 1) } }
        /^rocksdb.write.self COUNT/ { self = $NF }
        /^rocksdb.write.other COUNT/ { other = $NF }
        END { g = self > 0 ? sprintf("%.2f", (self + other) / self) : "-"
              printf "%s %s %s %s %s %s %s %s\n", ops, g, cpu, p50, p99, p999, max, csw }' "$WORK/out"
}

# parsed NAME SCRIPT: the figures the sed SCRIPT reads from $WORK/out, with
# the CPU and context switches filled in; exit 1 with NAME's output when it
# printed no result line.
parsed() {
    line=$(sed -n "$2" "$WORK/out")
    [ -n "$line" ] || { echo "vs_db_bench: no result line from $1:" >&2; cat "$WORK/out" >&2; exit 1; }
    echo "$line" | sed "s/CPU/$cpu/; s/CSW/$csw/"
}

# One rocks_fill run (its line has wtbench's keys): the same figures.
run_rocks_fill() { # mode sync threads num
    syncarg=
    [ "$2" = 1 ] && syncarg=--sync
    # shellcheck disable=SC2086
    if ! /usr/bin/time -f "%U %S %w %c" -o "$WORK/time" "$ROCKS_FILL" --mode "$1" --threads "$3" \
        --num "$4" $syncarg --adaptive-yield "$YIELD" --db "$WORK/rocks" >"$WORK/out" 2>&1; then
        echo "vs_db_bench: rocks_fill failed:" >&2; cat "$WORK/out" >&2; exit 1
    fi
    cpu=$(cpu_per_m "$WORK/time" $(($3 * $4))) csw=$(csw_per_w "$WORK/time" $(($3 * $4)))
    parsed rocks_fill 's/^rocks_fill: .*ops_per_sec=\([0-9.]*\) .*mean_group=\([0-9.]*\) .*p50_us=\([0-9.]*\) p99_us=\([0-9.]*\) p999_us=\([0-9.]*\) max_us=\([0-9.]*\).*/\1 \2 CPU \3 \4 \5 \6 CSW/p'
}

# One wtbench run: prints "ops group cpu p50 p99 p999 max csw".
run_wt() { # mode sync threads num [extra...]
    mode=$1 sync=$2 t=$3 n=$4
    shift 4
    syncarg=
    [ "$sync" = 1 ] && syncarg=--sync
    # shellcheck disable=SC2086
    if ! /usr/bin/time -f "%U %S %w %c" -o "$WORK/time" "$WTBENCH" --mode "$mode" --threads "$t" \
        --num "$n" $syncarg $WT_YIELD "$@" --db "$WORK/wt" >"$WORK/out" 2>&1; then
        echo "vs_db_bench: wtbench failed:" >&2; cat "$WORK/out" >&2; exit 1
    fi
    cpu=$(cpu_per_m "$WORK/time" $((t * n))) csw=$(csw_per_w "$WORK/time" $((t * n)))
    line=$(parsed wtbench 's/^wtbench: .*ops_per_sec=\([0-9.]*\) .*mean_group=\([0-9.]*\) .*p50_us=\([0-9.]*\) p99_us=\([0-9.]*\) p999_us=\([0-9.]*\) max_us=\([0-9.]*\).*/\1 \2 CPU \3 \4 \5 \6 CSW/p') || exit 1
    # With --fsync-bound --breakdown: the share of the run's own fsync
    # bound, cycle / the run's mean fsync, and the share of the bound from
    # the lone group-sized append+fdatasync timed before and after.
    share=$(sed -n 's/^fsync_bound: .*in_run_achieved=\([0-9.]*\) cycle_over_in_run_fsync=\([0-9.]*\).*/\1 \2/p' "$WORK/out")
    lone=$(sed -n 's/^fsync_bound: group_bytes=.* achieved=\([0-9.]*\) .*/\1/p' "$WORK/out")
    echo "$line ${share:-- -} ${lone:--}"
}

# Median and spread of column $1 of file $2: "median spread%".
med() {
    awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '
        { v[NR] = $1 }
        END { if (NR == 0) { print "- -"; exit }
              m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              sp = m > 0 ? sprintf("%.0f", (v[NR] - v[1]) * 100 / m) : "-"
              printf "%s %s\n", m, sp }'
}
m1() { med "$1" "$2" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.2f", a / b; else print "-" }'; }

echo "# vs_db_bench: $(date -u '+%Y-%m-%dT%H:%M:%SZ') load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# db_bench: $(db_bench --version 2>&1 | head -1); wtbench: $("$WTBENCH" --version | head -1); rocks_fill (two-queues): ${ROCKS_FILL:-not built}"
echo "# opt columns: sync rows: wtbench --sync-group-fill --leader-inserts-parked $OPT_PREWAKE; no-sync rows: ${OPT_NOSYNC:-(none)}"
echo "# repeat=$REPEAT adaptive_yield=$YIELD num=$NUM sizing=$SIZING sync_num=$SYNC_NUM(per thread) threads=\"$THREADS\" modes=\"$MODES\"; medians, spread=(max-min)/median %; latency in us"
printf '%-10s %-4s %-3s %9s %4s %9s %4s %5s | %6s %6s | %7s %7s %5s %6s %6s | %8s %8s %8s %8s %9s %9s %9s %9s | %9s %5s %6s %8s %8s %7s %6s %7s %5s %6s\n' \
    mode sync t rocks_ops spr wt_ops spr ratio rk_grp wt_grp rk_cpu wt_cpu cpu_x rk_csw wt_csw \
    rk_p50 wt_p50 rk_p99 wt_p99 rk_p99.9 wt_p99.9 rk_max wt_max opt_ops ratio o_grp opt_p99 o_p99.9 o_cpu o_csw \
    o_share o_c/f o_lone
for mode in $MODES; do
    for sync in $SYNCS; do
        for t in $THREADS; do
            num=$NUM
            if [ "$sync" = 1 ]; then num=$SYNC_NUM
            elif [ "$SIZING" = total ]; then num=$((NUM / t)); fi
            [ "$num" -gt 0 ] || { echo "vs_db_bench: --num $NUM is less than $t threads" >&2; exit 2; }
            : >"$WORK/r.txt"; : >"$WORK/w.txt"; : >"$WORK/f.txt"
            i=0
            while [ "$i" -lt "$REPEAT" ]; do
                run_rocks "$mode" "$sync" "$t" "$num" >>"$WORK/r.txt"
                run_wt "$mode" "$sync" "$t" "$num" >>"$WORK/w.txt"
                # shellcheck disable=SC2086 # OPT_PREWAKE: zero or two words
                [ "$sync" = 1 ] && run_wt "$mode" "$sync" "$t" "$num" --sync-group-fill \
                    --leader-inserts-parked $OPT_PREWAKE --fsync-bound --breakdown >>"$WORK/f.txt"
                # shellcheck disable=SC2086 # OPT_NOSYNC: a list of options
                [ "$sync" = 0 ] && [ -n "$OPT_NOSYNC" ] && run_wt "$mode" 0 "$t" "$num" \
                    $OPT_NOSYNC >>"$WORK/f.txt"
                i=$((i + 1))
            done
            rops=$(med 1 "$WORK/r.txt"); wops=$(med 1 "$WORK/w.txt")
            rm_=${rops% *}; wm=${wops% *}
            fops=- fratio=- fgrp=- fp99=- fp999=- fcpu=- fcsw=- fshare=- fcf=- flone=-
            if [ -s "$WORK/f.txt" ]; then
                fops=$(m1 1 "$WORK/f.txt"); fratio=$(ratio "$fops" "$rm_")
                fgrp=$(m1 2 "$WORK/f.txt"); fp99=$(m1 5 "$WORK/f.txt"); fp999=$(m1 6 "$WORK/f.txt")
                fcpu=$(m1 3 "$WORK/f.txt"); fcsw=$(m1 8 "$WORK/f.txt")
                if [ "$sync" = 1 ]; then
                    fshare=$(m1 9 "$WORK/f.txt"); fcf=$(m1 10 "$WORK/f.txt"); flone=$(m1 11 "$WORK/f.txt")
                fi
            fi
            # For the goals at the end.
            echo "$mode $sync $t $rm_ $wm $fops $(m1 5 "$WORK/r.txt") $(m1 5 "$WORK/w.txt") $fp99 $fshare" >>"$WORK/rows.txt"
            rc=$(m1 3 "$WORK/r.txt"); wc=$(m1 3 "$WORK/w.txt")
            printf '%-10s %-4s %-3s %9.0f %3s%% %9.0f %3s%% %5s | %6s %6s | %7s %7s %5s %6s %6s | %8s %8s %8s %8s %9s %9s %9s %9s | %9s %5s %6s %8s %8s %7s %6s %7s %5s %6s\n' \
                "$mode" "$sync" "$t" "$rm_" "${rops#* }" "$wm" "${wops#* }" "$(ratio "$wm" "$rm_")" \
                "$(m1 2 "$WORK/r.txt")" "$(m1 2 "$WORK/w.txt")" \
                "$rc" "$wc" "$(ratio "$rc" "$wc")" "$(m1 8 "$WORK/r.txt")" "$(m1 8 "$WORK/w.txt")" \
                "$(m1 4 "$WORK/r.txt")" "$(m1 4 "$WORK/w.txt")" \
                "$(m1 5 "$WORK/r.txt")" "$(m1 5 "$WORK/w.txt")" \
                "$(m1 6 "$WORK/r.txt")" "$(m1 6 "$WORK/w.txt")" \
                "$(m1 7 "$WORK/r.txt")" "$(m1 7 "$WORK/w.txt")" \
                "$fops" "$fratio" "$fgrp" "$fp99" "$fp999" "$fcpu" "$fcsw" "$fshare" "$fcf" "$flone"
        done
    done
done
echo "# end: $(date -u '+%Y-%m-%dT%H:%M:%SZ') load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Issue 23's goals, counted from the medians above ("wt" = the wtbench
# columns, "opt" = the opt columns; a goal without its cells is left out).
awk '
    function pct(a, b) { return sprintf("%.1f %%", a * 100 / b) }
    function add(k, ok, what) { n[k]++; if (ok) y[k]++; else miss[k] = miss[k] " " what }
    function say(label, k1, k2) {
        line = ""
        if (n[k1]) line = line sprintf(" wt %d/%d%s", y[k1], n[k1], miss[k1] != "" ? " (not:" miss[k1] ")" : "")
        if (n[k2]) line = line sprintf("%s opt %d/%d%s", line != "" ? ";" : "", y[k2], n[k2],
                                       miss[k2] != "" ? " (not:" miss[k2] ")" : "")
        if (line != "") print "# goal: " label ":" line
    }
    { m = $1; s = $2; t = $3; cell = m "/" (s ? "sync" : "nosync") "/" t "t" }
    s == 0 { add("r", $5 / $4 >= 2.0, cell "=" sprintf("%.2f", $5 / $4))
             if ($6 != "-") add("ro", $6 / $4 >= 2.0, cell "=" sprintf("%.2f", $6 / $4))
             if (t == 1) { one[m] = $5; onef[m] = $6 }
             if (t == 16) { six[m] = $5; sixf[m] = $6 } }
    { add("p", $8 <= $7, cell "=" $8 ">" $7)
      if ($9 != "-") add("po", $9 <= $7, cell "=" $9 ">" $7) }
    s == 1 && $10 != "-" && t == 16 { add("b16", $10 >= 0.9, m "=" pct($10, 1)) }
    s == 1 && $10 != "-" && t == 4 { add("b4", $10 >= 0.8, m "=" pct($10, 1)) }
    END {
        for (m in one) if (m in six) {
            add("c", six[m] >= 0.9 * one[m], m "=" pct(six[m], one[m]))
            if (onef[m] != "-" && sixf[m] != "-") add("co", sixf[m] >= 0.9 * onef[m], m "=" pct(sixf[m], onef[m]))
        }
        say("no sync, ratio >= 2.0", "r", "ro")
        say("no sync, 16 t >= 90 % of 1 t", "c", "co")
        say("sync 16 t, >= 90 % of the in-run fsync bound (o_share)", "", "b16")
        say("sync 4 t, >= 80 % of the in-run fsync bound (o_share)", "", "b4")
        say("p99 <= RocksDB p99", "p", "po")
    }' "$WORK/rows.txt"
case " $MODES " in *" two-queues "*) ;;
    *) if [ -n "$ROCKS_FILL" ]; then echo "# two write queues: not asked for (--modes)"
       else echo "# not compared: two write queues (no db_bench flag for two_write_queues in 7.8.3; rocks_fill not found: built with librocksdb-dev installed, --rocks-fill PATH)"; fi ;;
esac
