import { describe, expect, it } from 'vitest';
import * as node from './trainer-io.js';
import * as portable from './trainer-io-portable.js';

describe('#trainer-io outside Node', () => {
  it('has what the Node version has', () => {
    expect(Object.keys(portable).sort()).toEqual(Object.keys(node).sort());
  });

  it('says that checkpoint folders and the bar need Node, and defaults to plain lines', () => {
    expect(() => portable.saveCheckpoint('a/last.safetensors', {} as never)).toThrow(
      /saving a checkpoint file needs Node's file system.*encodeCheckpoint/,
    );
    expect(() => portable.acquireRunLock('a')).toThrow(/checkpoint folder .*needs Node/);
    expect(() => portable.assertRunLockHeld('a', {} as never)).toThrow(/needs Node/);
    expect(() => portable.barReporter()).toThrow(/use 'lines', 'none' or a ProgressReporter/);
    expect(portable.interactive()).toBe(false);
  });
});
