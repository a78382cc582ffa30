import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

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
 * loopback `Host` (or the configured bind host) and a loopback or allowed `Origin` pass.
 */
export function checkRequestOrigin(
  req: IncomingMessage,
  allowed: { bindHost: string; allowedOrigins: readonly string[] },
): void {
  const hostHeader = req.headers.host;
  const hostname = hostHeader === undefined ? undefined : hostnameOf(hostHeader);
  const bindHost = allowed.bindHost.toLowerCase();
  const hostOk =
    hostname !== undefined &&
    (LOOPBACK_HOSTS.has(hostname) ||
      (bindHost !== '0.0.0.0' && bindHost !== '::' && (hostname === bindHost || hostname === `[${bindHost}]`)));
  if (!hostOk) throw new HttpError(403, `forbidden: Host ${JSON.stringify(hostHeader ?? '')} is not a loopback host`);

  const origin = req.headers.origin;
  if (origin === undefined) return;
  const normalized = origin.trim().replace(/\/+$/, '');
  if (allowed.allowedOrigins.some((candidate) => candidate.replace(/\/+$/, '') === normalized)) return;
  let url: URL | undefined;
  try {
    url = new URL(normalized);
  } catch {
    url = undefined;
  }
  const originOk = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  if (!originOk) throw new HttpError(403, `forbidden: Origin ${JSON.stringify(origin)} is not allowed`);
}

/**
 * The decoded path segments of a request target, refusing anything that could walk out of a
 * folder (`..`, encoded slashes, NUL) before any route or file is looked at.
 */
export function pathSegments(rawUrl: string | undefined): string[] {
  const url = rawUrl ?? '';
  if (!url.startsWith('/')) throw new HttpError(400, 'bad request target');
  const pathname = url.split('?')[0]!.split('#')[0]!;
  if (/%2f|%5c|%00/i.test(pathname)) throw new HttpError(400, 'encoded slashes are not allowed in paths');
  return pathname
    .split('/')
    .slice(1)
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new HttpError(400, 'malformed percent-encoding in path');
      }
      if (decoded === '.' || decoded === '..' || /[\\/\0]/.test(decoded)) {
        throw new HttpError(400, 'path traversal is not allowed');
      }
      return decoded;
    });
}
