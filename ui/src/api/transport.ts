// The interface both transports implement: one function per call of docs/ui-api.md.
import type {
  CatalogInfo,
  ExhibitorPage,
  HallMap,
  PinCheck,
  Product,
  QrCode,
  SearchRequest,
  SearchResponse,
  ShowSettings,
  Showcase,
} from './types';

export type MediaSize = 'grid' | 'detail';

export interface Transport {
  catalogInfo(): Promise<CatalogInfo>;
  search(request: SearchRequest): Promise<SearchResponse>;
  product(id: string): Promise<Product>;
  mediaUrl(productId: string, index: number, size: MediaSize): string;
  showSettings(): Promise<ShowSettings>;
  showcase(): Promise<Showcase>;
  exhibitorPage(id: string): Promise<ExhibitorPage>;
  hallMap(): Promise<HallMap>;
  qrCode(url: string): Promise<QrCode>;
  /** Kiosk only (the app window); a browser has no admin PIN. */
  adminUnlock(pin: string): Promise<PinCheck>;
  adminExit(pin: string): Promise<PinCheck>;
}
