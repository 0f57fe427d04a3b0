//! Byte offsets ↔ (line, column). Lines end at `\n`, `\r\n` or `\r` only,
//! as LSP says; columns count UTF-16 code units or UTF-8 bytes as negotiated.
//! Every conversion is total: out-of-range input is clamped, never a panic.

use serde_json::{json, Value};

use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;
use crate::protocol::uri;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of every line.
    starts: Vec<usize>,
    len: usize,
    /// Every [`MARK_EVERY`] bytes or so (at a character start): the byte
    /// offset and the UTF-16 units before it, so a column on a long line
    /// (a minified file) costs a short scan, not one from the line's start.
    /// Empty for ASCII text, where units are bytes.
    marks: Vec<(usize, usize)>,
}

const MARK_EVERY: usize = 1024;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        let mut marks = Vec::new();
        if !text.is_ascii() {
            let mut units = 0;
            let mut next = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let continuation = b & 0xC0 == 0x80;
                if i >= next && !continuation {
                    marks.push((i, units));
                    next = i + MARK_EVERY;
                }
                if !continuation {
                    units += if b >= 0xF0 { 2 } else { 1 };
                }
            }
        }
        LineIndex {
            starts,
            len: text.len(),
            marks,
        }
    }

    /// UTF-16 units before byte `offset`, a character start.
    fn units_before(&self, text: &str, offset: usize) -> usize {
        if self.marks.is_empty() {
            return offset;
        }
        let k = match self.marks.binary_search_by_key(&offset, |m| m.0) {
            Ok(k) => k,
            Err(k) => k.saturating_sub(1),
        };
        let (byte, units) = self.marks[k];
        units
            + text
                .get(byte..offset)
                .map_or(0, |t| t.chars().map(char::len_utf16).sum())
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a line's content, without its line break.
    fn line_bounds(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end)
    }

    /// (line, column) of a byte offset. An offset inside a character counts
    /// as that character's start.
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> (u32, u32) {
        let mut offset = offset.min(self.len);
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let (start, end) = self.line_bounds(text, line);
        let offset = offset.min(end);
        let column = match encoding {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => self.units_before(text, offset) - self.units_before(text, start),
        };
        (line as u32, column as u32)
    }

    /// The byte offset of (line, column). A line past the end clamps to the
    /// end of the text; a column past the line's end clamps to the line's
    /// end; a column inside a character rounds down to its start.
    pub fn offset(&self, text: &str, line: u32, column: u32, encoding: Encoding) -> usize {
        let line = line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let (start, end) = self.line_bounds(text, line);
        let column = column as usize;
        match encoding {
            Encoding::Utf8 => {
                let mut offset = (start + column).min(end);
                while offset > start && !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                offset
            }
            Encoding::Utf16 => {
                // Start the scan at the last mark at or before the column.
                let line_units = self.units_before(text, start);
                let target = line_units + column;
                let k = self.marks.partition_point(|m| m.1 <= target && m.0 <= end);
                let (from, mut units) = match k.checked_sub(1).map(|k| self.marks[k]) {
                    Some((byte, units)) if byte > start => (byte, units - line_units),
                    _ => (start, 0),
                };
                for (i, ch) in text[from..end].char_indices() {
                    let next = units + ch.len_utf16();
                    if next > column {
                        return from + i;
                    }
                    units = next;
                }
                end
            }
        }
    }

    /// Whether a line number exists (requests on a missing line are errors).
    pub fn has_line(&self, line: u32) -> bool {
        (line as usize) < self.starts.len()
    }
}

/// Line indexes for the files of one run, built on first use.
pub struct Positions<'a> {
    files: &'a FileSet,
    encoding: Encoding,
    indexes: std::cell::RefCell<std::collections::HashMap<FileId, std::rc::Rc<LineIndex>>>,
}

impl<'a> Positions<'a> {
    pub fn new(files: &'a FileSet, encoding: Encoding) -> Self {
        Positions {
            files,
            encoding,
            indexes: Default::default(),
        }
    }

    pub fn files(&self) -> &'a FileSet {
        self.files
    }

    fn index(&self, file: FileId) -> std::rc::Rc<LineIndex> {
        self.indexes
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| std::rc::Rc::new(LineIndex::new(self.files.text(file))))
            .clone()
    }

    pub fn range(&self, file: FileId, range: TextRange) -> Value {
        let text = self.files.text(file);
        let index = self.index(file);
        let (sl, sc) = index.position(text, range.start(), self.encoding);
        let (el, ec) = index.position(text, range.end(), self.encoding);
        json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
    }

    pub fn uri(&self, file: FileId) -> String {
        uri::from_path(self.files.path(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_line_breaks() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(text, 7, Encoding::Utf16), (3, 0));
        assert_eq!(index.position(text, 5, Encoding::Utf16), (2, 0));
        assert_eq!(index.offset(text, 1, 9, Encoding::Utf16), 3);
    }

    #[test]
    fn utf16_columns_and_surrogates() {
        let text = "\"😀é\": 1";
        let index = LineIndex::new(text);
        // 😀 is 4 bytes and 2 UTF-16 units; é is 2 bytes and 1 unit.
        assert_eq!(index.position(text, 7, Encoding::Utf16), (0, 4));
        assert_eq!(index.position(text, 7, Encoding::Utf8), (0, 7));
        assert_eq!(index.offset(text, 0, 4, Encoding::Utf16), 7);
        // A column inside the surrogate pair rounds down to the emoji's start.
        assert_eq!(index.offset(text, 0, 2, Encoding::Utf16), 1);
        assert_eq!(index.offset(text, 0, 3, Encoding::Utf8), 1);
    }

    #[test]
    fn out_of_range_clamps() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, 9, 0, Encoding::Utf16), 5);
        assert_eq!(index.offset(text, 0, 99, Encoding::Utf16), 2);
        assert_eq!(index.position(text, 99, Encoding::Utf16), (1, 2));
    }

    use proptest::prelude::*;

    /// Columns counted from the line's start, as before the marks.
    fn naive_position(text: &str, offset: usize) -> (u32, u32) {
        let before = &text[..offset];
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = LineIndex::new(before).line_count() - 1;
        (
            line as u32,
            before[line_start..].chars().map(char::len_utf16).sum::<usize>() as u32,
        )
    }

    proptest! {
        #[test]
        fn long_lines_match_a_scan_from_the_line_start(
            text in "[a-z😀é]{0,1500}(\n[a-z😀é]{0,1500})?", pick in 0usize..8000
        ) {
            let index = LineIndex::new(&text);
            let mut offset = pick.min(text.len());
            while !text.is_char_boundary(offset) { offset -= 1; }
            let (line, col) = index.position(&text, offset, Encoding::Utf16);
            prop_assert_eq!((line, col), naive_position(&text, offset));
            prop_assert_eq!(index.offset(&text, line, col, Encoding::Utf16), offset);
            prop_assert_eq!(index.offset(&text, line, col + 100_000, Encoding::Utf16) >= offset, true);
        }

        #[test]
        fn round_trip(text in "[a-z😀é\r\n]{0,40}", pick in 0usize..60) {
            let index = LineIndex::new(&text);
            let mut offset = pick.min(text.len());
            while !text.is_char_boundary(offset) { offset -= 1; }
            // An offset between \r and \n is not a position of its own.
            if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
                offset -= 1;
            }
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let (line, col) = index.position(&text, offset, enc);
                prop_assert_eq!(index.offset(&text, line, col, enc), offset);
            }
        }
    }
}
