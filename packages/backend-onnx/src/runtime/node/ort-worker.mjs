// The ONNX Runtime worker of @rnnkit/backend-onnx (see remote.ts, its main-thread side).
//
// Plain JavaScript because worker_threads loads it as is, from src/ under the tests and from
// dist/ once built (the build copies it). It owns the sessions of compiled graphs and the values
// they produce: a value stays here, under the id the main thread gave it, until it is read or
// freed, so parameters and optimizer state never cross threads between training steps. Messages
// are handled one at a time in arrival order, so a read always sees the run that made its value.
//
// The loop is synchronous and polls its port: waking a sleeping thread took 100-150 µs on the
// project's VM, more than a small graph's run, so after each message it spins briefly for the
// next one before sleeping on the doorbell the main thread rings with every message. With more
// than one intra-op thread it does not spin (spinNs 0): ONNX Runtime's own pool threads need
// the cores then (see sessionOptions in runtime.ts).
//
// Freed values are collected on purpose (see collectIfDue): this thread allocates little besides
// the buffers of graph outputs, so its garbage collector seldom runs by itself, and the buffers of
// freed outputs (a set of parameters and optimizer moments every training run) would pile up.

import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

/** @type {{ ortDir: string, spinNs: number, bell: SharedArrayBuffer, flag: SharedArrayBuffer, requests: import('node:worker_threads').MessagePort, replies: import('node:worker_threads').MessagePort, syncReplies: import('node:worker_threads').MessagePort }} */
const w = workerData;
const SPIN_NS = BigInt(w.spinNs);
const bell = new Int32Array(w.bell);
const flag = new Int32Array(w.flag);

// the package's synchronous binding, as on the main thread (runtime.ts)
const ortRequire = createRequire(`${w.ortDir}/`);
const pub = ortRequire('./index.js');
const bind = ortRequire('./binding.js');
if (pub.env.logLevel === 'warning') pub.env.logLevel = 'fatal';
bind.initOrt();

/** sid → { session, inputs, fetches, outputs } or a failure */
const sessions = new Map();
/** value id → ort.Tensor or a failure */
const values = new Map();
// A failure is { error } with rnnkit's message, and `ort`, ONNX Runtime's own message, when
// ONNX Runtime raised it (the main thread throws OnnxRuntimeError for those).

/**
 * The fewest freed bytes that make this thread collect its garbage (see collectIfDue). Each
 * training run frees the parameters and moments of the run before (57 MiB at hidden 1024); left
 * to V8, runs at hidden 1024 in the worker peaked at 651-697 MiB, and at 612-651 with collections
 * (figures in tooling/bench/README.md).
 */
const COLLECT_MIN_BYTES = 16 << 20;

// V8's collector, on demand: the flag exposes it to contexts made while it is set, and is unset
// again so that nothing else in the process sees a `gc` global.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
setFlagsFromString('--no-expose-gc');

/** Bytes of the values freed since the last collection. */
let freedBytes = 0;
let collections = 0;
/** A value's bytes (a failure has none). */
const bytes = (v) => v?.data?.byteLength ?? 0;

function release(id) {
  freedBytes += bytes(values.get(id));
  values.delete(id);
}

/** Bytes of the values held (a run's parameters and moments): summed once per free message. */
function heldBytes() {
  let n = 0;
  for (const v of values.values()) n += bytes(v);
  return n;
}

/**
 * Collects once the bytes freed since the last collection reach those still held (and at least
 * COLLECT_MIN_BYTES): garbage then stays below what is live, as a collector that doubles its heap
 * would keep it. Called once per free message (one per run at most); a collection took 3-6 ms at
 * hidden 1024, where a run of 4 steps takes about 320.
 */
function collectIfDue() {
  if (freedBytes < COLLECT_MIN_BYTES || freedBytes < heldBytes()) return;
  freedBytes = 0;
  collections++;
  gc();
}

const message = (e) => (e instanceof Error ? e.message : String(e));

function load({ sid, model, inputs, outputs, options }) {
  try {
    const session = new bind.binding.InferenceSession();
    session.loadModel(model.buffer, model.byteOffset, model.byteLength, options);
    const fetches = Object.fromEntries(outputs.map((n) => [n, null]));
    sessions.set(sid, { session, inputs, outputs, fetches });
  } catch (e) {
    const ort = message(e);
    sessions.set(sid, { error: `ONNX Runtime could not load a compiled graph: ${ort}`, ort });
  }
}

/** An ONNX Runtime tensor over a posted feed's host values. */
function tensor(f) {
  return new pub.Tensor(f.data instanceof Int32Array ? 'int32' : 'float32', f.data, f.shape);
}

/** A feed's tensor, or the failure that made the value it refers to. */
function feed(f) {
  if (f.keep !== undefined) return values.get(f.keep);
  if (f.ref === undefined) return tensor(f);
  return values.get(f.ref) ?? { error: `value ${f.ref} was freed before a graph read it` };
}

function run({ sid, feeds, outs }) {
  const fail = (failure) => {
    for (const id of outs) values.set(id, failure);
  };
  // moved feeds (their buffers came with the message) are this worker's values from now on,
  // whatever becomes of the run
  for (const f of feeds) if (f.keep !== undefined) values.set(f.keep, tensor(f));
  const s = sessions.get(sid) ?? { error: `graph ${sid} was dropped before it ran` };
  if (s.error) return fail(s);
  try {
    const named = {};
    for (let i = 0; i < feeds.length; i++) {
      const v = feed(feeds[i]);
      if (v.error) return fail(v);
      named[s.inputs[i]] = v;
    }
    const result = s.session.run(named, s.fetches, {});
    outs.forEach((id, i) => {
      values.set(id, result[s.outputs[i]]);
    });
  } catch (e) {
    fail({ error: message(e), ort: message(e) });
  }
}

function read({ id, rid }) {
  const v = values.get(id);
  const r =
    v === undefined
      ? { error: `value ${id} was freed before it was read` }
      : v.error
        ? { error: v.error, ort: v.ort }
        : { data: v.data, shape: [...v.dims] };
  answer(r, rid);
}

/** Replies to a read: on `replies` when asynchronous (it has a request id), else synchronously. */
function answer(r, rid) {
  if (rid !== undefined) w.replies.postMessage({ rid, ...r });
  else {
    // a synchronous read: the main thread polls `syncReplies`, then sleeps on the flag
    w.syncReplies.postMessage(r);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

const handlers = {
  load,
  run,
  read,
  free: ({ ids }) => {
    for (const id of ids) release(id);
    collectIfDue();
  },
  // what the worker holds (tests check that long training does not grow it), its collections
  // and its array buffers' MiB
  stats: ({ rid }) => {
    const mib = Math.round(process.memoryUsage().arrayBuffers / 2 ** 20);
    answer({ data: Int32Array.of(values.size, sessions.size, collections, mib), shape: [4] }, rid);
  },
  drop: ({ sid }) => {
    sessions.get(sid)?.session?.dispose();
    sessions.delete(sid);
  },
  // before the thread is torn down (process exit, dispose): see RemoteRuntime's release
  close: () => {
    for (const s of sessions.values()) s.session?.dispose();
    sessions.clear();
    values.clear();
    answer({ data: new Int32Array(0), shape: [0] });
  },
};

function next() {
  let m = receiveMessageOnPort(w.requests);
  const t = process.hrtime.bigint();
  while (!m && process.hrtime.bigint() - t < SPIN_NS) m = receiveMessageOnPort(w.requests);
  while (!m) {
    // read the doorbell before the last look, so a message posted in between is not slept over
    const rung = Atomics.load(bell, 0);
    m = receiveMessageOnPort(w.requests);
    if (!m) Atomics.wait(bell, 0, rung);
  }
  return m.message;
}

for (;;) {
  const m = next();
  handlers[m.t](m);
}
