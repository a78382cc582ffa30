import { HttpError, type HttpErrorInit } from './http-error.js';

/** Another operation is running, or the backup is busy (409). Not retryable. */
export class ConflictError extends HttpError {
  override readonly name = 'ConflictError' as const;
  declare readonly status: 409;

  constructor(init: Omit<HttpErrorInit, 'status'>, options?: { cause?: unknown }) {
    super({ ...init, status: 409 }, options);
  }
}
