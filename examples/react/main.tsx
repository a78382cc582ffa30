import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBackupClient, createBackupCore, isPiecesBackupError, type BackupCore } from 'pieces-backup';
import { BackupProvider } from 'pieces-backup/react';
import { pageDaemon } from '../shared/daemon.js';
import { pagePolicy } from '../shared/policy-query.js';
import { App } from './app.js';
import '../shared/styles.css';
import '../shared/dashboard.css';

const { daemonUrl, transport } = pageDaemon();
const policy = pagePolicy();
const client = createBackupClient({ baseUrl: daemonUrl });

// one core for the page's lifetime; a policy in the address that does not parse is shown, and
// the page runs without it
let core: BackupCore;
let policyError: string | null = null;
try {
  core = createBackupCore(client, { transport, ...(policy.schedule && { schedule: policy.schedule }), retention: policy.retention });
} catch (error) {
  // by name, as the library's guards do (it works across copies of the package)
  if (!isPiecesBackupError(error, 'PolicyInputError')) throw error;
  policyError = error.message;
  core = createBackupCore(client, { transport });
}

// the page's core, for the console (and the browser tests' failure reports)
(globalThis as { piecesBackupCore?: BackupCore }).piecesBackupCore = core;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BackupProvider core={core}>
      <App daemonUrl={daemonUrl} policy={policy} policyError={policyError} />
    </BackupProvider>
  </StrictMode>,
);
