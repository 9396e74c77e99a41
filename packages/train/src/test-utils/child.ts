import { type ChildProcess, spawn } from 'node:child_process';

/** The built @rnnkit/train, for scripts run in a child process (the package is built before its tests). */
export const trainDist = new URL('../../dist/index.js', import.meta.url).href;

/**
 * Starts `node --input-type=module -e script` and resolves once its stdout prints `ready`, so a
 * test can act while the child is inside the state it announced.
 */
export function startChild(script: string, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes(ready)) resolve(child);
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) =>
      reject(new Error(`child exited (${code}) before '${ready}': ${out}\n${err}`)),
    );
  });
}

/** Kills a child with SIGKILL (no cleanup of any kind runs) and waits until it is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
