// HTTP transport: used when `showroom serve` serves this UI to a browser.
import { ApiCallError, isApiError } from './error';
import type { Transport } from './transport';
import type {
  CatalogInfo,
  ExhibitorPage,
  ExhibitorReport,
  FieldError,
  HallMap,
  InquiryDraft,
  InsightRecord,
  InsightsReport,
  OutboxEntry,
  OutboxInfo,
  Product,
  QrCode,
  SearchRequest,
  SearchResponse,
  ShowSettings,
  Showcase,
  SubmitResult,
  Withdrawal,
} from './types';

function codeForStatus(status: number): string {
  if (status === 404) return 'not-found';
  if (status === 400 || status === 413 || status === 421 || status === 422) return 'bad-request';
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'busy';
  if (status === 401) return 'unauthorized';
  return 'internal';
}

/** `early`: the reply to this very request, already asked for (public/boot.js). */
async function getJson<T>(url: string, init?: RequestInit, early?: Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await (early ?? fetch(url, { ...init, headers: { Accept: 'application/json', ...init?.headers } }));
  } catch (e) {
    // The server cannot be reached: no code of the contract fits better.
    throw new ApiCallError('internal', e instanceof Error ? e.message : String(e));
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    if (isApiError(body)) throw new ApiCallError(body.code, body.message);
    throw new ApiCallError(codeForStatus(response.status), `HTTP ${response.status}`);
  }
  if (body === null) throw new ApiCallError('internal', 'response is not JSON');
  return body as T;
}

function postJson<T>(url: string, value: unknown): Promise<T> {
  return getJson<T>(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });
}

function searchUrl(request: SearchRequest): string {
  const params = new URLSearchParams({ query: request.query, lang: request.lang });
  if (request.limit != null) params.set('limit', String(request.limit));
  if (request.offset != null) params.set('offset', String(request.offset));
  if (request.country != null) params.set('country', request.country);
  if (request.category != null) params.set('category', request.category);
  return `/api/search?${params}`;
}

/** The reply to the search the server page's box sent before the app started (public/boot.js),
 *  when it is this one; taken once. */
function earlySearch(url: string): Promise<Response> | undefined {
  const early = window.showroomEarlySearch;
  if (early?.url !== url) return undefined;
  window.showroomEarlySearch = undefined;
  return early.reply;
}

const seg = encodeURIComponent;

export const httpTransport: Transport = {
  catalogInfo: () => getJson<CatalogInfo>('/api/catalog'),
  search: (request, signal) => {
    const url = searchUrl(request);
    return getJson<SearchResponse>(url, { signal }, earlySearch(url));
  },
  product: (id) => getJson<Product>(`/api/products/${seg(id)}`),
  mediaUrl: (productId, index, size, digest) =>
    digest ? `/media/${seg(digest)}/${size}` : `/media/product/${seg(productId)}/${index}/${size}`,
  showSettings: () => getJson<ShowSettings>('/api/settings'),
  showcase: () => getJson<Showcase>('/api/showcase'),
  exhibitorPage: (id, offset = 0) =>
    getJson<ExhibitorPage>(offset > 0 ? `/api/exhibitors/${seg(id)}?offset=${offset}` : `/api/exhibitors/${seg(id)}`),
  hallMap: () => getJson<HallMap>('/api/hall'),
  qrCode: (url) => getJson<QrCode>(`/api/qr?${new URLSearchParams({ url })}`),
  submitInquiry: (draft: InquiryDraft, lang) => postJson<SubmitResult>(`/api/inquiries?lang=${lang}`, draft),
  validateInquiry: (draft: InquiryDraft, lang) => postJson<FieldError[]>(`/api/inquiries/validate?lang=${lang}`, draft),
  // A browser names its own inquiries: the show lists nobody else's.
  inquiries: (refs) =>
    refs.length === 0 ? Promise.resolve([]) : getJson<OutboxEntry[]>(`/api/inquiries?${new URLSearchParams({ refs: refs.join(',') })}`),
  inquiry: (clientRef) => getJson<OutboxEntry>(`/api/inquiries/${seg(clientRef)}`),
  withdrawInquiry: (clientRef) => getJson<Withdrawal>(`/api/inquiries/${seg(clientRef)}`, { method: 'DELETE' }),
  outboxInfo: () => getJson<OutboxInfo>('/api/outbox'),
  adminUnlock: () => Promise.reject(new ApiCallError('bad-request', 'no admin in a browser')),
  adminExit: () => Promise.reject(new ApiCallError('bad-request', 'no admin in a browser')),
  // A count is sent and forgotten: `keepalive` lets the last one of a page outlive it.
  recordInsight: (record: InsightRecord) =>
    fetch('/api/insights/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(record),
      keepalive: true,
    }).then(
      () => undefined,
      () => undefined,
    ),
  insightsReport: (token, from, to, lang) =>
    getJson<InsightsReport>(`/api/insights?${new URLSearchParams({ from, to, lang })}`, {
      headers: { Authorization: `Bearer ${token}` },
    }),
  insightsExhibitor: (token, id, from, to, lang) =>
    getJson<ExhibitorReport>(`/api/insights/exhibitors/${seg(id)}?${new URLSearchParams({ from, to, lang })}`, {
      headers: { Authorization: `Bearer ${token}` },
    }),
  // The online show's catalog is ready before it serves anyone.
  preparing: () => Promise.resolve(null),
  // The online show is supervised by its server, not by a heartbeat from each browser.
  uiHeartbeat: () => Promise.resolve(),
};
