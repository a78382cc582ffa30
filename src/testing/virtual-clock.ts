import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import type { LifecycleOptions } from '../index.js';

type LifecycleClock = NonNullable<LifecycleOptions['clock']>;

/**
 * Virtual time for the lifecycles: timers fire only when the test advances the clock, and
 * promise chains (answers, actor mailboxes) settle between them. It is a `LifecycleClock`
 * itself, so it is passed as the machines' `clock` option as is.
 */
export interface VirtualClock extends Required<LifecycleClock> {
  /** Every wait of the machines and the streams below them runs here. */
  readonly scheduler: VirtualTimeScheduler;
  /** Virtual ms since the clock was created (starts at 0). */
  readonly now: () => number;
  /** The machines' source of jitter: fixed, so backoffs are the same on every run. */
  readonly random: () => number;
  /** Fires every timer due in the next `ms`, in order, settling promises between them. */
  advance(ms: number): Promise<void>;
  /** Fires every timer due up to `time` (virtual ms), in order, settling promises between them. */
  advanceTo(time: number): Promise<void>;
  /** Lets pending promise chains run (a few macrotask turns); moves no time. */
  settle(): Promise<void>;
  /** Timers still scheduled. */
  readonly pending: number;
}

/** Options of `createVirtualClock`. */
export interface VirtualClockOptions {
  /** The `random` the machines get, [0, 1). Default `() => 0.5`. */
  random?: () => number;
}

// Enough turns for a fake or in-memory answer to reach an actor and its next timer to be set.
const SETTLE_TURNS = 5;

/**
 * A clock for the machines' `clock` option on which no time passes until the test says so:
 * a cancel deadline of 30 s is reached with `await clock.advance(30_000)`, at once.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock();
 * const backup = createBackupActor(client, { clock, cancelTimeoutMs: 5_000 });
 * backup.send({ type: 'START' });
 * await waitForState(backup, 'running');
 * backup.send({ type: 'CANCEL' });
 * await clock.advance(5_000); // the deadline passes without waiting 5 s
 * ```
 */
export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  const random = options.random ?? (() => 0.5);

  const settle = async (): Promise<void> => {
    for (let turn = 0; turn < SETTLE_TURNS; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const advanceTo = async (time: number): Promise<void> => {
    for (;;) {
      await settle();
      const next = scheduler.actions[0] as VirtualAction<unknown> | undefined;
      if (!next || next.delay > time) break;
      // one due time at a time, so the promises a timer starts settle before the next fires
      scheduler.maxFrames = next.delay;
      scheduler.flush();
    }
    scheduler.maxFrames = Infinity;
    scheduler.frame = Math.max(scheduler.frame, time);
    await settle();
  };

  return {
    scheduler,
    now: () => scheduler.now(),
    random,
    advance: (ms) => advanceTo(scheduler.frame + ms),
    advanceTo,
    settle,
    get pending() {
      return scheduler.actions.length;
    },
  };
}
