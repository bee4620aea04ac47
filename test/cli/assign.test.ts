// `kpart assign`: the exact JSON contract, cooperative revocations, input errors (exit 2, one line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kpart-assign-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const group = {
  topics: { orders: 6 },
  members: [
    { id: 'c2', topics: ['orders'] },
    { id: 'c1', topics: ['orders'], owned: { orders: [0] }, generation: 3, rack: 'a' },
  ],
};

test('assign --json prints exactly { assignment } with ascending partitions', async () => {
  const r = await runCli(['assign', '--strategy', 'range', '--input', file('g.json', group), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    assignment: { c1: { orders: [0, 1, 2] }, c2: { orders: [3, 4, 5] } },
  });
  const rr = await runCli(['assign', '--strategy', 'roundrobin', '--input', file('g.json', group), '--json']);
  assert.deepEqual(JSON.parse(rr.stdout), {
    assignment: { c1: { orders: [0, 2, 4] }, c2: { orders: [1, 3, 5] } },
  });
});

test('assign cooperative-sticky lists revoked per member; the table output names the members', async () => {
  const g = {
    topics: { orders: 6 },
    members: [
      { id: 'c1', topics: ['orders'], owned: { orders: [0, 1, 2, 3, 4, 5] }, generation: 3 },
      { id: 'c2', topics: ['orders'] },
    ],
  };
  const r = await runCli([
    'assign',
    '--strategy',
    'cooperative-sticky',
    '--input',
    file('coop.json', g),
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    assignment: { c1: { orders: [0, 1, 2] }, c2: {} },
    revoked: { c1: { orders: [3, 4, 5] }, c2: {} },
  });
  const t = await runCli([
    'assign',
    '--strategy',
    'load-aware',
    '--input',
    file('w.json', { ...g, weights: { orders: [10, 1, 1, 1, 1, 6] } }),
  ]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /MEMBER\s+PARTITIONS\s+ASSIGNED\s+LOAD/);
  assert.match(t.stdout, /c1\s+\d+\s+orders:/);
});

test('assign: bad file, bad JSON, bad group and unknown strategy exit 2 with one line', async () => {
  const cases: [string[], RegExp][] = [
    [['--strategy', 'range', '--input', join(dir, 'missing.json')], /cannot read .*ENOENT/],
    [['--strategy', 'range', '--input', file('bad.json', '{"topics": ')], /not valid JSON/],
    [
      ['--strategy', 'range', '--input', file('nomembers.json', { topics: { t: 1 } })],
      /"members" must be an array/,
    ],
    [
      [
        '--strategy',
        'range',
        '--input',
        file('dup.json', {
          topics: { t: 1 },
          members: [
            { id: 'a', topics: ['t'] },
            { id: 'a', topics: ['t'] },
          ],
        }),
      ],
      /duplicate member id/,
    ],
    [
      ['--strategy', 'range', '--input', file('neg.json', { topics: { t: -1 }, members: [] })],
      /non-negative integer partition count/,
    ],
    [
      [
        '--strategy',
        'range',
        '--input',
        file('racks.json', {
          topics: { t: 2 },
          partitionRacks: { t: ['a', 'b'] },
          members: [{ id: 'a', topics: ['t'] }],
        }),
      ],
      /partitionRacks\["t"\] must be an array of arrays of rack names/,
    ],
    [['--strategy', 'nope', '--input', file('g2.json', group)], /--strategy must be one of/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(['assign', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('assign: "topics" given as an array (not topic → count) exits 2 with one line', async () => {
  const r = await runCli([
    'assign',
    '--strategy',
    'range',
    '--input',
    file('arr.json', { topics: [3], members: [{ id: 'c1', topics: ['0'] }] }),
    '--json',
  ]);
  assert.equal(r.code, 2, r.stdout);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /topics/);
});

test('assign: an absurd partition count exits 2 with one line instead of exhausting memory', async () => {
  const r = await runCli(
    [
      'assign',
      '--strategy',
      'range',
      '--input',
      file('huge.json', { topics: { orders: 99999999999 }, members: [{ id: 'c1', topics: ['orders'] }] }),
    ],
    { timeoutMs: 20000 },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^kpart: .*99999999999 partitions in all/);
});

test('assign: the README group.json example gives c1 every partition', async () => {
  const readmeGroup = {
    topics: { orders: 6 },
    members: [{ id: 'c1', topics: ['orders'], owned: { orders: [0] }, generation: 3, rack: 'a' }],
    weights: { orders: [120, 80, 75, 10, 5, 5] },
  };
  for (const strategy of ['sticky', 'range', 'roundrobin', 'load-aware']) {
    const r = await runCli([
      'assign',
      '--strategy',
      strategy,
      '--input',
      file('readme.json', readmeGroup),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { assignment: { c1: { orders: [0, 1, 2, 3, 4, 5] } } }, strategy);
  }
  const coop = await runCli([
    'assign',
    '--strategy',
    'cooperative-sticky',
    '--input',
    file('readme.json', readmeGroup),
    '--json',
  ]);
  assert.equal(coop.code, 0, coop.stderr);
  assert.deepEqual(JSON.parse(coop.stdout), {
    assignment: { c1: { orders: [0, 1, 2, 3, 4, 5] } },
    revoked: { c1: {} },
  });
});

test('assign warns on stderr about what the assignors ignore (Java semantics), and still assigns', async () => {
  const g = {
    topics: { orders: 6 },
    weights: { orders: [1, 2, 3], ghost: [1] },
    members: [
      { id: 'c1', topics: ['orders', 'nope'], owned: { orders: [0, 9], gone: [1] }, generation: 2 },
      { id: 'c2', topics: ['orders'], weights: { orders: [5] } },
    ],
  };
  const sticky = await runCli(['assign', '--strategy', 'sticky', '--input', file('w.json', g), '--json']);
  assert.equal(sticky.code, 0, sticky.stderr);
  // stdout keeps the exact JSON contract; the warnings go to stderr, one line each.
  const out = JSON.parse(sticky.stdout) as { assignment: Record<string, { orders: number[] }> };
  assert.ok(out.assignment['c1']!.orders.includes(0), 'the valid claim on orders-0 is kept');
  assert.deepEqual(sticky.stderr.trim().split('\n'), [
    'kpart: warning: member "c1" owns orders 9, beyond its 6 partitions; ignored',
    'kpart: warning: member "c1" owns partitions of "gone", which "topics" does not list; ignored',
    'kpart: warning: topic "nope" is subscribed but not in "topics": nothing of it is assigned',
  ]);
  // Weights matter to load-aware only; there the short and stray weight lists are named too.
  const la = await runCli(['assign', '--strategy', 'load-aware', '--input', file('w.json', g), '--json']);
  assert.equal(la.code, 0, la.stderr);
  const lines = la.stderr.trim().split('\n');
  assert.ok(
    lines.includes('kpart: warning: weights["orders"] has 3 values for 6 partitions; the others weigh 1'),
  );
  assert.ok(
    lines.includes('kpart: warning: weights for "ghost", a topic "topics" does not list, are ignored'),
  );
  assert.equal(lines.length, 5, la.stderr);
  // A clean group file prints no warnings at all.
  const clean = await runCli([
    'assign',
    '--strategy',
    'load-aware',
    '--input',
    file('g.json', group),
    '--json',
  ]);
  assert.equal(clean.stderr, '');
});
