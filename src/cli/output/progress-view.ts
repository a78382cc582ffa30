import type { LifecycleSnapshot, OperationKind } from '../../core/index.js';

/** One operation on a progress display: a bar, or its lines. */
export interface ProgressTrack {
  update(snapshot: LifecycleSnapshot): void;
  /** Takes the operation off a live display (`watch`, when it ends). */
  end(): void;
}

/** Where progress goes: drawn in place, printed as lines, or written as JSON frames. */
export interface ProgressView {
  track(label: string, kind: OperationKind): ProgressTrack;
  /** A message for people, above the bars (stderr in JSON mode). */
  log(line: string): void;
  /** Stops drawing, e.g. while a prompt is shown; updates are kept. */
  pause(): void;
  /** Draws again, from the latest update. */
  resume(): void;
  /** Leaves the last drawing on screen. */
  stop(): void;
}

/**
 * What a plain or JSON display prints again only when it changed: state, status, transport,
 * reconnecting, and the percentage in steps of `step` (1: every whole percent). Not the
 * clocks, which change every second.
 */
export function progressKey({ value, context }: LifecycleSnapshot, step = 1): string {
  const percentage = Math.floor(context.percentage / step);
  return [value, percentage, context.transport, context.retrying?.attempt ?? 0, context.status].join('|');
}

/**
 * The common part of the plain and JSON displays: print a track again only when what it
 * shows changed, nothing while paused, the latest on resume.
 */
export function keyedView(
  print: (label: string, kind: OperationKind, snapshot: LifecycleSnapshot) => void,
  log: (line: string) => void,
  keyOf: (snapshot: LifecycleSnapshot) => string = progressKey,
): ProgressView {
  let paused = false;
  const pending = new Map<object, () => void>();
  return {
    track(label, kind) {
      let lastKey = '';
      const self = {
        update(snapshot: LifecycleSnapshot) {
          const key = keyOf(snapshot);
          if (key === lastKey) return;
          const draw = () => {
            lastKey = key;
            print(label, kind, snapshot);
          };
          if (paused) pending.set(self, draw);
          else draw();
        },
        end: () => void pending.delete(self),
      };
      return self;
    },
    log,
    pause: () => void (paused = true),
    resume() {
      paused = false;
      for (const draw of pending.values()) draw();
      pending.clear();
    },
    stop: () => pending.clear(),
  };
}
