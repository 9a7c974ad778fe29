//! Demand insights as the platform contract says them (`POST /v1/insights`): a batch of
//! finished hours of counts, never raw events. The device makes and sends them
//! (`showroom_core::insights`); the reference platform reads and sums them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Source;

/// Where batches are posted, under the platform's base URL.
pub const BATCH_PATH: &str = "v1/insights";
/// The longest query kept, in characters (after folding).
pub const MAX_QUERY_CHARS: usize = 100;

/// One batch, as sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct InsightBatch {
    pub batch_id: String,
    pub source: Source,
    #[ts(optional = nullable)]
    pub catalog_version: Option<String>,
    pub hours: Vec<InsightHour>,
}

/// One hour's counts of a device (or, from the platform, summed over devices).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct InsightHour {
    /// The hour's start, RFC 3339 UTC.
    pub hour: String,
    /// Sessions by language code.
    pub sessions: BTreeMap<String, u32>,
    /// Searches that found goods.
    pub searches: Vec<SearchCount>,
    pub zero_result_searches: Vec<SearchCount>,
    pub views: Vec<ItemCount>,
    pub exhibitor_views: Vec<ExhibitorViewCount>,
    pub shortlisted: Vec<ItemCount>,
    pub inquiries_started: Vec<ItemCount>,
    pub inquiries: Vec<InquiryCount>,
    /// Sessions that reached each stage: searched, viewed, shortlisted, started, sent.
    pub funnel: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SearchCount {
    pub lang: String,
    /// `None`: queries typed by fewer than three sessions (or looking like contact data).
    #[ts(optional = nullable)]
    pub query: Option<String>,
    pub count: u32,
    /// How many goods it found (searches that found some).
    pub results: u32,
}

/// A product's count, by language where known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ItemCount {
    pub product_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub lang: Option<String>,
    pub count: u32,
}

/// Views of an exhibitor's page, by language.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ExhibitorViewCount {
    pub exhibitor_id: String,
    pub lang: String,
    pub count: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct InquiryCount {
    pub product_id: String,
    pub buyer_country: String,
    pub count: u32,
}

impl InsightHour {
    /// Adds `other`'s counts (the same hour, another device) to these.
    pub fn absorb(&mut self, other: &InsightHour) {
        for (lang, n) in &other.sessions {
            *self.sessions.entry(lang.clone()).or_default() += n;
        }
        for (stage, n) in &other.funnel {
            *self.funnel.entry(stage.clone()).or_default() += n;
        }
        let same_search = |a: &SearchCount, b: &SearchCount| a.lang == b.lang && a.query == b.query;
        let add_search = |a: &mut SearchCount, b: &SearchCount| {
            a.count += b.count;
            a.results = a.results.max(b.results);
        };
        merge(&mut self.searches, &other.searches, same_search, add_search);
        merge(
            &mut self.zero_result_searches,
            &other.zero_result_searches,
            same_search,
            add_search,
        );
        for (into, from) in [
            (&mut self.views, &other.views),
            (&mut self.shortlisted, &other.shortlisted),
            (&mut self.inquiries_started, &other.inquiries_started),
        ] {
            merge(
                into,
                from,
                |a, b| a.product_id == b.product_id && a.lang == b.lang,
                |a, b| a.count += b.count,
            );
        }
        merge(
            &mut self.exhibitor_views,
            &other.exhibitor_views,
            |a, b| a.exhibitor_id == b.exhibitor_id && a.lang == b.lang,
            |a, b| a.count += b.count,
        );
        merge(
            &mut self.inquiries,
            &other.inquiries,
            |a, b| a.product_id == b.product_id && a.buyer_country == b.buyer_country,
            |a, b| a.count += b.count,
        );
    }
}

/// Adds each of `from` to its match in `into` (`same`), or appends it.
pub fn merge<T: Clone>(
    into: &mut Vec<T>,
    from: &[T],
    same: impl Fn(&T, &T) -> bool,
    add: impl Fn(&mut T, &T),
) {
    for item in from {
        match into.iter_mut().find(|m| same(m, item)) {
            Some(m) => add(m, item),
            None => into.push(item.clone()),
        }
    }
}

/// The same product in the same language.
pub fn same_item(a: &ItemCount, b: &ItemCount) -> bool {
    a.product_id == b.product_id && a.lang == b.lang
}

/// Adds `b`'s count to `a`.
pub fn add_item(a: &mut ItemCount, b: &ItemCount) {
    a.count += b.count;
}
