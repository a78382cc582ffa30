import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface TransferOptions {
  source: string;
  target: string;
  tickMs: number;
  /** Progress reports per transfer, at evenly spaced byte offsets; undefined: once a tick. */
  progressFrames?: number | undefined;
  /** Read on every tick, so a rate change applies to a running transfer. */
  rateBytesPerSecond: () => number;
  onProgress(copied: number, total: number): void;
  /** The target is complete and fsynced; `sha256` is the hash of what was copied. */
  onDone(sha256: string, total: number): void;
  onError(error: unknown): void;
}

/** Most bytes copied in one turn of the event loop. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Copies a file in rate-limited chunks on a timer: how the emulator "uploads" and
 * "downloads". The budget follows wall-clock time, so a slow event loop does not slow the
 * simulated network down. While the budget allows more than a chunk, the next chunk follows
 * on the next turn of the event loop instead of the next tick, so a fast rate is not capped
 * at a chunk a tick.
 */
export class Transfer {
  private timer: NodeJS.Timeout | undefined;
  private sourceFd: number | undefined;
  private targetFd: number | undefined;
  private readonly hash = createHash('sha256');
  private copied = 0;
  private total = 0;
  private budget = 0;
  private last = 0;
  private stopped = false;
  private chunk: Buffer | undefined;

  constructor(private readonly options: TransferOptions) {}

  /** Starts on the next turn of the event loop, so the caller sees INITIALIZED first. */
  start(): void {
    setImmediate(() => this.begin());
  }

  private begin(): void {
    if (this.stopped) return;
    try {
      this.sourceFd = fs.openSync(this.options.source, 'r');
      this.total = fs.fstatSync(this.sourceFd).size;
      this.targetFd = fs.openSync(this.options.target, 'w');
    } catch (error) {
      this.fail(error);
      return;
    }
    this.last = Date.now();
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
  }

  /** Stops copying and closes the files; the caller removes the partial target. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closeFiles();
  }

  private closeFiles(): void {
    for (const fd of [this.sourceFd, this.targetFd]) {
      if (fd !== undefined) {
        try {
          fs.closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
    this.sourceFd = undefined;
    this.targetFd = undefined;
  }

  private fail(error: unknown): void {
    this.stop();
    this.options.onError(error);
  }

  private tick(): void {
    if (this.stopped || this.sourceFd === undefined || this.targetFd === undefined) return;
    try {
      const now = Date.now();
      const elapsed = Math.min(now - this.last, 1_000);
      this.last = now;
      this.budget += (this.options.rateBytesPerSecond() * elapsed) / 1_000;
      const size = Math.min(Math.floor(this.budget), this.total - this.copied, CHUNK_BYTES);
      if (size > 0) {
        const chunk = (this.chunk ??= Buffer.allocUnsafe(Math.min(CHUNK_BYTES, this.total))).subarray(0, size);
        const read = fs.readSync(this.sourceFd, chunk, 0, size, this.copied);
        if (read <= 0) throw new Error('source ended early');
        fs.writeSync(this.targetFd, chunk, 0, read);
        this.hash.update(chunk.subarray(0, read));
        const from = this.copied;
        this.copied += read;
        this.budget -= read;
        this.report(from);
      }
      if (this.copied >= this.total) {
        fs.fsyncSync(this.targetFd);
        const total = this.total;
        this.stop();
        this.options.onDone(this.hash.digest('hex'), total);
      } else if (this.budget >= 1 && size === CHUNK_BYTES) {
        setImmediate(() => this.tick());
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Progress after copying from `from` to `copied`: once, or at each report point passed. */
  private report(from: number): void {
    const frames = this.options.progressFrames;
    if (frames === undefined) {
      // the end is reported by onDone
      if (this.copied < this.total) this.options.onProgress(this.copied, this.total);
      return;
    }
    // report point k (1..frames-1) is at ceil(k * total / frames) bytes; the end is onDone's
    const first = Math.floor((from * frames) / this.total) + 1;
    const last = Math.min(frames - 1, Math.floor((this.copied * frames) / this.total));
    for (let k = first; k <= last && !this.stopped; k += 1) {
      this.options.onProgress(Math.ceil((k * this.total) / frames), this.total);
    }
  }
}
