// Tauri IPC transport: used inside the app window.
import { convertFileSrc, invoke } from '@tauri-apps/api/core';
import { toApiError } from './error';
import type { Transport } from './transport';
import type { CatalogInfo, Product, SearchResponse } from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const tauriTransport: Transport = {
  catalogInfo: () => call<CatalogInfo>('catalog_info'),
  search: (request) => call<SearchResponse>('search', { request }),
  product: (id) => call<Product>('product', { id }),
  mediaUrl: (productId, index, size) => convertFileSrc(`product/${productId}/${index}/${size}`, 'media'),
};
