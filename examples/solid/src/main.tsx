import { render } from 'solid-js/web';
import { createBackupClient } from 'pieces-backup';
import { BackupProvider } from 'pieces-backup/solid';
import { pageDaemon } from '../../shared/daemon.js';
import { App } from './app.jsx';
import '../../shared/styles.css';
import '../../shared/a11y.css';

const { daemonUrl, transport } = pageDaemon();

render(
  () => (
    <BackupProvider client={createBackupClient({ baseUrl: daemonUrl })} options={{ transport }}>
      <App daemonUrl={daemonUrl} />
    </BackupProvider>
  ),
  document.getElementById('root')!,
);
