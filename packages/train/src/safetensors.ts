import { RnnkitError } from '@rnnkit/core';
import { crc32Hex } from './checksum.js';

/**
 * The safetensors file format (readable by Python's `safetensors`): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. String metadata goes in the header's `__metadata__`.
 */

export interface NamedArray {
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

interface HeaderEntry {
  dtype: 'F32' | 'I32';
  shape: number[];
  data_offsets: [number, number];
}

export class CorruptFileError extends RnnkitError {
  override name = 'CorruptFileError';
}

/** A file whose tensor data no longer matches its stored checksum (a CorruptFileError). */
export class ChecksumMismatchError extends CorruptFileError {}

const DTYPES = new Set([
  'BOOL',
  'U8',
  'I8',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
  'C64',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
]);

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Options of encodeSafetensors / decodeSafetensors. `checksumKey`: the `__metadata__` key that
 * holds the CRC-32 of the data section (8 hex digits). Encoding stores it there; decoding checks
 * it when the file has one and reads files without one as before.
 */
export interface SafetensorsOptions {
  checksumKey?: string;
}

export function encodeSafetensors(
  tensors: Record<string, NamedArray>,
  metadata: Record<string, string> = {},
  options: SafetensorsOptions = {},
): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (name === '__metadata__')
      throw new RnnkitError(`encodeSafetensors: '__metadata__' is reserved, not a tensor name`);
    const count = t.shape.reduce((x, y) => x * y, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== t.data.length) {
      throw new RnnkitError(
        `encodeSafetensors: tensor '${name}' has shape ${fmt(t.shape)} (${count} values) but ${t.data.length} values`,
      );
    }
    const bytes = t.data.length * 4;
    header[name] = {
      dtype: t.data instanceof Int32Array ? 'I32' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  let pos = 0;
  for (const name of names) {
    const d = tensors[name].data;
    const le = new DataView(data.buffer, pos, d.length * 4);
    if (d instanceof Int32Array) for (let i = 0; i < d.length; i++) le.setInt32(i * 4, d[i], true);
    else for (let i = 0; i < d.length; i++) le.setFloat32(i * 4, d[i], true);
    pos += d.length * 4;
  }
  if (options.checksumKey)
    header.__metadata__ = { ...metadata, [options.checksumKey]: crc32Hex(data) };
  // TextEncoder, not Buffer: this runs in browsers too (the portable entry).
  const utf8 = new TextEncoder();
  const json = JSON.stringify(header);
  const head = utf8.encode(json + ' '.repeat((8 - ((8 + utf8.encode(json).length) % 8)) % 8));
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a safetensors file, as strictly as the reference implementation: the header must be a
 * JSON object, every tensor's byte range must match its dtype and shape, and the ranges must
 * tile the data section exactly (no gaps, overlaps or trailing bytes). Anything else throws
 * CorruptFileError naming the problem. Only F32 and I32 tensors are supported.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = 'safetensors data',
  options: SafetensorsOptions = {},
): { tensors: Record<string, NamedArray>; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new CorruptFileError(`${source} is not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 === 0n || n64 > BigInt(bytes.length - 8))
    fail(`header length ${n64} does not fit the ${bytes.length}-byte file (truncated?)`);
  const n = Number(n64);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    return fail(`the JSON header does not parse (${(e as Error).message})`);
  }
  if (!isObject(header)) return fail('the JSON header is not an object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const meta = header.__metadata__;
  if (meta !== undefined && meta !== null) {
    if (!isObject(meta) || !Object.values(meta).every((v) => typeof v === 'string'))
      fail('__metadata__ must be an object of strings');
  }
  const entries: { name: string; dtype: 'F32' | 'I32'; shape: number[]; a: number; b: number }[] =
    [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isObject(raw))
      return fail(`tensor '${name}' is not an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: off } = raw;
    if (typeof dtype !== 'string' || !DTYPES.has(dtype))
      fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (dtype !== 'F32' && dtype !== 'I32')
      fail(`tensor '${name}' has dtype ${dtype}; only F32 and I32 are supported`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((x) => Number.isSafeInteger(x) && x >= 0) ||
      off[0] > off[1]
    )
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
    const [a, b] = off as [number, number];
    const dims = shape as number[];
    const count = dims.reduce((x, y) => x * y, 1);
    if (b - a !== count * 4)
      fail(
        `tensor '${name}' has shape ${fmt(dims)} (${count * 4} bytes of ${dtype}) but data_offsets ${a}..${b} span ${b - a} bytes`,
      );
    if (b > dataLength)
      fail(
        `tensor '${name}' needs bytes ${a}..${b} of a ${dataLength}-byte data section (truncated?)`,
      );
    entries.push({ name, dtype: dtype as 'F32' | 'I32', shape: dims, a, b });
  }
  // The byte ranges must tile the data section: sorted by offset, each starts where the last ended.
  const sorted = [...entries].sort((x, y) => x.a - y.a || x.b - y.b);
  let end = 0;
  for (const e of sorted) {
    if (e.a !== end)
      fail(
        `tensor '${e.name}' starts at byte ${e.a} but the previous tensor ends at byte ${end} (${e.a < end ? 'overlapping' : 'a gap between'} data ranges)`,
      );
    end = e.b;
  }
  if (end !== dataLength)
    fail(
      `${dataLength - end} bytes after the last tensor's data (the data section is ${dataLength} bytes, tensors cover ${end})`,
    );
  const stored = options.checksumKey
    ? (meta as Record<string, string> | undefined)?.[options.checksumKey]
    : undefined;
  if (stored !== undefined) {
    const found = crc32Hex(bytes.subarray(dataStart));
    if (found !== stored)
      throw new ChecksumMismatchError(
        `${source} is damaged: its tensor data does not match the CRC-32 checksum stored when it was written (stored ${stored}, the data now gives ${found})`,
      );
  }
  const tensors: Record<string, NamedArray> = {};
  for (const { name, dtype, shape, a, b } of entries) {
    const count = (b - a) / 4;
    const le = new DataView(bytes.buffer, bytes.byteOffset + dataStart + a, b - a);
    if (dtype === 'I32') {
      const d = new Int32Array(count);
      for (let i = 0; i < count; i++) d[i] = le.getInt32(i * 4, true);
      tensors[name] = { shape, data: d };
    } else {
      const d = new Float32Array(count);
      for (let i = 0; i < count; i++) d[i] = le.getFloat32(i * 4, true);
      tensors[name] = { shape, data: d };
    }
  }
  return { tensors, metadata: (meta as Record<string, string> | undefined) ?? {} };
}
