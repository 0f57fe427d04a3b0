//! Invariants the compiler cannot check: the core stays pure, and every
//! rule has its documentation page.

use std::path::{Path, PathBuf};

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

#[test]
fn core_has_no_protocol_runtime_or_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/core"), &mut files);
    assert!(files.len() > 10, "found only {} core files", files.len());
    let forbidden = [
        "tower_lsp",
        "ls_types",
        "lsp_types",
        "tokio",
        "std::fs",
        "std::env",
        "SystemTime",
        "std::net",
        "std::process",
        "crate::protocol",
        "crate::server",
        "crate::cli",
    ];
    let mut violations = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for word in forbidden {
                if line.contains(word) {
                    violations.push(format!(
                        "{}:{}: {word}",
                        file.strip_prefix(root).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "the core must stay pure:\n{}",
        violations.join("\n")
    );
}

#[test]
fn every_rule_has_a_documentation_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = asl_lsp::core::rules::all();
    assert!(rules.len() >= 10);
    let mut problems = Vec::new();
    for rule in rules {
        let page = root.join("docs/rules").join(format!("{}.md", rule.id));
        match std::fs::read_to_string(&page) {
            Err(_) => problems.push(format!("{}: no docs/rules/{}.md", rule.id, rule.id)),
            Ok(text) => {
                for section in ["## What", "## Why", "## Example", "## Fix"] {
                    if !text.contains(section) {
                        problems.push(format!("{}: page lacks {section}", rule.id));
                    }
                }
                if !text.starts_with(&format!("# {}", rule.id)) {
                    problems.push(format!("{}: page title is not the rule id", rule.id));
                }
            }
        }
        assert!(
            asl_lsp::core::rules::docs_url(rule.id).ends_with(&format!("docs/rules/{}.md", rule.id)),
            "diagnostics link to the page"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
