import { Observable } from 'rxjs';

/**
 * A promise-returning call as a cold Observable that owns an AbortController: unsubscribing
 * before it settles aborts the request, and a settlement after that is ignored.
 */
export function fromAbortable<T>(call: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let promise: Promise<T>;
    try {
      promise = call(controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        if (controller.signal.aborted) return;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
    return () => controller.abort();
  });
}
