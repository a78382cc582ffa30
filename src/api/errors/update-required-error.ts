import { HttpError, type HttpErrorInit } from './http-error.js';

/** Pieces OS is too old for cloud backups: the user must update it (505). Never retried. */
export class UpdateRequiredError extends HttpError {
  override readonly name = 'UpdateRequiredError' as const;
  declare readonly status: 505;

  constructor(init: Omit<HttpErrorInit, 'status'>, options?: { cause?: unknown }) {
    super({ ...init, status: 505 }, options);
  }
}
