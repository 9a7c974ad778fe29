// The home screen's content and the hall map, loaded once per catalog.
import * as api from '../api';
import type { HallMap, Showcase } from '../api';
import { errors } from './errors.svelte';

class ShowcaseState {
  data: Showcase | null = $state.raw(null);
  hall: HallMap | null = $state.raw(null);
  /** A load is in flight (on a first start it waits for the bundled catalog's import). */
  pending = $state(false);

  async load(): Promise<void> {
    this.pending = true;
    try {
      this.data = await api.showcase();
    } catch (e) {
      errors.report('catalog', api.toApiError(e), () => void this.load());
    } finally {
      this.pending = false;
    }
  }

  async loadHall(): Promise<void> {
    if (this.hall) return;
    try {
      this.hall = await api.hallMap();
    } catch (e) {
      errors.report('catalog', api.toApiError(e), () => void this.loadHall());
    }
  }
}

export const showcase = new ShowcaseState();
