import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decode, decodeAsset, type Asset, type BackupStatus } from '../models/index.js';
import { DEFAULT_FAILURE_REASON, operationsOf } from './admin-routes.js';
import { EmulatorCore } from './emulator-core.js';
import { parseFaultSpec, type FaultSpec } from './faults.js';
import { closeHttpServer, createHttpServer } from './http-server.js';
import { SHUTDOWN_REASON } from './interruption.js';
import type { OperationRecord } from './operation-journal.js';
import { resolveOptions, validateStatePatch, type EmulatorOptions, type EmulatorState } from './options.js';
import { WebSocketGateway } from './websocket.js';

/** How long a shutdown waits for clients to take their last answer and close. */
const SHUTDOWN_GRACE_MS = 500;

/** In-process twin of the `/__emulator` HTTP surface, for tests and the demo. */
export interface EmulatorAdmin {
  getState(): EmulatorState;
  setState(patch: Partial<EmulatorState>): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Wipes cloud and local database, reseeds, clears faults and state. */
  reset(): Promise<void>;
  /** The assets of the local database, in insertion order. */
  listAssets(): Asset[];
  upsertAsset(asset: Asset): void;
  deleteAsset(id: string): void;
  databasePath(): string;
  /** The local database file as it is on disk, for byte-identical checks. */
  readDatabaseBytes(): Buffer;
  /**
   * Fails the running operation of `kind` now (its work stopped, its staging removed, the local
   * database untouched); the status and 500 bodies carry `reason`. Throws when none is running.
   */
  failOperation(kind: 'creation' | 'restoration', reason?: string): BackupStatus;
  /** Operations in progress right now. */
  operations(): { creations: BackupStatus[]; restorations: BackupStatus[] };
  /** The operations journal, oldest first: every operation of this data dir with how it ended and why. */
  journal(): readonly OperationRecord[];
  /**
   * Called the moment an operation becomes terminal on the server, before any client can
   * know: the reference point for detection-latency measurements.
   */
  onOperationEnded(listener: (ended: { kind: 'creation' | 'restoration'; status: BackupStatus; at: number }) => void): () => void;
}

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

function createAdmin(core: EmulatorCore): EmulatorAdmin {
  return {
    getState: () => ({ ...core.state }),
    setState: (patch) => {
      core.state = { ...core.state, ...validateStatePatch(patch) };
    },
    injectFault: (fault) => core.faults.inject(parseFaultSpec(fault)),
    clearFaults: () => core.faults.clear(),
    reset: async () => core.reset(),
    listAssets: () => core.db.list(),
    upsertAsset: (asset) => core.db.upsert([decode(decodeAsset, asset)]),
    deleteAsset: (id) => void core.db.delete(id),
    databasePath: () => core.db.file,
    readDatabaseBytes: () => core.db.readBytes(),
    operations: () => operationsOf(core),
    journal: () => core.registry.history(),
    failOperation: (kind, reason = DEFAULT_FAILURE_REASON) => core.registry.failRunning(kind, reason).statusRecord(),
    onOperationEnded: (listener) =>
      core.registry.onChange((ended) => {
        if (ended) listener({ kind: ended.kind, status: ended.statusRecord(), at: performance.now() });
      }),
  };
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
    admin: createAdmin(core),
    close: () =>
      (closing ??= (async () => {
        core.closed = true;
        core.registry.interruptAll(SHUTDOWN_REASON);
        // The blocking requests write their 500 a microtask after the operation ends.
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all([sockets.closeAll(SHUTDOWN_GRACE_MS), closeHttpServer(server, SHUTDOWN_GRACE_MS)]);
        core.close();
        if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}
