import type { KyInstance } from 'ky';
import type { Decoder } from '../models/index.js';
import { decodeBody } from './decode-body.js';
import { AbortedError, NetworkError, ProtocolError, TimeoutError, isPiecesBackupError } from './errors/index.js';
import type { FrameSource } from './frame-source.js';
import { guardSink, type GuardedSink } from './guard-sink.js';
import { readWithin } from './read-body.js';
import { DEFAULT_STALL_TIMEOUT, sendRequest, type RequestSpec } from './send-request.js';

export interface NdjsonFrameSourceOptions<T> {
  ky: KyInstance;
  baseUrl: string;
  /**
   * The POST to make; `accept` is set here. `timeout` bounds the headers; after them the body
   * must make progress: no bytes for `stallTimeout` (default `timeout`) is a `TimeoutError`.
   */
  request: Omit<RequestSpec, 'accept'>;
  decoder: Decoder<T>;
}

/**
 * Frames of a streamed POST answered as NDJSON, one validated model per line. Each `open`
 * makes its own request; `close` aborts it. A bad line, or a line cut off by the end of the
 * body, is a `ProtocolError`; a body that dies is a `NetworkError`, one that goes silent a
 * `TimeoutError` (`stalled`). A server that ignores `Accept` and answers one JSON body yields
 * that body as the only frame.
 */
export function createNdjsonFrameSource<T>(options: NdjsonFrameSourceOptions<T>): FrameSource<T> {
  return {
    open(target) {
      const sink = guardSink(target);
      const controller = new AbortController();
      const userSignal = options.request.signal;
      const signal = userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal;
      const request: RequestSpec = { ...options.request, signal, accept: 'application/x-ndjson', stream: true };
      const { timeout, stallTimeout } = options.request;
      const idleMs = stallTimeout === false ? undefined : (stallTimeout ?? (timeout === false ? DEFAULT_STALL_TIMEOUT : timeout));

      // close() and the caller's abort end a read directly too (see read-body.ts)
      const stop = new Promise<never>((_, reject) => {
        const onAbort = () => reject(new AbortedError({ reason: userSignal?.reason, what: 'POST stream' }));
        controller.signal.addEventListener('abort', onAbort, { once: true });
        userSignal?.addEventListener('abort', onAbort, { once: true });
      });
      stop.catch(() => undefined);

      const run = async () => {
        const { response, url } = await sendRequest(options.ky, options.baseUrl, request, async (response, url) => ({ response, url }));
        const stalled = () => new TimeoutError({ timeoutMs: idleMs ?? 0, method: 'POST', url, stalled: true });
        try {
          await readFrames(response, url, options.decoder, sink, signal, (reader) => readWithin(reader, idleMs, stalled, stop));
        } catch (error) {
          if (isPiecesBackupError(error)) throw error;
          if (userSignal?.aborted) throw new AbortedError({ reason: userSignal.reason, what: `POST ${url}` });
          throw new NetworkError({ method: 'POST', url, message: `POST ${url}: stream broke off` }, { cause: error });
        }
      };

      run().then(
        () => sink.complete(),
        (error: unknown) => {
          // After close() the abort surfaces here as an error nobody asked for.
          if (!controller.signal.aborted) sink.error(error as Error);
        },
      );

      return {
        close() {
          sink.close();
          controller.abort();
        },
      };
    },
  };
}

type Read = (reader: ReadableStreamDefaultReader<Uint8Array>) => Promise<ReadableStreamReadResult<Uint8Array>>;

async function readFrames<T>(response: Response, url: string, decoder: Decoder<T>, sink: GuardedSink<T>, signal: AbortSignal, read: Read) {
  if (!response.body) return;
  const reader = response.body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  const contentType = response.headers.get('content-type') ?? '';
  try {
    if (!contentType.includes('ndjson')) {
      for (let chunk = await read(reader); !chunk.done; chunk = await read(reader)) buffer += text.decode(chunk.value, { stream: true });
      sink.next(decodeBody(buffer + text.decode(), decoder, url, 'frame'));
      return;
    }
    for (;;) {
      const { done, value } = await read(reader);
      if (done) break;
      buffer += text.decode(value, { stream: true });
      // a cursor over the chunk, the rest kept once: cutting the buffer at every line copies
      // it again and again when a chunk holds thousands of frames
      let start = 0;
      let newline: number;
      while ((newline = buffer.indexOf('\n', start)) >= 0) {
        const line = buffer.slice(start, newline).trim();
        start = newline + 1;
        // Blank lines are keep-alives.
        if (line !== '') sink.next(decodeBody(line, decoder, url, 'frame'));
        // The consumer may close or abort from inside next(): no frame after that.
        if (sink.done) return;
        signal.throwIfAborted();
      }
      buffer = buffer.slice(start);
    }
    buffer += text.decode();
    if (buffer.trim() !== '') {
      throw new ProtocolError({ message: 'stream ended inside a frame (truncated)', url, snippet: buffer.slice(0, 200) });
    }
  } finally {
    // Releases the connection when we stop early (bad frame, close()).
    reader.cancel().catch(() => undefined);
  }
}
