import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backup } from '../../src/models/index.js';
import { OperationJournal } from '../../src/emulator/operation-journal.js';
import { tempDir } from '../helpers/emulator.js';

function backup(id: string): Backup {
  return {
    id,
    version: '9.0.0',
    timestamp: id.split('_')[1]!,
    bytes: 10,
    created: { value: '2025-01-01T00:00:00.000Z' },
    device_name: 'test',
    platform: 'LINUX',
  };
}

describe('operations journal', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function journalFile(): string {
    const dir = tempDir();
    dirs.push(dir);
    return path.join(dir, 'operations.json');
  }

  it('writes on begin and end, survives a reload, and keeps seq increasing', () => {
    const file = journalFile();
    const journal = new OperationJournal(file);
    journal.load();
    const first = journal.begin('creation', backup('9.0.0_1'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).records[0]).toMatchObject({ seq: first, status: 'INITIALIZED', percentage: 0 });
    journal.end(first, { status: 'FAILED', percentage: 42.5, failure: 'disk full' });
    const second = journal.begin('restoration', backup('9.0.0_1'), 'c'.repeat(64));

    const reloaded = new OperationJournal(file);
    reloaded.load();
    expect(reloaded.latest('creation', '9.0.0_1')).toMatchObject({ seq: first, status: 'FAILED', percentage: 42.5, failure: 'disk full' });
    expect(reloaded.latest('restoration', '9.0.0_1')).toMatchObject({ seq: second, status: 'INITIALIZED', sha256: 'c'.repeat(64) });
    expect(reloaded.begin('creation', backup('9.0.0_2'))).toBe(second + 1);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['operations.json']);
  });

  it('keeps the latest records up to its limit, never dropping one that has not ended', () => {
    const journal = new OperationJournal(journalFile(), 3);
    journal.load();
    const running = journal.begin('restoration', backup('9.0.0_0'));
    for (let index = 1; index <= 5; index += 1) {
      journal.end(journal.begin('creation', backup(`9.0.0_${index}`)), { status: 'COMPLETED', percentage: 100 });
    }
    expect(journal.list().map((record) => record.seq)).toEqual([running, 5, 6]);
  });

  it('settles unfinished records on recover, and only those', () => {
    const journal = new OperationJournal(journalFile());
    journal.load();
    journal.end(journal.begin('creation', backup('9.0.0_1')), { status: 'CANCELED', percentage: 30 });
    journal.begin('creation', backup('9.0.0_2'));
    const settled = journal.recover(() => ({ status: 'FAILED', percentage: 0, failure: 'interrupted' }));
    expect(settled.map((record) => record.backup.id)).toEqual(['9.0.0_2']);
    expect(journal.list().map((record) => record.status)).toEqual(['CANCELED', 'FAILED']);
    expect(journal.recover(() => ({ status: 'COMPLETED', percentage: 100 }))).toEqual([]);
  });

  it('reads a missing, corrupt or foreign file as empty, and skips malformed records', () => {
    const file = journalFile();
    for (const content of [undefined, '{"records": [', '[1,2,3]', '{"records": "lots"}']) {
      if (content === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, content);
      const journal = new OperationJournal(file);
      journal.load();
      expect(journal.list()).toEqual([]);
    }
    const good = { seq: 7, kind: 'creation', backup: backup('9.0.0_7'), status: 'COMPLETED', percentage: 100, startedAt: 'x' };
    fs.writeFileSync(
      file,
      JSON.stringify({
        records: [good, { ...good, seq: 8, kind: 'deletion' }, { ...good, seq: 'nine' }, { ...good, seq: 10, backup: { id: 3 } }, null],
      }),
    );
    const journal = new OperationJournal(file);
    journal.load();
    expect(journal.list().map((record) => record.seq)).toEqual([7]);
    expect(journal.begin('creation', backup('9.0.0_11'))).toBe(8);
  });
});
