#!/usr/bin/env python3
"""sched_join.py TRACE.jsonl PERF.txt -- joins a real wtbench trace with the
kernel's scheduler events of the same run and prints what the sim's CPU
model has to reproduce (issue 20).

Record (2-core machine, under the bench lock):
  flock /work/wt/bench.lock perf record -k CLOCK_MONOTONIC -e sched:sched_switch \\
      -e sched:sched_wakeup -a -o p.data -- wtbench --threads 16 --sync --num 1000 --trace T.jsonl
  perf script -i p.data -F tid,cpu,time,event,trace > PERF.txt

Threads: wtbench creates w1..wN in order, so the kernel gives them ascending
tids; the smallest wtbench tid seen in a sched_switch is the main thread.
Time: the trace's times are ns since its start; the offset (and a small
drift) is fitted so that each trace event falls where perf has its thread
on a CPU (printed: the share that does; expect > 0.95).  perf prints us.
"""
import bisect
import collections
import json
import re
import sys

RX = re.compile(r'\s*(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)')


def load_perf(fn):
    ev, tids = [], set()
    for line in open(fn):
        m = RX.match(line)
        if not m:
            continue
        t = int(round(float(m.group(3)) * 1e9))
        name, rest = m.group(4), m.group(5)
        if name == 'sched_switch':
            pp = int(re.search(r'prev_pid=(\d+)', rest).group(1))
            ps = re.search(r'prev_state=(\S+)', rest).group(1)
            np_ = int(re.search(r'next_pid=(\d+)', rest).group(1))
            if 'prev_comm=wtbench ' in rest:
                tids.add(pp)
            ev.append((t, 'sw', pp, ps, np_))
        elif name == 'sched_wakeup':
            ev.append((t, 'wk', int(re.search(r' pid=(\d+)', rest).group(1)), None, None))
    return ev, sorted(tids)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: sched_join.py TRACE.jsonl PERF.txt')
    tr = []
    with open(sys.argv[1]) as f:
        hdr = json.loads(f.readline())
        for line in f:
            d = json.loads(line)
            if 'ev' in d:
                tr.append(d)
    ev, tids = load_perf(sys.argv[2])
    # writers only (w1..wN): other threads a trace may name (flush) are not wtbench's writers
    n = sum(1 for t in hdr['threads'] if re.fullmatch(r'w[0-9]+', str(t)))
    if len(tids) != n + 1:
        sys.exit('sched_join: %d wtbench threads in perf, %d writers + main in the trace' % (len(tids), n))
    name = {t: 'w%d' % (i + 1) for i, t in enumerate(tids[1:])}
    # per writer: (time, RUN | RQ (preempted) | RQw (woken) | S | D)
    tl = collections.defaultdict(list)
    for t, k, a, st, b in ev:
        if k == 'sw':
            if a in name:
                tl[name[a]].append((t, 'RQ' if st.startswith('R') else 'D' if st.startswith('D') else 'S'))
            if b in name:
                tl[name[b]].append((t, 'RUN'))
        elif a in name:
            tl[name[a]].append((t, 'RQw'))
    tt = {w: [x[0] for x in L] for w, L in tl.items()}

    def state_at(w, t):
        i = bisect.bisect_right(tt[w], t) - 1
        return tl[w][i][1] if i >= 0 else '?'
    evs = [d for d in tr if d.get('fiber') in tt]
    # coarse offset: a leader blocks (D) in fdatasync right after wal_sync_begin
    dsw = collections.defaultdict(list)
    for t, k, p, st, nx in ev:
        if k == 'sw' and p in name and st.startswith('D'):
            dsw[name[p]].append(t)
    c = collections.Counter()
    for d in tr:
        if d['ev'] == 'wal_sync_begin':
            for x in dsw[d['fiber']]:
                c[(x - d['t']) // 200000] += 1
    if not c:
        sys.exit('sched_join: no fdatasync blocks to align by (a --sync run is needed)')
    base = c.most_common(1)[0][0] * 200000
    # fine: per tenth of the run, the shift that puts most events on a CPU
    xs, ys = [], []
    W = max(1, len(evs) // 10)
    for k in range(10):
        ch = evs[k * W:(k + 1) * W:max(1, W // 1000)]
        if not ch:
            continue
        score = {}
        for sh in range(base - 400000, base + 400001, 10000):
            score[sh] = sum(state_at(d['fiber'], d['t'] + sh) == 'RUN' for d in ch)
        best = max(score, key=score.get)
        fine = {}
        for sh in range(best - 40000, best + 40001, 1000):
            fine[sh] = sum(state_at(d['fiber'], d['t'] + sh) == 'RUN' for d in ch)
        top = max(fine.values())
        good = [sh for sh, v in fine.items() if v >= 0.98 * top]
        xs.append(sum(d['t'] for d in ch) / len(ch))
        ys.append(sum(good) / len(good))
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
    b = my - a * mx
    for d in tr:
        d['t'] = int(d['t'] + b + a * d['t'])
    on = sum(state_at(d['fiber'], d['t']) == 'RUN' for d in evs)
    print('alignment: %.3f of %d trace events fall where perf has the thread on a CPU' % (on / len(evs), len(evs)))
    # released members by scheduler state, and whether they join the next group
    gi = [i for i, d in enumerate(tr) if d['ev'] == 'group']
    tot, early = collections.Counter(), collections.Counter()
    for k in range(len(gi) - 1):
        mem, nxt = set(tr[gi[k]]['members']), set(tr[gi[k + 1]]['members'])
        for d in tr[gi[k]:gi[k + 1]]:
            if d['ev'] == 'state' and d['to'] == 'COMPLETED' and d['writer'] in mem and d['writer'] != d['fiber']:
                s = state_at(d['writer'], d['t'])
                key = {'RQ': 'runnable, preempted', 'S': 'asleep (parked)', 'RUN': 'on a CPU'}.get(s, s)
                tot[key] += 1
                early[key] += d['writer'] in nxt
    print('members released by another writer (COMPLETED), by their scheduler state then:')
    for k in sorted(tot):
        print('  %-20s %6d, %5.1f %% join the next group' % (k, tot[k], 100 * early[k] / tot[k]))
    # run-queue delays by how a writer became runnable
    rd = collections.defaultdict(list)
    for w, L in tl.items():
        for i in range(len(L) - 1):
            if L[i][1] in ('RQ', 'RQw') and L[i + 1][1] == 'RUN':
                rd[L[i][1]].append(L[i + 1][0] - L[i][0])
    print('run-queue delay until on a CPU (us: p10 p25 p50 p75 p90):')
    for k, L in sorted(rd.items()):
        L.sort()
        print('  %-20s n=%6d  %s' % ({'RQ': 'after a preemption', 'RQw': 'after a wake-up'}[k], len(L),
                                    ' '.join('%.0f' % (L[int(len(L) * q)] / 1000) for q in (.1, .25, .5, .75, .9))))
    pre = collections.Counter()
    for t, k, p, st, nx in ev:
        if k == 'sw' and nx in name:
            w = name[nx]
            i = bisect.bisect_left(tt[w], t) - 1
            inc = tl[w][i][1] if i >= 0 else '?'
            if inc == 'RQw':
                pre['woken, replacing a ' + ('writer' if p in name else 'other task') + ' that ' +
                    ('stays runnable (preempted)' if st.startswith('R') else 'blocks or idles')] += 1
    print('a woken writer gets its CPU:')
    for k, v in pre.most_common():
        print('  %-60s %6d' % (k, v))


if __name__ == '__main__':
    main()
