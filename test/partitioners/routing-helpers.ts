// Helpers for the routing-strategy tests: small fast-check arbitraries shared by several files.
import fc from 'fast-check';

export const keyArb = fc.oneof(fc.string({ maxLength: 24 }), fc.uint8Array({ maxLength: 24 }));
export const countArb = fc.integer({ min: 1, max: 300 });

export function counts(n: number, picks: Iterable<number>): number[] {
  const c = new Array<number>(n).fill(0);
  for (const p of picks) c[p] = (c[p] ?? 0) + 1;
  return c;
}
