import type { Backend } from './backend.js';
import { BackendError } from './errors.js';
import { backendPackage, isNotInstalled, loadBackend } from './registry.js';

/** A backend an app chose for the user, and why: the line it prints first says so. */
export interface BackendChoice {
  name: string;
  backend: Backend;
  /** Whether the user asked for 'auto' (else they named this backend). */
  auto: boolean;
  /** With 'auto': the preferred backends passed over, each with why it did not start. */
  skipped: { name: string; why: string }[];
  /** The order 'auto' tried. */
  preferred: readonly string[];
}

/**
 * An app's `--backend <name>`: 'auto' starts the first of `preferred` that loads here (its package
 * installed, its runtime started), passing over the others with the reason; any other name is
 * loaded as loadBackend does, its errors included. `preferred` is the app's own order, fastest
 * first, and should end with a backend the app depends on, which always loads; `importer` is the
 * app's `(pkg) => import(pkg)`, so packages resolve from the app.
 */
export async function chooseBackend(
  name: string,
  preferred: readonly string[],
  importer: (pkg: string) => Promise<unknown>,
): Promise<BackendChoice> {
  if (name !== 'auto') {
    const backend = await loadBackend(name, importer);
    return { name, backend, auto: false, skipped: [], preferred };
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const candidate of preferred) {
    try {
      const backend = await loadBackend(candidate, importer);
      return { name: candidate, backend, auto: true, skipped, preferred };
    } catch (e) {
      skipped.push({ name: candidate, why: unavailable(candidate, e) });
    }
  }
  throw new BackendError(
    `--backend auto: none of ${preferred.join(', ')} starts here (${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')})`,
  );
}

/** Why a backend did not load, in one line: its package missing, or its own start error. */
function unavailable(name: string, e: unknown): string {
  const pkg = backendPackage(name);
  const cause = (e as { cause?: unknown }).cause;
  if (isNotInstalled(cause, pkg) || isNotInstalled(e, pkg)) return `${pkg} is not installed`;
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(`backend '${name}' failed to start: `, '').split('\n')[0];
}

/**
 * The line an app prints first: the backend chosen and why, and how to choose another.
 * "backend: onnx (auto: the first of onnx, tfjs-wasm, js that starts here; --backend js to choose
 * another)"; "backend: js (auto: onnx unavailable: @rnnkit/backend-onnx is not installed; …)";
 * "backend: tfjs-cpu (--backend tfjs-cpu)".
 */
export function describeBackendChoice(c: BackendChoice): string {
  if (!c.auto) return `backend: ${c.name} (--backend ${c.name})`;
  const passed = c.skipped.map((s) => `${s.name} unavailable: ${s.why}; `).join('');
  const other = c.name === c.preferred.at(-1) ? '<name>' : c.preferred.at(-1);
  return `backend: ${c.name} (auto: ${passed}the first of ${c.preferred.join(', ')} that starts here; --backend ${other} to choose another)`;
}
