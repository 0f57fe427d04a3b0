//! Open documents: ropes edited in place by the text-sync notifications,
//! synchronously, before any `.await` (so edits apply in arrival order).

use std::sync::Arc;

use dashmap::DashMap;
use ropey::Rope;
use tower_lsp_server::ls_types::{Position as LspPosition, Range, TextDocumentContentChangeEvent};

use crate::protocol::Encoding;

pub struct Document {
    pub uri: String,
    pub version: i32,
    pub rope: Rope,
    /// The rope as one string, made on the first snapshot after an edit
    /// (each run and each publish asks; the copy is the same until an edit).
    text: std::sync::OnceLock<Arc<str>>,
}

#[derive(Default)]
pub struct Documents {
    /// Keyed by normalized path.
    docs: DashMap<String, Document>,
    /// Changes to documents not open yet. Some clients (Helix applying a
    /// workspace edit to a file it had to open) send a `didChange` just
    /// before the `didOpen` it follows; its edits are applied once the
    /// document opens at an older version.
    early: DashMap<String, Vec<EarlyChange>>,
    /// Documents the client closed and has not opened again. A change for
    /// one is stale (its versions count the closed document's edits), so
    /// it is dropped rather than kept for the next `didOpen`.
    closed: DashMap<String, ()>,
}

struct EarlyChange {
    version: i32,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
}

/// Bounds on what is kept for documents that never open.
const MAX_EARLY_PATHS: usize = 16;
const MAX_EARLY_CHANGES: usize = 32;
/// Closed documents remembered; past this the oldest are forgotten at once.
const MAX_CLOSED: usize = 1024;

/// A snapshot of one open document.
pub struct Snapshot {
    pub version: i32,
    pub text: Arc<str>,
}

impl Documents {
    /// Opens a document; changes that arrived for it before, with newer
    /// versions, are applied to it. Returns how many were.
    pub fn open(&self, path: &str, uri: &str, version: i32, text: &str) -> usize {
        let mut doc = Document {
            uri: uri.to_string(),
            version,
            rope: Rope::from_str(text),
            text: std::sync::OnceLock::new(),
        };
        let mut applied = 0;
        self.closed.remove(path);
        if let Some((_, early)) = self.early.remove(path) {
            for change in early.into_iter().filter(|c| c.version > version) {
                apply_changes(&mut doc, &change.changes, change.encoding);
                doc.version = change.version;
                applied += 1;
            }
        }
        self.docs.insert(path.to_string(), doc);
        applied
    }

    pub fn close(&self, path: &str) -> Option<Document> {
        self.early.remove(path);
        let doc = self.docs.remove(path).map(|(_, d)| d);
        if doc.is_some() {
            if self.closed.len() >= MAX_CLOSED {
                self.closed.clear();
            }
            self.closed.insert(path.to_string(), ());
        }
        doc
    }

    pub fn is_open(&self, path: &str) -> bool {
        self.docs.contains_key(path)
    }

    pub fn version(&self, path: &str) -> Option<i32> {
        self.docs.get(path).map(|d| d.version)
    }

    pub fn snapshot(&self, path: &str) -> Option<Snapshot> {
        self.docs.get(path).map(|d| Snapshot {
            version: d.version,
            text: d.text.get_or_init(|| Arc::from(d.rope.to_string())).clone(),
        })
    }

    /// The client's URI for an open document.
    pub fn uri(&self, path: &str) -> Option<String> {
        self.docs.get(path).map(|d| d.uri.clone())
    }

    pub fn paths(&self) -> Vec<String> {
        self.docs.iter().map(|e| e.key().clone()).collect()
    }

    /// Applies `contentChanges` in order. Returns the edited ranges as
    /// (start, old end, new end) positions, for shifting stored diagnostics.
    /// A change to a document that is not open is kept for its `didOpen`
    /// (see `early`), unless the client closed that document (`closed`).
    pub fn apply(
        &self,
        path: &str,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) -> Vec<Edit> {
        let Some(mut doc) = self.docs.get_mut(path) else {
            self.keep_early(path, version, changes, encoding);
            return Vec::new();
        };
        let edits = apply_changes(&mut doc, changes, encoding);
        doc.version = version;
        edits
    }

    fn keep_early(
        &self,
        path: &str,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) {
        if self.closed.contains_key(path) {
            return;
        }
        if !self.early.contains_key(path) && self.early.len() >= MAX_EARLY_PATHS {
            return;
        }
        let mut kept = self.early.entry(path.to_string()).or_default();
        if kept.len() < MAX_EARLY_CHANGES {
            kept.push(EarlyChange {
                version,
                changes: changes.to_vec(),
                encoding,
            });
        }
    }
}

/// Applies `contentChanges` in order to one document.
fn apply_changes(
    doc: &mut Document,
    changes: &[TextDocumentContentChangeEvent],
    encoding: Encoding,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    doc.text = std::sync::OnceLock::new();
    for change in changes {
        let text = change.text.as_str();
        match change.range {
            None => {
                doc.rope = Rope::from_str(text);
                edits.push(Edit::Whole);
            }
            Some(range) => {
                let start = position(range.start);
                let end = position(range.end);
                let (start, end) = if end < start { (end, start) } else { (start, end) };
                let a = char_index(&doc.rope, start, encoding);
                let b = char_index(&doc.rope, end, encoding).max(a);
                doc.rope.remove(a..b);
                doc.rope.insert(a, text);
                let new_end = end_after_insert(start, text, encoding);
                edits.push(Edit::Range {
                    start,
                    old_end: end,
                    new_end,
                });
            }
        }
    }
    edits
}

/// (line, character) as the client counts them.
pub type Position = (u32, u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Whole,
    Range {
        start: Position,
        old_end: Position,
        new_end: Position,
    },
}

fn position(position: LspPosition) -> Position {
    (position.line, position.character)
}

/// The char index of a client position: a line past the end clamps to the
/// end of the text, a column past the line's end to the line's end (before
/// its line break), a column inside a character to that character's start.
pub fn char_index(rope: &Rope, (line, column): Position, encoding: Encoding) -> usize {
    let line = line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut units = 0usize;
    for (i, ch) in slice.chars().enumerate() {
        if ch == '\n' || ch == '\r' {
            return start + i;
        }
        let width = match encoding {
            Encoding::Utf16 => ch.len_utf16(),
            Encoding::Utf8 => ch.len_utf8(),
        };
        if units + width > column as usize {
            return start + i;
        }
        units += width;
    }
    start + slice.len_chars()
}

fn end_after_insert(start: Position, text: &str, encoding: Encoding) -> Position {
    let mut line = start.0;
    let mut column = start.1;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                line += 1;
                column = 0;
            }
            '\n' => {
                line += 1;
                column = 0;
            }
            ch => {
                column += match encoding {
                    Encoding::Utf16 => ch.len_utf16() as u32,
                    Encoding::Utf8 => ch.len_utf8() as u32,
                }
            }
        }
    }
    (line, column)
}

/// Moves a diagnostic's range through an edit; `None` when the edit
/// touched it (the finding may no longer hold).
pub fn shift_range(range: &Range, edit: &Edit) -> Option<Range> {
    let Edit::Range {
        start,
        old_end,
        new_end,
    } = *edit
    else {
        return None;
    };
    let s = (range.start.line, range.start.character);
    let e = (range.end.line, range.end.character);
    if e < start {
        return Some(*range);
    }
    if s < old_end || (s == old_end && s == start) {
        return None;
    }
    let shift = |p: Position| -> Position {
        if p.0 == old_end.0 {
            (new_end.0, new_end.1 + (p.1 - old_end.1))
        } else {
            (p.0 + new_end.0 - old_end.0, p.1)
        }
    };
    let ns = shift(s);
    let ne = shift(e);
    Some(Range::new(
        LspPosition::new(ns.0, ns.1),
        LspPosition::new(ne.0, ne.1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `contentChanges` written as JSON.
    fn changes(value: serde_json::Value) -> Vec<TextDocumentContentChangeEvent> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn positions_clamp_and_round_down() {
        let rope = Rope::from_str("a😀b\r\nxy");
        assert_eq!(char_index(&rope, (0, 1), Encoding::Utf16), 1);
        assert_eq!(
            char_index(&rope, (0, 2), Encoding::Utf16),
            1,
            "inside the surrogate pair"
        );
        assert_eq!(char_index(&rope, (0, 3), Encoding::Utf16), 2);
        assert_eq!(char_index(&rope, (0, 99), Encoding::Utf16), 3, "before the CRLF");
        assert_eq!(char_index(&rope, (1, 1), Encoding::Utf16), 6);
        assert_eq!(char_index(&rope, (7, 0), Encoding::Utf16), 7);
        assert_eq!(char_index(&rope, (0, 5), Encoding::Utf8), 2);
    }

    #[test]
    fn incremental_edits_apply_in_order() {
        let docs = Documents::default();
        docs.open("/a", "file:///a", 1, "hello\nworld");
        let edits = changes(serde_json::json!([
            {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 5}}, "text": "there"},
            {"range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 5}}, "text": ",\nout"},
        ]));
        docs.apply("/a", 2, &edits, Encoding::Utf16);
        let snap = docs.snapshot("/a").unwrap();
        assert_eq!(&*snap.text, "hello,\nout\nthere");
        assert_eq!(snap.version, 2);
    }

    #[test]
    fn a_change_sent_before_its_open_is_applied_on_open() {
        let docs = Documents::default();
        let change = |text: &str| {
            changes(serde_json::json!([
                {"range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 5}}, "text": text},
            ]))
        };
        docs.apply("/a", 1, &change(" there"), Encoding::Utf16);
        docs.apply("/a", 2, &change(","), Encoding::Utf16);
        assert!(docs.snapshot("/a").is_none());
        assert_eq!(docs.open("/a", "file:///a", 0, "hello"), 2);
        let snap = docs.snapshot("/a").unwrap();
        assert_eq!((&*snap.text, snap.version), ("hello, there", 2));
        // A change older than the opened version is dropped; so is one for
        // a document closed before it opened again.
        docs.close("/a");
        docs.apply("/a", 3, &change("!"), Encoding::Utf16);
        assert_eq!(docs.open("/a", "file:///a", 5, "hello"), 0);
        assert_eq!(&*docs.snapshot("/a").unwrap().text, "hello");
        docs.apply("/b", 1, &change("!"), Encoding::Utf16);
        docs.close("/b");
        assert_eq!(docs.open("/b", "file:///b", 0, "hello"), 0);
    }

    #[test]
    fn a_change_after_close_is_not_applied_to_the_reopened_document() {
        let docs = Documents::default();
        let change = changes(serde_json::json!([{"text": "stale"}]));
        docs.open("/a", "file:///a", 3, "one");
        docs.close("/a");
        docs.apply("/a", 7, &change, Encoding::Utf16);
        assert_eq!(docs.open("/a", "file:///a", 1, "two"), 0);
        let snap = docs.snapshot("/a").unwrap();
        assert_eq!((&*snap.text, snap.version), ("two", 1));
        // Open again, the document takes changes as usual.
        docs.apply("/a", 2, &change, Encoding::Utf16);
        assert_eq!(&*docs.snapshot("/a").unwrap().text, "stale");
        // And the set of closed documents stays bounded.
        for i in 0..MAX_CLOSED + 10 {
            docs.open(&format!("/c{i}"), "file:///c", 1, "");
            docs.close(&format!("/c{i}"));
        }
        assert!(docs.closed.len() <= MAX_CLOSED);
    }

    #[test]
    fn early_changes_are_bounded() {
        let docs = Documents::default();
        let change = changes(serde_json::json!([{"text": "x"}]));
        for i in 0..100 {
            docs.apply(&format!("/p{i}"), 1, &change, Encoding::Utf16);
            docs.apply("/p0", i + 2, &change, Encoding::Utf16);
        }
        assert_eq!(docs.early.len(), MAX_EARLY_PATHS);
        assert_eq!(docs.early.get("/p0").unwrap().len(), MAX_EARLY_CHANGES);
    }

    #[test]
    fn diagnostics_shift_past_edits() {
        let range = Range::new(LspPosition::new(3, 2), LspPosition::new(3, 6));
        let insert_line = Edit::Range {
            start: (1, 0),
            old_end: (1, 0),
            new_end: (2, 0),
        };
        assert_eq!(shift_range(&range, &insert_line).unwrap().start.line, 4);
        let same_line = Edit::Range {
            start: (3, 0),
            old_end: (3, 1),
            new_end: (3, 3),
        };
        assert_eq!(shift_range(&range, &same_line).unwrap().start.character, 4);
        let touching = Edit::Range {
            start: (3, 3),
            old_end: (3, 4),
            new_end: (3, 3),
        };
        assert!(shift_range(&range, &touching).is_none());
    }
}
