import type { Backend } from './backend.js';
import { BackendError } from './errors.js';

export type BackendFactory = () => Backend | Promise<Backend>;

interface Entry {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  pending?: Promise<Backend>;
}

/**
 * The package that provides a backend name, by rnnkit's naming rule: the part of the name before
 * the first '-' names the package `@rnnkit/backend-<part>` ('tfjs-wasm': @rnnkit/backend-tfjs,
 * 'onnx-cuda': @rnnkit/backend-onnx, 'js': @rnnkit/backend-js). Core keeps no list of backends:
 * a backend package registers its names when imported, and the rule lets an error name the
 * package to install for a name nobody registered.
 */
export function backendPackage(name: string): string {
  return `@rnnkit/backend-${name.split('-')[0]}`;
}

const registry = new Map<string, Entry>();
let current: Backend | undefined;

/**
 * Makes a backend available by name. Backend packages call this when imported, so importing
 * the package is enough. The highest priority wins when no backend was chosen explicitly.
 */
export function registerBackend(
  name: string,
  factory: BackendFactory,
  options: { priority?: number } = {},
): void {
  registry.set(name, { factory, priority: options.priority ?? 0 });
}

/**
 * Names of the registered backends in the order their packages registered them (for help texts:
 * an app imports the backend packages it offers, and lists what they registered).
 */
export function knownBackends(): string[] {
  return [...registry.keys()];
}

/** Names of the registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

function entryOf(name: string): Entry {
  const e = registry.get(name);
  if (e) return e;
  const pkg = backendPackage(name);
  throw new BackendError(
    `unknown backend '${name}': no imported package registered it; by rnnkit's naming rule, install ${pkg} and import it once (import '${pkg}'); ${registered()}`,
  );
}

function registered(): string {
  const known = listBackends();
  return known.length ? `registered backends: ${known.join(', ')}` : 'no backend is registered';
}

/** Starts (once) and selects a backend by name; works for backends that initialise asynchronously. */
export async function setBackend(name: string): Promise<Backend> {
  const e = entryOf(name);
  if (!e.instance) {
    e.pending ??= Promise.resolve()
      .then(() => e.factory())
      .then((b) => {
        e.instance = b;
        return b;
      });
    try {
      await e.pending;
    } catch (err) {
      e.pending = undefined;
      throw new BackendError(`backend '${name}' failed to start: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  current = e.instance;
  return current!;
}

/**
 * `setBackend` for apps that take a backend name from the user: when `name` is not registered
 * yet, imports the package that provides it by rnnkit's naming rule (see backendPackage) through
 * `importer` (pass `(p) => import(p)` so the package resolves from the app's own dependencies),
 * then selects it. A missing package gives an error naming the package to install.
 */
export async function loadBackend(
  name: string,
  importer: (pkg: string) => Promise<unknown>,
): Promise<Backend> {
  if (!registry.has(name)) {
    const pkg = backendPackage(name);
    try {
      await importer(pkg);
    } catch (e) {
      if (isNotInstalled(e, pkg)) {
        throw new BackendError(
          `unknown backend '${name}': no imported package registered it, and by rnnkit's naming rule backend '${name}' needs the package ${pkg}: install it next to this app (npm install ${pkg}); ${registered()}`,
          { cause: e },
        );
      }
      throw e;
    }
    if (!registry.has(name)) {
      throw new BackendError(
        `unknown backend '${name}': ${pkg} is installed but registers no backend of this name; ${registered()}`,
      );
    }
  }
  return setBackend(name);
}

/**
 * For apps that offer optional backend packages (optional peers): imports each of `packages` that
 * is installed, which registers its backends, and returns the ones that are not installed, so the
 * app can list what it has (knownBackends) and say what to install for the rest. Any other failure
 * of an installed package propagates.
 */
export async function importBackendPackages(
  packages: readonly string[],
  importer: (pkg: string) => Promise<unknown>,
): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of packages) {
    try {
      await importer(pkg);
    } catch (e) {
      if (!isNotInstalled(e, pkg)) throw e;
      missing.push(pkg);
    }
  }
  return missing;
}

/**
 * The backends line of an app's --help: imports the installed ones of `packages` (as
 * importBackendPackages does), then lists every registered backend name and, when some of
 * `packages` are not installed, the npm install that adds them: "js, tfjs-cpu; more with npm
 * install @rnnkit/backend-onnx". `importer` is the app's own `(pkg) => import(pkg)`, so the
 * packages resolve from the app, where they are installed.
 */
export async function describeBackendChoices(
  packages: readonly string[],
  importer: (pkg: string) => Promise<unknown>,
): Promise<string> {
  const missing = await importBackendPackages(packages, importer);
  const more = missing.length ? `; more with npm install ${missing.join(' ')}` : '';
  return knownBackends().join(', ') + more;
}

/** Whether an import failed because `pkg` itself is not installed (not one of its own imports). */
export function isNotInstalled(e: unknown, pkg: string): boolean {
  const { code, message } = e as { code?: string; message?: string };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (message ?? '').includes(`'${pkg}'`)
  );
}

/** Synchronous `setBackend` for backends whose factory is synchronous (or already started). */
export function useBackend(name: string): Backend {
  const e = entryOf(name);
  if (!e.instance) {
    const made = e.factory();
    if (made instanceof Promise) {
      throw new BackendError(
        `backend '${name}' initialises asynchronously; use 'await setBackend("${name}")' instead of useBackend`,
      );
    }
    e.instance = made;
  }
  current = e.instance;
  return current;
}

/**
 * The current backend. When none was chosen, the highest-priority registered backend that
 * starts synchronously is selected.
 */
export function getBackend(): Backend {
  if (current) return current;
  for (const name of listBackends()) {
    const e = registry.get(name)!;
    if (!e.instance) {
      const made = e.factory();
      if (made instanceof Promise) {
        e.pending = made.then((b) => {
          e.instance = b;
          return b;
        });
        e.pending.catch(() => {
          e.pending = undefined;
        });
        continue;
      }
      e.instance = made;
    }
    current = e.instance;
    return current;
  }
  throw new BackendError(
    "no backend is selected: install @rnnkit/backend-js and import it once (import '@rnnkit/backend-js'), or await setBackend(name)",
  );
}

/**
 * The backend of this name, started but not selected: for moving a model or tensor there
 * (`module.to(name)`). A backend that starts asynchronously must have been started already
 * (`await setBackend(name)`): this lookup is synchronous, as `tensor.moveToSync` needs.
 */
export function backendNamed(name: string): Backend {
  const e = entryOf(name);
  if (e.instance) return e.instance;
  if (!e.pending) {
    const made = e.factory();
    if (!(made instanceof Promise)) {
      e.instance = made;
      return made;
    }
    e.pending = made.then((b) => {
      e.instance = b;
      return b;
    });
    e.pending.catch(() => {
      e.pending = undefined;
    });
  }
  throw new BackendError(
    `backend '${name}' starts asynchronously and is not started yet: await setBackend('${name}') first, or pass the Backend itself: .to(await setBackend('${name}'))`,
  );
}

/** The backend chosen so far, if any (starts nothing). */
export function selectedBackend(): Backend | undefined {
  return current;
}

/** Forgets the current choice and all instances (for tests). */
export function resetBackends(): void {
  current = undefined;
  for (const e of registry.values()) {
    e.instance = undefined;
    e.pending = undefined;
  }
}
