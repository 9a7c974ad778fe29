// Picks the text of a LocalizedText to show, along the fallback order of catalog-format.md.
import type { Lang, LocalizedText } from '../api';

const FALLBACK_ORDER: readonly string[] = ['en', 'ru', 'zh'];

export interface PickedText {
  text: string;
  /** The key the text was taken from (zh, ru, en or another tag). */
  lang: string;
  /** True when `lang` is not the language the visitor chose. */
  fallback: boolean;
}

export function pickText(text: LocalizedText | null | undefined, lang: Lang): PickedText | null {
  if (!text) return null;
  for (const key of [lang, ...FALLBACK_ORDER]) {
    const value = text[key];
    if (value && value.trim()) return { text: value, lang: key, fallback: key !== lang };
  }
  for (const [key, value] of Object.entries(text)) {
    if (value && value.trim()) return { text: value, lang: key, fallback: key !== lang };
  }
  return null;
}

/** The shown text only, or '' when there is none. */
export function textOf(text: LocalizedText | null | undefined, lang: Lang): string {
  return pickText(text, lang)?.text ?? '';
}
