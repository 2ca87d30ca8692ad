#!/bin/sh
# sim_vs_real.sh WTBENCH WTLAB SOURCE_DIR — bench/sim_vs_real.py, lesson
# 19's experiment in one command (issue 20), on a small workload: one real
# 4-thread sync run of 400 writes, its profile, two sims, the comparison.
# Checks what it writes (scenario, profile, traces, chart, the summary
# lines), that its sims replay byte for byte from the scenario it wrote,
# and that bad usage exits 2 with a message.  No figure is asserted: the
# real run's group sizes follow the machine.  TAP output.
set -u
wtbench=$1 wtlab=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") src=$3
. "$(dirname "$0")/tap.sh"
py="python3 $src/bench/sim_vs_real.py"
out=$tmp/svr
echo "1..12"
check "a 4-thread run, calibrated and simulated, exits 0" \
    sh -c "$py '$wtbench' '$wtlab' --threads 4 --runs 1 --writes 400 --seeds '1 2' --cores 3 --out '$out' > '$tmp/summary'"
cat "$tmp/summary" | sed 's/^/# /'
check "the summary has the run's line and the total, real and sim" \
    sh -c "grep -q '^run 1 (load .*): real .* | sim .*%' '$tmp/summary' && grep -q '^all:  real .* | sim .* chart: ' '$tmp/summary'"
check "the scenario has 4 writers of 300 sync one-put batches, the profile, no expectations" \
    sh -c "grep -c '\"name\": \"w[0-9]\"' '$out/sc-real4-1.json' | grep -qx 4 &&
           grep -q '\"repeat\": 300' '$out/sc-real4-1.json' &&
           grep -q '\"profile\": \"p-real4-1.json\"' '$out/sc-real4-1.json' &&
           ! grep -q '\"expect\"' '$out/sc-real4-1.json'"
check "--cores 3: the profile and the scenario have 3 cores, tick_ns from a first sim pass" \
    sh -c "grep -q '\"cores\": 3' '$out/p-real4-1.json' && grep -q '\"cores\": 3' '$out/sc-real4-1.json' &&
           grep -q 'tick_ns' '$out/cal-real4-1.txt'"
check "the real run wrote 400 in all (--num 100 per thread)" \
    sh -c "[ \$(grep -c '\"ev\":\"write_end\"' '$out/real4-1.jsonl') -eq 400 ]"
check "the sim traces ran every write (4 x 300 write_end)" \
    sh -c "[ \$(grep -c '\"ev\":\"write_end\"' '$out/sim-real4-1-1.jsonl') -eq 1200 ] &&
           [ \$(grep -c '\"ev\":\"write_end\"' '$out/sim-real4-1-2.jsonl') -eq 1200 ]"
check "seed 1 run again from the written scenario gives the same bytes" \
    sh -c "cd '$out' && '$wtlab' run sc-real4-1.json -q --seed 1 -o again.jsonl && cmp again.jsonl sim-real4-1-1.jsonl"
check "the chart is a PNG" \
    sh -c "head -c 4 '$out/sim-vs-real-4.png' | od -c | grep -q 'P   N   G'"
check "no WTLAB given: exit 2 with the usage" \
    expect_status 2 "usage: sim_vs_real.py" $py "$wtbench"
check "--runs 0: exit 2 naming the option" \
    expect_status 2 "bad value for --runs" $py "$wtbench" "$wtlab" --runs 0
check "--writes 3 at 4 threads (no write per thread): exit 2 naming it" \
    expect_status 2 "fewer than --threads" $py "$wtbench" "$wtlab" --threads 4 --writes 3
check "a directory as WTBENCH: exit 2, not an executable" \
    expect_status 2 "not an executable" $py "$tmp" "$wtlab"
exit $fail
