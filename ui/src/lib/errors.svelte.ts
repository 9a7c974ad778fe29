// The one error the banner shows: the latest failure, where it came from and how to retry it.
import type { ApiError } from '../api';

export type ErrorSource = 'catalog' | 'search' | 'product';

export interface ShownError {
  source: ErrorSource;
  error: ApiError;
  retry: (() => void) | null;
}

class Errors {
  current: ShownError | null = $state.raw(null);

  report(source: ErrorSource, error: ApiError, retry: (() => void) | null = null): void {
    this.current = { source, error, retry };
  }

  /** Clears the banner if it shows an error of `source` (or any error without a source). */
  clear(source?: ErrorSource): void {
    if (!source || this.current?.source === source) this.current = null;
  }
}

export const errors = new Errors();
