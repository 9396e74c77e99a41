import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One training step: `step,epoch,seconds,loss` in `train-log.csv`. */
export interface TrainRow {
  step: number;
  epoch: number;
  seconds: number;
  loss: number;
}

/**
 * One validation: `step,epoch,seconds,loss,bits,chars,kind` in `validation-log.csv`; `kind` is
 * `subset` (in training, on the first `--val-chars` characters of the split), `full` (in
 * training, the whole split) or `final` (the whole split, scored when a session ends).
 */
export interface ValidationRow {
  step: number;
  epoch: number;
  seconds: number;
  loss: number;
  bits: number;
  chars: number;
  kind: 'subset' | 'full' | 'final';
}

const TRAIN_HEADER = 'step,epoch,seconds,loss';
const VALID_HEADER = 'step,epoch,seconds,loss,bits,chars,kind';

function readCsv(path: string): string[][] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => l.split(','));
}

/**
 * The CSV logs of a run folder. Losses are written in full precision (`String(x)`), so two runs
 * can be compared exactly. On resume, rows past the checkpoint's step are dropped first (they came
 * from steps that will run again).
 */
export class RunLog {
  readonly trainPath: string;
  readonly validPath: string;

  constructor(dir: string, resumeStep?: number) {
    this.trainPath = join(dir, 'train-log.csv');
    this.validPath = join(dir, 'validation-log.csv');
    if (resumeStep === undefined) {
      writeFileSync(this.trainPath, `${TRAIN_HEADER}\n`);
      writeFileSync(this.validPath, `${VALID_HEADER}\n`);
    } else {
      const keep = (path: string, header: string) => {
        const rows = readCsv(path).filter((r) => Number(r[0]) <= resumeStep);
        writeFileSync(path, `${[header, ...rows.map((r) => r.join(','))].join('\n')}\n`);
      };
      keep(this.trainPath, TRAIN_HEADER);
      keep(this.validPath, VALID_HEADER);
    }
  }

  train(r: TrainRow): void {
    appendFileSync(this.trainPath, `${r.step},${r.epoch},${r.seconds.toFixed(3)},${r.loss}\n`);
  }

  validation(r: ValidationRow): void {
    appendFileSync(
      this.validPath,
      `${r.step},${r.epoch},${r.seconds.toFixed(3)},${r.loss},${r.bits},${r.chars},${r.kind}\n`,
    );
  }
}

export function readTrainLog(dir: string): TrainRow[] {
  return readCsv(join(dir, 'train-log.csv')).map(([step, epoch, seconds, loss]) => ({
    step: Number(step),
    epoch: Number(epoch),
    seconds: Number(seconds),
    loss: Number(loss),
  }));
}

export function readValidationLog(dir: string): ValidationRow[] {
  return readCsv(join(dir, 'validation-log.csv')).map(
    ([step, epoch, seconds, loss, bits, chars, kind]) => ({
      step: Number(step),
      epoch: Number(epoch),
      seconds: Number(seconds),
      loss: Number(loss),
      bits: Number(bits),
      chars: Number(chars),
      kind: kind as ValidationRow['kind'],
    }),
  );
}
