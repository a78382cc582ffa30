import { mount } from 'svelte';
import { pageDaemon } from '../../shared/daemon.js';
import App from './App.svelte';
import '../../shared/styles.css';
import '../../shared/a11y.css';

const { daemonUrl, transport } = pageDaemon();

mount(App, { target: document.getElementById('root')!, props: { daemonUrl, transport } });
