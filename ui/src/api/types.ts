// Generated from the Rust types by showroom-core's `bindings` module: do not edit.
// Regenerate with `UPDATE_BINDINGS=1 cargo test -p showroom-core --test it bindings`.

/** Text in several languages, keyed by language tag (zh, ru, en, ...). */
export type LocalizedText = Record<string, string>;

export type Lang = "zh" | "ru" | "en";

export type ThumbSize = "grid" | "detail" | "full";

export type PriceTier = { min_qty: number, unit_price: number, };

export type Price = { currency: string, tiers: Array<PriceTier>, };

export type CatalogInfo = { id: string, version: string, title: Record<string, string>, products: number, exhibitors: number, categories: number, 
/**
 * Every category's name, by id, for facet chips and breadcrumbs.
 */
category_names: Record<string, Record<string, string>>, };

export type SortOrder = "relevance" | "price_asc" | "price_desc" | "newest";

export type SearchRequest = { query: string, lang: Lang, limit?: number, offset?: number, country?: string | null, category?: string | null, 
/**
 * A city facet key (as returned in `facets.city`).
 */
city?: string | null, certification?: string | null, storage?: string | null, 
/**
 * Prices are compared only within one currency: with a price filter or a price sort,
 * only products priced in this currency are listed.
 */
currency?: string | null, price_min?: number | null, price_max?: number | null, 
/**
 * Only products whose minimum order is at most this (in the product's unit).
 */
moq_max?: number | null, sort?: SortOrder, };

export type HighlightSpan = { text: string, hit: boolean, };

export type SearchHit = { id: string, score: number, name: Record<string, string>, highlight: { [key in string]: Array<HighlightSpan> }, country: string, category: string, exhibitor: string, exhibitor_name: Record<string, string>, unit: string, moq: number | null, price: Price | null, has_image: boolean, 
/**
 * The digest of the first photo, when there is one: its thumbnails are
 * `/media/{digest}/{size}` in the online show.
 */
image: string | null, tags: Array<string>, 
/**
 * Not a match for every word: one of the closest other goods, listed after the
 * matches (see [`SearchResponse::hits`]) and shown apart as related goods.
 */
related: boolean, };

export type FacetCounts = { country: { [key in string]: number }, category: { [key in string]: number }, city: { [key in string]: number }, certification: { [key in string]: number }, storage: { [key in string]: number }, 
/**
 * The names of the cities in `city`, by key.
 */
city_names: Record<string, Record<string, string>>, };

export type QueryReading = "as_typed" | "other_layout" | "sound" | "related";

export type RelatedBy = "spelling" | "description" | "some_words";

export type SearchResponse = { 
/**
 * How many goods match (related goods are not counted).
 */
total: number, 
/**
 * This page's matches, best first. On the first page, when they are fewer than a
 * page, the closest other goods follow them, marked `related` (at most 12: goods of
 * the same categories, those sharing some of the words first).
 */
hits: Array<SearchHit>, facets: FacetCounts, took_ms: number, reading: QueryReading, 
/**
 * The text actually searched, when it differs from the query (the other layout); with
 * the `sound` reading, the query's words that were read by their sound.
 */
corrected: string | null, 
/**
 * With the `related` reading: goods near the query, best first (one page of them;
 * `hits` is empty and `total` 0).
 */
related: Array<SearchHit>, 
/**
 * With the `related` reading: why those goods are near it.
 */
related_by: RelatedBy | null, };

export type CategoryRef = { id: string, name: Record<string, string>, };

export type ExhibitorRef = { id: string, name: Record<string, string>, country: string, city: Record<string, string> | null, booth: string | null, };

export type Product = { id: string, exhibitor: ExhibitorRef, category: CategoryRef, country: string, city: Record<string, string> | null, name: Record<string, string>, description: Record<string, string> | null, hs_code: string | null, unit: string, moq: number | null, price: Price | null, certifications: Array<string>, storage: string | null, shelf_life_days: number | null, image_count: number, 
/**
 * The digests of the photos, in order: their thumbnails are `/media/{digest}/{size}`
 * in the online show.
 */
images: Array<string>, tags: Array<string>, updated_at: string | null, };

export type ErrorCode = "invalid-bundle" | "not-found" | "bad-request" | "no-catalog" | "storage" | "disk-full" | "search" | "internal" | "rate-limited" | "busy" | "unauthorized" | "config";

export type ApiError = { code: ErrorCode, message: string, };

export type CountryCount = { country: string, products: number, exhibitors: number, };

export type CityCount = { country: string, name: Record<string, string>, exhibitors: number, 
/**
 * One of the catalog's partner cities.
 */
partner: boolean, };

export type PartnerCityPlace = { country: string, name: Record<string, string>, lat: number, lon: number, 
/**
 * Exhibitors from this city.
 */
exhibitors: number, };

export type CategoryCount = { id: string, name: Record<string, string>, 
/**
 * Products in this category and all below it.
 */
products: number, };

export type Showcase = { featured: Array<SearchHit>, new: Array<SearchHit>, countries: Array<CountryCount>, cities: Array<CityCount>, 
/**
 * The catalog's partner cities, in its order.
 */
partner_cities: Array<PartnerCityPlace>, 
/**
 * Top-level categories only.
 */
categories: Array<CategoryCount>, };

export type ExhibitorPage = { id: string, name: Record<string, string>, country: string, city: Record<string, string> | null, booth: string | null, hall: string | null, website: string | null, description: Record<string, string> | null, 
/**
 * One page of the exhibitor's products, from `offset`, in catalog order.
 */
products: Array<SearchHit>, 
/**
 * All of the exhibitor's products.
 */
products_total: number, offset: number, };

export type Hall = { id: string, name: Record<string, string>, width: number, height: number, };

export type BoothView = { id: string, hall: string, x: number, y: number, w: number, h: number, exhibitors: Array<ExhibitorRef>, };

export type HallMap = { halls: Array<Hall>, booths: Array<BoothView>, };

export type QrCode = { size: number, path: string, url: string, };

export type ShowSettings = { 
/**
 * Run as an unattended kiosk.
 */
kiosk: boolean, 
/**
 * The online show's address for QR codes (`showroom serve` behind a public name);
 * `None` leaves it to the UI (the served origin in a browser, nothing in the app).
 */
online_show_url: string | null, 
/**
 * The booth this kiosk stands at or next to ("you are here").
 */
kiosk_booth: string | null, 
/**
 * The language a kiosk returns to after a reset.
 */
default_lang: Lang | null, 
/**
 * Seconds without a touch before the idle warning, and before the reset after it.
 */
idle_seconds: number | null, idle_warning_seconds: number | null, };

export type PinCheck = { "state": "accepted" } | { "state": "rejected", remaining: number, } | { "state": "locked_out", until: number, } | { "state": "not_set" };

export type ImportStage = "checking" | "photos" | "index" | "saving";

export type ImportProgress = { stage: ImportStage, done: number, total: number, };

export type InsightEvent = { "kind": "session" } | { "kind": "search", query: string, results: number, } | { "kind": "product_view", product_id: string, } | { "kind": "exhibitor_view", exhibitor_id: string, } | { "kind": "shortlisted", product_id: string, } | { "kind": "inquiry_started", product_id: string, } | { "kind": "inquiry_sent" };

export type InsightRecord = { 
/**
 * A random id the UI makes for each visit (8 to 64 letters, digits, `-` or `_`); kept
 * only until the end of its hour.
 */
session: string, lang: Lang, event: InsightEvent, };

export type Funnel = { sessions: number, searched: number, viewed: number, shortlisted: number, started: number, sent: number, searches: number, zero_result_searches: number, views: number, shortlists: number, inquiries: number, };

export type LangCount = { lang: string, count: number, };

export type QueryCount = { lang: string, 
/**
 * Folded as counted; empty for queries that looked like contact data (never kept).
 */
query: string, count: number, sessions: number, results: number, };

export type MissingGoods = { 
/**
 * The kind's name in each language (`en`, `ru`, `zh`); empty for queries that name
 * no known kind (then `queries` holds just that query).
 */
name: Record<string, string>, count: number, queries: Array<QueryCount>, };

export type CountryInquiries = { 
/**
 * ISO 3166-1 alpha-2; empty when the buyer did not say.
 */
country: string, inquiries: number, };

export type ProductCount = { product_id: string, name: Record<string, string>, exhibitor_id: string, views: number, shortlisted: number, started: number, inquiries: number, 
/**
 * Inquiries by buyer country (the exhibitor report only; empty elsewhere).
 */
countries: Array<CountryInquiries>, };

export type ExhibitorCount = { exhibitor_id: string, name: Record<string, string>, page_views: number, product_views: number, shortlisted: number, inquiries: number, };

export type InsightsReport = { from: string, to: string, funnel: Funnel, sessions_by_lang: Array<LangCount>, 
/**
 * Searches that found goods, the most asked first, at most 20 per language.
 */
searches: Array<QueryCount>, 
/**
 * Searches that found nothing, at most 20 per language.
 */
zero_result_searches: Array<QueryCount>, 
/**
 * Zero-result searches grouped by the kind of goods they name, the most asked first.
 */
missing_goods: Array<MissingGoods>, products: Array<ProductCount>, exhibitors: Array<ExhibitorCount>, 
/**
 * Inquiries by buyer country.
 */
countries: Array<CountryInquiries>, 
/**
 * Sessions by hour of the day (0–23) in this device's time zone.
 */
by_hour: Array<number>, };

export type ExhibitorReport = { from: string, to: string, exhibitor: ExhibitorCount, products: Array<ProductCount>, countries: Array<CountryInquiries>, };

export type InquiryDraft = { 
/**
 * The reply language.
 */
locale: Lang, items: Array<InquiryItem>, 
/**
 * An Incoterms 2020 code; absent means "not sure".
 */
incoterm?: string | null, destination?: Destination | null, 
/**
 * `YYYY-MM-DD`.
 */
delivery_by?: string | null, message?: string | null, buyer: Buyer, consent: Consent, };

export type InquiryItem = { product_id: string, quantity: number, unit: string, target_price?: Money | null, };

export type Money = { amount: number, currency: string, };

export type Destination = { country: string, place?: string | null, };

export type Buyer = { name: string, company?: string | null, email?: string | null, 
/**
 * E.164.
 */
phone?: string | null, country?: string | null, messenger?: Messenger | null, };

export type Messenger = { 
/**
 * `telegram`, `whatsapp`, `wechat` or `other`.
 */
kind: string, handle: string, };

export type Consent = { contact: boolean, text_version: string, };

export type FieldErrorCode = "required" | "invalid" | "too-long" | "too-few" | "too-many" | "not-positive" | "unknown-unit" | "unknown-incoterm" | "unknown-country" | "unknown-currency" | "contact-required" | "consent-required";

export type FieldError = { field: string, code: FieldErrorCode, 
/**
 * The sentence to show beside the field, in the visitor's language.
 */
message: string, };

export type OutboxState = "queued" | "sending" | "received" | "failed";

export type FailureReason = "invalid" | "unauthorized" | "conflict" | "too-large" | "unknown-product";

export type ItemSummary = { product_id: string, quantity: number, unit: string, };

export type OutboxEntry = { client_ref: string, created_at: string, state: OutboxState, attempts: number, next_attempt_at: string | null, 
/**
 * Why the last try failed (technical, free of contact data).
 */
last_error: string | null, failure: FailureReason | null, platform_id: string | null, platform_status: string | null, status_note: Record<string, string> | null, received_at: string | null, items: Array<ItemSummary>, personal_data_deleted: boolean, };

export type SubmitResult = { "status": "queued", entry: OutboxEntry, } | { "status": "invalid", errors: Array<FieldError>, };

export type OutboxInfo = { 
/**
 * False when no trade platform is configured: inquiries stay queued on this device.
 */
platform_configured: boolean, 
/**
 * Inquiries still waiting to leave (queued or sending).
 */
undelivered: number, 
/**
 * The platform refuses this device's token: inquiries are held (kept, not lost)
 * until an operator fixes it. Shown on the device's own screens and to the online
 * show's operator, never to a visitor in a browser.
 */
auth_failing: boolean, };

export type Withdrawal = { "status": "removed" } | { "status": "personal-data-deleted" } | { "status": "in-flight" };

/** ISO 3166-1 alpha-2 codes the core accepts (a buyer's country, a destination). */
export const COUNTRY_CODES = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT',
  'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI',
  'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY',
  'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN',
  'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM',
  'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK',
  'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL',
  'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM',
  'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR',
  'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN',
  'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS',
  'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK',
  'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW',
  'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP',
  'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM',
  'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM',
  'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF',
  'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW',
  'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI',
  'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW',
] as const;

/** Units of quantity of the bundle format and the inquiry form. */
export const UNITS = [
  'kg', 'g', 't', 'l', 'ml', 'piece', 'box', 'pack', 'bottle', 'carton', 'pallet', 'm2',
] as const;

/** Incoterms 2020 rules an inquiry may name. */
export const INCOTERMS = [
  'EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP',
] as const;

/** Messengers a buyer may be reached by. */
export const MESSENGERS = [
  'telegram', 'whatsapp', 'wechat', 'other',
] as const;
