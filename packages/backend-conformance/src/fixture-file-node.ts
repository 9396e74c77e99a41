import { readFile } from 'node:fs/promises';

/**
 * Reads one @rnnkit/cells fixture (`<name>.json`) from `dist/fixtures`, where the build copies
 * them (this module is loaded from dist/ through the package's `#fixture-file` import, whose
 * `browser` condition loads fixture-file-browser.ts instead).
 */
export async function readFixtureFile(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}
