//! Reference paths as the data-flow analysis needs them: `$.a.b`,
//! `$['a'][0]`, `$$.Execution.Input.x`, `$var.x`, and the references inside
//! intrinsic functions and JSONata expressions.

use std::sync::Arc;

/// Where a path starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// `$` — the current value (state input, or what the field is applied to).
    Current,
    /// `$$` — the context object.
    Context,
    /// `$name` — a variable.
    Variable(String),
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// `.name` or `['name']`.
    Field(Arc<str>),
    /// `[3]`: one element of an array.
    Index(usize),
    /// `[*]`, a filter, a slice, a union or a deep scan: some element(s)
    /// we cannot name.
    Any,
}

impl Segment {
    pub fn field(name: &str) -> Segment {
        Segment::Field(Arc::from(name))
    }

    /// Whether this is the field `name`.
    pub fn is(&self, name: &str) -> bool {
        matches!(self, Segment::Field(f) if &**f == name)
    }

    /// The segment inside brackets: a quoted name, an index, or anything else.
    fn bracketed(inner: &str) -> Segment {
        let inner = inner.trim();
        let quoted = inner
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
        match quoted {
            Some(name) => Segment::field(name),
            None if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) => {
                inner.parse().map(Segment::Index).unwrap_or(Segment::Any)
            }
            None => Segment::Any,
        }
    }

    /// Appends the segment in JSONPath form: `.name` (or `['a b']` when
    /// `quote_odd_names`), `[3]`, `[*]`.
    pub fn write(&self, out: &mut String, quote_odd_names: bool) {
        match self {
            Segment::Field(name)
                if !quote_odd_names
                    || (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) =>
            {
                out.push('.');
                out.push_str(name);
            }
            Segment::Field(name) => {
                out.push_str("['");
                out.push_str(&name.replace('\'', "\\'"));
                out.push_str("']");
            }
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            Segment::Any => out.push_str("[*]"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefPath {
    pub root: Root,
    pub segments: Vec<Segment>,
}

impl RefPath {
    /// The path written back in JSONPath form (`$.a.b`, `$$.x`, `$v.a`).
    pub fn to_jsonpath(&self) -> String {
        let mut out = match &self.root {
            Root::Current => "$".to_string(),
            Root::Context => "$$".to_string(),
            Root::Variable(v) => format!("${v}"),
        };
        for seg in &self.segments {
            seg.write(&mut out, true);
        }
        out
    }
}

/// Parses a reference path; `None` when it is not one.
pub fn parse(text: &str) -> Option<RefPath> {
    let text = text.trim();
    let (root, rest) = if let Some(rest) = text.strip_prefix("$$") {
        (Root::Context, rest)
    } else if let Some(rest) = text.strip_prefix('$') {
        let name_len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        if name_len > 0 {
            (Root::Variable(rest[..name_len].to_string()), &rest[name_len..])
        } else {
            (Root::Current, rest)
        }
    } else {
        return None;
    };
    let segments = parse_segments(rest)?;
    Some(RefPath { root, segments })
}

fn parse_segments(mut rest: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("..") {
            // Deep scan: anything below.
            segments.push(Segment::Any);
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            segments.push(Segment::field(&r[..end]));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            segments.push(Segment::bracketed(&r[..close]));
            rest = &r[close + 1..];
        } else {
            return None;
        }
    }
    Some(segments)
}

/// Every reference path inside an intrinsic function call such as
/// `States.Format('{}', $.a, States.JsonToString($$.Execution.Input.b))`.
pub fn intrinsic_references(text: &str) -> Vec<RefPath> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'\'' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if c == b'\'' {
            in_string = true;
            i += 1;
            continue;
        }
        if c == b'$' {
            let end = text[i..]
                .find([',', ')', ' ', '('])
                .map(|e| i + e)
                .unwrap_or(text.len());
            if let Some(path) = parse(&text[i..end]) {
                out.push(path);
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// References in a JSONata expression: `$states.input.a`, `$states.result`,
/// `$states.context.Execution.Input.x`, and variables `$name.b` (function
/// calls such as `$string(` are not references). `$states.input` becomes a
/// `Current` path, `$states.context` a `Context` path, `$states.result` the
/// variable `states.result`.
pub fn jsonata_references(expr: &str) -> Vec<RefPath> {
    let mut out = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            quote = Some(c);
            i += 1;
            continue;
        }
        if c != b'$' {
            i += 1;
            continue;
        }
        // Read `$name(.name | [ 'x' ])*`.
        let start = i + 1;
        let mut j = start;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        let name = &expr[start..j];
        if j < bytes.len() && bytes[j] == b'(' {
            i = j; // a function call
            continue;
        }
        let mut segments: Vec<Segment> = Vec::new();
        loop {
            if j < bytes.len() && bytes[j] == b'.' {
                let s = j + 1;
                let mut e = s;
                while e < bytes.len() && (bytes[e].is_ascii_alphanumeric() || bytes[e] == b'_') {
                    e += 1;
                }
                if e == s || (e < bytes.len() && bytes[e] == b'(') {
                    break;
                }
                segments.push(Segment::field(&expr[s..e]));
                j = e;
            } else if j < bytes.len() && bytes[j] == b'[' {
                match expr[j..].find(']') {
                    Some(close) => {
                        segments.push(Segment::bracketed(&expr[j + 1..j + close]));
                        j += close + 1;
                    }
                    None => break,
                }
            } else {
                break;
            }
        }
        let path = if name == "states" {
            let first = match segments.first() {
                Some(Segment::Field(f)) => Some(&**f),
                _ => None,
            };
            match first {
                Some("input") => Some(RefPath {
                    root: Root::Current,
                    segments: segments[1..].to_vec(),
                }),
                Some("context") => Some(RefPath {
                    root: Root::Context,
                    segments: segments[1..].to_vec(),
                }),
                Some(name @ ("result" | "errorOutput")) => Some(RefPath {
                    root: Root::Variable(format!("states.{name}")),
                    segments: segments[1..].to_vec(),
                }),
                _ => None,
            }
        } else if name.is_empty() {
            None // `$` alone: the JSONata context, i.e. the current item
        } else {
            Some(RefPath {
                root: Root::Variable(name.to_string()),
                segments,
            })
        };
        out.extend(path);
        i = j.max(i + 1);
    }
    out
}

/// The expression inside `{% ... %}`, if the string is one.
pub fn jsonata_body(text: &str) -> Option<&str> {
    let t = text.trim();
    t.strip_prefix("{%")
        .and_then(|s| s.strip_suffix("%}"))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(root: Root, segs: &[&str]) -> RefPath {
        RefPath {
            root,
            segments: segs
                .iter()
                .map(|s| match s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                    Some("*") => Segment::Any,
                    Some(i) => Segment::Index(i.parse().unwrap()),
                    None => Segment::field(s),
                })
                .collect(),
        }
    }

    #[test]
    fn parses_paths() {
        assert_eq!(parse("$.a.b"), Some(p(Root::Current, &["a", "b"])));
        assert_eq!(parse("$['a b'][0]"), Some(p(Root::Current, &["a b", "[0]"])));
        assert_eq!(
            parse("$['0'][*][1:2]"),
            Some(p(Root::Current, &["0", "[*]", "[*]"]))
        );
        assert_eq!(parse("$.a[12].b"), Some(p(Root::Current, &["a", "[12]", "b"])));
        assert_eq!(
            parse("$[99999999999999999999999]"),
            Some(p(Root::Current, &["[*]"]))
        );
        assert_eq!(
            p(Root::Current, &["[0]", "a b", "[*]"]).to_jsonpath(),
            "$[0]['a b'][*]"
        );
        assert_eq!(
            parse("$$.Execution.Input.x"),
            Some(p(Root::Context, &["Execution", "Input", "x"]))
        );
        assert_eq!(parse("$fn.arn"), Some(p(Root::Variable("fn".into()), &["arn"])));
        assert_eq!(parse("$"), Some(p(Root::Current, &[])));
        assert_eq!(parse("arn:aws"), None);
        assert_eq!(p(Root::Current, &["a b", "c"]).to_jsonpath(), "$['a b'].c");
    }

    #[test]
    fn finds_intrinsic_references() {
        let refs =
            intrinsic_references("States.Format('x{}$.no', $.a, States.JsonToString($$.Execution.Input.b))");
        assert_eq!(
            refs,
            vec![
                p(Root::Current, &["a"]),
                p(Root::Context, &["Execution", "Input", "b"])
            ]
        );
    }

    #[test]
    fn finds_jsonata_references() {
        let refs = jsonata_references(
            "$string($states.input.fn) & $v.x & '$states.input.no' & $states.context.Execution.Input.y",
        );
        assert_eq!(
            refs,
            vec![
                p(Root::Current, &["fn"]),
                p(Root::Variable("v".into()), &["x"]),
                p(Root::Context, &["Execution", "Input", "y"]),
            ]
        );
        assert_eq!(jsonata_body("{% $x %}"), Some("$x"));
    }
}
