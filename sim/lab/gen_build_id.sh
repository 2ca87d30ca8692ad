#!/bin/sh
# gen_build_id.sh VERSION OUTPUT SOURCE_ROOT — writes build_id.h with a hash
# of the engine and sim sources, so a trace names the code that made it.
# The file is rewritten only when the id changes (no needless rebuilds).
set -eu
version=$1 out=$2 root=$3
hash=$(cd "$root" && LC_ALL=C ls engine/*.c engine/*.h engine/pthread/*.h sim/port/*.[chS] sim/lab/*.[ch] \
        | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
line="#define WTLAB_BUILD_ID \"wtlab-$version-$hash\""
if [ -f "$out" ] && [ "$(cat "$out")" = "$line" ]; then exit 0; fi
printf '%s\n' "$line" > "$out"
