import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { createBackupClient, type ProgressTransport } from 'pieces-backup';
import { provideBackupCore } from 'pieces-backup/angular';
import { AppComponent } from './app.component';
import { DAEMON_URL } from './daemon-url';
import './styles.css';

const params = new URLSearchParams(location.search);
// `?daemon=http://127.0.0.1:39300` wins; `npm start` injects the emulator's URL as PIECES_DAEMON_URL.
const daemonUrl =
  params.get('daemon') ??
  (globalThis as { PIECES_DAEMON_URL?: string }).PIECES_DAEMON_URL ??
  'http://127.0.0.1:39300';

// `?transport=polling` (or `ndjson`): how progress is followed; WebSocket by default
const transport = (params.get('transport') ?? 'websocket') as ProgressTransport;

// zoneless: the adapter's signals are what tells Angular to render
bootstrapApplication(AppComponent, {
  providers: [
    provideZonelessChangeDetection(),
    { provide: DAEMON_URL, useValue: daemonUrl },
    provideBackupCore(createBackupClient({ baseUrl: daemonUrl }), { transport }),
  ],
}).catch((error: unknown) => console.error(error));
