// The interface both transports implement: one function per call of docs/ui-api.md.
import type {
  CatalogInfo,
  ExhibitorPage,
  ExhibitorReport,
  FieldError,
  HallMap,
  ImportProgress,
  InsightRecord,
  InsightsReport,
  InquiryDraft,
  Lang,
  OutboxEntry,
  OutboxInfo,
  PinCheck,
  Product,
  QrCode,
  SearchRequest,
  SubmitResult,
  SearchResponse,
  ShowSettings,
  Showcase,
  Withdrawal,
} from './types';

export type MediaSize = 'grid' | 'detail';

export interface Transport {
  catalogInfo(): Promise<CatalogInfo>;
  /** `signal` aborts a search a newer one superseded, where the transport can (HTTP). */
  search(request: SearchRequest, signal?: AbortSignal): Promise<SearchResponse>;
  product(id: string): Promise<Product>;
  /** A photo's thumbnail. `digest` (the photo's, from `SearchHit.image` or `Product.images`)
   *  makes it an address that never changes, cached for good by a browser; without it (an older
   *  saved shortlist) the address is by product and position. */
  mediaUrl(productId: string, index: number, size: MediaSize, digest?: string | null): string;
  showSettings(): Promise<ShowSettings>;
  showcase(): Promise<Showcase>;
  /** The exhibitor and one page of its products from `offset`. */
  exhibitorPage(id: string, offset?: number): Promise<ExhibitorPage>;
  hallMap(): Promise<HallMap>;
  qrCode(url: string): Promise<QrCode>;
  /** Queued (committed to the outbox) or invalid with field errors in `lang`; never throws for an invalid draft. */
  submitInquiry(draft: InquiryDraft, lang: Lang): Promise<SubmitResult>;
  validateInquiry(draft: InquiryDraft, lang: Lang): Promise<FieldError[]>;
  /** The buyer's history, newest first: every inquiry of this device (app), or the ones named (browser). */
  inquiries(refs: string[]): Promise<OutboxEntry[]>;
  inquiry(clientRef: string): Promise<OutboxEntry>;
  /** Takes an inquiry back by its reference: removed if it has not left, its personal data deleted if it has. */
  withdrawInquiry(clientRef: string): Promise<Withdrawal>;
  outboxInfo(): Promise<OutboxInfo>;
  /** Kiosk only (the app window); a browser has no admin PIN. */
  adminUnlock(pin: string): Promise<PinCheck>;
  adminExit(pin: string): Promise<PinCheck>;
  /** Counts what a visitor did (demand insights: nothing of who they are). Never throws: a
   *  count that is lost loses nothing of the visitor's. */
  recordInsight(record: InsightRecord): Promise<void>;
  /** The operator's demand report of [from, to) (RFC 3339). `access` is the admin PIN in the
   *  app (a kiosk checks it each time), the operator token in a browser. */
  insightsReport(access: string, from: string, to: string, lang: Lang): Promise<InsightsReport>;
  /** One exhibitor's report of [from, to), behind the same access. */
  insightsExhibitor(access: string, id: string, from: string, to: string, lang: Lang): Promise<ExhibitorReport>;
  /** The app only: how far the first start's import of the bundled catalog is (null when
   *  none is running). Answers at once, while the other calls wait for the catalog. */
  preparing(): Promise<ImportProgress | null>;
  /** The app only: the UI drew a frame at `frameAt` and saw its last input at `inputAt` (Unix ms). A browser sends nothing. */
  uiHeartbeat(frameAt: number, inputAt: number | null): Promise<void>;
}
