import { createApp } from 'vue';
import { pageDaemon } from '../../shared/daemon.js';
import { pagePolicy } from '../../shared/policy.js';
import App from './App.vue';
import '../../shared/styles.css';
import '../../shared/a11y.css';
import '../../shared/schedule.css';

const { daemonUrl, transport } = pageDaemon();

createApp(App, { daemonUrl, transport, policy: pagePolicy() }).mount('#root');
