import { NetworkError, ProtocolError, TimeoutError } from '../api/errors/index.js';

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

/** The endpoints this layer streams from, as `docs/protocol.md` names them. */
export function streamEndpoint(
  baseUrl: string,
  stream: 'create-websocket' | 'create-ndjson' | 'restore-websocket' | 'restore-ndjson' | 'progress-websocket',
  backupId = '',
): StreamEndpoint {
  const id = encodeURIComponent(backupId);
  switch (stream) {
    case 'create-websocket':
      return { method: 'GET', url: `${baseUrl}/backups/create/streamed/websocket` };
    case 'create-ndjson':
      return { method: 'POST', url: `${baseUrl}/backups/create/streamed` };
    case 'restore-websocket':
      return { method: 'GET', url: `${baseUrl}/backup/${id}/restore/streamed/websocket` };
    case 'restore-ndjson':
      return { method: 'POST', url: `${baseUrl}/backup/${id}/restore/streamed` };
    case 'progress-websocket':
      return { method: 'GET', url: `${baseUrl}/backups/streamed/progress` };
  }
}
