import type { BackupClient, ProgressTransport } from '../../index.js';
import { terminalAsk, type Ask } from './ask.js';
import { connect } from './connect.js';
import { createProgressView } from '../output/create-progress-view.js';
import { outputModeOf, type OutputMode } from '../output/output-mode.js';
import type { ProgressView } from '../output/progress-view.js';

/** The global options every daemon command takes. */
export interface GlobalOptions {
  /** Where Pieces OS listens; undefined: discover it. */
  url: string | undefined;
  transport: ProgressTransport;
  json: boolean;
}

/** What a daemon command is given: its options, how to reach the daemon, how to show things. */
export interface CommandContext {
  readonly options: GlobalOptions;
  readonly mode: OutputMode;
  /** Yes/no on the terminal; null when stdin is not one. */
  readonly ask: Ask | null;
  connect(): Promise<BackupClient>;
  progress(): Promise<ProgressView>;
}

export function createCommandContext(options: GlobalOptions): CommandContext {
  const mode = outputModeOf(options.json);
  return {
    options,
    mode,
    // beside the bars on a terminal; else stdout may be a file or JSON frames: stderr
    ask: terminalAsk(process.stdin, mode === 'bar' ? process.stdout : process.stderr),
    connect: () => connect(options.url),
    progress: () => createProgressView(mode),
  };
}
