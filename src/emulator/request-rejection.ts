/**
 * An answer the emulator gives on purpose: a status and a plain-text reason. Handlers
 * throw it; the dispatcher turns it into `text/plain` so every non-2xx has a readable body.
 * (Not the client's `HttpError`, which is what a client makes of such an answer.)
 */
export class RequestRejection extends Error {
  override readonly name = 'RequestRejection' as const;
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isRequestRejection(error: unknown): error is RequestRejection {
  return error instanceof Error && error.name === 'RequestRejection';
}
