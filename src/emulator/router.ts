import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './emulator-core.js';
import type { FaultSpec, OperationName } from './faults.js';
import { HttpError } from './http-error.js';
import { isValidId } from './request-guard.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  core: EmulatorCore;
  /** The `{backup}` path parameter, validated. */
  params: Record<string, string>;
  /** The parsed JSON body, `undefined` when there is none. */
  body: unknown;
  fault: FaultSpec | undefined;
}

export interface Route extends RoutePattern {
  /** The seed or companion operation name: what faults aim at. */
  operation?: OperationName;
  /** Run the 511/505 cloud checks first. */
  cloud?: boolean;
  handle(context: RouteContext): Promise<void> | void;
}

/** What matching needs of a route: HTTP and WebSocket routes share it. */
export interface RoutePattern {
  method: Method;
  /** Segments; `:name` is an id parameter. */
  path: string;
}

export interface RouteMatch<TRoute extends RoutePattern = Route> {
  route: TRoute;
  params: Record<string, string>;
}

function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/**
 * First route whose path and method match; 405 if only the path does, 404 if nothing does,
 * 400 for an id that is not an id (before anything looks it up).
 */
export function matchRoute<TRoute extends RoutePattern>(
  routes: readonly TRoute[],
  method: string,
  segments: readonly string[],
): RouteMatch<TRoute> {
  const allowed = new Set<string>();
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method !== method) {
      allowed.add(route.method);
      continue;
    }
    for (const value of Object.values(params)) {
      if (!isValidId(value)) throw new HttpError(400, `malformed backup id ${JSON.stringify(value.slice(0, 140))}`);
    }
    return { route, params };
  }
  if (allowed.size > 0) {
    throw new HttpError(405, `method ${method} not allowed; use ${[...allowed].join(', ')}`, { allow: [...allowed].join(', ') });
  }
  throw new HttpError(404, `no route for /${segments.join('/')}`);
}
