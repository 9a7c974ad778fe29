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
    let bar = progress_bar(out);
    let report = showroom
        .import_bundle_with(
            bundle,
            skip_invalid,
            bar.as_ref().map(|b| b.callback(out.lang)),
        )
        .await;
    if let Some(bar) = bar {
        bar.finish();
    }
    let report = report?;
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
    (products, images, exhibitors): (usize, usize, usize),
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
        exhibitors,
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

/// The import's progress on stderr, for a person at a terminal: nothing with `--json` or
/// when stderr is not a terminal (a script, a log).
struct ImportBar(indicatif::ProgressBar);

fn progress_bar(out: &Output) -> Option<ImportBar> {
    use std::io::IsTerminal;
    if out.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(ImportBar(bar))
}

impl ImportBar {
    fn callback(&self, lang: Lang) -> showroom_core::OnProgress {
        let bar = self.0.clone();
        std::sync::Arc::new(move |p: showroom_core::ImportProgress| {
            let stage = match p.stage {
                showroom_core::ImportStage::Checking => "cli-import-stage-checking",
                showroom_core::ImportStage::Photos => "cli-import-stage-photos",
                showroom_core::ImportStage::Index => "cli-import-stage-index",
                showroom_core::ImportStage::Saving => "cli-import-stage-saving",
            };
            if p.stage == showroom_core::ImportStage::Photos && p.total > 0 {
                if bar.length() != Some(p.total) {
                    bar.set_length(p.total);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{msg} [{bar:30}] {pos}/{len} ({eta})",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    );
                    bar.set_message(tr(lang, stage, &[]));
                }
                bar.set_position(p.done);
            } else {
                bar.set_style(indicatif::ProgressStyle::default_spinner());
                bar.set_length(0);
                bar.set_message(tr(lang, stage, &[]));
            }
        })
    }

    fn finish(self) {
        self.0.finish_and_clear();
    }
}
