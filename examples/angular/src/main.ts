import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { createBackupClient } from 'pieces-backup';
import { provideBackupCore } from 'pieces-backup/angular';
import { pageDaemon } from '../../shared/daemon';
import { pagePolicy } from '../../shared/policy';
import { AppComponent } from './app.component';
import { DAEMON_URL } from './daemon-url';
import { PAGE_POLICY } from './page-policy';
import '../../shared/styles.css';
import '../../shared/a11y.css';
import '../../shared/schedule.css';

const { daemonUrl, transport } = pageDaemon();
const policy = pagePolicy();

// zoneless: the adapter's signals are what tells Angular to render
bootstrapApplication(AppComponent, {
  providers: [
    provideZonelessChangeDetection(),
    { provide: DAEMON_URL, useValue: daemonUrl },
    { provide: PAGE_POLICY, useValue: policy },
    provideBackupCore(createBackupClient({ baseUrl: daemonUrl }), { transport, schedule: policy.schedule, retention: policy.retention }),
  ],
}).catch((error: unknown) => console.error(error));
