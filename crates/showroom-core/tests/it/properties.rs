//! Property tests: the validators agree with the format's rules on any input, and no
//! line of a products file, however broken, makes loading panic.

use std::fs;

use proptest::prelude::*;
use showroom_core::catalog::{self, Limits, codes};

proptest! {
    #[test]
    fn ids_are_exactly_lowercase_digits_and_dashes(id in "\\PC{0,70}") {
        let expected = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        prop_assert_eq!(codes::is_id(&id, 64), expected);
    }

    #[test]
    fn hs_codes_have_4_to_10_digits(code in "[0-9.]{0,14}") {
        let digits = code.chars().filter(char::is_ascii_digit).count();
        if codes::is_hs_code(&code) {
            prop_assert!((4..=10).contains(&digits));
            prop_assert!(!code.starts_with('.') && !code.ends_with('.') && !code.contains(".."));
        } else {
            prop_assert!(!(4..=10).contains(&digits) || code.starts_with('.') || code.ends_with('.') || code.contains(".."));
        }
    }

    #[test]
    fn any_products_line_is_reported_not_panicked_on(line in "\\PC{0,300}", json in proptest::option::of(any::<Vec<(String, i64)>>())) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("catalog.toml"), "format = 1\nid = \"p\"\nversion = \"1\"\ntitle = { en = \"P\" }\ndefault_currency = \"CNY\"\npublished_at = \"2026-11-24T09:00:00Z\"\n").unwrap();
        fs::write(root.join("categories.toml"), "[[category]]\nid = \"food\"\nname = { en = \"Food\" }\n").unwrap();
        fs::write(root.join("exhibitors.jsonl"), "").unwrap();
        let object = json.map(|pairs| serde_json::to_string(&pairs.into_iter().collect::<std::collections::BTreeMap<_, _>>()).unwrap());
        fs::write(root.join("products.jsonl"), format!("{line}\n{}\n", object.unwrap_or_default())).unwrap();
        let bundle = catalog::load(root, &Limits::default(), false);
        // Whatever was written, every problem is located in products.jsonl and nothing
        // invalid got through.
        for p in &bundle.problems {
            prop_assert_eq!(p.file.as_str(), "products.jsonl");
        }
        prop_assert!(bundle.data.products.is_empty() || bundle.problems.is_empty());
    }
}
