import type { FaultSpec } from './faults.js';

/** Where frames go: an NDJSON response or a WebSocket. */
export interface FrameSink {
  /** Send one whole frame (already JSON text). */
  send(text: string): void;
  /** Send an incomplete frame, then end the stream as if all was well. */
  sendPartialAndEnd(text: string): void;
  /** End cleanly after the terminal frame. */
  end(): void;
  /** Drop the connection. */
  destroy(): void;
}

/**
 * Sends frames to a sink and applies a stream fault on the way: stall or reset after N
 * frames, a cut frame after the first one, or one frame that is not JSON. The operation is
 * never affected: only this connection misbehaves.
 */
export class FramePump {
  private sent = 0;
  private done = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly fault: FaultSpec | undefined,
  ) {}

  get finished(): boolean {
    return this.done;
  }

  /** Returns false once the pump wants no more frames (ended, stalled or dropped). */
  push(frame: unknown, last: boolean): boolean {
    if (this.done) return false;
    const fault = this.fault;
    if (fault?.stallAfterFrames !== undefined && this.sent >= fault.stallAfterFrames) {
      // Silence, connection left open: what a hung daemon looks like from the client.
      this.done = true;
      return false;
    }
    if (fault?.resetAfterFrames !== undefined && this.sent >= fault.resetAfterFrames) {
      this.done = true;
      this.sink.destroy();
      return false;
    }
    const text = JSON.stringify(frame);
    if (fault?.truncate && this.sent >= 1) {
      this.done = true;
      this.sink.sendPartialAndEnd(text.slice(0, Math.floor(text.length / 2)));
      return false;
    }
    if (fault?.malformed && this.sent === 1) this.sink.send('{"status": IN-PROGRESS, not json');
    this.sink.send(text);
    this.sent += 1;
    if (last) {
      this.done = true;
      this.sink.end();
      return false;
    }
    return true;
  }

  stop(): void {
    this.done = true;
  }
}
