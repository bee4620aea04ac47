import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CircuitBreaker } from '../../src/partitioners/circuit-breaker.js';

test('closed -> open at the threshold, excluded for the recovery period, then half-open', () => {
  const b = new CircuitBreaker({ threshold: 100, recoveryMs: 1000 });
  b.record(2, 99, 0);
  assert.equal(b.stateOf(2, 0), 'closed');
  b.record(2, 100, 10);
  assert.equal(b.stateOf(2, 10), 'open');
  assert.deepEqual(b.excluded(4, 500), [2]);
  b.record(2, 0, 600); // readings while open do not close it early
  assert.equal(b.isExcluded(2, 1009), true);
  assert.equal(b.reopensAt(2, 1009), 1010);
  assert.equal(b.stateOf(2, 1010), 'half-open');
  assert.equal(b.isExcluded(2, 1010), false);
  assert.equal(b.trips, 1);
});

test('half-open: a low reading restores, a high one re-opens for another period, in between stays', () => {
  const b = new CircuitBreaker({ threshold: 100, recoveryMs: 1000, resetBelow: 50 });
  b.record(0, 500, 0);
  b.record(0, 70, 1500); // half-open, between resetBelow and threshold
  assert.equal(b.stateOf(0, 1500), 'half-open');
  b.record(0, 120, 1600);
  assert.equal(b.stateOf(0, 1600), 'open');
  assert.equal(b.stateOf(0, 2599), 'open');
  b.record(0, 10, 2600);
  assert.equal(b.stateOf(0, 2600), 'closed');
  assert.equal(b.trips, 2);
  assert.equal(b.restores, 1);
});

test('rejects bad options and partitions; ignores non-finite readings', () => {
  assert.throws(() => new CircuitBreaker({ threshold: NaN, recoveryMs: 1 }), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => new CircuitBreaker({ threshold: 1, recoveryMs: -1 }), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => new CircuitBreaker({ threshold: 1, recoveryMs: 1, resetBelow: 2 }), {
    code: 'E_STRATEGY_OPTION',
  });
  const b = new CircuitBreaker({ threshold: 1, recoveryMs: 1 });
  assert.throws(() => b.record(-1, 5, 0), { code: 'E_PARTITION' });
  b.record(3, NaN, 0);
  assert.equal(b.stateOf(3, 0), 'closed');
  assert.equal(b.stateOf(1000, 0), 'closed');
});

test('property: matches a reference state machine for random reading sequences', () => {
  const reading = fc.record({
    p: fc.integer({ min: 0, max: 40 }),
    load: fc.integer({ min: 0, max: 200 }),
    dt: fc.integer({ min: 0, max: 700 }),
  });
  fc.assert(
    fc.property(fc.array(reading, { maxLength: 80 }), fc.integer({ min: 0, max: 2000 }), (rs, recovery) => {
      const b = new CircuitBreaker({ threshold: 100, recoveryMs: recovery, resetBelow: 60 });
      const model = new Map<number, { s: 'closed' | 'open' | 'half-open'; until: number }>();
      let t = 0;
      for (const r of rs) {
        t += r.dt;
        b.record(r.p, r.load, t);
        const m = model.get(r.p) ?? { s: 'closed', until: 0 };
        if (m.s === 'open' && t >= m.until) m.s = 'half-open';
        if (m.s !== 'open' && r.load >= 100) {
          m.s = 'open';
          m.until = t + recovery;
        } else if (m.s === 'half-open' && r.load < 60) m.s = 'closed';
        model.set(r.p, m);
        for (const [p, s] of model) {
          const want = s.s === 'open' && t >= s.until ? 'half-open' : s.s;
          assert.equal(b.stateOf(p, t), want, `partition ${p} at ${t}`);
          // Exclusion always ends: by `until` at the latest.
          if (s.s === 'open') assert.equal(b.isExcluded(p, s.until), false);
        }
      }
    }),
    { numRuns: 200 },
  );
});
