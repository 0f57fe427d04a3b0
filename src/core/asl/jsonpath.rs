//! JSONPath as the States Language uses it, checked with exact byte
//! offsets: *paths* (`$.a[*]`, `$..b`, `$.c[?(@.d > 1)]`, slices, unions)
//! and *reference paths*, which name a single node (only `.name`,
//! `['name']` and `[index]` steps). The parser is a loop over the text; it
//! never recurses.

/// What a path starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRoot {
    /// `$`: the current input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable; the offsets are the name's.
    Variable { start: usize, end: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub root: PathRoot,
    /// True when every step names one node (a reference path).
    pub reference: bool,
    /// Where the first step that makes it a non-reference path starts.
    pub non_reference_at: Option<(usize, usize)>,
}

/// A syntax error: byte offsets into the text handed to [`parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

fn error(start: usize, end: usize, message: impl Into<String>) -> PathError {
    PathError {
        start,
        end: end.max(start),
        message: message.into(),
    }
}

/// Parses a JSONPath. Trailing whitespace is ignored, as AWS ignores it.
pub fn parse(text: &str) -> Result<Path, PathError> {
    let text = text.trim_end();
    let bytes = text.as_bytes();
    if !text.starts_with('$') {
        let end = text.char_indices().nth(1).map_or(text.len(), |(i, _)| i);
        return Err(error(0, end, "a path starts with \"$\""));
    }
    let mut pos = 1;
    let root = if bytes.get(1) == Some(&b'$') {
        pos = 2;
        PathRoot::Context
    } else {
        let name_end = ident_end(text, 1);
        if name_end > 1 {
            pos = name_end;
            PathRoot::Variable {
                start: 1,
                end: name_end,
            }
        } else {
            PathRoot::Input
        }
    };
    let mut path = Path {
        root,
        reference: true,
        non_reference_at: None,
    };
    let mut mark = |path: &mut Path, start: usize, end: usize| {
        if path.reference {
            path.reference = false;
            path.non_reference_at = Some((start, end));
        }
    };
    while pos < bytes.len() {
        let step = pos;
        match bytes[pos] {
            b'.' => {
                let deep = bytes.get(pos + 1) == Some(&b'.');
                pos += if deep { 2 } else { 1 };
                if deep {
                    mark(&mut path, step, pos);
                }
                if bytes.get(pos) == Some(&b'[') {
                    // `$..[0]`, and `$.[0]`, which Jayway JSONPath reads as `$[0]`.
                    continue;
                }
                if bytes.get(pos) == Some(&b'*') {
                    pos += 1;
                    mark(&mut path, step, pos);
                    continue;
                }
                let end = name_end(text, pos);
                if end == pos {
                    let what = match text[pos..].chars().next() {
                        None => "the path ends".to_string(),
                        Some(c) => format!("\"{c}\" follows"),
                    };
                    return Err(error(
                        step,
                        (pos + 1).min(text.len()).max(step + 1),
                        format!("a field name must follow \".\", but {what}"),
                    ));
                }
                pos = end;
            }
            b'[' => {
                pos = bracket(text, pos, &mut path, &mut mark)?;
            }
            _ => {
                let c = text[pos..].chars().next().unwrap_or(' ');
                let end = pos + c.len_utf8();
                let message = if c.is_whitespace() {
                    "unexpected space in the path".to_string()
                } else {
                    format!("unexpected \"{c}\": a step starts with \".\" or \"[\"")
                };
                return Err(error(pos, end, message));
            }
        }
    }
    Ok(path)
}

type Mark<'m> = dyn FnMut(&mut Path, usize, usize) + 'm;

/// One `[...]` step starting at `open`; returns the offset after `]`.
fn bracket(text: &str, open: usize, path: &mut Path, mark: &mut Mark) -> Result<usize, PathError> {
    let bytes = text.as_bytes();
    let mut pos = skip_spaces(bytes, open + 1);
    let unclosed = || error(open, open + 1, "\"[\" is never closed");
    match bytes.get(pos) {
        None => Err(unclosed()),
        Some(b'\'') | Some(b'"') => {
            // One or more quoted names separated by commas.
            let mut count = 0;
            loop {
                let quote = bytes[pos];
                let close = text[pos + 1..]
                    .find(quote as char)
                    .map(|i| pos + 1 + i)
                    .ok_or_else(|| error(pos, pos + 1, "the quoted name is never closed"))?;
                count += 1;
                pos = skip_spaces(bytes, close + 1);
                match bytes.get(pos) {
                    Some(b']') => break,
                    Some(b',') => {
                        pos = skip_spaces(bytes, pos + 1);
                        if !matches!(bytes.get(pos), Some(b'\'') | Some(b'"')) {
                            return Err(error(pos, pos + 1, "a quoted name must follow \",\""));
                        }
                    }
                    None => return Err(unclosed()),
                    Some(_) => return Err(error(pos, pos + 1, "expected \"]\" after the quoted name")),
                }
            }
            if count > 1 {
                mark(path, open, pos + 1);
            }
            Ok(pos + 1)
        }
        Some(b'*') => {
            let close = skip_spaces(bytes, pos + 1);
            if bytes.get(close) != Some(&b']') {
                return Err(error(close, close + 1, "expected \"]\" after \"*\""));
            }
            mark(path, open, close + 1);
            Ok(close + 1)
        }
        Some(b'?') | Some(b'(') => {
            // A filter `?(...)` or a script `(...)`: balanced parentheses,
            // quotes respected.
            let paren = if bytes[pos] == b'?' { pos + 1 } else { pos };
            if bytes.get(paren) != Some(&b'(') {
                return Err(error(pos, pos + 1, "a filter is written \"[?(...)]\""));
            }
            let mut depth = 0usize;
            let mut i = paren;
            let mut quote: Option<u8> = None;
            while i < bytes.len() {
                let b = bytes[i];
                match quote {
                    Some(_) if b == b'\\' => i += 1,
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None => match b {
                        b'\'' | b'"' => quote = Some(b),
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    },
                }
                i += 1;
            }
            if i >= bytes.len() {
                return Err(error(paren, paren + 1, "\"(\" is never closed"));
            }
            if i == paren + 1 {
                return Err(error(paren, i + 1, "the filter is empty"));
            }
            let close = skip_spaces(bytes, i + 1);
            if bytes.get(close) != Some(&b']') {
                return Err(error(close, close + 1, "expected \"]\" after the filter"));
            }
            mark(path, open, close + 1);
            Ok(close + 1)
        }
        Some(_) => {
            // Indexes, unions of indexes, or a slice.
            let mut items = 0;
            let mut colons = 0;
            loop {
                pos = skip_spaces(bytes, pos);
                let start = pos;
                if bytes.get(pos) == Some(&b'-') {
                    pos += 1;
                }
                while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                    pos += 1;
                }
                let has_number = pos > start && &text[start..pos] != "-";
                if pos > start && !has_number {
                    return Err(error(start, pos + 1, "a number must follow \"-\""));
                }
                if has_number {
                    items += 1;
                }
                pos = skip_spaces(bytes, pos);
                match bytes.get(pos) {
                    Some(b']') => {
                        if !has_number && colons == 0 {
                            return Err(error(open, pos + 1, "empty \"[]\""));
                        }
                        break;
                    }
                    Some(b':') if colons < 2 && items <= 1 + colons => {
                        colons += 1;
                        pos += 1;
                    }
                    Some(b',') if colons == 0 && has_number => pos += 1,
                    None => return Err(unclosed()),
                    Some(_) => {
                        let c = text[pos..].chars().next().unwrap_or(' ');
                        return Err(error(
                            pos,
                            pos + c.len_utf8(),
                            format!("unexpected \"{c}\" in \"[...]\": expected an index, a quoted name, \"*\" or a filter"),
                        ));
                    }
                }
            }
            if colons > 0 || items > 1 {
                mark(path, open, pos + 1);
            }
            Ok(pos + 1)
        }
    }
}

fn skip_spaces(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos) == Some(&b' ') {
        pos += 1;
    }
    pos
}

/// End of a variable name: a letter or `_`, then letters, digits, `_`.
fn ident_end(text: &str, start: usize) -> usize {
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        let ok = if i == 0 {
            c.is_alphabetic() || c == '_'
        } else {
            c.is_alphanumeric() || c == '_'
        };
        if !ok {
            break;
        }
        end = start + i + c.len_utf8();
    }
    end
}

/// End of a dot-notation field name: anything up to `.`, `[`, or a space
/// or bracket that cannot be part of one.
fn name_end(text: &str, start: usize) -> usize {
    text[start..]
        .find(|c: char| matches!(c, '.' | '[' | ']' | '(' | ')' | '\'' | '"' | ',') || c.is_whitespace())
        .map_or(text.len(), |i| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Path {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn paths_and_reference_paths() {
        for text in [
            "$",
            "$.a",
            "$.a.b[0]",
            "$['a b'].c",
            "$$",
            "$$.Execution.Input",
            "$var",
            "$var.x[2]",
            "$.a-b.c_d",
            "$.[0]",
            "$$.Execution.Name ",
        ] {
            assert!(ok(text).reference, "{text}");
        }
        for text in [
            "$.a[*]",
            "$..a",
            "$.a[1:]",
            "$.a[0,1]",
            "$.a[?(@.b > 1)]",
            "$.a.*",
            "$['a','b']",
            "$.vals[3:]",
            "$..[0]",
        ] {
            assert!(!ok(text).reference, "{text}");
        }
        assert_eq!(ok("$$.x").root, PathRoot::Context);
        assert_eq!(ok("$v.x").root, PathRoot::Variable { start: 1, end: 2 });
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse(".guid").unwrap_err();
        assert_eq!((e.start, e.end), (0, 1));
        assert!(parse("..guid").is_err());
        assert!(parse("()").is_err());
        let e = parse("$...").unwrap_err();
        assert_eq!(e.start, 1);
        assert!(parse("$$23").is_err());
        assert!(parse("bug$.library").is_err());
        assert!(parse("$.a[").is_err());
        assert!(parse("$.a[?(@.b").is_err());
        assert!(parse("$.a[x]").is_err());
        assert!(parse("$.").is_err());
        assert!(parse("$.a b").is_err());
        assert!(parse("").is_err());
    }
}
