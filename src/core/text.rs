//! Byte ranges into a file's text. The core speaks only in byte offsets;
//! lines and UTF-16 columns are the protocol layer's business.

use std::fmt;

/// A half-open byte range `start..end` into one file's text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        let start = start.min(u32::MAX as usize) as u32;
        let end = (end.min(u32::MAX as usize) as u32).max(start);
        TextRange { start, end }
    }

    pub fn empty(at: usize) -> Self {
        TextRange::new(at, at)
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The range `by` bytes later.
    pub fn shifted(self, by: u32) -> TextRange {
        TextRange {
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
        }
    }

    /// The range `by` bytes earlier (clamped at 0).
    pub fn shifted_back(self, by: u32) -> TextRange {
        TextRange {
            start: self.start.saturating_sub(by),
            end: self.end.saturating_sub(by),
        }
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Maps each byte offset of `value` (and one past its end) to the offset in
/// a file of the character it came from, given the characters the source
/// stands for (escapes decoded) with their offsets: `value` is aligned with
/// them, skipping what the writer added (quotes, indentation, a block
/// header). `end` is where the source ends.
pub fn align_decoded(written: &[(char, usize)], value: &str, end: usize) -> Vec<usize> {
    let mut map = Vec::with_capacity(value.len() + 1);
    let mut cursor = 0;
    for c in value.chars() {
        let at = match written[cursor..].iter().position(|(w, _)| *w == c) {
            Some(i) => {
                cursor += i;
                let at = written[cursor].1;
                cursor += 1;
                at
            }
            None => written.get(cursor).map(|w| w.1).unwrap_or(end),
        };
        map.extend(std::iter::repeat_n(at, c.len_utf8()));
    }
    map.push(written.get(cursor).map(|w| w.1).unwrap_or(end).min(end));
    map
}
