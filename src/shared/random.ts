// A small seeded generator (mulberry32) for what must be reproducible from a recorded seed: a scan's
// Monte Carlo p-value (surveillance), the fuzz suite's generated requests. Not for secrets.

/** Uniform numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
