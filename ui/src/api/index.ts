// The UI's only door to the Rust core (docs/ui-api.md). Components import from here and
// never call invoke or fetch themselves. Each call is the transport's own (its interface,
// documented in transport.ts): the Tauri commands in the app window, HTTP in a browser.
import { httpTransport } from './http';
import { tauriTransport } from './tauri';
import type { Transport } from './transport';

export type * from './types';
export type { MediaSize } from './transport';
export { API_ERROR_CODES, ApiCallError, isApiError, toApiError } from './error';

/** True inside the Tauri window; false in a browser served by `showroom serve`. */
export const inTauri: boolean = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;

const transport: Transport = inTauri ? tauriTransport : httpTransport;

export const {
  catalogInfo,
  search,
  product,
  mediaUrl,
  showSettings,
  showcase,
  exhibitorPage,
  hallMap,
  qrCode,
  submitInquiry,
  validateInquiry,
  inquiries,
  inquiry,
  withdrawInquiry,
  outboxInfo,
  adminUnlock,
  adminExit,
  recordInsight,
  insightsReport,
  insightsExhibitor,
  preparing,
  uiHeartbeat,
} = transport;
