//! Reference paths as the data-flow analysis needs them: `$.a.b`,
//! `$['a'][0]`, `$$.Execution.Input.x`, `$var.x`, and the references inside
//! intrinsic functions and JSONata expressions.

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefPath {
    pub root: Root,
    /// Field names; `*` stands for an index, a wildcard or a filter.
    pub segments: Vec<String>,
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
            if seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !seg.is_empty() {
                out.push('.');
                out.push_str(seg);
            } else {
                out.push_str(&format!("['{}']", seg.replace('\'', "\\'")));
            }
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

fn parse_segments(mut rest: &str) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("..") {
            // Deep scan: anything below.
            segments.push("*".to_string());
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            segments.push(r[..end].to_string());
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            let inner = r[..close].trim();
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            match quoted {
                Some(name) => segments.push(name.to_string()),
                None => segments.push("*".to_string()),
            }
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
        let mut segments: Vec<String> = Vec::new();
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
                segments.push(expr[s..e].to_string());
                j = e;
            } else if j < bytes.len() && bytes[j] == b'[' {
                match expr[j..].find(']') {
                    Some(close) => {
                        let inner = expr[j + 1..j + close].trim();
                        let quoted = inner
                            .strip_prefix('\'')
                            .and_then(|s| s.strip_suffix('\''))
                            .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
                        segments.push(quoted.unwrap_or("*").to_string());
                        j += close + 1;
                    }
                    None => break,
                }
            } else {
                break;
            }
        }
        let path = if name == "states" {
            match segments.first().map(String::as_str) {
                Some("input") => Some(RefPath {
                    root: Root::Current,
                    segments: segments[1..].to_vec(),
                }),
                Some("context") => Some(RefPath {
                    root: Root::Context,
                    segments: segments[1..].to_vec(),
                }),
                Some("result") | Some("errorOutput") => Some(RefPath {
                    root: Root::Variable(format!("states.{}", segments[0])),
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
            segments: segs.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn parses_paths() {
        assert_eq!(parse("$.a.b"), Some(p(Root::Current, &["a", "b"])));
        assert_eq!(parse("$['a b'][0]"), Some(p(Root::Current, &["a b", "*"])));
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
