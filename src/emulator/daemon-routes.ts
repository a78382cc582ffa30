import { decodeHasFeatureAccessInput } from '../models/index.js';
import { optionalBody } from './backup-routes.js';
import { sendJson, sendText, sendTextExactly } from './http-io.js';
import { RequestRejection } from './request-rejection.js';
import type { Route } from './router.js';

/** The daemon's own endpoints beside the Backup API: health, version, feature access. No cloud checks. */
export const daemonRoutes: readonly Route[] = [
  {
    // Discovery probes this on every candidate port: `ok:<os-version>`.
    method: 'GET',
    path: '/.well-known/health',
    handle: ({ core, res }) => sendText(res, 200, `ok:${core.state.version}`),
  },
  {
    // The bare version, no newline: clients parse it as semver as it comes (the Python SDK's callers do).
    method: 'GET',
    path: '/.well-known/version',
    operation: 'get_well_known_version',
    handle: ({ core, res }) => sendTextExactly(res, 200, core.state.version),
  },
  {
    method: 'POST',
    path: '/user/has_feature_access',
    operation: 'user_has_feature_access',
    handle: ({ core, body, res }) => {
      // an older daemon has no such route: the admin switch makes the emulator one
      if (!core.state.featureAccessEndpoint) throw new RequestRejection(404, 'no route for /user/has_feature_access');
      if (body === undefined) throw new RequestRejection(400, 'a HasFeatureAccessInput body is required: { "feature": "CLOUD_BACKUP_CREATION" }');
      const input = optionalBody(decodeHasFeatureAccessInput, body, 'HasFeatureAccessInput');
      if (!input) throw new RequestRejection(400, 'body is not a valid HasFeatureAccessInput: feature is required');
      sendJson(res, 200, core.admin.featureAccess(input.feature as Parameters<typeof core.admin.featureAccess>[0]));
    },
  },
];
