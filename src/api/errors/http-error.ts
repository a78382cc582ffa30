import { PiecesBackupError, type HttpErrorName } from './pieces-backup-error.js';

/** What the transport knows about a non-2xx answer (or a WebSocket close in 4000-4999). */
export interface HttpErrorInit {
  status: number;
  statusText?: string;
  /** The `text/plain` body the daemon sent: it says what went wrong. */
  body?: string;
  method: string;
  url: string;
  /** The raw `Retry-After` header, when the answer had one. */
  retryAfter?: string;
}

/**
 * A non-2xx answer. The common statuses have their own subclasses (`NotFoundError`,
 * `ConflictError`, `ServerError`, `UpdateRequiredError`, `AuthenticationRequiredError`).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (isHttpError(error)) console.log(error.status, error.body);
 * }
 * ```
 */
export class HttpError extends PiecesBackupError {
  override readonly name: HttpErrorName = 'HttpError';
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly method: string;
  readonly url: string;
  readonly retryAfter: string | undefined;

  constructor(init: HttpErrorInit, options?: { cause?: unknown }) {
    const status = `${init.status} ${init.statusText ?? ''}`.trim();
    const detail = init.body?.trim() ? `: ${truncate(init.body.trim(), 200)}` : '';
    super(`${init.method} ${init.url} answered ${status}${detail}`, options);
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.body = init.body ?? '';
    this.method = init.method;
    this.url = init.url;
    this.retryAfter = init.retryAfter;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
