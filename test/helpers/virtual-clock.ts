import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import type { LifecycleClock } from '../../machines/index.js';

/** Virtual time for the lifecycles: timers fire only on `advance`, promises settle between them. */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);

  now(): number {
    return this.scheduler.now();
  }

  /** The `clock` option of the machines: scheduler, now, and a fixed random. */
  get options(): LifecycleClock {
    return { scheduler: this.scheduler, now: () => this.now(), random: () => 0.5 };
  }

  /** Lets promise chains (fake answers, actor mailboxes) run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.scheduler.frame + ms);
  }

  /** Fires every timer due up to `target`, in order, settling promises between them. */
  async advanceTo(target: number): Promise<void> {
    const { scheduler } = this;
    for (;;) {
      await this.settle();
      const next = scheduler.actions[0] as VirtualAction<unknown> | undefined;
      if (!next || next.delay > target) break;
      scheduler.maxFrames = next.delay;
      scheduler.flush();
    }
    scheduler.maxFrames = Infinity;
    scheduler.frame = target;
    await this.settle();
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.scheduler.actions.length;
  }
}
