import { mount } from 'svelte';
import type { ProgressTransport } from 'pieces-backup';
import App from './App.svelte';
import './styles.css';

const params = new URLSearchParams(location.search);
// `?daemon=http://127.0.0.1:39300` wins; `npm start` injects the emulator's URL as PIECES_DAEMON_URL.
const daemonUrl =
  params.get('daemon') ??
  (globalThis as { PIECES_DAEMON_URL?: string }).PIECES_DAEMON_URL ??
  'http://127.0.0.1:39300';

// `?transport=polling` (or `ndjson`): how progress is followed; WebSocket by default
const transport = (params.get('transport') ?? 'websocket') as ProgressTransport;

mount(App, { target: document.getElementById('root')!, props: { daemonUrl, transport } });
