// The product page's state: which product is open and its loaded data. Only the reply to the
// latest open() is kept.
import * as api from '../api';
import type { Product } from '../api';
import { catalog } from './catalog.svelte';
import { errors } from './errors.svelte';
import { insights } from './insights.svelte';

class ProductView {
  id: string | null = $state(null);
  product: Product | null = $state.raw(null);
  loading = $state(false);

  #seq = 0;

  async open(id: string): Promise<void> {
    if (this.id === id && (this.loading || this.product?.id === id)) return;
    const seq = ++this.#seq;
    this.id = id;
    this.product = null;
    this.loading = true;
    try {
      const product = await api.product(id);
      if (seq !== this.#seq) return;
      this.product = product;
      catalog.rememberCategory(product.category);
      insights.productViewed(product.id);
      errors.clear('product');
    } catch (e) {
      if (seq !== this.#seq) return;
      errors.report('product', api.toApiError(e), () => void this.open(id));
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  close(): void {
    this.#seq++;
    this.id = null;
    this.product = null;
    this.loading = false;
    errors.clear('product');
  }
}

export const productView = new ProductView();
