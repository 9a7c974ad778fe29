/// <reference types="svelte" />
/// <reference types="vite/client" />

interface Window {
  /** The search public/boot.js sent from the server page's search box before the app started:
   *  the app's first search of the same address takes this reply (api/http.ts). */
  showroomEarlySearch?: { url: string; reply: Promise<Response> };
}
