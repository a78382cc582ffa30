import type { KyInstance } from 'ky';
import type { Decoder } from '../models/index.js';
import { decodeBody } from './decode-body.js';
import { AbortedError, NetworkError, ProtocolError, isPiecesBackupError } from './errors/index.js';
import type { FrameSource } from './frame-source.js';
import { guardSink, type GuardedSink } from './guard-sink.js';
import { sendRequest, type RequestSpec } from './send-request.js';

export interface NdjsonFrameSourceOptions<T> {
  ky: KyInstance;
  baseUrl: string;
  /** The POST to make; `accept` is set here. ky's timeout ends at the headers: the body may take its time. */
  request: Omit<RequestSpec, 'accept'>;
  decoder: Decoder<T>;
}

/**
 * Frames of a streamed POST answered as NDJSON, one validated model per line. Each `open`
 * makes its own request; `close` aborts it. A bad line, or a line cut off by the end of the
 * body, is a `ProtocolError`; a body that dies is a `NetworkError`. A server that ignores
 * `Accept` and answers one JSON body yields that body as the only frame.
 */
export function createNdjsonFrameSource<T>(options: NdjsonFrameSourceOptions<T>): FrameSource<T> {
  return {
    open(target) {
      const sink = guardSink(target);
      const controller = new AbortController();
      const userSignal = options.request.signal;
      const signal = userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal;
      const request: RequestSpec = { ...options.request, signal, accept: 'application/x-ndjson' };

      const run = async () => {
        const { response, url } = await sendRequest(options.ky, options.baseUrl, request, async (response, url) => ({ response, url }));
        try {
          await readFrames(response, url, options.decoder, sink, signal);
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

async function readFrames<T>(response: Response, url: string, decoder: Decoder<T>, sink: GuardedSink<T>, signal: AbortSignal) {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('ndjson')) {
    sink.next(decodeBody(await response.text(), decoder, url, 'frame'));
    return;
  }
  if (!response.body) return;
  const reader = response.body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
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
