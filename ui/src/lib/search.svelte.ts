// Search-as-you-type state. Every keystroke sends a request with a sequence number; a reply is
// applied only if no newer request's reply has been applied already, so an older answer never
// replaces a newer one, whatever order the replies arrive in.
import * as api from '../api';
import type { FacetCounts, QueryReading, RelatedBy, SearchHit, SearchRequest } from '../api';
import { errors } from './errors.svelte';
import { i18n } from './i18n.svelte';
import { insights } from './insights.svelte';

export const PAGE_SIZE = 48;
/** How long a search may take before the results show a spinner. */
const SLOW_MS = 300;

/** Why a search ran: the view scrolls back to the top only for a new query or filter. */
export type SearchReason = 'query' | 'filter' | 'lang' | 'retry' | 'start';

class Search {
  query = $state('');
  country: string | null = $state(null);
  category: string | null = $state(null);

  hits: SearchHit[] = $state.raw([]);
  total = $state(0);
  /** Shown apart as related goods: with no results, goods that share some of the words;
   *  after a few results, the closest other goods (the reply's hits marked `related`). */
  related: SearchHit[] = $state.raw([]);
  /** Why the related goods of a search that found nothing are near it. */
  relatedBy: RelatedBy | null = $state(null);
  /** The text searched instead of the query's (typed in the other keyboard layout). */
  corrected: string | null = $state(null);
  /** How the query on screen was read (`sound`: `corrected` holds the words read by sound). */
  reading: QueryReading = $state('as_typed');
  facets: FacetCounts = $state.raw({ country: {}, category: {}, city: {}, certification: {}, storage: {}, city_names: {} });
  /** The request whose reply is on screen (for "load more" and the empty message). */
  shown: SearchRequest | null = $state.raw(null);
  /** A request is in flight. */
  pending = $state(false);
  /** The newest request has been in flight for longer than SLOW_MS: worth a spinner. A quick
   *  search shows none, so typing does not make it flicker (or cost a repaint per keystroke). */
  slow = $state(false);
  loadingMore = $state(false);

  /** Called after a reply is applied, with the reason of its request. */
  onApplied: ((reason: SearchReason) => void) | null = null;

  #issued = 0;
  #applied = 0;
  /** Aborts the request a newer one superseded (HTTP; the app's IPC runs it to the end). */
  #inFlight: AbortController | null = null;
  #slowTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    insights.current = () => this.query;
  }

  get hasFilters(): boolean {
    return this.country !== null || this.category !== null;
  }

  setQuery(query: string): void {
    this.query = query;
    insights.typing();
    void this.run('query');
  }

  setCountry(country: string | null): void {
    this.country = country;
    void this.run('filter');
  }

  setCategory(category: string | null): void {
    this.category = category;
    void this.run('filter');
  }

  /** Back to the whole catalog with no query and no filter (a kiosk reset). */
  reset(): void {
    this.query = '';
    this.country = null;
    this.category = null;
    void this.run('query');
  }

  clearFilters(): void {
    this.country = null;
    this.category = null;
    void this.run('filter');
  }

  async run(reason: SearchReason): Promise<void> {
    const seq = ++this.#issued;
    const request: SearchRequest = {
      query: this.query,
      lang: i18n.lang,
      limit: PAGE_SIZE,
      offset: 0,
      country: this.country,
      category: this.category,
    };
    this.#inFlight?.abort();
    const controller = new AbortController();
    this.#inFlight = controller;
    this.pending = true;
    clearTimeout(this.#slowTimer);
    this.#slowTimer = setTimeout(() => (this.slow = seq === this.#issued && this.pending), SLOW_MS);
    try {
      const response = await api.search(request, controller.signal);
      if (seq <= this.#applied) return;
      this.#applied = seq;
      this.hits = dedupe([], response.hits.filter((h) => !h.related));
      this.total = response.total;
      this.related = response.related.length > 0 ? response.related : response.hits.filter((h) => h.related);
      this.relatedBy = response.related_by;
      this.corrected = response.corrected;
      this.reading = response.reading;
      this.facets = response.facets;
      this.shown = request;
      errors.clear('search');
      // Demand counts the catalog's answer to the words, not a filter's.
      if (request.country === null && request.category === null) insights.searched(request.query, response.total);
      this.onApplied?.(reason);
    } catch (e) {
      if (seq <= this.#applied || controller.signal.aborted) return;
      this.#applied = seq;
      errors.report('search', api.toApiError(e), () => void this.run('retry'));
    } finally {
      if (seq === this.#issued) {
        this.pending = false;
        this.slow = false;
        this.#inFlight = null;
        clearTimeout(this.#slowTimer);
      }
    }
  }

  /** Appends the next page of the results on screen; dropped if a newer search started. */
  async loadMore(): Promise<void> {
    const shown = this.shown;
    if (!shown || this.loadingMore || this.hits.length >= this.total) return;
    const generation = this.#issued;
    this.loadingMore = true;
    try {
      const response = await api.search({ ...shown, offset: this.hits.length });
      if (generation !== this.#issued) return;
      this.hits = dedupe(this.hits, response.hits.filter((h) => !h.related));
      this.total = response.total;
    } catch (e) {
      if (generation === this.#issued) {
        errors.report('search', api.toApiError(e), () => void this.loadMore());
      }
    } finally {
      this.loadingMore = false;
    }
  }
}

/** Keyed lists need unique ids; a catalog update between pages could repeat one. */
function dedupe(existing: SearchHit[], more: SearchHit[]): SearchHit[] {
  const seen = new Set(existing.map((h) => h.id));
  const out = existing.slice();
  for (const hit of more) {
    if (!seen.has(hit.id)) {
      seen.add(hit.id);
      out.push(hit);
    }
  }
  return out;
}

export const search = new Search();
