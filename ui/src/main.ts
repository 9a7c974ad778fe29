import { flushSync, mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startHeartbeat } from './lib/heartbeat';
import { insights } from './lib/insights.svelte';
import { route } from './lib/route.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The server's text of the page for crawlers and no-script readers: the app replaces it (one
// <main>). What a visitor typed into its search box meanwhile (public/boot.js searched it
// already) carries over to the app's, with the focus and the caret.
const box = document.getElementById('prerender-q');
const typed =
  box instanceof HTMLInputElement
    ? { value: box.value, focused: document.activeElement === box, start: box.selectionStart, end: box.selectionEnd }
    : null;
document.getElementById('prerender')?.remove();
if (typed?.value) route.startWith(typed.value);
const app = mount(App, { target });
if (typed?.focused) {
  flushSync();
  const input = document.querySelector<HTMLInputElement>('[data-testid="search"]');
  input?.focus();
  input?.setSelectionRange(typed.start, typed.end);
}
startHeartbeat();
// The search on screen when the page is left is the one the visitor settled on.
window.addEventListener('pagehide', () => insights.flush());
// A visit counts from its first touch or key (demand insights); an operator reading the demand
// report is not a visitor.
for (const kind of ['pointerdown', 'keydown', 'wheel'] as const) {
  window.addEventListener(kind, () => route.screen.name !== 'insights' && insights.touched(), { capture: true, passive: true });
}

export default app;
