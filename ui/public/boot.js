// @ts-check
// The online show's first seconds on a slow link. Every page `showroom serve` sends starts
// with a search box (#prerender-q, a plain form) and asks for this file before the app's
// script: so what a visitor types there is searched at once, while the app is still on its
// way. The request is the one the app's first search makes (api/http.ts `searchUrl`, with
// search.svelte.ts `PAGE_SIZE`); the app takes its reply instead of asking again, and takes
// the text and the focus over from the box (main.ts). Not used in the app window.
(() => {
  const LANGS = ['zh', 'ru', 'en'];
  const PAGE_SIZE = 48;
  /** @type {AbortController | null} */
  let inFlight = null;

  /** The filters the app starts with on this address (route.svelte.ts `parsePath`). */
  function filters() {
    const parts = window.location.pathname.split('/').filter((p) => p !== '');
    if (parts[1] === 'categories' && parts.length > 2) {
      try {
        return { country: null, category: parts.slice(2).map(decodeURIComponent).join('/') };
      } catch {
        return null;
      }
    }
    if (parts[1] === 'search') {
      const params = new URLSearchParams(window.location.search);
      return { country: params.get('country') || null, category: params.get('category') || null };
    }
    return { country: null, category: null };
  }

  function send() {
    const box = document.getElementById('prerender-q');
    if (!(box instanceof HTMLInputElement) || box.value === '') return;
    const lang = window.location.pathname.split('/')[1] ?? '';
    const kept = filters();
    if (!LANGS.includes(lang) || kept === null) return;
    const params = new URLSearchParams({ query: box.value, lang });
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', '0');
    if (kept.country !== null) params.set('country', kept.country);
    if (kept.category !== null) params.set('category', kept.category);
    const url = `/api/search?${params}`;
    if (window.showroomEarlySearch?.url === url) return;
    inFlight?.abort();
    inFlight = new AbortController();
    const reply = fetch(url, { headers: { Accept: 'application/json' }, signal: inFlight.signal });
    // A superseded one fails with AbortError; nobody waits for it.
    reply.catch(() => undefined);
    window.showroomEarlySearch = { url, reply };
  }

  document.addEventListener('input', (event) => {
    if (event.target instanceof HTMLElement && event.target.id === 'prerender-q') send();
  });
  // Typed before this file arrived.
  send();
})();
