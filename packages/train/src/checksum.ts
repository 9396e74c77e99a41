import CRC32 from 'crc-32';

/**
 * CRC-32 (the zlib/PNG polynomial) of some bytes as 8 lowercase hex digits. Pure JavaScript on a
 * Uint8Array, so checkpoints are written and checked the same way in browsers and in Node.
 */
export function crc32Hex(bytes: Uint8Array): string {
  return (CRC32.buf(bytes) >>> 0).toString(16).padStart(8, '0');
}
