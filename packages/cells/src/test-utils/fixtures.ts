import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface Fixture {
  config: Record<string, unknown>;
  tensors: Record<string, FixtureTensor>;
}

/** Loads packages/cells/fixtures/<name>.json (made by the committed Python scripts). */
export function loadFixture(name: string): Fixture {
  const path = fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as Fixture;
}

/** max |a − b| / (1 + |b|) over all elements. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}
