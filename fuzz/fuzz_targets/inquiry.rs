//! Inquiry validation on arbitrary JSON: a body that parses as a draft is either valid or
//! gets at least one localised field error in every language, never a panic; validation
//! gives the same fields whatever the language.
#![no_main]

use libfuzzer_sys::fuzz_target;
use showroom_core::Lang;
use showroom_core::inquiry::{InquiryDraft, validate_inquiry};

fuzz_target!(|data: &[u8]| {
    let Ok(draft) = serde_json::from_slice::<InquiryDraft>(data) else {
        return;
    };
    let fields = |lang| -> Vec<(String, &'static str)> {
        validate_inquiry(&draft, lang)
            .into_iter()
            .inspect(|e| assert!(!e.message.is_empty(), "{e:?}"))
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    };
    let en = fields(Lang::En);
    assert_eq!(en, fields(Lang::Ru));
    assert_eq!(en, fields(Lang::Zh));
});
