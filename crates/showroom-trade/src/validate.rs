//! The rules of an inquiry (`trade-platform-api.md`), checked all at once: every problem
//! comes back as a field path, a code the UI can branch on, and a sentence in the
//! visitor's language for beside the field.

use serde::Serialize;
use ts_rs::TS;

use super::InquiryDraft;
use crate::i18n::{Lang, n, tr};
use showroom_model::codes;

pub const INCOTERMS: [&str; 11] = [
    "EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP",
];
pub const MESSENGERS: [&str; 4] = ["telegram", "whatsapp", "wechat", "other"];
pub const MAX_ITEMS: usize = 50;
pub const MAX_MESSAGE: usize = 4000;
const MAX_NAME: usize = 200;
const MAX_HANDLE: usize = 100;
/// An e-mail address's longest form (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;
/// Phone numbers, country codes, Incoterms and dates: short codes with room for spaces.
const MAX_CODE: usize = 32;
/// The version of the consent text the visitor agreed to.
const MAX_VERSION: usize = 64;

/// Whether `value` has more than `max` characters, looking at no more than `max + 1` of
/// them. Limits apply to the value as received, spaces included: what is stored is the
/// trimmed value, but a field is never accepted because trimming would shrink it.
fn too_long(value: &str, max: usize) -> bool {
    value.len() > max && value.chars().nth(max).is_some()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FieldErrorCode {
    Required,
    Invalid,
    TooLong,
    TooFew,
    TooMany,
    NotPositive,
    UnknownUnit,
    UnknownIncoterm,
    UnknownCountry,
    UnknownCurrency,
    ContactRequired,
    ConsentRequired,
}

impl FieldErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::Invalid => "invalid",
            FieldErrorCode::TooLong => "too-long",
            FieldErrorCode::TooFew => "too-few",
            FieldErrorCode::TooMany => "too-many",
            FieldErrorCode::NotPositive => "not-positive",
            FieldErrorCode::UnknownUnit => "unknown-unit",
            FieldErrorCode::UnknownIncoterm => "unknown-incoterm",
            FieldErrorCode::UnknownCountry => "unknown-country",
            FieldErrorCode::UnknownCurrency => "unknown-currency",
            FieldErrorCode::ContactRequired => "contact-required",
            FieldErrorCode::ConsentRequired => "consent-required",
        }
    }
}

/// One problem of one field: `field` is a path such as `items[0].quantity`.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    /// The sentence to show beside the field, in the visitor's language.
    pub message: String,
}

struct Check {
    lang: Lang,
    errors: Vec<FieldError>,
}

impl Check {
    fn add(&mut self, field: impl Into<String>, code: FieldErrorCode, max: Option<usize>) {
        let id = format!("inquiry-error-{}", code.as_str());
        let message = match max {
            Some(max) => tr(self.lang, &id, &[n("max", max as f64)]),
            None => tr(self.lang, &id, &[]),
        };
        self.errors.push(FieldError {
            field: field.into(),
            code,
            message,
        });
    }

    fn text(&mut self, field: &str, value: Option<&str>, required: bool, max: usize) {
        match value {
            Some(v) if too_long(v, max) => self.add(field, FieldErrorCode::TooLong, Some(max)),
            None if required => self.add(field, FieldErrorCode::Required, None),
            Some(v) if required && v.trim().is_empty() => {
                self.add(field, FieldErrorCode::Required, None)
            }
            _ => {}
        }
    }

    /// An optional short field: too long as received is an error (and `None`, so no other
    /// rule runs on it); otherwise its trimmed value when not blank.
    fn short<'a>(&mut self, field: &str, value: &'a Option<String>, max: usize) -> Option<&'a str> {
        match value.as_deref() {
            Some(v) if too_long(v, max) => {
                self.add(field, FieldErrorCode::TooLong, Some(max));
                None
            }
            _ => present(value),
        }
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A practical check of an e-mail address: one `@`, a dotless-free local part of
/// printable characters, and a domain of letter-digit-hyphen labels with a dot.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = value.len() <= 254
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
    local_ok && domain_ok
}

/// E.164: `+`, a non-zero digit, then 6 to 14 more digits.
pub fn is_e164(value: &str) -> bool {
    let Some(digits) = value.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// `YYYY-MM-DD`, a real calendar day.
pub fn is_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return false;
    };
    time::Month::try_from(m)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
        .is_some()
}

fn positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

/// Every problem of `draft`, in form order; empty when it may be sent.
pub fn validate_inquiry(draft: &InquiryDraft, lang: Lang) -> Vec<FieldError> {
    use FieldErrorCode::*;
    let mut c = Check {
        lang,
        errors: Vec::new(),
    };
    if draft.locale.len() > 8 || Lang::parse(&draft.locale).is_none_or(|l| l.code() != draft.locale)
    {
        c.add("locale", Invalid, None);
    }
    if draft.items.is_empty() {
        c.add("items", TooFew, None);
    } else if draft.items.len() > MAX_ITEMS {
        c.add("items", TooMany, Some(MAX_ITEMS));
    }
    for (i, item) in draft.items.iter().enumerate().take(MAX_ITEMS) {
        let at = |f: &str| format!("items[{i}].{f}");
        if item.product_id.trim().is_empty() {
            c.add(at("product_id"), Required, None);
        } else if !codes::is_id(&item.product_id, 64) {
            c.add(at("product_id"), Invalid, None);
        }
        if !positive(item.quantity) {
            c.add(at("quantity"), NotPositive, None);
        }
        if item.unit.is_empty() {
            c.add(at("unit"), Required, None);
        } else if !codes::UNITS.contains(&item.unit.as_str()) {
            c.add(at("unit"), UnknownUnit, None);
        }
        if let Some(price) = &item.target_price {
            if !positive(price.amount) {
                c.add(at("target_price.amount"), NotPositive, None);
            }
            if !codes::is_currency(&price.currency) {
                c.add(at("target_price.currency"), UnknownCurrency, None);
            }
        }
    }
    if let Some(incoterm) = c.short("incoterm", &draft.incoterm, MAX_CODE)
        && !INCOTERMS.contains(&incoterm)
    {
        c.add("incoterm", UnknownIncoterm, None);
    }
    if let Some(destination) = &draft.destination {
        if destination.country.is_empty() {
            c.add("destination.country", Required, None);
        } else if !codes::is_country(&destination.country) {
            c.add("destination.country", UnknownCountry, None);
        }
        c.text(
            "destination.place",
            destination.place.as_deref(),
            false,
            MAX_NAME,
        );
    }
    if let Some(date) = c.short("delivery_by", &draft.delivery_by, MAX_CODE)
        && !is_date(date)
    {
        c.add("delivery_by", Invalid, None);
    }
    c.text("message", draft.message.as_deref(), false, MAX_MESSAGE);

    let buyer = &draft.buyer;
    c.text("buyer.name", Some(&buyer.name), true, MAX_NAME);
    c.text("buyer.company", buyer.company.as_deref(), false, MAX_NAME);
    // A contact given but too long is named as too long, not as missing.
    let email_given = present(&buyer.email).is_some();
    if let Some(email) = c.short("buyer.email", &buyer.email, MAX_EMAIL)
        && !is_email(email)
    {
        c.add("buyer.email", Invalid, None);
    }
    let phone_given = present(&buyer.phone).is_some();
    if let Some(phone) = c.short("buyer.phone", &buyer.phone, MAX_CODE)
        && !is_e164(phone)
    {
        c.add("buyer.phone", Invalid, None);
    }
    if let Some(country) = c.short("buyer.country", &buyer.country, MAX_CODE)
        && !codes::is_country(country)
    {
        c.add("buyer.country", UnknownCountry, None);
    }
    let mut messenger_given = false;
    if let Some(messenger) = &buyer.messenger {
        if !MESSENGERS.contains(&messenger.kind.as_str()) {
            c.add("buyer.messenger.kind", Invalid, None);
        }
        c.text(
            "buyer.messenger.handle",
            Some(&messenger.handle),
            true,
            MAX_HANDLE,
        );
        messenger_given = !messenger.handle.trim().is_empty();
    }
    if !email_given && !phone_given && !messenger_given {
        c.add("buyer", ContactRequired, None);
    }
    if !draft.consent.contact {
        c.add("consent.contact", ConsentRequired, None);
    }
    c.text(
        "consent.text_version",
        Some(&draft.consent.text_version),
        true,
        MAX_VERSION,
    );
    c.errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a.sadykova@example.kz",
            "x+y@sub.example.com",
            "иван@пример.рф",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a@",
            "@b.c",
            "a@b",
            "a b@c.de",
            "a..b@c.de",
            "a@-b.de",
            "a@b.c",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert!(is_e164("+77011234567"));
        assert!(is_e164("+8613800138000"));
        for bad in [
            "77011234567",
            "+0701123456",
            "+7 701 123",
            "+12345",
            "+1234567890123456",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
