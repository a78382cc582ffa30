import { PiecesBackupError } from './pieces-backup-error.js';

/**
 * The daemon answered something this library cannot read: a body that is not JSON, a field
 * of the wrong type (`path` names it, e.g. `iterable[2].created.value`), a malformed or
 * truncated frame. Not retried: the same request would get the same answer.
 */
export class ProtocolError extends PiecesBackupError {
  override readonly name = 'ProtocolError' as const;
  /** The offending field, `''` for the root; undefined when the body was not even JSON. */
  readonly path: string | undefined;
  /** The start of what was received, for the log. */
  readonly snippet: string;
  readonly url: string;

  constructor(init: { message: string; url: string; path?: string; snippet?: string }, options?: { cause?: unknown }) {
    super(`${init.message} (from ${init.url})`, options);
    this.path = init.path;
    this.snippet = init.snippet ?? '';
    this.url = init.url;
  }
}
