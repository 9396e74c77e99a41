import { describe, expect, it } from 'vitest';
import { parseEvent } from './protocol.js';

const row = {
  workload: 'char-lstm',
  backend: 'js',
  metric: 'training throughput',
  value: 3345,
  unit: 'chars/s',
  notes: { msPerStep: 612, data: 'contiguous streams' },
  threads: 1,
};

describe('parseEvent', () => {
  it('passes well-formed events through', () => {
    const rows = { type: 'rows', backend: 'js', workload: 'char-lstm', seconds: 2.9, rows: [row] };
    expect(parseEvent(rows)).toEqual(rows);
    expect(parseEvent({ type: 'start', backend: 'tfjs-webgl', detail: 'WebGL' })).toEqual({
      type: 'start',
      backend: 'tfjs-webgl',
      detail: 'WebGL',
    });
    expect(parseEvent({ type: 'done', backend: 'js' }).type).toBe('done');
  });

  it('names the field that is wrong', () => {
    const bad = (x: unknown) => () => parseEvent(x);
    expect(
      bad({
        type: 'rows',
        backend: 'js',
        workload: 'w',
        seconds: 1,
        rows: [{ ...row, value: '3345' }],
      }),
    ).toThrow(/row\.value is not a number.*rebuild the page/);
    expect(
      bad({
        type: 'rows',
        backend: 'js',
        workload: 'w',
        seconds: 1,
        rows: [{ ...row, notes: { a: [] } }],
      }),
    ).toThrow(/row\.notes\.a is not a number or string/);
    expect(bad({ type: 'start', backend: 'js', detail: 'x', threads: '2' })).toThrow(
      /start\.threads/,
    );
    expect(bad({ type: 'failure', backend: 'js', workload: 'w' })).toThrow(/workload and error/);
    expect(bad({ type: 'finished', backend: 'js' })).toThrow(/unknown type "finished"/);
    expect(bad({ type: 'done' })).toThrow(/backend is not a string/);
    expect(bad(null)).toThrow(/not an object/);
  });
});
