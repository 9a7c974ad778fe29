//! What the showroom shows besides search: the home screen's featured and new products,
//! countries, cities and categories; exhibitor pages; the hall map with its booths; the
//! QR code of a product's address in the online show; and the kiosk's settings and admin
//! PIN (an Argon2 hash with a lockout after repeated failures).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result, toml_error};
use crate::i18n::Lang;
use crate::model::{CatalogData, ExhibitorRef, Hall, LocalizedText, Product};
use crate::search::SearchHit;

/// How many featured and new products the home screen gets.
const SHOWCASE_LIST: usize = 24;

#[derive(Clone, Debug, Serialize, TS)]
pub struct CountryCount {
    pub country: String,
    pub products: u32,
    pub exhibitors: u32,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct CityCount {
    pub country: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub exhibitors: u32,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct CategoryCount {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    /// Products in this category and all below it.
    pub products: u32,
}

/// The home and attract screens' content.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Showcase {
    pub featured: Vec<SearchHit>,
    pub new: Vec<SearchHit>,
    pub countries: Vec<CountryCount>,
    pub cities: Vec<CityCount>,
    /// Top-level categories only.
    pub categories: Vec<CategoryCount>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct ExhibitorPage {
    pub id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub country: String,
    #[ts(type = "Record<string, string> | null")]
    pub city: Option<LocalizedText>,
    pub booth: Option<String>,
    pub hall: Option<String>,
    pub website: Option<String>,
    #[ts(type = "Record<string, string> | null")]
    pub description: Option<LocalizedText>,
    pub products: Vec<SearchHit>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct BoothView {
    pub id: String,
    pub hall: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub exhibitors: Vec<ExhibitorRef>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct HallMap {
    pub halls: Vec<Hall>,
    pub booths: Vec<BoothView>,
}

/// A QR code as data: `size` modules square, `path` the SVG path data of the dark
/// modules in module units (the UI draws it; no markup crosses the boundary).
#[derive(Clone, Debug, Serialize, TS)]
pub struct QrCode {
    pub size: u32,
    pub path: String,
    pub url: String,
}

/// The parts of `DATA_DIR/showroom.toml` the showroom screens use. Unknown keys belong
/// to other parts of the app and are ignored.
#[derive(Clone, Debug, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct ShowSettings {
    /// Run as an unattended kiosk.
    pub kiosk: bool,
    /// The online show's address for QR codes (`showroom serve` behind a public name);
    /// `None` leaves it to the UI (the served origin in a browser, nothing in the app).
    pub online_show_url: Option<String>,
    /// The booth this kiosk stands at or next to ("you are here").
    pub kiosk_booth: Option<String>,
    /// The language a kiosk returns to after a reset.
    pub default_lang: Option<Lang>,
    /// Seconds without a touch before the idle warning, and before the reset after it.
    pub idle_seconds: Option<u32>,
    pub idle_warning_seconds: Option<u32>,
}

impl ShowSettings {
    /// Reads the settings from `showroom.toml` in `data_dir`; a missing file is the
    /// defaults, a broken one is an error naming it.
    pub fn load(data_dir: &Path) -> Result<ShowSettings> {
        let path = data_dir.join("showroom.toml");
        match fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| toml_error("showroom.toml", &text, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ShowSettings::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}

/// The answer to a PIN attempt.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PinCheck {
    Accepted,
    /// Wrong PIN; `remaining` more tries before the lockout.
    Rejected {
        remaining: u32,
    },
    /// Too many failures: no attempt is even checked until `until` (Unix seconds).
    LockedOut {
        until: i64,
    },
    /// No PIN was ever set: admin functions stay closed.
    NotSet,
}

/// Failed attempts allowed before a lockout, and how long a lockout lasts (doubling with
/// every further lockout, up to 15 minutes: visitors poking at the PIN pad must not keep
/// the staff out for long; an operator with local access lifts a lockout at once with
/// `showroom kiosk unlock`).
pub const PIN_TRIES: u32 = 5;
pub const PIN_LOCKOUT_SECS: i64 = 60;
pub const PIN_LOCKOUT_MAX_SECS: i64 = 15 * 60;

/// What lifting a lockout found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinUnlock {
    /// No PIN is set: nothing to unlock.
    NotSet,
    /// A lockout until this time (Unix seconds) was lifted.
    WasLocked { until: i64 },
    /// Not locked out; the failure count (if any) was cleared.
    NotLocked,
}

/// A PIN the pad can type: 4 to 12 ASCII digits.
pub fn pin_is_valid(pin: &str) -> bool {
    (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct PinFile {
    hash: Option<String>,
    failures: u32,
    lockouts: u32,
    locked_until: i64,
}

/// The admin PIN's hash and its failure counter, in `DATA_DIR/kiosk-pin.toml`. The
/// counter lives on disk so a restart does not reset a lockout.
pub struct AdminPin {
    path: PathBuf,
}

impl AdminPin {
    pub fn new(data_dir: &Path) -> AdminPin {
        AdminPin {
            path: data_dir.join("kiosk-pin.toml"),
        }
    }

    fn read(&self) -> Result<PinFile> {
        match fs::read_to_string(&self.path) {
            Ok(text) => toml::from_str(&text).map_err(|e| toml_error("kiosk-pin.toml", &text, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(PinFile::default()),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// Replaces the file whole (written beside it, then renamed), readable by its owner
    /// only: a short PIN's hash is quickly tried through.
    fn write(&self, file: &PinFile) -> Result<()> {
        let text = toml::to_string(file).map_err(|e| Error::Internal(e.to_string()))?;
        let tmp = self.path.with_extension("toml.tmp");
        crate::write_private(&tmp, text.as_bytes())?;
        fs::rename(&tmp, &self.path).map_err(|e| Error::io(&self.path, e))
    }

    pub fn is_set(&self) -> Result<bool> {
        Ok(self.read()?.hash.is_some())
    }

    /// Stores a new PIN (4 to 12 digits) and clears the failure counter.
    pub fn set(&self, pin: &str) -> Result<()> {
        if !pin_is_valid(pin) {
            return Err(Error::Internal("the PIN must be 4 to 12 digits".into()));
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| Error::Internal(format!("argon2: {e}")))?
            .to_string();
        self.write(&PinFile {
            hash: Some(hash),
            ..PinFile::default()
        })
    }

    /// Lifts any lockout and clears the failure count, keeping the PIN (the operator's
    /// recovery, with local access to the data directory).
    pub fn unlock(&self, now: i64) -> Result<PinUnlock> {
        let mut file = self.read()?;
        if file.hash.is_none() {
            return Ok(PinUnlock::NotSet);
        }
        let outcome = if now < file.locked_until {
            PinUnlock::WasLocked {
                until: file.locked_until,
            }
        } else {
            PinUnlock::NotLocked
        };
        file.failures = 0;
        file.lockouts = 0;
        file.locked_until = 0;
        self.write(&file)?;
        Ok(outcome)
    }

    /// Checks one attempt at time `now` (Unix seconds, passed in so tests control it).
    pub fn check(&self, pin: &str, now: i64) -> Result<PinCheck> {
        let mut file = self.read()?;
        let Some(hash) = file.hash.clone() else {
            return Ok(PinCheck::NotSet);
        };
        // A lockout never ends later than the longest one from now: one written by an
        // earlier version (up to a day) or before the clock was set back is cut short.
        if file.locked_until > now + PIN_LOCKOUT_MAX_SECS {
            file.locked_until = now + PIN_LOCKOUT_MAX_SECS;
            self.write(&file)?;
        }
        if now < file.locked_until {
            return Ok(PinCheck::LockedOut {
                until: file.locked_until,
            });
        }
        let parsed =
            PasswordHash::new(&hash).map_err(|e| Error::Internal(format!("argon2: {e}")))?;
        if Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
        {
            file.failures = 0;
            file.lockouts = 0;
            file.locked_until = 0;
            self.write(&file)?;
            return Ok(PinCheck::Accepted);
        }
        file.failures += 1;
        let outcome = if file.failures >= PIN_TRIES {
            let secs = (PIN_LOCKOUT_SECS << file.lockouts.min(16)).min(PIN_LOCKOUT_MAX_SECS);
            file.failures = 0;
            file.lockouts += 1;
            file.locked_until = now + secs;
            PinCheck::LockedOut {
                until: file.locked_until,
            }
        } else {
            PinCheck::Rejected {
                remaining: PIN_TRIES - file.failures,
            }
        };
        self.write(&file)?;
        Ok(outcome)
    }
}

/// The QR code of `url` (an address in the online show).
pub fn qr_code(url: &str) -> Result<QrCode> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Internal(format!("qr: {e}")))?;
    let size = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if colors[y * size + x] == qrcode::Color::Dark {
                let start = x;
                while x < size && colors[y * size + x] == qrcode::Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(QrCode {
        size: size as u32,
        path,
        url: url.to_string(),
    })
}

fn card(
    p: &Product,
    exhibitor_names: &HashMap<&str, &LocalizedText>,
    images: &BTreeMap<String, String>,
) -> SearchHit {
    SearchHit {
        id: p.id.clone(),
        score: 0.0,
        name: p.name.clone(),
        highlight: BTreeMap::new(),
        country: p.country.clone(),
        category: p.category.clone(),
        exhibitor: p.exhibitor.clone(),
        exhibitor_name: exhibitor_names
            .get(p.exhibitor.as_str())
            .map(|n| (*n).clone())
            .unwrap_or_default(),
        unit: p.unit.clone(),
        moq: p.moq,
        price: p.price.clone(),
        has_image: images.contains_key(&p.id),
        image: images.get(&p.id).cloned(),
        tags: p.tags.clone(),
    }
}

fn exhibitor_names(data: &CatalogData) -> HashMap<&str, &LocalizedText> {
    data.exhibitors
        .iter()
        .map(|e| (e.id.as_str(), &e.name))
        .collect()
}

/// Builds the home screen from a whole catalog.
pub fn showcase(data: &CatalogData, images: &BTreeMap<String, String>) -> Showcase {
    let names = exhibitor_names(data);
    let tagged = |tag: &str| -> Vec<SearchHit> {
        let mut list: Vec<&Product> = data
            .products
            .iter()
            .filter(|p| p.tags.iter().any(|t| t == tag))
            .collect();
        // Newest first for "new"; pictures first for both, so the screen is never grey.
        list.sort_by(|a, b| {
            let img = |p: &Product| !images.contains_key(&p.id);
            img(a)
                .cmp(&img(b))
                .then_with(|| b.updated_at.cmp(&a.updated_at))
                .then_with(|| a.id.cmp(&b.id))
        });
        list.into_iter()
            .take(SHOWCASE_LIST)
            .map(|p| card(p, &names, images))
            .collect()
    };

    let mut countries: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for p in &data.products {
        countries.entry(p.country.as_str()).or_default().0 += 1;
    }
    for e in &data.exhibitors {
        countries.entry(e.country.as_str()).or_default().1 += 1;
    }
    let mut cities: BTreeMap<(String, String), CityCount> = BTreeMap::new();
    for e in &data.exhibitors {
        if let Some(city) = &e.city {
            let key = (
                e.country.clone(),
                city.get("en")
                    .or_else(|| city.values().next())
                    .cloned()
                    .unwrap_or_default(),
            );
            cities
                .entry(key)
                .or_insert_with(|| CityCount {
                    country: e.country.clone(),
                    name: city.clone(),
                    exhibitors: 0,
                })
                .exhibitors += 1;
        }
    }
    let categories = data
        .categories
        .iter()
        .filter(|c| c.parent().is_none())
        .map(|c| CategoryCount {
            id: c.id.clone(),
            name: c.name.clone(),
            products: data
                .products
                .iter()
                .filter(|p| p.category == c.id || p.category.starts_with(&format!("{}/", c.id)))
                .count() as u32,
        })
        .filter(|c| c.products > 0)
        .collect();
    Showcase {
        featured: tagged("featured"),
        new: tagged("new"),
        countries: countries
            .into_iter()
            .map(|(country, (products, exhibitors))| CountryCount {
                country: country.to_string(),
                products,
                exhibitors,
            })
            .collect(),
        cities: cities.into_values().collect(),
        categories,
    }
}

fn exhibitor_ref(e: &crate::model::Exhibitor) -> ExhibitorRef {
    ExhibitorRef {
        id: e.id.clone(),
        name: e.name.clone(),
        country: e.country.clone(),
        city: e.city.clone(),
        booth: e.booth.clone(),
    }
}

impl crate::Showroom {
    async fn whole_catalog(&self) -> Result<(CatalogData, BTreeMap<String, String>)> {
        let data = self.inner.store.load_all().await?;
        let images = self.inner.store.first_images().await?;
        Ok((data, images))
    }

    /// Featured and new products, countries, cities and top-level categories.
    pub async fn showcase(&self) -> Result<Showcase> {
        let (data, images) = self.whole_catalog().await?;
        Ok(showcase(&data, &images))
    }

    pub async fn exhibitor_page(&self, id: &str) -> Result<ExhibitorPage> {
        let (data, images) = self.whole_catalog().await?;
        let e = data
            .exhibitors
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| Error::NotFound {
                kind: "exhibitor",
                id: id.to_string(),
            })?;
        let names = exhibitor_names(&data);
        let hall = e
            .booth
            .as_ref()
            .and_then(|b| data.booths.iter().find(|x| &x.id == b))
            .map(|b| b.hall.clone());
        Ok(ExhibitorPage {
            id: e.id.clone(),
            name: e.name.clone(),
            country: e.country.clone(),
            city: e.city.clone(),
            booth: e.booth.clone(),
            hall,
            website: e.website.clone(),
            description: e.description.clone(),
            products: data
                .products
                .iter()
                .filter(|p| p.exhibitor == e.id)
                .map(|p| card(p, &names, &images))
                .collect(),
        })
    }

    /// Halls and booths of `hall.toml`, each booth with the exhibitors standing at it.
    pub async fn hall_map(&self) -> Result<HallMap> {
        let data = self.inner.store.load_all().await?;
        let booths = data
            .booths
            .iter()
            .map(|b| BoothView {
                id: b.id.clone(),
                hall: b.hall.clone(),
                x: b.x,
                y: b.y,
                w: b.w,
                h: b.h,
                exhibitors: data
                    .exhibitors
                    .iter()
                    .filter(|e| e.booth.as_deref() == Some(b.id.as_str()))
                    .map(exhibitor_ref)
                    .collect(),
            })
            .collect();
        Ok(HallMap {
            halls: data.halls,
            booths,
        })
    }

    /// The kiosk and online-show settings of this data directory.
    pub fn show_settings(&self) -> Result<ShowSettings> {
        ShowSettings::load(self.data_dir())
    }

    pub fn admin_pin(&self) -> AdminPin {
        AdminPin::new(self.data_dir())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_locks_out_after_repeated_failures_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        assert_eq!(pin.check("1234", 0).unwrap(), PinCheck::NotSet);
        pin.set("2468").unwrap();
        assert!(
            fs::read_to_string(dir.path().join("kiosk-pin.toml"))
                .unwrap()
                .contains("$argon2id$")
        );
        assert_eq!(pin.check("2468", 10).unwrap(), PinCheck::Accepted);
        for left in (1..PIN_TRIES).rev() {
            assert_eq!(
                pin.check("0000", 20).unwrap(),
                PinCheck::Rejected { remaining: left }
            );
        }
        assert_eq!(
            pin.check("0000", 20).unwrap(),
            PinCheck::LockedOut {
                until: 20 + PIN_LOCKOUT_SECS
            }
        );
        // Even the right PIN is not checked while locked, also by a new instance.
        let again = AdminPin::new(dir.path());
        assert_eq!(
            again.check("2468", 30).unwrap(),
            PinCheck::LockedOut {
                until: 20 + PIN_LOCKOUT_SECS
            }
        );
        assert_eq!(
            again.check("2468", 20 + PIN_LOCKOUT_SECS).unwrap(),
            PinCheck::Accepted
        );
        assert!(pin.set("12a4").is_err());
    }

    /// Five wrong PINs at `now`: the lockout they cause.
    fn five_wrong(pin: &AdminPin, now: i64) -> PinCheck {
        for _ in 1..PIN_TRIES {
            assert!(matches!(
                pin.check("0000", now).unwrap(),
                PinCheck::Rejected { .. }
            ));
        }
        pin.check("0000", now).unwrap()
    }

    #[test]
    fn lockouts_double_but_never_pass_fifteen_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        pin.set("2468").unwrap();
        let mut now = 1_000;
        let mut lengths = Vec::new();
        for _ in 0..12 {
            let PinCheck::LockedOut { until } = five_wrong(&pin, now) else {
                panic!("five wrong PINs lock");
            };
            lengths.push(until - now);
            now = until;
        }
        assert_eq!(
            lengths,
            [60, 120, 240, 480, 900, 900, 900, 900, 900, 900, 900, 900]
        );
        assert!(lengths.iter().all(|&secs| secs <= PIN_LOCKOUT_MAX_SECS));
        // The right PIN after the last lockout ends starts over at a minute.
        assert_eq!(pin.check("2468", now).unwrap(), PinCheck::Accepted);
        assert_eq!(
            five_wrong(&pin, now),
            PinCheck::LockedOut {
                until: now + PIN_LOCKOUT_SECS
            }
        );
    }

    #[test]
    fn a_day_long_lockout_from_an_earlier_version_is_cut_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        pin.set("2468").unwrap();
        let mut file = pin.read().unwrap();
        file.lockouts = 11;
        file.locked_until = 5_000 + 86_400;
        pin.write(&file).unwrap();
        assert_eq!(
            pin.check("2468", 5_000).unwrap(),
            PinCheck::LockedOut {
                until: 5_000 + PIN_LOCKOUT_MAX_SECS
            }
        );
        // Cut once, not pushed along by every later attempt.
        assert_eq!(
            pin.check("2468", 5_100).unwrap(),
            PinCheck::LockedOut {
                until: 5_000 + PIN_LOCKOUT_MAX_SECS
            }
        );
        assert_eq!(
            pin.check("2468", 5_000 + PIN_LOCKOUT_MAX_SECS).unwrap(),
            PinCheck::Accepted
        );
    }

    #[test]
    fn unlock_lifts_a_lockout_and_keeps_the_pin() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        assert_eq!(pin.unlock(0).unwrap(), PinUnlock::NotSet);
        assert!(!dir.path().join("kiosk-pin.toml").exists());
        pin.set("2468").unwrap();
        let PinCheck::LockedOut { until } = five_wrong(&pin, 100) else {
            panic!("five wrong PINs lock");
        };
        assert_eq!(pin.unlock(110).unwrap(), PinUnlock::WasLocked { until });
        assert_eq!(pin.check("2468", 111).unwrap(), PinCheck::Accepted);
        assert_eq!(pin.unlock(112).unwrap(), PinUnlock::NotLocked);
        // The counters start over: five more tries before the next (one-minute) lockout.
        assert_eq!(
            pin.check("0000", 113).unwrap(),
            PinCheck::Rejected {
                remaining: PIN_TRIES - 1
            }
        );
        assert!(pin_is_valid("0000") && pin_is_valid("123456789012"));
        assert!(!pin_is_valid("123") && !pin_is_valid("1234567890123") && !pin_is_valid("12a4"));
    }

    #[test]
    fn qr_path_covers_the_dark_modules() {
        let qr = qr_code("https://show.example/#/product/ru-honey").unwrap();
        assert!(qr.size >= 21);
        assert!(
            qr.path.starts_with("M0 0h7v1h-7z"),
            "finder pattern first: {}",
            &qr.path[..20]
        );
    }

    #[test]
    fn settings_ignore_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("showroom.toml"), "kiosk = true\nkiosk_booth = \"A1-03\"\ndefault_lang = \"ru\"\n[platform]\nurl = \"x\"\n").unwrap();
        let s = ShowSettings::load(dir.path()).unwrap();
        assert!(s.kiosk);
        assert_eq!(s.kiosk_booth.as_deref(), Some("A1-03"));
        assert_eq!(s.default_lang, Some(Lang::Ru));
    }
}
