import { readFileSync, writeFileSync } from 'node:fs';
import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import {
  CorruptFileError,
  decodeSafetensors,
  encodeSafetensors,
  type NamedArray,
} from './safetensors.js';

const fixtureUrl = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

/** The tensors of fixtures/safetensors_{rnnkit,python}.safetensors (see make_safetensors_fixture.py). */
const SAMPLE: Record<string, NamedArray> = {
  weight: { shape: [2, 2], data: Float32Array.from([1, -2, 0.5, 3]) },
  step: { shape: [], data: Int32Array.from([7]) },
  empty: { shape: [0, 3], data: new Float32Array(0) },
};

/** Builds a file by hand: 8-byte little-endian header length, the header bytes, the data bytes. */
function file(
  header: string | object | Uint8Array,
  data: ArrayLike<number> = [],
  headerLength?: number,
) {
  const head =
    header instanceof Uint8Array
      ? header
      : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const f32 = (shape: number[], a: number, b: number) => ({
  dtype: 'F32',
  shape,
  data_offsets: [a, b],
});

function bits(d: Float32Array | Int32Array): number[] {
  return Array.from(new Uint32Array(d.buffer, d.byteOffset, d.length));
}

describe('safetensors round trip', () => {
  it('keeps F32 and I32 values bit for bit, including empty and scalar shapes', () => {
    const tensors: Record<string, NamedArray> = {
      scalar: { shape: [], data: Float32Array.from([Math.PI]) },
      vector: {
        shape: [6],
        data: Float32Array.from([-0, Number.NaN, Number.POSITIVE_INFINITY, -1e-45, 3.4e38, 1]),
      },
      matrix: { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      ints: { shape: [4], data: Int32Array.from([0, -1, 2147483647, -2147483648]) },
      intScalar: { shape: [], data: Int32Array.from([42]) },
      empty: { shape: [0], data: new Float32Array(0) },
      emptyRows: { shape: [0, 5], data: new Float32Array(0) },
      emptyCols: { shape: [3, 0], data: new Int32Array(0) },
    };
    const metadata = { format: 'test', 'ünïcode ✓': 'välue "quoted"\n' };
    const out = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect(Object.keys(out.tensors)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      const got = out.tensors[name];
      expect(got.shape, name).toEqual(t.shape);
      expect(got.data.constructor, name).toBe(t.data.constructor);
      expect(bits(got.data), name).toEqual(bits(t.data));
    }
    expect(out.metadata).toEqual(metadata);
  });

  it('a file with no tensors round-trips (metadata only)', () => {
    const out = decodeSafetensors(encodeSafetensors({}, { a: 'b' }));
    expect(out.tensors).toEqual({});
    expect(out.metadata).toEqual({ a: 'b' });
  });

  it('reads a subarray view at an unaligned byte offset (e.g. a slice of a larger buffer)', () => {
    const bytes = encodeSafetensors(SAMPLE);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const out = decodeSafetensors(big.subarray(3));
    expect(Array.from(out.tensors.weight.data)).toEqual([1, -2, 0.5, 3]);
  });

  it('refuses to encode a tensor whose data does not match its shape', () => {
    expect(() => encodeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(
      /tensor 'w' has shape \[2, 3\] \(6 values\) but 5 values/,
    );
    expect(() => encodeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(
      RnnkitError,
    );
    expect(() =>
      encodeSafetensors({ __metadata__: { shape: [], data: new Float32Array(1) } }),
    ).toThrow(/reserved/);
  });
});

describe('safetensors byte layout (the format Python safetensors reads)', () => {
  it('writes a tiny known file exactly', () => {
    const bytes = encodeSafetensors(SAMPLE, { note: 'hi' });
    const json =
      '{"__metadata__":{"note":"hi"},' +
      '"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},' +
      '"step":{"dtype":"I32","shape":[],"data_offsets":[16,20]},' +
      '"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[20,20]}}';
    // The header is padded with spaces so the data starts on an 8-byte boundary.
    const pad = (8 - ((8 + json.length) % 8)) % 8;
    expect(pad).toBe(7);
    const header = json + ' '.repeat(pad);
    expect(bytes.length).toBe(8 + header.length + 20);
    // 8-byte little-endian unsigned header length.
    expect(Array.from(bytes.subarray(0, 8))).toEqual([header.length, 0, 0, 0, 0, 0, 0, 0]);
    expect(Buffer.from(bytes.subarray(8, 8 + header.length)).toString('utf8')).toBe(header);
    expect((8 + header.length) % 8).toBe(0);
    // Data contiguous in header order, little-endian: 1, -2, 0.5, 3 (F32) then 7 (I32).
    expect(Buffer.from(bytes.subarray(8 + header.length)).toString('hex')).toBe(
      '0000803f' + '000000c0' + '0000003f' + '00004040' + '07000000',
    );
  });

  it('matches the committed file that Python safetensors loads (fixtures/safetensors_rnnkit.safetensors)', () => {
    const bytes = encodeSafetensors(SAMPLE, { note: 'hi' });
    if (process.env.WRITE_FIXTURES)
      writeFileSync(fixtureUrl('safetensors_rnnkit.safetensors'), bytes);
    const committed = readFileSync(fixtureUrl('safetensors_rnnkit.safetensors'));
    expect(Buffer.from(bytes).equals(committed)).toBe(true);
  });

  it('reads a file written by Python safetensors (other tensor order, offsets shared by an empty tensor)', () => {
    const bytes = readFileSync(fixtureUrl('safetensors_python.safetensors'));
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ note: 'hi' });
    expect(Object.keys(tensors).sort()).toEqual(['empty', 'step', 'weight']);
    expect(tensors.weight.shape).toEqual([2, 2]);
    expect(Array.from(tensors.weight.data)).toEqual([1, -2, 0.5, 3]);
    expect(tensors.step.shape).toEqual([]);
    expect(tensors.step.data).toBeInstanceOf(Int32Array);
    expect(Array.from(tensors.step.data)).toEqual([7]);
    expect(tensors.empty.shape).toEqual([0, 3]);
    expect(tensors.empty.data.length).toBe(0);
  });

  it('accepts an unpadded header and a file without __metadata__', () => {
    const { tensors, metadata } = decodeSafetensors(
      file({ a: f32([1], 0, 4) }, [0, 0, 0x80, 0x3f]),
    );
    expect(Array.from(tensors.a.data)).toEqual([1]);
    expect(metadata).toEqual({});
  });
});

describe('corrupt safetensors input throws CorruptFileError naming the problem', () => {
  const good = encodeSafetensors(SAMPLE, { note: 'hi' });
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty input', new Uint8Array(0), /only 0 bytes/],
    ['shorter than the length field', good.subarray(0, 5), /only 5 bytes/],
    ['header length zero', file('', []), /header length 0 does not fit/],
    [
      'header length beyond the file',
      file('{}', [], 1000),
      /header length 1000 does not fit the 10-byte file/,
    ],
    [
      'header cut off (truncated file)',
      good.subarray(0, 50),
      /header length \d+ does not fit the 50-byte file \(truncated\?\)/,
    ],
    [
      'data cut off (truncated file)',
      good.subarray(0, good.length - 3),
      /tensor 'step' needs bytes 16\.\.20 of a 17-byte data section \(truncated\?\)/,
    ],
    ['bad JSON', file('{"a": {"dtype": "F32",'), /the JSON header does not parse/],
    [
      'invalid UTF-8 in the header',
      file(Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x7b, 0x7d, 0x7d])),
      /does not parse/,
    ],
    ['header not an object', file('[1, 2]'), /the JSON header is not an object/],
    ['entry not an object', file({ a: 5 }), /tensor 'a' is not an object/],
    [
      'unknown dtype',
      file({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]),
      /tensor 'a' has unknown dtype "Q7"/,
    ],
    [
      'missing dtype',
      file({ a: { shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]),
      /tensor 'a' has unknown dtype undefined/,
    ],
    [
      'unsupported dtype',
      file({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]),
      /tensor 'a' has dtype F16; only F32 and I32 are supported/,
    ],
    [
      'negative dimension',
      file({ a: f32([-1], 0, 4) }, [0, 0, 0, 0]),
      /tensor 'a' has an invalid shape \[-1\]/,
    ],
    ['fractional dimension', file({ a: f32([1.5], 0, 4) }, [0, 0, 0, 0]), /invalid shape \[1\.5\]/],
    [
      'missing shape',
      file({ a: { dtype: 'F32', data_offsets: [0, 4] } }, [0, 0, 0, 0]),
      /invalid shape undefined/,
    ],
    [
      'missing data_offsets',
      file({ a: { dtype: 'F32', shape: [1] } }, [0, 0, 0, 0]),
      /tensor 'a' has invalid data_offsets undefined/,
    ],
    [
      'negative offset',
      file({ a: f32([1], -4, 0) }, [0, 0, 0, 0]),
      /tensor 'a' has invalid data_offsets \[-4,0\]/,
    ],
    ['offsets reversed', file({ a: f32([1], 4, 0) }, [0, 0, 0, 0]), /invalid data_offsets \[4,0\]/],
    [
      'offsets out of range',
      file({ a: f32([2], 4, 12) }, new Array(8).fill(0)),
      /tensor 'a' needs bytes 4\.\.12 of a 8-byte data section/,
    ],
    [
      'span does not match the shape',
      file({ a: f32([3], 0, 8) }, new Array(8).fill(0)),
      /tensor 'a' has shape \[3\] \(12 bytes of F32\) but data_offsets 0\.\.8 span 8 bytes/,
    ],
    [
      'overlapping offsets',
      file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, new Array(12).fill(0)),
      /tensor 'b' starts at byte 4 but the previous tensor ends at byte 8 \(overlapping data ranges\)/,
    ],
    [
      'the same bytes used twice',
      file({ a: f32([2], 0, 8), b: f32([2], 0, 8) }, new Array(8).fill(0)),
      /starts at byte 0 but the previous tensor ends at byte 8 \(overlapping/,
    ],
    [
      'a gap between tensors',
      file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, new Array(12).fill(0)),
      /tensor 'b' starts at byte 8 but the previous tensor ends at byte 4 \(a gap between/,
    ],
    [
      'bytes after the last tensor',
      file({ a: f32([1], 0, 4) }, new Array(9).fill(0)),
      /5 bytes after the last tensor's data/,
    ],
    [
      'non-string metadata',
      file({ __metadata__: { a: 1 } }),
      /__metadata__ must be an object of strings/,
    ],
  ];

  it.each(cases)('%s', (_, bytes, message) => {
    let error: unknown;
    try {
      decodeSafetensors(bytes, 'model.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(error).toBeInstanceOf(RnnkitError);
    expect((error as Error).name).toBe('CorruptFileError');
    expect((error as Error).message).toMatch(
      /^model\.safetensors is not a valid safetensors file: /,
    );
    expect((error as Error).message).toMatch(message);
  });

  it('every strict prefix of a valid file is rejected (never decoded silently)', () => {
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeSafetensors(good.subarray(0, n)), `prefix of ${n} bytes`).toThrow(
        CorruptFileError,
      );
    }
  });
});
