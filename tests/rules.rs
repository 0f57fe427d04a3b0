//! Rule fixtures: every folder `tests/rules/<rule>/<case>/` holds the files
//! of one small workspace. The snapshot shows every finding of the case
//! (exact range as a code frame, related locations) and every fix as a
//! diff. Then each preferred fix of `<rule>` is applied and the case is
//! checked again: the snapshot records what remains of that rule.
//!
//! Each case is its own trial named `<rule>/<case>` (a libtest-mimic
//! harness), so `cargo test --test rules -- asl-wait` runs one rule's cases
//! and a failure names its case.

mod support;

use std::path::{Path, PathBuf};

use asl_lsp::core::analyze;
use asl_lsp::core::diagnostic::{apply_edits, FileEdit};
use asl_lsp::core::files::FileSet;
use libtest_mimic::{Arguments, Trial};

const ROOT: &str = "/case";

fn load(dir: &Path) -> FileSet {
    let mut files = FileSet::new();
    for path in support::files_under(dir) {
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(
            &format!("{ROOT}/{rel}"),
            std::fs::read_to_string(&path).unwrap(),
            None,
        );
    }
    files
}

fn main() {
    let args = Arguments::from_args();
    let cases = cases();
    let count = cases.len();
    let mut trials = vec![Trial::test("rule-fixtures-present", move || {
        assert!(count > 0, "no rule fixtures found");
        Ok(())
    })];
    for dir in cases {
        let rule = dir
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        trials.push(Trial::test(format!("{rule}/{case}"), move || {
            check_case(&dir, &rule, &case);
            Ok(())
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Every case folder `tests/rules/<rule>/<case>/`, sorted.
fn cases() -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut cases = Vec::new();
    for rule_dir in std::fs::read_dir(&base).unwrap() {
        let rule_dir = rule_dir.unwrap().path();
        for case in std::fs::read_dir(&rule_dir).unwrap() {
            cases.push(case.unwrap().path());
        }
    }
    cases.sort();
    cases.retain(|d| d.is_dir());
    cases
}

/// One case: its findings, then what remains of `rule` after its first
/// preferred fix, against `tests/snapshots/rules/<rule>__<case>.snap`.
fn check_case(dir: &Path, rule: &str, case: &str) {
    // insta's settings are per thread, and trials run on several threads.
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/rules");
    let _guard = settings.bind_to_scope();
    let files = load(dir);
    let analysis = analyze(&files, None);
    let mut report = support::render::render(&files, &analysis.findings, ROOT);

    // Fix round trip: apply the preferred fix of every finding of this rule.
    let mut fixed = files.clone();
    let mut edits: Vec<FileEdit> = Vec::new();
    for finding in analysis.findings.iter().filter(|f| f.rule == rule) {
        if let Some(fix) = finding.fixes.iter().find(|f| f.preferred) {
            edits.extend(fix.edits.iter().cloned());
            break; // one fix at a time keeps edits from overlapping
        }
    }
    if !edits.is_empty() {
        for id in files.ids() {
            let after = apply_edits(files.text(id), id, &edits);
            fixed.insert(files.path(id), after, None);
        }
        for edit in &edits {
            if let FileEdit::Create { path, text } = edit {
                fixed.insert(path, text.clone(), None);
            }
        }
        let after = analyze(&fixed, None);
        let remaining: Vec<_> = after
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .cloned()
            .collect();
        report.push_str(&format!(
            "--- after the first preferred fix: {} finding(s) of {rule}\n",
            remaining.len()
        ));
        report.push_str(&support::render::render(&fixed, &remaining, ROOT));
    }
    insta::assert_snapshot!(format!("{rule}__{case}"), report);
}
