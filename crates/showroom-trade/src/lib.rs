//! Order inquiries: the form's data, its validation with localised field errors, the
//! durable outbox in SQLite, the trade-platform client that delivers it, and the catalog
//! sync from the same platform (`trade-platform-api.md`).
//!
//! The facade's methods over these (`showroom_core::inquiry`) add the catalog sync and
//! the background sender. Time is always passed in (`now`) so that tests control the
//! clock; nothing here reads the environment: the shell or the CLI builds the
//! [`PlatformConfig`].

pub mod client;
pub mod insights;
pub mod outbox;
pub mod settings;
mod validate;
pub mod withdraw;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use showroom_model::{self as model, error, i18n};

pub use client::{Health, Platform, PlatformConfig, REFUSED_RETENTION, Retention, RetryPolicy};
pub use outbox::{DeliveryReport, FailureReason, ItemSummary, OutboxEntry, OutboxState};
pub use settings::{DeviceDefaults, InsightSettings, TradeSettings};
pub use validate::{FieldError, FieldErrorCode, INCOTERMS, MESSENGERS, validate_inquiry};
pub use withdraw::Withdrawal;

/// What the form sends: the platform's inquiry body without `client_ref`, `created_at`
/// and `source`, which the core fills. Missing fields deserialize to empty values so that
/// validation can name them, rather than failing as a whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct InquiryDraft {
    /// The reply language.
    #[ts(type = "Lang")]
    pub locale: String,
    pub items: Vec<InquiryItem>,
    /// An Incoterms 2020 code; absent means "not sure".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub incoterm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub destination: Option<Destination>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub delivery_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub message: Option<String>,
    pub buyer: Buyer,
    pub consent: Consent,
}

/// `value` without the spaces around it, in place.
fn trim_in_place(value: &mut String) {
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        *value = trimmed.to_string();
    }
}

/// `value` trimmed, and absent when nothing is left.
fn trim_optional(value: &mut Option<String>) {
    if let Some(v) = value {
        trim_in_place(v);
        if v.is_empty() {
            *value = None;
        }
    }
}

impl InquiryDraft {
    /// The draft as it is stored and sent: every text trimmed, blank optional texts absent.
    /// Validation judges the values as received (limits included), so trimming never makes
    /// a refused draft acceptable.
    pub fn trimmed(mut self) -> InquiryDraft {
        for item in &mut self.items {
            trim_in_place(&mut item.product_id);
            trim_in_place(&mut item.unit);
            if let Some(price) = &mut item.target_price {
                trim_in_place(&mut price.currency);
            }
        }
        trim_optional(&mut self.incoterm);
        if let Some(destination) = &mut self.destination {
            trim_in_place(&mut destination.country);
            trim_optional(&mut destination.place);
        }
        trim_optional(&mut self.delivery_by);
        trim_optional(&mut self.message);
        let buyer = &mut self.buyer;
        trim_in_place(&mut buyer.name);
        trim_optional(&mut buyer.company);
        trim_optional(&mut buyer.email);
        trim_optional(&mut buyer.phone);
        trim_optional(&mut buyer.country);
        if let Some(messenger) = &mut buyer.messenger {
            trim_in_place(&mut messenger.kind);
            trim_in_place(&mut messenger.handle);
        }
        trim_in_place(&mut self.consent.text_version);
        self
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct InquiryItem {
    pub product_id: String,
    pub quantity: f64,
    pub unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub target_price: Option<Money>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Destination {
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub place: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Buyer {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub email: Option<String>,
    /// E.164.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub messenger: Option<Messenger>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Messenger {
    /// `telegram`, `whatsapp`, `wechat` or `other`.
    pub kind: String,
    pub handle: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Consent {
    pub contact: bool,
    pub text_version: String,
}

/// Where an inquiry was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Kiosk,
    #[default]
    Desktop,
    Cli,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Source {
    pub kind: SourceKind,
    pub device_id: String,
    pub app_version: String,
}

/// The platform's inquiry body, exactly as sent on every try.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inquiry {
    pub client_ref: String,
    pub created_at: String,
    pub source: Source,
    #[serde(flatten)]
    pub draft: InquiryDraft,
}

/// The answer to a submit: queued (committed to the outbox) or invalid (nothing stored).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(tag = "status", rename_all = "kebab-case")]
// Made once per press of Send; a box would only complicate the callers' matching.
#[allow(clippy::large_enum_variant)]
pub enum SubmitResult {
    Queued { entry: OutboxEntry },
    Invalid { errors: Vec<FieldError> },
}

/// What the form and the history need to know about the outbox besides its entries.
#[derive(Clone, Debug, Serialize, TS)]
pub struct OutboxInfo {
    /// False when no trade platform is configured: inquiries stay queued on this device.
    pub platform_configured: bool,
    /// Inquiries still waiting to leave (queued or sending).
    pub undelivered: u32,
    /// The platform refuses this device's token: inquiries are held (kept, not lost)
    /// until an operator fixes it. Shown on the device's own screens and to the online
    /// show's operator, never to a visitor in a browser.
    pub auth_failing: bool,
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// RFC 3339 with the milliseconds kept (for next-attempt times).
pub fn rfc3339_ms(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn unix_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn from_unix_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The TypeScript declarations of the inquiry types, for the UI (`docs/inquiry-types.ts`).
pub fn typescript() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by showroom_core::inquiry::typescript(): do not edit.\n\
         // Regenerate with `UPDATE_BINDINGS=1 cargo test -p showroom-core --test it bindings`.\n\
         // `Lang` and `LocalizedText` are the ones of ui/src/api/types.ts.\n\n",
    );
    export_types(&cfg, &mut out, true);
    out.trim_end().to_string() + "\n"
}

/// Appends the declarations of the inquiry types to `out`; with `platform`, also those
/// only the platform's side uses (the inquiry's source).
pub fn export_types(cfg: &ts_rs::Config, out: &mut String, platform: bool) {
    fn export<T: TS>(cfg: &ts_rs::Config, out: &mut String) {
        out.push_str("export ");
        out.push_str(&T::decl(cfg));
        out.push_str("\n\n");
    }
    export::<InquiryDraft>(cfg, out);
    export::<InquiryItem>(cfg, out);
    export::<Money>(cfg, out);
    export::<Destination>(cfg, out);
    export::<Buyer>(cfg, out);
    export::<Messenger>(cfg, out);
    export::<Consent>(cfg, out);
    if platform {
        export::<SourceKind>(cfg, out);
        export::<Source>(cfg, out);
    }
    export::<FieldErrorCode>(cfg, out);
    export::<FieldError>(cfg, out);
    export::<OutboxState>(cfg, out);
    export::<FailureReason>(cfg, out);
    export::<ItemSummary>(cfg, out);
    export::<OutboxEntry>(cfg, out);
    export::<SubmitResult>(cfg, out);
    export::<OutboxInfo>(cfg, out);
    export::<Withdrawal>(cfg, out);
}
