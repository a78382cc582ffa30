import type { OperationKind } from '../index.js';
import type { LifecycleSnapshot } from './lifecycle-snapshot.js';
import { progressKey } from './lifecycle-text.js';
import type { OutputMode } from './output-mode.js';

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

/** A display by mode: cli-progress bars are loaded only on a terminal. */
export async function createProgressView(mode: OutputMode): Promise<ProgressView> {
  if (mode === 'bar') return (await import('./progress-bar-view.js')).createBarView(process.stdout);
  if (mode === 'json') return (await import('./progress-json-view.js')).createJsonView(process.stdout, process.stderr);
  return (await import('./progress-line-view.js')).createLineView(process.stdout);
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
