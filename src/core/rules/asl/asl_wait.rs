//! `asl-wait`: a Wait state waits in exactly one way (`Seconds`,
//! `Timestamp`, `SecondsPath` or `TimestampPath`); `Seconds` is a whole
//! number of seconds from 0 to 99999999, `Timestamp` an RFC 3339 date-time
//! with an uppercase `T` and `Z` (States Language specification, "Wait
//! State" and "Timestamps"). In JSONata either may be an expression.

use super::common::{is_placeholder, DefinitionContext};
use crate::core::asl::{QueryLanguage, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::NodeKind;

pub const WAIT: RuleMeta = RuleMeta {
    id: "asl-wait",
    default_severity: Severity::Error,
    summary: "A Wait state with more than one duration, or a Seconds or Timestamp value AWS rejects",
};

pub const ENTRY: Rule = Rule {
    meta: WAIT,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

const FIELDS: &[&str] = &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];
pub const MAX_SECONDS: f64 = 99_999_999.0;

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state.kind != StateType::Wait {
            continue;
        }
        let present: Vec<_> = state
            .node
            .members()
            .iter()
            .filter(|m| FIELDS.contains(&m.key.as_str()))
            .collect();
        if let [first, rest @ ..] = present.as_slice() {
            for extra in rest {
                out.push(ctx.finding(
                    &WAIT,
                    extra.key_span,
                    format!(
                        "A Wait state waits one way: \"{}\" and \"{}\" cannot both be set",
                        first.key, extra.key
                    ),
                ));
            }
        }
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let is_expression = |s: &str| jsonata && s.starts_with("{%");
        if let Some(seconds) = state.field("Seconds").filter(|n| !is_placeholder(n)) {
            let ok = match &seconds.kind {
                NodeKind::Number(_) => seconds
                    .as_f64()
                    .is_some_and(|n| n.fract() == 0.0 && (0.0..=MAX_SECONDS).contains(&n)),
                NodeKind::String(s) => is_expression(s),
                _ => false,
            };
            if !ok {
                let message = match seconds.as_str() {
                    Some(s) if s.starts_with('$') && !jsonata => {
                        "\"Seconds\" is a number; to read it from the input use \"SecondsPath\"".to_string()
                    }
                    _ => format!(
                        "\"Seconds\" is a whole number from 0 to 99999999{}",
                        if jsonata { ", or a JSONata expression" } else { "" }
                    ),
                };
                out.push(ctx.finding(&WAIT, seconds.span, message));
            }
        }
        if let Some(timestamp) = state.field("Timestamp").filter(|n| !is_placeholder(n)) {
            let ok = timestamp
                .as_str()
                .is_some_and(|s| is_expression(s) || valid_timestamp(s));
            if !ok {
                let message = match timestamp.as_str() {
                    Some(s) if s.starts_with('$') && !jsonata => {
                        "\"Timestamp\" is a literal time; to read it from the input use \"TimestampPath\"".to_string()
                    }
                    _ => "\"Timestamp\" must be an RFC 3339 timestamp with an uppercase T and a Z or numeric offset, such as \"2024-01-31T23:59:59Z\"".to_string(),
                };
                out.push(ctx.finding(&WAIT, timestamp.span, message));
            }
        }
    }
}

/// An RFC 3339 date-time as the States Language requires it:
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, uppercase `T` and `Z`.
pub fn valid_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let s = text.get(from..from + len)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (digits(0, 4), digits(5, 2), digits(8, 2)) else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11, 2), digits(14, 2), digits(17, 2)) else {
        return false;
    };
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let (Some(h), Some(m)) = (digits(i + 1, 2), digits(i + 4, 2)) else {
                return false;
            };
            b.get(i + 3) == Some(&b':') && h <= 23 && m <= 59 && i + 6 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::valid_timestamp;

    #[test]
    fn timestamps() {
        for ok in [
            "2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00.123Z",
            "2024-02-29T00:00:00+05:30",
            "2015-09-04T01:59:00-07:00",
        ] {
            assert!(valid_timestamp(ok), "{ok}");
        }
        for bad in [
            "2016-03-14t01:59:00Z",
            "2016-03-14T01:59:00z",
            "2016-03-14T01:59:00",
            "2023-02-29T00:00:00Z",
            "2016-13-14T01:59:00Z",
            "2016-03-14 01:59:00Z",
            "yesterday",
            "2016-03-14T01:59:00.Z",
            "2016-03-14T25:00:00Z",
            "",
        ] {
            assert!(!valid_timestamp(bad), "{bad}");
        }
    }
}
