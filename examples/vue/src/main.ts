import { createApp } from 'vue';
import { pageDaemon } from '../../shared/daemon.js';
import App from './App.vue';
import '../../shared/styles.css';
import '../../shared/a11y.css';

const { daemonUrl, transport } = pageDaemon();

createApp(App, { daemonUrl, transport }).mount('#root');
