import { render } from 'solid-js/web';
import { createBackupClient } from 'pieces-backup';
import { BackupProvider } from 'pieces-backup/solid';
import { pageDaemon } from '../../shared/daemon.js';
import { pagePolicy } from '../../shared/policy.js';
import { App } from './app.jsx';
import '../../shared/styles.css';
import '../../shared/a11y.css';
import '../../shared/schedule.css';

const { daemonUrl, transport } = pageDaemon();
const policy = pagePolicy();

render(
  () => (
    <BackupProvider client={createBackupClient({ baseUrl: daemonUrl })} options={{ transport, schedule: policy.schedule, retention: policy.retention }}>
      <App daemonUrl={daemonUrl} policyError={policy.error} />
    </BackupProvider>
  ),
  document.getElementById('root')!,
);
