//! The server's incremental analysis (a kept parse changed in place, the
//! per-state rules' findings kept by top-level state, tasks' needs kept by
//! role) against a fresh analysis: on every rule fixture and conformance
//! document, and after each of a run of small edits to their definitions
//! (characters typed or deleted anywhere, valid or not), the findings must
//! be exactly the same. One cache serves all documents, as in the server.

mod support;

use std::path::Path;

use asl_lsp::core::files::{FileId, FileSet};
use asl_lsp::core::{analyze_cached, Defaults, ParseCache};

/// What is typed: JSON's punctuation, a quote, a digit, letters, spaces.
const TYPED: &[&str] = &[" ", "x", "\"", ",", "1", "{", "}", ":", "\n", "é", "Type"];
const EDITS_PER_DOCUMENT: usize = 12;

/// A small deterministic generator (no seed to record, nothing flaky).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

fn findings(files: &FileSet, cache: Option<&ParseCache>) -> Vec<String> {
    analyze_cached(files, None, &Defaults::default(), cache)
        .findings
        .iter()
        .map(|f| format!("{:?}", f))
        .collect()
}

/// One edit as a user makes it: a letter typed inside a word (a name or a
/// value, mostly still valid), something typed anywhere, a char deleted,
/// or the last edit undone (`previous`: a broken document mended).
fn edit(text: &str, previous: &str, rng: &mut Lcg) -> String {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let i = rng.next(boundaries.len());
    let at = boundaries[i];
    match rng.next(4) {
        0 => {
            let in_word: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_alphabetic())
                .map(|(i, _)| i)
                .collect();
            match in_word.get(rng.next(in_word.len())) {
                Some(&at) => format!("{}x{}", &text[..at], &text[at..]),
                None => text.to_string(),
            }
        }
        1 if i + 1 < boundaries.len() => format!("{}{}", &text[..at], &text[boundaries[i + 1]..]),
        2 => previous.to_string(),
        _ => format!("{}{}{}", &text[..at], TYPED[rng.next(TYPED.len())], &text[at..]),
    }
}

/// Checks `files` as the server would while `edited` is typed in, against
/// a fresh analysis after every edit. Returns how many runs were compared.
fn compare_while_editing(files: &mut FileSet, edited: FileId, cache: &ParseCache, rng: &mut Lcg) -> usize {
    let path = files.path(edited).to_string();
    let mut runs = 0;
    let mut previous = files.text(edited).to_string();
    for step in 0..=EDITS_PER_DOCUMENT {
        if step > 0 {
            let text = edit(files.text(edited), &previous, rng);
            previous = files.text(edited).to_string();
            files.insert(&path, text, Some(step as i32));
        }
        let fresh = findings(files, None);
        let incremental = findings(files, Some(cache));
        assert_eq!(
            incremental,
            fresh,
            "{path} after {step} edits:\n{}",
            files.text(edited)
        );
        runs += 1;
    }
    runs
}

#[test]
fn incremental_analysis_matches_a_fresh_one_while_editing() {
    let cache = ParseCache::default();
    let mut rng = Lcg(0x5eed);
    let mut runs = 0;
    let mut documents = 0;
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    for (n, dir) in support::files_under(&base)
        .iter()
        .filter_map(|p| p.parent())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .enumerate()
    {
        let mut files = FileSet::new();
        for path in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            if path.is_file() {
                let name = path.file_name().unwrap().to_string_lossy();
                files.insert(
                    &format!("/case{n}/{name}"),
                    std::fs::read_to_string(&path).unwrap(),
                    None,
                );
            }
        }
        // The definitions, and any template a definition is written in.
        let edited: Vec<FileId> = files
            .ids()
            .filter(|&id| {
                let path = files.path(id);
                path.contains(".asl.") || path.ends_with(".tf") || path.contains("template")
            })
            .collect();
        for id in edited {
            runs += compare_while_editing(&mut files, id, &cache, &mut rng);
            documents += 1;
        }
    }
    if let Some(corpus) = support::shared_corpus("conformance") {
        for (n, path) in support::files_under(&corpus)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .enumerate()
        {
            let mut files = FileSet::new();
            let id = files.insert(
                &format!("/conformance/{n}.asl.json"),
                std::fs::read_to_string(&path).unwrap(),
                None,
            );
            runs += compare_while_editing(&mut files, id, &cache, &mut rng);
            documents += 1;
        }
    }
    println!("{documents} documents, {runs} runs compared");
    assert!(documents > 100, "only {documents} documents found");
}
