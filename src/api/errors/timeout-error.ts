import { PiecesBackupError } from './pieces-backup-error.js';

/**
 * No answer within `timeoutMs`: the whole answer of a plain call, body included; the headers
 * of a stream, then a body that made no progress for `timeoutMs` (`stalled`); the upgrade of a
 * WebSocket.
 */
export class TimeoutError extends PiecesBackupError {
  override readonly name = 'TimeoutError' as const;
  readonly timeoutMs: number;
  readonly method: string;
  readonly url: string;
  /** The answer had begun (headers arrived) and then its body stopped coming. */
  readonly stalled: boolean;
  /** As `NetworkError.requestSent`: `false` only when the transport knows nothing was asked. */
  readonly requestSent: boolean | undefined;

  constructor(init: { timeoutMs: number; method: string; url: string; stalled?: boolean; requestSent?: boolean }) {
    const what = init.stalled ? `body stalled: no bytes for ${init.timeoutMs} ms` : `timed out after ${init.timeoutMs} ms`;
    super(`${init.method} ${init.url} ${what}`);
    this.timeoutMs = init.timeoutMs;
    this.method = init.method;
    this.url = init.url;
    this.stalled = init.stalled ?? false;
    this.requestSent = init.requestSent;
  }
}
