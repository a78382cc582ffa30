import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { EmulatorAdmin } from './emulator-admin.js';
import { EmulatorCore } from './emulator-core.js';
import { closeHttpServer, createHttpServer } from './http-server.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { WebSocketGateway } from './websocket.js';

/** How long a shutdown waits for clients to take their last answer and close. */
const SHUTDOWN_GRACE_MS = 500;

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly admin: EmulatorAdmin;
  /**
   * Shuts down like the daemon would: running operations end FAILED (`interrupted: Pieces OS
   * is shutting down`, never CANCELED), streams get that terminal frame, blocking requests
   * their 500, WebSockets a 1001 close; then the database and server close and a temp
   * dataDir is removed.
   */
  close(): Promise<void>;
}

/**
 * Starts a faithful local stand-in for the Pieces OS Backup API: real HTTP, NDJSON and
 * WebSockets over loopback, a real SQLite local database and an on-disk "cloud".
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * const backups = await fetch(`${emulator.url}/backups`).then((r) => r.json());
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const ownsDataDir = resolved.dataDir === undefined;
  const dataDir = path.resolve(resolved.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pieces-emulator-')));
  fs.mkdirSync(dataDir, { recursive: true });
  const core = new EmulatorCore(resolved, dataDir);
  const server = createHttpServer(core);
  const sockets = new WebSocketGateway(core);
  server.on('upgrade', (req, socket, head) => sockets.handleUpgrade(req, socket, head));
  try {
    core.init();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    core.close();
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    dataDir,
    admin: core.admin,
    close: () =>
      (closing ??= (async () => {
        core.stopOperations();
        // The blocking requests write their 500 a microtask after the operation ends.
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all([sockets.closeAll(SHUTDOWN_GRACE_MS), closeHttpServer(server, SHUTDOWN_GRACE_MS)]);
        core.close();
        if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}
