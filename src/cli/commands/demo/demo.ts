import { createBackupClient, createLifecycle, lifecycleText, type BackupSnapshot, type RestoreSnapshot } from '../../../index.js';
import type { Emulator } from '../../../emulator/index.js';
import type { AnyLifecycle } from '../../lifecycle/follow-lifecycle.js';
import { startDashboard } from './dashboard.js';

/** `backup : running      42%  via websocket  ETA 0:07`, from the core's text model. */
function describe(label: string, lifecycle: AnyLifecycle): string {
  const snapshot = lifecycle.getSnapshot();
  const text = lifecycleText(lifecycle.kind, snapshot);
  const parts = [`${label}: ${text.state.padEnd(10)}`, text.percentage.padStart(4)];
  if (snapshot.context.transport) parts.push(`via ${text.transport}`);
  if (text.eta) parts.push(`ETA ${text.remaining}`);
  if (text.error) parts.push(`error: ${text.error}`);
  return parts.join('  ');
}

/** Resolves when the lifecycle settles; prints a line whenever the state or whole percentage changes. */
function follow(label: string, lifecycle: AnyLifecycle, begin: () => void): Promise<BackupSnapshot | RestoreSnapshot> {
  return new Promise((resolve) => {
    let last = '';
    const unsubscribe = lifecycle.subscribe(() => {
      const line = describe(label, lifecycle);
      if (line !== last) console.log((last = line));
      if (lifecycleText(lifecycle.kind, lifecycle.getSnapshot()).settled) {
        unsubscribe();
        resolve(lifecycle.getSnapshot());
      }
    });
    begin();
  });
}

/**
 * `npm start`: the emulator with sample data and the example dashboard (`examples/react`, and
 * `examples/element` at `/element.html`) on another loopback port. `--once` instead runs one
 * backup and one restore through the lifecycle machines, printing each state, and exits.
 */
export async function demo({ once }: { once: boolean }): Promise<void> {
  const { startEmulator } = await import('../../../emulator/index.js');
  const emulator: Emulator = await startEmulator({ port: 0, rateBytesPerSecond: 200_000 });
  console.log(`emulator listening on ${emulator.url} (data in ${emulator.dataDir})`);
  if (once) {
    await scriptedRun(emulator);
    return emulator.close();
  }
  const dashboard = await startDashboard({ daemonUrl: emulator.url }).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  console.log(`dashboard: open ${dashboard.url}  (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => void Promise.all([dashboard.close(), emulator.close()]).then(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function scriptedRun(emulator: Emulator): Promise<void> {
  const client = createBackupClient({ baseUrl: emulator.url });

  const assetsBefore = emulator.admin.listAssets().length;
  const backup = createLifecycle(client, 'creation', { transport: 'websocket' });
  const backupEnd = await follow('backup ', backup, () => backup.start());
  backup.dispose();
  const backupId = backupEnd.context.backupId;
  if (backupEnd.value !== 'done' || !backupId) throw new Error(`backup ended ${backupEnd.value}`);

  // Change the local database, then restore: the backup's contents come back.
  emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
  console.log(`local database now has ${emulator.admin.listAssets().length} assets (was ${assetsBefore}); restoring ${backupId}`);
  const restore = createLifecycle(client, 'restoration', { transport: 'ndjson' });
  const restoreEnd = await follow('restore', restore, () => restore.restore(backupId, { confirm: true }));
  restore.dispose();
  console.log(`restore ${restoreEnd.value}: local database has ${emulator.admin.listAssets().length} assets again`);
}
