import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createBackupClient, type LifecycleContext, type ProgressTransport } from '../src/index.js';
import { createBackupActor, createRestoreActor, type BackupActor, type RestoreActor } from '../machines/index.js';
import { sampleAsset } from '../src/emulator/index.js';
import { isTerminalStatus } from '../src/models/index.js';
import { tempDir } from '../test/helpers/emulator.js';
import { TRANSPORTS, trackUnhandledRejections } from '../test/faults/sweep.js';
import { assetIdsOf, getJson, listedIds, setRate, spawnEmulator, type ChildEmulator } from './child-emulator.js';
import { cloudMismatch, databaseIntegrity, manifestIds, strayFiles } from './data-dir-checks.js';
import { RELIABILITY_OPTIONS } from './lifecycle-options.js';
import { atLeast, atMost, errorText, pool, ProbeReport, seededRandom, sleep, type ProbeResult, type Scale } from './probe.js';

// Crash loops: the emulator as a child process on a data dir, SIGKILLed at random moments and
// at progress points of a restore or a creation that a real client machine follows, then
// started again on the same port and data dir; the disk, the listing and the machine checked.

const FAST_RATE = 50_000_000;
/** How long the operation would take: kills land before, in and after it. */
const OPERATION_MS = 700;
const SETTLE_BOUND_MS = 60_000;
const PROGRESS_POINTS = [0, 10, 25, 40, 50, 60, 75, 90, 95, 99];

type Kind = 'restore' | 'creation';
type KillMoment = { kind: 'random'; ms: number } | { kind: 'progress'; percent: number };

interface Tally {
  restores: number;
  creations: number;
  /** Kills that landed while the operation ran on the server (not before, not after). */
  midOperation: number;
  problems: number;
  hangs: number;
  machineEnds: Map<string, number>;
}

interface Follower {
  readonly context: () => LifecycleContext;
  /** Resolves with the end state, or `hang`/`actor-error` after the bound. */
  settled(): Promise<string>;
  stop(): void;
}

/** What following needs of either actor. */
interface FollowedActor {
  getSnapshot(): { value: unknown; status: string; context: LifecycleContext };
  subscribe(observer: { next: (snapshot: { value: unknown; status: string; context: LifecycleContext }) => void; error: (error: unknown) => void }): { unsubscribe(): void };
  stop(): void;
}

/** A real client machine following the operation the way an app does. */
function follow(url: string, kind: Kind, transport: ProgressTransport, backupId: string | null, onProgress: (percentage: number) => void): Follower {
  const client = createBackupClient({ baseUrl: url });
  const options = { ...RELIABILITY_OPTIONS, transport };
  const actor: FollowedActor = kind === 'creation' ? createBackupActor(client, options) : createRestoreActor(client, options);
  actor.subscribe({
    next: (snapshot) => {
      if (String(snapshot.value) === 'running' && snapshot.context.status !== null) onProgress(snapshot.context.percentage);
    },
    error: () => undefined,
  });
  if (kind === 'creation') (actor as BackupActor).send({ type: 'START' });
  else (actor as RestoreActor).send({ type: 'RESTORE', backupId: backupId!, confirm: true });
  return {
    context: () => actor.getSnapshot().context,
    settled: () =>
      new Promise<string>((resolve) => {
        const check = () => {
          const snapshot = actor.getSnapshot();
          if (snapshot.status === 'error') finish('actor-error');
          else if (['done', 'cancelled', 'failed'].includes(String(snapshot.value))) finish(String(snapshot.value));
        };
        const timer = setTimeout(() => finish('hang'), SETTLE_BOUND_MS);
        const subscription = actor.subscribe({ next: check, error: check });
        function finish(end: string) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(end);
        }
        check();
      }),
    stop: () => actor.stop(),
  };
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function manifestSha256(dataDir: string, backupId: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dataDir, 'cloud', 'backups', `${backupId}.json`), 'utf8')) as { sha256: string }).sha256;
}

function journalOpenOnDisk(dataDir: string): boolean {
  try {
    const { records } = JSON.parse(fs.readFileSync(path.join(dataDir, 'operations.json'), 'utf8')) as { records: Array<{ status: string }> };
    return records.some((record) => !isTerminalStatus(record.status));
  } catch {
    return false;
  }
}

async function post(url: string, body?: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

/** One data dir, one child: `iterations` crashes, alternating restore and creation. */
async function crashLoop(loop: number, iterations: number, tally: Tally, report: ProbeReport): Promise<void> {
  const dataDir = tempDir('pieces-crash-');
  const database = path.join(dataDir, 'local', 'pieces.db');
  const random = seededRandom(1_000 + loop);
  let daemon: ChildEmulator = await spawnEmulator(dataDir, { rate: FAST_RATE });
  const port = daemon.port;
  const verified = new Set<string>();
  try {
    for (let iteration = 0; iteration < iterations; iteration += 1) {
      const kind: Kind = iteration % 2 === 0 ? 'restore' : 'creation';
      const transport = TRANSPORTS[Math.floor(iteration / 2) % TRANSPORTS.length]!;
      const moment: KillMoment =
        iteration % 4 < 2
          ? { kind: 'random', ms: Math.round(random() * OPERATION_MS * 1.3) }
          : { kind: 'progress', percent: PROGRESS_POINTS[Math.floor(iteration / 4) % PROGRESS_POINTS.length]! };
      const label = `loop ${loop} #${iteration} ${kind} over ${transport}, kill ${moment.kind === 'random' ? `${moment.ms} ms in` : `at ${moment.percent}%`}`;
      const problem = (line: string) => {
        tally.problems += 1;
        report.fail(`${label}: ${line}`);
      };

      // Prepare at full speed: for a restore, a backup and a live database that differs from it.
      await setRate(daemon.url, FAST_RATE);
      let backupId: string | null = null;
      let backupAssets: string[] = [];
      if (kind === 'restore') {
        const created = await post(`${daemon.url}/backups/create`);
        if (created.status !== 200) throw new Error(`create: ${created.status} ${await created.text()}`);
        backupId = ((await created.json()) as { id: string }).id;
        backupAssets = await assetIdsOf(daemon.url);
        const added = await post(`${daemon.url}/__emulator/assets`, sampleAsset(50_000 + loop * 1_000 + iteration));
        if (added.status !== 204) throw new Error(`add asset: ${added.status}`);
      }
      const before = fs.readFileSync(database);
      const beforeAssets = await assetIdsOf(daemon.url);
      const listedBefore = await listedIds(daemon.url);
      await setRate(daemon.url, Math.max(1, Math.round((before.length * 1_000) / OPERATION_MS)));

      // Follow it with a real machine, and kill the daemon at the moment.
      let killed: Promise<void> | undefined;
      let onKilled: (done: Promise<void>) => void = () => undefined;
      const killedNow = new Promise<Promise<void>>((resolve) => (onKilled = resolve));
      const kill = () => {
        killed ??= daemon.kill();
        onKilled(killed);
      };
      const follower = follow(daemon.url, kind, transport, backupId, (percentage) => {
        if (moment.kind === 'progress' && percentage >= moment.percent && !killed) kill();
      });
      const fallback = setTimeout(kill, moment.kind === 'random' ? moment.ms : OPERATION_MS * 2);
      await (await killedNow);
      clearTimeout(fallback);
      // the journal as the killed process left it: an open record means the kill hit the operation
      if (journalOpenOnDisk(dataDir)) tally.midOperation += 1;
      if (kind === 'restore') tally.restores += 1;
      else tally.creations += 1;

      // Restart on the same port and data dir: start-up cleans up and settles the journal.
      daemon = await spawnEmulator(dataDir, { port, rate: FAST_RATE });
      // right after start-up, before any client acts: no staging survived it
      const stray = strayFiles(dataDir);
      if (stray.length > 0) problem(`staging survived start-up: ${stray.join(', ')}`);
      const end = await follower.settled();
      follower.stop();
      const { error } = follower.context();
      const endKey = end === 'failed' ? `failed: ${error?.kind ?? 'no error'}${error?.outcomeUnknown ? ', outcome unknown' : ''}` : end;
      tally.machineEnds.set(endKey, (tally.machineEnds.get(endKey) ?? 0) + 1);
      if (end === 'hang' || end === 'actor-error') {
        tally.hangs += 1;
        problem(`the client machine ${end === 'hang' ? `hangs in ${follower.context().status ?? 'no status'}` : 'crashed'}`);
      }
      if (end === 'cancelled') problem('the client machine ended cancelled without a CANCEL');

      // The disk: an intact database that is the original or the backup.
      const integrity = databaseIntegrity(dataDir);
      if (integrity !== 'ok') problem(`integrity_check: ${integrity}`);
      const untouched = fs.readFileSync(database).equals(before);
      const assets = await assetIdsOf(daemon.url);
      const restored = kind === 'restore' && assets.join() === backupAssets.join();
      if (kind === 'creation' && !untouched) problem('a creation changed the local database');
      if (kind === 'restore' && !untouched && !restored) problem(`the database is neither the original nor the backup (${assets.length} assets)`);
      // a swapped database is the backup byte for byte: its hash is the backup object's
      if (kind === 'restore' && !untouched && sha256Of(fs.readFileSync(database)) !== manifestSha256(dataDir, backupId!)) {
        problem('the database was replaced, but not by the backup\'s bytes');
      }
      if (untouched && assets.join() !== beforeAssets.join()) problem('bytes unchanged but assets differ');
      const context = follower.context();
      if (end === 'done' && kind === 'restore' && !restored) problem('the machine says done but the database is not the backup');
      // failed with a known outcome must mean it did not happen (failed although the server completed is wrong)
      const knownFailure = end === 'failed' && context.error?.outcomeUnknown !== true;
      if (knownFailure && kind === 'restore' && !untouched) problem('the machine says failed but the database was replaced');
      if (knownFailure && kind === 'creation' && (await listedIds(daemon.url)).some((id) => !listedBefore.includes(id))) {
        problem('the machine says failed but a new backup is listed');
      }
      if (end === 'done' && kind === 'creation' && !(await listedIds(daemon.url)).includes(context.backupId ?? '')) {
        problem('the machine says done but its backup is not listed');
      }

      // The cloud: every listed backup whole (a manifest with its object), and it fetches and restores.
      const mismatch = cloudMismatch(dataDir);
      if (mismatch.length > 0) problem(`half-written backup: ${mismatch.join('; ')}`);
      const listed = await listedIds(daemon.url);
      if ([...listed].sort().join() !== manifestIds(dataDir).join()) problem('GET /backups differs from the manifests on disk');
      for (const id of listedBefore) if (!listed.includes(id)) problem(`backup ${id} was lost`);
      for (const id of listed.filter((id) => !verified.has(id))) {
        const fetched = await fetch(`${daemon.url}/backup/${id}`);
        if (fetched.status !== 200) problem(`GET /backup/${id}: ${fetched.status}`);
        const restore = await post(`${daemon.url}/backup/${id}/restore`);
        if (restore.status !== 200) problem(`listed backup ${id} does not restore: ${restore.status} ${await restore.text()}`);
        else verified.add(id);
      }
    }
    // At the end every listed backup, old and new, restores once more.
    for (const id of await listedIds(daemon.url)) {
      const restore = await post(`${daemon.url}/backup/${id}/restore`);
      if (restore.status !== 200) {
        tally.problems += 1;
        report.fail(`loop ${loop}: listed backup ${id} does not restore at the end: ${restore.status}`);
      }
    }
    await getJson(`${daemon.url}/backups`);
  } finally {
    await daemon.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function crashLoops(scale: Scale): Promise<ProbeResult> {
  const full = scale === 'full';
  const report = new ProbeReport('crash-loop', 'Crash loops: SIGKILL of the emulator process mid-restore and mid-creation, restart, checks');
  const loops = full ? 6 : 1;
  const iterations = full ? 36 : 4;
  const tally: Tally = { restores: 0, creations: 0, midOperation: 0, problems: 0, hangs: 0, machineEnds: new Map() };
  const rejections = trackUnhandledRejections();
  try {
    await pool(Array.from({ length: loops }, (_, loop) => loop), loops, async (loop) => {
      try {
        await crashLoop(loop, iterations, tally, report);
      } catch (error) {
        tally.problems += 1;
        report.fail(`loop ${loop}: harness: ${errorText(error)}`);
      }
    });
  } finally {
    rejections.dispose();
  }
  await sleep(0);
  const goal = full ? 100 : 2;
  return report.finish(
    [
      atLeast('SIGKILLs during restore', tally.restores, goal),
      atLeast('SIGKILLs during creation', tally.creations, goal),
      atMost('wrong disk or listing states', tally.problems, 0),
      atMost('client machines hung', tally.hangs, 0),
      atMost('unhandled rejections', rejections.reasons.length, 0),
    ],
    {
      'kills while the operation ran': tally.midOperation,
      ...Object.fromEntries([...tally.machineEnds].map(([end, count]) => [`machine ended ${end}`, count])),
    },
  );
}
