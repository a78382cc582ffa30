// The wire models as one namespace of the root entry (`Wire.Asset`, `Wire.BackupStatus`):
// users read them off what the client returns, and one name keeps the surface small.
export type { Asset, Assets } from './asset.js';
export type { Backup, EmbeddedModelSchema, GroupedTimestamp, SeededBackup } from './backup.js';
export type { BackupStatus } from './backup-status.js';
export type { BackupStreamedProgress, BackupsStreamedProgress } from './backup-streamed-progress.js';
export type { Backups } from './backups.js';
export type { BackupFeature, HasFeatureAccessInput, HasFeatureAccessOutput } from './feature-access.js';
export type { BackupStatusValue, MechanismValue, OperationKind, PlatformValue } from './enums.js';
