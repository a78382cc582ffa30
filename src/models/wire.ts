// The wire models as one name of the root entry, a map from model name to type
// (`Wire['Asset']`, `Wire['BackupStatus']`): users read them off what the client returns, and
// one name keeps the surface small. An interface, not a namespace: the declaration bundler
// turns `import * as` into values and strips the aliases of a hand-written namespace (both
// break `skipLibCheck: false`), while an interface's keys shadow nothing.
import type { Asset, Assets } from './asset.js';
import type {
  Backup,
  EmbeddedModelSchema,
  GroupedTimestamp,
  SeededBackup,
} from './backup.js';
import type { BackupStatus } from './backup-status.js';
import type {
  BackupStreamedProgress,
  BackupsStreamedProgress,
} from './backup-streamed-progress.js';
import type { Backups } from './backups.js';
import type {
  BackupFeature,
  HasFeatureAccessInput,
  HasFeatureAccessOutput,
} from './feature-access.js';
import type {
  BackupStatusValue,
  MechanismValue,
  OperationKind,
  PlatformValue,
} from './enums.js';

export interface Wire {
  Asset: Asset;
  Assets: Assets;
  Backup: Backup;
  Backups: Backups;
  BackupFeature: BackupFeature;
  BackupStatus: BackupStatus;
  BackupStatusValue: BackupStatusValue;
  BackupStreamedProgress: BackupStreamedProgress;
  BackupsStreamedProgress: BackupsStreamedProgress;
  EmbeddedModelSchema: EmbeddedModelSchema;
  GroupedTimestamp: GroupedTimestamp;
  HasFeatureAccessInput: HasFeatureAccessInput;
  HasFeatureAccessOutput: HasFeatureAccessOutput;
  MechanismValue: MechanismValue;
  OperationKind: OperationKind;
  PlatformValue: PlatformValue;
  SeededBackup: SeededBackup;
}
