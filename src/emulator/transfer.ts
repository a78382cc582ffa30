import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface TransferOptions {
  source: string;
  target: string;
  tickMs: number;
  /** Read on every tick, so a rate change applies to a running transfer. */
  rateBytesPerSecond: () => number;
  onProgress(copied: number, total: number): void;
  /** The target is complete and fsynced; `sha256` is the hash of what was copied. */
  onDone(sha256: string, total: number): void;
  onError(error: unknown): void;
}

/**
 * Copies a file in rate-limited chunks on a timer: how the emulator "uploads" and
 * "downloads". The budget follows wall-clock time, so a slow event loop does not slow the
 * simulated network down.
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
      const size = Math.min(Math.floor(this.budget), this.total - this.copied, 16 * 1024 * 1024);
      if (size > 0) {
        const chunk = Buffer.alloc(size);
        const read = fs.readSync(this.sourceFd, chunk, 0, size, this.copied);
        if (read <= 0) throw new Error('source ended early');
        fs.writeSync(this.targetFd, chunk, 0, read);
        this.hash.update(chunk.subarray(0, read));
        this.copied += read;
        this.budget -= read;
      }
      if (this.copied >= this.total) {
        fs.fsyncSync(this.targetFd);
        const total = this.total;
        this.stop();
        this.options.onDone(this.hash.digest('hex'), total);
      } else if (size > 0) {
        this.options.onProgress(this.copied, this.total);
      }
    } catch (error) {
      this.fail(error);
    }
  }
}
