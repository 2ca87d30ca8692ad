#!/usr/bin/env python3
"""sched_hops.py TRACE.jsonl... -- what happens at each hand-over of a sync
write group, from a trace alone (real or sim), for comparing the sim's CPU
model with a real run (issue 20; bench/sched_join.py adds perf's view):

  - group sizes: mean and shares of 1 / 2-6 / 7-10 / 11-13 / 14-16
    (1 / 2 / 3 / 4 with at most 4 threads);
  - of the members another writer releases (COMPLETED), by whether they
    were parked (from LOCKED_WAITING) or not, and of the writer that
    completes the group, the share that joins the next group (only the
    releases made before the next group formed: a completer that hands
    over to the next leader first and then wakes parked members releases
    many after it -- bench/sched_returns.py counts every release);
  - by how many parked members a hand-over releases: the median time from
    the new leader's GROUP_LEADER to its group, and the share of those
    parked members that join it;
  - of a parked writer's return latency (set out of LOCKED_WAITING -> its
    next event), the median by k, the number of parked writers the same
    setter woke after it before it ran (calibrate's wake_pushback_ns).
"""
import collections
import json
import sys


def load(fn):
    with open(fn) as f:
        f.readline()
        return [d for d in map(json.loads, f) if 'ev' in d and d['ev'] != 'pick']


def med(v):
    v = sorted(v)
    return v[len(v) // 2] if v else 0


def report(fn):
    tr = load(fn)
    gi = [i for i, d in enumerate(tr) if d['ev'] == 'group']
    sizes = [len(tr[i]['members']) for i in gi]
    if not sizes:
        print('%s: no group events (a trace of a run with writes is needed)' % fn)
        return
    top = max(sizes)
    # the last bin is open-ended, so the shares add up whatever the sizes
    inf = float('inf')
    bins = [(1, 1), (2, 6), (7, 10), (11, 13), (14, inf)] if top > 4 else [(1, 1), (2, 2), (3, 3), (4, inf)]
    print('%s: %d groups, mean %.2f, shares %s' % (fn, len(sizes), sum(sizes) / len(sizes), ' / '.join(
        '%.0f' % (100 * sum(a <= s <= b for s in sizes) / len(sizes)) for a, b in bins)))
    tot, join = collections.Counter(), collections.Counter()
    byk = collections.defaultdict(list)
    for k in range(len(gi) - 1):
        seg = tr[gi[k]:gi[k + 1]]
        mem, nxt = set(tr[gi[k]]['members']), set(tr[gi[k + 1]]['members'])
        t_lead, parked, parked_join = None, 0, 0
        for d in seg:
            if d['ev'] == 'detach':
                tot['the completer'] += 1
                join['the completer'] += d['fiber'] in nxt
            if d['ev'] != 'state' or d['writer'] == d['fiber']:
                continue
            if d['to'] == 'GROUP_LEADER':
                t_lead = d['t']
            if d['to'] == 'COMPLETED' and d['writer'] in mem:
                key = 'parked members' if d['from'] == 'LOCKED_WAITING' else 'members not parked'
                tot[key] += 1
                join[key] += d['writer'] in nxt
                if d['from'] == 'LOCKED_WAITING':
                    parked += 1
                    parked_join += d['writer'] in nxt
        if t_lead is not None:
            byk[min(parked, 6)].append((tr[gi[k + 1]]['t'] - t_lead, parked, parked_join))
    for key in ('the completer', 'parked members', 'members not parked'):
        if tot[key]:
            print('  %-20s %6d released, %5.1f %% join the next group' % (key, tot[key], 100 * join[key] / tot[key]))
    print('  hand-overs by parked members released: n, median us to the next group, % of them joining it')
    for k in sorted(byk):
        v = byk[k]
        p = sum(x[1] for x in v)
        print('    %s%d: %5d  %6.1f  %s' % ('>=' if k == 6 else '  ', k, len(v), med([x[0] for x in v]) / 1000,
                                          '%.0f %%' % (100 * sum(x[2] for x in v) / p) if p else '-'))
    pend, lat = {}, collections.defaultdict(lambda: collections.defaultdict(list))
    for d in tr:
        f = d['fiber']
        if f in pend:
            s, t, k, to = pend.pop(f)
            lat[to][min(k, 6)].append(d['t'] - t)
        if d['ev'] == 'state' and d['writer'] != f and d['from'] == 'LOCKED_WAITING':
            for v in pend.values():
                if v[0] == f:
                    v[2] += 1
            pend[d['writer']] = [f, d['t'], 0, d['to']]
    print('  parked return latency, median us by later wake-ups k = 0, 1, 2, ...:')
    for to, m in sorted(lat.items()):
        print('    %-26s %s' % (to, '  '.join('%d:%.0f' % (k, med(v) / 1000) for k, v in sorted(m.items()))))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: sched_hops.py TRACE.jsonl...')
    for fn in sys.argv[1:]:
        report(fn)
