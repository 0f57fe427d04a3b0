//! State names as written: the range of a name inside its quotes, whether
//! a written scalar reads back as a given name, and how to write a name in
//! JSON or in YAML (keeping the quote style already there when it can).

use crate::core::classify::Format;
use crate::core::syntax::{self, NodeKind};
use crate::core::text::TextRange;

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Double,
    Single,
    Plain,
}

pub fn style(raw: &str) -> Style {
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        Style::Double
    } else if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        Style::Single
    } else {
        Style::Plain
    }
}

/// The text of `range`, or "" when it is not a valid slice.
pub fn slice(text: &str, range: TextRange) -> &str {
    text.get(range.start()..range.end()).unwrap_or("")
}

/// The range of a scalar without its quotes.
pub fn inner(text: &str, range: TextRange) -> TextRange {
    match style(slice(text, range)) {
        Style::Plain => range,
        _ => TextRange::new(range.start() + 1, range.end() - 1),
    }
}

/// Whether the scalar written at `range` reads back as the string `name`
/// (so rewriting it changes exactly that name).
pub fn reads_as(text: &str, range: TextRange, format: Format, name: &str) -> bool {
    let raw = slice(text, range);
    if raw.is_empty() {
        return false;
    }
    match format {
        Format::Json => serde_json::from_str::<String>(raw).is_ok_and(|s| s == name),
        _ => yaml_value(raw).as_deref() == Some(name),
    }
}

/// The string a YAML scalar written on its own as a mapping value reads as.
fn yaml_value(raw: &str) -> Option<String> {
    if raw.contains(['\n', '\r']) {
        return None;
    }
    let parsed = syntax::yaml::parse(&format!("k: {raw}\n"));
    if !parsed.errors.is_empty() {
        return None;
    }
    let root = parsed.root?;
    let [member] = root.members() else {
        return None;
    };
    match &member.value.kind {
        NodeKind::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A JSON string literal for `name` (also a valid YAML double-quoted scalar).
pub fn json_quoted(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_else(|_| "\"\"".to_string())
}

pub fn single_quoted(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// Whether `name` may be written as a plain YAML scalar, as a key or a
/// value, in block or flow context, and read back as the same string.
pub fn plain_ok(name: &str) -> bool {
    let Some(first) = name.chars().next() else {
        return false;
    };
    let last = name.chars().last().unwrap_or(first);
    // Words and numbers some YAML reader (1.1 or 1.2) takes for another type.
    const SPECIAL: [&str; 14] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".nan", ".inf", "<<", "=",
    ];
    if SPECIAL.contains(&name.to_ascii_lowercase().as_str())
        || first.is_ascii_digit()
        || "-?:,[]{}#&*!|>'\"%@`+.".contains(first)
        || first.is_whitespace()
        || last.is_whitespace()
        || last == ':'
        || name.contains(": ")
        || name.contains(" #")
        || name.chars().any(|c| c.is_control() || ",[]{}".contains(c))
    {
        return false;
    }
    yaml_value(name).as_deref() == Some(name)
        && syntax::yaml::parse(&format!("{name}: v\n"))
            .root
            .is_some_and(|root| root.members().first().is_some_and(|m| m.key == name))
}

/// The scalar to write in place of `raw` (a scalar as written, or nothing
/// for an empty YAML value) so it reads as `name`: JSON writes a JSON
/// string; YAML keeps the quote style of `raw` and writes plain only when
/// the name reads back plain.
pub fn write(format: Format, raw: &str, name: &str) -> String {
    if format == Format::Json {
        return json_quoted(name);
    }
    match style(raw) {
        Style::Double => json_quoted(name),
        Style::Single => single_quoted(name),
        Style::Plain if plain_ok(name) => name.to_string(),
        Style::Plain if name.contains('\'') => json_quoted(name),
        Style::Plain => single_quoted(name),
    }
}

/// The text to write between the quotes of a scalar of `style` so it reads
/// as `name` (for quoted scalars only).
pub fn write_inside(style: Style, name: &str) -> String {
    match style {
        Style::Single => name.replace('\'', "''"),
        _ => {
            let quoted = json_quoted(name);
            quoted[1..quoted.len() - 1].to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_are_quoted_only_when_needed() {
        assert_eq!(write(Format::Yaml, "Old", "New name"), "New name");
        assert_eq!(write(Format::Yaml, "Old", "開始 🚀"), "開始 🚀");
        assert_eq!(write(Format::Yaml, "Old", "true"), "'true'");
        assert_eq!(write(Format::Yaml, "Old", "12"), "'12'");
        assert_eq!(write(Format::Yaml, "Old", "a: b"), "'a: b'");
        assert_eq!(write(Format::Yaml, "Old", "#x"), "'#x'");
        assert_eq!(write(Format::Yaml, "Old", "a,b"), "'a,b'");
        assert_eq!(write(Format::Yaml, "Old", "it's: x"), "\"it's: x\"");
        assert_eq!(write(Format::Yaml, "'Old'", "it's"), "'it''s'");
        assert_eq!(write(Format::Yaml, "\"Old\"", "say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(write(Format::Json, "\"Old\"", "a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn what_is_written_reads_back() {
        for name in [
            "A",
            "it's",
            "a: b",
            "null",
            "~",
            "- x",
            "x #y",
            "ü",
            "[a]",
            "say \"hi\"",
        ] {
            for raw in ["P", "'P'", "\"P\""] {
                let written = write(Format::Yaml, raw, name);
                let range = TextRange::new(0, written.len());
                assert!(
                    reads_as(&written, range, Format::Yaml, name),
                    "{raw} {name}: {written}"
                );
            }
            let written = write(Format::Json, "\"P\"", name);
            assert!(reads_as(
                &written,
                TextRange::new(0, written.len()),
                Format::Json,
                name
            ));
        }
    }

    #[test]
    fn inner_ranges() {
        let text = r#"a "xy" 'z' w"#;
        assert_eq!(inner(text, TextRange::new(2, 6)), TextRange::new(3, 5));
        assert_eq!(inner(text, TextRange::new(7, 10)), TextRange::new(8, 9));
        assert_eq!(inner(text, TextRange::new(11, 12)), TextRange::new(11, 12));
    }
}
