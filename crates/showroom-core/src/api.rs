//! The one door: every call of `docs/ui-api.md`, implemented once for the app's Tauri
//! commands and for `showroom serve`'s HTTP handlers, which only translate their transport
//! into these typed calls and back.
//!
//! The rules that differ by front end live here and nowhere else: a kiosk shows no
//! inquiry history, a browser sees only the inquiries it names by reference (or an
//! operator, who sees all), an admin PIN exists only on a device, and a submit wakes the
//! outbox's sender. Errors come back as [`ApiError`] in the caller's language.

use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use crate::Showroom;
use crate::error::{ApiError, Error};
use crate::i18n::Lang;
use crate::inquiry::{
    Background, FieldError, InquiryDraft, OutboxEntry, OutboxInfo, Sender, SubmitResult,
    TradeSettings, Withdrawal, validate_inquiry,
};
use crate::insights::{ExhibitorReport, InsightRecord, InsightsReport};
use crate::kiosk::{AdminPin, PinCheck};
use crate::media::ThumbSize;
use crate::model::{CatalogInfo, ProductView};
use crate::qr::QrCode;
use crate::search::{SearchRequest, SearchResponse};
use crate::settings::ShowSettings;
use crate::showcase::{ExhibitorPage, HallMap, Showcase};

/// The longest address a QR code is made for.
pub const MAX_QR_URL: usize = 1024;
/// The most references one history request may name.
pub const MAX_REFS: usize = 50;

pub use crate::model::FrontEnd;

/// Who asks for a demand report: the operator of a device by its admin PIN, or the
/// online show's operator whose token `showroom serve` has checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operator {
    Pin(String),
    Token,
}

/// What a history request may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryScope {
    /// The whole outbox: a desktop's own, or an operator with the operator token.
    All,
    /// Only the inquiries named by these references (the capabilities a browser holds).
    Named(Vec<String>),
}

#[derive(Clone)]
pub struct Api {
    inner: Arc<Inner>,
}

struct Inner {
    showroom: Showroom,
    front: FrontEnd,
    settings: ShowSettings,
    trade: TradeSettings,
    sender: OnceLock<Sender>,
}

impl Api {
    /// The door of one front end over an open core. `settings.kiosk` is made to agree with
    /// `front` (a browser is never a kiosk, a kiosk always is).
    pub fn new(
        showroom: Showroom,
        front: FrontEnd,
        mut settings: ShowSettings,
        trade: TradeSettings,
    ) -> Api {
        settings.kiosk = front == FrontEnd::Kiosk;
        Api {
            inner: Arc::new(Inner {
                showroom,
                front,
                settings,
                trade,
                sender: OnceLock::new(),
            }),
        }
    }

    pub fn showroom(&self) -> &Showroom {
        &self.inner.showroom
    }

    pub fn front_end(&self) -> FrontEnd {
        self.inner.front
    }

    pub fn trade(&self) -> &TradeSettings {
        &self.inner.trade
    }

    /// The background work (outbox sender, retention, catalog sync) for this door; the
    /// caller spawns its `run`. Its sender is kept here, so every submit wakes it.
    pub fn background(&self) -> crate::Result<Background> {
        let (background, sender) = Background::new(self.inner.showroom.clone(), &self.inner.trade)?;
        if !sender.platform_configured() {
            tracing::warn!("no trade platform configured: inquiries stay queued on this machine");
        }
        let _ = self.inner.sender.set(sender);
        Ok(background)
    }

    pub async fn catalog_info(&self, lang: Lang) -> Result<CatalogInfo, ApiError> {
        self.inner.showroom.catalog_info().await.map_err(in_(lang))
    }

    pub async fn search(&self, mut request: SearchRequest) -> Result<SearchResponse, ApiError> {
        let lang = request.lang;
        // An empty filter is no filter (a form's cleared field).
        for filter in [
            &mut request.country,
            &mut request.category,
            &mut request.city,
            &mut request.certification,
            &mut request.storage,
            &mut request.currency,
        ] {
            if filter.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *filter = None;
            }
        }
        self.inner.showroom.search(request).await.map_err(in_(lang))
    }

    pub async fn product(&self, id: &str, lang: Lang) -> Result<ProductView, ApiError> {
        self.inner.showroom.product(id).await.map_err(in_(lang))
    }

    pub fn show_settings(&self) -> ShowSettings {
        self.inner.settings.clone()
    }

    pub async fn showcase(&self, lang: Lang) -> Result<Showcase, ApiError> {
        self.inner.showroom.showcase().await.map_err(in_(lang))
    }

    pub async fn exhibitor_page(
        &self,
        id: &str,
        offset: usize,
        lang: Lang,
    ) -> Result<ExhibitorPage, ApiError> {
        self.inner
            .showroom
            .exhibitor_page(id, offset)
            .await
            .map_err(in_(lang))
    }

    pub async fn hall_map(&self, lang: Lang) -> Result<HallMap, ApiError> {
        self.inner.showroom.hall_map().await.map_err(in_(lang))
    }

    pub fn qr_code(&self, url: &str, lang: Lang) -> Result<QrCode, ApiError> {
        if url.len() > MAX_QR_URL {
            return Err(ApiError::new(
                &Error::BadRequest(format!("address longer than {MAX_QR_URL} bytes")),
                lang,
            ));
        }
        crate::qr::qr_code(url).map_err(in_(lang))
    }

    /// Validates the draft and, when valid, commits it to the outbox and wakes the sender;
    /// an invalid draft is an answer (`invalid` with field errors in `lang`), not a failure.
    pub async fn submit_inquiry(
        &self,
        draft: InquiryDraft,
        lang: Lang,
    ) -> Result<SubmitResult, ApiError> {
        let products: Vec<String> = draft.items.iter().map(|i| i.product_id.clone()).collect();
        let given = |c: Option<&String>| {
            c.map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
        };
        let country = given(draft.buyer.country.as_ref())
            .or_else(|| given(draft.destination.as_ref().map(|d| &d.country)))
            .unwrap_or_default();
        let result = self
            .inner
            .showroom
            .submit_inquiry(
                draft,
                &self.inner.trade.source,
                lang,
                OffsetDateTime::now_utc(),
            )
            .await
            .map_err(in_(lang))?;
        if let SubmitResult::Queued { .. } = &result {
            if let Some(sender) = self.inner.sender.get() {
                sender.wake();
            }
            if self.inner.trade.insights.count {
                // The inquiry is stored: a failure to count it is logged, not the visitor's.
                if let Err(error) = self
                    .inner
                    .showroom
                    .record_inquiry_sent(
                        self.inner.front,
                        &products,
                        &country,
                        lang,
                        OffsetDateTime::now_utc(),
                    )
                    .await
                {
                    tracing::warn!(%error, "an inquiry was not counted");
                }
            }
        }
        Ok(result)
    }

    /// The field errors of a draft in `lang` (empty when valid); nothing is stored.
    pub fn validate_draft(&self, draft: &InquiryDraft, lang: Lang) -> Vec<FieldError> {
        validate_inquiry(draft, lang)
    }

    /// The buyer's history, newest first. A kiosk has none (its outbox holds other
    /// visitors' inquiries); a browser names its own, at most [`MAX_REFS`] at a time.
    pub async fn inquiries(
        &self,
        scope: HistoryScope,
        lang: Lang,
    ) -> Result<Vec<OutboxEntry>, ApiError> {
        if self.inner.front == FrontEnd::Kiosk {
            return Err(ApiError::new(
                &Error::BadRequest("a kiosk shows no inquiry history".into()),
                lang,
            ));
        }
        match scope {
            HistoryScope::All => self.inner.showroom.outbox().await.map_err(in_(lang)),
            HistoryScope::Named(refs) => {
                if refs.len() > MAX_REFS {
                    return Err(ApiError::new(
                        &Error::BadRequest(format!("at most {MAX_REFS} references")),
                        lang,
                    ));
                }
                self.inner
                    .showroom
                    .outbox_entries(&refs)
                    .await
                    .map_err(in_(lang))
            }
        }
    }

    /// One inquiry's state by its reference (404 when unknown). The state holds no
    /// personal data: products, quantities, dates and the platform's status.
    pub async fn inquiry(&self, client_ref: &str, lang: Lang) -> Result<OutboxEntry, ApiError> {
        self.inner
            .showroom
            .outbox_entry(client_ref)
            .await
            .map_err(in_(lang))
    }

    /// The visitor takes an inquiry back by its reference: one that has not left yet is
    /// removed and never sent; of one already sent, the personal data kept here is
    /// deleted now.
    pub async fn withdraw_inquiry(
        &self,
        client_ref: &str,
        lang: Lang,
    ) -> Result<Withdrawal, ApiError> {
        self.inner
            .showroom
            .withdraw_inquiry(client_ref, OffsetDateTime::now_utc())
            .await
            .map_err(in_(lang))
    }

    /// The outbox's state for the form, the history and the admin panel; whether the
    /// platform refuses the token is for the device's own screens and, in a browser, for
    /// the `operator` only.
    pub async fn outbox_info(&self, lang: Lang, operator: bool) -> Result<OutboxInfo, ApiError> {
        let undelivered = self.inner.showroom.undelivered().await.map_err(in_(lang))?;
        let auth_failing = if self.inner.front != FrontEnd::Browser || operator {
            self.inner
                .showroom
                .outbox_backlog(OffsetDateTime::now_utc())
                .await
                .map_err(in_(lang))?
                .auth_failing
        } else {
            false
        };
        Ok(OutboxInfo {
            platform_configured: self.inner.sender.get().map_or(
                self.inner.trade.platform.is_some(),
                Sender::platform_configured,
            ),
            undelivered,
            auth_failing,
        })
    }

    /// Counts what a visitor did (nothing when counting is off in the settings).
    pub async fn record_insight(&self, record: InsightRecord, lang: Lang) -> Result<(), ApiError> {
        if !self.inner.trade.insights.count {
            return Ok(());
        }
        self.inner
            .showroom
            .record_insight(self.inner.front, &record, OffsetDateTime::now_utc())
            .await
            .map_err(in_(lang))
    }

    /// Lets the operator in: a kiosk by its admin PIN (with its lockout), a browser only
    /// with the operator token (checked by `showroom serve`); a desktop is its owner's.
    async fn operator(&self, who: Operator, lang: Lang) -> Result<(), ApiError> {
        let refused = || ApiError::new(&Error::Unauthorized, lang);
        match (self.inner.front, who) {
            (FrontEnd::Browser, Operator::Token) => Ok(()),
            (FrontEnd::Browser, Operator::Pin(_)) => Err(refused()),
            (FrontEnd::Desktop, _) => Ok(()),
            (FrontEnd::Kiosk, Operator::Token) => Err(refused()),
            (FrontEnd::Kiosk, Operator::Pin(pin)) => match self.admin_unlock(pin, lang).await? {
                PinCheck::Accepted => Ok(()),
                _ => Err(refused()),
            },
        }
    }

    /// The demand report of `[from, to)` for the operator.
    pub async fn insights_report(
        &self,
        who: Operator,
        from: OffsetDateTime,
        to: OffsetDateTime,
        lang: Lang,
    ) -> Result<InsightsReport, ApiError> {
        self.operator(who, lang).await?;
        self.inner
            .showroom
            .insights_report(from, to)
            .await
            .map_err(in_(lang))
    }

    /// One exhibitor's report of `[from, to)` for the operator.
    pub async fn insights_exhibitor(
        &self,
        who: Operator,
        exhibitor_id: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
        lang: Lang,
    ) -> Result<ExhibitorReport, ApiError> {
        self.operator(who, lang).await?;
        self.inner
            .showroom
            .insights_exhibitor(exhibitor_id, from, to)
            .await
            .map_err(in_(lang))
    }

    /// Checks the admin PIN of this device (a browser has none).
    pub async fn admin_unlock(&self, pin: String, lang: Lang) -> Result<PinCheck, ApiError> {
        if self.inner.front == FrontEnd::Browser {
            return Err(ApiError::new(
                &Error::BadRequest("no admin in a browser".into()),
                lang,
            ));
        }
        let admin = AdminPin::new(self.inner.showroom.data_dir());
        crate::blocking(move || admin.check(&pin, unix_now()))
            .await
            .and_then(|checked| checked)
            .map_err(in_(lang))
    }

    /// The JPEG bytes of a product's image, looked up by catalog id.
    pub async fn product_image(
        &self,
        product: &str,
        index: u32,
        size: ThumbSize,
    ) -> Result<Vec<u8>, ApiError> {
        self.inner
            .showroom
            .product_image(product, index, size)
            .await
            .map_err(in_(Lang::En))
    }
}

impl Api {
    /// The JPEG bytes of a thumbnail by the digest of its source (the online show's
    /// `/media/{digest}/{size}`); not found unless the stored catalog has that image.
    pub async fn image_by_digest(
        &self,
        digest: &str,
        size: ThumbSize,
    ) -> Result<Vec<u8>, ApiError> {
        self.inner
            .showroom
            .image_by_digest(digest, size)
            .await
            .map_err(in_(Lang::En))
    }
}

fn in_(lang: Lang) -> impl Fn(Error) -> ApiError {
    move |error| ApiError::new(&error, lang)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
