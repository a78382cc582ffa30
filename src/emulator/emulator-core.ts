import fs from 'node:fs';
import path from 'node:path';
import { CloudStore, sha256File } from './cloud-store.js';
import { createEmulatorAdmin, type EmulatorAdmin } from './emulator-admin.js';
import { FaultBook } from './faults.js';
import { RESET_REASON, SHUTDOWN_REASON } from './interruption.js';
import { LocalDatabase } from './local-database.js';
import { OperationJournal } from './operation-journal.js';
import { OperationRegistry } from './operation-registry.js';
import type { EmulatorState, ResolvedOptions } from './options.js';
import { RequestRejection } from './request-rejection.js';
import { sampleAssets } from './sample-assets.js';
import { removeStagingLeftovers } from './staging-leftovers.js';

/**
 * Everything the HTTP and WebSocket surfaces share: state flags, the local database, the
 * cloud, the running operations and the injected faults.
 */
export class EmulatorCore {
  state: EmulatorState;
  readonly db: LocalDatabase;
  readonly cloud: CloudStore;
  readonly registry: OperationRegistry;
  readonly faults = new FaultBook();
  readonly localDir: string;
  readonly journal: OperationJournal;
  /** The one admin surface: `/__emulator` routes, `emulator.admin` and the test kit. */
  readonly admin: EmulatorAdmin;
  /** Set by stopOperations(); late work (a delayed request) checks it instead of touching files. */
  closed = false;

  constructor(
    readonly options: ResolvedOptions,
    readonly dataDir: string,
  ) {
    this.state = structuredClone(options.initialState);
    this.localDir = path.join(dataDir, 'local');
    this.db = new LocalDatabase(path.join(this.localDir, 'pieces.db'));
    this.cloud = new CloudStore(path.join(dataDir, 'cloud'));
    this.journal = new OperationJournal(path.join(dataDir, 'operations.json'));
    this.registry = new OperationRegistry(
      {
        db: this.db,
        cloud: this.cloud,
        localDir: this.localDir,
        tickMs: options.tickMs,
        progressFrames: options.progressFrames,
        deviceName: options.deviceName,
        platform: options.platform,
        state: () => this.state,
      },
      this.journal,
    );
    this.admin = createEmulatorAdmin(this);
  }

  private removeLeftovers(): void {
    removeStagingLeftovers({ localDatabase: this.db.file, cloudDirs: this.cloud.dirs, journal: this.journal.file });
  }

  /**
   * Start-up after a clean stop or a crash: removes staging leftovers, opens the database
   * (SQLite rolls a hot journal back), removes cloud objects no manifest names, settles the
   * operations the journal says were running, then seeds an empty database. In that order:
   * settling a restoration hashes the live database, so it must come before any write.
   */
  init(): void {
    fs.mkdirSync(this.localDir, { recursive: true });
    this.cloud.init();
    this.removeLeftovers();
    this.db.open();
    this.cloud.removeOrphanObjects();
    let liveSha256: string | undefined;
    this.registry.recover({
      backupCommitted: (id) => this.cloud.get(id) !== undefined,
      liveDatabaseSha256: () => (liveSha256 ??= sha256File(this.db.file)),
    });
    if (this.options.seed && this.db.count() === 0) this.db.upsert(sampleAssets());
  }

  /** 511 before 505, as docs/protocol.md orders the cloud checks. */
  cloudCheck(): RequestRejection | undefined {
    if (!this.state.signedIn || !this.state.cloudConnected) {
      return new RequestRejection(
        511,
        !this.state.signedIn
          ? 'network authentication required: sign in to Pieces OS to back up'
          : 'network authentication required: connect Pieces OS to the cloud to back up',
      );
    }
    if (!this.state.osUpToDate) {
      return new RequestRejection(505, `Pieces OS ${this.state.version} is out of date: update it to back up to the cloud`);
    }
    return undefined;
  }

  /** Back to a fresh start: no operations, empty cloud, sample database, no faults, initial state. */
  reset(): void {
    this.registry.forget(RESET_REASON);
    this.faults.clear();
    this.state = structuredClone(this.options.initialState);
    this.cloud.wipe();
    this.db.wipe();
    this.removeLeftovers();
    if (this.options.seed) this.db.upsert(sampleAssets());
  }

  /**
   * Step one of a shutdown: late work stops touching files, running operations end FAILED
   * (`interrupted: Pieces OS is shutting down`) so their streams and blocking requests get
   * that answer. Idempotent.
   */
  stopOperations(): void {
    this.closed = true;
    this.registry.interruptAll(SHUTDOWN_REASON);
  }

  /** The last step of a shutdown: operations stopped (if not yet), then the database closes. */
  close(): void {
    this.stopOperations();
    this.db.close();
  }
}
