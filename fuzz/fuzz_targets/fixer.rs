//! The fixer: apply every preferred fix (safe or not), then re-parse and
//! re-analyse. A file that parsed without errors before must still parse
//! without errors after, and a file a fix creates must parse.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut files = asl_lsp_fuzz::file_set(data);
    let clean_before: BTreeMap<String, bool> = files
        .ids()
        .filter_map(|id| {
            let path = files.path(id).to_string();
            let parsed = asl_lsp_fuzz::parse_as(&path, files.text(id))?;
            Some((path, parsed.errors.is_empty()))
        })
        .collect();
    let (_, changed) = asl_lsp::core::autofix::apply_preferred(&mut files, 3);
    for path in &changed {
        let id = files.lookup(path).expect("a changed file is in the set");
        let text = files.text(id);
        let Some(parsed) = asl_lsp_fuzz::parse_as(path, text) else {
            continue;
        };
        asl_lsp_fuzz::check_parse(text, &parsed);
        if clean_before.get(path).copied().unwrap_or(true) {
            assert!(
                parsed.errors.is_empty(),
                "{path} no longer parses after the fixes: {:?}\n{text}",
                parsed.errors
            );
        }
    }
    let _ = asl_lsp::core::analyze(&files, None);
});
