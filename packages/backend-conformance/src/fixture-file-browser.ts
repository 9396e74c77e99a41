/**
 * Reads one @rnnkit/cells fixture (`<name>.json`) in a browser: fetched from `dist/fixtures`
 * beside this module, which the page's server (Vite's, under Vitest's browser mode) or a
 * bundler that handles `new URL(..., import.meta.url)` provides. The Node twin is
 * fixture-file-node.ts; the package's `#fixture-file` import picks one by condition.
 */
export async function readFixtureFile(name: string): Promise<unknown> {
  const url = new URL(`./fixtures/${name}.json`, import.meta.url);
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(
      `conformance: fixture ${name}.json not found at ${url.href} (HTTP ${res.status}); build @rnnkit/backend-conformance first (its build copies the fixtures into dist/fixtures)`,
    );
  }
  return res.json();
}
