import type { FrameSink } from './frame-source.js';

export interface GuardedSink<T> extends FrameSink<T> {
  /** True once `complete`/`error` ran or `close` was called: nothing more may be delivered. */
  readonly done: boolean;
  /** The consumer closed: silence from now on. */
  close(): void;
}

/** Enforces the FrameSource contract once, for every source: one ending, nothing after close. */
export function guardSink<T>(sink: FrameSink<T>): GuardedSink<T> {
  let done = false;
  return {
    get done() {
      return done;
    },
    next(frame) {
      if (!done) sink.next(frame);
    },
    complete() {
      if (done) return;
      done = true;
      sink.complete();
    },
    error(error) {
      if (done) return;
      done = true;
      sink.error(error);
    },
    close() {
      done = true;
    },
  };
}
