//! The line breaks of large texts, found once and kept beside them: a
//! template with a thousand fixes on one minified line asks for a line start
//! a thousand times, and a scan back to the start of the line reads the
//! whole file each time.
//!
//! An index is found again by the address of the text's bytes. It holds a
//! weak reference to the text's allocation: while that can be upgraded, no
//! other text lives at that address, and an `Arc<str>` with a weak reference
//! is never changed in place, so a match by address and length is the same
//! text. Texts the file set did not register are simply scanned.

use std::sync::{Arc, Mutex, OnceLock, Weak};

/// Texts under this size are scanned: the scan is as fast as a lookup.
const LARGE: usize = 64 * 1024;
/// How many indexes are kept; the oldest goes first.
const KEEP: usize = 64;

struct Index {
    text: Weak<str>,
    breaks: OnceLock<Vec<usize>>,
}

static INDEXES: Mutex<Vec<Arc<Index>>> = Mutex::new(Vec::new());

impl Index {
    /// The offsets of every `\n` and `\r`, in order, found on first use.
    fn breaks(&self, text: &str) -> &[usize] {
        self.breaks.get_or_init(|| {
            text.bytes()
                .enumerate()
                .filter(|(_, b)| matches!(b, b'\n' | b'\r'))
                .map(|(i, _)| i)
                .collect()
        })
    }

    /// Whether this is the index of the live allocation that holds `text`.
    fn is_of(&self, text: &str) -> bool {
        self.text
            .upgrade()
            .is_some_and(|live| live.as_ptr() == text.as_ptr() && live.len() == text.len())
    }
}

/// Registers a text whose line starts may be asked for (large texts only).
pub fn remember(text: &Arc<str>) {
    if text.len() < LARGE {
        return;
    }
    let Ok(mut indexes) = INDEXES.lock() else { return };
    indexes.retain(|index| index.text.strong_count() > 0);
    if indexes.iter().any(|index| index.is_of(text)) {
        return;
    }
    if indexes.len() >= KEEP {
        indexes.remove(0);
    }
    indexes.push(Arc::new(Index {
        text: Arc::downgrade(text),
        breaks: OnceLock::new(),
    }));
}

/// The start of the line holding byte `offset` (a character boundary) of a
/// registered text; `None` when `text` is not registered.
pub fn line_start(text: &str, offset: usize) -> Option<usize> {
    if text.len() < LARGE {
        return None;
    }
    let index = {
        let indexes = INDEXES.lock().ok()?;
        indexes.iter().find(|index| index.is_of(text)).cloned()?
    };
    let breaks = index.breaks(text);
    let after = breaks.partition_point(|&b| b < offset);
    Some(if after == 0 { 0 } else { breaks[after - 1] + 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_texts_answer_from_their_index_and_others_are_not_found() {
        let text: Arc<str> =
            format!("{}\r\n{}\r{}", "a".repeat(LARGE), "b".repeat(10), "c".repeat(10)).into();
        let copy = text.to_string();
        assert_eq!(line_start(&text, 5), None);
        remember(&text);
        assert_eq!(line_start(&text, 5), Some(0));
        assert_eq!(line_start(&text, LARGE), Some(0));
        assert_eq!(line_start(&text, LARGE + 1), Some(LARGE + 1));
        assert_eq!(line_start(&text, LARGE + 2), Some(LARGE + 2));
        assert_eq!(line_start(&text, LARGE + 13), Some(LARGE + 13));
        assert_eq!(line_start(&text, text.len()), Some(LARGE + 13));
        // The same bytes elsewhere are another text.
        assert_eq!(line_start(&copy, 5), None);
        // Once the text is gone its index is never used again.
        let len = text.len();
        drop(text);
        let other: Arc<str> = "x".repeat(len).into();
        assert_eq!(line_start(&other, 5), None);
    }
}
