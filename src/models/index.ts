export type { Asset, Assets } from './asset.js';
export { decodeAsset, decodeAssets } from './asset.js';
export type { Backup, EmbeddedModelSchema, GroupedTimestamp, SeededBackup } from './backup.js';
export { decodeBackup, decodeGroupedTimestamp, decodeSchema, decodeSeededBackup } from './backup.js';
export type { BackupStatus } from './backup-status.js';
export { decodeBackupStatus } from './backup-status.js';
export type { BackupStreamedProgress, BackupsStreamedProgress } from './backup-streamed-progress.js';
export { decodeBackupStreamedProgress, decodeBackupsStreamedProgress } from './backup-streamed-progress.js';
export type { Backups } from './backups.js';
export { decodeBackups } from './backups.js';
export { DecodeError, decode, type Decoder } from './decode.js';
export {
  BACKUP_FEATURE_VALUES,
  decodeHasFeatureAccessInput,
  decodeHasFeatureAccessOutput,
  isBackupFeature,
  type BackupFeature,
  type HasFeatureAccessInput,
  type HasFeatureAccessOutput,
} from './feature-access.js';
export {
  ENDPOINTS,
  ENDPOINT_NAMES,
  cancelEndpoint,
  endpointPath,
  statusEndpoint,
  type BackupApiEndpointName,
  type Endpoint,
  type EndpointMethod,
  type EndpointName,
  type EndpointPathArgs,
} from './endpoints.js';
export {
  BACKUP_STATUS_VALUES,
  MECHANISM_VALUES,
  PLATFORM_VALUES,
  TERMINAL_STATUS_VALUES,
  isKnownStatus,
  isTerminalStatus,
  type BackupStatusValue,
  type KnownBackupStatusValue,
  type MechanismValue,
  type OperationKind,
  type PlatformValue,
} from './enums.js';
