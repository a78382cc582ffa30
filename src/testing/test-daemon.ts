import {
  sampleAssets,
  startEmulator,
  type BackupSeed,
  type Emulator,
  type EmulatorAdmin,
  type EmulatorState,
  type EmulatorStatePatch,
  type FaultSpec,
} from '../emulator/index.js';
import { createBackupClient, type Backup, type BackupClient, type OperationKind, type Wire } from '../index.js';
import type { BackupFeature } from '../models/index.js';

/** The account and OS flags of the daemon: what its cloud checks (511, 505) read. */
export type TestAccount = Pick<EmulatorState, 'signedIn' | 'cloudConnected' | 'osUpToDate' | 'version'>;

/**
 * One completed backup in the cloud before the test starts: of `assets` (default: the
 * daemon's), made at `timestamp` (default: now) by `deviceName`, listing `bytes`.
 */
export interface TestBackupSeed extends Partial<BackupSeed> {
  assets?: number | readonly Wire['Asset'][];
}

/**
 * Options of `startTestDaemon` and `useTestDaemon`: plain data. Every field of the emulator's
 * state (`signedIn`, `osUpToDate`, `version`, `features`, ...) is the daemon's from the start.
 */
export interface TestDaemonOptions extends EmulatorStatePatch {
  /** The local database: these assets, or that many generated sample assets. Default 120 samples. */
  assets?: number | readonly Wire['Asset'][];
  /**
   * Backups in the cloud before the test, in the order given: that many of `assets`, or one
   * per seed. Real backup files of the local database, so they restore.
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
  /** The emulator underneath. */
  readonly emulator: Emulator;
  /** The emulator's admin surface, which every call below goes through (`journal()`, `seedBackup()`, ...). */
  readonly admin: EmulatorAdmin;
  /** The backups `options.backups` made, in the order given. */
  readonly seededBackups: readonly Backup[];
  /** The assets of the local database now. */
  assets(): Wire['Asset'][];
  /** Replaces the local database's assets (a count means that many sample assets). */
  setAssets(assets: number | readonly Wire['Asset'][]): void;
  /** Makes a real backup of the local database now, at full speed, through the API. */
  createBackup(): Promise<Backup>;
  /** Puts a completed backup of the local database (or of `seed.assets`) in the cloud now, without a creation. */
  seedBackup(seed?: TestBackupSeed): Backup;
  signIn(): void;
  /** Cloud calls answer 511 `authentication-required` from now on. */
  signOut(): void;
  connectCloud(): void;
  /** Cloud calls answer 511 `authentication-required` from now on. */
  disconnectCloud(): void;
  /** Cloud calls answer 505 `update-required` from now on (optionally reporting `version`). */
  outdate(version?: string): void;
  /** The organisation switches `feature` off: `/user/has_feature_access` answers `enabled: false` with `reason`. */
  switchOff(feature: BackupFeature, reason?: string): void;
  switchOn(feature: BackupFeature): void;
  /** Any field of the state, the transfer rate or the cancel delay; applies at once, also to running operations. */
  setState(patch: EmulatorStatePatch): void;
  /** Fails the running creation or restoration now (the local database untouched). */
  fail(kind: OperationKind, reason?: string): Wire['BackupStatus'];
  /** Makes an endpoint misbehave (`status`, `latencyMs`, `reset`, stream faults) `times` times. */
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Shuts the daemon down like Pieces OS would and removes its temp data. Safe to call twice. */
  stop(): Promise<void>;
}

const TEST_RATE_BYTES_PER_SECOND = 50_000_000;
const TEST_CANCEL_DELAY_MS = 30;
// createBackup() runs at this speed whatever rate the test chose.
const FULL_SPEED_BYTES_PER_SECOND = 1_000_000_000;

function replaceAssets(admin: EmulatorAdmin, assets: number | readonly Wire['Asset'][]): void {
  for (const { id } of admin.listAssets()) admin.deleteAsset(id);
  for (const asset of typeof assets === 'number' ? sampleAssets(assets) : assets) admin.upsertAsset(asset);
}

async function atFullSpeed<T>(admin: EmulatorAdmin, work: () => Promise<T>): Promise<T> {
  const { rateBytesPerSecond } = admin.getState();
  admin.setState({ rateBytesPerSecond: FULL_SPEED_BYTES_PER_SECOND });
  try {
    return await work();
  } finally {
    admin.setState({ rateBytesPerSecond });
  }
}

/** A seed of `assets` snapshots them, then puts the database back as it was. */
function seedBackup(admin: EmulatorAdmin, { assets, ...metadata }: TestBackupSeed): Backup {
  const seed: BackupSeed = { ...metadata, timestamp: metadata.timestamp ?? new Date().toISOString() };
  if (assets === undefined) return admin.seedBackup(seed);
  const current = admin.listAssets();
  replaceAssets(admin, assets);
  try {
    return admin.seedBackup(seed);
  } finally {
    replaceAssets(admin, current);
  }
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
  const { assets, backups = 0, dataDir, ...state } = options;
  const emulator = await startEmulator({
    ...state,
    port: 0,
    dataDir,
    seed: assets === undefined,
    rateBytesPerSecond: state.rateBytesPerSecond ?? TEST_RATE_BYTES_PER_SECOND,
    cancelDelayMs: state.cancelDelayMs ?? TEST_CANCEL_DELAY_MS,
  });
  const { admin } = emulator;
  const client = createBackupClient({ baseUrl: emulator.url });
  let seededBackups: Backup[];
  try {
    if (assets !== undefined) replaceAssets(admin, assets);
    const seeds = typeof backups === 'number' ? Array.from({ length: backups }, (): TestBackupSeed => ({})) : backups;
    seededBackups = seeds.map((seed) => seedBackup(admin, seed));
  } catch (error) {
    await emulator.close();
    throw error;
  }

  return {
    url: emulator.url,
    client,
    emulator,
    admin,
    seededBackups,
    assets: () => admin.listAssets(),
    setAssets: (assets) => replaceAssets(admin, assets),
    createBackup: () => atFullSpeed(admin, () => client.create()),
    seedBackup: (seed = {}) => seedBackup(admin, seed),
    signIn: () => admin.setState({ signedIn: true }),
    signOut: () => admin.setState({ signedIn: false }),
    connectCloud: () => admin.setState({ cloudConnected: true }),
    disconnectCloud: () => admin.setState({ cloudConnected: false }),
    outdate: (version) => admin.setState({ osUpToDate: false, ...(version !== undefined && { version }) }),
    switchOff: (feature, reason) => admin.setState({ features: { [feature]: { enabled: false, reason: reason ?? null } } }),
    switchOn: (feature) => admin.setState({ features: { [feature]: { enabled: true, reason: null } } }),
    setState: (patch) => admin.setState(patch),
    fail: (kind, reason) => admin.failOperation(kind, reason),
    inject: (fault) => admin.injectFault(fault),
    clearFaults: () => admin.clearFaults(),
    stop: () => emulator.close(),
  };
}
