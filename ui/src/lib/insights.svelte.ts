// What a visitor does, counted by the core for the demand reports (never who they are). A
// visit has a random id: made afresh at each kiosk reset (the app window also loads a new
// page then), kept for a browser tab's life in its sessionStorage. The visit is counted at
// its first touch or key, so an attract screen nobody touches counts nothing. A search is
// counted once the visitor settles on it (no new keystroke for SETTLE_MS, or a product
// opened from it), not at every keystroke of search-as-you-type.
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

  /** The visitor touched or typed: the visit counts from now on. */
  touched(): void {
    if (!this.#started) this.#send({ kind: 'session' });
  }

  /** A kiosk's reset: the next touch is another visitor. */
  newVisit(): void {
    this.#flushSearch();
    this.#session = randomId();
    this.#started = false;
    this.#lastQuery = null;
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

  #flushSearch(): void {
    clearTimeout(this.#timer);
    const pending = this.#pending;
    this.#pending = null;
    if (!pending || pending.query === this.#lastQuery) return;
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
    if (!this.#started && event.kind !== 'session') {
      this.#started = true;
      void api.recordInsight({ session: this.#session, lang: i18n.lang, event: { kind: 'session' } });
    }
    this.#started = true;
    void api.recordInsight({ session: this.#session, lang: i18n.lang, event });
  }
}

export const insights = new Insights();
