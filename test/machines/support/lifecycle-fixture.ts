import { waitFor as waitForActor, type AnyActor, type StateValue } from 'xstate';
import type { BackupActor, RestoreActor } from '../../../machines/index.js';
import { createBackupClient, type BackupClient } from '../../../src/api/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { countingFetch, countingWebSocket } from './leak-probes.js';

export const FINAL_STATES = ['done', 'cancelled', 'failed'];

/** A client whose requests and sockets are counted (to see what was started, and what is left). */
export function countedClient(emulator: Emulator): {
  client: BackupClient;
  http: ReturnType<typeof countingFetch>;
  sockets: ReturnType<typeof countingWebSocket>;
  /** Requests and sockets that start an operation of this kind. */
  starts(kind: 'creation' | 'restoration'): number;
  cancels(kind: 'creation' | 'restoration'): number;
} {
  const http = countingFetch();
  const sockets = countingWebSocket();
  const client = createBackupClient({ baseUrl: emulator.url, fetch: http.fetch, WebSocket: sockets.WebSocket });
  const starts = (kind: 'creation' | 'restoration') => {
    const pattern = kind === 'creation' ? /\/backups\/create|\/backup$/ : /\/backup\/[^/]+\/restore/;
    return (
      http.requests.filter((request) => request.method === 'POST' && pattern.test(new URL(request.url).pathname)).length +
      sockets.sockets.filter((socket) => pattern.test(new URL(socket.url).pathname)).length
    );
  };
  const cancels = (kind: 'creation' | 'restoration') =>
    http.requests.filter((request) => request.url.endsWith(`/${kind}/cancel`)).length;
  return { client, http, sockets, starts, cancels };
}

/** Every state value an actor goes through, from now on. */
export function recordStates(actor: AnyActor): StateValue[] {
  const states: StateValue[] = [actor.getSnapshot().value as StateValue];
  actor.subscribe((snapshot: { value: StateValue }) => {
    if (states.at(-1) !== snapshot.value) states.push(snapshot.value);
  });
  return states;
}

export async function settle<T extends BackupActor | RestoreActor>(actor: T, timeout = 25_000) {
  return waitForActor(actor as BackupActor, (snapshot) => FINAL_STATES.includes(String(snapshot.value)), { timeout });
}

export async function reach<T extends BackupActor | RestoreActor>(actor: T, value: string, timeout = 25_000) {
  return waitForActor(actor as BackupActor, (snapshot) => snapshot.value === value, { timeout });
}

/** Waits until the emulator runs no operation (streams never cancel: a stopped actor's op runs on). */
export async function idleEmulator(emulator: Emulator, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { creations, restorations } = emulator.admin.operations();
    if (creations.length === 0 && restorations.length === 0) return;
    if (Date.now() > deadline) throw new Error('emulator still busy');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
