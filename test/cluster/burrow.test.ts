// Burrow's evaluator rules, on windows shaped like linkedin/Burrow's caching_test.go cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateBurrow, worstStatus, type OffsetObservation } from '../../src/cluster/burrow.js';
import { LagStatus } from '../../src/cluster/types.js';

/** offsets/lags as parallel arrays, one entry per 10 s. */
function win(offsets: number[], lags: number[]): OffsetObservation[] {
  return offsets.map((offset, i) => ({ at: 1_000_000 + i * 10_000, offset, lag: lags[i]! }));
}

test('rule 1: a zero lag anywhere in the window is OK, even if everything else looks bad', () => {
  const w = win([10, 10, 10, 10], [0, 5, 10, 20]);
  assert.equal(evaluateBurrow(w, 20).status, LagStatus.OK);
  // No current lag: OK regardless of the window.
  assert.equal(evaluateBurrow(win([10, 10, 10], [5, 5, 5]), 0).status, LagStatus.OK);
});

test('rule 2: committed offset going backwards is REWIND (checked before STALL/WARN)', () => {
  const r = evaluateBurrow(win([100, 200, 150, 300], [10, 10, 60, 20]), 20);
  assert.equal(r.status, LagStatus.REWIND);
});

test('rule 3: with the group known to have no members, lag > 0 is STOP; unknown membership never is', () => {
  const w = win([100, 100, 100], [10, 20, 30]);
  assert.equal(evaluateBurrow(w, 30, { groupActive: false }).status, LagStatus.STOP);
  assert.equal(evaluateBurrow(w, 30).status, LagStatus.STALL);
  assert.equal(evaluateBurrow(w, 30, { groupActive: true }).status, LagStatus.STALL);
});

test('rule 4: committed offset never moving while lag > 0 is STALL', () => {
  assert.equal(evaluateBurrow(win([500, 500, 500, 500, 500], [5, 5, 5, 5, 5]), 5).status, LagStatus.STALL);
  assert.equal(evaluateBurrow(win([500, 500, 500], [5, 50, 500]), 500).status, LagStatus.STALL);
});

test('rule 5: offsets moving but lag never decreasing is WARN; one decrease makes it OK', () => {
  assert.equal(evaluateBurrow(win([100, 200, 300, 400], [10, 10, 20, 30]), 30).status, LagStatus.WARN);
  assert.equal(evaluateBurrow(win([100, 200, 300, 400], [10, 30, 20, 30]), 30).status, LagStatus.OK);
});

test('too few entries to judge stay OK and report completeness like Burrow', () => {
  const r = evaluateBurrow(win([100], [50]), 50);
  assert.equal(r.status, LagStatus.OK);
  assert.equal(r.complete, 0.1);
  assert.equal(evaluateBurrow(win([100, 100], [50, 60]), 60, { windowSize: 2 }).complete, 1);
  assert.equal(evaluateBurrow([], 10).status, LagStatus.OK);
});

test('worstStatus rolls partitions up in Burrow check order', () => {
  assert.equal(worstStatus([]), LagStatus.OK);
  assert.equal(worstStatus([LagStatus.OK, LagStatus.WARN, LagStatus.OK]), LagStatus.WARN);
  assert.equal(worstStatus([LagStatus.STALL, LagStatus.WARN]), LagStatus.STALL);
  assert.equal(worstStatus([LagStatus.STALL, LagStatus.REWIND, LagStatus.STOP]), LagStatus.REWIND);
});
