import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barReporter, taskBar } from './progress.js';

/** A terminal of `columns` columns that keeps what is drawn on it. */
function terminal(columns: number) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY: true, columns },
  );
  return { stream, text: () => text };
}

/**
 * The lines as the terminal shows them. cli-progress turns line wrapping off (ESC[?7l), so a
 * terminal cuts whatever passes the right edge; escape sequences take no room.
 */
const ESC = String.fromCharCode(27);
/** Moves to a line's start: carriage return, newline, or CSI n G (cursor to column). */
const LINE_START = new RegExp(`\r|\n|${ESC}\\[\\d*G`);
/** Other control sequences: CSI … letter, and ESC 7 / ESC 8 (save and restore the cursor). */
const CONTROL = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}[78]`, 'g');

function visible(raw: string, columns: number): string[] {
  return raw
    .split(LINE_START)
    .map((l) => l.replace(CONTROL, ''))
    .filter((l) => l.trim() !== '')
    .map((l) => l.slice(0, columns));
}

describe('the terminal progress bar (item 14)', () => {
  it.each([80, 100, 60])('shows the characters per second on a %i-column terminal', (columns) => {
    const t = terminal(columns);
    const bar = barReporter(t.stream);
    const info = { totalSteps: 4728, epoch: 0, loss: 3.1843, valLoss: 3.2, rateUnit: 'chars' };
    bar.update({ ...info, step: 1 });
    bar.update({ ...info, step: 20, rate: 4061 });
    bar.stop();
    const last = visible(t.text(), columns).at(-1)!;
    expect(last).toContain('4,061 chars/s');
    expect(last).toContain('20/4728');
  });

  it('a task bar shows its rate too', () => {
    const t = terminal(80);
    const bar = taskBar('final validation', 'chars', t.stream);
    bar.update(0, 10);
    bar.update(5, 10, 12345);
    bar.stop();
    const last = visible(t.text(), 80).at(-1)!;
    expect(last).toMatch(/^final validation \|.*\| 50% 12,345 chars\/s ETA/);
  });
});
