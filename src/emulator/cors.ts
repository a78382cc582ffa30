import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestRejection } from './request-rejection.js';

/** How long a browser may reuse a preflight answer, in seconds. */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The Pieces API uses GET and POST only; the admin surface also PUT (state) and DELETE (faults). */
const API_METHODS = ['GET', 'POST'] as const;
const ADMIN_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/** Request headers a page may send besides the safelisted ones: these and any `x-*` token. */
const SAFE_REQUEST_HEADERS = new Set(['accept', 'accept-language', 'content-language', 'content-type']);
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** `scheme://host[:port]`, optionally one trailing slash: no userinfo, path, query or fragment. */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+\/?$/i;

/**
 * `text` serialized the way a browser sends it in `Origin` (scheme and host lower-case, default
 * port dropped), or undefined when it is not an http(s) origin (`null`, `*`, `file://`, a URL
 * with a path...).
 */
export function normalizeOrigin(text: string): string | undefined {
  const trimmed = text.trim();
  if (!ORIGIN_SHAPE.test(trimmed)) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
}

/** For `allowedOrigins` and `--allow-origin`: the normalized origin, or a RangeError that says why not. */
export function parseOrigin(text: string): string {
  const origin = typeof text === 'string' ? normalizeOrigin(text) : undefined;
  if (origin !== undefined) return origin;
  const why =
    text === '*'
      ? 'a wildcard is never trusted: name each origin'
      : text === 'null'
        ? '"null" is the origin of file:// and sandboxed pages, which any site can make: it is never trusted'
        : 'expected scheme://host[:port] with scheme http or https and nothing after the port, e.g. http://localhost:5173';
  throw new RangeError(`not an origin: ${JSON.stringify(text)}: ${why}`);
}

/** Headers on every answer to a trusted cross-origin request: 2xx, text errors and streams alike. */
export function setCorsHeaders(res: ServerResponse, origin: string): void {
  // note: set before any handler runs, so every later writeHead merges them in.
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'Retry-After');
}

/** An `OPTIONS` with `Access-Control-Request-Method`: what a browser sends before a non-simple request. */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * 204 to a preflight from a trusted origin, for any path (the actual request then gets its real
 * 404 or 405, readable); 405 text when the requested method is not one the surface uses.
 * Requested headers are echoed only when safe; an unsafe one makes the browser fail the request.
 */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, origin: string, admin: boolean): void {
  const methods: readonly string[] = admin ? ADMIN_METHODS : API_METHODS;
  const method = String(req.headers['access-control-request-method']).trim();
  if (!methods.includes(method)) {
    throw new RequestRejection(405, `method ${JSON.stringify(method)} is not allowed cross-origin here; use ${methods.join(', ')}`, {
      allow: methods.join(', '),
    });
  }
  const requested = (req.headers['access-control-request-headers'] ?? '').split(',').map((name) => name.trim().toLowerCase());
  const allowed = [...new Set(requested)].filter(
    (name) => SAFE_REQUEST_HEADERS.has(name) || (name.length > 2 && name.startsWith('x-') && HEADER_TOKEN.test(name)),
  );
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'access-control-allow-methods': methods.join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
  if (allowed.length > 0) headers['access-control-allow-headers'] = allowed.join(', ');
  // Chrome's Private Network Access: a trusted public origin may reach this loopback daemon.
  if (req.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
  res.writeHead(204, headers);
  res.end();
}
