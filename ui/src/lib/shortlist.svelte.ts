// The visitor's shortlist, across exhibitors. Kept in localStorage on a desktop (it survives a
// restart); on a kiosk it lives in memory only and every reset empties it.
import * as api from '../api';
import type { LocalizedText, Price, Product, SearchHit } from '../api';
import { insights } from './insights.svelte';

export interface ShortlistItem {
  id: string;
  name: LocalizedText;
  exhibitor: string;
  exhibitor_name: LocalizedText;
  country: string;
  unit: string;
  moq: number | null;
  price: Price | null;
  has_image: boolean;
  /** The first photo's digest (absent in a shortlist saved before it was kept). */
  image?: string | null;
}

const KEY = 'showroom.shortlist';
/** The query parameter of a shortlist handed over by a QR code: product ids, comma-separated. */
export const ITEMS_PARAM = 'items';
/** The longest address a shortlist's QR code carries (the core encodes up to 1024 bytes). */
const MAX_SHARE_URL = 1000;
/** The most products an address may hand over. */
const MAX_RECEIVED = 50;

/** A shortlist entry from a product page's data. */
function itemOf(p: Product): ShortlistItem {
  return {
    id: p.id,
    name: p.name,
    exhibitor: p.exhibitor.id,
    exhibitor_name: p.exhibitor.name,
    country: p.country,
    unit: p.unit,
    moq: p.moq,
    price: p.price,
    has_image: p.image_count > 0,
    image: p.images[0] ?? null,
  };
}

class Shortlist {
  items: ShortlistItem[] = $state([]);
  #persist = false;

  /** Desktop: remember across restarts. Kiosk: never write anything down. */
  init(persist: boolean): void {
    this.#persist = persist;
    if (!persist) {
      localStorage.removeItem(KEY);
      return;
    }
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      if (Array.isArray(saved)) this.items = saved.filter((i): i is ShortlistItem => typeof i?.id === 'string');
    } catch {
      this.items = [];
    }
  }

  has(id: string): boolean {
    return this.items.some((i) => i.id === id);
  }

  toggle(item: SearchHit | ShortlistItem): void {
    if (this.has(item.id)) {
      this.items = this.items.filter((i) => i.id !== item.id);
      this.#save();
      return;
    }
    insights.shortlisted(item.id);
    this.items = [
        ...this.items,
        {
          id: item.id,
          name: item.name,
          exhibitor: item.exhibitor,
          exhibitor_name: item.exhibitor_name,
          country: item.country,
          unit: item.unit,
          moq: item.moq,
          price: item.price,
          has_image: item.has_image,
          image: item.image ?? null,
        },
      ];
    this.#save();
  }

  /** The online show's address of this shortlist (`base` is the show's shortlist page), with
   *  as many of its products as fit in a QR code, and how many that is. */
  shareUrl(base: string | null): { url: string; count: number } | null {
    if (base === null || this.items.length === 0) return null;
    let url = `${base}?${ITEMS_PARAM}=`;
    let count = 0;
    for (const item of this.items) {
      const next = `${url}${count > 0 ? ',' : ''}${encodeURIComponent(item.id)}`;
      if (next.length > MAX_SHARE_URL) break;
      url = next;
      count++;
    }
    return count > 0 ? { url, count } : null;
  }

  /** Adds the products a shared address names (unknown ones left out), once each. */
  async receive(ids: string[]): Promise<void> {
    const wanted = [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))].slice(0, MAX_RECEIVED);
    const found = await Promise.all(wanted.map((id) => api.product(id).catch(() => null)));
    const added = found.filter((p): p is Product => p !== null && !this.has(p.id)).map(itemOf);
    if (added.length === 0) return;
    this.items = [...this.items, ...added];
    this.#save();
  }

  remove(id: string): void {
    this.items = this.items.filter((i) => i.id !== id);
    this.#save();
  }

  clear(): void {
    this.items = [];
    this.#save();
  }

  #save(): void {
    if (this.#persist) localStorage.setItem(KEY, JSON.stringify(this.items));
  }
}

export const shortlist = new Shortlist();
