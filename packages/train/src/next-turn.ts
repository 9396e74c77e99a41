// Yielding to the event loop between training steps, so that a stop request (Ctrl-C in Node, a
// message to a Web Worker in a browser) is handled while the Trainer runs. Node has
// setImmediate; browsers have none, and a zero setTimeout there is clamped to a few
// milliseconds once nested, so a MessageChannel message stands in for it.

/** Resolves after the event loop has run the tasks already waiting. */
export function nextTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    // The DOM's MessagePort (Node's types describe worker_threads' one, without onmessage).
    const port = port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port.onmessage = () => {
      port.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
