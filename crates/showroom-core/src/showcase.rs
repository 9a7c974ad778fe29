//! What the showroom shows besides search: the home screen's featured and new products,
//! countries, cities and categories; exhibitor pages; the hall map with its booths.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
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
    /// One of the catalog's partner cities.
    pub partner: bool,
}

/// A partner city of the catalog, where the map draws it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct PartnerCityPlace {
    pub country: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub lat: f64,
    pub lon: f64,
    /// Exhibitors from this city.
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
    /// The catalog's partner cities, in its order.
    pub partner_cities: Vec<PartnerCityPlace>,
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
    /// One page of the exhibitor's products, from `offset`, in catalog order.
    pub products: Vec<SearchHit>,
    /// All of the exhibitor's products.
    pub products_total: u32,
    pub offset: u32,
}

/// Products in one page of an exhibitor's.
pub const EXHIBITOR_PAGE: usize = 48;

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
        related: false,
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
                    partner: false,
                })
                .exhibitors += 1;
        }
    }
    let partners = data
        .manifest
        .as_ref()
        .map(|m| m.partner_city.as_slice())
        .unwrap_or_default();
    let partner_cities = partners
        .iter()
        .map(|p| {
            let mut exhibitors = 0;
            for city in cities.values_mut() {
                if city.country == p.country && crate::model::same_place(&city.name, &p.name) {
                    city.partner = true;
                    exhibitors += city.exhibitors;
                }
            }
            PartnerCityPlace {
                country: p.country.clone(),
                name: p.name.clone(),
                lat: p.lat,
                lon: p.lon,
                exhibitors,
            }
        })
        .collect();
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
        partner_cities,
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

    /// The home screen and the hall map of the current catalog: made from the whole
    /// catalog once, then kept until the catalog changes.
    async fn shown(&self) -> Result<Shown> {
        self.refresh_now_and_then().await;
        let stamp = self.catalog_stamp();
        if let Some(stamp) = &stamp
            && let Ok(cached) = self.inner.shown.lock()
            && let Some(shown) = cached.as_ref().filter(|s| &s.stamp == stamp)
        {
            return Ok(shown.clone());
        }
        let (data, images) = self.whole_catalog().await?;
        let shown = Shown {
            stamp: stamp.unwrap_or_default(),
            showcase: Arc::new(showcase(&data, &images)),
            exhibitor_products: Arc::new(exhibitor_products(&data)),
            hall_map: Arc::new(hall_map(data)),
        };
        // Before any catalog there is nothing to keep.
        if !shown.stamp.is_empty()
            && let Ok(mut cached) = self.inner.shown.lock()
        {
            *cached = Some(shown.clone());
        }
        Ok(shown)
    }

    /// Featured and new products, countries, cities and top-level categories.
    pub async fn showcase(&self) -> Result<Showcase> {
        Ok((*self.shown().await?.showcase).clone())
    }

    /// An exhibitor's page with [`EXHIBITOR_PAGE`] of its products from `offset`: read from
    /// the store one by one, so a page costs the same in a catalog of 100,000 products.
    pub async fn exhibitor_page(&self, id: &str, offset: usize) -> Result<ExhibitorPage> {
        let shown = self.shown().await?;
        let e = self
            .inner
            .store
            .exhibitor(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "exhibitor",
                id: id.to_string(),
            })?;
        let all = shown
            .exhibitor_products
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let from = offset.min(all.len());
        let mut products = Vec::new();
        let names = HashMap::from([(e.id.as_str(), &e.name)]);
        for product_id in &all[from..(from + EXHIBITOR_PAGE).min(all.len())] {
            let Some(p) = self.inner.store.product(product_id).await? else {
                continue;
            };
            let images: BTreeMap<String, String> = self
                .inner
                .store
                .image_digest(&p.id, 0)
                .await?
                .map(|digest| (p.id.clone(), digest))
                .into_iter()
                .collect();
            products.push(card(&p, &names, &images));
        }
        let hall = e.booth.as_ref().and_then(|b| {
            shown
                .hall_map
                .booths
                .iter()
                .find(|x| &x.id == b)
                .map(|b| b.hall.clone())
        });
        Ok(ExhibitorPage {
            id: e.id.clone(),
            name: e.name.clone(),
            country: e.country.clone(),
            city: e.city.clone(),
            booth: e.booth.clone(),
            hall,
            website: e.website.clone(),
            description: e.description.clone(),
            products,
            products_total: all.len() as u32,
            offset: from as u32,
        })
    }

    /// Halls and booths of `hall.toml`, each booth with the exhibitors standing at it.
    pub async fn hall_map(&self) -> Result<HallMap> {
        Ok((*self.shown().await?.hall_map).clone())
    }
}

/// The home screen and hall map of one catalog, by its stamp.
#[derive(Clone)]
pub(crate) struct Shown {
    stamp: String,
    showcase: Arc<Showcase>,
    hall_map: Arc<HallMap>,
    /// Each exhibitor's product ids, in catalog order.
    exhibitor_products: Arc<HashMap<String, Vec<String>>>,
}

fn exhibitor_products(data: &CatalogData) -> HashMap<String, Vec<String>> {
    let mut by: HashMap<String, Vec<String>> = HashMap::new();
    for p in &data.products {
        by.entry(p.exhibitor.clone())
            .or_default()
            .push(p.id.clone());
    }
    by
}

/// Halls and booths of `hall.toml`, each booth with the exhibitors standing at it.
fn hall_map(data: CatalogData) -> HallMap {
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
    HallMap {
        halls: data.halls,
        booths,
    }
}
