import { catchError, throwError, type MonoTypeOperatorFunction } from 'rxjs';
import { toBackupError } from '../api/errors/index.js';

/** Whatever a stream errors with reaches subscribers as a `PiecesBackupError`. */
export function typedErrors<T>(): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => throwError(() => toBackupError(error)));
}
