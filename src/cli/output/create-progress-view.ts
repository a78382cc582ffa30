import type { OutputMode } from './output-mode.js';
import type { ProgressView } from './progress-view.js';

/** A display by mode: cli-progress bars are loaded only on a terminal. */
export async function createProgressView(mode: OutputMode): Promise<ProgressView> {
  if (mode === 'bar') return (await import('./bar-view.js')).createBarView(process.stdout);
  if (mode === 'json') return (await import('./json-view.js')).createJsonView(process.stdout, process.stderr);
  return (await import('./line-view.js')).createLineView(process.stdout);
}
