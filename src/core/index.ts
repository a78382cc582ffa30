export { createBackupCore, type BackupCore, type BackupCoreOptions } from './backup-core.js';
export type { BackupsState, BackupsStore } from './backups-store.js';
export {
  createLifecycle,
  type BackupLifecycle,
  type BackupSnapshot,
  type Lifecycle,
  type LifecycleKind,
  type RestoreLifecycle,
  type RestoreSnapshot,
} from './lifecycle.js';
export type { OperationsState } from './operations-store.js';
export { select, type Equality } from './select.js';
export { shallowEqual } from './shallow-equal.js';
export type { Store } from './store.js';
