import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { FileSystemError, makeFolder } from './fs-errors.js';
import { processAlive } from './process-alive.js';
import { removeStaleTemporaries } from './stale-temporaries.js';

/** The lock file in a run folder. */
export const LOCK_FILE = '.rnnkit-lock';
const GUARD_FILE = '.rnnkit-lock.takeover';

/** What a lock file records about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Tells this holding from any other by the same process (another thread, a later run). */
  token: string;
  since: string;
}

/** A second process (or a second run in this one) tried to train into a folder that one holds. */
export class RunLockedError extends RnnkitError {
  override name = 'RunLockedError';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    const here = holder.host === hostname();
    const lockPath = join(dir, LOCK_FILE);
    const who =
      holder.pid === process.pid && here
        ? `this process (${holder.pid}) already trains into it`
        : `process ${holder.pid} on ${here ? `this host (${holder.host})` : `host ${holder.host}`} holds it (since ${holder.since})`;
    const fix = here
      ? `wait for that run to end or stop it (a lock whose process has ended is taken over by the next run); if process ${holder.pid} is no training run (its id was reused), delete ${lockPath}`
      : `wait for that run to end or stop it; if it is gone, delete ${lockPath}`;
    super(`${dir} is in use: ${who}. To train here, ${fix}`);
  }
}

/** A held lock on a run folder; release it when the run ends. */
export interface RunLock {
  readonly dir: string;
  readonly token: string;
  release(): void;
}

export interface AcquireOptions {
  /** Receives a one-line notice, e.g. when a lock left by an ended process is taken over. */
  onNotice?: (line: string) => void;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Writes `text` to a new file that no other process can see half-written, then links it to `path`. */
function linkNew(path: string, text: string): boolean {
  // Named like a save's temporary, so one left by a killed process is removed as stale.
  const tmp = `${path}.${randomUUID()}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path); // atomic: fails with EEXIST when a lock is there
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes the lock `stale` (whose process has ended) unless another process got there first.
 * Only the holder of the takeover guard may remove a lock, so two processes that both find the
 * same stale lock cannot both take it over.
 */
function removeStale(dir: string, stale: LockHolder): void {
  const guard = join(dir, GUARD_FILE);
  const g = readHolder(guard);
  if (g && !(g.host === hostname() && !processAlive(g.pid))) return; // someone is taking over
  if (g) rmSync(guard, { force: true }); // a guard left by a process that died while taking over
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    since: new Date().toISOString(),
  };
  if (!linkNew(guard, JSON.stringify(me))) return;
  try {
    if (readHolder(join(dir, LOCK_FILE))?.token === stale.token) rmSync(join(dir, LOCK_FILE));
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Locks a run folder (creating it if needed) for one training run: the lock file `.rnnkit-lock`
 * records the pid, host and a token. A folder locked by a live process, or by a process on another
 * host, throws RunLockedError at once, naming the holder; a lock whose process has ended on this
 * host is taken over with a notice. The lock is released by `release()` and, as a last resort,
 * when this process exits normally or by process.exit. Temporary files of interrupted saves are
 * removed once the lock is held.
 */
export function acquireRunLock(dir: string, options: AcquireOptions = {}): RunLock {
  // The topmost folder this call creates: on release, the folders it made and left empty go again.
  let created: string | undefined;
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) created = d;
  makeFolder(dir, 'run folder');
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    since: new Date().toISOString(),
  };
  let takenFrom: LockHolder | undefined;
  for (let attempt = 0; ; attempt++) {
    let linked: boolean;
    try {
      linked = linkNew(path, JSON.stringify(me));
    } catch (e) {
      throw new FileSystemError(`cannot write the lock file ${path}`, e);
    }
    if (linked) break;
    const holder = readHolder(path);
    const stale = holder && holder.host === me.host && !processAlive(holder.pid);
    if (holder && !stale) throw new RunLockedError(dir, holder);
    if (attempt >= 20) {
      if (holder) throw new RunLockedError(dir, holder);
      throw new RnnkitError(`${path} cannot be read; if no run uses ${dir}, delete that file`);
    }
    if (holder) {
      removeStale(dir, holder);
      if (!existsSync(path)) takenFrom = holder;
      else sleep(25);
    } else sleep(25); // a lock being taken over right now, or gone between link and read
  }
  if (takenFrom)
    options.onNotice?.(
      `took over the lock of ${dir} from process ${takenFrom.pid}, which ended without releasing it (held since ${takenFrom.since})`,
    );
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readHolder(path)?.token === me.token) rmSync(path, { force: true });
    // Folders this lock created and nothing was written to go again (a run that failed to start).
    if (created === undefined) return;
    try {
      for (let d = resolve(dir); readdirSync(d).length === 0; d = dirname(d)) {
        rmdirSync(d);
        if (d === created) break;
      }
    } catch {
      // best effort: a folder someone else removed or wrote into meanwhile stays as it is
    }
  };
  process.on('exit', release);
  removeStaleTemporaries(dir);
  return { dir, token: me.token, release };
}

/** Throws unless this process holds the lock of `dir` with `token` (e.g. taken on another thread). */
export function assertRunLockHeld(dir: string, token: string): void {
  const holder = readHolder(join(dir, LOCK_FILE));
  if (holder?.token === token && holder.pid === process.pid && holder.host === hostname()) return;
  if (holder) throw new RunLockedError(dir, holder);
  throw new RnnkitError(
    `${dir}: the run lock passed as checkpoint.lock is not held (no ${LOCK_FILE}); take it with acquireRunLock first`,
  );
}
