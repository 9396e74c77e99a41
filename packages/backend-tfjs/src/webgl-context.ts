// Whether this environment can give TensorFlow.js a WebGL context: browsers (a page or a worker)
// can; Node.js cannot unless something provides OffscreenCanvas or a DOM with WebGL.

interface CanvasLike {
  getContext(kind: string): unknown;
}

function hasContext(canvas: CanvasLike): boolean {
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

/** Why no WebGL context can be made here, or undefined when one can. */
export function webglUnavailableReason(): string | undefined {
  const g = globalThis as {
    OffscreenCanvas?: new (w: number, h: number) => CanvasLike;
    document?: { createElement(tag: string): CanvasLike };
  };
  if (!g.OffscreenCanvas && !g.document)
    return 'this environment has none (no OffscreenCanvas and no document, as in Node.js)';
  try {
    if (g.OffscreenCanvas && hasContext(new g.OffscreenCanvas(1, 1))) return undefined;
    if (g.document && hasContext(g.document.createElement('canvas'))) return undefined;
  } catch (e) {
    return `creating one failed (${(e as Error).message})`;
  }
  return 'the canvas here offers none (WebGL is disabled or unsupported)';
}
