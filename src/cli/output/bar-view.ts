import { lifecycleText, type LifecycleSnapshot, type OperationKind } from '../../core/index.js';
import type { ProgressTrack, ProgressView } from './progress-view.js';

const BAR_WIDTH = 24;
// note: redrawn this often, and written only when the text changed, so the elapsed time ticks
// between updates
const FRAME_MS = 100;

interface BarTrack {
  label: string;
  kind: OperationKind;
  snapshot: LifecycleSnapshot | null;
  shown: boolean;
}

function format({ label, kind, snapshot }: BarTrack, width: number): string {
  const progress = (snapshot?.context.percentage ?? 0) / 100;
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  if (!snapshot) return `${label} ${bar}`;
  const text = lifecycleText(kind, snapshot);
  const line = `${label} ${bar} ${text.percentage.padStart(4)} | ETA ${text.remaining} | ${text.transport} | ${text.elapsed} | ${text.stateText}`;
  return line.length > width ? line.slice(0, width) : line;
}

/**
 * Live bars, redrawn in place with ANSI cursor moves, one per operation: percentage, ETA,
 * transport, elapsed time and state ("reconnecting…" while status reads fail). `pause` stops
 * drawing for a prompt; `resume` draws again below it.
 */
export function createBarView(out: NodeJS.WriteStream): ProgressView {
  const tracks: BarTrack[] = [];
  // bar lines on screen; the cursor is at the end of the last one
  let drawn = 0;
  let lastFrame = '';
  let timer: NodeJS.Timeout | null = null;
  let paused = false;

  const toTop = () => (drawn > 1 ? `\r\x1b[${drawn - 1}A` : '\r');
  const draw = (force = false) => {
    // the last column would wrap the cursor to the next line: keep one free
    const width = Math.max(20, (out.columns || 80) - 1);
    const lines = tracks.filter((track) => track.shown).map((track) => format(track, width));
    const frame = lines.join('\n');
    if (!force && frame === lastFrame) return;
    out.write(`${drawn > 0 ? toTop() : ''}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\x1b[J`);
    drawn = lines.length;
    lastFrame = frame;
  };
  const start = () => {
    timer ??= setInterval(draw, FRAME_MS).unref();
  };
  /** Draws once more and leaves the bars on screen, the cursor below them. */
  const settle = () => {
    if (timer) clearInterval(timer);
    timer = null;
    draw();
    if (drawn > 0) out.write('\n');
    drawn = 0;
    lastFrame = '';
  };

  return {
    track(label, kind): ProgressTrack {
      const track: BarTrack = { label, kind, snapshot: null, shown: false };
      tracks.push(track);
      return {
        update(snapshot) {
          track.snapshot = snapshot;
          if (paused) return;
          if (!track.shown) {
            track.shown = true;
            draw();
          }
          start();
        },
        end() {
          tracks.splice(tracks.indexOf(track), 1);
          if (track.shown && !paused) draw();
        },
      };
    },
    log(line) {
      if (drawn === 0) return void out.write(`${line}\n`);
      // the message takes the bars' place; the bars are drawn again below it
      out.write(`${toTop()}\x1b[2K${line}\n\x1b[J`);
      drawn = 0;
      draw(true);
    },
    pause() {
      paused = true;
      settle();
      for (const track of tracks) track.shown = false;
    },
    resume() {
      paused = false;
      for (const track of tracks) track.shown = track.snapshot !== null;
      draw(true);
      start();
    },
    stop: settle,
  };
}
