// The interface both transports implement: one function per call of docs/ui-api.md.
import type { CatalogInfo, Product, SearchRequest, SearchResponse } from './types';

export type MediaSize = 'grid' | 'detail';

export interface Transport {
  catalogInfo(): Promise<CatalogInfo>;
  search(request: SearchRequest): Promise<SearchResponse>;
  product(id: string): Promise<Product>;
  mediaUrl(productId: string, index: number, size: MediaSize): string;
}
