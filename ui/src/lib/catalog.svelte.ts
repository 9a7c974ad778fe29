// Catalog-wide facts: the catalog info (title) and the names of categories seen so far.
import { SvelteMap } from 'svelte/reactivity';
import * as api from '../api';
import type { CatalogInfo, CategoryRef, ImportProgress, LocalizedText } from '../api';
import { errors } from './errors.svelte';

class Catalog {
  info: CatalogInfo | null = $state.raw(null);
  /** Category names by id, from the catalog info (and kept fresh from opened products). */
  readonly categoryNames = new SvelteMap<string, LocalizedText>();

  /** The first start's import of the bundled catalog, while it runs (the app only). */
  preparing: ImportProgress | null = $state.raw(null);

  async load(): Promise<void> {
    // The first answer waits for the catalog; meanwhile the screen says how far it is.
    const poll = setInterval(() => {
      void api.preparing().then(
        (p) => (this.preparing = this.info === null ? p : null),
        () => undefined,
      );
    }, 250);
    try {
      this.info = await api.catalogInfo();
      for (const [id, name] of Object.entries(this.info.category_names)) {
        this.categoryNames.set(id, name);
      }
      errors.clear('catalog');
    } catch (e) {
      errors.report('catalog', api.toApiError(e), () => void this.load());
    } finally {
      clearInterval(poll);
      this.preparing = null;
    }
  }

  rememberCategory(category: CategoryRef): void {
    this.categoryNames.set(category.id, category.name);
  }
}

export const catalog = new Catalog();

/** A category's name in `lang`; before the name is known, its id's last segment made readable. */
export function categoryLabel(id: string, pick: (name: LocalizedText) => string): string {
  const name = catalog.categoryNames.get(id);
  const text = name ? pick(name) : '';
  if (text) return text;
  const last = id.split('/').pop() ?? id;
  return last.replace(/[-_]+/g, ' ');
}
