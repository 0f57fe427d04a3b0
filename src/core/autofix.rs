//! `check --fix` without the disk: applies every finding's preferred fix,
//! round by round (one fix can make room for another), skipping fixes whose
//! edits overlap one already taken in the same round.

use std::collections::BTreeSet;

use crate::core::analysis::analyze;
use crate::core::diagnostic::{apply_edits, FileEdit};
use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;

/// Returns how many fixes were applied and the paths of the files changed
/// or created.
pub fn apply_preferred(files: &mut FileSet, rounds: usize) -> (usize, BTreeSet<String>) {
    let mut applied = 0;
    let mut changed: BTreeSet<String> = BTreeSet::new();
    for _ in 0..rounds {
        let analysis = analyze(files, None);
        let mut taken: Vec<(FileId, TextRange)> = Vec::new();
        let mut edits: Vec<FileEdit> = Vec::new();
        let mut created = BTreeSet::new();
        for finding in &analysis.findings {
            let Some(fix) = finding.fixes.iter().find(|f| f.preferred) else {
                continue;
            };
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
