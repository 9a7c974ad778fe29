// Tauri IPC transport: used inside the app window.
import { convertFileSrc, invoke } from '@tauri-apps/api/core';
import { toApiError } from './error';
import type { Transport } from './transport';
import type {
  CatalogInfo,
  ExhibitorPage,
  ExhibitorReport,
  FieldError,
  InsightsReport,
  HallMap,
  ImportProgress,
  OutboxEntry,
  OutboxInfo,
  PinCheck,
  Product,
  QrCode,
  SearchResponse,
  ShowSettings,
  Showcase,
  SubmitResult,
  Withdrawal,
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
  // The app's own files: by product and position (the digest matters to a browser's cache only).
  mediaUrl: (productId, index, size) => convertFileSrc(`product/${productId}/${index}/${size}`, 'media'),
  showSettings: () => call<ShowSettings>('show_settings'),
  showcase: () => call<Showcase>('showcase'),
  exhibitorPage: (id, offset = 0) => call<ExhibitorPage>('exhibitor_page', { id, offset }),
  hallMap: () => call<HallMap>('hall_map'),
  qrCode: (url) => call<QrCode>('qr_code', { url }),
  submitInquiry: (draft, lang) => call<SubmitResult>('submit_inquiry', { draft, lang }),
  validateInquiry: (draft, lang) => call<FieldError[]>('validate_draft', { draft, lang }),
  // The app's outbox is this device's own: all of it is the buyer's history.
  inquiries: () => call<OutboxEntry[]>('outbox'),
  inquiry: (clientRef) => call<OutboxEntry>('outbox_entry', { clientRef }),
  withdrawInquiry: (clientRef) => call<Withdrawal>('withdraw_inquiry', { clientRef }),
  outboxInfo: () => call<OutboxInfo>('outbox_info'),
  adminUnlock: (pin) => call<PinCheck>('admin_unlock', { pin }),
  adminExit: (pin) => call<PinCheck>('admin_exit', { pin }),
  recordInsight: (record) => call<void>('record_insight', { record }).catch(() => undefined),
  insightsReport: (pin, from, to, lang) => call<InsightsReport>('insights_report', { pin, from, to, lang }),
  insightsExhibitor: (pin, id, from, to, lang) => call<ExhibitorReport>('insights_exhibitor', { pin, id, from, to, lang }),
  preparing: () => call<ImportProgress | null>('preparing'),
  uiHeartbeat: (frameAt, inputAt) => call<void>('ui_heartbeat', { frameAt, inputAt }),
};
