import { lifecycleText } from '../../core/index.js';
import { keyedView, progressKey, type ProgressView } from './progress-view.js';

/** Percent between two lines: a log gets ten progress lines per operation, not a hundred. */
const LINE_STEP = 10;

/**
 * Plain lines for pipes, files, CI and NO_COLOR, from the core's text model:
 * `restore  42%  ETA 0:07  via websocket  0:03 elapsed  running`. A line when the state, the
 * transport or "reconnecting" changes, and every 10 %.
 */
export function createLineView(out: NodeJS.WritableStream): ProgressView {
  return keyedView(
    (label, kind, snapshot) => {
      const text = lifecycleText(kind, snapshot);
      out.write(`${label}  ${text.percentage.padStart(4)}  ETA ${text.remaining}  via ${text.transport}  ${text.elapsed} elapsed  ${text.stateText}\n`);
    },
    (line) => out.write(`${line}\n`),
    (snapshot) => progressKey(snapshot, LINE_STEP),
  );
}
