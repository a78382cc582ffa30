import { PiecesBackupError } from './pieces-backup-error.js';

/**
 * The connection failed: refused, reset, or the body died mid-stream (also an abnormal
 * WebSocket close). Transient by nature, so idempotent reads retry it.
 */
export class NetworkError extends PiecesBackupError {
  override readonly name = 'NetworkError' as const;
  readonly method: string;
  readonly url: string;
  /**
   * `false` when the transport knows the request never reached the daemon (the connection was
   * refused, a WebSocket closed before its upgrade completed, so no start frame went out);
   * `true` when it was sent; `undefined` when it cannot tell. See `isRequestUnsent`.
   */
  readonly requestSent: boolean | undefined;

  constructor(init: { method: string; url: string; message?: string; requestSent?: boolean }, options?: { cause?: unknown }) {
    super(init.message ?? `${init.method} ${init.url} failed: ${describeCause(options?.cause)}`, options);
    this.method = init.method;
    this.url = init.url;
    this.requestSent = init.requestSent;
  }
}

// undici hides the useful part (ECONNREFUSED, "other side closed") in `cause`.
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'network error';
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return `${cause.message}${inner}`;
}
