import { createHash, type Hash } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

/** Pieces of shared memory; the worker hashes them in ring order. */
const SLOTS = 4;
export const SLOT_BYTES = 4 * 1024 * 1024;
/** How long a wait for the worker may block this thread before it counts as gone. */
const WAIT_MS = 10_000;

const FREE = 0;
const DATA = 1;
const DIGEST = 2;
const RESULT = 3;
const DROP = 4;

/** Control words: [ready, then per slot: state, length, stream]. */
const at = (slot: number) => 1 + slot * 3;

const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { shared, control, slots, slotBytes } = workerData;
const c = new Int32Array(control);
const data = Buffer.from(shared);
const hashes = new Map();
Atomics.store(c, 0, 1);
Atomics.notify(c, 0);
for (let k = 0; ; k = (k + 1) % slots) {
  const i = 1 + k * 3;
  for (;;) {
    const s = Atomics.load(c, i);
    if (s !== ${FREE} && s !== ${RESULT}) break;
    Atomics.wait(c, i, s);
  }
  const state = Atomics.load(c, i);
  const stream = c[i + 2];
  if (state === ${DATA}) {
    let hash = hashes.get(stream);
    if (!hash) hashes.set(stream, (hash = createHash('sha256')));
    hash.update(data.subarray(k * slotBytes, k * slotBytes + c[i + 1]));
    Atomics.store(c, i, ${FREE});
  } else if (state === ${DIGEST}) {
    const hash = hashes.get(stream) ?? createHash('sha256');
    hashes.delete(stream);
    hash.digest().copy(data, k * slotBytes);
    Atomics.store(c, i, ${RESULT});
  } else {
    hashes.delete(stream);
    Atomics.store(c, i, ${FREE});
  }
  Atomics.notify(c, i);
}
`;

interface Pool {
  control: Int32Array;
  data: Buffer;
  cursor: number;
}

let pool: Pool | null | undefined;
let nextStream = 1;

/** Blocks this thread until `ok(state)` at `index`; throws when the worker stops answering. */
function waitFor(control: Int32Array, index: number, ok: (state: number) => boolean): void {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const state = Atomics.load(control, index);
    if (ok(state)) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      pool = null;
      throw new Error('the hash worker stopped answering');
    }
    Atomics.wait(control, index, state, left);
  }
}

/** The process's one hash worker, started on first use; null where workers cannot start. */
function sharedPool(): Pool | null {
  if (pool !== undefined) return pool;
  try {
    const shared = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    const control = new Int32Array(new SharedArrayBuffer(4 * (1 + SLOTS * 3)));
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { shared, control: control.buffer, slots: SLOTS, slotBytes: SLOT_BYTES } });
    // never keeps the process alive; blocked in Atomics.wait it costs nothing
    worker.unref();
    worker.on('error', () => (pool = null));
    waitFor(control, 0, (ready) => ready === 1);
    pool = { control, data: Buffer.from(shared), cursor: 0 };
  } catch {
    pool = null;
  }
  return pool;
}

/**
 * Whether a core is likely idle for the worker (1-minute load average below the cores less
 * half of one). On a busy machine the worker waits for a core and the hand-offs cost more than
 * they save: the pass took 1.3-1.7x as long with it at loads of 13-16 on 2 cores, 0.8x at 1.7.
 */
function coreToSpare(): boolean {
  return (os.loadavg()[0] ?? 0) < os.availableParallelism() - 0.5;
}

/**
 * A sha256 computed on a worker thread while this thread goes on reading and writing: the
 * caller reads each piece into shared memory, writes it out from there, and hands it over;
 * the worker hashes it while the next piece is read and written (on 100 MB the hash costs
 * more than the copy, so running both at once takes about the longer of the two instead of
 * their sum). Synchronous for the caller (it blocks only when all the pieces are still being
 * hashed), so a snapshot stays one synchronous pass. Without a worker, or on a busy machine,
 * it hashes here.
 */
export class ParallelSha256 {
  private readonly stream = nextStream++;
  private readonly pool: Pool | null;
  private readonly local: Hash | undefined;
  private localPiece: Buffer | undefined;
  private readonly bytes: number;

  /**
   * `bytes`: about how much will be hashed; up to one piece is hashed here (no hand-off to
   * wait for). `where`: `auto` uses the worker only while the machine has a core to spare.
   */
  constructor(bytes = Number.POSITIVE_INFINITY, where: 'auto' | 'worker' | 'here' = 'auto') {
    this.bytes = bytes;
    const offThread = where === 'worker' || (where === 'auto' && bytes > SLOT_BYTES && coreToSpare());
    this.pool = offThread ? sharedPool() : null;
    this.local = this.pool ? undefined : createHash('sha256');
  }

  /**
   * Lends a piece of up to `SLOT_BYTES` to `fill` (read into it, write from it), then hashes
   * the first bytes it returns. A throw hashes nothing and is rethrown.
   */
  piece(fill: (piece: Buffer) => number): number {
    if (!this.pool) {
      const piece = (this.localPiece ??= Buffer.allocUnsafe(Math.max(1, Math.min(SLOT_BYTES, this.bytes))));
      const length = fill(piece);
      this.local!.update(piece.subarray(0, length));
      return length;
    }
    const { slot, index } = this.claim();
    let length = 0;
    try {
      length = fill(this.pool.data.subarray(slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES));
      return length;
    } finally {
      // a claimed slot is always handed on: the worker waits at it in ring order
      this.hand(index, DATA, length);
    }
  }

  /** The hex digest of every piece; the stream is then done. */
  digest(): string {
    if (!this.pool) return this.local!.digest('hex');
    const { slot, index } = this.claim();
    this.hand(index, DIGEST, 0);
    waitFor(this.pool.control, index, (state) => state === RESULT);
    const hex = this.pool.data.subarray(slot * SLOT_BYTES, slot * SLOT_BYTES + 32).toString('hex');
    Atomics.store(this.pool.control, index, FREE);
    return hex;
  }

  /** Forgets a stream that will not be digested (a stopped transfer). */
  dispose(): void {
    // a worker that stopped answering has nothing to forget
    if (!this.pool || pool !== this.pool) return;
    const { index } = this.claim();
    this.hand(index, DROP, 0);
  }

  private claim(): { slot: number; index: number } {
    const pool = this.pool!;
    const slot = pool.cursor;
    pool.cursor = (slot + 1) % SLOTS;
    const index = at(slot);
    waitFor(pool.control, index, (state) => state === FREE);
    return { slot, index };
  }

  private hand(index: number, state: number, length: number): void {
    const control = this.pool!.control;
    control[index + 1] = length;
    control[index + 2] = this.stream;
    Atomics.store(control, index, state);
    Atomics.notify(control, index);
  }
}
