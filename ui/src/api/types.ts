// Generated from the Rust types by showroom-core's `bindings` module: do not edit.
// Regenerate with `UPDATE_BINDINGS=1 cargo test -p showroom-core --test bindings`.

/** Text in several languages, keyed by language tag (zh, ru, en, ...). */
export type LocalizedText = Record<string, string>;

export type Lang = "zh" | "ru" | "en";

export type ThumbSize = "grid" | "detail";

export type PriceTier = { min_qty: number, unit_price: number, };

export type Price = { currency: string, tiers: Array<PriceTier>, };

export type CatalogInfo = { id: string, version: string, title: Record<string, string>, products: number, exhibitors: number, categories: number, 
/**
 * Every category's name, by id, for facet chips and breadcrumbs.
 */
category_names: Record<string, Record<string, string>>, };

export type SearchRequest = { query: string, lang: Lang, limit?: number, offset?: number, country?: string | null, category?: string | null, };

export type HighlightSpan = { text: string, hit: boolean, };

export type SearchHit = { id: string, score: number, name: Record<string, string>, highlight: { [key in string]: Array<HighlightSpan> }, country: string, category: string, exhibitor: string, exhibitor_name: Record<string, string>, unit: string, moq: number | null, price: Price | null, has_image: boolean, tags: Array<string>, };

export type FacetCounts = { country: { [key in string]: number }, category: { [key in string]: number }, };

export type SearchResponse = { total: number, hits: Array<SearchHit>, facets: FacetCounts, took_ms: number, };

export type CategoryRef = { id: string, name: Record<string, string>, };

export type ExhibitorRef = { id: string, name: Record<string, string>, country: string, city: Record<string, string> | null, booth: string | null, };

export type Product = { id: string, exhibitor: ExhibitorRef, category: CategoryRef, country: string, city: Record<string, string> | null, name: Record<string, string>, description: Record<string, string> | null, hs_code: string | null, unit: string, moq: number | null, price: Price | null, certifications: Array<string>, storage: string | null, shelf_life_days: number | null, image_count: number, tags: Array<string>, updated_at: string | null, };

export type ErrorCode = "invalid-bundle" | "not-found" | "bad-request" | "no-catalog" | "storage" | "search" | "internal";

export type ApiError = { code: ErrorCode, message: string, };
