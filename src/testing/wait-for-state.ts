import type { Snapshot } from 'xstate';
import type { VirtualClock } from './virtual-clock.js';

/** A state value of the actor's snapshot (`'done'`), or a predicate over the snapshot. */
export type StateTarget<TSnapshot> =
  | (TSnapshot extends { value: infer TValue } ? Extract<TValue, string> : string)
  | ((snapshot: TSnapshot) => boolean);

/** Options of `waitForState`. */
export interface WaitForStateOptions {
  /**
   * How long to wait before rejecting, ms. Real time, or virtual time when `clock` is given.
   * Default 10_000.
   */
  timeoutMs?: number;
  /**
   * Wait in virtual time: the clock is advanced timer by timer (promises settling between
   * them) until the target is reached or `timeoutMs` of virtual time have passed.
   */
  clock?: VirtualClock;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * What is watched: an actor (`subscribe(next, error, complete)`) or the core's lifecycle
 * handle (a store: `subscribe(listener)`, its snapshot `status` telling a crash or a stop).
 */
type Watched<TSnapshot> = {
  getSnapshot(): TSnapshot;
  subscribe(next: () => void, error?: (error: unknown) => void, complete?: () => void): (() => void) | { unsubscribe(): void };
};

/**
 * Resolves with the first snapshot of `actor` (an actor, or a lifecycle of the core) in the
 * state `target` (or for which the predicate holds), the current one included. Rejects after `timeoutMs`, or as soon as the
 * actor stops or crashes, with a message that lists the states it went through and the last
 * context's status, percentage and error.
 *
 * @example
 * ```ts
 * backup.send({ type: 'START' });
 * const done = await waitForState(backup, 'done', { timeoutMs: 5_000 });
 * await waitForState(backup, ({ context }) => context.percentage >= 50);
 * ```
 */
export function waitForState<TSnapshot extends Snapshot<unknown>>(
  actor: Watched<TSnapshot>,
  target: NoInfer<StateTarget<TSnapshot>>,
  options: WaitForStateOptions = {},
): Promise<TSnapshot> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, clock } = options;
  const reached = typeof target === 'function' ? target : (snapshot: TSnapshot) => inState(snapshot, target);
  const wanted = typeof target === 'function' ? `a snapshot that satisfies ${target.name || 'the predicate'}` : `"${target}"`;
  const visited: string[] = [];
  let last = actor.getSnapshot();

  return new Promise<TSnapshot>((resolve, reject) => {
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: (() => void) | undefined;
    const finish = (outcome: () => void) => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe?.();
      outcome();
    };
    const fail = (why: string) => finish(() => reject(new Error(describeFailure(why, visited, last))));
    const observe = (snapshot: TSnapshot) => {
      last = snapshot;
      const value = formatValue((snapshot as { value?: unknown }).value);
      if (visited[visited.length - 1] !== value) visited.push(value);
      if (reached(snapshot)) finish(() => resolve(snapshot));
      else if (snapshot.status !== 'active') fail(`the actor ended (status "${snapshot.status}") before reaching ${wanted}`);
    };

    observe(last);
    if (finished) return;
    const subscription = actor.subscribe(
      () => observe(actor.getSnapshot()),
      (error) => {
        last = actor.getSnapshot();
        fail(`the actor crashed before reaching ${wanted}: ${errorText(error)}`);
      },
      () => {
        observe(actor.getSnapshot());
        fail(`the actor stopped before reaching ${wanted}`);
      },
    );
    unsubscribe = typeof subscription === 'function' ? subscription : () => subscription.unsubscribe();
    if (finished) unsubscribe();
    else if (clock) {
      void driveClock(clock, clock.now() + timeoutMs, () => finished).then(
        () => fail(`${wanted} was not reached within ${timeoutMs} ms of virtual time${clock.pending === 0 ? ' (no timers left: the actor waits on real I/O, so wait without `clock`)' : ''}`),
        (error: unknown) => fail(`advancing the virtual clock threw: ${errorText(error)}`),
      );
    } else {
      timer = setTimeout(() => fail(`${wanted} was not reached within ${timeoutMs} ms`), timeoutMs);
    }
  });
}

/** Fires the clock's timers one due time at a time until `done()` or the deadline. */
async function driveClock(clock: VirtualClock, deadline: number, done: () => boolean): Promise<void> {
  for (;;) {
    await clock.settle();
    if (done()) return;
    const next = clock.scheduler.actions[0]?.delay;
    if (next === undefined || next > deadline) {
      await clock.advanceTo(deadline);
      return;
    }
    await clock.advanceTo(next);
  }
}

function inState(snapshot: unknown, value: string): boolean {
  const { matches } = snapshot as { matches?: unknown };
  if (typeof matches === 'function') return (matches as (value: string) => boolean).call(snapshot, value);
  return (snapshot as { value?: unknown }).value === value;
}

/** `running`, or `a.b` for a nested state value. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, child]) => (typeof child === 'string' || typeof child === 'object' ? `${key}.${formatValue(child)}` : key))
      .join(', ');
  }
  return String(value);
}

function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { kind, name, message } = error as { kind?: unknown; name?: unknown; message?: unknown };
  const label = [kind, name].filter((part) => typeof part === 'string').join(' ');
  return label ? `${label}: ${String(message)}` : String(message ?? error);
}

function describeFailure(why: string, visited: readonly string[], last: unknown): string {
  const { context, error } = last as { context?: Record<string, unknown>; error?: unknown };
  const facts: string[] = [];
  if (context && 'status' in context) facts.push(`status ${String(context['status'])}`);
  if (context && 'percentage' in context) facts.push(`percentage ${String(context['percentage'])}`);
  const contextError = context?.['error'] ?? error;
  facts.push(`error ${contextError == null ? 'none' : errorText(contextError)}`);
  return [`waitForState: ${why}.`, `  states visited: ${visited.join(' -> ')}`, `  last context: ${facts.join(', ')}`].join('\n');
}
