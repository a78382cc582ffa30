import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { adminFetch, createBackup, tempDir, TEST_EMULATOR_OPTIONS } from '../helpers/emulator.js';
import { integrityOf, listFiles } from './data-dir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Leaves a hot rollback journal on `file`: a write transaction spilled to disk, then SIGKILL. */
function killMidWrite(file: string): void {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('cache_size = 1');
    db.exec('BEGIN');
    db.prepare("UPDATE assets SET json = json || ?").run(' '.repeat(4000));
    process.kill(process.pid, 'SIGKILL');`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT });
  expect(result.signal).toBe('SIGKILL');
}

describe('staging leftovers', () => {
  const started: Emulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(dataDir: string): Promise<Emulator> {
    const emulator = await startEmulator({ ...TEST_EMULATOR_OPTIONS, dataDir });
    started.push(emulator);
    return emulator;
  }

  it('start-up removes every staging artefact with its SQLite siblings, and orphan objects, and keeps the rest', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    const id = await createBackup(first.url);
    await first.close();
    const kept = listFiles(dataDir);

    const sha = 'a'.repeat(64);
    const planted = [
      'local/pieces.db.snapshot-9.0.0_5.tmp',
      'local/pieces.db.snapshot-9.0.0_5.tmp-journal',
      'local/pieces.db.snapshot-9.0.0_6.tmp-wal',
      'local/pieces.db.snapshot-9.0.0_6.tmp-shm',
      `local/pieces.db.restore-${id}.tmp`,
      `local/pieces.db.restore-${id}.tmp-journal`,
      `cloud/objects/${sha}.partial`,
      `cloud/objects/${sha}.partial-journal`,
      `cloud/objects/${'b'.repeat(64)}`,
      `cloud/backups/${id}.json.123.tmp`,
      'cloud/assets/some-asset.json.77.tmp',
      'operations.json.4242.tmp',
    ];
    for (const name of planted) fs.writeFileSync(path.join(dataDir, name), 'half written');
    // Not ours to judge: files that only look alike stay.
    const foreign = ['local/notes.tmp.txt', 'operations.json.bak'];
    for (const name of foreign) fs.writeFileSync(path.join(dataDir, name), 'keep me');

    const second = await start(dataDir);
    expect(listFiles(dataDir)).toEqual([...kept, ...foreign].sort());
    const listed = (await (await fetch(`${second.url}/backups`)).json()) as { iterable: Array<{ id: string }> };
    expect(listed.iterable.map((backup) => backup.id)).toEqual([id]);
    expect((await fetch(`${second.url}/backup/${id}/restore`, { method: 'POST' })).status).toBe(200);
  });

  it("never deletes the live database's hot journal: SQLite rolls the interrupted write back", async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    const assets = first.admin.listAssets();
    const file = first.admin.databasePath();
    await first.close();
    const before = fs.readFileSync(file);

    killMidWrite(file);
    expect(fs.existsSync(`${file}-journal`)).toBe(true);
    expect(fs.readFileSync(file).equals(before)).toBe(false);

    const second = await start(dataDir);
    expect(second.admin.listAssets()).toEqual(assets);
    expect(fs.existsSync(`${file}-journal`)).toBe(false);
    expect(integrityOf(file)).toBe('ok');
  });

  it('admin reset removes staging leftovers too, and forgets the journal', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const emulator = await start(dataDir);
    await createBackup(emulator.url);
    expect(emulator.admin.journal()).toHaveLength(1);
    const planted = ['local/pieces.db.snapshot-9.0.0_5.tmp', 'local/pieces.db.snapshot-9.0.0_5.tmp-journal', 'operations.json.99.tmp'];
    for (const name of planted) fs.writeFileSync(path.join(dataDir, name), 'half written');
    await adminFetch(emulator.url, 'POST', 'reset');
    for (const name of planted) expect(fs.existsSync(path.join(dataDir, name)), name).toBe(false);
    expect(listFiles(path.join(dataDir, 'local'))).toEqual(['pieces.db']);
    expect(emulator.admin.journal()).toEqual([]);
  });
});
