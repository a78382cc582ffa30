import { HttpError, type HttpErrorInit } from './http-error.js';

/** The user must sign in to Pieces OS and connect to the cloud first (511). Never retried. */
export class AuthenticationRequiredError extends HttpError {
  override readonly name = 'AuthenticationRequiredError' as const;
  declare readonly status: 511;

  constructor(init: Omit<HttpErrorInit, 'status'>, options?: { cause?: unknown }) {
    super({ ...init, status: 511 }, options);
  }
}
