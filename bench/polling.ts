/**
 * `poll_requests_30s_op`, `poll_detect_latency_p95_ms` and `shared_poll_ratio`: restorations
 * of a set length on in-process emulators, followed by status polling only.
 *
 * Each polling run restores a backup in `pollSeconds` (spread over one more second, so where
 * the end falls between two polls varies) with two clients: a restore actor with
 * `transport: 'polling'` (its blocking POST answers at the end, so it detects the end by
 * that answer) and a second app's lifecycle attached to the same restoration with
 * `transport: 'polling'`, which can only learn of the end from a status poll. The figures
 * are the attached one's: what polling alone costs and achieves. Detection latency runs from
 * the emulator making the operation terminal (an in-process hook) to the lifecycle's `done`.
 */
import { createBackupClient, type BackupClient } from '../src/api/index.js';
import { createLifecycle, type RestoreLifecycle } from '../src/core/index.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { createRestoreActor } from '../machines/index.js';
import { figure, median, percentile, round, type Figure, type Profile } from './figures.js';

function countingClient(baseUrl: string): { client: BackupClient; requests: () => number } {
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests += 1;
    return fetch(input, init);
  };
  return { client: createBackupClient({ baseUrl, fetch: countingFetch }), requests: () => requests };
}

/** An emulator with one backup, and the rate that makes its restoration last `seconds`. */
async function emulatorWithBackup(seconds: number): Promise<{ emulator: Emulator; backupId: string }> {
  const emulator = await startEmulator({ port: 0, rateBytesPerSecond: 1e9 });
  const backup = await createBackupClient({ baseUrl: emulator.url }).create();
  emulator.admin.setState({ rateBytesPerSecond: Math.max(1, Math.floor(backup.bytes / seconds)) });
  return { emulator, backupId: backup.id };
}

function settled(lifecycle: RestoreLifecycle): Promise<{ state: string; at: number }> {
  return new Promise((resolve) => {
    const check = () => {
      const { value } = lifecycle.getSnapshot();
      if (value === 'done' || value === 'failed' || value === 'cancelled') {
        unsubscribe();
        resolve({ state: value, at: performance.now() });
      }
    };
    const unsubscribe = lifecycle.subscribe(check);
    check();
  });
}

async function waitForRestoration(emulator: Emulator): Promise<void> {
  while (emulator.admin.operations().restorations.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

interface PollRun {
  seconds: number;
  attachedRequests: number;
  attachedLatencyMs: number;
  actorRequests: number;
  actorLatencyMs: number;
}

async function pollRun(seconds: number): Promise<PollRun> {
  const { emulator, backupId } = await emulatorWithBackup(seconds);
  try {
    let serverEnded = Number.NaN;
    const off = emulator.admin.onOperationEnded(({ at }) => (serverEnded = at));
    const own = countingClient(emulator.url);
    const other = countingClient(emulator.url);
    const started = performance.now();
    const actor = createRestoreActor(own.client, { transport: 'polling' });
    const actorDone = new Promise<{ state: string; at: number }>((resolve) => {
      actor.subscribe((snapshot) => {
        const state = String(snapshot.value);
        if (state === 'done' || state === 'failed' || state === 'cancelled') resolve({ state, at: performance.now() });
      });
    });
    actor.send({ type: 'RESTORE', backupId, confirm: true });
    await waitForRestoration(emulator);
    const attached = createLifecycle(other.client, 'restoration', { transport: 'polling' });
    if (!attached.attach(backupId)) throw new Error('the lifecycle did not attach');
    const [actorEnd, attachedEnd] = await Promise.all([actorDone, settled(attached)]);
    off();
    actor.stop();
    attached.dispose();
    if (actorEnd.state !== 'done' || attachedEnd.state !== 'done') {
      throw new Error(`restore ended ${actorEnd.state} (actor) / ${attachedEnd.state} (attached)`);
    }
    return {
      seconds: round((serverEnded - started) / 1000),
      attachedRequests: other.requests(),
      attachedLatencyMs: round(attachedEnd.at - serverEnded, 1),
      actorRequests: own.requests(),
      actorLatencyMs: round(actorEnd.at - serverEnded, 1),
    };
  } finally {
    await emulator.close();
  }
}

/** Status requests of `subscribers` lifecycles of one client attached to one restoration. */
async function sharedRun(seconds: number, subscribers: number): Promise<{ one: number; many: number }> {
  const { emulator, backupId } = await emulatorWithBackup(seconds);
  try {
    // started by a third client, whose requests are not counted
    const restoring = createBackupClient({ baseUrl: emulator.url }).restore(backupId);
    await waitForRestoration(emulator);
    const one = countingClient(emulator.url);
    const many = countingClient(emulator.url);
    // a fixed interval: both clients then poll in step, and only sharing can make the counts differ
    const options = { transport: 'polling', stream: { minIntervalMs: 250, maxIntervalMs: 250 } } as const;
    const lifecycles = [
      createLifecycle(one.client, 'restoration', options),
      ...Array.from({ length: subscribers }, () => createLifecycle(many.client, 'restoration', options)),
    ];
    for (const lifecycle of lifecycles) lifecycle.attach(backupId);
    const ends = await Promise.all(lifecycles.map(settled));
    await restoring;
    for (const lifecycle of lifecycles) lifecycle.dispose();
    const failed = ends.find((end) => end.state !== 'done');
    if (failed) throw new Error(`an attached lifecycle ended ${failed.state}`);
    return { one: one.requests(), many: many.requests() };
  } finally {
    await emulator.close();
  }
}

export async function polling(profile: Profile): Promise<Record<string, Figure>> {
  const runs: PollRun[] = [];
  for (let first = 0; first < profile.pollRuns; first += profile.pollConcurrency) {
    const batch = Array.from({ length: Math.min(profile.pollConcurrency, profile.pollRuns - first) }, (_, offset) => {
      const run = first + offset;
      return pollRun(profile.pollSeconds + (run + 0.5) / profile.pollRuns);
    });
    runs.push(...(await Promise.all(batch)));
  }
  const shared: Array<{ one: number; many: number }> = [];
  for (let run = 0; run < profile.sharedRuns; run += 1) shared.push(await sharedRun(profile.sharedSeconds, profile.sharedSubscribers));

  const attachedLatencies = runs.map((run) => run.attachedLatencyMs);
  const actorP95 = percentile(
    runs.map((run) => run.actorLatencyMs),
    95,
  );
  const latencyWhy = `the poll that sees the end is aimed 25 ms past the estimated finish, but never sooner than minIntervalMs (200 ms) after the one before, and an estimate that comes early costs one more interval; then the request and the machine follow; the restore actor's detection (its blocking POST answers at the end, no poll wait) has p95 ${actorP95} ms in the same runs: that much is the machine's load and event-loop delay, not polling`;
  const ratios = shared.map((run) => run.many / run.one);
  return {
    poll_requests_30s_op: figure(
      median(runs.map((run) => run.attachedRequests)),
      'requests',
      { max: 40 },
      runs.length,
      `HTTP requests of a lifecycle attached with transport 'polling' to a restoration lasting ${profile.pollSeconds}-${profile.pollSeconds + 1} s, from attach to done; median of ${runs.length} runs (${profile.pollConcurrency} at a time, each on its own emulator)`,
      {
        details: {
          max: Math.max(...runs.map((run) => run.attachedRequests)),
          restoreActorByPollingMedianRequests: median(runs.map((run) => run.actorRequests)),
          runs,
        },
      },
    ),
    poll_detect_latency_p95_ms: figure(
      percentile(attachedLatencies, 95),
      'ms',
      { max: 250 },
      runs.length,
      `95th percentile (nearest rank) over ${runs.length} runs of the time from the emulator making the restoration terminal to the attached polling lifecycle reaching done`,
      {
        why: latencyWhy,
        details: {
          medianMs: round(median(attachedLatencies), 1),
          maxMs: Math.max(...attachedLatencies),
          restoreActorByPollingP95Ms: actorP95,
        },
      },
    ),
    shared_poll_ratio: figure(
      round(median(ratios)),
      'ratio',
      { equals: 1 },
      shared.length,
      `status requests of one client with ${profile.sharedSubscribers} lifecycles attached (polling every 250 ms) to one ${profile.sharedSeconds} s restoration, over those of another client with 1 attached to the same restoration at the same moment; median of ${shared.length}`,
      { details: { runs: shared } },
    ),
  };
}
