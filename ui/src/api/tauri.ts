// Tauri IPC transport: used inside the app window.
import { convertFileSrc, invoke } from '@tauri-apps/api/core';
import { toApiError } from './error';
import type { Transport } from './transport';
import type {
  CatalogInfo,
  ExhibitorPage,
  HallMap,
  PinCheck,
  Product,
  QrCode,
  SearchResponse,
  ShowSettings,
  Showcase,
} from './types';

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
  showSettings: () => call<ShowSettings>('show_settings'),
  showcase: () => call<Showcase>('showcase'),
  exhibitorPage: (id) => call<ExhibitorPage>('exhibitor_page', { id }),
  hallMap: () => call<HallMap>('hall_map'),
  qrCode: (url) => call<QrCode>('qr_code', { url }),
  adminUnlock: (pin) => call<PinCheck>('admin_unlock', { pin }),
  adminExit: (pin) => call<PinCheck>('admin_exit', { pin }),
};
