import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAsset, type OperationRecord } from '../../src/emulator/index.js';
import { isTerminalStatus } from '../../src/models/index.js';
import { tempDir } from '../helpers/emulator.js';
import { integrityOf, listFiles } from './data-dir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Daemon {
  url: string;
  /** SIGKILL: no clean-up of any kind runs. */
  kill(): Promise<void>;
}

/** `pieces-backup serve` as a child process, as a user runs it. */
async function serve(dataDir: string, rate: number): Promise<Daemon> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data', dataDir, '--rate', String(rate)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^listening on (http:\/\/[^\s]+)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${stdout}`)));
  });
  return {
    url,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const assetIds = async (url: string) => (await getJson<{ iterable: Array<{ id: string }> }>(`${url}/__emulator/assets`)).iterable.map((asset) => asset.id);
const listed = async (url: string) => (await getJson<{ iterable: Array<{ id: string }> }>(`${url}/backups`)).iterable.map((backup) => backup.id);

/** The journal as the killed process left it on disk (no process reads it in between). */
function journalOnDisk(dataDir: string): OperationRecord[] {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dataDir, 'operations.json'), 'utf8')) as { records: OperationRecord[] }).records;
  } catch {
    return [];
  }
}

/**
 * What must hold after any crash and restart: no staging artefact anywhere, an intact
 * database, and a cloud where every listed backup has its object and nothing else is kept.
 */
async function expectCleanDataDir(dataDir: string, url: string): Promise<void> {
  const files = listFiles(dataDir);
  expect(files.filter((name) => /\.(tmp|partial)(-journal|-wal|-shm)?$/.test(name))).toEqual([]);
  expect(files.filter((name) => name.startsWith('local/'))).toEqual(['local/pieces.db']);
  expect(integrityOf(path.join(dataDir, 'local', 'pieces.db'))).toBe('ok');
  const manifests = files.filter((name) => name.startsWith('cloud/backups/'));
  const objects = files.filter((name) => name.startsWith('cloud/objects/')).map((name) => path.basename(name));
  const referenced = manifests.map((name) => (JSON.parse(fs.readFileSync(path.join(dataDir, name), 'utf8')) as { sha256: string }).sha256);
  expect(new Set(objects)).toEqual(new Set(referenced));
  expect((await listed(url)).sort()).toEqual(manifests.map((name) => path.basename(name, '.json')).sort());
}

/** Every listed backup restores (a half-written one would not). */
async function expectAllRestore(url: string): Promise<void> {
  for (const id of await listed(url)) {
    const response = await fetch(`${url}/backup/${id}/restore`, { method: 'POST' });
    expect([id, response.status]).toEqual([id, 200]);
  }
}

async function creationStatus(url: string, id: string): Promise<string | undefined> {
  return (await getJson<{ value?: string }>(`${url}/backup/${id}/creation/status`)).value;
}

describe('SIGKILL and restart on the same data dir', () => {
  it('mid-creation (snapshot, upload, commit): nothing staged is left, the database is untouched, statuses are terminal and true', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    // ~400 KB database at 1.6 MB/s: the upload takes about 250 ms, the snapshot a few.
    const rate = 1_600_000;
    let daemon = await serve(dataDir, rate);
    let interrupted = 0;
    // A spread of moments after the request is sent (the first few land in the VACUUM INTO
    // snapshot, which leaves a -journal beside it), and one right after the first frame.
    const delays: Array<number | 'first frame'> = [0, 1, 3, 6, 10, 20, 40, 80, 150, 300, 450, 'first frame'];
    for (const delay of delays) {
      const before = fs.readFileSync(path.join(dataDir, 'local', 'pieces.db'));
      const known = new Set(journalOnDisk(dataDir).map((record) => record.seq));
      const response = fetch(`${daemon.url}/backups/create/streamed`, { method: 'POST', headers: { accept: 'application/x-ndjson' } });
      response.catch(() => undefined);
      if (delay === 'first frame') {
        const reader = (await response).body!.getReader();
        await reader.read();
        reader.cancel().catch(() => undefined);
      } else await sleep(delay);
      await daemon.kill();
      const started = journalOnDisk(dataDir).filter((record) => !known.has(record.seq));
      if (started.some((record) => !isTerminalStatus(record.status))) interrupted += 1;
      if (delay === 'first frame') expect(started.map((record) => record.status)).toEqual(['INITIALIZED']);

      daemon = await serve(dataDir, rate);
      await expectCleanDataDir(dataDir, daemon.url);
      // A creation only reads the live database.
      expect(fs.readFileSync(path.join(dataDir, 'local', 'pieces.db')).equals(before), `delay ${delay}`).toBe(true);
      const backups = await listed(daemon.url);
      for (const record of started) {
        const status = await creationStatus(daemon.url, record.backup.id);
        expect(['FAILED', 'COMPLETED'], `delay ${delay}`).toContain(status);
        // COMPLETED exactly when the backup was committed (and is listed).
        expect(status === 'COMPLETED').toBe(backups.includes(record.backup.id));
      }
    }
    expect(interrupted).toBeGreaterThan(0);
    await expectAllRestore(daemon.url);
    await daemon.kill();
  });

  it('mid-restoration (around verify and rename): the database is the original or exactly the backup, and the status says which', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const rate = 100_000_000;
    let daemon = await serve(dataDir, rate);
    const database = path.join(dataDir, 'local', 'pieces.db');
    let run = 0;
    const prepare = async () => {
      const created = await fetch(`${daemon.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const id = ((await created.json()) as { id: string }).id;
      const backedUp = await assetIds(daemon.url);
      // Make the live database differ from the backup, so the two outcomes can be told apart.
      const extra = sampleAsset(1_000 + (run += 1));
      const added = await fetch(`${daemon.url}/__emulator/assets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(extra) });
      expect(added.status).toBe(204);
      return { id, backedUp, before: fs.readFileSync(database) };
    };

    // Calibrate: how long a whole restore takes on this machine, request to answer; the kills
    // then spread around its end (download done, hash and integrity check, rename, journal).
    const first = await prepare();
    const t0 = performance.now();
    expect((await fetch(`${daemon.url}/backup/${first.id}/restore`, { method: 'POST' })).status).toBe(200);
    const took = performance.now() - t0;

    let interrupted = 0;
    for (const fraction of [0.5, 0.75, 0.8, 0.84, 0.87, 0.9, 0.93, 0.96, 1, 1.2]) {
      const { id, backedUp, before } = await prepare();
      const response = fetch(`${daemon.url}/backup/${id}/restore`, { method: 'POST' });
      response.catch(() => undefined);
      await sleep(took * fraction);
      await daemon.kill();
      const record = journalOnDisk(dataDir).at(-1);
      const started = record?.kind === 'restoration' && record.backup.id === id;
      if (started && !isTerminalStatus(record.status)) interrupted += 1;

      daemon = await serve(dataDir, rate);
      await expectCleanDataDir(dataDir, daemon.url);
      const untouched = fs.readFileSync(database).equals(before);
      const restored = !untouched && (await assetIds(daemon.url)).join() === backedUp.join();
      expect(untouched || restored, `fraction ${fraction}: neither the original nor the backup`).toBe(true);
      const status = await fetch(`${daemon.url}/backup/${id}/restoration/status`);
      if (!started) {
        // Killed before the request was handled: no restoration, nothing changed.
        expect([status.status, untouched]).toEqual([404, true]);
        continue;
      }
      // COMPLETED also when the journal still said running: the rename had happened (hash rule).
      const value = ((await status.json()) as { value?: string }).value;
      expect(value, `fraction ${fraction}`).toBe(restored ? 'COMPLETED' : 'FAILED');
    }
    expect(interrupted).toBeGreaterThan(0);
    await expectAllRestore(daemon.url);
    await daemon.kill();
  });
});
