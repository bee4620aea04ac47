// Helpers for the routing-strategy tests: a seeded PRNG (mulberry32) so "random" strategies are reproducible,
// and small fast-check arbitraries shared by several files.
import fc from 'fast-check';

export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const keyArb = fc.oneof(fc.string({ maxLength: 24 }), fc.uint8Array({ maxLength: 24 }));
export const countArb = fc.integer({ min: 1, max: 300 });

export function counts(n: number, picks: Iterable<number>): number[] {
  const c = new Array<number>(n).fill(0);
  for (const p of picks) c[p] = (c[p] ?? 0) + 1;
  return c;
}
