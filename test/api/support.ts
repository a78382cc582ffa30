import net from 'node:net';
import type { FrameSource } from '../../src/api/index.js';

/** Everything a frame source delivered, and how it ended. */
export interface Collected<T> {
  frames: T[];
  /** Resolves with the error (or undefined on complete) once the source ends. */
  ended: Promise<Error | undefined>;
  events: Array<'next' | 'complete' | 'error'>;
  close(): void;
}

export function collect<T>(source: FrameSource<T>, onFrame?: (frame: T, collected: Collected<T>) => void): Collected<T> {
  const frames: T[] = [];
  const events: Collected<T>['events'] = [];
  let settle!: (error: Error | undefined) => void;
  const ended = new Promise<Error | undefined>((resolve) => (settle = resolve));
  const collected: Collected<T> = { frames, ended, events, close: () => handle.close() };
  const handle = source.open({
    next(frame) {
      events.push('next');
      frames.push(frame);
      onFrame?.(frame, collected);
    },
    complete() {
      events.push('complete');
      settle(undefined);
    },
    error(error) {
      events.push('error');
      settle(error);
    },
  });
  return collected;
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A fetch that records every request it passes on (method and path). */
export function recordingFetch(transform?: (response: Response) => Response) {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push(input instanceof Request ? input : new Request(input, init));
    const response = await globalThis.fetch(input, init);
    return transform ? transform(response) : response;
  };
  const calls = (path?: string) =>
    requests.filter((request) => path === undefined || new URL(request.url).pathname === path).length;
  return { fetch, requests, calls };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
