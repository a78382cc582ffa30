import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBackupClient } from 'pieces-backup';
import { BackupProvider } from 'pieces-backup/react';
import { pageDaemon } from '../shared/daemon.js';
import { App } from './app.js';
import '../shared/styles.css';
import '../shared/dashboard.css';

const { daemonUrl, transport } = pageDaemon();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BackupProvider client={createBackupClient({ baseUrl: daemonUrl })} options={{ transport }}>
      <App daemonUrl={daemonUrl} />
    </BackupProvider>
  </StrictMode>,
);
