import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec } from './faults.js';
import { FramePump } from './frame-pump.js';
import { sendJson, sendText, wantsNdjson } from './http-io.js';
import type { Operation } from './operation.js';

/** Streams an operation as NDJSON: the current frame, then every change, the last one terminal. */
export function streamNdjson(res: ServerResponse, operation: Operation, fault: FaultSpec | undefined): void {
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.flushHeaders();
  const pump = new FramePump(
    {
      send: (text) => void res.write(`${text}\n`),
      sendPartialAndEnd: (text) => res.end(text),
      end: () => res.end(),
      destroy: () => res.destroy(),
    },
    fault,
  );
  // Closing the stream only stops the frames; the operation runs on.
  const unsubscribe = operation.subscribe((frame) => {
    if (!pump.push(frame, operation.terminal)) unsubscribe();
  });
  res.on('close', () => {
    pump.stop();
    unsubscribe();
  });
  if (!pump.push(operation.frame(), operation.terminal)) unsubscribe();
}

/** The two flavours of a streamed endpoint: NDJSON when asked for, else one final frame. */
export async function answerStreamed(
  req: IncomingMessage,
  res: ServerResponse,
  operation: Operation,
  fault: FaultSpec | undefined,
): Promise<void> {
  if (wantsNdjson(req)) {
    streamNdjson(res, operation, fault);
    return;
  }
  const final = await operation.finished;
  sendJson(res, 200, final, fault);
}

/** The blocking endpoints: the Backup when it completes, a 500 text when it does not. */
export async function answerWhenDone(res: ServerResponse, operation: Operation, fault: FaultSpec | undefined): Promise<void> {
  const final = await operation.finished;
  if (final.status === 'COMPLETED') {
    sendJson(res, 200, operation.backup, fault);
    return;
  }
  sendText(res, 500, `${operation.label} ended ${String(final.status)}${operation.failure ? `: ${operation.failure}` : ''}`);
}
