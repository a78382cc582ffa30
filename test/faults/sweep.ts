import type { ProgressTransport } from '../../src/index.js';
import type { FaultSpec, OperationName } from '../../src/emulator/index.js';
import { openDaemon, type Daemon } from './daemon.js';
import { END_STATES, describeSettlement, startLifecycle, type LifecycleRun, type Settlement } from './lifecycle-run.js';
import { judge, observeTruth, prepareBaseline, type Lifecycle, type Verdict } from './truth.js';

// The fault sweep of issue #6: every lifecycle, transport, fault target and fault kind,
// with and without a cancel, each against its own emulator, judged against the daemon's truth.

export const LIFECYCLES = ['backup', 'restore'] as const satisfies readonly Lifecycle[];
export const TRANSPORTS = ['websocket', 'ndjson', 'polling'] as const satisfies readonly ProgressTransport[];
/** Where an injected fault is aimed: the request that starts, status, cancel, the progress socket. */
export const FAULT_TARGETS = ['start', 'status', 'cancel', 'progress'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export const FAULT_KINDS = [
  'reset',
  'stall-before-first-frame',
  'stall-after-first-frame',
  'reset-after-frames',
  'truncate',
  'malformed',
  'status-500',
  'status-503',
  'status-404',
  'status-400',
  'latency',
  'daemon-restart',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SweepCase {
  lifecycle: Lifecycle;
  transport: ProgressTransport;
  fault: FaultKind;
  /** Null for a daemon restart, which hits every endpoint at once. */
  target: FaultTarget | null;
  /** How many requests the fault applies to. */
  times: 1 | 'unlimited';
  /** A CANCEL is sent in the middle: at the first progress past 20%, else 600 ms in. */
  cancel: boolean;
}

/** Longer than a stall (400 ms), shorter than a request timeout: a slow daemon, not a dead one. */
export const LATENCY_MS = 600;
/** A case not settled by then hangs. */
export const HANG_BOUND_MS = 20_000;
const CANCEL_AT_PERCENT = 20;
const CANCEL_FALLBACK_MS = 600;
const RESTART_AT_PERCENT = 30;
const RESTART_FALLBACK_MS = 900;

const STREAMS: readonly OperationName[] = [
  'backups_create_streamed_websocket',
  'backups_create_new_backup_streamed',
  'backup_restore_streamed_websocket',
  'backup_restore_specific_backup_streamed',
  'backups_streamed_progress_websocket',
];

/** The emulator operation a target names, per lifecycle and transport (see docs/protocol.md). */
export function operationOf(lifecycle: Lifecycle, transport: ProgressTransport, target: FaultTarget): OperationName {
  const backup = lifecycle === 'backup';
  switch (target) {
    case 'start':
      // polling creations open the NDJSON create for its id-bearing first frame
      if (backup) return transport === 'websocket' ? 'backups_create_streamed_websocket' : 'backups_create_new_backup_streamed';
      if (transport === 'websocket') return 'backup_restore_streamed_websocket';
      return transport === 'ndjson' ? 'backup_restore_specific_backup_streamed' : 'backup_restore_specific_backup';
    case 'status':
      return backup ? 'backup_specific_creation_status' : 'backup_specific_restoration_status';
    case 'cancel':
      return backup ? 'backup_specific_creation_cancel' : 'backup_specific_restoration_cancel';
    case 'progress':
      return 'backups_streamed_progress_websocket';
  }
}

function misbehaviour(fault: Exclude<FaultKind, 'daemon-restart'>): Omit<FaultSpec, 'operation'> {
  switch (fault) {
    case 'reset':
      return { reset: true };
    case 'stall-before-first-frame':
      return { stallAfterFrames: 0 };
    case 'stall-after-first-frame':
      return { stallAfterFrames: 2 };
    case 'reset-after-frames':
      return { resetAfterFrames: 2 };
    case 'truncate':
      return { truncate: true };
    case 'malformed':
      return { malformed: true };
    case 'status-500':
      return { status: 500 };
    case 'status-503':
      return { status: 503 };
    case 'status-404':
      return { status: 404 };
    case 'status-400':
      return { status: 400 };
    case 'latency':
      return { latencyMs: LATENCY_MS };
  }
}

/**
 * The faults a case injects before it starts. A progress-socket fault comes with a start
 * stream that stalls after its first frames: the socket is only opened after a fallback.
 */
export function faultSpecsOf(sweepCase: SweepCase): FaultSpec[] {
  const { lifecycle, transport, fault, target, times } = sweepCase;
  if (fault === 'daemon-restart' || target === null) return [];
  const spec: FaultSpec = { operation: operationOf(lifecycle, transport, target), ...misbehaviour(fault), ...(times === 1 && { times: 1 }) };
  if (target !== 'progress') return [spec];
  return [{ operation: operationOf(lifecycle, transport, 'start'), stallAfterFrames: 2, times: 1 }, spec];
}

/** Whether the fault can touch the case at all (the rest would be a run without a fault). */
export function applies(sweepCase: SweepCase): boolean {
  const { lifecycle, transport, fault, target, times, cancel } = sweepCase;
  if (fault === 'daemon-restart') return target === null && times === 1;
  if (target === null) return false;
  // polling never opens the progress socket; no cancel request without a CANCEL; a start is never repeated
  if (target === 'progress' && transport === 'polling') return false;
  if (target === 'cancel' && !cancel) return false;
  if (target === 'start' && times !== 1) return false;
  const operation = operationOf(lifecycle, transport, target);
  const frames = ['stall-before-first-frame', 'stall-after-first-frame', 'reset-after-frames'].includes(fault);
  if (frames && !STREAMS.includes(operation)) return false;
  // cancel answers 204 or text: there is no JSON body to cut or corrupt
  if ((fault === 'truncate' || fault === 'malformed') && target === 'cancel') return false;
  return true;
}

/** Every applicable case, in a stable order. */
export function fullMatrix(): SweepCase[] {
  const cases: SweepCase[] = [];
  for (const lifecycle of LIFECYCLES) {
    for (const transport of TRANSPORTS) {
      for (const cancel of [false, true]) {
        for (const fault of FAULT_KINDS) {
          const targets = fault === 'daemon-restart' ? [null] : FAULT_TARGETS;
          for (const target of targets) {
            for (const times of [1, 'unlimited'] as const) {
              const sweepCase: SweepCase = { lifecycle, transport, fault, target, times, cancel };
              if (applies(sweepCase)) cases.push(sweepCase);
            }
          }
        }
      }
    }
  }
  return cases;
}

export function caseName({ lifecycle, transport, fault, target, times, cancel }: SweepCase): string {
  const where = target === null ? '' : ` on ${target}${times === 'unlimited' ? ' (every request)' : ''}`;
  return `${lifecycle} over ${transport}: ${fault}${where}${cancel ? ', with cancel' : ''}`;
}

export type Outcome = Verdict | 'hang' | 'actor-error';

export interface CaseResult {
  sweepCase: SweepCase;
  name: string;
  outcome: Outcome;
  /** The end state, e.g. `failed server/OperationFailedError`. */
  end: string;
  reasons: string[];
  /** Every state value the machine went through. */
  states: string[];
  elapsedMs: number;
  /** Unhandled rejections seen while this case ran (shared with cases running beside it). */
  unhandledRejections: number;
}

/**
 * Counts unhandled rejections while installed. The sweep runs cases side by side, so a
 * rejection is charged to every case running at that moment.
 */
export function trackUnhandledRejections() {
  const reasons: unknown[] = [];
  const running = new Set<{ count: number }>();
  const onRejection = (reason: unknown) => {
    reasons.push(reason);
    for (const entry of running) entry.count += 1;
  };
  process.on('unhandledRejection', onRejection);
  return {
    reasons,
    /** Counts the rejections that happen until the returned function is called. */
    during(): () => number {
      const entry = { count: 0 };
      running.add(entry);
      return () => {
        running.delete(entry);
        return entry.count;
      };
    },
    dispose: () => void process.off('unhandledRejection', onRejection),
  };
}

/** CANCEL (if the case has one) and the daemon restart (if it is one), each fired once. */
function armTriggers(run: LifecycleRun, daemon: Daemon, sweepCase: SweepCase): { disarm(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  let cancelled = false;
  let restarting: Promise<void> | undefined;
  let settled = false;
  const cancel = () => {
    if (cancelled || settled) return;
    cancelled = true;
    run.cancel();
  };
  const restart = () => {
    if (restarting || settled) return;
    restarting = daemon.restart();
    // note: handled here so a failed restart is a harness error in disarm(), not an unhandled rejection
    restarting.catch(() => undefined);
  };
  const wantsRestart = sweepCase.fault === 'daemon-restart';
  run.onSnapshot(({ value, context }) => {
    const state = String(value);
    if (END_STATES.includes(state)) {
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      return;
    }
    const running = state === 'running' && context.status === 'IN-PROGRESS';
    if (sweepCase.cancel && running && context.percentage >= CANCEL_AT_PERCENT) cancel();
    // with a cancel: restart while it winds down; without: in the middle of the transfer
    if (wantsRestart && (sweepCase.cancel ? state === 'cancelling' : running && context.percentage >= RESTART_AT_PERCENT)) restart();
  });
  if (sweepCase.cancel) timers.push(setTimeout(cancel, CANCEL_FALLBACK_MS));
  if (wantsRestart) timers.push(setTimeout(restart, RESTART_FALLBACK_MS));
  return {
    /** No trigger fires any more; resolves once a restart under way is complete. */
    disarm: () => {
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      return restarting ?? Promise.resolve();
    },
  };
}

/** One case, start to truth: its own daemon, its faults, the real actor, the judgement. */
export async function runCase(sweepCase: SweepCase, rejections: ReturnType<typeof trackUnhandledRejections>): Promise<CaseResult> {
  const name = caseName(sweepCase);
  const stopCounting = rejections.during();
  const daemon = await openDaemon();
  let triggers: ReturnType<typeof armTriggers> | undefined;
  let settlement: Settlement | undefined;
  let states: string[] = [];
  const resultOf = (outcome: Outcome, reasons: string[]): CaseResult => ({
    sweepCase,
    name,
    outcome,
    end: settlement ? describeSettlement(settlement) : 'not started',
    reasons,
    states,
    elapsedMs: settlement?.elapsedMs ?? 0,
    unhandledRejections: stopCounting(),
  });
  try {
    const baseline = await prepareBaseline(daemon, sweepCase.lifecycle);
    for (const spec of faultSpecsOf(sweepCase)) daemon.current.admin.injectFault(spec);
    const run = startLifecycle(daemon, baseline, { transport: sweepCase.transport });
    states = run.states;
    triggers = armTriggers(run, daemon, sweepCase);
    settlement = await run.settled(HANG_BOUND_MS);
    run.actor.stop();
    await triggers.disarm();
    if (settlement.kind !== 'settled') return resultOf(settlement.kind, []);
    const { verdict, reasons } = judge(baseline, settlement.end, settlement.context, await observeTruth(daemon));
    return resultOf(verdict, reasons);
  } catch (error) {
    // the harness itself failed: reported as wrong, with why, rather than hiding the case
    return resultOf('wrong', [`harness: ${error instanceof Error ? error.message : String(error)}`]);
  } finally {
    await triggers?.disarm().catch(() => undefined);
    await daemon.dispose();
  }
}

export interface Tally {
  runs: number;
  ok: number;
  wrong: number;
  unknown: number;
  hangs: number;
  actorErrors: number;
  unhandledRejections: number;
}

export interface SweepReport {
  results: CaseResult[];
  tally: Tally;
  elapsedMs: number;
}

export function tally(results: readonly CaseResult[], unhandledRejections: number): Tally {
  const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome).length;
  return {
    runs: results.length,
    ok: count('ok'),
    wrong: count('wrong'),
    unknown: count('unknown'),
    hangs: count('hang'),
    actorErrors: count('actor-error'),
    unhandledRejections,
  };
}

/** Runs the cases, `concurrency` at a time (each owns an emulator), in the given order. */
export async function runSweep(
  cases: readonly SweepCase[],
  { concurrency = 3, onResult }: { concurrency?: number; onResult?: (result: CaseResult, done: number) => void } = {},
): Promise<SweepReport> {
  const started = performance.now();
  const rejections = trackUnhandledRejections();
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const result = await runCase(cases[index]!, rejections);
      results[index] = result;
      onResult?.(result, ++done);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, cases.length)) }, worker));
  } finally {
    rejections.dispose();
  }
  return { results, tally: tally(results, rejections.reasons.length), elapsedMs: Math.round(performance.now() - started) };
}

const OUTCOME_MARK: Record<Outcome, string> = { ok: 'ok', unknown: 'unknown', wrong: 'WRONG', hang: 'HANG', 'actor-error': 'ACTOR ERROR' };

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The tally, the outcomes per lifecycle and transport and per fault kind, and one row per
 * case (`all`) or per case that is not ok.
 */
export function formatSummary(report: SweepReport, { all = false }: { all?: boolean } = {}): string {
  const { results, tally: totals } = report;
  const outcomes = ['ok', 'unknown', 'wrong', 'hang', 'actor-error'] as const;
  const group = (keyOf: (result: CaseResult) => string) => {
    const keys = [...new Set(results.map(keyOf))];
    return keys.map((key) => {
      const members = results.filter((result) => keyOf(result) === key);
      return [key, String(members.length), ...outcomes.map((outcome) => String(members.filter((m) => m.outcome === outcome).length))];
    });
  };
  const header = ['', 'runs', ...outcomes];
  const listed = all ? results : results.filter((result) => result.outcome !== 'ok');
  const caseRows = listed.map(({ sweepCase: c, outcome, end, reasons, elapsedMs }) => [
    c.lifecycle,
    c.transport,
    c.target ?? '-',
    c.fault,
    c.target === null ? '-' : String(c.times),
    c.cancel ? 'yes' : 'no',
    end,
    OUTCOME_MARK[outcome],
    `${elapsedMs}`,
    reasons.join('; '),
  ]);
  return [
    `fault sweep: ${totals.runs} runs in ${(report.elapsedMs / 1_000).toFixed(1)} s: ${totals.ok} ok, ` +
      `${totals.wrong} wrong end states, ${totals.unknown} unknown, ${totals.hangs} hangs, ` +
      `${totals.actorErrors} actor errors, ${totals.unhandledRejections} unhandled rejections`,
    '',
    table(header, group((result) => `${result.sweepCase.lifecycle} / ${result.sweepCase.transport}`)),
    '',
    table(header, group((result) => result.sweepCase.fault)),
    '',
    listed.length === 0
      ? 'every case ended where the daemon says it should'
      : table(['lifecycle', 'transport', 'target', 'fault', 'times', 'cancel', 'end state', 'verdict', 'ms', 'why'], caseRows),
  ].join('\n');
}
