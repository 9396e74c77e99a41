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
