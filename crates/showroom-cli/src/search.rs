//! `showroom search`.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use showroom_core::i18n::{n, s};
use showroom_core::model::pick;
use showroom_core::search::SortOrder;
use showroom_core::{QueryReading, RelatedBy, SearchRequest, Showroom};

use crate::output::Output;

#[derive(Args)]
pub struct SearchArgs {
    /// Any text: it is never read as query syntax.
    query: String,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// ISO 3166-1 alpha-2 country of origin.
    #[arg(long)]
    country: Option<String>,
    /// Category id; includes its subcategories.
    #[arg(long)]
    category: Option<String>,
    /// City key as listed in the facets.
    #[arg(long)]
    city: Option<String>,
    #[arg(long)]
    certification: Option<String>,
    #[arg(long)]
    storage: Option<String>,
    /// Currency for price filters and sorting (only products priced in it are listed).
    #[arg(long)]
    currency: Option<String>,
    #[arg(long)]
    price_min: Option<f64>,
    #[arg(long)]
    price_max: Option<f64>,
    /// Only products whose minimum order is at most this.
    #[arg(long)]
    moq_max: Option<f64>,
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    sort: Sort,
}

#[derive(Clone, Copy, ValueEnum)]
enum Sort {
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
}

pub async fn search(
    showroom: &Showroom,
    out: &Output,
    args: &SearchArgs,
) -> anyhow::Result<ExitCode> {
    let response = showroom
        .search(SearchRequest {
            query: args.query.clone(),
            lang: out.lang,
            limit: Some(args.limit),
            offset: Some(args.offset),
            country: args.country.clone(),
            category: args.category.clone(),
            city: args.city.clone(),
            certification: args.certification.clone(),
            storage: args.storage.clone(),
            currency: args.currency.clone(),
            price_min: args.price_min,
            price_max: args.price_max,
            moq_max: args.moq_max,
            sort: Some(match args.sort {
                Sort::Relevance => SortOrder::Relevance,
                Sort::PriceAsc => SortOrder::PriceAsc,
                Sort::PriceDesc => SortOrder::PriceDesc,
                Sort::Newest => SortOrder::Newest,
            }),
        })
        .await?;
    if out.json {
        out.json(&response)?;
        return Ok(ExitCode::SUCCESS);
    }
    if response.hits.is_empty() {
        out.say("cli-search-none", &[s("query", args.query.as_str())]);
        if !response.related.is_empty() {
            // Not results: goods near the query, labelled with why, and unnumbered.
            out.say(
                match response.related_by {
                    Some(RelatedBy::Spelling) => "cli-search-related-spelling",
                    Some(RelatedBy::Description) => "cli-search-related-description",
                    _ => "cli-search-related",
                },
                &[],
            );
            for hit in &response.related {
                let name = pick(&hit.name, out.lang).map(|(_, t)| t).unwrap_or(&hit.id);
                println!("   ~ {name}  [{}]  {}", hit.id, hit.country);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(corrected) = &response.corrected {
        let says = if response.reading == QueryReading::Sound {
            "cli-search-by-sound"
        } else {
            "cli-search-corrected"
        };
        out.say(says, &[s("query", corrected.as_str())]);
    }
    let (found, related): (Vec<_>, Vec<_>) = response.hits.iter().partition(|h| !h.related);
    for (rank, hit) in found.iter().enumerate() {
        let name = pick(&hit.name, out.lang).map(|(_, t)| t).unwrap_or(&hit.id);
        println!(
            "{:>3}. {name}  [{}]  {}",
            rank + 1 + args.offset,
            hit.id,
            hit.country
        );
    }
    out.say(
        "cli-search-summary",
        &[
            n("total", response.total as f64),
            s("ms", format!("{:.1}", response.took_ms)),
        ],
    );
    if !related.is_empty() {
        // After a few results, the closest other goods: labelled and unnumbered.
        out.say("cli-search-related", &[]);
        for hit in related {
            let name = pick(&hit.name, out.lang).map(|(_, t)| t).unwrap_or(&hit.id);
            println!("   ~ {name}  [{}]  {}", hit.id, hit.country);
        }
    }
    Ok(ExitCode::SUCCESS)
}
