#!/bin/sh
# calibrate.sh WTLAB SOURCE_DIR — the device's costs per file kind and
# memtable insert cost (each with a scenario that meets its expectation
# and one that fails it), device profiles (deterministic sampling,
# malformed ones refused with FILE:LINE:COL: /key/path: message, exit 2),
# `wtlab calibrate` on a small real trace (tests/data/calibrate/, from
# `wtbench --threads 4 --sync --num 25 --trace`), `wtlab compare`
# (two identical traces: zero difference) and the CPU model (device.cpu,
# tests/data/cpu/): compute-bound writers serialise on one core and overlap
# on two, read from the trace's virtual times (never wall time); runs with
# it are deterministic and replay; malformed "cpu" keys are refused; wake-ups
# by state (tests/data/calibrate/by-state/: one-point distributions, so each
# wake-up's latency and its waker's cost are known exactly, read from the
# trace's virtual times with wake_deltas.awk) and their malformed keys;
# spin_preempt "by_wait" (the shares of waits that spun descheduled, from a
# hand-written real trace; shares 0 and 1 behave as spin_preempt off / on);
# the return latency of parked writers only (parked-hand.jsonl: one parked
# member back after 40 us, one spinning member after 100 us) and
# "wake_latency": "by_state_parked"; cpu.wake_pushback_ns (pushback-hand.jsonl:
# c woken after b by the same setter returns after 8 us, b after 40 us: 32 us
# per later wake-up; in a run each later wake-up adds exactly its 50 us).
# TAP output.
set -u
wtlab=$1 src=$2
. "$(dirname "$0")/tap.sh"
dev=$src/tests/data/device cal=$src/tests/data/calibrate
exits_with() { # exits_with WANT COMMAND...
    want=$1
    shift
    "$@"
    [ $? -eq "$want" ]
}
# fails_naming FILE PATTERN: the run exits 1 and says which expectation.
fails_naming() {
    "$wtlab" run "$1" -o "$tmp/f.jsonl" > "$tmp/f.out" 2>&1
    st=$?
    cat "$tmp/f.out"
    [ $st -eq 1 ] && grep -q -- "$2" "$tmp/f.out"
}
echo "1..120"

# --- costs per file kind and memtable insert: meets / fails --------------
for s in wal-sync-slow-meets insert-cost-meets insert-kib-meets manifest-fast-meets; do
    check "device: $s passes" "$wtlab" run "$dev/$s.json" -q -o "$tmp/t.jsonl"
done
check "device: table-sync-slow-fails fails (the WAL's own sync_ns wins)" \
    fails_naming "$dev/table-sync-slow-fails.json" "group_count: 4 groups formed, expected 2"
check "device: insert-cost-fails fails (no insert cost, no grouping)" \
    fails_naming "$dev/insert-cost-fails.json" "group_count: 3 groups formed, expected 2"
check "device: manifest-slow-fails fails (the write is not durable at the crash)" \
    fails_naming "$dev/manifest-slow-fails.json" 'contents: a should be "v", got not_found'

# --- calibrate ---------------------------------------------------------------
check "calibrate writes a profile and prints every figure" sh -c "
    '$wtlab' calibrate '$cal/real-4x25.jsonl' -o '$tmp/p.json' --cores 2 > '$tmp/c.out' &&
    grep -q '^wal append: .* n=' '$tmp/c.out' && grep -q '^wal sync: .*DKW' '$tmp/c.out' &&
    grep -q '^memtable insert: .* n=' '$tmp/c.out' && grep -q '^wake-up latency: .* n=' '$tmp/c.out' &&
    grep -q '^wake cost: ' '$tmp/c.out' && grep -q '^waits: .*parked' '$tmp/c.out' &&
    grep -q '^think time: .* n=' '$tmp/c.out' && grep -q '\"format\": \"wtlab-profile\"' '$tmp/p.json'"
cat > "$tmp/use.json" <<'JSON'
{"name": "use-profile", "device": {"profile": "p.json"},
 "writers": [{"name": "a", "repeat": 6, "batches": [{"puts": 1, "sync": true}]},
             {"name": "b", "repeat": 6, "batches": [{"puts": 1, "sync": true}]},
             {"name": "c", "repeat": 6, "batches": [{"puts": 1, "sync": true}]}]}
JSON
check "a scenario runs with the calibrated profile (path relative to it)" \
    "$wtlab" run "$tmp/use.json" -q -o "$tmp/u1.jsonl"
"$wtlab" run "$tmp/use.json" -q -o "$tmp/u2.jsonl" > /dev/null 2>&1
"$wtlab" run "$tmp/use.json" -q --seed 9 -o "$tmp/u3.jsonl" > /dev/null 2>&1
check "profile sampling: same scenario, profile and seed give the same bytes" \
    cmp "$tmp/u1.jsonl" "$tmp/u2.jsonl"
check "profile sampling: another seed, other times" exits_with 1 cmp -s "$tmp/u1.jsonl" "$tmp/u3.jsonl"
mkdir -p "$tmp/elsewhere" && cp "$tmp/u1.jsonl" "$tmp/elsewhere/"
check "the sampled run replays exactly, from another directory (profile relative to the scenario)" \
    "$wtlab" replay "$tmp/elsewhere/u1.jsonl"
check "calibrate --steps-from a sim trace sets schedule.tick_ns" sh -c "
    '$wtlab' calibrate '$cal/real-4x25.jsonl' -o '$tmp/p2.json' --steps-from '$tmp/u1.jsonl' > '$tmp/c2.out' &&
    grep -q 'schedule.tick_ns = median / [0-9]* sim steps' '$tmp/c2.out' && grep -q '\"tick_ns\": [1-9]' '$tmp/p2.json'"
check "calibrate --steps-from refuses a real trace (exit 2)" \
    expect_status 2 "a real trace: --steps-from needs a sim trace" \
    "$wtlab" calibrate "$cal/real-4x25.jsonl" -o "$tmp/x.json" --steps-from "$cal/real-4x25.jsonl"
check "calibrate refuses a sim trace (exit 2)" \
    expect_status 2 "a sim trace: calibrate reads real traces" \
    "$wtlab" calibrate "$tmp/u1.jsonl" -o "$tmp/x.json"
check "calibrate needs -o (exit 2)" \
    expect_status 2 "-o PROFILE.json is required" "$wtlab" calibrate "$cal/real-4x25.jsonl"
check "calibrate: a missing trace (exit 2)" \
    expect_status 2 "nothere.jsonl: cannot open" "$wtlab" calibrate "$tmp/nothere.jsonl" -o "$tmp/x.json"
printf 'not json\n' > "$tmp/bad.jsonl"
check "calibrate: not a trace (exit 2)" \
    expect_status 2 "bad.jsonl:1: not a wtlab trace" "$wtlab" calibrate "$tmp/bad.jsonl" -o "$tmp/x.json"

# --- malformed profiles: FILE:LINE:COL: /key/path: message, exit 2 ----------
b=$cal/bad
check "profile: decreasing quantiles" expect_status 2 \
    "bad/decreasing.json:3:31: /wal/sync/quantiles/1: quantiles must not decrease" \
    "$wtlab" run "$b/use-decreasing.json" -q -o "$tmp/x.jsonl"
check "profile: unknown key" expect_status 2 \
    "bad/unknown-key.json:2:53: /wal/sync_ms: unknown key" \
    "$wtlab" run "$b/use-unknown-key.json" -q -o "$tmp/x.jsonl"
check "profile: negative cost" expect_status 2 \
    "bad/negative.json:4:38: /memtable/insert_ns_per_entry: expected a non-negative integer" \
    "$wtlab" run "$b/use-negative.json" -q -o "$tmp/x.jsonl"
check "profile: syntax error" expect_status 2 "bad/syntax.json:4:11: '}' expected" \
    "$wtlab" run "$b/use-syntax.json" -q -o "$tmp/x.jsonl"
check "profile: unknown version" expect_status 2 "bad/version.json:1:40: /version: version 2" \
    "$wtlab" run "$b/use-version.json" -q -o "$tmp/x.jsonl"
check "profile: missing key" expect_status 2 "bad/missing.json:2:9: /wal/sync: required key is missing" \
    "$wtlab" run "$b/use-missing.json" -q -o "$tmp/x.jsonl"
printf '{"name": "x", "device": {"wake_cost": "sampled"},\n "writers": [{"name": "a", "batches": [{"puts": 1}]}]}\n' > "$tmp/wc.json"
check "device: wake_cost sampled needs a profile" expect_status 2 \
    "wc.json:1:26: /device/wake_cost: only with a \"profile\"" \
    "$wtlab" run "$tmp/wc.json" -q -o "$tmp/x.jsonl"
check "profile: no such file, named at the scenario's /device/profile" expect_status 2 \
    "use-nothere.json:1:37: /device/profile: .*nothere.json: cannot open" \
    "$wtlab" run "$b/use-nothere.json" -q -o "$tmp/x.jsonl"

# --- the CPU model (device.cpu) -------------------------------------------------
cpu=$src/tests/data/cpu
# t_of TRACE WRITER: the virtual time of WRITER's first write_begin.
t_of() {
    grep "\"ev\":\"write_begin\",\"writer\":\"$2\"" "$1" | head -n 1 | sed 's/.*"t":\([0-9]*\).*/\1/'
}
# gap_at_least TRACE NS / gap_below TRACE NS: |t(b) - t(a)| against NS.
gap() {
    a=$(t_of "$1" a) b=$(t_of "$1" b)
    [ -n "$a" ] && [ -n "$b" ] || return 1
    d=$((b - a))
    [ $d -lt 0 ] && d=$((-d))
    echo "write_begin a=$a b=$b gap=$d"
    gap_ns=$d
}
gap_at_least() { gap "$1" && [ "$gap_ns" -ge "$2" ]; }
gap_below() { gap "$1" && [ "$gap_ns" -lt "$2" ]; }
for k in cores1 cores2 nocpu cores1-other; do
    "$wtlab" run "$cpu/think-$k.json" -q -o "$tmp/cpu-$k.jsonl" > /dev/null 2>&1
done
check "cpu: one core, two writers computing 1 ms each serialise (b begins >= 1 ms after a)" \
    gap_at_least "$tmp/cpu-cores1.jsonl" 1000000
check "cpu: two cores, the same writers overlap (b begins < 1 us after a)" \
    gap_below "$tmp/cpu-cores2.jsonl" 1000
check "cpu: without a CPU model they overlap too" gap_below "$tmp/cpu-nocpu.jsonl" 1000
check "cpu: other_ns 0.5 ms: a core given up while b waits serves other work first (>= 1.5 ms)" \
    gap_at_least "$tmp/cpu-cores1-other.jsonl" 1500000
"$wtlab" run "$cpu/think-profile.json" -q -o "$tmp/cpu-prof.jsonl" > /dev/null 2>&1
check "cpu: the profile's one core and think time (\"think\": \"profile\", 0.5 ms) serialise" \
    gap_at_least "$tmp/cpu-prof.jsonl" 500000
check "cpu: ... and b waits no longer than a's 0.5 ms of think plus its write" \
    gap_below "$tmp/cpu-prof.jsonl" 600000
check "cpu: 8 sync writers on 2 cores pass their expectations" \
    "$wtlab" run "$cpu/sync8.json" -q -o "$tmp/s8a.jsonl"
"$wtlab" run "$cpu/sync8.json" -q -o "$tmp/s8b.jsonl" > /dev/null 2>&1
check "cpu: same scenario and seed, same bytes" cmp "$tmp/s8a.jsonl" "$tmp/s8b.jsonl"
check "cpu: the run replays exactly" "$wtlab" replay "$tmp/s8a.jsonl"
"$wtlab" run "$cpu/sync8.json" -q --seed 4 -o "$tmp/s8c.jsonl" > /dev/null 2>&1
check "cpu: another seed, another schedule" exits_with 1 cmp -s "$tmp/s8a.jsonl" "$tmp/s8c.jsonl"
bad_cpu() { # bad_cpu CPU_JSON PATTERN
    printf '{"name": "x", "device": {"cpu": %s},\n "writers": [{"name": "a", "batches": [{"puts": 1}]}]}\n' \
        "$1" > "$tmp/badcpu.json"
    expect_status 2 "$2" "$wtlab" run "$tmp/badcpu.json" -q -o "$tmp/x.jsonl"
}
check "cpu: negative cores (exit 2)" bad_cpu '{"cores": -1}' \
    "badcpu.json:1:43: /device/cpu/cores: expected a non-negative integer, got -1"
check "cpu: too many cores (exit 2)" bad_cpu '{"cores": 2000}' \
    "badcpu.json:1:43: /device/cpu/cores: must be between 0 and 1024, got 2000"
check "cpu: unknown key (exit 2)" bad_cpu '{"core": 2}' \
    "badcpu.json:1:34: /device/cpu/core: unknown key (did you mean \"cores\"?)"
check "cpu: cores missing (exit 2)" bad_cpu '{"switch_ns": 5}' \
    "badcpu.json:1:33: /device/cpu/cores: required key is missing"
check "cpu: switch sampled needs a profile (exit 2)" bad_cpu '{"cores": 2, "switch": "sampled"}' \
    "badcpu.json:1:46: /device/cpu/switch: \"sampled\" only with a \"profile\""
# spin_preempt: one core; a's 1 us fsync ends while b spins in AwaitState
# (tests/data/cpu/spin-preempt.json; the yield phase is off).
# ev_t TRACE PATTERN: the virtual time of the first event line matching PATTERN.
ev_t() { grep -v '"ev":"pick"' "$1" | grep -e "$2" | head -n 1 | sed 's/.*"t":\([0-9]*\).*/\1/'; }
# spin_case TRACE: "sync_end - sync_begin" and "a's write_end - the set of b" (ns).
spin_case() {
    sb=$(ev_t "$1" '"fiber":"a","ev":"wal_sync_begin"') se=$(ev_t "$1" '"fiber":"a","ev":"wal_sync_end"')
    st=$(ev_t "$1" '"fiber":"a","ev":"state","writer":"b"') we=$(ev_t "$1" '"ev":"write_end","writer":"a"')
    [ -n "$sb" ] && [ -n "$se" ] && [ -n "$st" ] && [ -n "$we" ] || return 1
    sync_gap=$((se - sb)) end_gap=$((we - st))
    echo "fsync $sync_gap ns, a's write_end $end_gap ns after it set b"
}
spin_on() { # spin_on [TRACE]
    f=${1:-$tmp/spin-on.jsonl}
    spin_case "$f" && [ "$sync_gap" -eq 1000 ] && [ "$end_gap" -lt 50000 ] &&
        ! grep -q '"writer":"b","from":"INIT","to":"LOCKED_WAITING"' "$f" &&
        grep -q '"fiber":"a","ev":"state","writer":"b","from":"INIT"' "$f"
}
spin_off() { # spin_off [TRACE]
    f=${1:-$tmp/spin-off.jsonl}
    spin_case "$f" && [ "$sync_gap" -gt 1000 ] && [ "$end_gap" -ge 50000 ] &&
        grep -q '"fiber":"a","ev":"state","writer":"b","from":"LOCKED_WAITING"' "$f"
}
"$wtlab" run "$cpu/spin-preempt.json" -q -o "$tmp/spin-on.jsonl" > /dev/null 2>&1
"$wtlab" run "$cpu/spin-preempt-off.json" -q -o "$tmp/spin-off.jsonl" > /dev/null 2>&1
check "cpu: spin_preempt: a, its fsync done, takes the spinning b's core at once (1 us fsync); b never parks, a releases it from INIT by a store and pays no 50 us wake" spin_on
check "cpu: without spin_preempt b keeps the core until it parks; a waits for it, then pays the 50 us wake" spin_off
check "cpu: spin_preempt: the run replays exactly" "$wtlab" replay "$tmp/spin-on.jsonl"
check "cpu: spin_preempt not a bool (exit 2)" bad_cpu '{"cores": 1, "spin_preempt": 1}' \
    "badcpu.json:1:62: /device/cpu/spin_preempt: expected a boolean, got an integer"
# spin_preempt "by_wait": the profile's share of waits that spin descheduled
# decides per wait (tests/data/cpu/spin-prof-all.json: every first wait;
# spin-prof-none.json: no first wait, only members' waits for COMPLETED).
"$wtlab" run "$cpu/spin-by-wait.json" -q -o "$tmp/spin-bw.jsonl" > /dev/null 2>&1
"$wtlab" run "$cpu/spin-by-wait-none.json" -q -o "$tmp/spin-bwn.jsonl" > /dev/null 2>&1
check "cpu: by_wait, every first wait descheduled: b gives its core to a, released by a store (no 50 us wake)" \
    spin_on "$tmp/spin-bw.jsonl"
check "cpu: by_wait, no first wait descheduled: b keeps the core, parks, a pays the 50 us wake" \
    spin_off "$tmp/spin-bwn.jsonl"
check "cpu: by_wait: the run replays exactly" "$wtlab" replay "$tmp/spin-bw.jsonl"
"$wtlab" run "$cpu/spin-by-wait-brief.json" -q -o "$tmp/spin-bwb.jsonl" > /dev/null 2>&1
check "cpu: by_wait, a descheduled wait given 1 ns off its core (spin_descheduled_wait): b spins on as a ready thread, parks, a pays the 50 us wake" \
    spin_off "$tmp/spin-bwb.jsonl"
check "calibrate: a hand-written real trace: 1 of 4 first waits and 1 of 2 members' waits spun over 2 x the median spin phase (3 us)" sh -c "
    '$wtlab' calibrate '$cal/spin-hand.jsonl' --cores 0 -o '$tmp/spin-hand.json' > '$tmp/spin-hand.out' &&
    grep -q '^spun descheduled: over 2 x the median spin phase (6.0 us): first waits 25.0 % .* (1 of 4); members. waits for COMPLETED 50.0 % .* (1 of 2)' '$tmp/spin-hand.out' &&
    grep -q '\"spin_descheduled_ppm\": {\"first_wait\": 250000, \"member_wait\": 500000}' '$tmp/spin-hand.json'"
check "calibrate: ... the first wait parked after 10 us, the member's was released at 23 us: Kaplan-Meier per kind, [10000] and never (INT64_MAX)" sh -c "
    grep -q '^  first waits: 1, 1 parked, 0 released first; spun before parking (Kaplan-Meier): p10 10.0 us, p50 10.0 us, p90 10.0 us; 100.0 % park at all' '$tmp/spin-hand.out' &&
    grep -q '^  members. waits for COMPLETED: 1, 0 parked, 1 released first; .*p50 never (released first).*; 0.0 % park at all' '$tmp/spin-hand.out' &&
    grep -q '\"spin_descheduled_wait\": {\"first_wait\": {\"quantiles\": \[10000\]},' '$tmp/spin-hand.json' &&
    grep -q '\"member_wait\": {\"quantiles\": \[9223372036854775807\]}}' '$tmp/spin-hand.json'"
cat > "$tmp/bw4.json" <<'JSON'
{"name": "by-wait-4", "device": {"profile": "spin-hand.json", "cpu": {"cores": 2, "spin_preempt": "by_wait"}},
 "writers": [{"name": "a", "repeat": 8, "batches": [{"puts": 1, "sync": true}]},
             {"name": "b", "repeat": 8, "batches": [{"puts": 1, "sync": true}]},
             {"name": "c", "repeat": 8, "batches": [{"puts": 1, "sync": true}]},
             {"name": "d", "repeat": 8, "batches": [{"puts": 1, "sync": true}]}]}
JSON
"$wtlab" run "$tmp/bw4.json" -q -o "$tmp/bw4a.jsonl" > /dev/null 2>&1
"$wtlab" run "$tmp/bw4.json" -q -o "$tmp/bw4b.jsonl" > /dev/null 2>&1
"$wtlab" run "$tmp/bw4.json" -q --seed 5 -o "$tmp/bw4c.jsonl" > /dev/null 2>&1
check "cpu: by_wait with the calibrated shares: same scenario, profile and seed give the same bytes" \
    cmp "$tmp/bw4a.jsonl" "$tmp/bw4b.jsonl"
check "cpu: by_wait: another seed, another run" exits_with 1 cmp -s "$tmp/bw4a.jsonl" "$tmp/bw4c.jsonl"
bad_bw() { # bad_bw DEVICE_JSON PATTERN (profiles from tests/data/cpu, variants in $tmp)
    printf '{"name": "x", "device": %s,\n "writers": [{"name": "a", "batches": [{"puts": 1}]}]}\n' \
        "$1" > "$tmp/bw-bad.json"
    cp "$cpu/spin-prof-all.json" "$cpu/prof.json" "$tmp/"
    expect_status 2 "$2" "$wtlab" run "$tmp/bw-bad.json" -q -o "$tmp/x.jsonl"
}
check "cpu: spin_preempt an unknown word (exit 2)" bad_bw '{"cpu": {"cores": 1, "spin_preempt": "by_wai"}}' \
    "bw-bad.json:1:62: /device/cpu/spin_preempt: unknown spin_preempt \"by_wai\" (did you mean \"by_wait\"?)"
check "cpu: by_wait needs a profile (exit 2)" bad_bw '{"cpu": {"cores": 1, "spin_preempt": "by_wait"}}' \
    "bw-bad.json:1:62: /device/cpu/spin_preempt: \"by_wait\" only with a \"profile\""
check "cpu: by_wait with a profile without spin_descheduled_ppm (exit 2)" \
    bad_bw '{"profile": "prof.json", "cpu": {"cores": 1, "spin_preempt": "by_wait"}}' \
    "bw-bad.json:1:86: /device/cpu/spin_preempt: \"by_wait\": the profile has no schedule.spin_descheduled_ppm"
# spin_preempt "by_wait_held": a descheduled wait is off every core, free
# or not, until its hold ends or a store releases it; then it runs again a
# sample of the return latency later (spin-prof-held.json: 30 us).
# gap_after_set TRACE: ns from a's set of b (INIT -> GROUP_LEADER) to b's next event.
gap_after_set() {
    grep -v '"ev":"pick"' "$1" | awk '
        /"fiber":"a","ev":"state","writer":"b","from":"INIT","to":"GROUP_LEADER"/ { match($0, /"t":[0-9]+/); t = substr($0, RSTART + 4, RLENGTH - 4); next }
        t != "" && /"fiber":"b"/ { match($0, /"t":[0-9]+/); print substr($0, RSTART + 4, RLENGTH - 4) - t; exit }'
}
held_case() { # held_case TRACE LO HI: b released by a store (never parks), back within [LO, HI) ns
    g=$(gap_after_set "$1")
    echo "gap=$g want [$2, $3)"
    [ -n "$g" ] && [ "$g" -ge "$2" ] && [ "$g" -lt "$3" ] &&
        ! grep -q '"writer":"b","from":"INIT","to":"LOCKED_WAITING"' "$1"
}
"$wtlab" run "$cpu/spin-by-wait-held.json" -q -o "$tmp/held.jsonl" > /dev/null 2>&1
"$wtlab" run "$cpu/spin-by-wait-held.json" -q -o "$tmp/held2.jsonl" > /dev/null 2>&1
"$wtlab" run "$cpu/spin-by-wait-held-free.json" -q -o "$tmp/held-free.jsonl" > /dev/null 2>&1
check "cpu: by_wait_held, 2 cores: the held b spins on no core (a free one notwithstanding); a's store releases it and it runs 30 us (the return latency) later" \
    held_case "$tmp/held.jsonl" 30000 31000
# picks_while_waiting TRACE: the decisions that had b among their candidates between its link and a's set of it.
picks_while_waiting() {
    awk '/"fiber":"b","ev":"link"/ { l = 1; next }
         l && /"fiber":"a","ev":"state","writer":"b","from":"INIT"/ { exit }
         l && /"ev":"pick"/ && /"of":\[[^]]*"b"/ { n++ }
         END { print n + 0 }' "$1"
}
check "cpu: by_wait_held: b was no candidate to run while held (the free-core run: it was, it spun)" sh -c "
    h=\$1 f=\$2; echo held \$h free \$f; [ \$h -eq 0 ] && [ \$f -gt 0 ]" x \
    "$(picks_while_waiting "$tmp/held.jsonl")" "$(picks_while_waiting "$tmp/held-free.jsonl")"
"$wtlab" run "$cpu/spin-by-wait-held-states.json" -q -o "$tmp/held-states.jsonl" > /dev/null 2>&1
check "cpu: by_wait_held with by_state_parked: the held b returns after wake_latency_by_state's 70 us (parked or not), not the parked 5 us" \
    held_case "$tmp/held-states.jsonl" 70000 71000
check "cpu: by_wait (not held), the same profile: b spins on the free core and goes on at once" \
    held_case "$tmp/held-free.jsonl" 0 1000
check "cpu: by_wait_held: same scenario and seed give the same bytes; the run replays exactly" sh -c "
    cmp '$tmp/held.jsonl' '$tmp/held2.jsonl' && '$wtlab' replay '$tmp/held.jsonl'"
check "cpu: by_wait_held needs a profile (exit 2)" bad_bw '{"cpu": {"cores": 1, "spin_preempt": "by_wait_held"}}' \
    "bw-bad.json:1:62: /device/cpu/spin_preempt: \"by_wait_held\" only with a \"profile\""
check "cpu: by_wait_held with a profile without spin_descheduled_ppm (exit 2)" \
    bad_bw '{"profile": "prof.json", "cpu": {"cores": 1, "spin_preempt": "by_wait_held"}}' \
    "bw-bad.json:1:86: /device/cpu/spin_preempt: \"by_wait_held\": the profile has no schedule.spin_descheduled_ppm"
check "cpu: spin_preempt a misspelt by_wait_held (exit 2)" bad_bw '{"cpu": {"cores": 1, "spin_preempt": "by_wait_hold"}}' \
    "bw-bad.json:1:62: /device/cpu/spin_preempt: unknown spin_preempt \"by_wait_hold\""
check "profile: a share over 1000000 per million (exit 2)" expect_status 2 \
    "big.json:5:54: /schedule/spin_descheduled_ppm/first_wait: must be between 0 and 1000000, got 1000001" \
    sh -c "sed 's/\"first_wait\": 1000000/\"first_wait\": 1000001/' '$cpu/spin-prof-all.json' > '$tmp/big.json' && sed 's/spin-prof-all.json/big.json/' '$cpu/spin-by-wait.json' > '$tmp/use-big.json' && '$wtlab' run '$tmp/use-big.json' -q -o '$tmp/x.jsonl'"
check "profile: decreasing spin_descheduled_wait quantiles (exit 2)" expect_status 2 \
    "dec.json:6:73: /schedule/spin_descheduled_wait/first_wait/quantiles/1: quantiles must not decrease" \
    sh -c "sed 's/\"quantiles\": \[1\]/\"quantiles\": [5, 4]/' '$cpu/spin-prof-brief.json' > '$tmp/dec.json' && sed 's/spin-prof-brief.json/dec.json/' '$cpu/spin-by-wait-brief.json' > '$tmp/use-dec.json' && '$wtlab' run '$tmp/use-dec.json' -q -o '$tmp/x.jsonl'"
check "profile: spin_descheduled_ppm without member_wait (exit 2)" expect_status 2 \
    "miss.json:5:39: /schedule/spin_descheduled_ppm/member_wait: required key is missing" \
    sh -c "sed 's/, \"member_wait\": 0//' '$cpu/spin-prof-all.json' > '$tmp/miss.json' && sed 's/spin-prof-all.json/miss.json/' '$cpu/spin-by-wait.json' > '$tmp/use-miss.json' && '$wtlab' run '$tmp/use-miss.json' -q -o '$tmp/x.jsonl'"
check "profile: \"by_wait\" in a profile's cpu (exit 2)" expect_status 2 \
    "pcpu.json:6:66: /cpu/spin_preempt: \"by_wait\" only in a scenario's cpu" \
    sh -c "sed 's/\"writers\": {\"think_ns\": 0}}/\"writers\": {\"think_ns\": 0}, \"cpu\": {\"cores\": 1, \"spin_preempt\": \"by_wait\"}}/' '$cpu/spin-prof-all.json' > '$tmp/pcpu.json' && printf '{\"name\": \"x\", \"device\": {\"profile\": \"pcpu.json\"}, \"writers\": [{\"name\": \"a\", \"batches\": [{\"puts\": 1}]}]}\n' > '$tmp/use-pcpu.json' && '$wtlab' run '$tmp/use-pcpu.json' -q -o '$tmp/x.jsonl'"
check "cpu: a profile's cpu has no \"switch\" (exit 2)" expect_status 2 \
    "bad-profile-cpu.json:6:22: /cpu/switch: unknown key" \
    "$wtlab" run "$cpu/use-bad-profile-cpu.json" -q -o "$tmp/x.jsonl"
check "cpu: a profile's cpu needs a core (exit 2)" expect_status 2 \
    "bad-profile-cpu0.json:6:19: /cpu/cores: a profile's cpu needs at least 1 core" \
    "$wtlab" run "$cpu/use-bad-profile-cpu0.json" -q -o "$tmp/x.jsonl"

# --- wake-ups by state ("wake_latency" / "wake_cost": "by_state") ---------------
bs=$cal/by-state
check "calibrate prints the return latency and the setter's cost per state, and writes both" sh -c "
    grep -q '^  set to GROUP_LEADER, parked or not: .* n=' '$tmp/c.out' &&
    grep -q '^    the setter.s cost .* n=' '$tmp/c.out' &&
    grep -q '\"wake_latency_by_state\": {' '$tmp/p.json' && grep -q '\"wake_cost_by_state\": {' '$tmp/p.json'"
# deltas TRACE KIND STATE: "count min max" of wake_deltas.awk's lines KIND STATE.
deltas() {
    awk -f "$src/tests/wake_deltas.awk" "$1" |
        awk -v k="$2" -v s="$3" '$1 == k && $2 == s { if (n == 0 || $3 < mn) mn = $3; if ($3 > mx) mx = $3; n++ }
                                 END { print n + 0, mn + 0, mx + 0 }'
}
# within TRACE KIND STATE LO HI: at least one such wake-up, every delta in [LO, HI).
within() {
    set -- "$@" $(deltas "$1" "$2" "$3")
    echo "$2 $3: n=$6 min=$7 max=$8 (want [$4, $5))"
    [ "$6" -gt 0 ] && [ "$7" -ge "$4" ] && [ "$8" -lt "$5" ]
}
"$wtlab" run "$bs/by-state.json" -q -o "$tmp/bs1.jsonl" > /dev/null 2>&1
"$wtlab" run "$bs/by-state.json" -q -o "$tmp/bs2.jsonl" > /dev/null 2>&1
"$wtlab" run "$bs/pooled.json" -q -o "$tmp/bsp.jsonl" > /dev/null 2>&1
check "by_state: a writer woken to GROUP_LEADER runs its profile's 300 us later" \
    within "$tmp/bs1.jsonl" to GROUP_LEADER 300000 310000
check "by_state: one woken to PARALLEL_MEMTABLE_WRITER (no distribution of its own) the pooled 5 us" \
    within "$tmp/bs1.jsonl" to PARALLEL_MEMTABLE_WRITER 5000 10000
check "by_state: setting a parked writer to GROUP_LEADER costs its waker 90 us" \
    within "$tmp/bs1.jsonl" cost GROUP_LEADER 90000 100000
check "by_state: ... and PARALLEL_MEMTABLE_WRITER the profile's wake_ns (2 us)" \
    within "$tmp/bs1.jsonl" cost PARALLEL_MEMTABLE_WRITER 2000 3000
check "pooled: the same profile without the keys wakes GROUP_LEADER after 5 us" \
    within "$tmp/bsp.jsonl" to GROUP_LEADER 5000 10000
check "by_state: same scenario, profile and seed give the same bytes" cmp "$tmp/bs1.jsonl" "$tmp/bs2.jsonl"
# --- parked writers only ("wake_latency": "by_state_parked") ----------------------
check "calibrate: COMPLETED pooled over a parked (40 us) and a spinning member (100 us), parked ones only 40 us" sh -c "
    '$wtlab' calibrate '$cal/parked-hand.jsonl' --cores 0 -o '$tmp/parked.json' > '$tmp/parked.out' &&
    grep -q 'set to COMPLETED, parked or not: the writer.s return median 70.0 us .* n=2' '$tmp/parked.out' &&
    grep -q 'parked ones only: return median 40.0 us .* n=1; .* -> schedule.wake_latency_by_state_parked' '$tmp/parked.out' &&
    tr -d ' \n' < '$tmp/parked.json' | grep -q '\"wake_latency_by_state_parked\":{\"COMPLETED\":{\"quantiles\":\[40000\]}}' &&
    tr -d ' \n' < '$tmp/parked.json' | grep -q '\"wake_latency_by_state\":{\"COMPLETED\":{\"quantiles\":\[40000,100000\]}}'"
"$wtlab" run "$bs/parked.json" -q -o "$tmp/bk1.jsonl" > /dev/null 2>&1
"$wtlab" run "$bs/parked.json" -q -o "$tmp/bk2.jsonl" > /dev/null 2>&1
check "by_state_parked: a parked writer woken to GROUP_LEADER runs the parked-only 150 us later (not 300)" \
    within "$tmp/bk1.jsonl" to GROUP_LEADER 150000 160000
check "by_state_parked: one woken to PARALLEL_MEMTABLE_WRITER (no distribution of its own) the pooled 5 us" \
    within "$tmp/bk1.jsonl" to PARALLEL_MEMTABLE_WRITER 5000 10000
check "by_state_parked: same scenario, profile and seed give the same bytes" cmp "$tmp/bk1.jsonl" "$tmp/bk2.jsonl"
check "calibrate: b woken before c returns after 40 us, c after 8 us: 32 us per later wake-up" sh -c "
    '$wtlab' calibrate '$cal/pushback-hand.jsonl' --cores 0 -o '$tmp/pbh.json' > '$tmp/pbh.out' &&
    grep -q 'parked ones only: return median 8.0 us .* n=1' '$tmp/pbh.out' &&
    grep -q 'returns 32.0 us later per parked writer its setter wakes after it (median, n=1' '$tmp/pbh.out' &&
    grep -q '\"wake_pushback_ns\": 32000' '$tmp/pbh.json'"
# b returns 2,000 s late: the median is capped at 1 s, the largest value a
# profile takes, so the profile calibrate writes loads.
sed 's/"t":141000,"fiber":"b","ev":"write_end"/"t":2000141000,"fiber":"b","ev":"write_end"/' \
    "$cal/pushback-hand.jsonl" > "$tmp/pb-big.jsonl"
printf '{"name": "x", "device": {"profile": "pb-big.json", "cpu": {"cores": 2, "wake_pushback_ns": "profile"}}, "writers": [{"name": "a", "batches": [{"puts": 1}]}]}\n' > "$tmp/use-pb-big.json"
check "calibrate caps wake_pushback_ns at 1 s, says so, and the profile loads" sh -c "
    '$wtlab' calibrate '$tmp/pb-big.jsonl' --cores 0 -o '$tmp/pb-big.json' > '$tmp/pb-big.out' &&
    grep -q 'capped at 1 s' '$tmp/pb-big.out' && grep -q '\"wake_pushback_ns\": 1000000000' '$tmp/pb-big.json' &&
    '$wtlab' run '$tmp/use-pb-big.json' -q -o '$tmp/x.jsonl'"
check "calibrate: no wake-up after another (parked-hand.jsonl): no wake_pushback_ns" sh -c "
    ! grep -q 'wake_pushback_ns' '$tmp/parked.json' && ! grep -q 'wakes after it' '$tmp/parked.out'"
# to_between TRACE STATE LO HI: some wake-up to STATE returned after [LO, HI) ns.
to_between() {
    awk -f "$src/tests/wake_deltas.awk" "$1" |
        awk -v s="$2" -v lo="$3" -v hi="$4" '$1 == "to" && $2 == s && $3 >= lo && $3 < hi { n++ } END { exit n ? 0 : 1 }'
}
"$wtlab" run "$bs/pushback.json" -q -o "$tmp/pb1.jsonl" > /dev/null 2>&1
"$wtlab" run "$bs/pushback.json" -q -o "$tmp/pb2.jsonl" > /dev/null 2>&1
check "wake_pushback_ns 50 us: a member woken last returns after the pooled 5 us" \
    to_between "$tmp/pb1.jsonl" PARALLEL_MEMTABLE_WRITER 5000 6000
pushback_steps() { # 5 + 50 us and 5 + 100 us with the key; never over 10 us without it
    to_between "$tmp/pb1.jsonl" PARALLEL_MEMTABLE_WRITER 55000 56000 &&
        to_between "$tmp/pb1.jsonl" PARALLEL_MEMTABLE_WRITER 105000 107000 &&
        ! to_between "$tmp/bk1.jsonl" PARALLEL_MEMTABLE_WRITER 10000 1000000000
}
check "wake_pushback_ns: ... one woken before one more member after 5 + 50 us, before two more after 5 + 100 us" \
    pushback_steps
check "wake_pushback_ns: same scenario, profile and seed give the same bytes" cmp "$tmp/pb1.jsonl" "$tmp/pb2.jsonl"
check "by_state: the run replays exactly" "$wtlab" replay "$tmp/bs1.jsonl"
bad_wake() { # bad_wake DEVICE_JSON PATTERN
    printf '{"name": "x", "device": %s,\n "writers": [{"name": "a", "batches": [{"puts": 1}]}]}\n' \
        "$1" > "$tmp/by-state-bad.json"
    cp "$bs/prof.json" "$bs/no-by-state.json" "$tmp/" 2>/dev/null
    expect_status 2 "$2" "$wtlab" run "$tmp/by-state-bad.json" -q -o "$tmp/x.jsonl"
}
check "by_state: an unknown value (exit 2)" bad_wake '{"profile": "prof.json", "wake_latency": "by_stat"}' \
    "by-state-bad.json:1:66: /device/wake_latency: unknown wake latency \"by_stat\" (did you mean \"by_state\"?)"
check "by_state: needs a profile (exit 2)" bad_wake '{"wake_latency": "by_state"}' \
    "by-state-bad.json:1:26: /device/wake_latency: \"by_state\" only with a \"profile\""
check "by_state: a profile without wake_latency_by_state (exit 2)" \
    bad_wake '{"profile": "no-by-state.json", "wake_latency": "by_state"}' \
    "/device/wake_latency: \"by_state\": the profile has no schedule.wake_latency_by_state"
check "by_state: a profile without wake_cost_by_state (exit 2)" \
    bad_wake '{"profile": "no-by-state.json", "wake_cost": "by_state"}' \
    "/device/wake_cost: \"by_state\": the profile has no schedule.wake_cost_by_state"
check "by_state_parked: a profile without wake_latency_by_state_parked (exit 2)" \
    bad_wake '{"profile": "prof.json", "wake_latency": "by_state_parked"}' \
    "by-state-bad.json:1:66: /device/wake_latency: \"by_state_parked\": the profile has no schedule.wake_latency_by_state_parked"
check "wake_pushback_ns \"profile\": a profile without schedule.wake_pushback_ns (exit 2)" \
    bad_wake '{"profile": "prof.json", "cpu": {"cores": 0, "wake_pushback_ns": "profile"}}' \
    "/device/cpu/wake_pushback_ns: \"profile\": the profile has no schedule.wake_pushback_ns (calibrate it again)"
check "wake_pushback_ns \"profile\" inside a profile's cpu (exit 2)" expect_status 2 \
    "pb-prof.json:1:[0-9]*: /cpu/wake_pushback_ns: \"profile\" only in a scenario's cpu" \
    sh -c "sed 's/^ \"writers\": {\"think_ns\": 0}}/ \"writers\": {\"think_ns\": 0}, \"cpu\": {\"cores\": 2, \"wake_pushback_ns\": \"profile\"}}/' '$bs/prof-parked.json' | tr -d '\n' > '$tmp/pb-prof.json' && sed 's/prof-parked.json/pb-prof.json/' '$bs/parked.json' > '$tmp/use-pb-prof.json' && '$wtlab' run '$tmp/use-pb-prof.json' -q -o '$tmp/x.jsonl'"
check "wake_pushback_ns: a word other than \"profile\" (exit 2)" \
    bad_wake '{"profile": "prof.json", "cpu": {"cores": 0, "wake_pushback_ns": "profil"}}' \
    "/device/cpu/wake_pushback_ns: unknown wake pushback \"profil\" (did you mean \"profile\"?)"
check "profile: an unknown state in wake_latency_by_state_parked (exit 2)" expect_status 2 \
    "/schedule/wake_latency_by_state_parked/COMPLETE: unknown key (did you mean \"COMPLETED\"?)" \
    sh -c "sed 's/\"wake_latency_by_state_parked\": {\"GROUP_LEADER\"/\"wake_latency_by_state_parked\": {\"COMPLETE\"/' '$bs/prof-parked.json' > '$tmp/prof-parked.json' && cp '$bs/parked.json' '$tmp/use-parked.json' && '$wtlab' run '$tmp/use-parked.json' -q -o '$tmp/x.jsonl'"
check "by_state: not with a CPU model's fixed dispatch delay (exit 2)" \
    bad_wake '{"profile": "prof.json", "wake_latency": "by_state", "cpu": {"cores": 2}}' \
    "/device/wake_latency: \"by_state\": the wake-up latency is sampled only without a CPU model"
check "profile: an unknown state in wake_latency_by_state (exit 2)" expect_status 2 \
    "bad-state.json:5:41: /schedule/wake_latency_by_state/GROUP_LEADR: unknown key (did you mean \"GROUP_LEADER\"?)" \
    sh -c "cp '$bs/bad-state.json' '$tmp/' && sed 's/prof.json/bad-state.json/' '$bs/by-state.json' > '$tmp/use-bad-state.json' && '$wtlab' run '$tmp/use-bad-state.json' -q -o '$tmp/x.jsonl'"
check "profile: an empty wake_cost_by_state (exit 2)" expect_status 2 \
    "bad-empty.json:5:37: /schedule/wake_cost_by_state: no state" \
    sh -c "cp '$bs/bad-empty.json' '$tmp/' && sed 's/prof.json/bad-empty.json/' '$bs/by-state.json' > '$tmp/use-bad-empty.json' && '$wtlab' run '$tmp/use-bad-empty.json' -q -o '$tmp/x.jsonl'"

# --- wake-ups on an idle machine ("by_state_idle") ------------------------------
"$wtlab" run "$bs/idle.json" -q -o "$tmp/idle.jsonl" > /dev/null 2>&1
"$wtlab" run "$bs/idle-busy.json" -q -o "$tmp/idle-busy.jsonl" > /dev/null 2>&1
sed 's/by_state_idle/by_state/g' "$bs/idle.json" > "$tmp/idle-bs.json" && cp "$bs/idle-prof.json" "$tmp/"
"$wtlab" run "$tmp/idle-bs.json" -q -o "$tmp/idle-bs.jsonl" > /dev/null 2>&1
check "by_state_idle: two writers only: woken to GROUP_LEADER with no other writer active, the idle 40 us" \
    within "$tmp/idle.jsonl" to GROUP_LEADER 40000 50000
check "by_state_idle: ... and the waker pays the idle 20 us" within "$tmp/idle.jsonl" cost GROUP_LEADER 20000 30000
check "by_state_idle: a third writer computing meanwhile: the by_state 300 us" \
    within "$tmp/idle-busy.jsonl" to GROUP_LEADER 300000 310000
check "by_state_idle: ... and 90 us for the waker" within "$tmp/idle-busy.jsonl" cost GROUP_LEADER 90000 100000
check "by_state (not idle): the two-writer run wakes GROUP_LEADER after 300 us" \
    within "$tmp/idle-bs.jsonl" to GROUP_LEADER 300000 310000
check "calibrate: a hand-written real trace: the idle hand-over (40 us, 20 us) and the busy one (300 us, 90 us, a third writer active) apart" sh -c "
    '$wtlab' calibrate '$cal/idle-hand.jsonl' --cores 0 -o '$tmp/hand.json' > '$tmp/hand.out' &&
    grep -q '^    no other writer active (idle): return median 40.0 us .* n=1' '$tmp/hand.out' &&
    grep -q '^    another writer active (busy): return median 300.0 us .* n=1' '$tmp/hand.out' &&
    grep -q '\"wake_latency_by_state_busy\": {' '$tmp/hand.json' &&
    grep -q '\"GROUP_LEADER\": {\"quantiles\": \[300000\]}}' '$tmp/hand.json' &&
    grep -q '\"GROUP_LEADER\": {\"quantiles\": \[40000\]}}' '$tmp/hand.json' &&
    grep -q '\"GROUP_LEADER\": {\"quantiles\": \[20000\]}}' '$tmp/hand.json' &&
    grep -q '\"GROUP_LEADER\": {\"quantiles\": \[40000, 300000\]}' '$tmp/hand.json'"
check "by_state_idle: needs a profile (exit 2)" bad_wake '{"wake_latency": "by_state_idle"}' \
    "by-state-bad.json:1:26: /device/wake_latency: \"by_state\" only with a \"profile\""
check "by_state_idle: a profile without wake_latency_by_state_idle (exit 2)" \
    bad_wake '{"profile": "prof.json", "wake_latency": "by_state_idle"}' \
    "by-state-bad.json:1:66: /device/wake_latency: \"by_state_idle\": the profile has no schedule.wake_latency_by_state_idle"
check "by_state_idle: a profile without wake_cost_by_state_idle (exit 2)" \
    bad_wake '{"profile": "prof.json", "wake_cost": "by_state_idle"}' \
    "by-state-bad.json:1:63: /device/wake_cost: \"by_state_idle\": the profile has no schedule.wake_cost_by_state_idle"
check "profile: an unknown state in wake_cost_by_state_idle (exit 2)" expect_status 2 \
    "/schedule/wake_cost_by_state_idle/COMPLETE: unknown key (did you mean \"COMPLETED\"?)" \
    sh -c "sed 's/\"wake_cost_by_state_idle\": {\"GROUP_LEADER\"/\"wake_cost_by_state_idle\": {\"COMPLETE\"/' '$bs/idle-prof.json' > '$tmp/idle-prof.json' && cp '$bs/idle.json' '$tmp/use-idle.json' && '$wtlab' run '$tmp/use-idle.json' -q -o '$tmp/x.jsonl'"

# points N: a profile whose wal.sync has N quantile points (1000 ns each).
points() {
    q=$(seq "$1" | sed 's/.*/1000/' | paste -sd, -)
    sed "s/\"sync\": {\"quantiles\": \[1000000\]}/\"sync\": {\"quantiles\": [$q]}/" "$bs/prof.json" > "$tmp/points.json"
    sed 's/prof.json/points.json/' "$bs/by-state.json" > "$tmp/use-points.json"
}
points 1001
check "profile: a distribution of 1001 points loads" "$wtlab" run "$tmp/use-points.json" -q -o "$tmp/x.jsonl"
points 1002
check "profile: 1002 points (exit 2)" expect_status 2 "/wal/sync/quantiles: 1002 points: at most 1001" \
    "$wtlab" run "$tmp/use-points.json" -q -o "$tmp/x.jsonl"

# --- compare -------------------------------------------------------------------
check "compare: two identical traces, zero difference everywhere" sh -c "
    '$wtlab' compare '$cal/real-4x25.jsonl' '$cal/real-4x25.jsonl' --tolerance 0 > '$tmp/cmp.out' &&
    ! grep '%' '$tmp/cmp.out' | grep -v 'tolerance' | grep -v ' +0.0%\$' &&
    grep -q 'largest headline difference 0.0 %: within' '$tmp/cmp.out'"
check "compare: real vs sim, tolerance 0 is beyond (exit 1)" \
    exits_with 1 "$wtlab" compare "$cal/real-4x25.jsonl" "$tmp/u1.jsonl" --tolerance 0
check "compare: writes a two-panel gnuplot script on the same axes" sh -c "
    '$wtlab' compare '$cal/real-4x25.jsonl' '$tmp/u1.jsonl' --script '$tmp/c.gp' > /dev/null &&
    grep -q 'multiplot layout 2,2' '$tmp/c.gp' && [ \$(grep -c 'set yrange \\[0:' '$tmp/c.gp') -eq 4 ]"
check "compare: one trace only (exit 2)" expect_status 2 "two traces are needed" \
    "$wtlab" compare "$cal/real-4x25.jsonl"
check "compare: bad --tolerance (exit 2)" expect_status 2 "not a percentage" \
    "$wtlab" compare "$cal/real-4x25.jsonl" "$cal/real-4x25.jsonl" --tolerance x
check "compare: A A vs B B adds each side's traces up (the same figures as A vs B, twice the counts)" sh -c "
    '$wtlab' compare '$cal/real-4x25.jsonl' '$tmp/u1.jsonl' > '$tmp/c1.out' &&
    '$wtlab' compare '$cal/real-4x25.jsonl' '$cal/real-4x25.jsonl' vs '$tmp/u1.jsonl' '$tmp/u1.jsonl' > '$tmp/c2.out' &&
    grep -q '^  writes  *200  *36 ' '$tmp/c2.out' && grep -q '^  writers  *4  *3 ' '$tmp/c2.out' &&
    [ \"\$(grep 'mean group size' '$tmp/c1.out')\" = \"\$(grep 'mean group size' '$tmp/c2.out')\" ] &&
    [ \"\$(grep -A5 'share of groups' '$tmp/c1.out')\" = \"\$(grep -A5 'share of groups' '$tmp/c2.out')\" ]"
check "compare: a side mixing real and sim traces (exit 2)" expect_status 2 "a sim trace among real ones" \
    "$wtlab" compare "$cal/real-4x25.jsonl" "$tmp/u1.jsonl" vs "$tmp/u1.jsonl"
check "compare: vs with an empty side (exit 2)" expect_status 2 "needs at least one trace on each side" \
    "$wtlab" compare "$cal/real-4x25.jsonl" vs
exit $fail
