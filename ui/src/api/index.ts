// The UI's only door to the Rust core (docs/ui-api.md). Components import from here and
// never call invoke or fetch themselves.
import { httpTransport } from './http';
import { tauriTransport } from './tauri';
import type { MediaSize, Transport } from './transport';
import type {
  CatalogInfo,
  ExhibitorPage,
  FieldError,
  HallMap,
  InquiryDraft,
  Lang,
  OutboxEntry,
  OutboxInfo,
  PinCheck,
  Product,
  QrCode,
  SearchRequest,
  SearchResponse,
  ShowSettings,
  Showcase,
  SubmitResult,
  Withdrawal,
} from './types';

export type * from './types';
export type { MediaSize } from './transport';
export { API_ERROR_CODES, ApiCallError, isApiError, toApiError } from './error';

/** True inside the Tauri window; false in a browser served by `showroom serve`. */
export const inTauri: boolean = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;

const transport: Transport = inTauri ? tauriTransport : httpTransport;

export function catalogInfo(): Promise<CatalogInfo> {
  return transport.catalogInfo();
}

export function search(request: SearchRequest, signal?: AbortSignal): Promise<SearchResponse> {
  return transport.search(request, signal);
}

export function product(id: string): Promise<Product> {
  return transport.product(id);
}

/** A photo's thumbnail; with the photo's `digest` an address that never changes (see Transport). */
export function mediaUrl(productId: string, index: number, size: MediaSize, digest?: string | null): string {
  return transport.mediaUrl(productId, index, size, digest);
}

export function showSettings(): Promise<ShowSettings> {
  return transport.showSettings();
}

export function showcase(): Promise<Showcase> {
  return transport.showcase();
}

export function exhibitorPage(id: string): Promise<ExhibitorPage> {
  return transport.exhibitorPage(id);
}

export function hallMap(): Promise<HallMap> {
  return transport.hallMap();
}

/** The QR code of an address, drawn by the UI from the core's module path. */
export function qrCode(url: string): Promise<QrCode> {
  return transport.qrCode(url);
}

/** Sends the form: `queued` once the inquiry is committed on this device, or `invalid` with field errors in `lang`. */
export function submitInquiry(draft: InquiryDraft, lang: Lang): Promise<SubmitResult> {
  return transport.submitInquiry(draft, lang);
}

/** The field errors of a draft in `lang` (empty when valid); nothing is stored. */
export function validateInquiry(draft: InquiryDraft, lang: Lang): Promise<FieldError[]> {
  return transport.validateInquiry(draft, lang);
}

/** The buyer's inquiries, newest first. In a browser only the ones named by `refs` (its own). */
export function inquiries(refs: string[]): Promise<OutboxEntry[]> {
  return transport.inquiries(refs);
}

export function inquiry(clientRef: string): Promise<OutboxEntry> {
  return transport.inquiry(clientRef);
}

/** Takes an inquiry back by its reference: removed if it has not left, its personal data deleted if it has. */
export function withdrawInquiry(clientRef: string): Promise<Withdrawal> {
  return transport.withdrawInquiry(clientRef);
}

/** Whether a trade platform is configured, and how many inquiries wait to leave. */
export function outboxInfo(): Promise<OutboxInfo> {
  return transport.outboxInfo();
}

export function adminUnlock(pin: string): Promise<PinCheck> {
  return transport.adminUnlock(pin);
}

export function adminExit(pin: string): Promise<PinCheck> {
  return transport.adminExit(pin);
}

/** Tells the app's supervisor that a frame was drawn at `frameAt` (Unix ms); a no-op in a browser. */
export function uiHeartbeat(frameAt: number, inputAt: number | null): Promise<void> {
  return transport.uiHeartbeat(frameAt, inputAt);
}
