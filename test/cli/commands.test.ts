import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discoverDaemon } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createBackup, statusOf, waitFor } from '../helpers/emulator.js';
import { cli, closedPort, jsonLines, killAll, startCli } from './run-cli.js';

// 50 MB/s: an operation ends at once; 128 kB/s: the 512 kB sample database takes 4 s.
const FAST = 50_000_000;
const SLOW = 128_000;

let emulator: Emulator;
let backupId: string;
let assetCount: number;
const at = () => ['--url', emulator.url];

const listedIds = async () =>
  ((await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: Array<{ id: string }> }).iterable.map((backup) => backup.id);

/** A creation that runs for a while (started over HTTP, not by the CLI), and its id. */
async function slowCreation(): Promise<string> {
  emulator.admin.setState({ rateBytesPerSecond: SLOW });
  void fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
  return waitFor(() => emulator.admin.operations().creations[0]?.backup.id, 'a creation in progress');
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: FAST, cancelDelayMs: 30 });
  assetCount = emulator.admin.listAssets().length;
  backupId = await createBackup(emulator.url);
});

afterEach(() => {
  killAll();
  emulator.admin.clearFaults();
  emulator.admin.setState({ signedIn: true, osUpToDate: true, rateBytesPerSecond: FAST });
  // nothing a test started runs into the next one
  const { creations, restorations } = emulator.admin.operations();
  if (creations.length > 0) emulator.admin.failOperation('creation', 'test teardown');
  if (restorations.length > 0) emulator.admin.failOperation('restoration', 'test teardown');
});

afterAll(() => emulator.close());

describe('pieces-backup against the emulator (stdout and stdin are pipes)', () => {
  it('list: a table of the backups, exit 0; --json: one result object', async () => {
    const table = await cli(['list', ...at()]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^ID +CREATED +SIZE +DEVICE\\n${backupId} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC +500 KiB +vm \\(LINUX\\)$`, 'm'));
    const json = await cli(['list', '--json', ...at()]);
    expect(json.code).toBe(0);
    const [result] = jsonLines(json.stdout);
    expect(result).toMatchObject({ type: 'result', command: 'list', exitCode: 0 });
    expect((result!.backups as Array<{ id: string }>).map((backup) => backup.id)).toContain(backupId);
  });

  it('backup --json: progress frames, then the result; the backup exists', async () => {
    emulator.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const run = await cli(['backup', '--json', ...at()]);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const result = lines.at(-1)!;
    const frames = lines.slice(0, -1);
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.every((frame) => frame.type === 'progress' && frame.kind === 'creation')).toBe(true);
    const percentages = frames.map((frame) => frame.percentage as number);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(frames.some((frame) => frame.state === 'running' && frame.transport === 'websocket')).toBe(true);
    expect(frames.at(-1)).toMatchObject({ state: 'done', status: 'COMPLETED', percentage: 100 });
    expect(result).toMatchObject({ type: 'result', command: 'backup', exitCode: 0, outcome: 'done', status: 'COMPLETED' });
    expect(await listedIds()).toContain(result.backupId);
    expect(run.stderr).toBe('');
  });

  it('says "reconnecting…" while status reads fail, and goes on', async () => {
    emulator.admin.setState({ rateBytesPerSecond: 1_000_000 });
    emulator.admin.injectFault({ operation: 'backup_specific_creation_status', status: 503, times: 2 });
    const run = await cli(['backup', '--transport', 'polling', ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^backup +\d+%  ETA .*  reconnecting… \(attempt 1\)$/m);
    expect(run.stdout).toMatch(/^backup  100%  ETA 0:00  via polling  \d+:\d\d elapsed  done$/m);
  });

  it('restore without --yes when stdin is not a terminal: refuses, exit 2, nothing changes', async () => {
    const before = emulator.admin.readDatabaseBytes();
    const run = await cli(['restore', backupId, ...at()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/pass --yes to confirm \(stdin is not a terminal/);
    expect(emulator.admin.readDatabaseBytes().equals(before)).toBe(true);
    expect(emulator.admin.journal().some((record) => record.kind === 'restoration')).toBe(false);
  });

  it('restore --yes: the local database is the backup again (asset count back)', async () => {
    emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
    expect(emulator.admin.listAssets()).toHaveLength(assetCount - 1);
    const run = await cli(['restore', backupId, '--yes', ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`restored ${backupId}: the local database is now the backup's`);
    expect(run.stdout).toMatch(/^restore  100%  ETA 0:00  via websocket  \d+:\d\d elapsed  done$/m);
    expect(emulator.admin.listAssets()).toHaveLength(assetCount);
  });

  it('status without an id: every operation in progress; with its id: its status', async () => {
    const id = await slowCreation();
    const all = await cli(['status', ...at()]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`^backup +${id}  IN-PROGRESS \\d+%$`, 'm'));
    const json = await cli(['status', '--json', ...at()]);
    expect(jsonLines(json.stdout)[0]).toMatchObject({ type: 'result', exitCode: 0, creations: [{ backupId: id, status: 'IN-PROGRESS' }], restorations: [] });
    const one = await cli(['status', id, ...at()]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^backup ${id}: IN-PROGRESS \\d+%\\nrestore of ${id}: none$`, 'm'));
  });

  it('cancel <id>: follows the cancel to CANCELED (exit 0); the backup command sees it cancelled (exit 3)', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW });
    const backup = startCli(['backup', ...at()]);
    backup.child.stdin!.end();
    const id = await waitFor(() => emulator.admin.operations().creations[0]?.backup.id, 'the creation');
    const cancel = await cli(['cancel', id, ...at()]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`cancelled: Pieces OS canceled the backup ${id}; no backup was made`);
    expect(await backup.exited).toBe(3);
    expect(backup.stdout()).toMatch(/^backup +\d+%  ETA .*  cancelled$/m);
    expect((await statusOf(emulator.url, 'creation', id)).value).toBe('CANCELED');
    expect(await listedIds()).not.toContain(id);
  });

  it('cancel that arrives after the end: "too late: completed", exit 8', async () => {
    const id = await slowCreation();
    // the cancel request is held back; the creation finishes meanwhile
    emulator.admin.injectFault({ operation: 'backup_specific_creation_cancel', latencyMs: 3_000 });
    const cancel = startCli(['cancel', id, ...at()]);
    cancel.child.stdin!.end();
    await waitFor(() => (cancel.stdout().includes('cancelling…') ? true : undefined), 'the cancel to be sent');
    emulator.admin.setState({ rateBytesPerSecond: FAST });
    expect(await cancel.exited).toBe(8);
    expect(cancel.stdout()).toContain(`too late: completed. the backup ${id} completed before the cancel took effect`);
    expect(await listedIds()).toContain(id);
  });

  it('cancel with nothing in progress: exit 1, says so', async () => {
    const run = await cli(['cancel', backupId, ...at()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`nothing to cancel: no backup or restore of ${backupId} is in progress (backup: COMPLETED`);
  });

  it('delete <id>: gone from the list (exit 0); again: 404, exit 1', async () => {
    const id = await createBackup(emulator.url);
    const run = await cli(['delete', id, ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`deleted ${id}\n`);
    expect(await listedIds()).not.toContain(id);
    const again = await cli(['delete', id, ...at()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('The backup or operation no longer exists');
  });

  it('505: exit 5 and the user action', async () => {
    emulator.admin.setState({ osUpToDate: false });
    const backup = await cli(['backup', ...at()]);
    expect(backup.code).toBe(5);
    expect(backup.stderr).toContain('Update Pieces OS, then try again.');
    const list = await cli(['list', '--json', ...at()]);
    expect(list.code).toBe(5);
    expect(jsonLines(list.stdout)[0]).toMatchObject({ exitCode: 5, error: { kind: 'update-required', userAction: 'Update Pieces OS, then try again.' } });
  });

  it('511: exit 6 and the user action; a restore leaves the database alone', async () => {
    emulator.admin.setState({ signedIn: false });
    const before = emulator.admin.readDatabaseBytes();
    const run = await cli(['restore', backupId, '--yes', ...at()]);
    expect(run.code).toBe(6);
    expect(run.stderr).toContain('Sign in to Pieces OS and connect it to the cloud, then try again.');
    expect(emulator.admin.readDatabaseBytes().equals(before)).toBe(true);
  });

  it('daemon not found: a closed port (exit 4), and discovery finding none (exit 4)', async (context) => {
    const port = await closedPort();
    const run = await cli(['backup', '--url', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`Pieces OS not found: no answer to /.well-known/health from http://127.0.0.1:${port}`);
    expect(run.stderr).toContain(`Nothing answers as Pieces OS at http://127.0.0.1:${port}`);
    if (await discoverDaemon({ timeoutMs: 300 }).then(() => true, () => false)) context.skip();
    const discovered = await cli(['list']);
    expect(discovered.code).toBe(4);
    expect(discovered.stderr).toContain('Start Pieces OS, or pass --url where it listens.');
  });

  it('outcome unknown (the start failed without a refusal): exit 7, points at status', async () => {
    emulator.admin.injectFault({ operation: 'backups_create_streamed_websocket', status: 503, times: 1 });
    // and the progress socket cannot say nothing ran (else the start is made again by itself)
    emulator.admin.injectFault({ operation: 'backups_streamed_progress_websocket', status: 404, times: 1 });
    const run = await cli(['backup', ...at()]);
    expect(run.code).toBe(7);
    expect(run.stderr).toMatch(/^outcome unknown: /m);
    expect(run.stderr).toContain('`pieces-backup status` checks it');
  });

  it('the operation failed on the server: exit 1', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW });
    const backup = startCli(['backup', ...at()]);
    backup.child.stdin!.end();
    await waitFor(() => emulator.admin.operations().creations[0], 'the creation');
    emulator.admin.failOperation('creation', 'disk full');
    expect(await backup.exited).toBe(1);
    expect(backup.stderr()).toMatch(/^the backup \S+ failed: .*FAILED/m);
  });

  it('Ctrl-C with no terminal to ask on: leaves the operation running, exit 130', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW });
    const backup = startCli(['backup', ...at()]);
    backup.child.stdin!.end();
    const id = await waitFor(() => emulator.admin.operations().creations[0]?.backup.id, 'the creation');
    await waitFor(() => (backup.stdout().includes('running') ? true : undefined), 'the first progress line');
    backup.child.kill('SIGINT');
    expect(await backup.exited).toBe(130);
    expect(backup.stderr()).toContain(`left running: the backup ${id} goes on in Pieces OS.`);
    expect(emulator.admin.operations().creations.map((status) => status.backup.id)).toEqual([id]);
  });

  it('watch: follows operations started elsewhere, live, until Ctrl-C (exit 0)', async () => {
    const watch = startCli(['watch', ...at()]);
    watch.child.stdin!.end();
    await waitFor(() => (watch.stdout().includes('Ctrl-C to stop') ? true : undefined), 'watch to start');
    const id = await slowCreation();
    // the first line may come from the first status poll; the socket lists the operation soon
    // after (later on a loaded machine): speed up only once the watch follows it live
    await waitFor(() => (/via websocket .* running/.test(watch.stdout()) ? true : undefined), 'the creation on the watch, live');
    emulator.admin.setState({ rateBytesPerSecond: FAST });
    await waitFor(() => (watch.stdout().includes(`backup ${id} completed`) ? true : undefined), 'the end on the watch');
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(watch.stdout()).toMatch(new RegExp(`^backup ${id} +\\d+%  ETA .*  via websocket  .*  running$`, 'm'));
  });

  it('usage errors exit 2', async () => {
    for (const args of [['list', '--transport', 'carrier-pigeon'], ['restore'], ['list', '--url', 'not a url'], ['frobnicate']]) {
      const run = await cli([...args, ...at()]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
    }
  });

  it('--help lists the commands and documents every exit code', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['serve', 'demo', 'list', 'backup', 'restore', 'status', 'cancel', 'delete', 'watch']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8, 130]) expect(run.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
  });
});
