//! TypeScript declarations of every type that crosses into the UI, generated from the Rust
//! types so the two cannot drift. The UI's `ui/src/api/types.ts` is this text; a test
//! fails when the committed file is stale (`UPDATE_BINDINGS=1 cargo test` rewrites it).

use ts_rs::{Config, TS};

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::insights::{
    CountryInquiries, ExhibitorCount, ExhibitorReport, Funnel, InsightEvent, InsightRecord,
    InsightsReport, LangCount, MissingGoods, ProductCount, QueryCount,
};
use crate::kiosk::PinCheck;
use crate::media::ThumbSize;
use crate::model::{CatalogInfo, CategoryRef, ExhibitorRef, Hall, Price, PriceTier, ProductView};
use crate::qr::QrCode;
use crate::search::{
    FacetCounts, HighlightSpan, QueryReading, RelatedBy, SearchHit, SearchRequest, SearchResponse,
    SortOrder,
};
use crate::settings::ShowSettings;
use crate::showcase::{
    BoothView, CategoryCount, CityCount, CountryCount, ExhibitorPage, HallMap, PartnerCityPlace,
    Showcase,
};

/// A closed list of the core's as a TypeScript constant, a dozen values a line.
fn list<'a>(name: &str, doc: &str, values: impl IntoIterator<Item = &'a str>, out: &mut String) {
    let values: Vec<String> = values.into_iter().map(|v| format!("'{v}'")).collect();
    out.push_str(&format!("/** {doc} */\nexport const {name} = [\n"));
    for line in values.chunks(12) {
        out.push_str(&format!("  {},\n", line.join(", ")));
    }
    out.push_str("] as const;\n\n");
}

fn export<T: TS>(cfg: &Config, out: &mut String) {
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}

pub fn typescript() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by showroom-core's `bindings` module: do not edit.\n\
         // Regenerate with `UPDATE_BINDINGS=1 cargo test -p showroom-core --test it bindings`.\n\n\
         /** Text in several languages, keyed by language tag (zh, ru, en, ...). */\n\
         export type LocalizedText = Record<string, string>;\n\n",
    );
    export::<Lang>(&cfg, &mut out);
    export::<ThumbSize>(&cfg, &mut out);
    export::<PriceTier>(&cfg, &mut out);
    export::<Price>(&cfg, &mut out);
    export::<CatalogInfo>(&cfg, &mut out);
    export::<SortOrder>(&cfg, &mut out);
    export::<SearchRequest>(&cfg, &mut out);
    export::<HighlightSpan>(&cfg, &mut out);
    export::<SearchHit>(&cfg, &mut out);
    export::<FacetCounts>(&cfg, &mut out);
    export::<QueryReading>(&cfg, &mut out);
    export::<RelatedBy>(&cfg, &mut out);
    export::<SearchResponse>(&cfg, &mut out);
    export::<CategoryRef>(&cfg, &mut out);
    export::<ExhibitorRef>(&cfg, &mut out);
    export::<ProductView>(&cfg, &mut out);
    export::<ErrorCode>(&cfg, &mut out);
    export::<ApiError>(&cfg, &mut out);
    export::<CountryCount>(&cfg, &mut out);
    export::<CityCount>(&cfg, &mut out);
    export::<PartnerCityPlace>(&cfg, &mut out);
    export::<CategoryCount>(&cfg, &mut out);
    export::<Showcase>(&cfg, &mut out);
    export::<ExhibitorPage>(&cfg, &mut out);
    export::<Hall>(&cfg, &mut out);
    export::<BoothView>(&cfg, &mut out);
    export::<HallMap>(&cfg, &mut out);
    export::<QrCode>(&cfg, &mut out);
    export::<ShowSettings>(&cfg, &mut out);
    export::<PinCheck>(&cfg, &mut out);
    export::<crate::ImportStage>(&cfg, &mut out);
    export::<crate::ImportProgress>(&cfg, &mut out);
    // Demand insights: what the UI reports, and the operator's reports.
    export::<InsightEvent>(&cfg, &mut out);
    export::<InsightRecord>(&cfg, &mut out);
    export::<Funnel>(&cfg, &mut out);
    export::<LangCount>(&cfg, &mut out);
    export::<QueryCount>(&cfg, &mut out);
    export::<MissingGoods>(&cfg, &mut out);
    export::<CountryInquiries>(&cfg, &mut out);
    export::<ProductCount>(&cfg, &mut out);
    export::<ExhibitorCount>(&cfg, &mut out);
    export::<InsightsReport>(&cfg, &mut out);
    export::<ExhibitorReport>(&cfg, &mut out);
    // The inquiry form and the outbox (docs/inquiry-api.md), and the closed lists its
    // fields take their values from.
    crate::inquiry::export_types(&cfg, &mut out, false);
    list(
        "COUNTRY_CODES",
        "ISO 3166-1 alpha-2 codes the core accepts (a buyer's country, a destination).",
        crate::catalog::codes::countries(),
        &mut out,
    );
    list(
        "UNITS",
        "Units of quantity of the bundle format and the inquiry form.",
        crate::catalog::codes::UNITS,
        &mut out,
    );
    list(
        "INCOTERMS",
        "Incoterms 2020 rules an inquiry may name.",
        crate::inquiry::INCOTERMS,
        &mut out,
    );
    list(
        "MESSENGERS",
        "Messengers a buyer may be reached by.",
        crate::inquiry::MESSENGERS,
        &mut out,
    );
    out.trim_end().to_string() + "\n"
}
