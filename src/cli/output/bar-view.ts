import { MultiBar, type Options, type Params, type SingleBar } from 'cli-progress';
import { lifecycleText, type LifecycleSnapshot, type OperationKind } from '../../core/index.js';
import type { ProgressTrack, ProgressView } from './progress-view.js';

const BAR_WIDTH = 24;

interface Payload {
  label: string;
  kind: OperationKind;
  snapshot: LifecycleSnapshot | null;
}

// note: cli-progress re-renders every 1/fps s and writes only when the text changed, so the
// elapsed time ticks between updates without a timer of ours
function format(_options: Options, params: Params, payload: Payload): string {
  const filled = Math.round(Math.min(1, Math.max(0, params.progress)) * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  if (!payload.snapshot) return `${payload.label} ${bar}`;
  const text = lifecycleText(payload.kind, payload.snapshot);
  const line = `${payload.label} ${bar} ${text.percentage.padStart(4)} | ETA ${text.remaining} | ${text.transport} | ${text.elapsed} | ${text.stateText}`;
  return line.length > params.maxWidth ? line.slice(0, params.maxWidth) : line;
}

interface BarTrack {
  payload: Payload;
  bar: SingleBar | null;
}

/**
 * Live bars, redrawn in place (cli-progress), one per operation: percentage, ETA, transport,
 * elapsed time and state ("reconnecting…" while status reads fail). `pause` stops drawing
 * for a prompt; `resume` draws again below it.
 */
export function createBarView(out: NodeJS.WriteStream): ProgressView {
  const tracks = new Set<BarTrack>();
  let multibar: MultiBar | null = null;
  let paused = false;

  const percentOf = (track: BarTrack) => track.payload.snapshot?.context.percentage ?? 0;
  const attach = (track: BarTrack) => {
    multibar ??= new MultiBar({ stream: out, format, fps: 10, hideCursor: false, linewrap: false, gracefulExit: false, clearOnComplete: false });
    track.bar = multibar.create(100, percentOf(track), track.payload);
  };

  return {
    track(label, kind): ProgressTrack {
      const track: BarTrack = { payload: { label, kind, snapshot: null }, bar: null };
      tracks.add(track);
      return {
        update(snapshot) {
          track.payload.snapshot = snapshot;
          if (paused) return;
          if (track.bar === null) attach(track);
          else track.bar.update(percentOf(track), track.payload);
        },
        end() {
          tracks.delete(track);
          if (track.bar && multibar) multibar.remove(track.bar);
          track.bar = null;
        },
      };
    },
    log(line) {
      if (multibar) multibar.log(`${line}\n`);
      else out.write(`${line}\n`);
    },
    pause() {
      paused = true;
      multibar?.stop();
      multibar = null;
      for (const track of tracks) track.bar = null;
    },
    resume() {
      paused = false;
      for (const track of tracks) if (track.payload.snapshot) attach(track);
    },
    stop() {
      multibar?.stop();
      multibar = null;
    },
  };
}
