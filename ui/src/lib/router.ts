// The online show's public address of a page, for the share button and the QR codes: the
// configured `online_show_url` (showroom.toml, or `showroom serve`'s public URL), else, in a
// browser, this page's origin. The app window without a configured address has none.
import { inTauri, type Lang } from '../api';
import { i18n } from './i18n.svelte';
import { kiosk } from './kiosk.svelte';
import { pagePath, type PageKind } from './route.svelte';

/** The show's public base address (no trailing slash), or null when there is none. */
export function showBase(): string | null {
  const configured = kiosk.settings?.online_show_url;
  if (configured) return configured.replace(/\/+$/, '');
  return inTauri ? null : window.location.origin;
}

/** The public address of a page in a language, e.g. `https://show.example.cn/ru/products/ru-altai-honey`;
 *  null when the show has no public address. Reactive (settings, language) when read in a template. */
export function pageUrl(kind: PageKind, id: string | null = null, lang: Lang = i18n.lang): string | null {
  const base = showBase();
  return base === null ? null : base + pagePath(kind, id, lang);
}
