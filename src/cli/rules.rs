//! `asl-lsp rules` and `asl-lsp rule NAME`: the rule pages of `docs/rules/`,
//! built into the binary.

use std::io::Write;

use crate::cli::{RuleArgs, EXIT_CLEAN, EXIT_USAGE};
use crate::core::rules;

/// Every page of `docs/rules/` (a unit test keeps it in step with the rules).
const PAGES: &[(&str, &str)] = &[
    (
        "asl-choice-rule",
        include_str!("../../docs/rules/asl-choice-rule.md"),
    ),
    (
        "asl-credentials",
        include_str!("../../docs/rules/asl-credentials.md"),
    ),
    (
        "asl-duplicate-key",
        include_str!("../../docs/rules/asl-duplicate-key.md"),
    ),
    (
        "asl-field-conflict",
        include_str!("../../docs/rules/asl-field-conflict.md"),
    ),
    (
        "asl-field-value",
        include_str!("../../docs/rules/asl-field-value.md"),
    ),
    ("asl-intrinsic", include_str!("../../docs/rules/asl-intrinsic.md")),
    (
        "asl-invalid-type",
        include_str!("../../docs/rules/asl-invalid-type.md"),
    ),
    (
        "asl-json-comment",
        include_str!("../../docs/rules/asl-json-comment.md"),
    ),
    ("asl-jsonata", include_str!("../../docs/rules/asl-jsonata.md")),
    ("asl-map", include_str!("../../docs/rules/asl-map.md")),
    (
        "asl-missing-field",
        include_str!("../../docs/rules/asl-missing-field.md"),
    ),
    (
        "asl-missing-start-at",
        include_str!("../../docs/rules/asl-missing-start-at.md"),
    ),
    (
        "asl-no-terminal-state",
        include_str!("../../docs/rules/asl-no-terminal-state.md"),
    ),
    ("asl-path", include_str!("../../docs/rules/asl-path.md")),
    (
        "asl-payload-template",
        include_str!("../../docs/rules/asl-payload-template.md"),
    ),
    (
        "asl-query-language",
        include_str!("../../docs/rules/asl-query-language.md"),
    ),
    ("asl-resource", include_str!("../../docs/rules/asl-resource.md")),
    (
        "asl-retry-catch",
        include_str!("../../docs/rules/asl-retry-catch.md"),
    ),
    (
        "asl-state-name",
        include_str!("../../docs/rules/asl-state-name.md"),
    ),
    ("asl-syntax", include_str!("../../docs/rules/asl-syntax.md")),
    (
        "asl-unknown-field",
        include_str!("../../docs/rules/asl-unknown-field.md"),
    ),
    (
        "asl-unknown-integration",
        include_str!("../../docs/rules/asl-unknown-integration.md"),
    ),
    (
        "asl-unknown-state",
        include_str!("../../docs/rules/asl-unknown-state.md"),
    ),
    (
        "asl-unreachable-state",
        include_str!("../../docs/rules/asl-unreachable-state.md"),
    ),
    ("asl-variable", include_str!("../../docs/rules/asl-variable.md")),
    ("asl-wait", include_str!("../../docs/rules/asl-wait.md")),
    (
        "conditional-permission",
        include_str!("../../docs/rules/conditional-permission.md"),
    ),
    (
        "definition-uri-not-found",
        include_str!("../../docs/rules/definition-uri-not-found.md"),
    ),
    (
        "invalid-config",
        include_str!("../../docs/rules/invalid-config.md"),
    ),
    (
        "logging-disabled",
        include_str!("../../docs/rules/logging-disabled.md"),
    ),
    (
        "missing-permission",
        include_str!("../../docs/rules/missing-permission.md"),
    ),
    (
        "no-linked-role",
        include_str!("../../docs/rules/no-linked-role.md"),
    ),
    (
        "secret-in-definition",
        include_str!("../../docs/rules/secret-in-definition.md"),
    ),
    (
        "sync-missing-events-permissions",
        include_str!("../../docs/rules/sync-missing-events-permissions.md"),
    ),
    (
        "trust-policy-blocks-service",
        include_str!("../../docs/rules/trust-policy-blocks-service.md"),
    ),
    (
        "trust-policy-confused-deputy",
        include_str!("../../docs/rules/trust-policy-confused-deputy.md"),
    ),
    (
        "unknown-action",
        include_str!("../../docs/rules/unknown-action.md"),
    ),
    (
        "unscoped-lambda-invoke",
        include_str!("../../docs/rules/unscoped-lambda-invoke.md"),
    ),
    (
        "unscoped-pass-role",
        include_str!("../../docs/rules/unscoped-pass-role.md"),
    ),
    (
        "unused-permission",
        include_str!("../../docs/rules/unused-permission.md"),
    ),
    (
        "unvalidated-input-target",
        include_str!("../../docs/rules/unvalidated-input-target.md"),
    ),
    (
        "wildcard-resource",
        include_str!("../../docs/rules/wildcard-resource.md"),
    ),
];

/// The documentation page of a rule, as markdown.
pub fn page(id: &str) -> Option<&'static str> {
    PAGES.iter().find(|(name, _)| *name == id).map(|(_, text)| *text)
}

/// The first paragraph under a page's `## What` heading (SARIF
/// `fullDescription`), else `None`.
pub fn what(id: &str) -> Option<String> {
    let page = page(id)?;
    let (_, rest) = page.split_once("## What\n")?;
    let paragraph: Vec<&str> = rest
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

pub fn rules() -> u8 {
    let all = rules::all();
    let width = all.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for rule in all {
        let line = format!(
            "{:width$}  {:7}  {}",
            rule.id,
            rule.default_severity.as_str(),
            rule.summary
        );
        if writeln!(out, "{}", line.trim_end()).is_err() {
            break; // a closed pipe (`| head`)
        }
    }
    EXIT_CLEAN
}

pub fn rule(args: &RuleArgs) -> u8 {
    if let Some(text) = page(&args.name) {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{text}");
        if !text.ends_with('\n') {
            let _ = writeln!(out);
        }
        return EXIT_CLEAN;
    }
    let ids = PAGES.iter().map(|(name, _)| *name);
    match crate::core::suggest::closest(&args.name, ids) {
        Some(near) => eprintln!(
            "asl-lsp: unknown rule \"{}\": did you mean \"{near}\"?",
            args.name
        ),
        None => eprintln!(
            "asl-lsp: unknown rule \"{}\" (`asl-lsp rules` lists them)",
            args.name
        ),
    }
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_has_a_built_in_page() {
        let ids: Vec<&str> = crate::core::rules::all().iter().map(|r| r.id).collect();
        let pages: Vec<&str> = super::PAGES.iter().map(|(n, _)| *n).collect();
        assert_eq!(ids, pages);
    }
}
