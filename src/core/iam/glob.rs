//! IAM wildcards: `*` (any run of characters) and `?` (one character).
//! Iterative, no recursion: patterns come from user files.

/// Whether `text` matches `pattern`.
pub fn glob_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        // The common case, without allocating.
        return glob_units(pattern.as_bytes(), text.as_bytes(), |a, b| {
            if case_insensitive {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        });
    }
    let p: Vec<char> = fold(pattern, case_insensitive);
    let t: Vec<char> = fold(text, case_insensitive);
    glob_units(&p, &t, |a, b| a == b)
}

/// Like [`glob_match`] (case-sensitive), where the pattern may hold
/// placeholders known only at deploy time: each matches itself, or the
/// values it may take — a pseudo parameter (`${AWS::Region}`,
/// `${AWS::AccountId}`) any non-empty run without `:`, a template parameter
/// or IAM policy variable (`${TableArn}`) any non-empty run.
pub fn glob_match_placeholders(pattern: &str, text: &str) -> bool {
    // Each placeholder tries every split of the text: a step budget keeps a
    // hostile pattern (many placeholders, a long ARN) from stalling.
    let mut budget = 20_000usize;
    glob_match_placeholders_at(pattern, text, 0, &mut budget)
}

fn glob_match_placeholders_at(pattern: &str, text: &str, depth: usize, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some(open) = pattern.find("${") else {
        return glob_match(pattern, text, false);
    };
    let Some(close) = pattern[open..].find('}').map(|i| open + i + 1) else {
        return glob_match(pattern, text, false);
    };
    // Hostile patterns with many placeholders: compare literally.
    if depth > 8 {
        return glob_match(pattern, text, false);
    }
    let (head, token, tail) = (&pattern[..open], &pattern[open..close], &pattern[close..]);
    for (start, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if !glob_match(head, &text[..start], false) {
            continue;
        }
        let rest = &text[start..];
        if rest.starts_with(token)
            && glob_match_placeholders_at(tail, &rest[token.len()..], depth + 1, budget)
        {
            return true;
        }
        // A pseudo parameter is one ARN segment; a template parameter or
        // policy variable may stand for anything, a whole ARN included.
        let segment = token.starts_with("${AWS::");
        for (end, c) in rest
            .char_indices()
            .skip(1)
            .chain(std::iter::once((rest.len(), ' ')))
        {
            if segment && (rest[..end].contains(':') || (c == ':' && end == 0)) {
                break;
            }
            if glob_match_placeholders_at(tail, &rest[end..], depth + 1, budget) {
                return true;
            }
            if *budget == 0 {
                return false;
            }
        }
    }
    false
}

trait Unit: Copy + PartialEq {
    const STAR: Self;
    const ANY: Self;
}

impl Unit for u8 {
    const STAR: u8 = b'*';
    const ANY: u8 = b'?';
}

impl Unit for char {
    const STAR: char = '*';
    const ANY: char = '?';
}

/// Two-pointer matching with backtracking to the last `*`: O(len(p) *
/// len(t)) in the worst case, linear in practice.
fn glob_units<U: Unit>(p: &[U], t: &[U], eq: impl Fn(&U, &U) -> bool) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == U::ANY || (p[pi] != U::STAR && eq(&p[pi], &t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == U::STAR {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == U::STAR {
        pi += 1;
    }
    pi == p.len()
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Whether every string `specific` matches is matched by `general` (both
/// are patterns). Decided by matching `specific` as text in which its `*`
/// can only be matched by a `*` of `general`, and its `?` by `?` or `*`.
/// Exact for the patterns IAM policies use; above a size limit it answers
/// `false` (the conservative answer: "not known to be covered").
pub fn pattern_covers(general: &str, specific: &str, case_insensitive: bool) -> bool {
    if !has_wildcard(specific) {
        return glob_match(general, specific, case_insensitive);
    }
    if !has_wildcard(general) {
        return false; // a literal covers no pattern with a wildcard
    }
    let g: Vec<char> = fold(general, case_insensitive);
    let s: Vec<char> = fold(specific, case_insensitive);
    if g.len().saturating_mul(s.len()) > 4_000_000 {
        return false;
    }
    // reach[j]: general[..i] can produce specific[..j].
    let mut reach = vec![false; s.len() + 1];
    reach[0] = true;
    for &gc in &g {
        let mut next = vec![false; s.len() + 1];
        if gc == '*' {
            // A star absorbs any suffix run of specific's symbols.
            let mut any = false;
            for j in 0..=s.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 0..s.len() {
                if !reach[j] {
                    continue;
                }
                let sc = s[j];
                let ok = match (gc, sc) {
                    (_, '*') => false,
                    ('?', _) => true,
                    (_, '?') => false,
                    (a, b) => a == b,
                };
                if ok {
                    next[j + 1] = true;
                }
            }
        }
        reach = next;
    }
    reach[s.len()]
}

fn fold(text: &str, case_insensitive: bool) -> Vec<char> {
    if case_insensitive {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.chars().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_what_they_may_stand_for() {
        let p = "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:Fn*";
        assert!(glob_match_placeholders(
            p,
            "arn:aws:lambda:us-east-1:123456789012:function:Fn"
        ));
        assert!(glob_match_placeholders(
            p,
            "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:Fn:*"
        ));
        assert!(!glob_match_placeholders(
            p,
            "arn:aws:lambda:us-east-1:123456789012:function:Other"
        ));
        assert!(!glob_match_placeholders(
            p,
            "arn:aws:lambda::123456789012:function:Fn"
        ));
        assert!(!glob_match_placeholders(p, "arn:aws:lambda:a:b:c:function:Fn"));
        assert!(glob_match_placeholders(
            "arn:aws:s3:::${Bucket}/*",
            "arn:aws:s3:::data/x"
        ));
    }
    use proptest::prelude::*;

    #[test]
    fn matches_wildcards() {
        assert!(glob_match("lambda:Invoke*", "lambda:InvokeFunction", false));
        assert!(glob_match("LAMBDA:invoke*", "lambda:InvokeFunction", true));
        assert!(!glob_match("LAMBDA:invoke*", "lambda:InvokeFunction", false));
        assert!(glob_match("*", "", false));
        assert!(glob_match("a?c", "abc", false));
        assert!(!glob_match("a?c", "ac", false));
        assert!(glob_match(
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:lambda:us-east-1:1:function:f:prod",
            false
        ));
        assert!(!glob_match(
            "arn:aws:lambda:*:*:function:f",
            "arn:aws:lambda:us-east-1:1:function:f:prod",
            false
        ));
    }

    #[test]
    fn coverage_between_patterns() {
        assert!(pattern_covers("*", "arn:aws:lambda:*:*:function:*", false));
        assert!(pattern_covers(
            "arn:aws:lambda:us-east-1:1:function:*",
            "arn:aws:lambda:us-east-1:1:function:f:*",
            false
        ));
        assert!(!pattern_covers(
            "arn:aws:lambda:us-east-1:1:function:f",
            "arn:aws:lambda:us-east-1:1:function:*",
            false
        ));
        assert!(!pattern_covers(
            "arn:aws:lambda:us-east-1:1:function:f*",
            "*",
            false
        ));
        assert!(pattern_covers("a*", "a?*", false));
        assert!(!pattern_covers("a?", "a*", false));
        assert!(pattern_covers("x", "x", false));
    }

    /// A direct recursive definition, for checking the iterative matcher.
    fn reference(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|k| reference(rest, &t[k..])),
            Some((&c, rest)) => !t.is_empty() && (c == '?' || c == t[0]) && reference(rest, &t[1..]),
        }
    }

    proptest! {
        #[test]
        fn agrees_with_reference(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            prop_assert_eq!(glob_match(&p, &t, false), reference(&pc, &tc));
        }

        #[test]
        fn coverage_is_sound(g in "[ab*?]{0,6}", s in "[ab*?]{0,6}", fills in proptest::collection::vec("[ab]{0,3}", 6)) {
            if pattern_covers(&g, &s, false) {
                // Instantiate `specific`: each `*` by some text, each `?` by one char.
                let mut text = String::new();
                let mut k = 0;
                for c in s.chars() {
                    match c {
                        '*' => { text.push_str(&fills[k % fills.len()]); k += 1; }
                        '?' => text.push('a'),
                        other => text.push(other),
                    }
                }
                prop_assert!(glob_match(&g, &text, false), "{} covers {} but not {}", g, s, text);
            }
        }
    }
}
