//! Every message id exists in every locale, every locale file is compiled in, and every id the code asks for exists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ids_in(text: &str, name: &str) -> BTreeSet<String> {
    let resource = fluent_syntax::parser::parse(text).unwrap_or_else(|(_, errors)| panic!("{name}: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

fn locale_ids(lang: &str) -> BTreeSet<String> {
    let dir = root().join("locales").join(lang);
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ftl") {
            ids.extend(ids_in(&std::fs::read_to_string(&path).unwrap(), &path.display().to_string()));
        }
    }
    ids
}

#[test]
fn every_message_id_exists_in_every_locale() {
    let ru = locale_ids("ru");
    let en = locale_ids("en");
    assert!(ru.len() > 10, "Russian locale looks empty: {ru:?}");
    let only_ru: Vec<_> = ru.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ru).collect();
    assert!(only_ru.is_empty() && only_en.is_empty(), "missing in en: {only_ru:?}; missing in ru: {only_en:?}");
}

#[test]
fn every_locale_file_is_compiled_in() {
    for lang in ["ru", "en"] {
        for entry in std::fs::read_dir(root().join("locales").join(lang)).unwrap() {
            let name = format!("{lang}/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(
                pdo_kiosk::i18n::SOURCES.iter().any(|(_, source, _)| *source == name),
                "{name} exists but is not listed in i18n::SOURCES"
            );
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Ids passed literally to `tr(...)` / `tr_with(...)` in the kiosk's code.
fn ids_used_in_code() -> BTreeSet<String> {
    let mut files = vec![];
    rust_files(&root().join("src"), &mut files);
    let mut ids = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for call in ["tr(\"", "tr_with(\"", "switch(Lang::Ru, \"", "switch(Lang::En, \""] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let id = &rest[..rest.find('"').unwrap()];
                if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    ids.insert(id.to_string());
                }
            }
        }
    }
    ids
}

#[test]
fn every_id_used_in_code_exists() {
    let used = ids_used_in_code();
    assert!(used.contains("sign-in-title"), "the scan found no ids: {used:?}");
    let known = locale_ids("ru");
    let unknown: Vec<_> = used.iter().filter(|id| !known.contains(*id) && *id != "no-such-id").collect();
    assert!(unknown.is_empty(), "ids used in code but missing from the locales: {unknown:?}");
}
