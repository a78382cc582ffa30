import { progressKey, progressLine } from './lifecycle-text.js';
import { keyedView, type ProgressView } from './progress-view.js';

/** Percent between two lines: a log gets ten progress lines per operation, not a hundred. */
const LINE_STEP = 10;

/**
 * Plain lines for pipes, files, CI and NO_COLOR: a line when the state, the transport or
 * "reconnecting" changes, and every 10 %.
 */
export function createLineView(out: NodeJS.WritableStream): ProgressView {
  return keyedView(
    (label, _kind, snapshot) => out.write(`${progressLine(label, snapshot, Date.now())}\n`),
    (line) => out.write(`${line}\n`),
    (snapshot) => progressKey(snapshot, LINE_STEP),
  );
}
