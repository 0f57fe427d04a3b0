//! Findings: what the rules report, in byte ranges and plain data. The
//! protocol layer turns them into LSP diagnostics, JSON and SARIF.

use crate::core::files::FileId;
use crate::core::text::TextRange;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Location {
    pub file: FileId,
    pub range: TextRange,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Tag {
    /// Shown faded by editors: a permission nothing needs.
    Unnecessary,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Finding {
    /// The rule id, e.g. `unscoped-lambda-invoke`.
    pub rule: &'static str,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
    pub tags: Vec<Tag>,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            location,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
            tags: Vec::new(),
        }
    }

    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}

/// A fix: edits to one or more files, applied together.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Fix {
    pub title: String,
    /// The fix `check --fix` applies and editors offer first.
    pub preferred: bool,
    /// Whether `check --fix` may apply it without `--unsafe-fixes`. Rules
    /// leave it `true`; [`crate::core::fix::safety`] decides it when the
    /// findings are finalised.
    pub safe: bool,
    pub edits: Vec<FileEdit>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FileEdit {
    /// Replace `range` of an existing file with `new_text`.
    Replace {
        file: FileId,
        range: TextRange,
        new_text: String,
    },
    /// Create a file that does not exist yet.
    Create { path: String, text: String },
}

/// The `Replace` edits of one file: (range, new text).
pub fn replacements(edits: &[FileEdit], file: FileId) -> impl Iterator<Item = (TextRange, &str)> {
    edits.iter().filter_map(move |e| match e {
        FileEdit::Replace {
            file: f,
            range,
            new_text,
        } if *f == file => Some((*range, new_text.as_str())),
        _ => None,
    })
}

/// Applies the `Replace` edits for one file to its text. Edits must not
/// overlap; they are applied back to front so earlier offsets stay valid.
pub fn apply_edits(text: &str, file: FileId, edits: &[FileEdit]) -> String {
    let mut mine: Vec<(TextRange, &str)> = replacements(edits, file).collect();
    mine.sort_by_key(|(r, _)| std::cmp::Reverse((r.start, r.end)));
    let mut out = text.to_string();
    for (range, new_text) in mine {
        let start = range.start().min(out.len());
        let end = range.end().min(out.len()).max(start);
        if out.is_char_boundary(start) && out.is_char_boundary(end) {
            out.replace_range(start..end, new_text);
        }
    }
    out
}
