import type { ProgressTransport } from 'pieces-backup';

/** Which Pieces OS a page talks to, and how it follows progress. */
export interface PageDaemon {
  daemonUrl: string;
  transport: ProgressTransport;
}

/**
 * Read once at start-up by every browser example. `?daemon=http://127.0.0.1:39300` wins;
 * `npm start` injects the emulator's URL as PIECES_DAEMON_URL; else desktop Pieces OS's port.
 * `?transport=polling` (or `ndjson`): how progress is followed; WebSocket by default.
 */
export function pageDaemon(): PageDaemon {
  const params = new URLSearchParams(location.search);
  const daemonUrl =
    params.get('daemon') ??
    (globalThis as { PIECES_DAEMON_URL?: string }).PIECES_DAEMON_URL ??
    'http://127.0.0.1:39300';
  const transport = (params.get('transport') ?? 'websocket') as ProgressTransport;
  return { daemonUrl, transport };
}
