import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLifecycle, type BackupClient } from '../../src/index.js';
import { useTestDaemon, waitForState } from '../../src/testing/index.js';

// The app's function under test: it starts a backup the way the app does.
function backUpNow(client: BackupClient) {
  const backup = createLifecycle(client, 'creation', { transport: 'ndjson' });
  backup.start();
  return backup;
}

const daemon = useTestDaemon({ beforeEach, afterEach }, { assets: 5, backups: 1 });

it('backs up the local database', async () => {
  await waitForState(backUpNow(daemon.client), 'done');
  expect((await daemon.client.list()).iterable).toHaveLength(2);
});

it('asks the user to sign in when Pieces OS is signed out', async () => {
  daemon.signOut();
  const failed = await waitForState(backUpNow(daemon.client), 'failed');
  expect(failed.context.error?.kind).toBe('authentication-required');
});
