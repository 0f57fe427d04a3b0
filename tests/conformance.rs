//! Our ASL verdicts against other validators' test suites and against
//! verdicts recorded from AWS (`../shared/corpus/conformance`). Prints the
//! agreement per source; fails if it regresses below the recorded floor,
//! if any AWS-recorded verdict is wrong, or if it finds no documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use asl_lsp::core::analyze;
use asl_lsp::core::diagnostic::Severity;
use asl_lsp::core::files::FileSet;

/// The agreement reached so far (percent); raise it as the rules grow.
const FLOOR: f64 = 84.0;

struct Case {
    file: String,
    expected: String,
    note: String,
}

/// `shared/corpus/<name>` beside the crate or beside one of its ancestors
/// (a git worktree sits deeper than the main checkout).
fn corpus(name: &str) -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/corpus").join(name))
        .find(|dir| dir.is_dir())
}

fn verdict(path: &Path) -> (bool, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut files = FileSet::new();
    // Named as a definition so the document is analysed as one.
    files.insert("/conformance/definition.asl.json", text, None);
    let analysis = analyze(&files, None);
    let errors: Vec<String> = analysis
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.rule.starts_with("asl-"))
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    (errors.is_empty(), errors)
}

#[test]
fn agreement_with_recorded_verdicts() {
    let Some(root) = corpus("conformance") else {
        println!("conformance corpus not present: skipped");
        return;
    };
    let manifest = std::fs::read_to_string(root.join("manifest.tsv")).unwrap();
    let cases: Vec<Case> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() >= 8).then(|| Case {
                file: cols[0].to_string(),
                expected: cols[4].to_string(),
                note: cols[7].to_string(),
            })
        })
        .collect();
    assert!(!cases.is_empty(), "the manifest lists no documents");
    let mut per_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut aws_wrong = Vec::new();
    for case in &cases {
        let (valid, errors) = verdict(&root.join(&case.file));
        // STANDARD is the default type; a definition only EXPRESS rejects is valid here.
        let expected_valid = case.expected != "invalid";
        let source = case.file.split('/').next().unwrap_or("").to_string();
        let entry = per_source.entry(source.clone()).or_default();
        entry.1 += 1;
        if valid == expected_valid {
            entry.0 += 1;
        } else {
            disagreements.push(format!(
                "{} (expected {}): {:?}",
                case.file, case.expected, errors
            ));
            if source == "localstack" || case.note.contains("ValidateStateMachineDefinition") {
                aws_wrong.push(case.file.clone());
            }
        }
    }
    let total: usize = per_source.values().map(|(_, n)| n).sum();
    let agreed: usize = per_source.values().map(|(a, _)| a).sum();
    for (source, (a, n)) in &per_source {
        println!("conformance {source}: {a}/{n} agree");
    }
    let percent = 100.0 * agreed as f64 / total as f64;
    println!("conformance overall: {agreed}/{total} agree ({percent:.1}%)");
    for d in &disagreements {
        println!("  disagree: {d}");
    }
    assert!(
        percent >= FLOOR,
        "agreement fell to {percent:.1}% (floor {FLOOR}%)"
    );
    assert!(
        aws_wrong.is_empty(),
        "verdicts recorded from AWS disagree: {aws_wrong:?}"
    );
}
