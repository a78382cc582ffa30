import type { EmbeddedModelSchema } from './backup.js';
import { decodeSchema } from './backup.js';
import { boolean, field, nullable, openEnum, optional, record, string, type Decoder } from './decode.js';

/**
 * The `HasFeatureAccessEnum` values that switch the Backup API's cloud features (the enum of
 * the official Python SDK 5.0.0 has more, for other features).
 */
export const BACKUP_FEATURE_VALUES = [
  'CLOUD_BACKUP_CREATION',
  'LIST_CLOUD_BACKUPS',
  'LIST_SPECIFIC_CLOUD_BACKUP',
  'RESTORE_CLOUD_BACKUP',
  'DELETE_CLOUD_BACKUP',
] as const;
export type BackupFeature = (typeof BACKUP_FEATURE_VALUES)[number];

export function isBackupFeature(value: unknown): value is BackupFeature {
  return typeof value === 'string' && (BACKUP_FEATURE_VALUES as readonly string[]).includes(value);
}

/** Body of `POST /user/has_feature_access`. `context` matters only to non-backup features. */
export interface HasFeatureAccessInput {
  schema?: EmbeddedModelSchema;
  feature: BackupFeature | (string & {});
  context?: Record<string, unknown>;
}

/** Answer of `POST /user/has_feature_access`: camelCase on the wire (the SDK's aliases). */
export interface HasFeatureAccessOutput {
  schema?: EmbeddedModelSchema;
  /** "Always true if no context provided" (SDK): the organisation's switch is `enabled`. */
  canUse: boolean;
  enabled: boolean;
  isEnterpriseUser: boolean;
  /** Why it is denied; may be absent or null. */
  reason?: string | null;
}

export const decodeHasFeatureAccessInput: Decoder<HasFeatureAccessInput> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const context = field(source, 'context', path, optional(record));
  return {
    ...source,
    ...(schema && { schema }),
    feature: field(source, 'feature', path, openEnum(BACKUP_FEATURE_VALUES)),
    ...(context && { context }),
  };
};

export const decodeHasFeatureAccessOutput: Decoder<HasFeatureAccessOutput> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const reason = field(source, 'reason', path, nullable(string));
  return {
    ...source,
    ...(schema && { schema }),
    canUse: field(source, 'canUse', path, boolean),
    enabled: field(source, 'enabled', path, boolean),
    isEnterpriseUser: field(source, 'isEnterpriseUser', path, boolean),
    ...(reason !== undefined && { reason }),
  };
};
