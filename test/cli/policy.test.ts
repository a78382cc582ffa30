import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { waitFor } from '../helpers/emulator.js';
import { cli, jsonLines, killAll, startCli, type CliRun } from './run-cli.js';

// `prune` and `schedule`: the real CLI against an in-process emulator seeded with backups at
// given times. The children run in UTC, so "local time" in their output is fixed.

const UTC = { TZ: 'UTC' };
let emulator: Emulator;
let ids: Record<string, string>;
const dirs: string[] = [];
const at = () => ['--url', emulator.url];
const listedIds = async () => ((await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: Array<{ id: string }> }).iterable.map((backup) => backup.id).sort();

// desk-1's backups (Nov 30 2026 is a Monday: it and Dec 1 are ISO week 49) and one of laptop
const SEEDS: Record<string, [string, string]> = {
  dec1Evening: ['2026-12-01T18:00:00Z', 'desk-1'],
  dec1Morning: ['2026-12-01T06:00:00Z', 'desk-1'],
  nov30Evening: ['2026-11-30T20:00:00Z', 'desk-1'],
  nov30Morning: ['2026-11-30T08:00:00Z', 'desk-1'],
  nov29: ['2026-11-29T08:00:00Z', 'desk-1'],
  nov20: ['2026-11-20T09:00:00Z', 'desk-1'],
  nov03: ['2026-11-03T09:00:00Z', 'desk-1'],
  laptop: ['2026-11-25T12:00:00Z', 'laptop'],
};

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: 50_000_000, cancelDelayMs: 30, deviceName: 'desk-1' });
  ids = Object.fromEntries(Object.entries(SEEDS).map(([name, [timestamp, deviceName]]) => [name, emulator.admin.seedBackup({ timestamp, deviceName, bytes: 1_048_576 }).id]));
});
afterEach(async () => {
  killAll();
  await emulator.close();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const POLICY = ['--keep-last', '2', '--keep-daily', '3', '--keep-weekly', '2'];

describe('pieces-backup prune', () => {
  it('--dry-run: a table of keep and remove with the reasons and local dates; nothing deleted', async () => {
    const run = await cli(['prune', ...POLICY, '--dry-run', ...at()], UTC);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n');
    expect(rows[0]).toMatch(/^ACTION +ID +CREATED +DEVICE +SIZE +REASONS$/);
    const row = (name: string) => rows.find((line) => line.includes(ids[name]!))!.replace(/ {2,}/g, ' | ');
    expect(row('dec1Evening')).toBe(`keep | ${ids.dec1Evening} | 2026-12-01 18:00 | desk-1 | 1.0 MiB | last 2, daily 2026-12-01, weekly 2026-W49, newest`);
    expect(row('dec1Morning')).toBe(`keep | ${ids.dec1Morning} | 2026-12-01 06:00 | desk-1 | 1.0 MiB | last 2`);
    expect(row('nov30Evening')).toBe(`keep | ${ids.nov30Evening} | 2026-11-30 20:00 | desk-1 | 1.0 MiB | daily 2026-11-30`);
    expect(row('nov30Morning')).toBe(`remove | ${ids.nov30Morning} | 2026-11-30 08:00 | desk-1 | 1.0 MiB`);
    expect(row('nov29')).toBe(`keep | ${ids.nov29} | 2026-11-29 08:00 | desk-1 | 1.0 MiB | daily 2026-11-29, weekly 2026-W48`);
    expect(row('laptop')).toBe(`keep | ${ids.laptop} | 2026-11-25 12:00 | laptop | 1.0 MiB | last 2, daily 2026-11-25, weekly 2026-W48, newest`);
    expect(row('nov20')).toMatch(/^remove \| /);
    expect(row('nov03')).toMatch(/^remove \| /);
    expect(run.stdout).toContain('dry run: 5 kept (5.0 MiB), 3 to remove (3.0 MiB); nothing deleted');
    expect(await listedIds()).toHaveLength(8);
    console.log(`prune --dry-run on the seeded emulator:\n${run.stdout}`);
  });

  it('--dry-run --json: keep and remove, each with the backup id and its reasons', async () => {
    const run = await cli(['prune', ...POLICY, '--dry-run', '--json', ...at()]);
    expect(run.code).toBe(0);
    const [result] = jsonLines(run.stdout);
    expect(result).toMatchObject({ type: 'result', command: 'prune', exitCode: 0, dryRun: true });
    const pairs = (list: unknown) => (list as Array<{ id: string; reasons: string[] }>).map(({ id, reasons }) => [id, reasons]);
    expect(pairs(result!.keep)).toEqual([
      [ids.dec1Evening, ['last 2', 'daily 2026-12-01', 'weekly 2026-W49', 'newest']],
      [ids.dec1Morning, ['last 2']],
      [ids.nov30Evening, ['daily 2026-11-30']],
      [ids.nov29, ['daily 2026-11-29', 'weekly 2026-W48']],
      [ids.laptop, ['last 2', 'daily 2026-11-25', 'weekly 2026-W48', 'newest']],
    ]);
    expect(pairs(result!.remove)).toEqual([
      [ids.nov30Morning, []],
      [ids.nov20, []],
      [ids.nov03, []],
    ]);
    expect(result).not.toHaveProperty('results');
  });

  it('a real run deletes the removals oldest first and reports each; --device plans one device only', async () => {
    const run = await cli(['prune', '--keep-last', '1', '--device', 'desk-1', '--json', ...at()]);
    expect(run.code).toBe(0);
    const [result] = jsonLines(run.stdout);
    const order = [ids.nov03, ids.nov20, ids.nov29, ids.nov30Morning, ids.nov30Evening, ids.dec1Morning];
    expect(result!.results).toEqual(order.map((id) => ({ id, outcome: 'deleted' })));
    expect(result).toMatchObject({ deleted: 6, skipped: 0, failed: 0 });
    expect((result!.keep as Array<{ id: string; reasons: string[] }>).map(({ id, reasons }) => [id, reasons])).toEqual([
      [ids.dec1Evening, ['last 1', 'newest']],
      [ids.laptop, ['other device', 'newest']],
    ]);
    expect(await listedIds()).toEqual([ids.dec1Evening, ids.laptop].sort());

    const text = await cli(['prune', '--keep-last', '1', '--all-devices', ...at()], UTC);
    expect(text.code).toBe(0);
    // the laptop's newest stays whatever the rules say
    expect(text.stdout).toMatch(new RegExp(`^keep +${ids.laptop} .* newest$`, 'm'));
    expect(text.stdout).toContain('2 kept (2.0 MiB), 0 to remove (0 B): 0 deleted, 0 skipped, 0 failed');
  });

  it('usage errors: exit 2 with the flag named, nothing deleted', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--keep-daily', 'seven'], /^--keep-daily: "seven" is not a non-negative integer$/m],
      [['--keep-last', '-1'], /^--keep-last: "-1" is not a non-negative integer \(restic's -1, "keep all", is not supported/m],
      [['--keep-last', '2.5'], /^--keep-last: "2\.5" is not a non-negative integer$/m],
      [['--keep-within', '7 days'], /^--keep-within: "7 days" is not a duration/m],
      [['--keep-within', '1m'], /^--keep-within: "1m" is ambiguous: write mo for months/m],
      [['--keep-last', '0'], /^nothing to keep: give at least one of --keep-last N, .* or --keep-within DURATION; the newest backup of each device is always kept$/m],
      [[], /^prune needs a rule: give at least one of --keep-last N/m],
      [['--keep-last', '1', '--device', 'desk-1', '--all-devices'], /^give --device NAME or --all-devices, not both$/m],
    ];
    for (const [flags, message] of cases) {
      const run = await cli(['prune', ...flags, ...at()]);
      expect({ flags, code: run.code }).toEqual({ flags, code: 2 });
      expect(run.stderr).toMatch(message);
    }
    expect(await listedIds()).toHaveLength(8);
  });
});

/** Lines of a running CLI's stdout, waited for. */
const untilOutput = (run: CliRun, pattern: RegExp, what: string) => waitFor(() => (pattern.test(run.stdout()) ? true : undefined), what, 20_000);

describe('pieces-backup schedule', () => {
  const stateDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pieces-backup-schedule-'));
    dirs.push(dir);
    return dir;
  };

  it('runs the due backup, prints it and the next due time, prunes, persists its state; SIGINT stops it with exit 0', async () => {
    const dir = stateDir();
    const run = startCli(['schedule', '--every', '6h', '--keep-last', '2', '--device', 'desk-1', '--state-file', join(dir, 'state.json'), ...at()], UTC);
    await untilOutput(run, /prune: \d+ deleted/, 'the run and its prune');
    await untilOutput(run, /^Scheduled; next backup \d{4}-\d\d-\d\d \d\d:\d\d \(next in \d+ (h|min)\)$/m, 'the next due time');
    const out = run.stdout();
    expect(out).toMatch(/^every 6h, pruning after each backup; state in .*state\.json; Ctrl-C to stop$/m);
    expect(out).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d {2}scheduled backup completed: 9\.0\.0_\d+$/m);
    const made = /scheduled backup completed: (\S+)/.exec(out)![1]!;
    expect(emulator.admin.journal().filter((record) => record.kind === 'creation')).toHaveLength(1);
    // keep-last 2 per device: the new one and dec1Evening of desk-1, the laptop's newest
    await waitFor(async () => ((await listedIds()).length === 3 ? true : undefined), 'the prune');
    expect(await listedIds()).toEqual([made, ids.dec1Evening!, ids.laptop!].sort());
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { nextDueAt: number; lastOutcome: string; deviceName: string };
    expect(state).toMatchObject({ lastOutcome: 'completed', deviceName: 'desk-1' });
    expect(state.nextDueAt % (6 * 3_600_000)).toBe(0);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/^stopped by SIGINT$/m);
  });

  it.each([
    ['with --device, a state file each', (dir: string, name: string) => ['--device', 'desk-1', '--state-file', join(dir, `${name}.json`)]],
    ['without --device, one state file (the device one learned is read by the other)', (dir: string) => ['--state-file', join(dir, 'state.json')]],
  ])('two schedule processes sharing a state directory make one backup for the period: %s', async (_case, flags) => {
    const dir = stateDir();
    // the one that finds the lock held looks again after 200 ms (a test-only knob), and then
    // finds the period done in the daemon's list
    const env = { ...UTC, PIECES_BACKUP_TEST_RECHECK_MS: '200' };
    emulator.admin.setState({ rateBytesPerSecond: 250_000 }); // a backup of about 2 s: the two overlap
    const runs = ['a', 'b'].map((name) => startCli(['schedule', '--every', '6h', ...flags(dir, name), '--json', ...at()], env));
    const settled = (run: CliRun) => {
      const states = jsonLines(run.stdout()).filter((event) => event.event === 'state');
      const last = states.at(-1);
      return last?.phase === 'idle' && typeof last.nextDueAt === 'number' && last.nextDueAt > Date.now() ? last : undefined;
    };
    await waitFor(() => (runs.every((run) => settled(run)) ? true : undefined), 'both to settle on the next period', 20_000);
    expect(emulator.admin.journal().filter((record) => record.kind === 'creation')).toHaveLength(1);
    const events = runs.map((run) => jsonLines(run.stdout()));
    expect(events.flat().filter((event) => event.event === 'run')).toHaveLength(1);
    // the other one waited for the lock, then agreed on the next period
    expect(events.flat().some((event) => event.event === 'state' && event.waitingFor === 'lock')).toBe(true);
    expect(settled(runs[0]!)!.nextDueAt).toBe(settled(runs[1]!)!.nextDueAt);
    for (const run of runs) run.child.kill('SIGTERM');
    expect(await Promise.all(runs.map((run) => run.exited))).toEqual([0, 0]);
    expect(runs.map((run) => run.stdout().trim().split('\n').at(-1))).toEqual([expect.stringContaining('"signal":"SIGTERM"'), expect.stringContaining('"signal":"SIGTERM"')]);
  });

  it('a signal during a backup stops the service and leaves the backup running on Pieces OS: exit 130', async () => {
    emulator.admin.setState({ rateBytesPerSecond: 50_000 });
    const run = startCli(['schedule', '--every', '6h', '--device', 'desk-1', '--state-file', join(stateDir(), 'state.json'), ...at()], UTC);
    await untilOutput(run, /backing up…$/m, 'the run to start');
    await waitFor(() => emulator.admin.operations().creations[0]?.backup.id, 'the creation on the daemon');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/^stopped by SIGINT; the backup \S+ runs on in Pieces OS/m);
    const [creation] = emulator.admin.operations().creations;
    expect(creation?.value).toMatch(/^(INITIALIZED|IN-PROGRESS)$/); // running on, not cancelled
    emulator.admin.failOperation('creation', 'test teardown');
  });

  it('usage errors: no schedule, both, one that does not parse', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^schedule needs one of --every DURATION \(e\.g\. 6h\) or --daily-at HH:MM/m],
      [['--every', '6h', '--daily-at', '02:30'], /^schedule needs one of --every/m],
      [['--every', '30s'], /^--every: "30s" is not a duration/m],
      [['--every', '10s'], /^--every: /m],
      [['--daily-at', '25:00'], /^--daily-at: "25:00" is not a time of day/m],
      [['--every', '6h', '--keep-last', 'x'], /^--keep-last: "x" is not a non-negative integer$/m],
    ];
    for (const [flags, message] of cases) {
      const run = await cli(['schedule', ...flags, ...at()]);
      expect({ flags, code: run.code }).toEqual({ flags, code: 2 });
      expect(run.stderr).toMatch(message);
    }
  });
});
