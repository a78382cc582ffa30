import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec } from './faults.js';
import { RequestRejection } from './request-rejection.js';

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function writable(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed && !res.writableEnded;
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (!writable(res)) return;
  const body = text.endsWith('\n') ? text : `${text}\n`;
  res.writeHead(status, { ...headers, 'content-type': TEXT, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `text` byte for byte, no newline added: for bodies clients parse as they come (a version). */
export function sendTextExactly(res: ServerResponse, status: number, text: string): void {
  if (!writable(res)) return;
  res.writeHead(status, { 'content-type': TEXT, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status = 204): void {
  if (!writable(res)) return;
  res.writeHead(status);
  res.end();
}

/** Gives a body a field of the wrong type, the way a broken server would. */
export function malform(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'lots';
  const source = value as Record<string, unknown>;
  if ('percentage' in source || 'status' in source || 'value' in source) return { ...source, percentage: 'lots' };
  if ('iterable' in source) return { ...source, iterable: 'lots' };
  if ('bytes' in source) return { ...source, bytes: 'lots' };
  return { ...source, percentage: 'lots' };
}

/** A JSON answer; `truncate` and `malformed` faults are applied here. */
export function sendJson(res: ServerResponse, status: number, value: unknown, fault?: FaultSpec): void {
  if (!writable(res)) return;
  let body = JSON.stringify(fault?.malformed ? malform(value) : value);
  if (fault?.truncate) body = body.slice(0, Math.floor(body.length / 2));
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads the whole body up to `maxBytes`; over the cap answers 413. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new RequestRejection(413, `request body over ${maxBytes} bytes`, { connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        reject(new RequestRejection(413, `request body over ${maxBytes} bytes`, { connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!over) reject(error);
    });
  });
}

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** No Pieces model nests deeper: a body or frame that does is refused before anything walks it. */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON `text` opens more than `limit` arrays or objects inside each other (strings skipped). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth -= 1;
  }
  return false;
}

/**
 * The parsed JSON body, or `undefined` for none. An empty body counts as none whatever the
 * Content-Type (the official client sends `application/json` with nothing for optional bodies).
 */
export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  if (!isJsonType(req.headers['content-type'])) {
    throw new RequestRejection(415, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: send application/json`);
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new RequestRejection(400, `JSON body nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestRejection(400, 'malformed JSON body');
  }
}

export function wantsNdjson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/x-ndjson');
}
