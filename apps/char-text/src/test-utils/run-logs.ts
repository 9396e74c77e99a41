import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** step,epoch,loss of each logged training step (the wall-clock column differs between runs). */
export function losses(out: string): string[] {
  return readFileSync(join(out, 'train-log.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [step, epoch, , loss] = l.split(',');
      return `${step},${epoch},${loss}`;
    });
}
