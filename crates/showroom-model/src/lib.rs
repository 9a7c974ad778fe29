//! The ground every part of SCO Showroom stands on: the catalog's domain types, shaped
//! exactly like the bundle format (`catalog-format.md`), plus the views the UI and the CLI
//! receive; errors and their localised messages (`error`, `i18n`), a bundle's problems
//! (`problem`), the country and unit codes (`codes`), private and atomic files (`disk`)
//! and the process settings every binary makes (`process`).

pub mod codes;
pub mod disk;
pub mod error;
pub mod i18n;
pub mod problem;
pub mod process;

pub use error::{ApiError, Error, ErrorCode, Result};
pub use i18n::Lang;

/// The settings file in the data directory (`showroom.toml`).
pub const SETTINGS_FILE: &str = "showroom.toml";

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who is at the other end of the door (`api`), and whose counts a demand figure is
/// (`insights`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontEnd {
    /// The app in kiosk mode: unattended, shared by every visitor of the hall.
    Kiosk,
    /// The app on a buyer's own machine.
    Desktop,
    /// A browser of the online show: anyone on the internet.
    Browser,
}

impl FrontEnd {
    /// The name stored with a count.
    pub fn as_str(self) -> &'static str {
        match self {
            FrontEnd::Kiosk => "kiosk",
            FrontEnd::Desktop => "desktop",
            FrontEnd::Browser => "browser",
        }
    }
}

/// Text in several languages, keyed by BCP 47 primary tag (`zh`, `ru`, `en`, ...).
pub type LocalizedText = BTreeMap<String, String>;

/// Picks the text to show in `lang` along the fallback chain; `None` when the map is
/// empty.
pub fn pick(text: &LocalizedText, lang: Lang) -> Option<(&str, &str)> {
    lang.fallback_chain()
        .iter()
        .find_map(|code| text.get(*code).map(|t| (*code, t.as_str())))
        .or_else(|| text.iter().next().map(|(k, v)| (k.as_str(), v.as_str())))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub format: i64,
    pub id: String,
    pub version: String,
    #[ts(type = "Record<string, string>")]
    pub title: LocalizedText,
    pub default_currency: String,
    pub published_at: String,
    /// The zone's partner cities, marked on the home map (`[[partner_city]]`, optional;
    /// a reader that does not know it ignores it, as format 1 allows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partner_city: Vec<PartnerCity>,
}

/// Two names of a city name the same place when they share a spelling in some language,
/// letter case and spaces, hyphens and dots aside ("St Petersburg", "St. Petersburg").
pub fn same_place(a: &LocalizedText, b: &LocalizedText) -> bool {
    let fold = |t: &str| -> String {
        t.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '\u{2010}'..='\u{2015}'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    a.iter()
        .any(|(lang, text)| b.get(lang).is_some_and(|other| fold(text) == fold(other)))
}

/// A city the zone trades with, where the map shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct PartnerCity {
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Degrees north, -90 to 90.
    pub lat: f64,
    /// Degrees east, -180 to 180.
    pub lon: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Category {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
}

impl Category {
    pub fn parent(&self) -> Option<&str> {
        self.id.rsplit_once('/').map(|(parent, _)| parent)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Exhibitor {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub country: String,
    #[serde(default)]
    #[ts(type = "Record<string, string> | null")]
    pub city: Option<LocalizedText>,
    #[serde(default)]
    pub booth: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    #[ts(type = "Record<string, string> | null")]
    pub description: Option<LocalizedText>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct PriceTier {
    pub min_qty: f64,
    pub unit_price: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Price {
    pub currency: String,
    pub tiers: Vec<PriceTier>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Product {
    pub id: String,
    pub exhibitor: String,
    pub category: String,
    pub country: String,
    #[serde(default)]
    #[ts(type = "Record<string, string> | null")]
    pub city: Option<LocalizedText>,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    #[serde(default)]
    #[ts(type = "Record<string, string> | null")]
    pub description: Option<LocalizedText>,
    #[serde(default)]
    #[ts(type = "Record<string, string[]> | null")]
    pub keywords: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub hs_code: Option<String>,
    pub unit: String,
    #[serde(default)]
    pub moq: Option<f64>,
    #[serde(default)]
    pub price: Option<Price>,
    #[serde(default)]
    pub certifications: Vec<String>,
    #[serde(default)]
    pub storage: Option<String>,
    #[serde(default)]
    pub shelf_life_days: Option<u32>,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Hall {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Booth {
    pub id: String,
    pub hall: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A whole catalog in memory: what a bundle holds and what the store gives back to
/// rebuild the index.
#[derive(Clone, Debug, Default)]
pub struct CatalogData {
    pub manifest: Option<Manifest>,
    pub categories: Vec<Category>,
    pub exhibitors: Vec<Exhibitor>,
    pub products: Vec<Product>,
    pub halls: Vec<Hall>,
    pub booths: Vec<Booth>,
}

/// What the UI shows in its header and what `catalog stats` starts from.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CatalogInfo {
    pub id: String,
    pub version: String,
    #[ts(type = "Record<string, string>")]
    pub title: LocalizedText,
    pub products: u32,
    pub exhibitors: u32,
    pub categories: u32,
    /// Every category's name, by id, for facet chips and breadcrumbs.
    #[ts(type = "Record<string, Record<string, string>>")]
    pub category_names: BTreeMap<String, LocalizedText>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct CategoryRef {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct ExhibitorRef {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub country: String,
    #[ts(type = "Record<string, string> | null")]
    pub city: Option<LocalizedText>,
    pub booth: Option<String>,
}

/// A product as the product page shows it, with its exhibitor and category resolved.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(rename = "Product")]
pub struct ProductView {
    pub id: String,
    pub exhibitor: ExhibitorRef,
    pub category: CategoryRef,
    pub country: String,
    #[ts(type = "Record<string, string> | null")]
    pub city: Option<LocalizedText>,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    #[ts(type = "Record<string, string> | null")]
    pub description: Option<LocalizedText>,
    pub hs_code: Option<String>,
    pub unit: String,
    pub moq: Option<f64>,
    pub price: Option<Price>,
    pub certifications: Vec<String>,
    pub storage: Option<String>,
    pub shelf_life_days: Option<u32>,
    pub image_count: u32,
    /// The digests of the photos, in order: their thumbnails are `/media/{digest}/{size}`
    /// in the online show.
    pub images: Vec<String>,
    pub tags: Vec<String>,
    pub updated_at: Option<String>,
}

/// Counts for `showroom catalog stats`.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogStats {
    pub id: String,
    pub version: String,
    pub products: u32,
    pub exhibitors: u32,
    pub categories: u32,
    pub images: u32,
    pub per_country: BTreeMap<String, u32>,
    /// How many products have a name in each language.
    pub name_languages: BTreeMap<String, u32>,
}
