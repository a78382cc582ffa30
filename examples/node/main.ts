// pieces-backup from a terminal: lists the backups, follows an operation started elsewhere to
// its end, creates a backup with a progress bar and ETA, restores it after a confirmation, and
// prints the local asset count before and after.
// Ctrl+C cancels the running operation (a second Ctrl+C quits without waiting for it).
//
//   npm start                          the emulator with sample data, started here
//   npm start -- --url http://127.0.0.1:39300 --yes   a real Pieces OS, restore without asking
//   npm start -- --restore <id> --yes  restore that backup instead of creating one
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import {
  BUSY_STATES,
  LIFECYCLE_TEXTS,
  isPiecesBackupError,
  SETTLED_STATES,
  createBackupClient,
  createLifecycle,
  discoverOperations,
  isTerminalStatus,
  lifecycleText,
  type Backup,
  type BackupClient,
  type BackupLifecycle,
  type OperationKind,
  type OperationProgress,
  type ProgressTransport,
  type RestoreLifecycle,
} from 'pieces-backup';
import { startEmulator, type Emulator } from 'pieces-backup/emulator';
import { formatBytes, type Snapshot } from '../shared/format.js';

const USAGE = `usage: npm start -- [--url URL] [--yes] [--restore BACKUP_ID] [--transport websocket|ndjson|polling]

  --url URL          a running Pieces OS (or emulator); without it an emulator with sample data starts here
  --yes              restore without asking (a restore replaces the local database)
  --restore ID       restore this backup instead of creating one first
  --transport T      how progress is followed: websocket (default), ndjson or polling`;

type AnyLifecycle = BackupLifecycle | RestoreLifecycle;

const busy = (state: string) => (BUSY_STATES as readonly string[]).includes(state);
const settled = (state: string) => (SETTLED_STATES as readonly string[]).includes(state);
/** `backup`, `restore`: the words of this script's lines. */
const wordOf = (kind: OperationKind) => LIFECYCLE_TEXTS.noun[kind].toLowerCase();
const tty = Boolean(process.stdout.isTTY);

/** The lifecycle running now: what Ctrl+C cancels. */
let running: AnyLifecycle | null = null;

function progressLine(lifecycle: AnyLifecycle): string {
  const width = 24;
  const text = lifecycleText(lifecycle.kind, lifecycle.getSnapshot());
  const filled = Math.round((lifecycle.getSnapshot().context.percentage / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return `${wordOf(lifecycle.kind).padEnd(8)} ${bar} ${text.percentage.padStart(4)}  ${text.state.padEnd(10)} ${text.eta}`.trimEnd();
}

/** What to do about a failure the lifecycle reported, in one sentence, with the daemon's words. */
function explainFailure(lifecycle: AnyLifecycle): string {
  const text = lifecycleText(lifecycle.kind, lifecycle.getSnapshot());
  return text.userAction ? `${text.headline} ${text.userAction}\n  (${text.detail})` : text.headline;
}

/** A failed call outside a lifecycle (the list): the typed error says what the user must do. */
function explainError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isPiecesBackupError(error, 'AuthenticationRequiredError')) return `Sign in to Pieces OS and connect it to the cloud, then run this again.\n  (${message})`;
  if (isPiecesBackupError(error, 'UpdateRequiredError')) return `Update Pieces OS, then run this again.\n  (${message})`;
  if (isPiecesBackupError(error, 'NetworkError')) return `Pieces OS is not answering: is it running? Pass its address with --url.\n  (${message})`;
  return `The backups could not be listed: ${message}`;
}

/** Resolves with the lifecycle's first finished snapshot, printing its progress on the way. */
function follow(lifecycle: AnyLifecycle, begin: () => void): Promise<Snapshot> {
  return new Promise((resolve) => {
    let last = '';
    let lastStep = -1;
    const unsubscribe = lifecycle.subscribe(() => {
      const snapshot = lifecycle.getSnapshot();
      if (snapshot.value === 'idle') return;
      const line = progressLine(lifecycle);
      // a terminal gets one line redrawn; a pipe gets a line per state and per 10%
      const step = Math.floor(snapshot.context.percentage / 10);
      if (tty && line !== last) process.stdout.write(`\r\x1b[2K${line}`);
      if (!tty && (step !== lastStep || !last.includes(String(snapshot.value)))) console.log(line);
      last = line;
      lastStep = step;
      if (settled(snapshot.value)) {
        if (tty) process.stdout.write('\n');
        queueMicrotask(unsubscribe);
        resolve(snapshot);
      }
    });
    running = lifecycle;
    begin();
  }).finally(() => {
    running = null;
  }) as Promise<Snapshot>;
}

/** The local database's asset count: an emulator-only admin route; null on a real Pieces OS. */
async function assetCount(baseUrl: string): Promise<number | null> {
  try {
    const response = await fetch(new URL('/__emulator/assets', baseUrl));
    if (!response.ok) return null;
    return ((await response.json()) as { iterable: unknown[] }).iterable.length;
  } catch {
    return null;
  }
}

const describeCount = (count: number | null) => (count === null ? 'unknown (only the emulator reports it)' : `${count} assets`);

function printBackups(backups: readonly Backup[]): void {
  console.log(`Backups (${backups.length}):`);
  for (const backup of backups) {
    const created = backup.created.readable ?? String(backup.created.value);
    console.log(`  ${backup.id}  ${created}  ${backup.device_name}  ${formatBytes(backup.bytes)}`);
  }
}

/**
 * The operations running on Pieces OS now, whoever started them (another app, the CLI): the
 * discovery stream's first answer, or none if it has not answered within `waitMs`.
 */
function runningElsewhere(client: BackupClient, waitMs = 2000): Promise<OperationProgress[]> {
  return new Promise((resolve) => {
    const done = (operations: OperationProgress[]) => {
      clearTimeout(timer);
      queueMicrotask(() => subscription.unsubscribe());
      resolve(operations);
    };
    const timer = setTimeout(() => done([]), waitMs);
    const subscription = discoverOperations(client).subscribe({
      next: ({ creations, restorations }) => done([...creations, ...restorations].filter(({ status }) => !isTerminalStatus(status))),
      error: () => done([]),
    });
  });
}

/** Follows an operation this script did not start to its end: only one runs at a time. */
async function followElsewhere(client: BackupClient, operation: OperationProgress, transport: ProgressTransport): Promise<void> {
  const word = wordOf(operation.kind);
  console.log(`Started elsewhere: ${word} ${operation.backupId} at ${Math.floor(operation.percentage ?? 0)}%; following it to its end first.`);
  const lifecycle = createLifecycle(client, operation.kind, { transport });
  const end = await follow(lifecycle, () => lifecycle.attach(operation.backupId));
  lifecycle.dispose();
  console.log(`The ${word} started elsewhere ended: ${end.value}.`);
}

async function confirmRestore(backup: Backup | undefined, backupId: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    console.log(`Not restoring: a restore replaces the local database. Run again with --restore ${backupId} --yes to restore it.`);
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const when = backup?.created.readable ?? backupId;
  const answer = await new Promise<string>((resolve) => {
    // Ctrl+C at the prompt is a "no" (readline would otherwise only pause)
    prompt.once('SIGINT', () => (process.stdout.write('\n'), resolve('')));
    prompt.question(`Restore the backup of ${when}? It replaces the local database and nothing is synced back. [y/N] `).then(resolve, () => resolve(''));
  });
  prompt.close();
  const accepted = /^y(es)?$/i.test(answer.trim());
  if (!accepted) console.log('Not restoring: the local database is unchanged.');
  return accepted;
}

/** Runs the whole session; the exit code: 0 done, 1 failed, 130 cancelled with Ctrl+C. */
async function session(client: BackupClient, baseUrl: string, options: { yes: boolean; restore?: string; transport: ProgressTransport }, emulator?: Emulator): Promise<number> {
  let backups: Backup[];
  try {
    backups = [...(await client.list()).iterable];
  } catch (error) {
    console.error(explainError(error));
    return 1;
  }
  printBackups(backups);
  const before = await assetCount(baseUrl);
  console.log(`Local database: ${describeCount(before)}`);
  for (const operation of await runningElsewhere(client)) await followElsewhere(client, operation, options.transport);

  let backupId = options.restore;
  if (!backupId) {
    const backup = createLifecycle(client, 'creation', { transport: options.transport });
    const end = await follow(backup, () => backup.start());
    backup.dispose();
    if (end.value === 'cancelled') return console.log('Backup cancelled.'), 130;
    if (end.value === 'failed') return console.error(explainFailure(backup)), 1;
    backupId = end.context.backupId!;
    backups = [...(await client.list()).iterable];
    console.log(`Backup ${backupId} complete. Backups now: ${backups.length}.`);
    if (emulator) {
      // the emulator is ours: change the local database so the restore has something to bring back
      emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
      console.log(`(emulator) deleted one asset; local database: ${describeCount(await assetCount(baseUrl))}`);
    }
  }

  const target = backups.find((backup) => backup.id === backupId);
  if (!(await confirmRestore(target, backupId, options.yes))) return 0;
  const beforeRestore = await assetCount(baseUrl);
  const restore = createLifecycle(client, 'restoration', { transport: options.transport });
  const end = await follow(restore, () => restore.restore(backupId, { confirm: true, ...(target && { backup: target }) }));
  restore.dispose();
  if (end.value === 'cancelled') return console.log('Restore cancelled.'), 130;
  if (end.value === 'failed') return console.error(explainFailure(restore)), 1;
  console.log(`Restore of ${backupId} complete.`);
  console.log(`Local database: ${describeCount(beforeRestore)} before the restore, ${describeCount(await assetCount(baseUrl))} after.`);
  return 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      restore: { type: 'string' },
      transport: { type: 'string', default: 'websocket' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(USAGE), 0;
  const transport = values.transport as ProgressTransport;
  if (!['websocket', 'ndjson', 'polling'].includes(transport)) return console.error(USAGE), 2;

  // no --url: an emulator with sample data, slow enough to watch (512 KB at 200 KB/s)
  const emulator = values.url ? undefined : await startEmulator({ port: 0, rateBytesPerSecond: 200_000 });
  const baseUrl = values.url ?? emulator!.url;
  console.log(emulator ? `Started the emulator with sample data at ${baseUrl} (pass --url to use a real Pieces OS)` : `Pieces OS at ${baseUrl}`);

  process.on('SIGINT', () => {
    const lifecycle = running;
    if (!lifecycle || !busy(lifecycle.getSnapshot().value) || lifecycle.getSnapshot().context.cancelRequested) {
      process.exit(130);
    }
    console.log(`\nCancelling the ${wordOf(lifecycle.kind)}… (Ctrl+C again to quit without waiting)`);
    lifecycle.cancel();
  });

  try {
    return await session(createBackupClient({ baseUrl }), baseUrl, { yes: values.yes, restore: values.restore, transport }, emulator);
  } finally {
    await emulator?.close();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return 1;
});
