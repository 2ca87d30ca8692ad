#!/bin/sh
# build.sh SOURCE_DIR OUT_DIR — builds the libFuzzer targets of tests/fuzz
# with clang (-fsanitize=fuzzer,address,undefined) into OUT_DIR.  The
# engine (pthreads port) and the lab's scenario loader and trace reader
# are compiled once, instrumented, into OUT_DIR/obj; a target is relinked
# when a source is newer than it.  Exit 77 when clang or libFuzzer is
# missing (meson counts it as a skipped test).
set -eu
src=$1 out=$2
cc=${FUZZ_CC:-clang}
command -v "$cc" > /dev/null || { echo "fuzz: no $cc" >&2; exit 77; }
mkdir -p "$out/obj"
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)n * 0; }' \
    > "$out/probe.c"
if ! "$cc" -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2> /dev/null; then
    rm -f "$out/probe.c"
    echo "fuzz: $cc cannot link -fsanitize=fuzzer (no libFuzzer)" >&2
    exit 77
fi
rm -f "$out/probe.c" "$out/probe"
flags="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 -fno-omit-frame-pointer
       -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
       -I$src/engine -I$src/engine/pthread -iquote $src/sim/lab"
engine="status crc32c write_batch wal arena memtable table filename manifest writer_state
        write_thread write_thread_wait write_thread_mem write_thread_prewake write_gate db_impl db db_flush db_read db_open trace_event port_pthread port_pthread_trace"
lab="scenario scenario_writers scenario_expect scenario_expect_events scenario_reads scenario_device profile scenario_goals json_check json_doc json_lex
     trace_reader"
# The loader checks sync point names against the engine's (as sim/meson.build makes it).
sh "$src/sim/lab/gen_sync_points.sh" "$out/obj/sync_points.h" "$src"/engine/*.c
flags="$flags -iquote $out/obj"
objs=
compile() { # compile SRC.c OBJ
    if [ ! -f "$2" ] || [ "$1" -nt "$2" ] || [ -n "$(find "$src/engine" "$src/sim/lab" -name '*.h' -newer "$2" | head -1)" ]; then
        # shellcheck disable=SC2086
        "$cc" $flags -fsanitize=fuzzer-no-link -DWT_RECORDER_BUILD_ID='"wtlab-fuzz"' -c "$1" -o "$2"
    fi
}
for f in $engine; do compile "$src/engine/$f.c" "$out/obj/$f.o"; objs="$objs $out/obj/$f.o"; done
labobjs=
for f in $lab; do compile "$src/sim/lab/$f.c" "$out/obj/lab_$f.o"; labobjs="$labobjs $out/obj/lab_$f.o"; done
for t in "$src"/tests/fuzz/fuzz_*.c; do
    name=$(basename "$t" .c)
    extra=
    case $name in
        fuzz_scenario|fuzz_trace_reader|fuzz_profile) extra="$labobjs -ljansson" ;;
    esac
    newest=$(ls -t "$src"/tests/fuzz/fuzz_*.c "$src"/tests/fuzz/fuzz_util.h $objs $labobjs | head -1)
    if [ ! -f "$out/$name" ] || [ "$newest" -nt "$out/$name" ]; then
        # shellcheck disable=SC2086
        "$cc" $flags -fsanitize=fuzzer "$t" $objs $extra -lpthread -lm -o "$out/$name"
    fi
done
