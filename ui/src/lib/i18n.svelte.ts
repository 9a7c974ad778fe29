// Fluent localisation of the UI: one bundle per locale, built once from locales/<locale>/ui.ftl,
// and the current language as reactive state so every string re-renders when it changes.
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { negotiateLanguages } from '@fluent/langneg';
import { inTauri, type Lang } from '../api';
import enUS from '../../../locales/en-US/ui.ftl?raw';
import ruRU from '../../../locales/ru-RU/ui.ftl?raw';
import zhCN from '../../../locales/zh-CN/ui.ftl?raw';

export type Locale = 'zh-CN' | 'ru-RU' | 'en-US';
export type Args = Record<string, FluentVariable>;

/** The UI languages, in the order of the language switch. */
export const LANGS: readonly Lang[] = ['zh', 'ru', 'en'];
export const LOCALE_OF: Readonly<Record<Lang, Locale>> = { zh: 'zh-CN', ru: 'ru-RU', en: 'en-US' };
const FALLBACK_LOCALE: Locale = 'en-US';
const SAVED_LANG = 'showroom.lang';

const SOURCES: Record<Locale, string> = { 'zh-CN': zhCN, 'ru-RU': ruRU, 'en-US': enUS };

function buildBundle(locale: Locale): FluentBundle {
  const bundle = new FluentBundle(locale);
  for (const error of bundle.addResource(new FluentResource(SOURCES[locale]))) {
    console.error(`locales/${locale}/ui.ftl:`, error);
  }
  return bundle;
}

const BUNDLES: Record<Locale, FluentBundle> = {
  'zh-CN': buildBundle('zh-CN'),
  'ru-RU': buildBundle('ru-RU'),
  'en-US': buildBundle('en-US'),
};

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/** BCP 47 tag for a `lang` attribute: the UI locale for zh/ru/en, the key itself otherwise. */
export function langTag(key: string): string {
  return isLang(key) ? LOCALE_OF[key] : key;
}

/** The language the address names: `?lang=zh|ru|en` (older links and tests), else, in a browser,
 * the path's first segment (`/ru/products/...`). Null when it names none. */
function langOfUrl(): Lang | null {
  const fromQuery = new URLSearchParams(window.location.search).get('lang');
  if (fromQuery && isLang(fromQuery)) return fromQuery;
  const fromPath = inTauri ? null : /^\/([a-z]{2})(?:\/|$)/.exec(window.location.pathname)?.[1];
  return fromPath && isLang(fromPath) ? fromPath : null;
}

/** The language the address named when the page loaded (a browser kiosk returns to it). */
export const urlLang: Lang | null = langOfUrl();

/** The address's language wins (links and tests), then the one saved, then the browser's
 * languages, then English. */
function initialLang(): Lang {
  if (urlLang) return urlLang;
  const saved = localStorage.getItem(SAVED_LANG);
  if (saved && isLang(saved)) return saved;
  const requested = navigator.languages?.length ? [...navigator.languages] : [navigator.language];
  const [best] = negotiateLanguages(requested, Object.values(LOCALE_OF), {
    strategy: 'lookup',
    defaultLocale: FALLBACK_LOCALE,
  });
  const lang = (Object.keys(LOCALE_OF) as Lang[]).find((l) => LOCALE_OF[l] === best);
  return lang ?? 'en';
}

function format(locale: Locale, id: string, attribute: string | null, args?: Args): string | null {
  const bundle = BUNDLES[locale];
  const message = bundle.getMessage(id);
  const pattern = attribute === null ? message?.value : message?.attributes[attribute];
  if (!pattern) return null;
  const errors: Error[] = [];
  const text = bundle.formatPattern(pattern, args, errors);
  if (errors.length && import.meta.env.DEV) console.warn(`fluent ${locale} ${id}:`, errors);
  return text;
}

class I18n {
  lang: Lang = $state(initialLang());
  readonly locale: Locale = $derived(LOCALE_OF[this.lang]);

  /** Desktop remembers the language across restarts; a kiosk never writes it down. */
  persist = false;

  setLang(lang: Lang): void {
    this.lang = lang;
    if (this.persist) localStorage.setItem(SAVED_LANG, lang);
    else localStorage.removeItem(SAVED_LANG);
  }

  /** The message `id` in the current locale, then in English, then the id itself. */
  t(id: string, args?: Args): string {
    return format(this.locale, id, null, args) ?? format(FALLBACK_LOCALE, id, null, args) ?? id;
  }

  /** An attribute of a message, with the same fallbacks as `t`. */
  attr(id: string, attribute: string, args?: Args): string {
    return (
      format(this.locale, id, attribute, args) ??
      format(FALLBACK_LOCALE, id, attribute, args) ??
      `${id}.${attribute}`
    );
  }

  /** Whether a message exists; for ids built from data (units, certifications, ...). */
  has(id: string): boolean {
    return BUNDLES[this.locale].hasMessage(id) || BUNDLES[FALLBACK_LOCALE].hasMessage(id);
  }
}

export const i18n = new I18n();

/** Shorthand for templates: `t('search-label')`. Reactive through `i18n.lang`. */
export function t(id: string, args?: Args): string {
  return i18n.t(id, args);
}

/** A message in a given language, whatever the current one (the attract screen shows all three). */
export function tIn(lang: Lang, id: string, args?: Args): string {
  return format(LOCALE_OF[lang], id, null, args) ?? format(FALLBACK_LOCALE, id, null, args) ?? id;
}
