//! The layout conventions of an existing file: newline, indentation unit,
//! and the indentation of a given line.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    pub newline: &'static str,
    /// One level of indentation (`"  "`, `"    "` or `"\t"`).
    pub indent: String,
}

/// How much of a file [`Style::detect`] reads.
const DETECT_WINDOW: usize = 64 * 1024;

impl Style {
    /// Reads only the first [`DETECT_WINDOW`] bytes: the style shows there,
    /// and a file with many fixes must not be read whole for each.
    pub fn detect(text: &str) -> Style {
        let mut end = text.len().min(DETECT_WINDOW);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        // The first 400 lines show the style: the rest of the window is
        // not read (a template with many fixes asks once per fix).
        let lines_end = text.as_bytes()[..end]
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n' || **b == b'\r')
            .nth(800)
            .map_or(end, |(i, _)| i);
        let text = &text[..lines_end];
        let newline = if text.contains("\r\n") {
            "\r\n"
        } else if text.contains('\n') {
            "\n"
        } else if text.contains('\r') {
            "\r"
        } else {
            "\n"
        };
        // The smallest non-zero indentation step between consecutive lines.
        let mut unit: Option<String> = None;
        let mut previous = 0usize;
        // The first lines show the style; large files need not be read whole.
        for line in text.split(['\n', '\r']).take(400) {
            if line.trim().is_empty() {
                continue;
            }
            let ws: &str = &line[..line.len() - line.trim_start().len()];
            if ws.starts_with('\t') {
                unit = Some("\t".into());
                break;
            }
            let width = ws.len();
            if width > previous {
                let step = width - previous;
                if unit.as_ref().is_none_or(|u| step < u.len()) {
                    unit = Some(" ".repeat(step));
                }
            }
            previous = width;
        }
        Style {
            newline,
            indent: unit.unwrap_or_else(|| "  ".into()),
        }
    }
}

/// The leading whitespace of the line holding `offset`.
pub fn line_indent(text: &str, offset: usize) -> &str {
    let line = &text[line_start(text, offset)..];
    let end = line.find(|c: char| c != ' ' && c != '\t').unwrap_or(line.len());
    &line[..end]
}

/// The start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if let Some(start) = crate::core::lines::line_start(text, offset) {
        return start;
    }
    last_break(&text.as_bytes()[..offset]).map(|i| i + 1).unwrap_or(0)
}

/// The last `\n` or `\r` in `bytes`. Looks at 64 bytes at a time with a
/// test the compiler vectorises, so a fix in a minified one-line file
/// (where the search runs back to the start) reads it at memory speed.
fn last_break(bytes: &[u8]) -> Option<usize> {
    let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
    let mut end = bytes.len();
    while end >= 64 {
        let chunk = &bytes[end - 64..end];
        if chunk.iter().fold(false, |hit, b| hit | is_break(b)) {
            return chunk.iter().rposition(is_break).map(|i| end - 64 + i);
        }
        end -= 64;
    }
    bytes[..end].iter().rposition(is_break)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_style() {
        assert_eq!(
            Style::detect("{\r\n    \"a\": {\r\n        \"b\": 1\r\n    }\r\n}"),
            Style {
                newline: "\r\n",
                indent: "    ".into()
            }
        );
        assert_eq!(Style::detect("{\n\t\"a\": 1\n}").indent, "\t");
        // Only the first 64 KiB are read.
        let late = format!("{}\r\n    x", "é".repeat(DETECT_WINDOW));
        assert_eq!(Style::detect(&late).newline, "\n");
        assert_eq!(Style::detect(&late[..8]).newline, "\n");
        let early = format!("{{\r\n   \"a\": 1{}", "x".repeat(DETECT_WINDOW));
        assert_eq!(
            Style::detect(&early),
            Style {
                newline: "\r\n",
                indent: "   ".into()
            }
        );
        assert_eq!(line_indent("{\n   \"a\": 1", 8), "   ");
    }

    #[test]
    fn line_starts_agree_with_a_scan() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&"é x".repeat(i % 70));
            text.push_str(["\n", "\r\n", "\r", "\t"][i % 4]);
        }
        for offset in 0..=text.len() + 2 {
            let at = offset.min(text.len());
            let expected = (0..=at)
                .rev()
                .find(|&i| i == 0 || matches!(text.as_bytes()[i - 1], b'\n' | b'\r'))
                .unwrap();
            // A split character is read from its start.
            let expected = if text.is_char_boundary(at) {
                expected
            } else {
                line_start(&text, at - 1)
            };
            assert_eq!(line_start(&text, offset), expected, "offset {offset}");
        }
    }
}
