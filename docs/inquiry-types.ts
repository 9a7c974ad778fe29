// Generated from the Rust types by showroom_core::inquiry::typescript(): do not edit.
// Regenerate with `UPDATE_BINDINGS=1 cargo test -p showroom-core --test it bindings`.
// `Lang` and `LocalizedText` are the ones of ui/src/api/types.ts.

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

export type SourceKind = "kiosk" | "desktop" | "cli";

export type Source = { kind: SourceKind, device_id: string, app_version: string, };

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
