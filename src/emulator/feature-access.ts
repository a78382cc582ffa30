import type { BackupFeature, HasFeatureAccessOutput } from '../models/index.js';
import type { EmulatorState } from './options.js';

/** What `POST /user/has_feature_access` answers for `feature` in `state`. */
export function featureAccessOf(state: EmulatorState, feature: BackupFeature): HasFeatureAccessOutput {
  const { enabled, canUse, reason } = state.features[feature];
  return { canUse, enabled, isEnterpriseUser: state.enterpriseUser, ...(reason !== undefined && { reason }) };
}
