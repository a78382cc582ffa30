/**
 * A push source of validated frames: the smallest thing the RxJS layer can wrap. It does
 * nothing until `open` is called, and `close` releases the socket or request it holds.
 * Exactly one of `complete` / `error` is called, once, unless `close` was called first.
 */
export interface FrameSource<T> {
  open(sink: FrameSink<T>): { close(): void };
}

export interface FrameSink<T> {
  next(frame: T): void;
  /** The stream ended normally (terminal frame sent, or the server closed cleanly). */
  complete(): void;
  /** A typed error from `./errors` (`ProtocolError` for a malformed frame, `NetworkError` for a drop). */
  error(error: Error): void;
}
