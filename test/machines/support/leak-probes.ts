import { asyncScheduler, Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import WebSocket from 'ws';
import type { BackupClient, WebSocketConstructor } from '../../../src/api/index.js';

/**
 * A fetch that counts requests until their answer is fully read, cancelled or failed: an
 * answer nobody consumes stays open and shows up in `open`.
 */
export function countingFetch(base: typeof fetch = fetch) {
  const requests: Array<{ method: string; url: string; done: boolean }> = [];
  const counted: typeof fetch = async (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const url = input instanceof Request ? input.url : String(input);
    const entry = { method, url, done: false };
    requests.push(entry);
    const finish = () => void (entry.done = true);
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      finish();
      throw error;
    }
    if (!response.body) {
      finish();
      return response;
    }
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          finish();
          controller.error(error);
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: counted,
    requests,
    get open() {
      return requests.filter((request) => !request.done);
    },
  };
}

/** A `ws` WebSocket that counts sockets opened and closed. */
export function countingWebSocket() {
  const sockets: Array<{ url: string; closed: boolean }> = [];
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const entry = { url, closed: false };
      sockets.push(entry);
      this.addEventListener('close', () => (entry.closed = true));
    }
  }
  return {
    WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
    sockets,
    get open() {
      return sockets.filter((socket) => !socket.closed);
    },
  };
}

/**
 * Records the signals a client is given and the 'abort' listeners added to them: after
 * everything stopped, a signal not aborted must have none left.
 */
export function trackClientSignals(client: BackupClient) {
  const signals = new Set<AbortSignal>();
  const listeners = new Map<AbortSignal, Set<unknown>>();
  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  proto.addEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    if (this instanceof AbortSignal && type === 'abort' && listener) {
      let set = listeners.get(this);
      if (!set) listeners.set(this, (set = new Set()));
      set.add(listener);
    }
    return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
  } as typeof proto.addEventListener;
  proto.removeEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    if (this instanceof AbortSignal && type === 'abort') listeners.get(this)?.delete(listener);
    return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
  } as typeof proto.removeEventListener;

  const wrapped = new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        for (const arg of args) {
          const signal = (arg as { signal?: unknown } | undefined)?.signal;
          if (signal instanceof AbortSignal) signals.add(signal);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    client: wrapped,
    signals,
    /** Signals still live (not aborted) with abort listeners attached. */
    leaked: () => [...signals].filter((signal) => !signal.aborted && (listeners.get(signal)?.size ?? 0) > 0),
    restore: () => {
      proto.addEventListener = add;
      proto.removeEventListener = remove;
    },
  };
}

/** asyncScheduler, counting the waits scheduled and not yet run or cancelled. */
export function countingScheduler(base: SchedulerLike = asyncScheduler) {
  let pending = 0;
  const scheduler: SchedulerLike = {
    now: () => base.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      pending += 1;
      let counted = true;
      const settle = () => {
        if (counted) pending -= 1;
        counted = false;
      };
      const subscription = base.schedule(
        function (this: SchedulerAction<T>, value?: T) {
          settle();
          // a rescheduling action (this.schedule) is counted again by its own call
          work.call(this, value);
        },
        delay,
        state,
      );
      return new Subscription(() => {
        settle();
        subscription.unsubscribe();
      });
    },
  };
  return {
    scheduler,
    get pending() {
      return pending;
    },
  };
}
