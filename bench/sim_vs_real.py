#!/usr/bin/env python3
"""sim_vs_real.py WTBENCH WTLAB [options] -- lesson 19's experiment in one
command (issue 20): real sync runs of `wtbench --threads T --sync`, a
profile calibrated from each (`wtlab calibrate --cores C`, twice: the
second pass takes schedule.tick_ns from a first sim run), lesson 19's
scenario with that profile and T writers, run at each seed, and
`wtlab compare` of every real run against its sims.  Prints, per run and
for all runs together, the mean group size of both sides and the share of
groups by size (16 threads: 1 / 2-6 / 7-10 / 11-13 / 14-16; fewer threads:
each size), and draws one compare chart per thread count.

Options:
  --threads "16 4"   thread counts (default "16 4")
  --runs N           real runs per thread count (default 3)
  --writes N         writes per real run, in all (default 16000: `--num N / T`
                     per thread; at least one per thread); each sim writer
                     repeats N / T / 2 times, at least 300 (so a sim has half
                     the real run's writes, or 300 per writer)
  --seeds "1 2"      sim seeds per profile (default "1 2")
  --cores N          the recording machine's cores (default: this one's)
  --out DIR          where traces, profiles, scenarios and charts go
                     (default sim-vs-real; created; files in it are replaced)

Exit: 0 done, 1 a tool failed, 2 usage.  The real runs take about a
second each and write their database under DIR; the sims are
deterministic (same profile and seed, same trace).  Load on the machine
changes the real runs: lesson 19 shows both regimes.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LESSON = os.path.join(HERE, '..', 'scenarios', 'lessons', '19-sim-vs-reality.json')


def usage(msg):
    sys.stderr.write('sim_vs_real.py: %s\n' % msg)
    sys.stderr.write('usage: sim_vs_real.py WTBENCH WTLAB [--threads "16 4"] [--runs N] '
                     '[--writes N] [--seeds "1 2"] [--cores N] [--out DIR]\n')
    sys.exit(2)


def parse(argv):
    opt = {'threads': [16, 4], 'runs': 3, 'writes': 16000, 'seeds': [1, 2],
           'cores': os.cpu_count() or 1, 'out': 'sim-vs-real'}
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help'):
            print(__doc__.strip())
            sys.exit(0)
        if a.startswith('--'):
            key = a[2:]
            if key not in opt:
                usage('unknown option %s' % a)
            if i + 1 >= len(argv):
                usage('%s needs a value' % a)
            v = argv[i + 1]
            i += 2
            try:
                if key in ('threads', 'seeds'):
                    opt[key] = [int(x) for x in v.split()]
                    if not opt[key] or min(opt[key]) < (1 if key == 'threads' else 0):
                        raise ValueError
                elif key == 'out':
                    if not v:
                        raise ValueError
                    opt[key] = v
                else:
                    opt[key] = int(v)
                    if opt[key] < 1:
                        raise ValueError
            except ValueError:
                usage('bad value for %s: %r' % (a, v))
            continue
        pos.append(a)
        i += 1
    if len(pos) != 2:
        usage('WTBENCH and WTLAB are required')
    for p in pos:
        if not os.path.isfile(p) or not os.access(p, os.X_OK):
            usage('%s: not an executable' % p)
    # wtbench --num is per thread and must be at least 1.
    if opt['writes'] < max(opt['threads']):
        usage('--writes %d is fewer than --threads %d: no write per thread'
              % (opt['writes'], max(opt['threads'])))
    return [os.path.abspath(p) for p in pos], opt


def run(cmd, out=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if out is not None:
        with open(out, 'w') as f:
            f.write(r.stdout)
    if r.returncode != 0:
        sys.stderr.write('sim_vs_real.py: %s exited %d:\n%s' % (' '.join(cmd), r.returncode,
                                                                r.stdout[-2000:]))
        sys.exit(1)
    return r.stdout


def scenario(threads, repeat, profile, cores):
    """Lesson 19's scenario with its expectations left out, `threads`
    writers like its first one, each `repeat` batches, `profile`, and
    `cores` cores (the lesson's scenario sets 2, which would override the
    profile's)."""
    with open(LESSON) as f:
        sc = json.load(f)
    sc.pop('expect', None)
    sc['name'] = '19-sim-vs-reality-%dt' % threads
    sc['device']['profile'] = profile
    sc['device'].setdefault('cpu', {})['cores'] = cores
    proto = sc['writers'][0]
    sc['writers'] = [dict(proto, name='w%d' % (k + 1), repeat=repeat) for k in range(threads)]
    return sc


def shares(text):
    """(mean A, mean B, diff, {size: share A}, {size: share B}) from compare's output."""
    a, b, mean = {}, {}, None
    for line in text.splitlines():
        m = re.match(r'\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s', line)
        if m:
            a[int(m[1])], b[int(m[1])] = float(m[2]), float(m[3])
        m = re.match(r'\s+mean group size\s+([\d.]+)\s+([\d.]+)\s+(\S+)', line)
        if m:
            mean = m.groups()
    if mean is None or not a:
        sys.stderr.write('sim_vs_real.py: no group sizes in compare output\n')
        sys.exit(1)
    return mean, a, b


def bins_of(threads):
    if threads == 16:
        return [(1, 1), (2, 6), (7, 10), (11, 13), (14, 16)]
    return [(k, k) for k in range(1, threads + 1)]


def fmt(d, bins):
    return ' / '.join('%d' % round(100 * sum(d.get(k, 0.0) for k in range(lo, hi + 1)))
                      for lo, hi in bins)


def main():
    (wtbench, wtlab), opt = parse(sys.argv[1:])
    out = opt['out']
    os.makedirs(out, exist_ok=True)
    os.chdir(out)
    for t in opt['threads']:
        bins = bins_of(t)
        head = ' / '.join(str(lo) if lo == hi else '%d-%d' % (lo, hi) for lo, hi in bins)
        print('# %d threads: share of groups (%%) at %s, (mean group size)' % (t, head))
        reals, sims = [], []
        for i in range(1, opt['runs'] + 1):
            tag = 'real%d-%d' % (t, i)
            db = 'db-%s' % tag
            run(['rm', '-rf', db])
            line = run([wtbench, '--threads', str(t), '--sync', '--num', str(opt['writes'] // t),
                        '--trace', tag + '.jsonl', '--db', db]).strip().splitlines()[-1]
            run(['rm', '-rf', db])
            load = os.getloadavg()[0]
            repeat = max(300, opt['writes'] // t // 2)
            prof = 'p-%s.json' % tag
            with open('sc-%s.json' % tag, 'w') as f:
                json.dump(scenario(t, repeat, prof, opt['cores']), f, indent=1)
            run([wtlab, 'calibrate', tag + '.jsonl', '--cores', str(opt['cores']), '-o', prof])
            run([wtlab, 'run', 'sc-%s.json' % tag, '-q', '-o', 'pass1-%s.jsonl' % tag])
            run([wtlab, 'calibrate', tag + '.jsonl', '--cores', str(opt['cores']), '-o', prof,
                 '--steps-from', 'pass1-%s.jsonl' % tag], out='cal-%s.txt' % tag)
            os.remove('pass1-%s.jsonl' % tag)
            mine = []
            for s in opt['seeds']:
                st = 'sim-%s-%d.jsonl' % (tag, s)
                run([wtlab, 'run', 'sc-%s.json' % tag, '-q', '--seed', str(s), '-o', st])
                mine.append(st)
            text = run([wtlab, 'compare', tag + '.jsonl', 'vs'] + mine, out='cmp-%s.txt' % tag)
            mean, a, b = shares(text)
            ops = re.search(r'ops_per_sec=(\d+)', line)
            print('run %d (load %.1f, %s writes/s): real %s (%s) | sim %s (%s) %s' %
                  (i, load, ops[1] if ops else '?', fmt(a, bins), mean[0], fmt(b, bins), mean[1],
                   mean[2]))
            reals.append(tag + '.jsonl')
            sims += mine
        chart = 'sim-vs-real-%d.png' % t
        text = run([wtlab, 'compare'] + reals + ['vs'] + sims + ['-o', chart],
                   out='cmp-all-%d.txt' % t)
        mean, a, b = shares(text)
        print('all:  real %s (%s) | sim %s (%s) %s   chart: %s' %
              (fmt(a, bins), mean[0], fmt(b, bins), mean[1], mean[2], os.path.join(out, chart)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
