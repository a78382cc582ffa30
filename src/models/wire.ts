// The wire models as one namespace of the root entry (`Wire.Asset`, `Wire.BackupStatus`):
// users read them off what the client returns, and one name keeps the surface small. Written
// out as a type-only namespace: `import * as` of a module re-exported as a type comes out of
// the declaration bundler as values, which breaks `skipLibCheck: false`.
import type { Asset as AssetModel, Assets as AssetsModel } from './asset.js';
import type {
  Backup as BackupModel,
  EmbeddedModelSchema as EmbeddedModelSchemaModel,
  GroupedTimestamp as GroupedTimestampModel,
  SeededBackup as SeededBackupModel,
} from './backup.js';
import type { BackupStatus as BackupStatusModel } from './backup-status.js';
import type {
  BackupStreamedProgress as BackupStreamedProgressModel,
  BackupsStreamedProgress as BackupsStreamedProgressModel,
} from './backup-streamed-progress.js';
import type { Backups as BackupsModel } from './backups.js';
import type {
  BackupFeature as BackupFeatureModel,
  HasFeatureAccessInput as HasFeatureAccessInputModel,
  HasFeatureAccessOutput as HasFeatureAccessOutputModel,
} from './feature-access.js';
import type {
  BackupStatusValue as BackupStatusValueModel,
  MechanismValue as MechanismValueModel,
  OperationKind as OperationKindModel,
  PlatformValue as PlatformValueModel,
} from './enums.js';

export declare namespace Wire {
  export type Asset = AssetModel;
  export type Assets = AssetsModel;
  export type Backup = BackupModel;
  export type Backups = BackupsModel;
  export type BackupFeature = BackupFeatureModel;
  export type BackupStatus = BackupStatusModel;
  export type BackupStatusValue = BackupStatusValueModel;
  export type BackupStreamedProgress = BackupStreamedProgressModel;
  export type BackupsStreamedProgress = BackupsStreamedProgressModel;
  export type EmbeddedModelSchema = EmbeddedModelSchemaModel;
  export type GroupedTimestamp = GroupedTimestampModel;
  export type HasFeatureAccessInput = HasFeatureAccessInputModel;
  export type HasFeatureAccessOutput = HasFeatureAccessOutputModel;
  export type MechanismValue = MechanismValueModel;
  export type OperationKind = OperationKindModel;
  export type PlatformValue = PlatformValueModel;
  export type SeededBackup = SeededBackupModel;
}
