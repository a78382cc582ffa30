import {
  decode,
  decodeAsset,
  isBackupFeature,
  BACKUP_FEATURE_VALUES,
  type Asset,
  type Backup,
  type BackupFeature,
  type BackupStatus,
  type HasFeatureAccessOutput,
  type OperationKind,
} from '../models/index.js';
import { parseBackupSeed, type BackupSeed } from './backup-seed.js';
import type { EmulatorCore } from './emulator-core.js';
import { featureAccessOf } from './feature-access.js';
import { parseFaultSpec, type FaultSpec } from './faults.js';
import type { OperationRecord } from './operation-journal.js';
import { applyStatePatch, type EmulatorState, type EmulatorStatePatch } from './options.js';
import { RequestRejection } from './request-rejection.js';

export const DEFAULT_FAILURE_REASON = 'injected failure';

/**
 * The emulator's controls, for tests and the demo: the `/__emulator` HTTP routes and the test
 * kit call these, so every face changes the same state the same way. Bad input throws a
 * `RequestRejection` (status 400 or 409 and a message), which the routes answer as text.
 */
export interface EmulatorAdmin {
  getState(): EmulatorState;
  /** Applies a patch, validated (`features` merges feature by feature, field by field). */
  setState(patch: EmulatorStatePatch): void;
  injectFault(fault: FaultSpec): void;
  /** The injected faults still pending. */
  faults(): FaultSpec[];
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
   * A completed backup of the local database as it is now, listed and restorable at once,
   * with the given timestamp, device, size and version (no creation runs). Ids follow the
   * usual `<version>_<epoch ms>`, bumped a millisecond past one already taken.
   */
  seedBackup(seed: BackupSeed): Backup;
  /** What `POST /user/has_feature_access` answers for `feature` now. */
  featureAccess(feature: BackupFeature): HasFeatureAccessOutput;
  /**
   * Fails the running operation of `kind` now (its work stopped, its staging removed, the local
   * database untouched); the status and 500 bodies carry `reason`. Throws when none is running.
   */
  failOperation(kind: OperationKind, reason?: string): BackupStatus;
  /** Operations in progress right now. */
  operations(): { creations: BackupStatus[]; restorations: BackupStatus[] };
  /** The operations journal, oldest first: every operation of this data dir with how it ended and why. */
  journal(): readonly OperationRecord[];
  /**
   * Called the moment an operation becomes terminal on the server, before any client can
   * know: the reference point for detection-latency measurements.
   */
  onOperationEnded(listener: (ended: { kind: OperationKind; status: BackupStatus; at: number }) => void): () => void;
}

export function createEmulatorAdmin(core: EmulatorCore): EmulatorAdmin {
  return {
    getState: () => structuredClone(core.state),
    setState: (patch) => {
      core.state = applyStatePatch(core.state, patch);
    },
    injectFault: (fault) => core.faults.inject(parseFaultSpec(fault)),
    faults: () => core.faults.list(),
    clearFaults: () => core.faults.clear(),
    reset: async () => core.reset(),
    listAssets: () => core.db.list(),
    upsertAsset: (asset) => core.db.upsert([decode(decodeAsset, asset)]),
    deleteAsset: (id) => void core.db.delete(id),
    databasePath: () => core.db.file,
    readDatabaseBytes: () => core.db.readBytes(),
    seedBackup: (seed) => {
      const parsed = parseBackupSeed(seed);
      return core.registry.seed({
        timestamp: parsed.timestamp,
        version: parsed.version ?? core.state.version,
        deviceName: parsed.deviceName ?? core.options.deviceName,
        bytes: parsed.bytes,
      });
    },
    featureAccess: (feature) => {
      if (!isBackupFeature(feature)) {
        throw new RequestRejection(400, `unknown feature ${JSON.stringify(String(feature).slice(0, 140))}: use one of ${BACKUP_FEATURE_VALUES.join(', ')}`);
      }
      return featureAccessOf(core.state, feature);
    },
    operations: () => {
      const running = core.registry.inProgress();
      return {
        creations: running.creation.map((operation) => operation.statusRecord()),
        restorations: running.restoration.map((operation) => operation.statusRecord()),
      };
    },
    journal: () => core.registry.history(),
    failOperation: (kind, reason = DEFAULT_FAILURE_REASON) => core.registry.failRunning(kind, reason).statusRecord(),
    onOperationEnded: (listener) =>
      core.registry.onChange((ended) => {
        if (ended) listener({ kind: ended.kind, status: ended.statusRecord(), at: performance.now() });
      }),
  };
}
