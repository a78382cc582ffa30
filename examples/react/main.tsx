import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBackupClient, type ProgressTransport } from 'pieces-backup';
import { BackupProvider } from 'pieces-backup/react';
import { App } from './app.js';
import './styles.css';

const params = new URLSearchParams(location.search);
// `?daemon=http://127.0.0.1:39300` wins; `npm start` injects the emulator's URL as PIECES_DAEMON_URL.
const daemonUrl =
  params.get('daemon') ??
  (globalThis as { PIECES_DAEMON_URL?: string }).PIECES_DAEMON_URL ??
  'http://127.0.0.1:39300';

// `?transport=polling` (or `ndjson`): how progress is followed; WebSocket by default
const transport = (params.get('transport') ?? 'websocket') as ProgressTransport;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BackupProvider client={createBackupClient({ baseUrl: daemonUrl })} options={{ transport }}>
      <App daemonUrl={daemonUrl} />
    </BackupProvider>
  </StrictMode>,
);
