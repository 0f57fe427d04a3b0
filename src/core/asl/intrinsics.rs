//! Intrinsic functions (`States.Format('{}', $.x)`, ...): parsed with exact
//! byte offsets and checked against the functions the States Language
//! defines (developer guide, "Intrinsic functions for JSONPath states"):
//! their names, how many arguments each takes, and the type of every
//! literal argument. Nesting is capped at the ten levels AWS allows, so
//! the parser's recursion is bounded.

use super::jsonpath;

/// AWS allows up to ten nested intrinsic functions in one field.
pub const MAX_NESTING: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Any,
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Any => "a value",
            Ty::String => "a string",
            Ty::Integer => "an integer",
            Ty::Number => "a number",
            Ty::Boolean => "a boolean",
            Ty::Array => "an array",
            Ty::Object => "an object",
        }
    }

    fn accepts(self, actual: Ty) -> bool {
        match (self, actual) {
            (Ty::Any, _) | (_, Ty::Any) => true,
            (Ty::Number, Ty::Integer) => true,
            (a, b) => a == b,
        }
    }
}

pub struct Function {
    pub name: &'static str,
    /// The types of the fixed parameters, in order.
    pub params: &'static [Ty],
    /// How many of `params` are required.
    pub required: usize,
    /// Any number of further arguments of this type.
    pub rest: Option<Ty>,
    pub returns: Ty,
}

const fn f(name: &'static str, params: &'static [Ty], returns: Ty) -> Function {
    Function {
        name,
        params,
        required: params.len(),
        rest: None,
        returns,
    }
}

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "States.Format",
        params: &[Ty::String],
        required: 1,
        rest: Some(Ty::Any),
        returns: Ty::String,
    },
    f("States.StringToJson", &[Ty::String], Ty::Any),
    f("States.JsonToString", &[Ty::Any], Ty::String),
    Function {
        name: "States.Array",
        params: &[],
        required: 0,
        rest: Some(Ty::Any),
        returns: Ty::Array,
    },
    f("States.ArrayPartition", &[Ty::Array, Ty::Integer], Ty::Array),
    f("States.ArrayContains", &[Ty::Array, Ty::Any], Ty::Boolean),
    f(
        "States.ArrayRange",
        &[Ty::Integer, Ty::Integer, Ty::Integer],
        Ty::Array,
    ),
    f("States.ArrayGetItem", &[Ty::Array, Ty::Integer], Ty::Any),
    f("States.ArrayLength", &[Ty::Array], Ty::Integer),
    f("States.ArrayUnique", &[Ty::Array], Ty::Array),
    f("States.Base64Encode", &[Ty::String], Ty::String),
    f("States.Base64Decode", &[Ty::String], Ty::String),
    f("States.Hash", &[Ty::Any, Ty::String], Ty::String),
    f(
        "States.JsonMerge",
        &[Ty::Object, Ty::Object, Ty::Boolean],
        Ty::Object,
    ),
    Function {
        name: "States.MathRandom",
        params: &[Ty::Integer, Ty::Integer, Ty::Integer],
        required: 2,
        rest: None,
        returns: Ty::Integer,
    },
    f("States.MathAdd", &[Ty::Number, Ty::Number], Ty::Number),
    f("States.StringSplit", &[Ty::String, Ty::String], Ty::Array),
    f("States.UUID", &[], Ty::String),
];

const HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// A problem in an intrinsic function call, in byte offsets of the text
/// given to [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

fn err(start: usize, end: usize, message: impl Into<String>) -> IntrinsicError {
    IntrinsicError {
        start,
        end: end.max(start + 1),
        message: message.into(),
    }
}

/// Whether a `.$` value is meant as an intrinsic function call rather than a path.
pub fn looks_like_call(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("States.") || (!t.starts_with('$') && t.contains('('))
}

/// Parses and checks a whole `.$` value that is an intrinsic function call.
pub fn check(text: &str) -> Result<(), IntrinsicError> {
    let mut parser = Parser { text, pos: 0 };
    if text.starts_with(char::is_whitespace) {
        let end = text.len() - text.trim_start().len();
        return Err(err(
            0,
            end,
            "the value must start with the function name, without leading spaces",
        ));
    }
    parser.call(0)?;
    if parser.pos < text.len() {
        return Err(err(
            parser.pos,
            text.len(),
            "unexpected text after the function call",
        ));
    }
    Ok(())
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

struct Arg {
    start: usize,
    end: usize,
    ty: Ty,
    /// The literal string, for checks on its value.
    string: Option<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// `States.Name(args)`; returns the function's result type.
    fn call(&mut self, depth: usize) -> Result<Ty, IntrinsicError> {
        let start = self.pos;
        if depth >= MAX_NESTING {
            return Err(err(
                start,
                self.text.len(),
                format!("intrinsic functions nest at most {MAX_NESTING} deep"),
            ));
        }
        let rest = &self.text[start..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        let name_end = start + name_len;
        if name.is_empty() {
            return Err(err(
                start,
                start + 1,
                "expected an intrinsic function name such as States.Format",
            ));
        }
        let Some(function) = FUNCTIONS.iter().find(|f| f.name == name) else {
            let hint = crate::core::suggest::closest(name, FUNCTIONS.iter().map(|f| f.name))
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            return Err(err(
                start,
                name_end,
                format!("\"{name}\" is not an intrinsic function{hint}"),
            ));
        };
        self.pos = name_end;
        if self.peek() != Some(b'(') {
            return Err(err(
                start,
                name_end,
                format!("\"{name}\" must be followed by \"(\""),
            ));
        }
        let open = self.pos;
        self.pos += 1;
        let mut args: Vec<Arg> = Vec::new();
        self.spaces();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.spaces();
                args.push(self.arg(depth)?);
                self.spaces();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(err(open, open + 1, "\"(\" is never closed")),
                    Some(_) => {
                        let c = self.text[self.pos..].chars().next().unwrap_or(' ');
                        return Err(err(
                            self.pos,
                            self.pos + c.len_utf8(),
                            format!("unexpected \"{c}\": expected \",\" or \")\""),
                        ));
                    }
                }
            }
        }
        let call_end = self.pos;
        let max = if function.rest.is_some() {
            usize::MAX
        } else {
            function.params.len()
        };
        if args.len() < function.required || args.len() > max {
            let expected = match (function.required, function.rest.is_some(), function.params.len()) {
                (r, true, _) => format!("at least {r}"),
                (r, false, n) if r == n => format!("{r}"),
                (r, false, n) => format!("{r} to {n}"),
            };
            let at = args.get(max).map_or((start, call_end), |a| {
                (a.start, args.last().map_or(a.end, |l| l.end))
            });
            return Err(err(
                at.0,
                at.1,
                format!(
                    "{name} takes {expected} argument{}, not {}",
                    if expected == "1" { "" } else { "s" },
                    args.len()
                ),
            ));
        }
        for (i, arg) in args.iter().enumerate() {
            let expected = function
                .params
                .get(i)
                .copied()
                .or(function.rest)
                .unwrap_or(Ty::Any);
            if !expected.accepts(arg.ty) {
                return Err(err(
                    arg.start,
                    arg.end,
                    format!(
                        "argument {} of {name} must be {}, not {}",
                        i + 1,
                        expected.name(),
                        arg.ty.name()
                    ),
                ));
            }
            if name == "States.Hash" && i == 1 {
                if let Some(algorithm) = &arg.string {
                    if !HASH_ALGORITHMS.contains(&algorithm.as_str()) {
                        return Err(err(
                            arg.start,
                            arg.end,
                            format!("States.Hash supports {}", HASH_ALGORITHMS.join(", ")),
                        ));
                    }
                }
            }
        }
        Ok(function.returns)
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        match self.peek() {
            None => Err(err(start, start, "expected an argument")),
            Some(b'\'') => {
                let mut i = start + 1;
                let mut value = String::new();
                loop {
                    match bytes.get(i) {
                        None => return Err(err(start, start + 1, "the string is never closed")),
                        Some(b'\\') => {
                            let c = self.text[i + 1..].chars().next();
                            match c {
                                Some(c @ ('\'' | '{' | '}' | '\\')) => {
                                    value.push(c);
                                    i += 2;
                                }
                                _ => {
                                    return Err(err(
                                        i,
                                        i + 1 + c.map_or(0, char::len_utf8),
                                        "only \\', \\{, \\} and \\\\ are escapes in an intrinsic string",
                                    ))
                                }
                            }
                        }
                        Some(b'\'') => break,
                        Some(_) => {
                            let c = self.text[i..].chars().next().unwrap_or(' ');
                            value.push(c);
                            i += c.len_utf8();
                        }
                    }
                }
                self.pos = i + 1;
                Ok(Arg {
                    start,
                    end: self.pos,
                    ty: Ty::String,
                    string: Some(value),
                })
            }
            Some(b'$') => {
                // A path runs to the `,` or `)` that ends the argument,
                // skipping brackets and quotes inside it.
                let mut i = start;
                let mut square = 0usize;
                let mut paren = 0usize;
                let mut quote: Option<u8> = None;
                while let Some(&b) = bytes.get(i) {
                    match quote {
                        Some(q) if b == q => quote = None,
                        Some(_) => {}
                        None => match b {
                            b'\'' | b'"' => quote = Some(b),
                            b'[' => square += 1,
                            b']' => square = square.saturating_sub(1),
                            b'(' => paren += 1,
                            b')' if paren > 0 => paren -= 1,
                            b',' | b')' if square == 0 && paren == 0 => break,
                            _ => {}
                        },
                    }
                    i += 1;
                }
                let raw = &self.text[start..i];
                let path = raw.trim_end();
                if let Err(e) = jsonpath::parse(path) {
                    return Err(err(start + e.start, start + e.end, e.message));
                }
                self.pos = start + path.len();
                Ok(Arg {
                    start,
                    end: self.pos,
                    ty: Ty::Any,
                    string: None,
                })
            }
            Some(b) if b == b'-' || b.is_ascii_digit() => {
                let rest = &self.text[start..];
                let len = rest
                    .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
                    .unwrap_or(rest.len());
                let literal = &rest[..len];
                self.pos = start + len;
                match literal.parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(Arg {
                        start,
                        end: self.pos,
                        ty: if literal.contains(['.', 'e', 'E']) && n.fract() != 0.0 {
                            Ty::Number
                        } else {
                            Ty::Integer
                        },
                        string: None,
                    }),
                    _ => Err(err(start, self.pos, format!("\"{literal}\" is not a number"))),
                }
            }
            Some(_) => {
                let rest = &self.text[start..];
                for (word, ty) in [("true", Ty::Boolean), ("false", Ty::Boolean), ("null", Ty::Any)] {
                    if rest.starts_with(word)
                        && !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.')
                    {
                        self.pos = start + word.len();
                        return Ok(Arg {
                            start,
                            end: self.pos,
                            ty,
                            string: None,
                        });
                    }
                }
                if rest.starts_with("States.") || rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    let ty = self.call(depth + 1)?;
                    return Ok(Arg {
                        start,
                        end: self.pos,
                        ty,
                        string: None,
                    });
                }
                if rest.starts_with('"') {
                    return Err(err(
                        start,
                        start + 1,
                        "strings in intrinsic functions use single quotes",
                    ));
                }
                let c = rest.chars().next().unwrap_or(' ');
                Err(err(
                    start,
                    start + c.len_utf8(),
                    format!("unexpected \"{c}\": expected a string, a number, a path or a function call"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_calls() {
        for text in [
            "States.Format('Hello {}, your application has been approved.', $inputPayload.data.firstname)",
            "States.Array($.Id)",
            "States.Array()",
            "States.UUID()",
            "States.MathAdd($.value1, -1)",
            "States.MathRandom(1, 999)",
            "States.Hash($.Data, 'SHA-1')",
            "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))",
            "States.JsonMerge($.a, $.b, false)",
            "States.Format('it\\'s {}', $.a[0])",
            "States.ArrayContains($.clients.unique, 'null')",
            "States.Format('{}', $$.Execution.Id)",
        ] {
            assert_eq!(check(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn invalid_calls() {
        let e = check("States.MathAdd(1,'-1')").unwrap_err();
        assert_eq!((e.start, e.end), (17, 21));
        let e = check("States.Xyz($.result)").unwrap_err();
        assert_eq!((e.start, e.end), (0, 10));
        assert!(check(" States.Array('Foo', $.xyz, 'Bar', 2.3)").is_err());
        assert!(check("States.UUID(1)").is_err());
        assert!(check("States.Format()").is_err());
        assert!(check("States.Hash($.a, 'SHA-2')").is_err());
        assert!(check("States.Array(").is_err());
        assert!(check("States.Array('a)").is_err());
        assert!(check("States.Array($.a..)").is_err());
        assert!(check("States.Format(\"x\")").is_err());
        let deep = format!("{}$.a{}", "States.Array(".repeat(12), ")".repeat(12));
        assert!(check(&deep).is_err());
        let hostile = "States.Array(".repeat(100_000);
        assert!(check(&hostile).is_err());
    }
}
