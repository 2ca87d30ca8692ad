#!/usr/bin/env python3
"""crash_sweep.py WTLAB SOURCE_DIR [--every N] [--scenarios A,B] [--jobs J] [--from-open]

A crash sweep in the sim (issue 22 item 2), driven from outside the lab:
for each scenario under scenarios/ and each write mode (serial memtable,
parallel memtable, pipelined, unordered, two write queues; the scenario's
other options kept), a baseline run gives the virtual time of every
event; then the scenario is run once per event time T (every Nth with
--every) with the power failing at T ("crash": {"at": {"time_ns": T}}),
with and without a torn last write, and reopened.  The lab's oracle checks
each recovery: every acknowledged synced write present, the recovered
state a prefix of the acknowledged order, failed writes absent.  The
scenario's own expectations are dropped (they describe the run without
a crash).

Crash points are event times, i.e. the scheduling points where something
observable happened (file operations among them), not every file
operation: the lab has no crash-at-the-nth-file-operation hook yet (it
belongs in sim/lab/run.c).

TAP: one line per scenario with crash points tried, recoveries checked,
losses (oracle violations and lab crashes), which must be 0, and reopens
refused (the open after the crash failed with an error: absolute
consistency over a torn tail, a fault the scenario keeps armed), which
are reported, not failures: an error is not a silent loss.  A violation prints the
command that reproduces it.  Exit 77 without python's json (never).
"""
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

MODES = {
    "serial": dict(allow_concurrent_memtable_write=False, enable_pipelined_write=False,
                   unordered_write=False, two_write_queues=False),
    "parallel": dict(allow_concurrent_memtable_write=True, enable_pipelined_write=False,
                     unordered_write=False, two_write_queues=False),
    "pipelined": dict(allow_concurrent_memtable_write=True, enable_pipelined_write=True,
                      unordered_write=False, two_write_queues=False),
    "unordered": dict(allow_concurrent_memtable_write=True, enable_pipelined_write=False,
                      unordered_write=True, two_write_queues=False),
    "two_queues": dict(allow_concurrent_memtable_write=True, enable_pipelined_write=False,
                       unordered_write=False, two_write_queues=True),
}


FROM_OPEN = "--from-open" in sys.argv


def args():
    a = [x for x in sys.argv[1:] if x != "--from-open"]
    opts = {"every": 1, "scenarios": None, "jobs": 2}
    pos = []
    i = 0
    while i < len(a):
        if a[i] == "--every":
            opts["every"] = int(a[i + 1]); i += 2
        elif a[i] == "--scenarios":
            opts["scenarios"] = a[i + 1].split(","); i += 2
        elif a[i] == "--jobs":
            opts["jobs"] = int(a[i + 1]); i += 2
        else:
            pos.append(a[i]); i += 1
    if len(pos) != 2:
        sys.exit(__doc__)
    return pos[0], pos[1], opts


def run(wtlab, scenario, work, tag):
    path = os.path.join(work, tag + ".json")
    trace = os.path.join(work, tag + ".jsonl")
    with open(path, "w") as f:
        json.dump(scenario, f)
    p = subprocess.run([wtlab, "run", path, "-q", "-o", trace], capture_output=True, text=True)
    try:
        with open(trace) as f:
            lines = f.readlines()
    except OSError:
        lines = []
    return p.returncode, p.stdout + p.stderr, lines, path


def base_variant(sc, mode):
    s = json.loads(json.dumps(sc))
    s.pop("expect", None)
    s.pop("crash", None)
    s.setdefault("options", {}).update(MODES[mode])
    s["name"] = sc["name"] + "-" + mode
    return s


def sweep_one(wtlab, sc, mode, every, work, jobs):
    base = base_variant(sc, mode)
    rc, out, lines, path = run(wtlab, base, work, base["name"] + "-base")
    if rc == 2:
        return None  # an option combination the scenario cannot take
    if rc != 0:  # the run fails without a crash: nothing to sweep, but say so
        return "baseline exit %d: %s (wtlab run %s)" % (rc, " ".join(out.strip().splitlines()[-1:]), path)
    events = [json.loads(l) for l in lines[1:] if '"type":"summary"' not in l]
    writers = {w["name"] for w in sc["writers"]}
    seen = {}
    for e in events:
        for f in set(e.get("of", [])) | {e.get("fiber")}:
            if f in writers:
                seen.setdefault(f, e["t"])
    spawned = max(seen.values(), default=0)
    # From the moment every writer fiber exists: a crash while the root
    # fiber is still starting writers kills wtlab itself (run.c's root_main
    # starts the rest on a NULL db: a lab defect, reported; --from-open
    # sweeps those points too).
    times = sorted({e["t"] for e in events if FROM_OPEN or e["t"] > spawned})
    times = times[::every]
    tasks = [(t, tear) for t in times for tear in (False, True)]

    def one(task):
        t, tear = task
        s = json.loads(json.dumps(base))
        s["crash"] = {"at": {"time_ns": t}, "tear_last_write": tear, "reopen": True}
        tag = "%s-%d-%d" % (base["name"], t, tear)
        rc, out, lines, path = run(wtlab, s, work, tag)
        recovered = any('"ev":"reopen"' in l for l in lines)
        if rc == 1 and "invariant open_failed" in out:
            rc = "refused"  # the reopen failed (an error, not a silent loss)
        keep = rc != 0
        if not keep:
            for f in (path, path + "l"):
                try:
                    os.unlink(f)
                except OSError:
                    pass
        return t, tear, rc, recovered, out.strip().splitlines()[-1:] , path

    with ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(one, tasks))


def main():
    wtlab, src, opts = args()
    names = opts["scenarios"] or sorted(f[:-5] for f in os.listdir(os.path.join(src, "scenarios"))
                                        if f.endswith(".json"))
    work = tempfile.mkdtemp(prefix="crash-sweep-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    print("1..%d" % len(names))
    fail = 0
    total_points = total_recoveries = total_losses = 0
    baseline_failures = []
    for n, name in enumerate(names, 1):
        with open(os.path.join(src, "scenarios", name + ".json")) as f:
            sc = json.load(f)
        points = recoveries = losses = refused = 0
        modes = []
        bad = []
        refusals = []
        for mode in MODES:
            res = sweep_one(wtlab, sc, mode, opts["every"], work, opts["jobs"])
            if res is None:
                continue
            if isinstance(res, str):
                bad.append("%s mode %s: %s" % (name, mode, res))
                baseline_failures.append("%s/%s" % (name, mode))
                continue
            modes.append(mode)
            for t, tear, rc, recovered, last, path in res:
                points += 1
                recoveries += recovered
                if rc == "refused":
                    refused += 1
                    refusals.append("%s mode %s crash at %d ns%s: the reopen failed: %s"
                                    % (name, mode, t, " torn" if tear else "", path))
                elif rc != 0:
                    losses += 1
                    bad.append("%s mode %s crash at %d ns%s: exit %d %s (wtlab run %s)"
                               % (name, mode, t, " torn" if tear else "", rc, " ".join(last), path))
        total_points += points
        total_recoveries += recoveries
        total_losses += losses
        status = "ok" if losses == 0 and points > 0 else "not ok"
        if status != "ok":
            fail = 1
        print("%s %d - %s: %d crash points over %s, %d recoveries checked, %d losses, "
              "%d reopens refused" % (status, n, name, points, "/".join(modes), recoveries, losses,
                                       refused))
        for b in bad[:5] + refusals[:2]:
            print("# " + b)
    print("# total: %d crash points, %d recoveries, %d losses" % (total_points, total_recoveries, total_losses))
    if baseline_failures:
        print("# not swept (the run fails without a crash): " + ", ".join(baseline_failures))
    if fail == 0:
        subprocess.run(["rm", "-rf", work])
    sys.exit(fail)


if __name__ == "__main__":
    main()
