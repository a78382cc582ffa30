import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

// examples/node/main.ts as a user runs it (`npm start` there is `tsx main.ts`): a child process,
// tsx from the root's node_modules, against an emulator in this process (`--url`).
const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/node');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runExample(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    // note: node itself, not the tsx binary, so a SIGINT reaches the script and not a wrapper
    const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', ...args], { cwd: EXAMPLE, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const counts = (stdout: string) => {
  const match = /Local database: (\d+) assets before the restore, (\d+) assets after\./.exec(stdout);
  return match ? [Number(match[1]), Number(match[2])] : null;
};

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: 5_000_000, cancelDelayMs: 30 });
});

afterEach(async () => {
  await emulator.close();
});

describe('examples/node', () => {
  it('lists, backs up with progress, and restores the new backup with --yes', async () => {
    const assets = emulator.admin.listAssets().length;
    const run = await runExample(['--url', emulator.url, '--yes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Pieces OS at ${emulator.url}`);
    expect(run.stdout).toContain('Backups (0):');
    expect(run.stdout).toContain(`Local database: ${assets} assets`);
    expect(run.stdout).toMatch(/^backup +\[#+\] 100% +done$/m);
    const listed = (await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: { id: string }[] };
    expect(listed.iterable).toHaveLength(1);
    const id = listed.iterable[0]!.id;
    expect(run.stdout).toContain(`Backup ${id} complete. Backups now: 1.`);
    expect(run.stdout).toContain(`Restore of ${id} complete.`);
    // nothing changed between the two: the count is the same before and after
    expect(counts(run.stdout)).toEqual([assets, assets]);
    expect(emulator.admin.journal().map(({ kind, status }) => `${kind} ${status}`)).toEqual(['creation COMPLETED', 'restoration COMPLETED']);
  });

  it('restores only with --yes, and the asset count changes with the restore', async () => {
    const assets = emulator.admin.listAssets().length;
    const first = await runExample(['--url', emulator.url, '--transport', 'ndjson']);
    expect(first.code).toBe(0);
    const [backup] = ((await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: { id: string }[] }).iterable;
    expect(first.stdout).toContain(`Not restoring: a restore replaces the local database. Run again with --restore ${backup!.id} --yes`);
    expect(emulator.admin.journal().map(({ kind }) => kind)).toEqual(['creation']);

    emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
    emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
    const second = await runExample(['--url', emulator.url, '--restore', backup!.id, '--yes', '--transport', 'polling']);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('backup ');
    expect(counts(second.stdout)).toEqual([assets - 2, assets]);
    expect(emulator.admin.listAssets()).toHaveLength(assets);
  });

  it('follows a backup started elsewhere to its end before starting its own', async () => {
    emulator.admin.setState({ rateBytesPerSecond: 50_000 });
    // the plain create call answers when that backup is done
    const elsewhere = fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await expect.poll(() => emulator.admin.journal().length).toBe(1);
    let sped = false;
    const run = await runExample(['--url', emulator.url], (stdout) => {
      if (!sped && stdout.includes('Started elsewhere: backup ')) {
        sped = true;
        emulator.admin.setState({ rateBytesPerSecond: 5_000_000 });
      }
    });
    expect(run.code).toBe(0);
    expect((await elsewhere).status).toBe(200);
    const [theirs, ours] = emulator.admin.journal();
    expect(run.stdout).toMatch(new RegExp(`^Started elsewhere: backup ${theirs!.backup.id} at \\d+%; following it to its end first\\.$`, 'm'));
    expect(run.stdout).toContain('The backup started elsewhere ended: done.');
    expect(run.stdout).toContain(`Backup ${ours!.backup.id} complete. Backups now: 2.`);
    expect(emulator.admin.journal().map(({ status }) => status)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it('says to sign in when Pieces OS answers 511', async () => {
    emulator.admin.setState({ signedIn: false });
    const run = await runExample(['--url', emulator.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Sign in to Pieces OS and connect it to the cloud, then run this again.');
    expect(run.stderr).toContain('511');
    expect(emulator.admin.journal()).toHaveLength(0);
  });

  it('says to update Pieces OS when it answers 505', async () => {
    emulator.admin.setState({ osUpToDate: false });
    const run = await runExample(['--url', emulator.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Update Pieces OS, then run this again.');
    expect(run.stderr).toContain('505');
  });

  it('cancels the running backup on Ctrl+C (SIGINT), confirmed by Pieces OS', async () => {
    // 512 KB of sample data at 20 KB/s: long enough to be interrupted
    emulator.admin.setState({ rateBytesPerSecond: 20_000 });
    let interrupted = false;
    const run = await runExample(['--url', emulator.url], (stdout, child) => {
      if (!interrupted && /^backup .* running/m.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(interrupted).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('Cancelling the backup…');
    expect(run.stdout).toContain('Backup cancelled.');
    expect(emulator.admin.journal().map(({ kind, status }) => `${kind} ${status}`)).toEqual(['creation CANCELED']);
    const listed = (await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: unknown[] };
    expect(listed.iterable).toHaveLength(0);
  });
});
