import type { LifecycleContext, LifecycleError, OperationKind } from '../index.js';
import type { Ask } from './ask.js';
import { operationName, settledState, type LifecycleActorLike, type LifecycleSnapshot } from './lifecycle-snapshot.js';
import type { ProgressTrack, ProgressView } from './progress-view.js';

/** How following a lifecycle ended. */
export type LifecycleEnd =
  /** `tooLate`: a cancel was asked for, and the operation completed first. */
  | { end: 'done'; context: LifecycleContext; tooLate: boolean }
  | { end: 'cancelled'; context: LifecycleContext }
  | { end: 'failed'; context: LifecycleContext; error: LifecycleError }
  /** The user left (Ctrl-C twice, or Ctrl-C with nobody to ask): the operation goes on. */
  | { end: 'left-running'; context: LifecycleContext };

export interface FollowOptions {
  kind: OperationKind;
  view: ProgressView;
  track: ProgressTrack;
  /** Asks on the first Ctrl-C whether to cancel on the server; null: Ctrl-C leaves it running. */
  ask: Ask | null;
  /** CANCEL was sent already (the `cancel` command): Ctrl-C only stops waiting for it. */
  cancelSent?: boolean;
}

function endOf(snapshot: LifecycleSnapshot, cancelSent: boolean): LifecycleEnd | null {
  const { context } = snapshot;
  switch (settledState(snapshot)) {
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
 * Draws an actor's progress until it settles. Ctrl-C asks whether to cancel the operation on
 * the server: yes sends CANCEL and follows it to CANCELED (or "too late: completed"), no goes
 * on following, a second Ctrl-C leaves it running. Leaving never cancels anything: only
 * CANCEL does, and the actor is the caller's to stop.
 */
export function followLifecycle(actor: LifecycleActorLike, options: FollowOptions): Promise<LifecycleEnd> {
  const { view, track, ask, kind } = options;
  let cancelSent = options.cancelSent ?? false;
  let asking: AbortController | null = null;
  let warned = false;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (end: LifecycleEnd) => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', onInterrupt);
      subscription.unsubscribe();
      asking?.abort();
      resolve(end);
    };
    const leave = () => finish({ end: 'left-running', context: actor.getSnapshot().context });

    const askToCancel = async (ask: Ask) => {
      asking = new AbortController();
      view.pause();
      const what = operationName(kind, actor.getSnapshot().context.backupId);
      const answer = await ask(`Cancel ${what} on the server? (Ctrl-C again: leave it running)`, asking.signal);
      asking = null;
      if (settled || answer === 'withdrawn') return;
      if (answer === 'interrupted') return leave();
      if (answer === 'yes') {
        cancelSent = true;
        actor.send({ type: 'CANCEL' });
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

    const onSnapshot = (snapshot: LifecycleSnapshot) => {
      track.update(snapshot);
      const end = endOf(snapshot, cancelSent);
      if (end) finish(end);
    };
    process.on('SIGINT', onInterrupt);
    const subscription = actor.subscribe(onSnapshot);
    onSnapshot(actor.getSnapshot());
  });
}
