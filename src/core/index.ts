export { createBackupCore, discoveryTransport, type BackupCore, type BackupCoreOptions } from './backup-core.js';
export type { BackupsState, BackupsStore } from './backups-store.js';
export {
  createLifecycle,
  type BackupLifecycle,
  type BackupSnapshot,
  type Lifecycle,
  type LifecycleSnapshot,
  type LifecycleState,
  type RestoreLifecycle,
  type RestoreSnapshot,
} from './lifecycle.js';
export {
  LIFECYCLE_TEXTS,
  lifecycleText,
  type HeadlineFacts,
  type LifecycleText,
  type LifecycleTextOverrides,
  type LifecycleTexts,
} from './lifecycle-text.js';
// the charts' lists and the error data every face reads, so no face imports machines/
export {
  BUSY_STATES,
  SETTLED_STATES,
  isBusyState,
  isSettledState,
  toLifecycleError,
  type BusyState,
  type LifecycleContext,
  type LifecycleError,
  type SettledState,
} from '../../machines/index.js';
export type { OperationsState } from './operations-store.js';
export { select, type Equality } from './select.js';
export { shallowEqual } from './shallow-equal.js';
export type { Store } from './store.js';
export type { OperationKind } from '../models/index.js';
