import fs from 'node:fs';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { tempDir } from '../helpers/emulator.js';

/** Transfers before a case sets its own rate: setting up a backup takes milliseconds. */
export const SETUP_RATE = 50_000_000;
/** Roll-back time after an accepted cancel. */
export const CANCEL_DELAY_MS = 50;

/**
 * One emulator per case, in a temp data dir this case owns, so it can be "restarted": closed
 * mid-operation and started again on the same port over the same files, the way a Pieces OS
 * daemon restart looks to a client that keeps its base URL.
 */
export interface Daemon {
  /** The emulator running now (a new one after `restart`). */
  readonly current: Emulator;
  readonly url: string;
  readonly dataDir: string;
  /** Close, stay down `downMs`, start again on the same port and data dir, same rate, roll-back time and tick. */
  restart(downMs?: number): Promise<void>;
  /** Closes the emulator and removes the data dir. */
  dispose(): Promise<void>;
}

export async function openDaemon(options: { cancelDelayMs?: number; tickMs?: number } = {}): Promise<Daemon> {
  const dataDir = tempDir('pieces-fault-');
  let current = await startEmulator({
    port: 0,
    dataDir,
    rateBytesPerSecond: SETUP_RATE,
    cancelDelayMs: options.cancelDelayMs ?? CANCEL_DELAY_MS,
    ...(options.tickMs !== undefined && { tickMs: options.tickMs }),
  });
  const { port, url } = current;
  return {
    get current() {
      return current;
    },
    url,
    dataDir,
    async restart(downMs = 200) {
      const { rateBytesPerSecond, cancelDelayMs } = current.admin.getState();
      await current.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      current = await startEmulator({ port, dataDir, rateBytesPerSecond, cancelDelayMs, ...(options.tickMs !== undefined && { tickMs: options.tickMs }) });
    },
    async dispose() {
      await current.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
