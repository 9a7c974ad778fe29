// The UI's heartbeat to the app's supervisor (src-tauri/src/supervision.rs): every two
// seconds it asks for an animation frame, and only when that frame comes does it report
// it, with the time of the last touch or key. A page that stops drawing or a script that
// hangs therefore stops the heartbeat, and the app reloads the page (a kiosk) and stops
// feeding systemd's watchdog. In a browser (`showroom serve`) nothing is sent.
import * as api from '../api';

const EVERY_MS = 2000;

let lastInput: number | null = null;
let started = false;

function beat(): void {
  requestAnimationFrame(() => {
    // The next beat does not wait for this answer: the shell measures the answers itself.
    setTimeout(beat, EVERY_MS);
    api.uiHeartbeat(Date.now(), lastInput).catch(() => undefined);
  });
}

/** Starts the heartbeat once (inside the app window only). */
export function startHeartbeat(): void {
  if (started || !api.inTauri) return;
  started = true;
  const input = (): void => {
    lastInput = Date.now();
  };
  for (const type of ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const) {
    window.addEventListener(type, input, { capture: true, passive: true });
  }
  beat();
}
