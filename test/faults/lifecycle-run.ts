import { exponentialBackoff } from '../../src/api/index.js';
import { createBackupClient, type LifecycleContext, type LifecycleOptions, type ProgressTransport } from '../../src/index.js';
import { createBackupActor, createRestoreActor } from '../../machines/index.js';
import type { Daemon } from './daemon.js';
import { retryingOf, type Baseline, type EndState, type RetryingInfo } from './truth.js';

/** `stream.outageTimeoutMs` is being added (issue #6): typed here until LifecycleOptions has it. */
export interface PendingStreamOptions {
  /** How long status may stay unreadable before the lifecycle gives up, ms. */
  outageTimeoutMs?: number;
}

export type FaultLifecycleOptions = Omit<LifecycleOptions, 'stream'> & {
  stream: NonNullable<LifecycleOptions['stream']> & PendingStreamOptions;
};

/** Fast everything, so a case takes 1-3 s: stalls seen in 400 ms, polls 50-200 ms apart. */
export const FAST_OPTIONS: FaultLifecycleOptions = {
  cancelTimeoutMs: 5_000,
  stream: {
    stallTimeoutMs: 400,
    minIntervalMs: 50,
    maxIntervalMs: 200,
    retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 400 }),
    outageTimeoutMs: 3_000,
  },
  cancelRetry: { retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 300 }), confirmIntervalMs: 100, requestTimeoutMs: 2_000 },
};

export const END_STATES: readonly string[] = ['done', 'cancelled', 'failed'] satisfies EndState[];

interface LifecycleSnapshot {
  value: unknown;
  status: string;
  context: LifecycleContext;
  error?: unknown;
}

/** What the sweep needs of either actor: both machines share this surface. */
interface LifecycleActorLike {
  getSnapshot(): LifecycleSnapshot;
  subscribe(observer: { next: (snapshot: LifecycleSnapshot) => void; error: (error: unknown) => void }): { unsubscribe(): void };
  send(event: { type: 'CANCEL' }): void;
  stop(): void;
}

export type Settlement =
  | { kind: 'settled'; end: EndState; context: LifecycleContext; elapsedMs: number }
  /** The XState actor itself crashed (snapshot status `error`), stuck in `value`. */
  | { kind: 'actor-error'; value: string; context: LifecycleContext; error: unknown; elapsedMs: number }
  | { kind: 'hang'; value: string; context: LifecycleContext; elapsedMs: number };

export interface LifecycleRun {
  readonly actor: LifecycleActorLike;
  /** Every state value, in order, without repeats. */
  readonly states: string[];
  /** Every non-null `context.retrying` seen. */
  readonly retrying: RetryingInfo[];
  /** `performance.now()` when the lifecycle was started. */
  readonly startedAt: number;
  /** Called on every snapshot (the cancel and restart triggers read it). */
  onSnapshot(listener: (snapshot: LifecycleSnapshot) => void): void;
  cancel(): void;
  /** Resolves once the machine is in done/cancelled/failed, crashed, or `boundMs` passed. */
  settled(boundMs: number): Promise<Settlement>;
}

export interface StartOptions {
  transport: ProgressTransport;
  options?: FaultLifecycleOptions;
  /** To watch the wire (e.g. when status started failing). */
  fetch?: typeof fetch;
}

/** The real actor of `baseline.lifecycle` and the event that starts it (START, or RESTORE confirmed). */
function createLifecycleActor(
  baseline: Baseline,
  client: ReturnType<typeof createBackupClient>,
  options: LifecycleOptions,
): { actor: LifecycleActorLike; begin(): void } {
  if (baseline.lifecycle === 'backup') {
    const actor = createBackupActor(client, options);
    return { actor, begin: () => actor.send({ type: 'START' }) };
  }
  const actor = createRestoreActor(client, options);
  const backupId = baseline.backupId;
  if (backupId === null) throw new Error('a restore baseline names its backup');
  return { actor, begin: () => actor.send({ type: 'RESTORE', backupId, confirm: true }) };
}

/** Creates the real actor on a fresh client, records it, and starts the lifecycle. */
export function startLifecycle(daemon: Daemon, baseline: Baseline, { transport, options = FAST_OPTIONS, fetch }: StartOptions): LifecycleRun {
  const client = createBackupClient({ baseUrl: daemon.url, ...(fetch && { fetch }) });
  const { actor, begin } = createLifecycleActor(baseline, client, { ...options, transport });
  const states: string[] = [String(actor.getSnapshot().value)];
  const retrying: RetryingInfo[] = [];
  const listeners: Array<(snapshot: LifecycleSnapshot) => void> = [];
  const observe = (snapshot: LifecycleSnapshot) => {
    const value = String(snapshot.value);
    if (states.at(-1) !== value) states.push(value);
    const info = retryingOf(snapshot.context);
    if (info) retrying.push(info);
    for (const listener of listeners) listener(snapshot);
  };
  // note: an error observer is required, else XState rethrows a crash as an uncaught exception
  actor.subscribe({ next: observe, error: () => observe(actor.getSnapshot()) });
  const startedAt = performance.now();
  begin();

  return {
    actor,
    states,
    retrying,
    startedAt,
    onSnapshot: (listener) => void listeners.push(listener),
    cancel: () => actor.send({ type: 'CANCEL' }),
    settled: (boundMs) => settle(actor, startedAt, boundMs),
  };
}

function settle(actor: LifecycleActorLike, startedAt: number, boundMs: number): Promise<Settlement> {
  return new Promise((resolve) => {
    const elapsed = () => Math.round(performance.now() - startedAt);
    let subscription: { unsubscribe(): void } | undefined;
    let finished = false;
    const finish = (settlement: Settlement) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      resolve(settlement);
    };
    const check = () => {
      const snapshot = actor.getSnapshot();
      const value = String(snapshot.value);
      if (snapshot.status === 'error') {
        finish({ kind: 'actor-error', value, context: snapshot.context, error: snapshot.error, elapsedMs: elapsed() });
      } else if (END_STATES.includes(value)) {
        finish({ kind: 'settled', end: value as EndState, context: snapshot.context, elapsedMs: elapsed() });
      }
    };
    const timer = setTimeout(() => {
      const snapshot = actor.getSnapshot();
      finish({ kind: 'hang', value: String(snapshot.value), context: snapshot.context, elapsedMs: elapsed() });
    }, Math.max(0, boundMs - (performance.now() - startedAt)));
    subscription = actor.subscribe({ next: check, error: check });
    check();
  });
}

/** One line for reports: the end state and, for failures, the error. */
export function describeSettlement(settlement: Settlement): string {
  const error = settlement.context.error;
  const detail = error ? ` ${error.kind}/${error.name}${error.status ? ` ${error.status}` : ''}` : '';
  switch (settlement.kind) {
    case 'settled':
      return `${settlement.end}${detail}`;
    case 'actor-error': {
      const crash = settlement.error instanceof Error ? `${settlement.error.name}: ${settlement.error.message}` : String(settlement.error);
      return `ACTOR ERROR in ${settlement.value} (${crash.slice(0, 120)})`;
    }
    case 'hang':
      return `still ${settlement.value} after ${settlement.elapsedMs} ms`;
  }
}
