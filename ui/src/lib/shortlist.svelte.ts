// The visitor's shortlist, across exhibitors. Kept in localStorage on a desktop (it survives a
// restart); on a kiosk it lives in memory only and every reset empties it.
import type { LocalizedText, Price, SearchHit } from '../api';
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
