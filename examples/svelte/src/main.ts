import { mount } from 'svelte';
import { pageDaemon } from '../../shared/daemon.js';
import { pagePolicy } from '../../shared/policy.js';
import App from './App.svelte';
import '../../shared/styles.css';
import '../../shared/a11y.css';
import '../../shared/schedule.css';

const { daemonUrl, transport } = pageDaemon();

mount(App, { target: document.getElementById('root')!, props: { daemonUrl, transport, policy: pagePolicy() } });
