import type { ProgressTransport } from '../src/index.js';
import { openDaemon } from '../test/faults/daemon.js';
import { describeSettlement, startLifecycle } from '../test/faults/lifecycle-run.js';
import { TRANSPORTS, trackUnhandledRejections } from '../test/faults/sweep.js';
import { judge, listBackups, observeTruth, prepareBaseline, type Lifecycle } from '../test/faults/truth.js';
import { databaseIntegrity, strayFiles } from './data-dir-checks.js';
import { RELIABILITY_OPTIONS } from './lifecycle-options.js';
import { atLeast, atMost, errorText, pool, ProbeReport, seededRandom, type ProbeResult } from './probe.js';

// A CANCEL at every moment of a lifecycle (right after the start, at every progress step, at
// the last percent, at random times), each on its own emulator, checked against the disk.

/** When the CANCEL is sent: at once, at the first progress at or past `percent`, or `ms` after the start. */
export type CancelMoment = { kind: 'immediate' } | { kind: 'percent'; percent: number } | { kind: 'random'; ms: number };

export interface CancelSweepPlan {
  lifecycle: Lifecycle;
  /** How long the operation takes without a cancel, ms. */
  durationMs: number;
  /** The moments, each run once per transport. */
  moments: CancelMoment[];
  concurrency: number;
  /** The runs the issue asks for, in all (the goal). */
  goalRuns: number;
}

const HANG_BOUND_MS = 60_000;
/** Progress every 10 ms: a step about every 1.25 % of an 800 ms operation, so 99 % is seen. */
const TICK_MS = 10;

/** The moments of a sweep: `immediate` x n, every `stepPercent` from 0, 99 % x n, `random` x n. */
export function cancelMoments({ immediate, stepPercent, at99, random, durationMs, seed }: {
  immediate: number;
  stepPercent: number;
  at99: number;
  random: number;
  durationMs: number;
  seed: number;
}): CancelMoment[] {
  const next = seededRandom(seed);
  return [
    ...Array.from({ length: immediate }, (): CancelMoment => ({ kind: 'immediate' })),
    ...Array.from({ length: Math.ceil(99 / stepPercent) }, (_, step): CancelMoment => ({ kind: 'percent', percent: step * stepPercent })),
    ...Array.from({ length: at99 }, (): CancelMoment => ({ kind: 'percent', percent: 99 })),
    ...Array.from({ length: random }, (): CancelMoment => ({ kind: 'random', ms: Math.round(next() * durationMs * 1.1) })),
  ];
}

const momentName = (moment: CancelMoment) =>
  moment.kind === 'immediate' ? 'immediately' : moment.kind === 'percent' ? `at ${moment.percent}%` : `${moment.ms} ms in`;

interface RunOutcome {
  cancelSent: boolean;
  end: string;
  /** done after a CANCEL, reported as too late. */
  tooLate: boolean;
  problems: string[];
  hang: boolean;
  failed: boolean;
}

async function runOne(lifecycle: Lifecycle, transport: ProgressTransport, moment: CancelMoment, durationMs: number): Promise<RunOutcome> {
  const daemon = await openDaemon({ tickMs: TICK_MS });
  const problems: string[] = [];
  try {
    const baseline = await prepareBaseline(daemon, lifecycle, durationMs);
    const run = startLifecycle(daemon, baseline, { transport, options: RELIABILITY_OPTIONS });
    let cancelSent = false;
    const cancel = () => {
      const state = String(run.actor.getSnapshot().value);
      if (cancelSent || ['done', 'cancelled', 'failed'].includes(state)) return;
      cancelSent = true;
      run.cancel();
    };
    let timer: NodeJS.Timeout | undefined;
    if (moment.kind === 'immediate') cancel();
    else if (moment.kind === 'random') timer = setTimeout(cancel, moment.ms);
    else {
      const { percent } = moment;
      run.onSnapshot(({ value, context }) => {
        if (String(value) === 'running' && context.status !== null && context.percentage >= percent) cancel();
      });
    }
    const settlement = await run.settled(HANG_BOUND_MS);
    clearTimeout(timer);
    run.actor.stop();
    const end = describeSettlement(settlement);
    if (settlement.kind !== 'settled') {
      return { cancelSent, end, tooLate: false, problems: [end], hang: settlement.kind === 'hang', failed: false };
    }
    const truth = await observeTruth(daemon);
    problems.push(...judge(baseline, settlement.end, settlement.context, truth).reasons);
    const stray = strayFiles(daemon.dataDir);
    if (stray.length > 0) problems.push(`stray files: ${stray.join(', ')}`);
    const integrity = databaseIntegrity(daemon.dataDir);
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const { context } = settlement;
    if (settlement.end === 'failed') {
      const error = settlement.context.error;
      problems.push(`failed after ${run.states.join(' > ')}: ${error?.message ?? ''}${error?.outcomeUnknown ? ' (outcome unknown)' : ''}`);
    }
    if (settlement.end === 'cancelled') {
      if (!truth.databaseBytes.equals(baseline.databaseBytes)) problems.push('cancelled but the database changed');
      if (truth.backups.join() !== baseline.backups.join()) problems.push('cancelled but the backups listed changed');
    }
    if (settlement.end === 'done' && cancelSent && !context.tooLateToCancel) problems.push('done after a CANCEL without tooLateToCancel');
    if (settlement.end === 'done' && lifecycle === 'backup' && context.backupId) {
      // the new backup restores: the blocking restore answers 200 once the database is replaced
      daemon.current.admin.setState({ rateBytesPerSecond: 50_000_000 });
      const restored = await fetch(`${daemon.url}/backup/${context.backupId}/restore`, { method: 'POST' });
      if (restored.status !== 200) problems.push(`the new backup does not restore: ${restored.status} ${await restored.text()}`);
      const listed = await listBackups(daemon.url);
      if (!listed.includes(context.backupId)) problems.push('the new backup is not listed after its restore');
    }
    return { cancelSent, end, tooLate: context.tooLateToCancel, problems, hang: false, failed: settlement.end === 'failed' };
  } catch (error) {
    return { cancelSent: false, end: 'harness error', tooLate: false, problems: [`harness: ${errorText(error)}`], hang: false, failed: false };
  } finally {
    await daemon.dispose();
  }
}

export async function runCancelSweep(probe: string, title: string, plan: CancelSweepPlan): Promise<ProbeResult> {
  const report = new ProbeReport(probe, title);
  const rejections = trackUnhandledRejections();
  const cases = TRANSPORTS.flatMap((transport) => plan.moments.map((moment) => ({ transport, moment })));
  const ends = new Map<string, number>();
  let cancelRuns = 0;
  let wrong = 0;
  let hangs = 0;
  let failed = 0;
  let tooLate = 0;
  let at99 = 0;
  let immediate = 0;
  try {
    await pool(cases, plan.concurrency, async ({ transport, moment }) => {
      const outcome = await runOne(plan.lifecycle, transport, moment, plan.durationMs);
      if (outcome.cancelSent) cancelRuns += 1;
      if (outcome.cancelSent && moment.kind === 'percent' && moment.percent === 99) at99 += 1;
      if (outcome.cancelSent && moment.kind === 'immediate') immediate += 1;
      if (outcome.hang) hangs += 1;
      if (outcome.failed) failed += 1;
      if (outcome.tooLate) tooLate += 1;
      const endKey = outcome.end.split(' ')[0]!;
      ends.set(endKey, (ends.get(endKey) ?? 0) + 1);
      if (outcome.problems.length > 0) {
        wrong += 1;
        report.fail(`${plan.lifecycle} over ${transport}, cancel ${momentName(moment)}: ${outcome.end}: ${outcome.problems.join('; ')}`);
      }
    });
  } finally {
    rejections.dispose();
  }
  return report.finish(
    [
      atLeast('runs with a CANCEL sent', cancelRuns, plan.goalRuns),
      atLeast('transports', TRANSPORTS.length, 3),
      atMost('wrong end states or disk states', wrong, 0),
      atMost('failed', failed, 0),
      atMost('hangs', hangs, 0),
      atMost('unhandled rejections', rejections.reasons.length, 0),
    ],
    {
      runs: cases.length,
      'CANCELs sent right after the start': immediate,
      'CANCELs sent at >= 99 %': at99,
      cancelled: ends.get('cancelled') ?? 0,
      'done (too late to cancel)': tooLate,
      done: ends.get('done') ?? 0,
    },
  );
}
