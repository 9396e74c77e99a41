import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../corpus-file.js';
import type { SweepPoint } from './grid.js';
import { type PointResult, parseResult } from './result.js';

/** How a point is measured: the same for every runner, so their figures compare. */
export interface PointSettings {
  /** Seconds of timed steps to aim for. */
  budget: number;
  warmup: number;
  minSteps: number;
  /** The Trainer's stepsPerCall for the rnnkit backends (PyTorch has none); undefined: the Trainer sizes the calls. */
  stepsPerCall?: number;
  /** Intra-op threads for ONNX Runtime and PyTorch. */
  threads: number;
  /** The child is killed after this many seconds. */
  timeout: number;
  python: string;
}

export type PointOutcome = { result: PointResult } | { error: string; timedOut?: true };

const HERE = dirname(fileURLToPath(import.meta.url));

export function peersScript(): string {
  return join(repoRoot(), 'tooling', 'bench', 'pytorch', 'peers.py');
}

/** Whether `python` can import torch (and numpy, which the peers use for data), and why not. */
export function pytorchMissing(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${python} could not be started (${r.error.message})`;
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop();
    return `${python} cannot import torch and numpy (${last}); install them (pip install torch numpy)`;
  }
  return undefined;
}

function pointArgs(p: SweepPoint, s: PointSettings): string[] {
  return [
    '--hidden',
    String(p.hidden),
    '--seq',
    String(p.seq),
    '--batch',
    String(p.batch),
    '--budget',
    String(s.budget),
    '--warmup',
    String(s.warmup),
    '--min-steps',
    String(s.minSteps),
  ];
}

/** Measures one point on `runner` (an rnnkit backend, or 'pytorch') in a process of its own. */
export function spawnPoint(runner: string, p: SweepPoint, s: PointSettings): Promise<PointOutcome> {
  if (runner === 'pytorch') {
    return runChild(
      s.python,
      [peersScript(), '--threads', String(s.threads), 'sweep-point', ...pointArgs(p, s)],
      process.env,
      s.timeout,
    );
  }
  return runChild(
    process.execPath,
    [
      join(HERE, 'point-child.js'),
      '--backend',
      runner,
      ...(s.stepsPerCall === undefined ? [] : ['--steps-per-call', String(s.stepsPerCall)]),
      ...pointArgs(p, s),
    ],
    { ...process.env, RNNKIT_ONNX_THREADS: process.env.RNNKIT_ONNX_THREADS ?? String(s.threads) },
    s.timeout,
  );
}

/**
 * Runs a child process to its end and reads its result line; the child is killed after
 * `timeoutSeconds`. Every failure (no start, a non-zero exit, a kill, no result) becomes an error
 * text naming it, so that one point's failure does not end the sweep.
 */
export function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutSeconds: number,
): Promise<PointOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ error: `${command} could not be started: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({
          error: `stopped after the ${timeoutSeconds} s time limit (--point-timeout-s)`,
          timedOut: true,
        });
        return;
      }
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}`);
        resolve({ result: parseResult(out) });
      } catch (e) {
        const tail = err.trim().split('\n').slice(-3).join(' / ');
        resolve({ error: `${(e as Error).message}${tail ? `: ${tail}` : ''}` });
      }
    });
  });
}
