//! `check --fix` without the disk: applies every finding's preferred fix,
//! round by round (one fix can make room for another), skipping fixes whose
//! edits overlap one already taken in the same round.

use std::collections::BTreeSet;

use crate::core::analysis::analyze;
use crate::core::diagnostic::{apply_edits, FileEdit, Fix};
use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;

/// Which fixes a run applies.
#[derive(Clone, Debug, Default)]
pub struct FixScope {
    /// Analyse only what these files touch (see [`analyze`]); fixes may
    /// edit only the files that analysis covers. `None`: everything.
    pub focus: Option<Vec<FileId>>,
    /// Also apply fixes that are not [`Fix::safe`].
    pub unsafe_fixes: bool,
    /// Files no fix may edit (they could not be read whole, or are links).
    pub read_only: BTreeSet<FileId>,
    /// Only the fixes of these rules. `None`: every rule's.
    pub rules: Option<BTreeSet<&'static str>>,
    /// Whether a fix may create the file at a path (the CLI: nothing, not
    /// even a link, is there on disk). `None`: any path not in the set.
    pub may_create: Option<fn(&str) -> bool>,
}

/// Returns how many fixes were applied and the paths of the files changed
/// or created.
pub fn apply_preferred(files: &mut FileSet, rounds: usize) -> (usize, BTreeSet<String>) {
    apply(
        files,
        rounds,
        &FixScope {
            unsafe_fixes: true,
            ..FixScope::default()
        },
    )
}

/// [`apply_preferred`] limited to `scope`.
pub fn apply(files: &mut FileSet, rounds: usize, scope: &FixScope) -> (usize, BTreeSet<String>) {
    let mut applied = 0;
    let mut changed: BTreeSet<String> = BTreeSet::new();
    for _ in 0..rounds {
        let analysis = analyze(files, scope.focus.as_deref());
        let editable = |file: &FileId| analysis.covered.contains(file) && !scope.read_only.contains(file);
        let mut taken: Vec<(FileId, TextRange)> = Vec::new();
        let mut edits: Vec<FileEdit> = Vec::new();
        let mut created = BTreeSet::new();
        for finding in &analysis.findings {
            let Some(fix) = finding.fixes.iter().find(|f| f.preferred) else {
                continue;
            };
            let rule_wanted = scope.rules.as_ref().is_none_or(|r| r.contains(finding.rule));
            if !rule_wanted || !(fix.safe || scope.unsafe_fixes) || !allowed(fix, &editable, scope.may_create)
            {
                continue;
            }
            let overlaps = fix.edits.iter().any(|e| match e {
                FileEdit::Replace { file, range, .. } => taken
                    .iter()
                    .any(|(f, r)| f == file && r.start <= range.end && range.start <= r.end),
                FileEdit::Create { path, .. } => created.contains(path) || files.lookup(path).is_some(),
            });
            if overlaps {
                continue;
            }
            for edit in &fix.edits {
                match edit {
                    FileEdit::Replace { file, range, .. } => taken.push((*file, *range)),
                    FileEdit::Create { path, .. } => {
                        created.insert(path.clone());
                    }
                }
            }
            edits.extend(fix.edits.iter().cloned());
            applied += 1;
        }
        if edits.is_empty() {
            break;
        }
        let touched: BTreeSet<FileId> = edits
            .iter()
            .filter_map(|e| match e {
                FileEdit::Replace { file, .. } => Some(*file),
                FileEdit::Create { .. } => None,
            })
            .collect();
        for file in touched {
            let text = apply_edits(files.text(file), file, &edits);
            let path = files.path(file).to_string();
            files.insert(&path, text, None);
            changed.insert(path);
        }
        for edit in &edits {
            if let FileEdit::Create { path, text } = edit {
                files.insert(path, text.clone(), None);
                changed.insert(path.clone());
            }
        }
    }
    (applied, changed)
}

/// Whether every file a fix edits may be edited.
fn allowed(fix: &Fix, editable: &impl Fn(&FileId) -> bool, may_create: Option<fn(&str) -> bool>) -> bool {
    fix.edits.iter().all(|e| match e {
        FileEdit::Replace { file, .. } => editable(file),
        FileEdit::Create { path, .. } => may_create.is_none_or(|f| f(path)),
    })
}
