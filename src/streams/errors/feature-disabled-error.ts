import { PiecesBackupError } from '../../api/errors/index.js';
import type { BackupFeature } from '../../models/index.js';

/**
 * The organisation switched a cloud backup feature off (`POST /user/has_feature_access`
 * answered `enabled: false` or `canUse: false`): refused before anything was sent.
 *
 * @example
 * ```ts
 * if (isFeatureDisabledError(error)) show(`${error.feature} is off: ${error.reason ?? 'ask your administrator'}`);
 * ```
 */
export class FeatureDisabledError extends PiecesBackupError {
  override readonly name = 'FeatureDisabledError' as const;
  readonly feature: BackupFeature;
  /** The daemon's own reason, when it gave one. */
  readonly reason: string | null;

  constructor(init: { feature: BackupFeature; reason?: string | null }) {
    super(`${init.feature} is switched off for this user${init.reason ? `: ${init.reason}` : ''}`);
    this.feature = init.feature;
    this.reason = init.reason ?? null;
  }
}

export function isFeatureDisabledError(error: unknown): error is FeatureDisabledError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'FeatureDisabledError';
}
