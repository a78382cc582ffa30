import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { createBackupClient } from 'pieces-backup';
import { provideBackupCore } from 'pieces-backup/angular';
import { pageDaemon } from '../../shared/daemon';
import { AppComponent } from './app.component';
import { DAEMON_URL } from './daemon-url';
import '../../shared/styles.css';
import '../../shared/a11y.css';

const { daemonUrl, transport } = pageDaemon();

// zoneless: the adapter's signals are what tells Angular to render
bootstrapApplication(AppComponent, {
  providers: [
    provideZonelessChangeDetection(),
    { provide: DAEMON_URL, useValue: daemonUrl },
    provideBackupCore(createBackupClient({ baseUrl: daemonUrl }), { transport }),
  ],
}).catch((error: unknown) => console.error(error));
