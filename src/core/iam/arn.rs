//! How a policy's `Resource` pattern and an `Arn*` condition value match an
//! ARN: segment by segment, never across a colon of the first five.
//!
//! AWS: "You can use wildcard characters (* and ?) within the individual
//! segments of an ARN (the parts separated by colons)"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>),
//! and `ArnEquals`/`ArnLike` check "each of the six colon-delimited
//! components of the ARN separately", wildcards allowed in each
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>).
//! The details below follow what the IAM policy simulator does; see
//! `docs/iam-evaluation.md`.

use super::glob::{glob_match, glob_match_placeholders};

/// Whether a `Resource`/`NotResource` entry of an identity policy matches
/// the request's resource.
///
/// - `*` matches everything.
/// - An ARN pattern with fewer than six segments is read as if its missing
///   segments were `*` (`arn:aws:lambda:*` is every Lambda resource).
/// - Partition, service, region and account match each on its own, without
///   regard to case.
/// - The resource segment's type (the text up to its first `/` or `:`, as
///   in `function:` or `table/`) is literal; the rest is a case-sensitive
///   pattern whose `*` may span `/` and `:`.
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if pattern.contains("${") {
        // Deploy-time placeholders (`${AWS::Region}`, `${Table.Arn}`) and
        // policy variables: see `glob_match_placeholders`.
        return glob_match_placeholders(pattern, resource);
    }
    match (split_arn(pattern), split_arn(resource)) {
        (Some(p), Some(r)) => segments_match(&p, &r, true),
        _ => glob_match(pattern, resource, false),
    }
}

/// `ArnEquals`/`ArnLike` (and their negations, by the caller): the policy
/// value must be a whole ARN (six segments), each segment a case-sensitive
/// pattern of its own.
pub fn arn_condition_matches(pattern: &str, value: &str) -> bool {
    if pattern.contains("${") || value.contains("${") {
        // A template's deploy-time placeholders: each matches itself or
        // what it may stand for.
        return glob_match_placeholders(pattern, value);
    }
    let (Some(p), Some(v)) = (split_arn_exact(pattern), split_arn_exact(value)) else {
        return false;
    };
    (0..5).all(|i| glob_match(p[i], v[i], false)) && glob_match(p[5], v[5], false)
}

/// The six segments of an ARN pattern, the missing ones `*`.
fn split_arn(text: &str) -> Option<[&str; 6]> {
    if !text
        .get(..4)
        .is_some_and(|head| head.eq_ignore_ascii_case("arn:"))
    {
        return None;
    }
    let mut out = ["*"; 6];
    for (i, part) in text.splitn(6, ':').enumerate() {
        out[i] = part;
    }
    Some(out)
}

fn split_arn_exact(text: &str) -> Option<[&str; 6]> {
    let mut out = [""; 6];
    let mut count = 0;
    for (i, part) in text.splitn(6, ':').enumerate() {
        out[i] = part;
        count = i + 1;
    }
    (count == 6).then_some(out)
}

fn segments_match(p: &[&str; 6], r: &[&str; 6], resource_type_literal: bool) -> bool {
    if !(1..5).all(|i| glob_match(p[i], r[i], true)) {
        return false;
    }
    if !resource_type_literal {
        return glob_match(p[5], r[5], false);
    }
    let kind = resource_type(p);
    r[5].starts_with(kind) && glob_match(&p[5][kind.len()..], &r[5][kind.len()..], false)
}

/// The resource type part of a pattern's resource segment, with its
/// separator: `function:` of `function:Worker*`, `table/` of `table/*`;
/// empty for S3 bucket and object ARNs and for a segment without one.
fn resource_type<'a>(p: &[&'a str; 6]) -> &'a str {
    let segment = p[5];
    if p[2].eq_ignore_ascii_case("s3") && p[3].is_empty() && p[4].is_empty() {
        return "";
    }
    match segment.find(['/', ':']) {
        Some(i) => &segment[..=i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";
    const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:Notify";

    #[test]
    fn a_wildcard_stays_in_its_segment() {
        assert!(!resource_matches("arn:aws:dynamodb:*:table/Orders", TABLE));
        assert!(resource_matches("arn:aws:dynamodb:*:*:table/Orders", TABLE));
        assert!(resource_matches("arn:aws:dynamodb:us-east-?:*:table/*", TABLE));
        assert!(!resource_matches(
            "arn:aws:dynamodb:us-east-?:*:table/Order",
            TABLE
        ));
    }

    #[test]
    fn short_patterns_are_padded_with_wildcards() {
        assert!(resource_matches("arn:aws:lambda:*", FUNCTION));
        assert!(resource_matches("arn:aws:lambda:*", &format!("{FUNCTION}:prod")));
        assert!(!resource_matches("arn:aws:sns:*", FUNCTION));
    }

    #[test]
    fn the_resource_id_may_span_colons() {
        assert!(resource_matches(
            "arn:aws:lambda:*:*:function:*:prod",
            &format!("{FUNCTION}:prod")
        ));
        assert!(!resource_matches("arn:aws:lambda:*:*:function:*:prod", FUNCTION));
        assert!(resource_matches(
            "arn:aws:lambda:*:*:function:*",
            &format!("{FUNCTION}:3")
        ));
        assert!(!resource_matches(FUNCTION, &format!("{FUNCTION}:3")));
    }

    #[test]
    fn case_rules() {
        assert!(resource_matches(
            "arn:AWS:Lambda:US-EAST-1:123456789012:function:Notify",
            FUNCTION
        ));
        assert!(!resource_matches(
            "arn:aws:lambda:us-east-1:123456789012:function:notify",
            FUNCTION
        ));
        assert!(!resource_matches(
            "arn:aws:lambda:us-east-1:123456789012:FUNCTION:Notify",
            FUNCTION
        ));
    }

    #[test]
    fn the_resource_type_is_literal() {
        assert!(!resource_matches("arn:aws:lambda:*:*:func*:Notify", FUNCTION));
        assert!(resource_matches("arn:aws:lambda:*:*:*", FUNCTION));
        assert!(resource_matches(
            "arn:aws:s3:::data*/key",
            "arn:aws:s3:::data-1/key"
        ));
    }

    #[test]
    fn arn_conditions_need_six_segments() {
        let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Orders";
        assert!(arn_condition_matches(
            "arn:aws:states:*:*:stateMachine:*",
            machine
        ));
        assert!(arn_condition_matches(machine, machine));
        assert!(!arn_condition_matches("arn:aws:states:*", machine));
        assert!(!arn_condition_matches(
            "arn:aws:states:*:stateMachine:Orders",
            machine
        ));
        assert!(!arn_condition_matches("*", machine));
    }
}
