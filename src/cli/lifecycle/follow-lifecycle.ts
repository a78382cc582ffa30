import type { BackupLifecycle, LifecycleContext, LifecycleError, LifecycleSnapshot, RestoreLifecycle } from '../../core/index.js';
import type { Ask } from '../command/ask.js';
import type { ProgressTrack, ProgressView } from '../output/progress-view.js';
import { operationName } from './operation-name.js';

/** Either lifecycle handle of the core: what every command that follows an operation drives. */
export type AnyLifecycle = BackupLifecycle | RestoreLifecycle;

/** How following a lifecycle ended. */
export type LifecycleEnd =
  /** `tooLate`: a cancel was asked for, and the operation completed first. */
  | { end: 'done'; context: LifecycleContext; tooLate: boolean }
  | { end: 'cancelled'; context: LifecycleContext }
  | { end: 'failed'; context: LifecycleContext; error: LifecycleError }
  /** The user left (Ctrl-C twice, or Ctrl-C with nobody to ask): the operation goes on. */
  | { end: 'left-running'; context: LifecycleContext };

export interface FollowOptions {
  view: ProgressView;
  track: ProgressTrack;
  /** Asks on the first Ctrl-C whether to cancel on the server; null: Ctrl-C leaves it running. */
  ask: Ask | null;
  /** CANCEL was sent already (the `cancel` command): Ctrl-C only stops waiting for it. */
  cancelSent?: boolean;
}

/** How a settled snapshot ended (null while it has not settled). */
export function endOf({ value, context }: LifecycleSnapshot, cancelSent = false): LifecycleEnd | null {
  switch (value) {
    case 'done':
      return { end: 'done', context, tooLate: context.tooLateToCancel || cancelSent };
    case 'cancelled':
      return { end: 'cancelled', context };
    case 'failed':
      return context.error ? { end: 'failed', context, error: context.error } : null;
    default:
      return null;
  }
}

/**
 * Draws a lifecycle's progress until it settles. Ctrl-C asks whether to cancel the operation
 * on the server: yes cancels and follows it to CANCELED (or "too late: completed"), no goes
 * on following, a second Ctrl-C leaves it running. Leaving never cancels anything: only
 * `cancel()` does, and the lifecycle is the caller's to dispose.
 */
export function followLifecycle(lifecycle: AnyLifecycle, options: FollowOptions): Promise<LifecycleEnd> {
  const { view, track, ask } = options;
  let cancelSent = options.cancelSent ?? false;
  let asking: AbortController | null = null;
  let warned = false;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (end: LifecycleEnd) => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', onInterrupt);
      unsubscribe();
      asking?.abort();
      resolve(end);
    };
    const leave = () => finish({ end: 'left-running', context: lifecycle.getSnapshot().context });

    const askToCancel = async (ask: Ask) => {
      asking = new AbortController();
      view.pause();
      const what = operationName(lifecycle.kind, lifecycle.getSnapshot().context.backupId);
      const answer = await ask(`Cancel ${what} on the server? (Ctrl-C again: leave it running)`, asking.signal);
      asking = null;
      if (settled || answer === 'withdrawn') return;
      if (answer === 'interrupted') return leave();
      if (answer === 'yes') {
        cancelSent = true;
        lifecycle.cancel();
        view.log(`cancelling ${what}: waiting for Pieces OS to confirm…`);
      }
      view.resume();
    };

    function onInterrupt() {
      // a SIGINT while the prompt is up did not come from its keyboard: leave
      if (asking || !ask) return leave();
      if (!cancelSent) return void askToCancel(ask);
      if (warned) return leave();
      warned = true;
      view.log('still waiting for the cancel to be confirmed; Ctrl-C again to stop waiting (the cancel stands)');
    }

    const onSnapshot = () => {
      const snapshot = lifecycle.getSnapshot();
      track.update(snapshot);
      const end = endOf(snapshot, cancelSent);
      if (end) finish(end);
    };
    process.on('SIGINT', onInterrupt);
    const unsubscribe = lifecycle.subscribe(onSnapshot);
    onSnapshot();
  });
}
