import { HttpError, type HttpErrorInit } from './http-error.js';

/** The backup, operation or route does not exist (404). */
export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError' as const;
  declare readonly status: 404;

  constructor(init: Omit<HttpErrorInit, 'status'>, options?: { cause?: unknown }) {
    super({ ...init, status: 404 }, options);
  }
}
