import type { OperationKind } from './enums.js';

/** How an endpoint is called. `WS` is a GET upgraded to a WebSocket. */
export type EndpointMethod = 'GET' | 'POST' | 'WS';

export interface Endpoint {
  readonly method: EndpointMethod;
  /** From the base URL; a `:name` segment is an id (`:backup`: a backup id). */
  readonly path: `/${string}`;
  readonly description: string;
  /** The daemon's own endpoint beside the Backup API (served by the emulator's daemon routes). */
  readonly daemon?: true;
}

/**
 * Every endpoint of the Backup API (the seed's nine) and the companion Backups API, keyed by
 * operation name: the seed's, or the companion one docs/protocol.md gives. The names are also
 * the emulator's fault names. The client, the stream errors and the emulator's routes all read
 * this table, so a path is written once.
 *
 * Order matters to the emulator's router (first match wins): `/backup/asset` before `/backup/:backup`.
 *
 * @example
 * ```ts
 * ENDPOINTS.backup_restore_specific_backup; // { method: 'POST', path: '/backup/:backup/restore', ... }
 * ```
 */
export const ENDPOINTS = {
  backup: { method: 'POST', path: '/backup', description: 'Upserts the given assets and starts a creation; 204 at once.' },
  backup_asset: { method: 'POST', path: '/backup/asset', description: 'Stores one asset in the cloud.' },
  backup_restore_specific_backup: {
    method: 'POST',
    path: '/backup/:backup/restore',
    description: 'Restores a backup; answers the Backup when the restoration completes.',
  },
  backup_restore_specific_backup_streamed: {
    method: 'POST',
    path: '/backup/:backup/restore/streamed',
    description: 'Restores a backup; BackupStreamedProgress as NDJSON, or one final frame.',
  },
  backup_specific_backup_snapshot: { method: 'GET', path: '/backup/:backup', description: 'One backup.' },
  backup_specific_creation_cancel: {
    method: 'POST',
    path: '/backup/:backup/creation/cancel',
    description: 'Asks the running creation of a backup to cancel.',
  },
  backup_specific_creation_status: {
    method: 'GET',
    path: '/backup/:backup/creation/status',
    description: 'The BackupStatus of a creation.',
  },
  backup_specific_restoration_cancel: {
    method: 'POST',
    path: '/backup/:backup/restoration/cancel',
    description: 'Asks the running restoration of a backup to cancel.',
  },
  backup_specific_restoration_status: {
    method: 'GET',
    path: '/backup/:backup/restoration/status',
    description: 'The BackupStatus of the latest restoration of a backup.',
  },
  backups_snapshot: { method: 'GET', path: '/backups', description: 'The completed backups, newest first.' },
  backups_create_new_backup: {
    method: 'POST',
    path: '/backups/create',
    description: 'Creates a backup; answers the Backup when the creation completes.',
  },
  backups_create_new_backup_streamed: {
    method: 'POST',
    path: '/backups/create/streamed',
    description: 'Creates a backup; BackupStreamedProgress as NDJSON, or one final frame.',
  },
  backups_delete_specific_backup: { method: 'POST', path: '/backups/:backup/delete', description: 'Deletes a backup.' },
  backups_create_streamed_websocket: {
    method: 'WS',
    path: '/backups/create/streamed/websocket',
    description: 'Creates a backup on the start frame; BackupStreamedProgress frames.',
  },
  backup_restore_streamed_websocket: {
    method: 'WS',
    path: '/backup/:backup/restore/streamed/websocket',
    description: 'Restores a backup (or attaches to its running restoration) on the start frame; BackupStreamedProgress frames.',
  },
  backups_streamed_progress_websocket: {
    method: 'WS',
    path: '/backups/streamed/progress',
    description: 'BackupsStreamedProgress of every running operation, on open and on every change.',
  },
  // The daemon's own endpoints the lifecycles read before they send (no Backup API route serves them).
  get_well_known_version: {
    method: 'GET',
    path: '/.well-known/version',
    description: 'The running Pieces OS version, as bare text.',
    daemon: true,
  },
  user_has_feature_access: {
    method: 'POST',
    path: '/user/has_feature_access',
    description: "Whether the organisation allows a feature: HasFeatureAccessInput in, HasFeatureAccessOutput out.",
    daemon: true,
  },
} as const satisfies Record<string, Endpoint>;

/** An operation name; `EndpointName<'WS'>` narrows to the endpoints called that way. */
export type EndpointName<M extends EndpointMethod = EndpointMethod> = {
  [N in keyof typeof ENDPOINTS]: (typeof ENDPOINTS)[N]['method'] extends M ? N : never;
}[keyof typeof ENDPOINTS];

/** The Backup API's own operation names (no `daemon` row): what the emulator's backup routes serve. */
export type BackupApiEndpointName<M extends EndpointMethod = EndpointMethod> = {
  [N in EndpointName<M>]: (typeof ENDPOINTS)[N] extends { daemon: true } ? never : N;
}[EndpointName<M>];

/** The operation names in table order. */
export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as readonly EndpointName[];

type PathParams<P extends string> = P extends `${string}/:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}/:${infer Name}`
    ? Name
    : never;

/** The ids an endpoint's path needs: `{ backup }`, or no argument for a path without one. */
export type EndpointPathArgs<N extends EndpointName> = [PathParams<(typeof ENDPOINTS)[N]['path']>] extends [never]
  ? []
  : [params: { readonly [K in PathParams<(typeof ENDPOINTS)[N]['path']>]: string }];

/**
 * The path of an endpoint with its ids filled in, each encoded as one segment.
 *
 * @example
 * ```ts
 * endpointPath('backup_specific_creation_status', { backup: id }); // '/backup/9.0.0_1764179700123/creation/status'
 * ```
 */
export function endpointPath<N extends EndpointName>(name: N, ...args: EndpointPathArgs<N>): `/${string}` {
  const params = args[0] as Readonly<Record<string, string>> | undefined;
  return ENDPOINTS[name].path.replace(/:(\w+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new TypeError(`endpoint ${name} needs a ${key}`);
    return encodeURIComponent(value);
  }) as `/${string}`;
}

const STATUS_ENDPOINTS = {
  creation: 'backup_specific_creation_status',
  restoration: 'backup_specific_restoration_status',
} as const satisfies Record<OperationKind, EndpointName<'GET'>>;

const CANCEL_ENDPOINTS = {
  creation: 'backup_specific_creation_cancel',
  restoration: 'backup_specific_restoration_cancel',
} as const satisfies Record<OperationKind, EndpointName<'POST'>>;

/** The status endpoint of a creation or a restoration: the two differ only by that segment. */
export function statusEndpoint<K extends OperationKind>(kind: K): (typeof STATUS_ENDPOINTS)[K] {
  return STATUS_ENDPOINTS[kind];
}

/** The cancel endpoint of a creation or a restoration. */
export function cancelEndpoint<K extends OperationKind>(kind: K): (typeof CANCEL_ENDPOINTS)[K] {
  return CANCEL_ENDPOINTS[kind];
}
