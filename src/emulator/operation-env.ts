import type { CloudStore } from './cloud-store.js';
import type { LocalDatabase } from './local-database.js';
import type { EmulatorState } from './options.js';

/** What creations and restorations need from the running emulator. */
export interface OperationEnv {
  db: LocalDatabase;
  cloud: CloudStore;
  /** Folder of the local database; staging files live beside it (same filesystem, atomic rename). */
  localDir: string;
  tickMs: number;
  /** Progress reports per transfer; undefined: once a tick. */
  progressFrames: number | undefined;
  deviceName: string;
  platform: string;
  state(): EmulatorState;
}
