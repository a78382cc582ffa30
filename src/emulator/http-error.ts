/**
 * An answer the emulator gives on purpose: a status and a plain-text reason. Handlers
 * throw it; the dispatcher turns it into `text/plain` so every non-2xx has a readable body.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError' as const;
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && error.name === 'HttpError';
}
