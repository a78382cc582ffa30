import { describe, expect, it } from 'vitest';
import {
  BACKUP_FEATURE_VALUES,
  decode,
  decodeHasFeatureAccessOutput,
  type Backup,
  type HasFeatureAccessOutput,
} from '../../src/models/index.js';
import { adminFetch, rawRequest, useEmulator } from '../helpers/emulator.js';

const json = { 'content-type': 'application/json' };

async function featureAccess(baseUrl: string, body: unknown): Promise<{ status: number; contentType: string | undefined; text: string }> {
  const response = await rawRequest(baseUrl, {
    method: 'POST',
    path: '/user/has_feature_access',
    headers: json,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers['content-type'], text: response.body };
}

async function accessOf(baseUrl: string, feature: string): Promise<HasFeatureAccessOutput> {
  const answer = await featureAccess(baseUrl, { feature });
  expect(answer.status, answer.text).toBe(200);
  return decode(decodeHasFeatureAccessOutput, JSON.parse(answer.text));
}

describe('GET /.well-known/version', () => {
  const emulator = useEmulator({ each: true, version: '10.1.4' });

  it('answers the running Pieces OS version as bare text/plain', async () => {
    const response = await rawRequest(emulator.url, { path: '/.well-known/version' });
    expect([response.status, response.headers['content-type'], response.body]).toEqual([200, 'text/plain; charset=utf-8', '10.1.4']);
  });

  it('follows the admin state: a new version is answered at once and stamped on the backups made after', async () => {
    const before = (await (await fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: json, body: '{}' })).json()) as Backup;
    expect(before.version).toBe('10.1.4');
    await adminFetch(emulator.url, 'PUT', 'state', { version: '11.0.0' });
    expect(await (await fetch(`${emulator.url}/.well-known/version`)).text()).toBe('11.0.0');
    expect(await (await fetch(`${emulator.url}/.well-known/health`)).text()).toBe('ok:11.0.0\n');
    const after = (await (await fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: json, body: '{}' })).json()) as Backup;
    expect(after).toMatchObject({ version: '11.0.0' });
    expect(after.id).toMatch(/^11\.0\.0_\d+$/);
    emulator.current.admin.setState({ version: '9.2.0' });
    expect(await (await fetch(`${emulator.url}/.well-known/version`)).text()).toBe('9.2.0');
    // the backup made before keeps the version that made it
    expect(((await (await fetch(`${emulator.url}/backup/${before.id}`)).json()) as Backup).version).toBe('10.1.4');
  });

  it('needs no sign-in (no cloud check), refuses other methods with 405, and a bad version patch with 400', async () => {
    emulator.current.admin.setState({ signedIn: false, osUpToDate: false });
    expect((await rawRequest(emulator.url, { path: '/.well-known/version' })).status).toBe(200);
    const post = await rawRequest(emulator.url, { method: 'POST', path: '/.well-known/version' });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET']);
    for (const version of ['', '1 0', '../1', 'x'.repeat(65), 10]) {
      const response = await rawRequest(emulator.url, { method: 'PUT', path: '/__emulator/state', headers: json, body: JSON.stringify({ version }) });
      expect([response.status, response.body]).toEqual([400, 'state.version must be a version string like 9.0.0\n']);
    }
    expect(await (await fetch(`${emulator.url}/.well-known/version`)).text()).toBe('10.1.4');
  });
});

describe('POST /user/has_feature_access', () => {
  const emulator = useEmulator({ each: true });

  it('answers every backup feature as usable by default, in the SDK 5.0.0 wire shape', async () => {
    for (const feature of BACKUP_FEATURE_VALUES) {
      const answer = await featureAccess(emulator.url, { feature });
      expect([feature, answer.status, answer.contentType]).toEqual([feature, 200, 'application/json; charset=utf-8']);
      expect(JSON.parse(answer.text)).toEqual({ canUse: true, enabled: true, isEnterpriseUser: false });
    }
    // a context and a schema are accepted (the SDK's optional fields) and change nothing for backups
    const withContext = await featureAccess(emulator.url, {
      feature: 'RESTORE_CLOUD_BACKUP',
      context: { processing: {} },
      schema: { migration: 0, semantic: 'MAJOR_0_MINOR_0_PATCH_1' },
    });
    expect(JSON.parse(withContext.text)).toEqual({ canUse: true, enabled: true, isEnterpriseUser: false });
  });

  it('an admin switch turns one feature off with its reason; the others stay on; switching on drops the reason', async () => {
    await adminFetch(emulator.url, 'PUT', 'state', {
      enterpriseUser: true,
      features: { RESTORE_CLOUD_BACKUP: { enabled: false, reason: 'restores are disabled by your organisation' } },
    });
    expect(await accessOf(emulator.url, 'RESTORE_CLOUD_BACKUP')).toEqual({
      canUse: true,
      enabled: false,
      isEnterpriseUser: true,
      reason: 'restores are disabled by your organisation',
    });
    expect(await accessOf(emulator.url, 'CLOUD_BACKUP_CREATION')).toEqual({ canUse: true, enabled: true, isEnterpriseUser: true });
    expect(emulator.current.admin.getState().features.RESTORE_CLOUD_BACKUP).toEqual({
      enabled: false,
      canUse: true,
      reason: 'restores are disabled by your organisation',
    });
    emulator.current.admin.setState({ features: { DELETE_CLOUD_BACKUP: { enabled: false, canUse: false } } });
    expect(emulator.current.admin.featureAccess('DELETE_CLOUD_BACKUP')).toEqual({ canUse: false, enabled: false, isEnterpriseUser: true });
    emulator.current.admin.setState({ features: { RESTORE_CLOUD_BACKUP: { enabled: true, reason: null } } });
    expect(await accessOf(emulator.url, 'RESTORE_CLOUD_BACKUP')).toEqual({ canUse: true, enabled: true, isEnterpriseUser: true });
    // reset puts every switch back
    await adminFetch(emulator.url, 'POST', 'reset');
    expect(await accessOf(emulator.url, 'DELETE_CLOUD_BACKUP')).toEqual({ canUse: true, enabled: true, isEnterpriseUser: false });
  });

  it('the Backup API ignores the switches: the library refuses before sending, the emulator does not pretend to know', async () => {
    emulator.current.admin.setState({ features: { CLOUD_BACKUP_CREATION: { enabled: false, reason: 'off' }, LIST_CLOUD_BACKUPS: { enabled: false } } });
    expect((await fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: json, body: '{}' })).status).toBe(200);
    expect((await fetch(`${emulator.url}/backups`)).status).toBe(200);
  });

  it('answers 404 like a daemon older than the endpoint when featureAccessEndpoint is false', async () => {
    emulator.current.admin.setState({ featureAccessEndpoint: false });
    const answer = await featureAccess(emulator.url, { feature: 'CLOUD_BACKUP_CREATION' });
    expect([answer.status, answer.contentType, answer.text]).toEqual([404, 'text/plain; charset=utf-8', 'no route for /user/has_feature_access\n']);
    emulator.current.admin.setState({ featureAccessEndpoint: true });
    expect((await featureAccess(emulator.url, { feature: 'CLOUD_BACKUP_CREATION' })).status).toBe(200);
  });

  it('refuses bad input with 400 text naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ feature: 'SHARE_SNIPPET' }, /^unknown feature "SHARE_SNIPPET": use one of CLOUD_BACKUP_CREATION, /],
      [{ feature: 'cloud_backup_creation' }, /^unknown feature/],
      [{ feature: 'x'.repeat(100_000) }, /^unknown feature "x{140}"/],
      [{ feature: 7 }, /^body is not a valid HasFeatureAccessInput: feature: expected string, got number/],
      [{ feature: null }, /^body is not a valid HasFeatureAccessInput: feature: expected string, got null/],
      [{ context: {} }, /^body is not a valid HasFeatureAccessInput: feature: expected string/],
      [{ feature: 'CLOUD_BACKUP_CREATION', context: [] }, /^body is not a valid HasFeatureAccessInput: context: expected object, got array/],
      [{ feature: 'CLOUD_BACKUP_CREATION', schema: { migration: 'a' } }, /^body is not a valid HasFeatureAccessInput: schema\.migration/],
      [{}, /^body is not a valid HasFeatureAccessInput: feature is required/],
      [[], /^body is not a valid HasFeatureAccessInput: \(root\): expected object, got array/],
      ['"CLOUD_BACKUP_CREATION"', /^body is not a valid HasFeatureAccessInput: \(root\): expected object, got string/],
      ['{"feature":', /^malformed JSON body/],
    ];
    for (const [body, message] of cases) {
      const answer = await featureAccess(emulator.url, body);
      expect([String(JSON.stringify(body)).slice(0, 60), answer.status, answer.contentType]).toEqual([
        String(JSON.stringify(body)).slice(0, 60),
        400,
        'text/plain; charset=utf-8',
      ]);
      expect(answer.text).toMatch(message);
    }
    const noBody = await rawRequest(emulator.url, { method: 'POST', path: '/user/has_feature_access' });
    expect(noBody.status).toBe(400);
    expect(noBody.body).toMatch(/^a HasFeatureAccessInput body is required/);
    const textBody = await rawRequest(emulator.url, { method: 'POST', path: '/user/has_feature_access', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(textBody.status).toBe(415);
    expect((await rawRequest(emulator.url, { path: '/user/has_feature_access' })).status).toBe(405);
    expect(() => emulator.current.admin.featureAccess('SHARE_SNIPPET' as never)).toThrow(/unknown feature/);
  });

  it('refuses bad switch patches with 400 and changes nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ features: { SHARE_SNIPPET: { enabled: false } } }, 'unknown feature "SHARE_SNIPPET": use one of'],
      [{ features: { RESTORE_CLOUD_BACKUP: { enabled: 'no' } } }, 'state.features.RESTORE_CLOUD_BACKUP.enabled must be a boolean'],
      [{ features: { RESTORE_CLOUD_BACKUP: { reason: 5 } } }, 'state.features.RESTORE_CLOUD_BACKUP.reason must be a string'],
      [{ features: { RESTORE_CLOUD_BACKUP: { reason: 'r'.repeat(1001) } } }, 'state.features.RESTORE_CLOUD_BACKUP.reason must be a string'],
      [{ features: { RESTORE_CLOUD_BACKUP: { on: false } } }, 'unknown field "on" in state.features.RESTORE_CLOUD_BACKUP'],
      [{ features: { RESTORE_CLOUD_BACKUP: false } }, 'state.features.RESTORE_CLOUD_BACKUP must be a JSON object'],
      [{ features: [] }, 'state.features must be a JSON object keyed by feature'],
      [{ enterpriseUser: 'yes' }, 'state.enterpriseUser must be a boolean'],
      [{ featureAccessEndpoint: 0 }, 'state.featureAccessEndpoint must be a boolean'],
      // one bad feature refuses the whole patch
      [{ signedIn: false, features: { LIST_CLOUD_BACKUPS: { enabled: false }, NOPE: {} } }, 'unknown feature "NOPE"'],
    ];
    for (const [body, message] of cases) {
      const response = await rawRequest(emulator.url, { method: 'PUT', path: '/__emulator/state', headers: json, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.startsWith(message), response.body).toBe(true);
    }
    const state = emulator.current.admin.getState();
    expect(state.signedIn).toBe(true);
    expect(Object.values(state.features).every((access) => access.enabled && access.canUse && access.reason === undefined)).toBe(true);
  });
});

describe('the new endpoints from a browser page', () => {
  const emulator = useEmulator();
  const PAGE = 'http://localhost:5173';

  it('preflights POST /user/has_feature_access and /__emulator/backups, and answers them with CORS headers', async () => {
    for (const path of ['/user/has_feature_access', '/__emulator/backups']) {
      const preflight = await rawRequest(emulator.url, {
        method: 'OPTIONS',
        path,
        headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect([path, preflight.status, preflight.headers['access-control-allow-origin'], preflight.headers['access-control-allow-headers']]).toEqual([
        path,
        204,
        PAGE,
        'content-type',
      ]);
    }
    const access = await rawRequest(emulator.url, {
      method: 'POST',
      path: '/user/has_feature_access',
      headers: { ...json, origin: PAGE },
      body: '{"feature":"LIST_CLOUD_BACKUPS"}',
    });
    expect([access.status, access.headers['access-control-allow-origin']]).toEqual([200, PAGE]);
    const version = await rawRequest(emulator.url, { path: '/.well-known/version', headers: { origin: PAGE } });
    expect([version.status, version.headers['access-control-allow-origin']]).toEqual([200, PAGE]);
    const foreign = await rawRequest(emulator.url, { path: '/.well-known/version', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});
