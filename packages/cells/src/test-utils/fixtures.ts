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
