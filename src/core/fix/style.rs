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
        let text = &text[..end];
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
    let offset = offset.min(text.len());
    let start = text[..offset].rfind(['\n', '\r']).map(|i| i + 1).unwrap_or(0);
    let line = &text[start..];
    let end = line.find(|c: char| c != ' ' && c != '\t').unwrap_or(line.len());
    &line[..end]
}

/// The start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[..offset].rfind(['\n', '\r']).map(|i| i + 1).unwrap_or(0)
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
}
