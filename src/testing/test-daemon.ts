import { sampleAssets, startEmulator, type Emulator, type EmulatorAdmin, type EmulatorState, type FaultSpec } from '../emulator/index.js';
import { createBackupClient, type Asset, type Backup, type BackupClient, type BackupStatus, type OperationKind } from '../index.js';

/** The account and OS flags of the daemon: what its cloud checks (511, 505) read. */
export interface TestAccount {
  /** Default true; false answers cloud calls 511. */
  signedIn: boolean;
  /** Default true; false answers cloud calls 511. */
  cloudConnected: boolean;
  /** Default true; false answers cloud calls 505. */
  osUpToDate: boolean;
  /** Reported by health and stamped on backups. Default `9.0.0`. */
  version: string;
}

/** One backup made before the test starts; `assets` are what the local database held then. */
export interface TestBackupSeed {
  /** Default: the daemon's `assets`. */
  assets?: number | readonly Asset[];
}

/** Options of `startTestDaemon` and `useTestDaemon`: plain data. */
export interface TestDaemonOptions extends Partial<TestAccount> {
  /** The local database: these assets, or that many generated sample assets. Default 120 samples. */
  assets?: number | readonly Asset[];
  /**
   * Backups in the cloud before the test, oldest first: real ones, made by the daemon (so
   * they restore), that many of `assets` or one per seed.
   */
  backups?: number | readonly TestBackupSeed[];
  /** Transfer speed of the test's creations and restorations. Default 50_000_000 (instant). */
  rateBytesPerSecond?: number;
  /** How long an accepted cancel takes to roll back, ms. Default 30. */
  cancelDelayMs?: number;
  /** Where the cloud and the local database live. Default: a temp dir, removed on `stop()`. */
  dataDir?: string;
}

/** A running emulated Pieces OS for one test, with its state scripted through typed calls. */
export interface TestDaemon {
  /** `http://127.0.0.1:PORT`, a free port. */
  readonly url: string;
  /** A client of `url` with the library's defaults. */
  readonly client: BackupClient;
  /** The emulator underneath, for what the kit does not wrap (`admin.journal()`, ...). */
  readonly emulator: Emulator;
  /** The backups `options.backups` made, oldest first. */
  readonly seededBackups: readonly Backup[];
  /** The assets of the local database now. */
  assets(): Asset[];
  /** Replaces the local database's assets (a count means that many sample assets). */
  setAssets(assets: number | readonly Asset[]): void;
  /** Makes a real backup of the local database now, at full speed. */
  createBackup(): Promise<Backup>;
  signIn(): void;
  /** Cloud calls answer 511 `authentication-required` from now on. */
  signOut(): void;
  connectCloud(): void;
  /** Cloud calls answer 511 `authentication-required` from now on. */
  disconnectCloud(): void;
  /** Cloud calls answer 505 `update-required` from now on (optionally reporting `version`). */
  outdate(version?: string): void;
  /** Any flag, the transfer rate or the cancel delay; applies at once, also to running operations. */
  setState(patch: Partial<EmulatorState>): void;
  /** Fails the running creation or restoration now (the local database untouched). */
  fail(kind: OperationKind, reason?: string): BackupStatus;
  /** Makes an endpoint misbehave (`status`, `latencyMs`, `reset`, stream faults) `times` times. */
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Shuts the daemon down like Pieces OS would and removes its temp data. Safe to call twice. */
  stop(): Promise<void>;
}

const TEST_RATE_BYTES_PER_SECOND = 50_000_000;
const TEST_CANCEL_DELAY_MS = 30;
// Seeding and createBackup() run at this speed whatever rate the test chose.
const SEEDING_RATE_BYTES_PER_SECOND = 1_000_000_000;

function replaceAssets(admin: EmulatorAdmin, assets: number | readonly Asset[]): void {
  for (const { id } of admin.listAssets()) admin.deleteAsset(id);
  for (const asset of typeof assets === 'number' ? sampleAssets(assets) : assets) admin.upsertAsset(asset);
}

async function atFullSpeed<T>(admin: EmulatorAdmin, work: () => Promise<T>): Promise<T> {
  const { rateBytesPerSecond } = admin.getState();
  admin.setState({ rateBytesPerSecond: SEEDING_RATE_BYTES_PER_SECOND });
  try {
    return await work();
  } finally {
    admin.setState({ rateBytesPerSecond });
  }
}

async function seedBackups(
  admin: EmulatorAdmin,
  client: BackupClient,
  backups: number | readonly TestBackupSeed[],
): Promise<Backup[]> {
  const seeds = typeof backups === 'number' ? Array.from({ length: backups }, (): TestBackupSeed => ({})) : backups;
  if (seeds.length === 0) return [];
  const current = admin.listAssets();
  const made: Backup[] = [];
  await atFullSpeed(admin, async () => {
    for (const seed of seeds) {
      replaceAssets(admin, seed.assets ?? current);
      made.push(await client.create());
    }
  });
  replaceAssets(admin, current);
  return made;
}

/**
 * Starts an emulated Pieces OS in-process on a free port with the given assets, backups and
 * account state, fast transfers and a short cancel roll-back. Framework-free: `stop()` it
 * when done (`useTestDaemon` does that for you).
 *
 * @example
 * ```ts
 * const daemon = await startTestDaemon({ assets: 3, backups: 1, signedIn: false });
 * const backups = await daemon.client.list(); // 511: signed out
 * await daemon.stop();
 * ```
 */
export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const emulator = await startEmulator({
    port: 0,
    dataDir: options.dataDir,
    seed: options.assets === undefined,
    version: options.version,
    rateBytesPerSecond: options.rateBytesPerSecond ?? TEST_RATE_BYTES_PER_SECOND,
    cancelDelayMs: options.cancelDelayMs ?? TEST_CANCEL_DELAY_MS,
  });
  const { admin } = emulator;
  const client = createBackupClient({ baseUrl: emulator.url });
  let seededBackups: Backup[];
  try {
    if (options.assets !== undefined) replaceAssets(admin, options.assets);
    // seeded signed in and up to date; the account the test asked for applies after
    seededBackups = await seedBackups(admin, client, options.backups ?? 0);
    admin.setState({
      signedIn: options.signedIn ?? true,
      cloudConnected: options.cloudConnected ?? true,
      osUpToDate: options.osUpToDate ?? true,
    });
  } catch (error) {
    await emulator.close();
    throw error;
  }

  return {
    url: emulator.url,
    client,
    emulator,
    seededBackups,
    assets: () => admin.listAssets(),
    setAssets: (assets) => replaceAssets(admin, assets),
    createBackup: () => atFullSpeed(admin, () => client.create()),
    signIn: () => admin.setState({ signedIn: true }),
    signOut: () => admin.setState({ signedIn: false }),
    connectCloud: () => admin.setState({ cloudConnected: true }),
    disconnectCloud: () => admin.setState({ cloudConnected: false }),
    outdate: (version) => admin.setState({ osUpToDate: false, ...(version !== undefined && { version }) }),
    setState: (patch) => admin.setState(patch),
    fail: (kind, reason) => admin.failOperation(kind, reason),
    inject: (fault) => admin.injectFault(fault),
    clearFaults: () => admin.clearFaults(),
    stop: () => emulator.close(),
  };
}
