//! A JSONata syntax checker: a tokenizer and a Pratt parser over the
//! expression language (JSONata 2.0, the version Step Functions runs),
//! reporting the first syntax error at its exact byte offset. It builds
//! no tree: Step Functions only needs to know whether, and where, an
//! expression fails to parse. Nesting is capped at [`MAX_DEPTH`], so
//! hostile input cannot drive the recursion further.

/// Deeper nesting than this is reported instead of parsed.
pub const MAX_DEPTH: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonataError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

fn err(start: usize, end: usize, message: impl Into<String>) -> JsonataError {
    JsonataError {
        start,
        end: end.max(start),
        message: message.into(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    String,
    Regex,
    Name,
    Variable,
    Op,
    End,
}

#[derive(Clone, Copy, Debug)]
struct Token<'t> {
    kind: Kind,
    text: &'t str,
    start: usize,
    end: usize,
}

const OPERATORS: &[&str] = &[
    "..", ":=", "!=", "<=", ">=", "**", "~>", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",", "@", "#",
    ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
];

fn is_operator_char(c: char) -> bool {
    ".[]{}(),@#;:?+-*/%|=<>^&!~".contains(c)
}

/// Checks one JSONata expression (the text between `{%` and `%}`).
pub fn check(text: &str) -> Result<(), JsonataError> {
    let mut p = Parser {
        text,
        pos: 0,
        token: Token {
            kind: Kind::End,
            text: "",
            start: 0,
            end: 0,
        },
        depth: 0,
    };
    p.advance(true)?;
    if p.token.kind == Kind::End {
        return Err(err(0, text.len(), "the expression is empty"));
    }
    p.expression(0)?;
    if p.token.kind != Kind::End {
        return Err(p.unexpected("the end of the expression"));
    }
    Ok(())
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    token: Token<'t>,
    depth: usize,
}

impl<'t> Parser<'t> {
    fn unexpected(&self, expected: &str) -> JsonataError {
        match self.token.kind {
            Kind::End => err(
                self.text.len().saturating_sub(1),
                self.text.len(),
                format!("the expression ends where {expected} was expected"),
            ),
            _ => err(
                self.token.start,
                self.token.end,
                format!("unexpected \"{}\": expected {expected}", self.token.text),
            ),
        }
    }

    fn is(&self, op: &str) -> bool {
        self.token.kind == Kind::Op && self.token.text == op
    }

    /// Requires the operator `op` and moves past it.
    fn expect(&mut self, op: &str, opened: Option<(usize, &str)>) -> Result<(), JsonataError> {
        if self.is(op) {
            return self.advance(false);
        }
        match (opened, self.token.kind) {
            (Some((at, open)), Kind::End) => Err(err(
                at,
                at + open.len(),
                format!("\"{open}\" is never closed: \"{op}\" expected"),
            )),
            _ => Err(self.unexpected(&format!("\"{op}\""))),
        }
    }

    /// Reads the next token. `prefix` is true where an operand may start
    /// (there `/` begins a regular expression).
    fn advance(&mut self, prefix: bool) -> Result<(), JsonataError> {
        let text = self.text;
        let bytes = text.as_bytes();
        loop {
            while let Some(c) = text[self.pos..].chars().next().filter(|c| c.is_whitespace()) {
                self.pos += c.len_utf8();
            }
            if text[self.pos..].starts_with("/*") {
                match text[self.pos + 2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => return Err(err(self.pos, self.pos + 2, "the comment is never closed")),
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let token = |kind, end: usize| Token {
            kind,
            text: &text[start..end],
            start,
            end,
        };
        let Some(c) = text[start..].chars().next() else {
            self.token = token(Kind::End, start);
            return Ok(());
        };
        let end = if prefix && c == '/' {
            // A regular expression literal: /pattern/flags.
            let mut i = start + 1;
            loop {
                match bytes.get(i) {
                    None => return Err(err(start, start + 1, "the regular expression is never closed")),
                    Some(b'\\') => i += 2,
                    Some(b'/') => break,
                    Some(_) => i += 1,
                }
            }
            if i == start + 1 {
                return Err(err(start, i + 1, "the regular expression is empty"));
            }
            i += 1;
            while bytes.get(i).is_some_and(|b| matches!(b, b'i' | b'm')) {
                i += 1;
            }
            self.token = token(Kind::Regex, i);
            self.pos = i;
            return Ok(());
        } else if c == '"' || c == '\'' {
            let mut i = start + 1;
            loop {
                match bytes.get(i) {
                    None => return Err(err(start, start + 1, "the string is never closed")),
                    Some(b'\\') => {
                        let e = bytes.get(i + 1).copied();
                        match e {
                            Some(b'"' | b'\'' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                            Some(b'u') => {
                                let hex = text.get(i + 2..i + 6).unwrap_or("");
                                if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                                    return Err(err(
                                        i,
                                        (i + 6).min(text.len()),
                                        "\\u must be followed by four hex digits",
                                    ));
                                }
                                i += 6;
                            }
                            _ => {
                                let len = text[i + 1..].chars().next().map_or(0, char::len_utf8);
                                return Err(err(i, i + 1 + len, "unsupported escape sequence in a string"));
                            }
                        }
                    }
                    Some(&b) if b == c as u8 => break,
                    Some(_) => i += 1,
                }
            }
            self.token = token(Kind::String, i + 1);
            self.pos = i + 1;
            return Ok(());
        } else if c.is_ascii_digit() {
            let mut i = start;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            if matches!(bytes.get(i), Some(b'e' | b'E')) {
                let mut j = i + 1;
                if matches!(bytes.get(j), Some(b'+' | b'-')) {
                    j += 1;
                }
                if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                        j += 1;
                    }
                    i = j;
                }
            }
            self.token = token(Kind::Number, i);
            self.pos = i;
            return Ok(());
        } else if c == '`' {
            match text[start + 1..].find('`') {
                Some(i) => {
                    let end = start + 1 + i + 1;
                    self.token = token(Kind::Name, end);
                    self.pos = end;
                    return Ok(());
                }
                None => return Err(err(start, start + 1, "the quoted name is never closed")),
            }
        } else if let Some(op) = OPERATORS.iter().find(|op| text[start..].starts_with(**op)) {
            // `..` only when not the start of a `...` typo handled by the parser.
            self.token = token(Kind::Op, start + op.len());
            self.pos = start + op.len();
            return Ok(());
        } else {
            let rest = &text[start..];
            let first = c.len_utf8();
            let len = rest[first..]
                .find(|ch: char| {
                    ch.is_whitespace() || is_operator_char(ch) || "\"'`".contains(ch) || ch == '$'
                })
                .map_or(rest.len(), |i| first + i);
            start + len
        };
        let kind = if c == '$' { Kind::Variable } else { Kind::Name };
        // `$` is followed by a name (or nothing: `$` and `$$`).
        let end = if c == '$' {
            let mut e = start + 1;
            if bytes.get(e) == Some(&b'$') {
                e += 1;
            } else {
                let rest = &text[e..];
                e += rest
                    .find(|ch: char| ch.is_whitespace() || is_operator_char(ch) || "\"'`$".contains(ch))
                    .unwrap_or(rest.len());
            }
            e
        } else {
            end
        };
        self.token = token(kind, end);
        self.pos = end;
        Ok(())
    }

    fn binding_power(&self) -> u8 {
        match self.token.kind {
            Kind::Op => match self.token.text {
                "." => 75,
                "[" | "(" | "@" | "#" => 80,
                "{" => 70,
                "*" | "/" | "%" => 60,
                "+" | "-" | "&" => 50,
                "=" | "!=" | "<" | "<=" | ">" | ">=" | "^" | "~>" | "?:" | "??" => 40,
                "?" | ".." => 20,
                ":=" => 10,
                _ => 0,
            },
            Kind::Name => match self.token.text {
                "and" => 30,
                "or" => 25,
                "in" => 40,
                _ => 0,
            },
            _ => 0,
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<(), JsonataError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                self.token.start,
                self.token.end,
                format!("the expression nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        let result = self.expression_inner(rbp);
        self.depth -= 1;
        result
    }

    fn expression_inner(&mut self, rbp: u8) -> Result<(), JsonataError> {
        self.prefix()?;
        while rbp < self.binding_power() {
            self.infix()?;
        }
        Ok(())
    }

    /// An operand, or a prefix construct.
    fn prefix(&mut self) -> Result<(), JsonataError> {
        let t = self.token;
        match t.kind {
            Kind::End => Err(self.unexpected("an expression")),
            Kind::Number | Kind::String | Kind::Regex | Kind::Variable => self.advance(false),
            Kind::Name => {
                if (t.text == "function" || t.text == "λ") && self.next_is("(") {
                    return self.lambda();
                }
                self.advance(false)
            }
            Kind::Op => match t.text {
                "-" => {
                    self.advance(true)?;
                    self.expression(70)
                }
                "*" | "**" | "%" => self.advance(false),
                "(" => {
                    self.advance(true)?;
                    while !self.is(")") {
                        self.expression(0)?;
                        if !self.is(";") {
                            break;
                        }
                        self.advance(true)?;
                    }
                    self.expect(")", Some((t.start, "(")))
                }
                "[" => {
                    self.advance(true)?;
                    self.list("]", t.start, "[")
                }
                "{" => self.object(t.start),
                "|" => {
                    self.advance(true)?;
                    self.expression(0)?;
                    self.expect("|", Some((t.start, "|")))?;
                    self.expression(0)?;
                    if self.is(",") {
                        self.advance(true)?;
                        self.expression(0)?;
                    }
                    self.expect("|", Some((t.start, "|")))
                }
                _ => Err(err(
                    t.start,
                    t.end,
                    format!("\"{}\" cannot start an expression", t.text),
                )),
            },
        }
    }

    fn next_is(&self, op: &str) -> bool {
        self.text[self.token.end..].trim_start().starts_with(op)
    }

    /// `function($a, $b)<sig> { body }`.
    fn lambda(&mut self) -> Result<(), JsonataError> {
        self.advance(false)?;
        let open = self.token.start;
        self.expect("(", None)?;
        while !self.is(")") {
            if self.token.kind != Kind::Variable {
                return Err(self.unexpected("a parameter such as $x"));
            }
            self.advance(false)?;
            if !self.is(",") {
                break;
            }
            self.advance(false)?;
        }
        self.expect(")", Some((open, "(")))?;
        if self.is("<") {
            // A type signature: skip to the matching `>`.
            let start = self.token.start;
            let mut depth = 0usize;
            let bytes = self.text.as_bytes();
            let mut i = start;
            while let Some(&b) = bytes.get(i) {
                if b == b'<' {
                    depth += 1;
                } else if b == b'>' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                i += 1;
            }
            if i >= bytes.len() {
                return Err(err(start, start + 1, "the function signature is never closed"));
            }
            self.pos = i + 1;
            self.advance(false)?;
        }
        let brace = self.token.start;
        self.expect("{", None)?;
        self.expression(0)?;
        self.expect("}", Some((brace, "{")))
    }

    /// Comma-separated expressions up to `close` (the opener is consumed).
    fn list(&mut self, close: &str, open_at: usize, open: &str) -> Result<(), JsonataError> {
        while !self.is(close) {
            self.expression(0)?;
            if !self.is(",") {
                break;
            }
            self.advance(true)?;
        }
        self.expect(close, Some((open_at, open)))
    }

    /// `{ key: value, ... }`, the current token being `{`.
    fn object(&mut self, open_at: usize) -> Result<(), JsonataError> {
        self.advance(true)?;
        while !self.is("}") {
            self.expression(0)?;
            if !self.is(":") {
                return Err(self.unexpected("\":\" after the key"));
            }
            self.advance(true)?;
            self.expression(0)?;
            if !self.is(",") {
                break;
            }
            self.advance(true)?;
        }
        self.expect("}", Some((open_at, "{")))
    }

    fn infix(&mut self) -> Result<(), JsonataError> {
        let t = self.token;
        let bp = self.binding_power();
        match t.text {
            "[" => {
                self.advance(true)?;
                if self.is("]") {
                    return self.advance(false);
                }
                self.expression(0)?;
                self.expect("]", Some((t.start, "[")))
            }
            "{" => self.object(t.start),
            "(" => {
                // A function call; `?` stands for a partially applied argument.
                self.advance(true)?;
                while !self.is(")") {
                    if self.is("?") {
                        self.advance(false)?;
                    } else {
                        self.expression(0)?;
                    }
                    if !self.is(",") {
                        break;
                    }
                    self.advance(true)?;
                }
                self.expect(")", Some((t.start, "(")))
            }
            "@" | "#" => {
                self.advance(false)?;
                if self.token.kind != Kind::Variable {
                    return Err(self.unexpected(&format!("a variable after \"{}\"", t.text)));
                }
                self.advance(false)
            }
            "^" => {
                self.advance(false)?;
                let open = self.token.start;
                self.expect("(", None)?;
                loop {
                    if self.is("<") || self.is(">") {
                        self.advance(true)?;
                    }
                    self.expression(0)?;
                    if !self.is(",") {
                        break;
                    }
                    self.advance(true)?;
                }
                self.expect(")", Some((open, "(")))
            }
            "?" => {
                self.advance(true)?;
                self.expression(0)?;
                if self.is(":") {
                    self.advance(true)?;
                    self.expression(0)?;
                }
                Ok(())
            }
            ":=" => {
                self.advance(true)?;
                self.expression(bp - 1)
            }
            _ => {
                self.advance(true)?;
                self.expression(bp)
            }
        }
    }
}

/// The workflow variables an expression reads: `$name` tokens that are not
/// function calls, not bound inside the expression (`$x := ...`, lambda
/// parameters, `@$x`, `#$x`), not `$states`, and not a built-in function
/// passed by name. Offsets are the token's (the `$` included). An
/// expression that does not tokenize yields nothing.
pub fn free_variables(text: &str) -> Vec<(usize, usize)> {
    let mut p = Parser {
        text,
        pos: 0,
        token: Token {
            kind: Kind::End,
            text: "",
            start: 0,
            end: 0,
        },
        depth: 0,
    };
    let mut tokens: Vec<Token> = Vec::new();
    let mut prefix = true;
    while p.advance(prefix).is_ok() && p.token.kind != Kind::End && tokens.len() < 100_000 {
        let t = p.token;
        prefix = t.kind == Kind::Op && !matches!(t.text, ")" | "]" | "}")
            || (t.kind == Kind::Name && matches!(t.text, "and" | "or" | "in"));
        tokens.push(t);
    }
    let mut bound: Vec<&str> = Vec::new();
    let mut in_params = false;
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).map(|n| n.text);
        let previous = i.checked_sub(1).map(|j| tokens[j].text);
        if t.kind == Kind::Name && matches!(t.text, "function" | "λ") && next == Some("(") {
            in_params = true;
            continue;
        }
        if in_params && t.text == ")" {
            in_params = false;
        }
        if t.kind == Kind::Variable
            && (in_params || next == Some(":=") || matches!(previous, Some("@" | "#")))
        {
            bound.push(&t.text[1..]);
        }
    }
    tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            let name = t.text.get(1..).unwrap_or("");
            t.kind == Kind::Variable
                && !name.is_empty()
                && name != "$"
                && name != "states"
                && tokens.get(i + 1).map(|n| n.text) != Some("(")
                && !bound.contains(&name)
                && !BUILT_INS.contains(&name)
        })
        .map(|(_, t)| (t.start, t.end))
        .collect()
}

/// JSONata 2.0's functions and the ones Step Functions adds, which may be
/// passed by name (`$x ~> $uppercase`).
const BUILT_INS: &[&str] = &[
    "sum",
    "count",
    "max",
    "min",
    "average",
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "lowercase",
    "uppercase",
    "length",
    "trim",
    "pad",
    "match",
    "contains",
    "replace",
    "split",
    "join",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    "number",
    "floor",
    "ceil",
    "round",
    "abs",
    "sqrt",
    "power",
    "random",
    "boolean",
    "not",
    "map",
    "zip",
    "filter",
    "single",
    "reduce",
    "sift",
    "keys",
    "lookup",
    "append",
    "exists",
    "spread",
    "merge",
    "reverse",
    "each",
    "error",
    "assert",
    "type",
    "sort",
    "shuffle",
    "distinct",
    "base64encode",
    "base64decode",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    "eval",
    "toMillis",
    "fromMillis",
    "clone",
    "now",
    "millis",
    "partition",
    "range",
    "hash",
    "uuid",
    "parse",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_expressions() {
        for text in [
            "$states.input.x",
            "10",
            "$not(null in $each($states.input.data.address, function($v) { $length($trim($v)) > 0 ? $v : null }))",
            "$now('[Y]-[M]-[D]') & '--' & $uuid() & '--' & $replace($split($states.input.detail.object.key, '/')[-1],' ','-')",
            "$match($states.input.email, /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$/) and true",
            "($e := $inputPayload.data.identity.email; $n := $inputPayload.data.firstname & ' ' & $inputPayload.data.lastname; $inputPayload.data.interests[category = 'home']{'customer': $n, 'email': $e, 'totalAssetValue': $sum(estimatedValue), category: {type: yearBuilt}})",
            "$states.input.items^(>price, name)",
            "[1..5]",
            "$x ~> $map(function($v, $i) { $v * $i })",
            "Account.Order@$o.Product#$i",
            "$states.input ? 1 : 2",
            "| $ | {'a': 1}, ['b'] |",
            "/* comment */ $a",
            "$states.context.Execution.Input",
            "{}",
            "[]",
            "$f(?, 2)",
            "`field name`.x",
            "-1 * 2",
            "$a ?: 'x'",
            "a.**.b",
            "function($x)<n:n>{ $x + 1 }(2)",
            "$states.input.a != \"b\"",
        ] {
            assert_eq!(check(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn syntax_errors() {
        let e = check("10 + * 2").unwrap_err();
        // `*` is a wildcard where an operand starts; the stray `2` is the error.
        assert_eq!(e.start, 7, "{e:?}");
        let e = check("$sum($states.input.items.numbers").unwrap_err();
        assert_eq!((e.start, e.end), (4, 5));
        assert!(check("$.store.book[?(@.price < 10)].title").is_err());
        assert!(check("420.").is_err());
        assert!(check("").is_err());
        assert!(check("'abc").is_err());
        assert!(check("{'a' 1}").is_err());
        assert!(check("a b").is_err());
        assert!(check("(1; 2").is_err());
        let hostile = "(".repeat(100_000);
        assert!(check(&hostile).is_err());
        let hostile = "-".repeat(100_000) + "1";
        assert!(check(&hostile).is_err());
    }

    #[test]
    fn free_variables_skip_bound_and_builtins() {
        let text = "($e := $x.a; $map($list, function($v) { $v & $e & $y }) ~> $uppercase; $states.input)";
        let names: Vec<&str> = free_variables(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(names, ["$x", "$list", "$y"]);
    }
}
