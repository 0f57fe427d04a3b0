//! Rule fixtures: every folder `tests/rules/<rule>/<case>/` holds the files
//! of one small workspace. The snapshot shows every finding of the case
//! (exact range as a code frame, related locations) and every fix as a
//! diff. Then each preferred fix of `<rule>` is applied and the case is
//! checked again: the snapshot records what remains of that rule.

mod support;

use std::path::Path;

use asl_lsp::core::analyze;
use asl_lsp::core::diagnostic::{apply_edits, FileEdit};
use asl_lsp::core::files::FileSet;

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

#[test]
fn rule_fixtures() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut cases = Vec::new();
    for rule_dir in std::fs::read_dir(&base).unwrap() {
        let rule_dir = rule_dir.unwrap().path();
        for case in std::fs::read_dir(&rule_dir).unwrap() {
            cases.push(case.unwrap().path());
        }
    }
    cases.sort();
    assert!(!cases.is_empty(), "no rule fixtures found");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/rules");
    let _guard = settings.bind_to_scope();
    for dir in cases.iter().filter(|d| d.is_dir()) {
        let dir = dir.as_path();
        let rule = dir
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
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
}
