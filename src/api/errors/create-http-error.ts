import { AuthenticationRequiredError } from './authentication-required-error.js';
import { ConflictError } from './conflict-error.js';
import { HttpError, type HttpErrorInit } from './http-error.js';
import { NotFoundError } from './not-found-error.js';
import { ServerError } from './server-error.js';
import { UpdateRequiredError } from './update-required-error.js';

/** The most specific `HttpError` subclass for a status. */
export function createHttpError(init: HttpErrorInit): HttpError {
  switch (init.status) {
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 505:
      return new UpdateRequiredError(init);
    case 511:
      return new AuthenticationRequiredError(init);
    default:
      return init.status >= 500 && init.status <= 599 ? new ServerError(init) : new HttpError(init);
  }
}
