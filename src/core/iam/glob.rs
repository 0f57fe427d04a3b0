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

trait Unit: Copy + Eq + std::hash::Hash {
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

/// Matching piece by piece: the pattern split at its `*`s, the first piece
/// anchored at the start, the last at the end, each middle piece taken at
/// its leftmost place (which never loses a match). Pieces without `?` are
/// found with the standard library's linear substring search, so a hostile
/// pattern costs time linear in its length and the text's.
fn glob_units<U: Unit>(p: &[U], t: &[U], eq: impl Fn(&U, &U) -> bool) -> bool {
    let pieces: Vec<&[U]> = p.split(|u| *u == U::STAR).collect();
    let piece_matches = |piece: &[U], at: &[U]| -> bool {
        piece.len() <= at.len() && piece.iter().zip(at).all(|(a, b)| *a == U::ANY || eq(a, b))
    };
    if pieces.len() == 1 {
        return p.len() == t.len() && piece_matches(p, t);
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if first.len() + last.len() > t.len() || !piece_matches(first, t) {
        return false;
    }
    let tail_start = t.len() - last.len();
    if !piece_matches(last, &t[tail_start..]) {
        return false;
    }
    let mut at = first.len();
    for piece in &pieces[1..pieces.len() - 1] {
        if piece.is_empty() {
            continue;
        }
        match find_piece(piece, &t[at..tail_start], &eq) {
            Some(found) => at += found + piece.len(),
            None => return false,
        }
    }
    true
}

/// The leftmost place where `piece` (which may hold `?`) matches in `text`.
/// A piece without `?` is one substring search; a piece with `?` is run
/// over the text once with a bit per piece position (shift-and), so a long
/// piece costs its length / 64 per text character, never a restart per
/// candidate place.
fn find_piece<U: Unit>(piece: &[U], text: &[U], eq: &impl Fn(&U, &U) -> bool) -> Option<usize> {
    if piece.len() > text.len() {
        return None;
    }
    if !piece.contains(&U::ANY) {
        return kmp_find(piece, text, eq);
    }
    shift_and(piece, text, eq)
}

/// Shift-and matching: bit `i` of the state says the last `i + 1` text
/// units match the piece's first `i + 1`. Each text unit's mask (the
/// positions it may stand at) is computed once per distinct unit.
fn shift_and<U: Unit>(piece: &[U], text: &[U], eq: &impl Fn(&U, &U) -> bool) -> Option<usize> {
    let words = piece.len().div_ceil(64);
    let mut any = vec![0u64; words];
    for (i, u) in piece.iter().enumerate() {
        if *u == U::ANY {
            any[i / 64] |= 1 << (i % 64);
        }
    }
    let mut masks: std::collections::HashMap<U, Vec<u64>> = std::collections::HashMap::new();
    let last = (piece.len() - 1) / 64;
    let last_bit = 1u64 << ((piece.len() - 1) % 64);
    let mut state = vec![0u64; words];
    // Past 256 distinct units the text is `char`s, compared with `==`: a
    // unit the piece does not hold stands only where `?` does, so a text
    // of many distinct characters does not build a mask for each.
    let in_piece: std::collections::HashSet<U> = piece.iter().copied().collect();
    for (at, unit) in text.iter().enumerate() {
        let mask = if masks.len() >= 256 && !in_piece.contains(unit) {
            &any
        } else {
            &*masks.entry(*unit).or_insert_with(|| {
                let mut mask = any.clone();
                for (i, u) in piece.iter().enumerate() {
                    if eq(u, unit) {
                        mask[i / 64] |= 1 << (i % 64);
                    }
                }
                mask
            })
        };
        // state = ((state << 1) | 1) & mask, over all words.
        let mut carry = 1u64;
        for (word, m) in state.iter_mut().zip(mask.iter()) {
            let next_carry = *word >> 63;
            *word = ((*word << 1) | carry) & m;
            carry = next_carry;
        }
        if state[last] & last_bit != 0 {
            return Some(at + 1 - piece.len());
        }
    }
    None
}

/// Knuth–Morris–Pratt: the first place `needle` occurs in `hay`, in time
/// linear in both.
fn kmp_find<U: Unit>(needle: &[U], hay: &[U], eq: &impl Fn(&U, &U) -> bool) -> Option<usize> {
    let mut fail = vec![0usize; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && !eq(&needle[i], &needle[k]) {
            k = fail[k - 1];
        }
        if eq(&needle[i], &needle[k]) {
            k += 1;
        }
        fail[i] = k;
    }
    let mut k = 0;
    for (i, u) in hay.iter().enumerate() {
        while k > 0 && !eq(u, &needle[k]) {
            k = fail[k - 1];
        }
        if eq(u, &needle[k]) {
            k += 1;
        }
        if k == needle.len() {
            return Some(i + 1 - k);
        }
    }
    None
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
    fn long_hostile_patterns_are_answered() {
        // benches/hostile.rs times ten times these (80,000 units).
        let arn = format!(
            "arn:aws:lambda:us-east-1:123456789012:function:{}",
            "a".repeat(10_000)
        );
        let star = format!("arn:aws:lambda:*{}b", "a".repeat(8_000));
        assert!(!glob_match(&star, &arn, false));
        assert!(glob_match(&star, &format!("{arn}b"), false));
        let question = format!("arn:aws:lambda:*{}?{}b*", "a".repeat(4_000), "a".repeat(4_000));
        assert!(!glob_match(&question, &arn, false));
        assert!(glob_match(&question, &format!("{arn}b"), false));
        assert!(glob_match(&question.to_uppercase(), &format!("{arn}b"), true));
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
        fn long_pieces_with_question_marks_agree_with_reference(
            piece in "[ab?]{50,140}", text in "[ab]{0,220}",
        ) {
            let p = format!("*{piece}*");
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = text.chars().collect();
            prop_assert_eq!(glob_match(&p, &text, false), reference(&pc, &tc));
            prop_assert_eq!(glob_match(&p.to_uppercase(), &text, true), reference(&pc, &tc));
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
