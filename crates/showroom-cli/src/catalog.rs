//! `showroom import`, `catalog check` and `catalog stats`.

use std::path::Path;
use std::process::ExitCode;

use showroom_core::Lang;
use showroom_core::Showroom;
use showroom_core::catalog::{self, Limits};
use showroom_core::i18n::{n, s, tr};

use crate::output::Output;

pub fn check(out: &Output, bundle: &Path) -> anyhow::Result<ExitCode> {
    let loaded = catalog::load(bundle, &Limits::default(), false);
    if out.json {
        out.json(&serde_json::json!({
            "valid": loaded.is_valid(),
            "products": loaded.data.products.len(),
            "problems": loaded.problems,
            "problems_total": loaded.problems_total,
        }))?;
    } else if loaded.is_valid() {
        out.say(
            "cli-check-ok",
            &[
                s("bundle", bundle.display().to_string()),
                n("count", loaded.data.products.len() as f64),
            ],
        );
    } else {
        for problem in &loaded.problems {
            println!("{}", problem.localize(out.lang));
        }
        if let Some(more) = more(out.lang, loaded.problems.len(), loaded.problems_total) {
            println!("{more}");
        }
    }
    Ok(if loaded.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// "… and N more problems", when fewer problems were listed than found.
pub fn more(lang: Lang, listed: usize, total: usize) -> Option<String> {
    (total > listed).then(|| {
        tr(
            lang,
            "cli-problems-more",
            &[n("count", (total - listed) as f64)],
        )
    })
}

pub async fn import(
    showroom: &Showroom,
    out: &Output,
    bundle: &Path,
    skip_invalid: bool,
) -> anyhow::Result<ExitCode> {
    let report = showroom.import_bundle(bundle, skip_invalid).await?;
    if out.json {
        out.json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    if report.skipped_total > 0 {
        out.warn(
            "cli-import-skipped",
            &[n("count", report.skipped_total as f64)],
        );
        for problem in &report.skipped {
            eprintln!("  {}", problem.localize(out.lang));
        }
        if let Some(more) = more(out.lang, report.skipped.len(), report.skipped_total) {
            eprintln!("  {more}");
        }
    }
    let id = if report.changed {
        "cli-import-done"
    } else {
        "cli-import-unchanged"
    };
    out.say(
        id,
        &[
            s("catalog", report.catalog_id.as_str()),
            s("version", report.version.as_str()),
            n("products", report.products),
            n("exhibitors", report.exhibitors),
            n("categories", report.categories),
            n("images", report.images),
            s("seconds", format!("{:.2}", report.seconds)),
        ],
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn stats(showroom: &Showroom, out: &Output) -> anyhow::Result<ExitCode> {
    let stats = showroom.stats().await?;
    if out.json {
        out.json(&stats)?;
        return Ok(ExitCode::SUCCESS);
    }
    out.say(
        "cli-stats-header",
        &[
            s("catalog", stats.id.as_str()),
            s("version", stats.version.as_str()),
        ],
    );
    out.say(
        "cli-stats-counts",
        &[
            n("products", stats.products),
            n("exhibitors", stats.exhibitors),
            n("categories", stats.categories),
            n("images", stats.images),
        ],
    );
    out.say("cli-stats-countries", &[]);
    for (country, count) in &stats.per_country {
        println!("  {country}  {count}");
    }
    out.say("cli-stats-languages", &[]);
    for (code, count) in &stats.name_languages {
        println!("  {code}  {count}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn generate(
    out: &Output,
    sample: &Path,
    products: usize,
    images: usize,
    dir: &Path,
    seed: u64,
) -> anyhow::Result<ExitCode> {
    let bundle = catalog::load(sample, &Limits::default(), false);
    if !bundle.is_valid() {
        for problem in &bundle.problems {
            eprintln!("{}", problem.localize(out.lang));
        }
        return Ok(ExitCode::FAILURE);
    }
    let options = showroom_core::generate::Options {
        sample: &bundle.data,
        sample_dir: sample,
        products,
        images,
        seed,
    };
    showroom_core::generate::write_bundle(&options, dir)?;
    out.say(
        "cli-generate-done",
        &[
            n("count", products as f64),
            s("dir", dir.display().to_string()),
        ],
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn verify(showroom: &Showroom, out: &Output) -> anyhow::Result<ExitCode> {
    let report = showroom.verify().await?;
    if out.json {
        out.json(&report)?;
    } else {
        out.say(
            if report.ok {
                "cli-verify-ok"
            } else {
                "cli-verify-failed"
            },
            &[
                s("integrity", report.integrity.as_str()),
                n("products", report.products),
                n("indexed", report.indexed as f64),
            ],
        );
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
