import { HttpError } from './http-error.js';

/**
 * The daemon failed: 500, or any 5xx other than 505/511. It is also what a cancel answers
 * when nothing is in progress (the seed's choice), so `body` is worth showing.
 */
export class ServerError extends HttpError {
  override readonly name = 'ServerError' as const;
}
