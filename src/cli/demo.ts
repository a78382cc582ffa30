import { createBackupClient } from '../api/index.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { startDashboard } from './dashboard.js';
import { createBackupActor, createRestoreActor, type LifecycleContext } from '../../machines/index.js';

/** What the demo reads from either lifecycle actor. */
interface LifecycleView {
  value: unknown;
  context: LifecycleContext;
}

interface Watchable {
  subscribe(listener: (snapshot: LifecycleView) => void): { unsubscribe(): void };
}

function describe(label: string, snapshot: LifecycleView): string {
  const { percentage, transport, eta, error } = snapshot.context;
  const parts = [`${label}: ${String(snapshot.value).padEnd(10)}`, `${Math.floor(percentage)}%`.padStart(4)];
  if (transport) parts.push(`via ${transport}`);
  if (eta != null && eta > 0) parts.push(`eta ${(eta / 1000).toFixed(1)}s`);
  if (error) parts.push(`error: ${error.message}`);
  return parts.join('  ');
}

/** Resolves when the actor settles; prints a line whenever the state or whole percentage changes. */
function follow(label: string, actor: Watchable, settled: readonly string[]): Promise<LifecycleView> {
  return new Promise((resolve) => {
    let last = '';
    const subscription = actor.subscribe((snapshot) => {
      const line = describe(label, snapshot);
      if (line !== last) console.log((last = line));
      if (settled.includes(String(snapshot.value))) {
        queueMicrotask(() => subscription.unsubscribe());
        resolve(snapshot);
      }
    });
  });
}

/**
 * `npm start`: the emulator with sample data and the example dashboard (`examples/react`, and
 * `examples/element` at `/element.html`) on another loopback port. `--once` instead runs one
 * backup and one restore through the lifecycle machines, printing each state, and exits.
 */
export async function demo(args: readonly string[]): Promise<void> {
  const once = args.includes('--once');
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
  const settled = ['done', 'failed', 'cancelled'] as const;

  const assetsBefore = emulator.admin.listAssets().length;
  const backup = createBackupActor(client, { transport: 'websocket' });
  backup.send({ type: 'START' });
  const backupEnd = await follow('backup ', backup, settled);
  backup.stop();
  const backupId = backupEnd.context.backupId;
  if (backupEnd.value !== 'done' || !backupId) throw new Error(`backup ended ${String(backupEnd.value)}`);

  // Change the local database, then restore: the backup's contents come back.
  emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
  console.log(`local database now has ${emulator.admin.listAssets().length} assets (was ${assetsBefore}); restoring ${backupId}`);
  const restore = createRestoreActor(client, { transport: 'ndjson' });
  restore.send({ type: 'RESTORE', backupId, confirm: true });
  const restoreEnd = await follow('restore', restore, settled);
  restore.stop();
  console.log(`restore ${String(restoreEnd.value)}: local database has ${emulator.admin.listAssets().length} assets again`);
}
