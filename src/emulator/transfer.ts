import fs from 'node:fs';
import { ParallelSha256, SLOT_BYTES } from './parallel-hash.js';

/** How a transfer is paced and what it reports; shared by a copy and a paced upload. */
export interface PacingOptions {
  tickMs: number;
  /** Progress reports per transfer, at evenly spaced byte offsets; undefined: once a tick. */
  progressFrames?: number | undefined;
  /** Read on every tick, so a rate change applies to a running transfer. */
  rateBytesPerSecond: () => number;
  onProgress(copied: number, total: number): void;
  onError(error: unknown): void;
}

export interface TransferOptions extends PacingOptions {
  source: string;
  target: string;
  /**
   * Checks the complete target (its hash, its content) while its fsync runs on the thread
   * pool; throwing ends the transfer with `onError`. Both end before `onDone`.
   */
  verify?(sha256: string): void;
  /** The target is complete, verified and fsynced; `sha256` is the hash of what was copied. */
  onDone(sha256: string, total: number): void;
}

export interface PacedUploadOptions extends PacingOptions {
  /** The size of what is sent; the bytes are already where they go. */
  bytes: number;
  onDone(total: number): void;
}

/** Most bytes moved in one turn of the event loop. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Largest read and write: a chunk is moved in pieces this big (4 MiB copied and hashed faster
 * than 16 MiB pieces on the bench machine), each hashed on a worker while the next is moved.
 */
export const PIECE_BYTES = SLOT_BYTES;

/** Bytes written between two early flushes of a staged file. */
const FLUSH_BYTES = 16 * 1024 * 1024;

/**
 * A file written piece by piece that must be on disk before a rename publishes it. Every
 * 16 MiB written, an fdatasync goes to the thread pool: the disk writes run while this thread
 * goes on reading and hashing, so the one fsync at the end (`sync`) finds little left to do
 * (on 100 MB: about 4 ms instead of 45). Its fd is closed only once no call on the thread
 * pool uses it (a closed fd number can be given to another file).
 */
export class StagedFile {
  private fd: number | undefined;
  private inFlight = 0;
  private unflushed = 0;
  private closing = false;
  /** An early flush's error: the fd reports it once, so `sync` must not miss it. */
  private flushError: Error | undefined;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly file: string,
    flags: 'w' | 'wx' = 'w',
  ) {
    this.fd = fs.openSync(file, flags);
  }

  write(piece: Buffer, length: number): void {
    if (this.fd === undefined || this.closing) throw new Error(`${this.file} is closed`);
    fs.writeSync(this.fd, piece, 0, length);
    this.unflushed += length;
    if (this.unflushed >= FLUSH_BYTES) {
      this.unflushed = 0;
      this.onPool(fs.fdatasync, () => undefined);
    }
  }

  private onPool(call: typeof fs.fsync, then: () => void): void {
    this.inFlight += 1;
    call(this.fd!, (error) => {
      this.inFlight -= 1;
      if (error) this.flushError ??= error;
      then();
      if (this.inFlight > 0) return;
      for (const run of this.waiting.splice(0)) run();
      if (this.closing) this.closeNow();
    });
  }

  /** Once the early flushes are done: one fsync on the thread pool, then close; `done` after. */
  sync(done: (error: Error | undefined) => void): void {
    const run = () => {
      if (this.fd === undefined || this.closing) {
        done(new Error(`${this.file} was closed before its fsync`));
        return;
      }
      this.onPool(fs.fsync, () => {
        this.close();
        done(this.flushError);
      });
    };
    if (this.inFlight === 0) run();
    else this.waiting.push(run);
  }

  /** fsync on this thread, then close (a seed, which commits synchronously). */
  syncNow(): void {
    if (this.fd === undefined || this.closing) throw new Error(`${this.file} is closed`);
    fs.fsyncSync(this.fd);
    this.close();
    if (this.flushError) throw this.flushError;
  }

  /** Closes now, or when the last call on the thread pool returns; idempotent. */
  close(): void {
    this.closing = true;
    if (this.inFlight === 0) this.closeNow();
  }

  private closeNow(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }
}

/**
 * Moves bytes in rate-limited chunks on a timer: how the emulator "uploads" and "downloads".
 * The budget follows wall-clock time, so a slow event loop does not slow the simulated
 * network down. While the budget allows more than a chunk, the next chunk follows on the
 * next turn of the event loop instead of the next tick, so a fast rate is not capped at a
 * chunk a tick. What "moving" does is the subclass's: a copy, or nothing (a paced upload).
 */
abstract class Paced {
  private timer: NodeJS.Timeout | undefined;
  protected moved = 0;
  protected total = 0;
  private budget = 0;
  private last = 0;
  protected stopped = false;
  /** Every byte is moved: later ticks (an interval's, a chained one) have nothing to do. */
  private finished = false;

  constructor(private readonly pacing: PacingOptions) {}

  /** Starts on the next turn of the event loop, so the caller sees INITIALIZED first. */
  start(): void {
    setImmediate(() => this.begin());
  }

  /** Opens what it moves; returns the total bytes. */
  protected abstract open(): number;
  /** Moves `size` bytes at `offset` (in order); returns how many it moved. */
  protected abstract move(offset: number, size: number): number;
  /** Everything is moved: make it durable and report done. */
  protected abstract finish(): void;
  /** Releases what `open` took; idempotent. */
  protected abstract release(): void;

  private begin(): void {
    if (this.stopped) return;
    try {
      this.total = this.open();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.last = Date.now();
    this.timer = setInterval(() => this.tick(), this.pacing.tickMs);
  }

  /** Stops moving and releases the files; the caller removes a partial target. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.release();
  }

  protected fail(error: unknown): void {
    this.stop();
    this.pacing.onError(error);
  }

  private tick(): void {
    if (this.stopped || this.finished) return;
    try {
      const now = Date.now();
      const elapsed = Math.min(now - this.last, 1_000);
      this.last = now;
      this.budget += (this.pacing.rateBytesPerSecond() * elapsed) / 1_000;
      const size = Math.min(Math.floor(this.budget), this.total - this.moved, CHUNK_BYTES);
      if (size > 0) {
        const read = this.move(this.moved, size);
        const from = this.moved;
        this.moved += read;
        this.budget -= read;
        this.report(from);
      }
      if (this.moved >= this.total) {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        this.finished = true;
        this.finish();
      } else if (this.budget >= 1 && size === CHUNK_BYTES) {
        setImmediate(() => this.tick());
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Progress after moving from `from` to `moved`: once, or at each report point passed. */
  private report(from: number): void {
    const frames = this.pacing.progressFrames;
    if (frames === undefined) {
      // the end is reported by onDone
      if (this.moved < this.total) this.pacing.onProgress(this.moved, this.total);
      return;
    }
    // report point k (1..frames-1) is at ceil(k * total / frames) bytes; the end is onDone's
    const first = Math.floor((from * frames) / this.total) + 1;
    const last = Math.min(frames - 1, Math.floor((this.moved * frames) / this.total));
    for (let k = first; k <= last && !this.stopped; k += 1) {
      this.pacing.onProgress(Math.ceil((k * this.total) / frames), this.total);
    }
  }
}

/**
 * A copy of a file at the configured rate, read once: each piece read feeds both the write
 * and the sha256, so the hash is of exactly what was written, with no second read. The
 * target is fsynced once, at the end, before `onDone`.
 */
export class Transfer extends Paced {
  private sourceFd: number | undefined;
  private target: StagedFile | undefined;
  private hash: ParallelSha256 | undefined;
  private hashed = false;

  constructor(private readonly options: TransferOptions) {
    super(options);
  }

  protected open(): number {
    this.sourceFd = fs.openSync(this.options.source, 'r');
    const total = fs.fstatSync(this.sourceFd).size;
    this.target = new StagedFile(this.options.target);
    this.hash = new ParallelSha256(total);
    return total;
  }

  protected move(offset: number, size: number): number {
    if (this.sourceFd === undefined || this.target === undefined) throw new Error('transfer is not open');
    const [source, target, hash] = [this.sourceFd, this.target, this.hash!];
    let done = 0;
    while (done < size) {
      done += hash.piece((piece) => {
        const read = fs.readSync(source, piece, 0, Math.min(piece.length, size - done), offset + done);
        if (read <= 0) throw new Error('source ended early');
        target.write(piece, read);
        return read;
      });
    }
    return done;
  }

  /**
   * The target's fsync on the thread pool while `verify` reads it here: the disk write and
   * the check overlap instead of adding up. `onDone` only once both succeeded.
   */
  protected finish(): void {
    this.hashed = true;
    const sha256 = this.hash!.digest();
    const total = this.total;
    let verified = true;
    let failure: unknown;
    this.target!.sync((error) => {
      if (this.stopped) return;
      if (error) this.fail(error);
      else if (!verified) this.fail(failure);
      else {
        this.stop();
        this.options.onDone(sha256, total);
      }
    });
    try {
      this.options.verify?.(sha256);
    } catch (error) {
      verified = false;
      failure = error;
    }
  }

  protected release(): void {
    if (this.sourceFd !== undefined) {
      try {
        fs.closeSync(this.sourceFd);
      } catch {
        // already closed
      }
    }
    this.sourceFd = undefined;
    this.target?.close();
    if (!this.hashed) {
      this.hashed = true;
      this.hash?.dispose();
    }
  }
}

/**
 * The progress of an upload whose bytes are already staged where they go (a creation's
 * snapshot is written straight into the cloud's staging): paced and reported like a copy,
 * with no second pass over the bytes.
 */
export class PacedUpload extends Paced {
  constructor(private readonly options: PacedUploadOptions) {
    super(options);
  }

  protected open(): number {
    return this.options.bytes;
  }

  protected move(_offset: number, size: number): number {
    return size;
  }

  protected finish(): void {
    const total = this.total;
    this.stop();
    this.options.onDone(total);
  }

  protected release(): void {
    // nothing open
  }
}
