//! Every locale has every message, and every file parses with the Fluent syntax parser.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use fluent_syntax::ast::Entry;

const LOCALES: [&str; 3] = ["en-US", "ru-RU", "zh-CN"];

fn ids(path: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let resource = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{}: syntax errors {errors:?}", path.display()));
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            Entry::Message(m) => Some(m.id.name.to_string()),
            Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

#[test]
fn all_locales_have_the_same_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    let files: BTreeSet<String> = LOCALES
        .iter()
        .flat_map(|l| fs::read_dir(root.join(l)).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.contains("core.ftl") && files.contains("cli.ftl") && files.contains("ui.ftl"),
        "{files:?}"
    );
    for file in &files {
        let reference = ids(&root.join("en-US").join(file));
        assert!(!reference.is_empty(), "{file} is empty");
        for locale in &LOCALES[1..] {
            let other = ids(&root.join(locale).join(file));
            let missing: Vec<_> = reference.difference(&other).collect();
            let extra: Vec<_> = other.difference(&reference).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{locale}/{file}: missing {missing:?}, extra {extra:?}"
            );
        }
    }
}
