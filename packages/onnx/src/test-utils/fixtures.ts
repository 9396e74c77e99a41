import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FixtureArray {
  shape: number[];
  dtype: string;
  data: number[];
}

export interface FixtureCase {
  inputs: Record<string, FixtureArray>;
  outputs: Record<string, FixtureArray>;
}

export interface Fixture {
  generator: string;
  description: string;
  config: Record<string, unknown>;
  cases: FixtureCase[];
}

export const fixturePath = (file: string) =>
  fileURLToPath(new URL(`../../fixtures/${file}`, import.meta.url));

/** fixtures/<name>.json (made by fixtures/make_fixtures.py). */
export function loadJson<T = Fixture>(file: string): T {
  return JSON.parse(readFileSync(fixturePath(file), 'utf8')) as T;
}

export function loadBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(file)));
}

/** max |a − b| over all elements (lengths must agree). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
