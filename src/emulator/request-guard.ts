import type { IncomingMessage } from 'node:http';
import { normalizeOrigin } from './cors.js';
import type { ResolvedOptions } from './options.js';
import { RequestRejection } from './request-rejection.js';

/** `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$` and no `..`: docs/protocol.md "Ids". */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.includes('..');
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string | undefined {
  const host = hostHeader.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
  return match?.[1];
}

/**
 * DNS rebinding and cross-site requests are the attacks a loopback daemon faces: only a
 * loopback `Host` (or the configured bind host) passes, and only a same-origin or trusted
 * `Origin` (docs/protocol.md "Browsers, CORS and Origin"). Returns the origin to answer with
 * CORS headers: undefined for no `Origin` and for same-origin requests, which need none.
 */
export function checkRequestOrigin(
  req: IncomingMessage,
  policy: Pick<ResolvedOptions, 'host' | 'allowedOrigins' | 'allowLoopbackOrigins'>,
): string | undefined {
  const hostHeader = req.headers.host;
  const hostname = hostHeader === undefined ? undefined : hostnameOf(hostHeader);
  const bindHost = policy.host.toLowerCase();
  const hostOk =
    hostname !== undefined &&
    (LOOPBACK_HOSTS.has(hostname) ||
      (bindHost !== '0.0.0.0' && bindHost !== '::' && (hostname === bindHost || hostname === `[${bindHost}]`)));
  if (!hostOk) throw new RequestRejection(403, `forbidden: Host ${JSON.stringify(hostHeader ?? '')} is not a loopback host`);

  const header = req.headers.origin;
  if (header === undefined) return undefined;
  const origin = normalizeOrigin(header);
  if (origin !== undefined && origin === normalizeOrigin(`http://${hostHeader}`)) return undefined;
  if (origin !== undefined && policy.allowedOrigins.includes(origin)) return origin;
  if (origin !== undefined && policy.allowLoopbackOrigins && LOOPBACK_HOSTS.has(new URL(origin).hostname)) return origin;
  const hint = origin === undefined ? 'it is not an http(s) origin' : `start the emulator with --allow-origin ${origin} to trust it`;
  throw new RequestRejection(403, `forbidden: Origin ${JSON.stringify(header)} is not allowed: ${hint}`);
}

/**
 * The decoded path segments of a request target, refusing anything that could walk out of a
 * folder (`..`, encoded slashes, NUL) before any route or file is looked at.
 */
export function pathSegments(rawUrl: string | undefined): string[] {
  const url = rawUrl ?? '';
  if (!url.startsWith('/')) throw new RequestRejection(400, 'bad request target');
  const pathname = url.split('?')[0]!.split('#')[0]!;
  if (/%2f|%5c|%00/i.test(pathname)) throw new RequestRejection(400, 'encoded slashes are not allowed in paths');
  return pathname
    .split('/')
    .slice(1)
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new RequestRejection(400, 'malformed percent-encoding in path');
      }
      if (decoded === '.' || decoded === '..' || /[\\/\0]/.test(decoded)) {
        throw new RequestRejection(400, 'path traversal is not allowed');
      }
      return decoded;
    });
}
