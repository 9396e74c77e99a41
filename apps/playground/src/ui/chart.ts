import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// Live line charts (uPlot): a loss chart with training and validation series, and the sine
// forecast against the true curve. Both redraw at most once per animation frame.

type Series = { label: string; stroke: string; dash?: number[] };

export class LineChart {
  readonly #plot: uPlot;
  readonly #data: (number | null)[][];
  #queued = false;

  constructor(target: HTMLElement, title: string, xLabel: string, series: Series[]) {
    this.#data = [[], ...series.map(() => [])];
    this.#plot = new uPlot(
      {
        title,
        width: Math.max(320, target.clientWidth || 560),
        height: 240,
        scales: { x: { time: false } },
        axes: [{ label: xLabel }, {}],
        series: [
          { label: xLabel },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            dash: s.dash,
            spanGaps: true,
            width: 2,
          })),
        ],
      },
      this.#data as uPlot.AlignedData,
      target,
    );
  }

  /** Adds a point: x and one value per series (null where a series has none at x). */
  add(x: number, ...values: (number | null)[]): void {
    this.#data[0].push(x);
    for (const [i, v] of values.entries()) this.#data[i + 1].push(v);
    this.#redraw();
  }

  /** Sets a value of series `i` at the last x equal to `x` (a validation after its step). */
  setAt(x: number, i: number, value: number): void {
    const at = this.#data[0].lastIndexOf(x);
    if (at < 0) this.add(x, ...this.#data.slice(1).map((_, j) => (j === i ? value : null)));
    else {
      this.#data[i + 1][at] = value;
      this.#redraw();
    }
  }

  /** Replaces all the data. */
  replace(xs: number[], ...series: number[][]): void {
    this.#data.length = 0;
    this.#data.push(xs, ...series);
    this.#redraw();
  }

  clear(): void {
    for (const d of this.#data) d.length = 0;
    this.#redraw();
  }

  #redraw(): void {
    if (this.#queued) return;
    this.#queued = true;
    requestAnimationFrame(() => {
      this.#queued = false;
      this.#plot.setData(this.#data as uPlot.AlignedData);
    });
  }
}

export function lossChart(target: HTMLElement, title: string): LineChart {
  return new LineChart(target, title, 'step', [
    { label: 'training loss', stroke: '#1f77b4' },
    { label: 'validation loss', stroke: '#d62728' },
  ]);
}
