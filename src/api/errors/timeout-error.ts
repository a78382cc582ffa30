import { PiecesBackupError } from './pieces-backup-error.js';

/** No answer within `timeoutMs` (headers for streams, the whole answer otherwise). */
export class TimeoutError extends PiecesBackupError {
  override readonly name = 'TimeoutError' as const;
  readonly timeoutMs: number;
  readonly method: string;
  readonly url: string;

  constructor(init: { timeoutMs: number; method: string; url: string }) {
    super(`${init.method} ${init.url} timed out after ${init.timeoutMs} ms`);
    this.timeoutMs = init.timeoutMs;
    this.method = init.method;
    this.url = init.url;
  }
}
