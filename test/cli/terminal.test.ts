import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createBackup, statusOf } from '../helpers/emulator.js';
import { TmuxSession } from './tmux-session.js';

// 128 kB/s: the 512 kB sample database takes 4 s, time to look at the bar and press Ctrl-C.
const SLOW = 128_000;

try {
  execFileSync('tmux', ['-V']);
} catch {
  throw new Error('the terminal tests need tmux (apt-get install -y tmux)');
}

let emulator: Emulator;
let backupId: string;
const sessions: TmuxSession[] = [];
const open = async (args: string[]) => {
  const session = await TmuxSession.start([...args, '--url', emulator.url]);
  sessions.push(session);
  return session;
};

/** The lines that are a drawn bar: `<label> ███░░░  42% | ETA 0:03 | websocket | 0:01 | running`. */
const BAR = /^(backup|restore) [█░]{24} +(\d+)% \| ETA (\d+:\d\d|--:--) \| (websocket|ndjson|polling|-) \| \d+:\d\d \| .+$/;
const bars = (screen: string) => screen.split('\n').filter((line) => BAR.test(line));
const percentOf = (line: string) => Number(BAR.exec(line)![2]);

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: 50_000_000, cancelDelayMs: 30 });
  backupId = await createBackup(emulator.url);
  emulator.admin.setState({ rateBytesPerSecond: SLOW });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.kill()));
  const { creations, restorations } = emulator.admin.operations();
  if (creations.length > 0) emulator.admin.failOperation('creation', 'test teardown');
  if (restorations.length > 0) emulator.admin.failOperation('restoration', 'test teardown');
});

afterAll(() => emulator.close());

describe('pieces-backup on a terminal (tmux)', () => {
  it('draws one live bar, redrawn in place: percentage, ETA, transport, elapsed time', async () => {
    const session = await open(['backup']);
    const first = await session.waitForScreen((screen) => bars(screen).some((line) => percentOf(line) > 0), 'the bar to move');
    const later = await session.waitForScreen(
      // note: and an ETA, which needs a second of progress (etaMinSpanMs)
      (screen) => bars(screen).some((line) => percentOf(line) >= percentOf(bars(first)[0]!) + 10 && / ETA \d/.test(line)),
      'the bar to move on, with an ETA',
    );
    for (const screen of [first, later]) {
      expect(bars(screen)).toHaveLength(1);
      // the first line of the screen: redrawn there, never scrolled
      expect(screen.split('\n')[0]).toBe(bars(screen)[0]);
      // no ETA in the first second (etaMinSpanMs), one after it
      const eta = screen === first ? '(\\d+:\\d\\d|--:--)' : '\\d+:\\d\\d';
      expect(bars(screen)[0]).toMatch(new RegExp(` \\| ETA ${eta} \\| websocket \\| \\d+:\\d\\d \\| running$`));
    }
    expect(await session.exitCode()).toBe(0);
    const history = await session.capture({ history: true });
    expect(bars(history)).toEqual([expect.stringMatching(/^backup █{24} 100% \| ETA 0:00 \| websocket \| \d+:\d\d \| done$/)]);
    expect(history).toMatch(/^backup \S+ completed \(500 KiB\)$/m);
  });

  it('restore <id> asks first, saying the backup and what is replaced; no: nothing is sent (exit 3)', async () => {
    const seen = emulator.admin.journal().length;
    const session = await open(['restore', backupId]);
    const prompt = await session.waitForScreen((screen) => screen.includes('(y/N)'), 'the prompt');
    const flat = prompt.replace(/\n/g, '');
    expect(flat).toMatch(new RegExp(`Restore backup ${backupId} \\(made \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d local time on vm, 500 KiB, Pieces OS 9\\.0\\.0\\)\\?`));
    expect(flat).toContain('replaces the whole local database of Pieces OS');
    expect(flat).toContain('A safety backup of the current database is made first');
    await session.sendKeys('n', 'Enter');
    expect(await session.exitCode()).toBe(3);
    expect(await session.capture({ history: true })).toContain('not restored: the local database is unchanged');
    expect(emulator.admin.journal()).toHaveLength(seen);
  });

  it('Ctrl-C asks whether to cancel on the server; yes: the restore is cancelled (exit 3), the database unchanged', async () => {
    emulator.admin.deleteAsset(emulator.admin.listAssets()[0]!.id);
    const assets = emulator.admin.listAssets().length;
    const bytes = emulator.admin.readDatabaseBytes();
    const session = await open(['restore', backupId, '--yes']);
    await session.waitForScreen((screen) => bars(screen).some((line) => line.endsWith('| running')), 'the restore to run');
    await session.sendKeys('C-c');
    const prompt = await session.waitForScreen((screen) => screen.includes('(y/N)'), 'the prompt');
    expect(prompt).toContain(`? Cancel the restore of ${backupId} on the server? (Ctrl-C again: leave it running) (y/N)`);
    await session.sendKeys('y', 'Enter');
    expect(await session.exitCode()).toBe(3);
    const screen = await session.capture();
    expect(screen).toContain(`cancelling the restore of ${backupId}: waiting for Pieces OS to confirm…`);
    expect(screen).toContain(`cancelled: Pieces OS canceled the restore of ${backupId}; the local database is unchanged`);
    expect((await statusOf(emulator.url, 'restoration', backupId)).value).toBe('CANCELED');
    expect(emulator.admin.listAssets()).toHaveLength(assets);
    expect(emulator.admin.readDatabaseBytes().equals(bytes)).toBe(true);
  });

  it('a second Ctrl-C at the prompt leaves the restore running and exits 130', async () => {
    const session = await open(['restore', backupId, '--yes']);
    await session.waitForScreen((screen) => bars(screen).some((line) => line.endsWith('| running')), 'the restore to run');
    await session.sendKeys('C-c');
    await session.waitForScreen((screen) => screen.includes('(y/N)'), 'the prompt');
    await session.sendKeys('C-c');
    expect(await session.exitCode()).toBe(130);
    expect(await session.capture()).toContain(`left running: the restore of ${backupId} goes on in Pieces OS.`);
    expect(emulator.admin.operations().restorations.map((status) => status.backup.id)).toEqual([backupId]);
  });
});
