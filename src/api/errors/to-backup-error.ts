import { DecodeError } from '../../models/index.js';
import { AbortedError } from './aborted-error.js';
import { NetworkError } from './network-error.js';
import { PiecesBackupError } from './pieces-backup-error.js';
import { ProtocolError } from './protocol-error.js';
import { isPiecesBackupError } from './type-guards.js';

/**
 * Whatever was thrown, as a `PiecesBackupError`: ours pass through, an `AbortError` becomes
 * `AbortedError`, a `DecodeError` a `ProtocolError`, a fetch `TypeError` a `NetworkError`,
 * anything else the base class with the original as `cause`. Upper layers call this once
 * so their error channel has one type.
 *
 * @example
 * ```ts
 * const error = toBackupError(caught);
 * if (error.name === 'AuthenticationRequiredError') showSignIn();
 * ```
 */
export function toBackupError(error: unknown): PiecesBackupError {
  if (isPiecesBackupError(error)) return error;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'AbortError') return new AbortedError({ reason: error });
  if (error instanceof DecodeError || name === 'DecodeError') {
    const path = (error as DecodeError).path;
    return new ProtocolError({ message: `malformed body: ${(error as Error).message}`, url: 'unknown', path }, { cause: error });
  }
  // fetch reports refused/reset connections as a bare TypeError with the reason in `cause`.
  if (error instanceof TypeError) return new NetworkError({ method: 'unknown', url: 'unknown' }, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new PiecesBackupError(message, { cause: error });
}
