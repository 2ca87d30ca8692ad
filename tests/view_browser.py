#!/usr/bin/env python3
"""view_browser.py WTLAB WTDB SRCDIR — `wtlab view` driven in headless Chromium.

Writes the page of lesson 02's trace, steps it N times by key events
(the page's #steps=N dispatches N ArrowRight keydown events and writes the
state at its cursor into <pre id="result">; --dump-dom reads the DOM), and
compares the cursor's step, every writer's state, the write queue's order
and the published sequence with `wtlab replay TRACE --at STEP+1` (the dump
at a step shows the events of the steps before it).  N is chosen where the
next event belongs to a later step, so both show the same events.  Then a
page of two traces, one of them a real trace (wtdb --trace), is opened on
the real one and stepped.  Exit 77 (skip) when Chromium is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from tap import finish, report

wtlab, wtdb, src = sys.argv[1], sys.argv[2], sys.argv[3]
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if chromium is None:
    print("SKIP: Chromium is not installed; on Debian: apt-get install -y chromium")
    sys.exit(77)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def page_result(html, fragment):
    """The JSON the page wrote into #result after loading with #fragment."""
    r = run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + os.path.join(tmp, "profile"),
            "--virtual-time-budget=5000", "--dump-dom", "file://" + html + "#" + fragment,
            timeout=120)
    m = re.search(r'<pre id="result">([^<]*)</pre>', r.stdout)
    if m is None:
        sys.stderr.write(r.stderr[-2000:])
        return None
    text = m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    return json.loads(text.replace("&amp;", "&"))


def events_of(path):
    out = []
    for line in open(path):
        o = json.loads(line)
        if "ev" in o and o["ev"] != "pick":
            out.append(o)
    return out


def dump_at(trace, step):
    """Writer states, write-queue order and published sequence from replay --at."""
    text = run(wtlab, "replay", trace, "--at", str(step)).stdout
    states, queue, published, in_queue = {}, [], None, False
    for line in text.splitlines():
        m = re.match(r"  (\S+) .*writer state (\S+)", line)
        if m and not in_queue:
            states[m.group(1)] = m.group(2)
        if line.startswith("write queue (newest first):"):
            in_queue = True
            continue
        if in_queue:
            m = re.match(r"  (\S+)\s+[A-Z_]+\s+link_older=", line)
            if m:
                queue.append(m.group(1))
                continue
            in_queue = False
        m = re.match(r"sequences: published (\d+)", line)
        if m:
            published = int(m.group(1))
    return states, queue, published


tmp = tempfile.mkdtemp(prefix="wtlab-view-")
try:
    trace = os.path.join(tmp, "02.jsonl")
    html = os.path.join(tmp, "02.html")
    run(wtlab, "run", os.path.join(src, "scenarios/lessons/02-group-commit.json"), "-o", trace,
        "--quiet")
    r = run(wtlab, "view", trace, "-o", html)
    report(r.returncode == 0 and os.path.getsize(html) > 0, "wtlab view writes the page")
    page = open(html).read()
    report("http://" not in page.replace("http://www.w3.org/2000/svg", "") and
           "https://" not in page and "<script src" not in page,
           "the page loads nothing from the network")
    events = events_of(trace)
    for want in (5, 12, 20, 28, 40):
        n = want
        while n < len(events) and events[n - 1]["step"] == events[n]["step"]:
            n += 1
        res = page_result(html, "steps=%d" % n)
        if res is None:
            report(False, "the page wrote its state after %d key presses" % n)
            continue
        step = events[n - 1]["step"]
        report(res["cursor"] == n - 1 and res["step"] == step,
               "%d key presses: cursor on event %d, step %d (page: %d, step %d)" %
               (n, n - 1, step, res["cursor"], res["step"]))
        states, queue, published = dump_at(trace, step + 1)
        page_states = {w: res["states"].get(w, "INIT") for w in states}
        report(page_states == states,
               "step %d: every writer's state as replay --at %d (%s)" % (step, step + 1, states))
        report(res["queues"].get("write", []) == queue,
               "step %d: the write queue newest first as replay --at (%s; page %s)" %
               (step, queue, res["queues"].get("write", [])))
        report(res["published"] == published,
               "step %d: published sequence %s (page %s)" % (step, published, res["published"]))

    # Lesson 04: writers moved aside go right after the group (RocksDB 9.1+),
    # and the page's list says so as replay --at does.
    t04 = os.path.join(tmp, "04.jsonl")
    h04 = os.path.join(tmp, "04.html")
    run(wtlab, "run", os.path.join(src, "scenarios/lessons/04-incompatible-writers.json"), "-o",
        t04, "--quiet")
    run(wtlab, "view", t04, "-o", h04)
    ev04 = events_of(t04)
    first_group = next(i for i, e in enumerate(ev04) if e["ev"] == "group")
    moved = any(e["ev"] == "move_aside" for e in ev04[:first_group])
    n = first_group + 1
    while n < len(ev04) and ev04[n - 1]["step"] == ev04[n]["step"]:
        n += 1
    res = page_result(h04, "steps=%d" % n)
    _, queue, _ = dump_at(t04, ev04[n - 1]["step"] + 1)
    report(moved and res is not None and res["queues"].get("write", []) == queue,
           "lesson 04 after its first group: the write queue with the moved-aside writers "
           "as replay --at (%s; page %s)" % (queue, res["queues"].get("write") if res else None))

    # A real trace from the pthreads build, second in a page of two.
    real = os.path.join(tmp, "real.jsonl")
    db = os.path.join(tmp, "db")
    r = run(wtdb, "--db", db, "load", "--threads", "3", "--trace", real,
            input="".join("put k%d v%d\n" % (i, i) for i in range(30)))
    report(r.returncode == 0, "wtdb load --trace writes a real trace")
    both = os.path.join(tmp, "both.html")
    r = run(wtlab, "view", trace, real, "-o", both)
    report(r.returncode == 0, "wtlab view takes a sim and a real trace")
    real_events = events_of(real)
    n = min(10, len(real_events))
    res = page_result(both, "trace=1&steps=%d" % n)
    report(res is not None and res["cursor"] == n - 1 and res["step"] == real_events[n - 1]["step"],
           "the real trace's page steps %d events by key" % n)
    report(res is not None and any(s != "INIT" for s in res["states"].values()) if n > 5 else True,
           "the real trace's writers have states at the cursor")

    # A trace whose text holds "</script>" and "<!--" (in the embedded
    # scenario's description) still loads and steps.
    sc = json.load(open(os.path.join(src, "scenarios/lessons/02-group-commit.json")))
    sc["description"] = "</script><!-- <script>document.title='x'</script> -->"
    odd = os.path.join(tmp, "odd.json")
    json.dump(sc, open(odd, "w"))
    odd_trace = os.path.join(tmp, "odd.jsonl")
    run(wtlab, "run", odd, "-o", odd_trace, "--quiet")
    odd_html = os.path.join(tmp, "odd.html")
    run(wtlab, "view", odd_trace, "-o", odd_html)
    res = page_result(odd_html, "steps=3")
    report(res is not None and res["cursor"] == 2 and "</script>" not in open(odd_html).read().split(
        'type="application/x-wtlab-trace"')[1].split("</script>")[0],
           "a trace holding </script> and <!-- is embedded intact and steps")

    # A trace that fails an invariant (recorded by the injected-bug build
    # wtlab-bug-wake_before_detach): the violation is marked in the lanes,
    # listed, and the key v jumps to it.
    vtrace = os.path.join(src, "tests/data/view/wake_before_detach-writer_list.jsonl")
    vhtml = os.path.join(tmp, "violation.html")
    run(wtlab, "view", vtrace, "-o", vhtml)
    vevents = events_of(vtrace)
    vat = [i for i, e in enumerate(vevents) if e["ev"] == "violation"]
    res = page_result(vhtml, "keys=v")
    report(res is not None and len(vat) == 1 and res["cursor"] == vat[0] and res["ev"] == "violation",
           "v jumps to the violation (event %s)" % vat)
    res = page_result(vhtml, "steps=2&keys=v,Left,V")
    report(res is not None and res["cursor"] == vat[0],
           "2 steps, v, Left, V (back to the previous violation): on the violation again")

    # Bad input: exit 2 with a message.
    bad = os.path.join(tmp, "bad.jsonl")
    open(bad, "w").write("{not json\n")
    r = run(wtlab, "view", bad, "-o", os.path.join(tmp, "x.html"))
    report(r.returncode == 2 and "bad.jsonl" in r.stderr, "a malformed trace: exit 2, named")
    r = run(wtlab, "view", trace)
    report(r.returncode == 2, "no -o: exit 2")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

finish()
