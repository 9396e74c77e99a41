import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '@rnnkit/train';
import { acquireRunLock, type RunLock } from '@rnnkit/train';
import { launched, shownPath } from './invocation.js';
import type { StopRule, TrainJob } from './train.js';

/** Every file `train` and `resume` write into a run folder (besides the lock). */
export const RUN_FILES = [
  'last.safetensors',
  'best.safetensors',
  'train-log.csv',
  'validation-log.csv',
  'validation-curve.png',
];

/**
 * Locks the run folder of a train or resume job (creating the folder for `train`), so that no
 * other process trains into it meanwhile; temporary files left by killed saves go at the same
 * time. A resume of something that is not a folder is not locked (loading it reports the problem).
 */
export function lockRunFolder(job: TrainJob, notice: (line: string) => void): RunLock | undefined {
  const dir = job.mode === 'train' ? job.out : job.dir;
  if (job.mode === 'resume' && !(existsSync(dir) && statSync(dir).isDirectory())) return undefined;
  return acquireRunLock(dir, { onNotice: notice });
}

/**
 * `train --force`: removes every file an earlier run wrote into `dir` (and the temporaries of its
 * saves) before the new run writes anything, so that `sample`, `eval` and `resume` never see the
 * old model or logs. Other files in the folder are kept. Returns the names removed.
 */
export function clearRunFolder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const temporaryOf = /^\.(.+)\.tmp-\d+$/.exec(name)?.[1];
    if (RUN_FILES.includes(name) || (temporaryOf && RUN_FILES.includes(temporaryOf))) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/**
 * Why a resumed run has nothing to train: it is already at (or past) its step or epoch limit.
 * Training on would run a step past the limit and rewrite the checkpoint and logs; the caller
 * stops instead and leaves the folder as it is.
 */
export function limitReached(
  dir: string,
  at: Progress,
  stop: StopRule,
): { reason: 'maxSteps' | 'epochs'; message: string } | undefined {
  if (stop.steps !== undefined && at.step >= stop.steps)
    return {
      reason: 'maxSteps',
      message: `${dir} is already at step ${at.step} (the limit is step ${stop.steps}); nothing changed. To train further: ${launched().command} resume ${shownPath(dir)} --steps <a step above ${at.step}>`,
    };
  if (stop.epochs !== undefined && at.epoch >= stop.epochs)
    return {
      reason: 'epochs',
      message: `${dir} is already at step ${at.step}, with ${at.epoch} epoch${at.epoch === 1 ? '' : 's'} done (the limit is ${stop.epochs}); nothing changed. To train further: ${launched().command} resume ${shownPath(dir)} --epochs <more than ${at.epoch}>`,
    };
  return undefined;
}
