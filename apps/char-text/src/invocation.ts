import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { APP } from './config.js';

/** The monorepo's root package, whose `char-text` script builds and runs this CLI. */
const ROOT_PACKAGE = 'rnnkit-monorepo';
const ROOT_SCRIPT = 'char-text';
const THIS_PACKAGE = '@rnnkit/char-text';

export interface Invocation {
  /** The command that runs this CLI from where the user is: `pnpm char-text`, the binary, or `node …/cli.js`. */
  command: string;
  /** The user's folder: relative paths in arguments are theirs, not the script runner's. */
  cwd: string;
}

/** The folder holding the package.json that a package manager finds from `dir` upward. */
function nearestPackageJson(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return join(d, 'package.json');
    if (dirname(d) === d) return undefined;
  }
}

/**
 * How this process was started. Under the root script (`pnpm char-text …`, or this package's own
 * `start`) pnpm runs the CLI in the package's folder and keeps the user's folder in INIT_CWD; the
 * printed command is `pnpm char-text` when pnpm finds the root's package.json from there, else
 * `pnpm -w char-text` (a nested package.json would take the script name). An installed binary
 * (its path under node_modules, or a name without .js) is printed by its name; a checkout's
 * `dist/cli.js` run by node is printed as that.
 */
export function invocation(
  env: NodeJS.ProcessEnv = process.env,
  script: string | undefined = process.argv[1],
  cwd = process.cwd(),
): Invocation {
  const event = env.npm_lifecycle_event;
  const viaScript =
    (env.npm_package_name === ROOT_PACKAGE && event === ROOT_SCRIPT) ||
    (env.npm_package_name === THIS_PACKAGE && event === 'start');
  if (viaScript && env.INIT_CWD) {
    const root = env.npm_package_name === ROOT_PACKAGE ? env.npm_package_json : undefined;
    const here = root !== undefined && nearestPackageJson(env.INIT_CWD) === root;
    return { command: `pnpm ${here ? '' : '-w '}${ROOT_SCRIPT}`, cwd: env.INIT_CWD };
  }
  if (!script || script.split(/[\\/]/).includes('node_modules') || !/\.[cm]?js$/.test(script))
    return { command: APP, cwd };
  return { command: `node ${shownPath(script, cwd)}`, cwd };
}

/** A path as the user should type it: relative to `cwd` when inside it, else absolute. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return quoted(path);
  return quoted(rel);
}

const quoted = (p: string) => (/[\s'"]/.test(p) ? JSON.stringify(p) : p);

let cached: Invocation | undefined;
/** This process's invocation, computed once on the main thread. */
export function launched(): Invocation {
  cached ??= invocation();
  return cached;
}

/** Hands a worker thread the main thread's invocation (a worker's argv[1] is its own script). */
export function useInvocation(i: Invocation): void {
  cached = i;
}
