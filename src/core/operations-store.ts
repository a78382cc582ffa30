import type { Subscription } from 'rxjs';
import { toBackupError, type BackupClient, type PiecesBackupError } from '../api/index.js';
import { isTerminalStatus } from '../models/index.js';
import { discoverOperations, type DiscoveredOperations, type DiscoverOptions, type OperationProgress } from '../streams/index.js';
import { createStore, type Store } from './store.js';

export interface OperationsState {
  /** Creations running on the daemon now, whoever started them. */
  creations: readonly OperationProgress[];
  /** Restorations running on the daemon now. */
  restorations: readonly OperationProgress[];
  /** Discovery gave up (the retry policy ran out); null while it works. */
  error: PiecesBackupError | null;
}

const EMPTY: OperationsState = { creations: [], restorations: [], error: null };

const running = (list: readonly OperationProgress[]) => list.filter((operation) => !isTerminalStatus(operation.status));

/**
 * Operations running anywhere (`discoverOperations`), followed while observed. `onFrame` sees
 * every discovery, ended operations included (they are listed once with their terminal status).
 */
export function createOperationsStore(
  client: BackupClient,
  options: DiscoverOptions = {},
  onFrame: (discovered: DiscoveredOperations) => void = () => {},
): Store<OperationsState> & { dispose(): void } {
  let subscription: Subscription | undefined;
  let disposed = false;
  const store = createStore(EMPTY, {
    onStart() {
      if (disposed) return;
      subscription = discoverOperations(client, options).subscribe({
        next(discovered) {
          store.set({ creations: running(discovered.creations), restorations: running(discovered.restorations), error: null });
          onFrame(discovered);
        },
        error: (error: unknown) => store.set((state) => ({ ...state, error: toBackupError(error) })),
      });
    },
    onStop() {
      subscription?.unsubscribe();
      // unobserved, the list would go stale: the next subscriber starts from a fresh frame
      store.set(EMPTY);
    },
  });
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    // the core's: discovery stops for good, even with subscribers left
    dispose() {
      disposed = true;
      subscription?.unsubscribe();
    },
  };
}
