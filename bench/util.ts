/** Small timing helpers for bench modules: warm up, then measure ops/s over a fixed wall-clock budget. */

export interface Measurement {
  name: string;
  opsPerSec: number;
}

/** Calls fn(i) in batches until `ms` elapsed (after a warm-up of the same length / 4); returns ops/s. */
export function measure(name: string, fn: (i: number) => unknown, ms = 1000, batch = 10_000): Measurement {
  let sink = 0;
  const runFor = (budget: number): number => {
    const start = performance.now();
    let ops = 0;
    while (performance.now() - start < budget) {
      for (let i = 0; i < batch; i++) sink ^= Number(fn(ops + i)) | 0;
      ops += batch;
    }
    return ops / ((performance.now() - start) / 1000);
  };
  runFor(ms / 4);
  const opsPerSec = runFor(ms);
  if (sink === 0.5) console.log(''); // keeps `sink` observable so the loop is not optimised away
  return { name, opsPerSec };
}

export function fmtRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k/s`;
  return `${opsPerSec.toFixed(1)} /s`;
}
