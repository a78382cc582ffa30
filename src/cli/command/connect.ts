import { createBackupClient, discoverDaemon, type BackupClient } from '../../index.js';

// discoverDaemon probes `http://host:port`: a URL of that shape is checked the same way
function probeTarget(url: URL): { hosts: string[]; ports: number[] } | null {
  if (url.protocol !== 'http:' || (url.pathname !== '/' && url.pathname !== '')) return null;
  return { hosts: [url.hostname.replace(/^\[|\]$/g, '')], ports: [Number(url.port || 80)] };
}

/**
 * A client for the daemon: at `url` when given (checked with the same health probe as
 * discovery, so "nothing there" is one error), else the first Pieces OS that discovery finds.
 * Throws `DaemonNotFoundError` when none answers.
 */
export async function connect(url: string | undefined): Promise<BackupClient> {
  if (url === undefined) return createBackupClient({ baseUrl: await discoverDaemon() });
  const target = probeTarget(new URL(url));
  if (target) await discoverDaemon(target);
  return createBackupClient({ baseUrl: url.replace(/\/+$/, '') });
}
