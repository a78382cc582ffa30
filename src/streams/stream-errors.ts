import { NetworkError, ProtocolError, TimeoutError } from '../api/errors/index.js';
import { ENDPOINTS, endpointPath, type EndpointName } from '../models/index.js';

// The typed errors this layer raises itself, built from the transport's classes so
// consumers handle one hierarchy.

/** Which request a stream is, for error messages. */
export interface StreamEndpoint {
  method: string;
  url: string;
}

export function streamStalled(endpoint: StreamEndpoint, stallTimeoutMs: number): TimeoutError {
  return new TimeoutError({ ...endpoint, timeoutMs: stallTimeoutMs });
}

export function streamEndedEarly(endpoint: StreamEndpoint): NetworkError {
  return new NetworkError({ ...endpoint, message: `${endpoint.method} ${endpoint.url} ended before a terminal frame` });
}

export function missingBackupId(endpoint: StreamEndpoint): ProtocolError {
  return new ProtocolError({ message: 'the first creation frame carries no backup id', url: endpoint.url });
}

/** This layer's names for the endpoints it streams from. */
const STREAMS = {
  'create-websocket': 'backups_create_streamed_websocket',
  'create-ndjson': 'backups_create_new_backup_streamed',
  'restore-websocket': 'backup_restore_streamed_websocket',
  'restore-ndjson': 'backup_restore_specific_backup_streamed',
  'progress-websocket': 'backups_streamed_progress_websocket',
} as const satisfies Record<string, EndpointName>;

/** An endpoint of the table (or a stream's name for one), for error messages. */
export function streamEndpoint(baseUrl: string, endpoint: EndpointName | keyof typeof STREAMS, backupId = ''): StreamEndpoint {
  const name = Object.hasOwn(STREAMS, endpoint) ? STREAMS[endpoint as keyof typeof STREAMS] : (endpoint as EndpointName);
  const { method } = ENDPOINTS[name];
  // A WebSocket opens with a GET (the upgrade): errors name that request.
  return { method: method === 'WS' ? 'GET' : method, url: `${baseUrl}${endpointPath(name, { backup: backupId })}` };
}
