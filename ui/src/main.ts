import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import './lib/inquiry-register';
import { startHeartbeat } from './lib/heartbeat';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The server's text of the page for crawlers and no-script readers: the app replaces it (one <main>).
document.getElementById('prerender')?.remove();
const app = mount(App, { target });
startHeartbeat();

export default app;
