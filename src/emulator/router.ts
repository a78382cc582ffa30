import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENDPOINT_NAMES, ENDPOINTS, type BackupApiEndpointName, type EndpointMethod, type EndpointName } from '../models/index.js';
import type { EmulatorCore } from './emulator-core.js';
import type { FaultSpec } from './faults.js';
import { isValidId } from './request-guard.js';
import { RequestRejection } from './request-rejection.js';

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
  operation?: EndpointName;
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

/**
 * The routes of the table's endpoints called with `methods`, in table order (the first match
 * wins), each with its handler: method, path and operation come from `ENDPOINTS`. A WebSocket
 * endpoint is matched as the GET that upgrades it.
 */
export function endpointRoutes<M extends EndpointMethod, TRoute extends RoutePattern & { operation?: EndpointName }>(
  methods: readonly M[],
  handlers: { readonly [N in BackupApiEndpointName<M>]: Omit<TRoute, keyof RoutePattern | 'operation'> },
): TRoute[] {
  // the daemon's own rows have their routes in daemon-routes.ts
  const served = (name: EndpointName): name is BackupApiEndpointName<M> =>
    (methods as readonly EndpointMethod[]).includes(ENDPOINTS[name].method) && !('daemon' in ENDPOINTS[name]);
  return ENDPOINT_NAMES.filter(served).map((operation) => {
    const { method, path } = ENDPOINTS[operation];
    const pattern: RoutePattern & { operation?: EndpointName } = { method: method === 'WS' ? 'GET' : method, path, operation };
    return { ...pattern, ...handlers[operation] } as TRoute;
  });
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
      if (!isValidId(value)) throw new RequestRejection(400, `malformed backup id ${JSON.stringify(value.slice(0, 140))}`);
    }
    return { route, params };
  }
  if (allowed.size > 0) {
    throw new RequestRejection(405, `method ${method} not allowed; use ${[...allowed].join(', ')}`, { allow: [...allowed].join(', ') });
  }
  throw new RequestRejection(404, `no route for /${segments.join('/')}`);
}
