import { Observable } from 'rxjs';
import type { FrameSource } from '../api/frame-source.js';

/**
 * A FrameSource as a cold Observable: each subscription opens the source, unsubscribing
 * closes it (the socket or request it holds), whether or not it already ended.
 */
export function fromFrameSource<T>(source: FrameSource<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const handle = source.open({
      next: (frame) => subscriber.next(frame),
      complete: () => subscriber.complete(),
      error: (error) => subscriber.error(error),
    });
    return () => handle.close();
  });
}
