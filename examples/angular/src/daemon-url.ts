import { InjectionToken } from '@angular/core';

/** The Pieces OS (or emulator) this page talks to, shown in the header and polled for the asset count. */
export const DAEMON_URL = new InjectionToken<string>('the Pieces OS URL');
