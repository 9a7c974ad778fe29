// What a visitor does, counted by the core for the demand reports (never who they are). A
// visit has a random id: made afresh at each kiosk reset (the app window also loads a new
// page then), kept for a browser tab's life in its sessionStorage. Nothing is sent before the
// visit's first touch, key or wheel (kept until then, a few at most), so an attract screen
// nobody touches, or a page a crawler loads, counts nothing. A search is counted once the
// visitor settles on it (its reply on screen for SETTLE_MS with no newer keystroke, a product
// opened from it, or the page left), not at every keystroke of search-as-you-type; only
// searches over the whole catalog count (a filter's empty page is no missing goods).
import * as api from '../api';
import type { InsightEvent } from '../api';
import { i18n } from './i18n.svelte';

/** How long a query must stay unchanged to count as the one the visitor settled on. */
export const SETTLE_MS = 1500;
const STORAGE_KEY = 'showroom.visit';

function randomId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

class Insights {
  #session = '';
  #started = false;
  #pending: { query: string; results: number } | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The last query counted in this visit: the same one again (a filter, a language switch,
   *  coming back to the results) is not a new search. */
  #lastQuery: string | null = null;
  /** The search's text now (set by the search): a reply for an older text is not what the
   *  visitor settled on. */
  current: () => string = () => '';
  /** Events of a visit nobody has touched yet: sent at the first touch, else never. */
  #held: InsightEvent[] = [];

  constructor() {
    if (api.inTauri) {
      this.#session = randomId();
      return;
    }
    try {
      this.#session = sessionStorage.getItem(STORAGE_KEY) ?? '';
      if (!this.#session) {
        this.#session = randomId();
        sessionStorage.setItem(STORAGE_KEY, this.#session);
      }
    } catch {
      this.#session = randomId();
    }
  }

  /** The visitor touched, typed or scrolled: the visit counts from now on. */
  touched(): void {
    if (this.#started) return;
    this.#started = true;
    this.#post({ kind: 'session' });
    for (const event of this.#held.splice(0)) this.#post(event);
  }

  /** A kiosk's reset: the next touch is another visitor. */
  newVisit(): void {
    this.#flushSearch();
    this.#session = randomId();
    this.#started = false;
    this.#lastQuery = null;
    this.#held = [];
  }

  /** A keystroke in the search box: what waited to be counted was not the last word. */
  typing(): void {
    clearTimeout(this.#timer);
    this.#pending = null;
  }

  /** A search reply is on screen for `query`; counted if the visitor stays with it. */
  searched(query: string, results: number): void {
    clearTimeout(this.#timer);
    const trimmed = query.trim();
    if (!trimmed) {
      this.#pending = null;
      return;
    }
    this.#pending = { query: trimmed, results };
    this.#timer = setTimeout(() => this.#flushSearch(), SETTLE_MS);
  }

  /** Counts the search on screen now (the page is being left). */
  flush(): void {
    this.#flushSearch();
  }

  #flushSearch(): void {
    clearTimeout(this.#timer);
    const pending = this.#pending;
    this.#pending = null;
    if (!pending || pending.query === this.#lastQuery || pending.query !== this.current().trim()) return;
    this.#lastQuery = pending.query;
    this.#send({ kind: 'search', query: pending.query, results: pending.results });
  }

  productViewed(productId: string): void {
    this.#flushSearch();
    this.#send({ kind: 'product_view', product_id: productId });
  }

  exhibitorViewed(exhibitorId: string): void {
    this.#flushSearch();
    this.#send({ kind: 'exhibitor_view', exhibitor_id: exhibitorId });
  }

  shortlisted(productId: string): void {
    this.#send({ kind: 'shortlisted', product_id: productId });
  }

  inquiryStarted(productIds: string[]): void {
    for (const id of productIds) this.#send({ kind: 'inquiry_started', product_id: id });
  }

  inquirySent(): void {
    this.#send({ kind: 'inquiry_sent' });
  }

  #send(event: InsightEvent): void {
    if (this.#started) this.#post(event);
    else if (this.#held.length < 20) this.#held.push(event);
  }

  #post(event: InsightEvent): void {
    void api.recordInsight({ session: this.#session, lang: i18n.lang, event });
  }
}

export const insights = new Insights();
