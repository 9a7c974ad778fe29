// Where the visitor is, and the address that says so. Two forms of address:
//
// The app window (Tauri) keeps the hash: #/ (home), #/attract, #/search, #/hall[/<booth>],
// #/exhibitor/<id>, #/shortlist, #/inquiry, #/inquiries[/<reference>], and #/product/<id>.
//
// A browser (the online show) has a path per page and language, to share, bookmark and crawl:
//   /{lang}/                      home            /{lang}/exhibitors/<id>   an exhibitor
//   /{lang}/search?q=&country=&category=          /{lang}/hall[/<booth>]    the hall map
//   /{lang}/categories/<id>       the search, filtered by that category (ids keep their "/")
//   /{lang}/products/<id>         a product       /{lang}/shortlist, /{lang}/inquiry,
//   /{lang}/attract                               /{lang}/inquiries[/<reference>]
// An old #/... link is rewritten to its path on arrival; other query parameters (?kiosk=1,
// idle=, warn=) stay on every address. The language follows the path when a page loads; a
// language switch rewrites the current address (no history step), and a step back keeps the
// language the visitor chose.
//
// In both forms a product opens over the screen it was reached from, which stays as it was, so
// Back (a history step) returns to it; a product reached directly opens over the home screen.
import { inTauri, type Lang } from '../api';
import { i18n, isLang } from './i18n.svelte';
import { search } from './search.svelte';

export type ScreenName = 'home' | 'attract' | 'search' | 'hall' | 'exhibitor' | 'shortlist' | 'inquiry' | 'inquiries' | 'insights';
export interface Screen {
  name: ScreenName;
  arg: string | null;
}
/** A page that has an address of its own: a screen, a product, or a category (the search, filtered). */
export type PageKind = ScreenName | 'product' | 'category';
/** The search screen's query and filters, as its address carries them. */
export interface SearchParams {
  q: string;
  country: string | null;
  category: string | null;
}
/** Where an address leads. */
interface Place {
  lang: Lang | null;
  screen: Screen;
  product: string | null;
  search: SearchParams | null;
}

/** Paths per language in a browser; the hash in the app window. */
export const pathRoutes: boolean = !inTauri;

const NAMES: readonly ScreenName[] = ['home', 'attract', 'search', 'hall', 'exhibitor', 'shortlist', 'inquiry', 'inquiries', 'insights'];
const SEGMENT: Readonly<Record<PageKind, string>> = {
  home: '',
  attract: 'attract',
  search: 'search',
  hall: 'hall',
  exhibitor: 'exhibitors',
  shortlist: 'shortlist',
  inquiry: 'inquiry',
  inquiries: 'inquiries',
  insights: 'insights',
  product: 'products',
  category: 'categories',
};
const KIND_OF: Readonly<Record<string, PageKind>> = Object.fromEntries(
  Object.entries(SEGMENT)
    .filter(([, segment]) => segment !== '')
    .map(([kind, segment]) => [segment, kind as PageKind]),
);
/** The query parameters this module writes; every other one is kept as it is. */
const OWN_PARAMS = ['q', 'country', 'category', 'lang'];
/** How long the address waits for typing to pause before it follows the search. */
const REPLACE_MS = 300;

const HOME: Screen = { name: 'home', arg: null };

// ---------------------------------------------------------------------------------------------
// Addresses.

/** The path of a page in a language: `/ru/products/ru-altai-honey`. The one place paths are built
 *  (links, the address bar, the share button and QR codes through `pageUrl`). */
export function pagePath(kind: PageKind, id: string | null = null, lang: Lang = i18n.lang): string {
  const segment = SEGMENT[kind];
  if (segment === '') return `/${lang}/`;
  if (id === null || id === '') return `/${lang}/${segment}`;
  const encoded = kind === 'category' ? id.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(id);
  return `/${lang}/${segment}/${encoded}`;
}

/** The search's path: a category alone is `/{lang}/categories/<id>`, anything else `/{lang}/search?...`. */
export function searchPath(params: SearchParams, lang: Lang = i18n.lang): string {
  if (params.q === '' && params.country === null && params.category !== null) return pagePath('category', params.category, lang);
  const query = new URLSearchParams();
  if (params.q !== '') query.set('q', params.q);
  if (params.country !== null) query.set('country', params.country);
  if (params.category !== null) query.set('category', params.category);
  const text = query.toString();
  return text ? `${pagePath('search', null, lang)}?${text}` : pagePath('search', null, lang);
}

function hashOf(name: ScreenName, arg: string | null): string {
  return arg === null ? `#/${name}` : `#/${name}/${encodeURIComponent(arg)}`;
}

/** A link to a screen: its path in a browser, its hash in the app window. */
export function screenHref(name: ScreenName, arg: string | null = null): string {
  return pathRoutes ? pagePath(name, arg) : hashOf(name, arg);
}

/** A link to a product (it opens over the screen the link is on). */
export function productHref(id: string): string {
  return pathRoutes ? pagePath('product', id) : `#/product/${encodeURIComponent(id)}`;
}

/** A link to the search with a query and filters (the app window's #/search carries none). */
export function searchHref(params: Partial<SearchParams> = {}): string {
  return pathRoutes ? searchPath({ q: params.q ?? '', country: params.country ?? null, category: params.category ?? null }) : '#/search';
}

/** A link to a category: the search, filtered by it. */
export function categoryHref(id: string): string {
  return searchHref({ category: id });
}

/** A plain click (no modifier, main button): the kind an in-app link handles itself; any other
 *  one (a new tab, a new window) is left to the browser. */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Where a path leads; null when it is none of the show's pages (/api/..., /media/...). */
function parsePath(pathname: string, query: string): Place | null {
  const parts = pathname.split('/').filter((p) => p !== '');
  const place: Place = { lang: null, screen: HOME, product: null, search: null };
  if (parts.length === 0) return place;
  const [first, segment, ...rest] = parts;
  if (!isLang(first!)) return null;
  place.lang = first;
  const args = rest.map(decode);
  if (args.some((a) => a === null)) return place;
  const arg = (args[0] as string | undefined) ?? null;
  const kind = segment === undefined ? 'home' : KIND_OF[segment];
  switch (kind) {
    case undefined:
    case 'home':
      return place;
    case 'product':
      if (arg !== null) place.product = arg;
      return place;
    case 'category':
      if (arg === null) return place;
      place.screen = { name: 'search', arg: null };
      place.search = { q: '', country: null, category: args.join('/') };
      return place;
    case 'search': {
      const params = new URLSearchParams(query);
      place.screen = { name: 'search', arg: null };
      place.search = { q: params.get('q') ?? '', country: params.get('country') || null, category: params.get('category') || null };
      return place;
    }
    case 'exhibitor':
      if (arg !== null) place.screen = { name: 'exhibitor', arg };
      return place;
    case 'hall':
    case 'inquiries':
      place.screen = { name: kind, arg };
      return place;
    default:
      place.screen = { name: kind, arg: null };
      return place;
  }
}

/** Where a hash leads: #/product/<id>, or a screen (#/ and anything unknown: home). */
function parseHash(hash: string): Place {
  const place: Place = { lang: null, screen: HOME, product: null, search: null };
  const product = /^#\/product\/([^/?#]+)$/.exec(hash);
  if (product) {
    place.product = decode(product[1]!);
    return place;
  }
  const match = /^#\/([a-z]+)(?:\/([^/?#]+))?$/.exec(hash);
  if (!match || !NAMES.includes(match[1] as ScreenName)) return place;
  const name = match[1] as ScreenName;
  const arg = match[2] ? decode(match[2]) : null;
  if (name === 'exhibitor' && arg === null) return place;
  place.screen = { name, arg };
  return place;
}

/** `path` with the current address's other query parameters (?kiosk=1&idle=&warn=) after its own. */
function withKeptParams(path: string): string {
  const [base, own = ''] = path.split('?') as [string, string?];
  const params = new URLSearchParams(own);
  for (const [key, value] of new URLSearchParams(window.location.search)) {
    if (!OWN_PARAMS.includes(key)) params.append(key, value);
  }
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

function here(): string {
  return window.location.pathname + window.location.search + window.location.hash;
}

function sameSearch(a: SearchParams): boolean {
  return search.query === a.q && search.country === a.country && search.category === a.category;
}

// ---------------------------------------------------------------------------------------------
// The route.

class Route {
  /** The screen on show (under the product, when one is open). */
  screen: Screen = $state(HOME);
  /** The product open over the screen. */
  product: string | null = $state(null);
  /** The open product was reached by a step inside the show (so Back is a history step that
   *  returns to the screen below it), not by a link from elsewhere. */
  productStepped = false;
  #replaceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    if (!pathRoutes) {
      const place = parseHash(window.location.hash);
      this.screen = place.screen;
      this.product = place.product;
      return;
    }
    // An old #/... link becomes its path; `/` and `?lang=` become the language's path.
    const old = window.location.hash.startsWith('#/');
    const place = old ? parseHash(window.location.hash) : (parsePath(window.location.pathname, window.location.search) ?? parsePath('/', '')!);
    this.screen = place.screen;
    this.product = place.product;
    if (place.search) {
      search.query = place.search.q;
      search.country = place.search.country;
      search.category = place.search.category;
    }
    this.#write('replace');
  }

  /** The address of what is on show, in `lang`, with the kept query parameters. */
  url(lang: Lang = i18n.lang): string {
    let path: string;
    if (this.product !== null) path = pagePath('product', this.product, lang);
    else if (this.screen.name === 'search') path = searchPath({ q: search.query, country: search.country, category: search.category }, lang);
    else path = pagePath(this.screen.name, this.screen.arg, lang);
    return withKeptParams(path);
  }

  #write(how: 'push' | 'replace'): void {
    clearTimeout(this.#replaceTimer);
    this.#replaceTimer = undefined;
    const url = this.url();
    if (how === 'push' && url !== here()) history.pushState(null, '', url);
    else if (url !== here()) history.replaceState(history.state, '', url);
  }

  /** Writes a change the address is waiting to show, before a step makes a new entry. */
  #flush(): void {
    if (this.#replaceTimer !== undefined) this.#write('replace');
  }

  /** The address follows what is on show without a history step, once typing pauses: the
   *  search's query and filters, a language switch. A no-op in the app window. */
  replaceSoon(): void {
    if (!pathRoutes) return;
    clearTimeout(this.#replaceTimer);
    this.#replaceTimer = setTimeout(() => this.#write('replace'), REPLACE_MS);
  }

  /** A new screen, as a history step (the product, if one is open, closes). */
  go(name: ScreenName, arg: string | null = null): void {
    if (!pathRoutes) {
      const href = hashOf(name, arg);
      if (window.location.hash !== href) window.location.hash = href;
      else this.screen = { name, arg };
      return;
    }
    this.#flush();
    this.product = null;
    this.productStepped = false;
    this.screen = { name, arg };
    this.#write('push');
  }

  /** A product over the screen on show, as a history step. */
  openProduct(id: string): void {
    if (!pathRoutes) {
      window.location.hash = productHref(id);
      return;
    }
    this.#flush();
    if (this.product === null) this.productStepped = true;
    this.product = id;
    this.#write('push');
  }

  /** Closes the product without a history step (it was reached directly): the address becomes
   *  the screen's. */
  closeProduct(): void {
    this.product = null;
    this.productStepped = false;
    if (pathRoutes) this.#write('replace');
    else history.replaceState(history.state, '', window.location.pathname + window.location.search);
  }

  /** Text typed into the search box of the server's page before the app started (a browser on a
   *  slow link): the app starts on the search with it, as if it had been typed into its own box. */
  startWith(query: string): void {
    search.query = query;
    if (!pathRoutes || (this.product === null && this.screen.name === 'search')) return;
    if (this.product !== null) this.closeProduct();
    this.go('search');
  }

  /** A kiosk's reset: `name` in the current language, replacing the address (no history step). */
  reset(name: ScreenName): void {
    this.product = null;
    this.productStepped = false;
    this.screen = { name, arg: null };
    if (pathRoutes) this.#write('replace');
    else if (window.location.hash !== hashOf(name, null)) history.replaceState(null, '', hashOf(name, null));
  }

  /** Follows the address after a history step (Back, Forward, a hash set by hand). */
  sync(): void {
    const hashOnly = !pathRoutes || window.location.hash.startsWith('#/');
    const place = hashOnly ? parseHash(window.location.hash) : parsePath(window.location.pathname, window.location.search);
    if (!place) return;
    if (place.product !== null) {
      if (this.product === null) this.productStepped = true;
      this.product = place.product;
    } else {
      this.product = null;
      this.productStepped = false;
      this.screen = place.screen;
      if (place.search && !sameSearch(place.search)) this.#applySearch(place.search);
    }
    // In a browser, the address is rewritten to the path (an old hash) in the visitor's language.
    if (pathRoutes) this.#write('replace');
  }

  #applySearch(params: SearchParams): void {
    search.query = params.q;
    search.country = params.country;
    search.category = params.category;
    void search.run('filter');
  }

  /** A click on an in-app link (`<a href="/ru/...">`) is a step inside the show, not a page load. */
  #onclick = (event: MouseEvent): void => {
    if (event.defaultPrevented || !isPlainClick(event)) return;
    const link = (event.target as Element | null)?.closest?.('a[href]');
    if (!link) return;
    const target = link.getAttribute('target');
    if ((target && target !== '_self') || link.hasAttribute('download')) return;
    const url = new URL(link.getAttribute('href')!, window.location.href);
    if (url.origin !== window.location.origin) return;
    // A link within the page (#main) is the browser's to follow.
    const samePage = url.pathname === window.location.pathname && url.search === window.location.search;
    if (samePage && url.hash !== '' && !url.hash.startsWith('#/')) return;
    const place = url.hash.startsWith('#/') ? parseHash(url.hash) : parsePath(url.pathname, url.search);
    if (!place) return;
    event.preventDefault();
    if (place.product !== null) {
      this.openProduct(place.product);
      return;
    }
    if (place.search && !sameSearch(place.search)) this.#applySearch(place.search);
    this.go(place.screen.name, place.screen.arg);
  };

  /** Listens for history steps (and, in a browser, in-app link clicks); returns the way to stop. */
  listen(): () => void {
    const sync = (): void => this.sync();
    window.addEventListener('hashchange', sync);
    if (pathRoutes) {
      window.addEventListener('popstate', sync);
      document.addEventListener('click', this.#onclick);
    }
    return () => {
      window.removeEventListener('hashchange', sync);
      window.removeEventListener('popstate', sync);
      document.removeEventListener('click', this.#onclick);
    };
  }
}

export const route = new Route();
