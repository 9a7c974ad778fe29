// Locale-aware formatting of data values: Intl for countries, money and dates, Fluent for units,
// certifications, storage kinds, shelf life and error codes. Pure functions of their arguments
// and the current i18n state, so templates re-render when the language changes.
import { API_ERROR_CODES, type Price } from '../api';
import { i18n, type Locale } from './i18n.svelte';

const regionNames = new Map<Locale, Intl.DisplayNames | null>();
/** Names already looked up, per locale: `Intl.DisplayNames.of` is slow enough to show when a
 *  results grid of 48 cards and the country chips render on every keystroke. */
const countryNames = new Map<Locale, Map<string, string>>();

/** A country's name from its ISO 3166-1 alpha-2 code, in the UI locale. */
export function countryName(code: string, locale: Locale = i18n.locale): string {
  let known = countryNames.get(locale);
  if (!known) {
    known = new Map();
    countryNames.set(locale, known);
  }
  let name = known.get(code);
  if (name === undefined) {
    name = lookUpCountryName(code, locale);
    known.set(code, name);
  }
  return name;
}

function lookUpCountryName(code: string, locale: Locale): string {
  if (!regionNames.has(locale)) {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    } catch {
      names = null;
    }
    regionNames.set(locale, names);
  }
  try {
    return regionNames.get(locale)?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const moneyFormats = new Map<string, Intl.NumberFormat | null>();

export function money(amount: number, currency: string, locale: Locale = i18n.locale): string {
  const key = `${locale}|${currency}`;
  if (!moneyFormats.has(key)) {
    let nf: Intl.NumberFormat | null = null;
    try {
      nf = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      nf = null;
    }
    moneyFormats.set(key, nf);
  }
  const nf = moneyFormats.get(key);
  return nf ? nf.format(amount) : `${new Intl.NumberFormat(locale).format(amount)} ${currency}`;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

export function date(iso: string, locale: Locale = i18n.locale): string {
  const value = new Date(iso);
  if (Number.isNaN(value.getTime())) return iso;
  let df = dateFormats.get(locale);
  if (!df) {
    df = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
    dateFormats.set(locale, df);
  }
  return df.format(value);
}

/** The unit's name ("kilogram"); unknown units are shown as they come. */
export function unitName(unit: string): string {
  return i18n.has(`unit-${unit}`) ? i18n.t(`unit-${unit}`) : unit;
}

/** The unit as written after "per" in a price ("kg", "коробку"). */
export function unitPer(unit: string): string {
  return i18n.has(`unit-${unit}`) ? i18n.attr(`unit-${unit}`, 'per') : unit;
}

/** A quantity with its unit and the right plural ("5 boxes", "5 коробок"). */
export function quantity(count: number, unit: string): string {
  if (i18n.has(`unit-${unit}`)) return i18n.attr(`unit-${unit}`, 'count', { count });
  return `${new Intl.NumberFormat(i18n.locale).format(count)} ${unit}`;
}

/** "from ¥68.00 / kg" from the first (smallest-quantity) tier, or "price on request". */
export function priceFrom(price: Price | null, unit: string): string {
  const first = price?.tiers[0];
  if (!price || !first) return i18n.t('price-on-request');
  return i18n.t('card-price-from', { price: money(first.unit_price, price.currency), unit: unitPer(unit) });
}

export function pricePerUnit(amount: number, currency: string, unit: string): string {
  return i18n.t('price-per-unit', { price: money(amount, currency), unit: unitPer(unit) });
}

export function certificationName(code: string): string {
  return i18n.has(`cert-${code}`) ? i18n.t(`cert-${code}`) : code;
}

export function storageName(kind: string): string {
  return i18n.has(`storage-${kind}`) ? i18n.t(`storage-${kind}`) : kind;
}

/** Shelf life in the largest whole unit: 730 -> "2 years", 180 -> "6 months", 45 -> "45 days". */
export function shelfLife(days: number): string {
  if (days >= 365 && days % 365 === 0) return i18n.t('shelf-life-years', { count: days / 365 });
  if (days >= 30 && days % 30 === 0) return i18n.t('shelf-life-months', { count: days / 30 });
  return i18n.t('shelf-life-days', { count: days });
}

/** The localised text for an ApiError code; unknown codes read as `internal`. */
export function errorText(code: string): string {
  const known = (API_ERROR_CODES as readonly string[]).includes(code) ? code : 'internal';
  return i18n.t(`error-${known}`);
}
