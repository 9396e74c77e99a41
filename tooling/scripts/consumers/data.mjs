// @rnnkit/data installed with core and backend-js only: sine windows, and a char corpus read
// from a file.
import '@rnnkit/backend-js';
import { writeFileSync } from 'node:fs';
import { charTextData, fromFile, sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';

const { y } = sineSeries({ length: 200, tStart: 0, tEnd: 20, angularFrequency: 1 });
const { train } = splitWindows(y, { window: 10, horizon: 1, validationFraction: 0.2 });
const windows = new WindowDataset(train, { batchSize: 8 });
const [first] = windows.batches(0);
writeFileSync('corpus.txt', 'the quick brown fox jumps over the lazy dog\n'.repeat(40));
const corpus = await fromFile('corpus.txt');
const text = charTextData(corpus, { batchSize: 2, seqLength: 16 });
const [chars] = text.train.batches(0);
if (first.x.shape.join() !== '8,10,1' || chars.x.shape.join() !== '2,16') {
  throw new Error(`data: sine batch [${first.x.shape}], char batch [${chars.x.shape}]`);
}
console.log(
  `data: sine windows [${first.x.shape}], char corpus of ${text.vocabulary.size} characters [${chars.x.shape}]`,
);
