//! Policy evaluation for one request: explicit Deny wins, then any Allow;
//! conditions on keys the analysis knows are decided, others leave the
//! statement undecided (reported, never silently assumed).

use super::arn::{arn_condition_matches, resource_matches};
use super::glob::glob_match;
use super::model::{Condition, Effect, Policy, Statement};

/// Condition keys whose value the analysis can know for a request: when
/// the request's context does not give one, the key is absent.
const DECIDABLE: &[&str] = &[
    "iam:passedtoservice",
    "aws:sourcearn",
    "aws:sourceaccount",
    "ecs:cluster",
    // The static `Prefix` of a Distributed Map's ListObjectsV2 reader.
    "s3:prefix",
];

/// Keys that are absent from every request the role itself makes unless the
/// context names them: `aws:SourceArn`/`aws:SourceAccount` exist only when
/// a service calls another on a resource owner's behalf
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn>),
/// and `iam:PassedToService` only in `iam:PassRole` requests
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService>).
const ABSENT_UNLESS_GIVEN: &[&str] = &["aws:sourcearn", "aws:sourceaccount", "iam:passedtoservice"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    pub policy: usize,
    pub statement: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `by`: unconditional Allows that match. `conditional`: matching
    /// statements whose condition could not be decided (Allows, and Denies
    /// described as "may deny").
    Allowed {
        by: Vec<StatementRef>,
        conditional: Vec<(StatementRef, String)>,
    },
    ImplicitDeny,
    ExplicitDeny {
        by: Vec<StatementRef>,
    },
}

pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    /// Condition keys and their values for this request.
    pub context: &'a [(&'a str, &'a str)],
}

pub fn statement_allows_action(statement: &Statement, action: &str) -> bool {
    match &statement.actions {
        None => false,
        Some(spec) => {
            let any = spec.items.iter().any(|i| action_matches(&i.value, action));
            any != spec.negated
        }
    }
}

/// An `Action` entry against an action name: `*` matches all; otherwise
/// the service prefix must be equal and the name match the pattern, both
/// without regard to case
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some((p_service, p_name)), Some((service, name))) =
        (pattern.split_once(':'), action.split_once(':'))
    else {
        return false;
    };
    !p_name.is_empty() && p_service.eq_ignore_ascii_case(service) && glob_match(p_name, name, true)
}

pub fn statement_resource_matches(statement: &Statement, resource: &str) -> bool {
    match &statement.resources {
        None => false,
        Some(spec) => {
            let any = spec.items.iter().any(|i| resource_matches(&i.value, resource));
            if spec.negated {
                !any && !spec.items.iter().any(|i| is_short_arn(&i.value))
            } else {
                any
            }
        }
    }
}

#[derive(PartialEq)]
enum Outcome {
    Holds,
    Fails,
    Undecided(String),
}

/// Whether a statement's conditions may hold for a request with `context`:
/// false only when one is decided false.
pub fn conditions_may_hold(statement: &Statement, context: &[(&str, &str)]) -> bool {
    conditions_hold(&statement.conditions, context) != Outcome::Fails
}

fn conditions_hold(conditions: &[Condition], context: &[(&str, &str)]) -> Outcome {
    let mut undecided = Vec::new();
    for condition in conditions {
        let key = condition.key.to_ascii_lowercase();
        let value = context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
            .map(|(_, v)| *v);
        let known = DECIDABLE.contains(&key.as_str());
        let outcome = match value {
            Some(value) if known => test(&condition.operator, Some(value), condition),
            None if ABSENT_UNLESS_GIVEN.contains(&key.as_str()) => test(&condition.operator, None, condition),
            _ => None,
        };
        match outcome {
            Some(true) => {}
            Some(false) => return Outcome::Fails,
            None => undecided.push(condition.describe()),
        }
    }
    if undecided.is_empty() {
        Outcome::Holds
    } else {
        Outcome::Undecided(undecided.join(" and "))
    }
}

/// One condition against the request's value of its key (`None`: the key
/// is absent). `None` for operators the analysis does not evaluate.
///
/// An absent key: `Null` decides; `...IfExists` holds; a negated operator
/// holds; `ForAllValues:` holds (no value fails it), `ForAnyValue:` fails;
/// every other operator fails
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
/// Several values of one key: any may match; for a negated operator none
/// may.
pub fn test(operator: &str, value: Option<&str>, condition: &Condition) -> Option<bool> {
    let (set, rest) = if let Some(rest) = operator.strip_prefix("ForAnyValue:") {
        (Some(true), rest)
    } else if let Some(rest) = operator.strip_prefix("ForAllValues:") {
        (Some(false), rest)
    } else {
        (None, operator)
    };
    let (op, if_exists) = match rest.strip_suffix("IfExists") {
        Some(op) => (op, true),
        None => (rest, false),
    };
    if op == "Null" {
        let wants_absent = condition
            .values
            .iter()
            .map(|v| v.value.eq_ignore_ascii_case("true"));
        let mut any = false;
        for wants in wants_absent {
            any |= wants == value.is_none();
        }
        return Some(any);
    }
    let negated = matches!(
        op,
        "StringNotEquals" | "StringNotEqualsIgnoreCase" | "StringNotLike" | "ArnNotEquals" | "ArnNotLike"
    );
    let Some(value) = value else {
        if !KNOWN_OPERATORS.contains(&op) && !op.starts_with("Numeric") && !op.starts_with("Date") {
            return None;
        }
        return Some(match set {
            Some(any_value) => !any_value,
            None => if_exists || negated || op.contains("Not"),
        });
    };
    let any = |f: &dyn Fn(&str) -> bool| condition.values.iter().any(|v| f(&v.value));
    Some(match op {
        "StringEquals" => any(&|v| v == value),
        "StringEqualsIgnoreCase" => any(&|v| v.eq_ignore_ascii_case(value)),
        "StringLike" => any(&|v| glob_match(v, value, false)),
        "ArnEquals" | "ArnLike" => any(&|v| arn_condition_matches(v, value)),
        "StringNotEquals" => !any(&|v| v == value),
        "StringNotEqualsIgnoreCase" => !any(&|v| v.eq_ignore_ascii_case(value)),
        "StringNotLike" => !any(&|v| glob_match(v, value, false)),
        // A value that is not a whole ARN matches neither way.
        "ArnNotEquals" | "ArnNotLike" => condition
            .values
            .iter()
            .all(|v| v.value.splitn(6, ':').count() == 6 && !arn_condition_matches(&v.value, value)),
        _ => return None,
    })
}

const KNOWN_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
];

type FastSet = crate::core::hash::FastSet<String>;
type FastMap<V> = crate::core::hash::FastMap<String, V>;

/// A statement's Action and Resource prepared for fast matching: literal
/// values in hash sets, wildcard patterns in lists.
struct Matcher {
    actions: Prepared,
    resources: Option<Prepared>,
}

struct Prepared {
    negated: bool,
    literals: FastSet,
    /// Each pattern with a literal prefix of all it matches, a cheap first
    /// test.
    patterns: Vec<(String, String)>,
    actions: bool,
    short_arn: bool,
}

impl Prepared {
    fn new(negated: bool, items: &[super::model::Spanned<String>], actions: bool) -> Prepared {
        let mut literals = FastSet::default();
        let mut patterns = Vec::new();
        for item in items {
            let value = if actions {
                item.value.to_ascii_lowercase()
            } else {
                item.value.clone()
            };
            let bytes = value.as_bytes();
            let first = (0..bytes.len()).find(|&i| {
                matches!(bytes[i], b'*' | b'?')
                    || (!actions && bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{'))
            });
            let exact = first.is_none() && (actions || is_plain_arn(&value));
            if exact {
                literals.insert(value);
            } else {
                let prefix = index_prefix(&value[..first.unwrap_or(value.len())], actions);
                patterns.push((prefix, value));
            }
        }
        Prepared {
            negated,
            short_arn: !actions && items.iter().any(|i| is_short_arn(&i.value)),
            literals,
            patterns,
            actions,
        }
    }

    /// `text` must already be lower-case when matching actions.
    fn matches(&self, text: &str) -> bool {
        let any = self.literals.contains(text)
            || self.patterns.iter().any(|(prefix, p)| {
                text.starts_with(prefix.as_str())
                    && if self.actions {
                        action_matches(p, text)
                    } else {
                        resource_matches(p, text)
                    }
            });
        if self.negated {
            // A `NotResource` holding an ARN of fewer than six segments
            // excludes what it matches and applies to nothing else: the
            // entry is not a valid ARN, so what it leaves out is unknown.
            !any && !self.short_arn
        } else {
            any
        }
    }
}

/// An ARN pattern of fewer than six segments (`arn:aws:lambda:*`).
fn is_short_arn(value: &str) -> bool {
    value.starts_with("arn:") && value.split(':').count() < 6
}

/// An ARN that only equal text matches: six segments, the first five in
/// lower case (they match without regard to case).
fn is_plain_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[..5]
            .iter()
            .all(|p| !p.bytes().any(|b| b.is_ascii_uppercase()))
}

/// A literal prefix every text a pattern matches starts with: its text up
/// to the first wildcard, or less where case does not count.
fn index_prefix(before_wildcard: &str, actions: bool) -> String {
    if actions {
        return before_wildcard.to_string();
    }
    if !before_wildcard.starts_with("arn:") {
        return String::new();
    }
    // The first five segments match without regard to case.
    let head_end = before_wildcard
        .match_indices(':')
        .nth(4)
        .map(|(i, _)| i)
        .unwrap_or(before_wildcard.len());
    match before_wildcard[..head_end]
        .bytes()
        .position(|b| b.is_ascii_uppercase())
    {
        Some(i) => before_wildcard[..i].to_string(),
        None => before_wildcard.to_string(),
    }
}

/// Statements by the service prefix their actions name, so a request only
/// looks at the statements that can match it, each prepared for matching.
pub struct PolicyIndex {
    /// Statements naming a resource literally, by that resource.
    by_resource: FastMap<Vec<StatementRef>>,
    /// Statements with resource patterns, by the pattern's literal prefix
    /// cut after its last `:` or `/` (`""` for patterns such as `*`).
    by_pattern: FastMap<Vec<StatementRef>>,
    /// `NotResource` statements: candidates for every request.
    negated: Vec<StatementRef>,
    matchers: Vec<Vec<Option<Matcher>>>,
}

impl PolicyIndex {
    pub fn new(policies: &[Policy]) -> PolicyIndex {
        let mut by_resource: FastMap<Vec<StatementRef>> = FastMap::default();
        let mut by_pattern: FastMap<Vec<StatementRef>> = FastMap::default();
        let mut negated = Vec::new();
        let mut matchers = Vec::new();
        for (p, policy) in policies.iter().enumerate() {
            let mut prepared = Vec::new();
            for (s, statement) in policy.statements.iter().enumerate() {
                let r = StatementRef {
                    policy: p,
                    statement: s,
                };
                let (Some(actions), Some(resources)) = (&statement.actions, &statement.resources) else {
                    prepared.push(None);
                    continue;
                };
                let matcher = Matcher {
                    actions: Prepared::new(actions.negated, &actions.items, true),
                    resources: Some(Prepared::new(resources.negated, &resources.items, false)),
                };
                let resource = matcher.resources.as_ref().expect("set above");
                if resources.negated {
                    negated.push(r);
                } else {
                    for (prefix, _) in &resource.patterns {
                        by_pattern
                            .entry(cut_at_separator(prefix).to_string())
                            .or_default()
                            .push(r);
                    }
                    for literal in &resource.literals {
                        by_resource.entry(literal.clone()).or_default().push(r);
                    }
                }
                prepared.push(Some(matcher));
            }
            matchers.push(prepared);
        }
        PolicyIndex {
            by_resource,
            by_pattern,
            negated,
            matchers,
        }
    }

    /// The statements that can match a resource, in policy order.
    fn candidates(&self, resource: &str) -> Vec<StatementRef> {
        let mut refs: Vec<StatementRef> = self.by_resource.get(resource).cloned().unwrap_or_default();
        refs.extend(self.negated.iter().copied());
        // Every prefix of the resource that ends at a separator, and "".
        let cuts = std::iter::once(0).chain(
            resource
                .char_indices()
                .filter(|(_, c)| *c == ':' || *c == '/')
                .map(|(i, _)| i + 1),
        );
        for cut in cuts {
            if let Some(list) = self.by_pattern.get(&resource[..cut]) {
                refs.extend(list.iter().copied());
            }
        }
        refs.sort();
        refs.dedup();
        refs
    }
}

/// A pattern's literal prefix up to and including its last separator.
fn cut_at_separator(prefix: &str) -> &str {
    match prefix.rfind([':', '/']) {
        Some(i) => &prefix[..=i],
        None => "",
    }
}

pub fn evaluate(policies: &[Policy], request: &Request) -> Decision {
    evaluate_indexed(policies, &PolicyIndex::new(policies), request)
}

pub fn evaluate_indexed(policies: &[Policy], index: &PolicyIndex, request: &Request) -> Decision {
    let mut tally = Tally::default();
    let action = request.action.to_ascii_lowercase();
    for r in index.candidates(request.resource) {
        let Some(matcher) = &index.matchers[r.policy][r.statement] else {
            continue;
        };
        if !matcher.actions.matches(&action) {
            continue;
        }
        match &matcher.resources {
            Some(resources) if resources.matches(request.resource) => {}
            _ => continue,
        }
        tally.add(r, &policies[r.policy].statements[r.statement], request.context);
    }
    tally.decision()
}

/// The applying statements of one request, sorted by what they decide.
#[derive(Default)]
struct Tally {
    allow: Vec<StatementRef>,
    deny: Vec<StatementRef>,
    conditional: Vec<(StatementRef, String)>,
}

impl Tally {
    /// Adds a statement whose action and resource (or principal) match.
    fn add(&mut self, r: StatementRef, statement: &Statement, context: &[(&str, &str)]) {
        match (statement.effect, conditions_hold(&statement.conditions, context)) {
            (_, Outcome::Fails) => {}
            (Effect::Allow, Outcome::Holds) => self.allow.push(r),
            (Effect::Deny, Outcome::Holds) => self.deny.push(r),
            (Effect::Allow, Outcome::Undecided(text)) => self.conditional.push((r, text)),
            (Effect::Deny, Outcome::Undecided(text)) => {
                self.conditional.push((r, format!("{text} (may deny)")))
            }
        }
    }

    /// Explicit Deny wins, then any Allow (decided or conditional).
    fn decision(self) -> Decision {
        if !self.deny.is_empty() {
            return Decision::ExplicitDeny { by: self.deny };
        }
        let allows_conditionally = self.conditional.iter().any(|(_, t)| !t.ends_with("(may deny)"));
        if self.allow.is_empty() && !allows_conditionally {
            return Decision::ImplicitDeny;
        }
        Decision::Allowed {
            by: self.allow,
            conditional: self.conditional,
        }
    }
}

/// Whether a trust policy lets `service` (a service principal such as
/// `states.amazonaws.com`) call `sts:AssumeRole` on the role, with the
/// request's condition keys in `context` (keys it does not give are absent).
pub fn evaluate_trust(policy: &Policy, service: &str, context: &[(&str, &str)]) -> Decision {
    let mut tally = Tally::default();
    for (s, statement) in policy.statements.iter().enumerate() {
        let principal = statement.principal_any
            || statement
                .principal_services
                .iter()
                .any(|p| p.value.eq_ignore_ascii_case(service));
        if !principal || !statement_allows_action(statement, "sts:AssumeRole") {
            continue;
        }
        let r = StatementRef {
            policy: 0,
            statement: s,
        };
        tally.add(r, statement, context);
    }
    tally.decision()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::files::FileId;
    use crate::core::iam::lower_policy;
    use crate::core::syntax::json;

    fn policy(text: &str) -> Policy {
        let root = json::parse(text).root.unwrap();
        lower_policy(FileId(0), &root, &|_| None)
    }

    fn decide(p: &Policy, action: &str, resource: &str, context: &[(&str, &str)]) -> Decision {
        evaluate(
            std::slice::from_ref(p),
            &Request {
                action,
                resource,
                context,
            },
        )
    }

    const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:Worker";

    #[test]
    fn wildcard_and_case_insensitive_actions() {
        let p = policy(r#"{"Statement": {"Effect": "Allow", "Action": "LAMBDA:invoke*", "Resource": "*"}}"#);
        assert!(
            matches!(decide(&p, "lambda:InvokeFunction", FN, &[]), Decision::Allowed { ref by, .. } if by.len() == 1)
        );
        assert_eq!(decide(&p, "lambda:GetFunction", FN, &[]), Decision::ImplicitDeny);
    }

    #[test]
    fn resources_are_case_sensitive() {
        let p = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": ["arn:aws:lambda:us-east-1:123456789012:function:worker"]}]}"#,
        );
        assert_eq!(
            decide(&p, "lambda:InvokeFunction", FN, &[]),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn not_action_and_not_resource_are_complements() {
        let p = policy(
            r#"{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret*"}]}"#,
        );
        assert!(matches!(
            decide(&p, "lambda:InvokeFunction", FN, &[]),
            Decision::Allowed { .. }
        ));
        assert_eq!(decide(&p, "iam:PassRole", FN, &[]), Decision::ImplicitDeny);
        assert_eq!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::secret-bucket", &[]),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn explicit_deny_wins() {
        let p = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*"}]}"#,
        );
        assert_eq!(
            decide(&p, "lambda:InvokeFunction", FN, &[]),
            Decision::ExplicitDeny {
                by: vec![StatementRef {
                    policy: 0,
                    statement: 1
                }]
            }
        );
    }

    #[test]
    fn decidable_conditions_are_decided() {
        let p = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}"#,
        );
        let role = "arn:aws:iam::123456789012:role/r";
        assert!(matches!(
            decide(&p, "iam:PassRole", role, &[("iam:PassedToService", "ecs-tasks.amazonaws.com")]),
            Decision::Allowed { ref by, ref conditional } if by.len() == 1 && conditional.is_empty()
        ));
        assert_eq!(
            decide(
                &p,
                "iam:PassRole",
                role,
                &[("iam:PassedToService", "sagemaker.amazonaws.com")]
            ),
            Decision::ImplicitDeny
        );
        let q = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}"#,
        );
        assert!(
            matches!(decide(&q, "sts:AssumeRole", "*", &[("aws:SourceAccount", "123456789012")]), Decision::Allowed { ref by, .. } if by.len() == 1)
        );
    }

    #[test]
    fn undecidable_conditions_are_conditional() {
        let p = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "orders"}}}]}"#,
        );
        match decide(&p, "sns:Publish", "arn:aws:sns:us-east-1:1:t", &[]) {
            Decision::Allowed { by, conditional } => {
                assert!(by.is_empty());
                assert_eq!(
                    conditional,
                    vec![(
                        StatementRef {
                            policy: 0,
                            statement: 0
                        },
                        "StringEquals aws:ResourceTag/team orders".to_string()
                    )]
                );
            }
            other => panic!("{other:?}"),
        }
        let d = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#,
        );
        match decide(&d, "sns:Publish", "x", &[]) {
            Decision::Allowed { by, conditional } => {
                assert_eq!(by.len(), 1);
                assert!(conditional[0].1.ends_with("(may deny)"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ten_thousand_statements() {
        let statements: Vec<String> = (0..10_000)
            .map(|i| {
                format!(
                    r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b{i}/*"}}"#
                )
            })
            .collect();
        let p = policy(&format!(r#"{{"Statement": [{}]}}"#, statements.join(",")));
        assert_eq!(p.statements.len(), 10_000);
        assert!(matches!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::b9999/k", &[]),
            Decision::Allowed { .. }
        ));
    }
}
