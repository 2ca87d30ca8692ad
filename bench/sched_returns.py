#!/usr/bin/env python3
"""sched_returns.py TRACE.jsonl... -- how released group members come back,
from a trace alone (real or sim), for the 16-thread cohorts of lesson 19
(issue 20).  Per trace, over the part of the run before the first writer
finished (the tail of a run, with fewer writers, has its own shape):

  - group sizes: shares of 1 / 2-6 / 7-10 / 11-13 / 14-16 and the mean;
  - missing writers: at each group n+1, the writers in neither group n
    nor n+1 (per pair of groups), by their last event: members released
    from an older group and not back yet, members still waiting, ...;
  - the return of members released while they were not parked (set to
    COMPLETED from PARALLEL_MEMTABLE_WRITER: spinning or descheduled):
    quantiles of release -> their next link, and the share of the
    (log) variance of that return that lies between hand-overs (members
    released by the same completer come back together: near 1/size of a
    group for independent draws);
  - the share of those returns longer than the time from the release to
    the group after next (such a member misses two groups), measured and
    with the returns shuffled among the releases (independent of the
    group's pace): if the measured share is far below the shuffled one,
    long returns come with long cycles (a stall of the whole machine).
"""
import collections
import json
import math
import random
import sys


def load(fn):
    tr = []
    with open(fn) as f:
        f.readline()
        for line in f:
            d = json.loads(line)
            if d.get('ev') and d['ev'] != 'pick':
                tr.append(d)
    per = collections.Counter(d['writer'] for d in tr if d['ev'] == 'write_end')
    if not per:
        return tr
    last, done = max(per.values()), collections.Counter()
    for i, d in enumerate(tr):  # cut at the first writer's last write
        if d['ev'] == 'write_end':
            done[d['writer']] += 1
            if done[d['writer']] == last:
                return tr[:i]
    return tr


def q(v, p):
    v = sorted(v)
    return v[int(p * (len(v) - 1))] / 1000 if v else 0


def report(fn):
    tr = load(fn)
    groups = [d for d in tr if d['ev'] == 'group']
    if len(groups) < 3:
        print('%s: fewer than 3 groups' % fn)
        return
    sizes = [len(g['members']) for g in groups]
    bins = [(1, 1), (2, 6), (7, 10), (11, 13), (14, 10 ** 9)]
    print('%s: %d groups, mean %.2f, shares %s' % (fn, len(sizes), sum(sizes) / len(sizes), ' / '.join(
        '%.0f' % (100 * sum(a <= s <= b for s in sizes) / len(sizes)) for a, b in bins)))
    # missing writers per pair of groups, by last event
    lastev, prev, allw = {}, None, set()
    miss, pairs = collections.Counter(), 0
    for d in tr:
        if d['ev'] == 'group':
            mem = set(d['members'])
            if prev is not None:
                pairs += 1
                for w in allw - mem - prev:
                    miss[lastev.get(w, '?')] += 1
            prev = mem
            continue
        w = d.get('writer')
        if w is None:
            continue
        allw.add(w)
        if d['ev'] == 'state':
            lastev[w] = 'set %s -> %s by %s' % (d['from'], d['to'], 'itself' if d['fiber'] == w else 'another')
        else:
            lastev[w] = d['ev']
    print('  writers in neither group n nor n+1, per pair: %.2f' % (sum(miss.values()) / pairs))
    for k, v in miss.most_common(4):
        print('    %.2f  last event: %s' % (v / pairs, k))
    # returns of members released unparked
    gts = [d['t'] for d in groups]
    rel, hand, rets = {}, 0, []
    for d in tr:
        if d['ev'] == 'detach':
            hand += 1
        elif (d['ev'] == 'state' and d['to'] == 'COMPLETED' and d['fiber'] != d['writer'] and
              d['from'] != 'LOCKED_WAITING'):
            rel[d['writer']] = (d['t'], hand)
        elif d['ev'] == 'link' and d['writer'] in rel:
            t, h = rel.pop(d['writer'])
            rets.append((t, h, d['t'] - t))
    if not rets:
        print('  no member released unparked')
        return
    r = [x for _, _, x in rets]
    byh = collections.defaultdict(list)
    for _, h, x in rets:
        byh[h].append(math.log(max(x, 100)))
    allv = [x for v in byh.values() for x in v]
    m = sum(allv) / len(allv)
    tot = sum((x - m) ** 2 for x in allv) or 1
    within = sum((x - sum(v) / len(v)) ** 2 for v in byh.values() for x in v)
    import bisect
    slack = []
    for t, _, x in rets:
        i = bisect.bisect_left(gts, t)
        slack.append(gts[i + 1] - t if i + 1 < len(gts) else None)
    pairs_rs = [(x, s) for x, s in zip(r, slack) if s is not None]
    shuf = [x for x, _ in pairs_rs]
    random.Random(1).shuffle(shuf)
    missed = sum(x > s for x, s in pairs_rs) / len(pairs_rs)
    missed_ind = sum(x > s for x, (_, s) in zip(shuf, pairs_rs)) / len(pairs_rs)
    print('  members released unparked: %d; release -> link p10 %.1f, p50 %.1f, p90 %.1f us; '
          'log-variance between hand-overs %.0f %%' % (len(r), q(r, .1), q(r, .5), q(r, .9), 100 * (1 - within / tot)))
    print('  back after the group after next formed: %.1f %% (returns shuffled, independent of the pace: %.1f %%)'
          % (100 * missed, 100 * missed_ind))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for fn in sys.argv[1:]:
        report(fn)
