//! The rule registry: one module per rule, each with its metadata.

use crate::core::analysis::{Unit, Workspace};
use crate::core::asl::StateMachine;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::syntax::Node;
use crate::core::text::TextRange;

pub mod asl;
pub mod permissions;
pub mod syntax;
pub mod template;

/// Where a rule's documentation page lives; `codeDescription.href` and
/// SARIF `helpUri` point here.
pub const DOCS_BASE: &str = "https://github.com/asl-lsp/asl-lsp/blob/main/docs/rules/";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line for the README and SARIF `shortDescription`.
    pub summary: &'static str,
}

pub fn docs_url(rule: &str) -> String {
    format!("{DOCS_BASE}{rule}.md")
}

/// Every rule the analysis can report.
pub fn all() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = Vec::new();
    rules.extend(syntax::RULES);
    rules.extend(asl::RULES);
    rules.extend(permissions::RULES);
    rules.extend(template::RULES);
    rules.sort_by_key(|r| r.id);
    rules
}

pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    all().into_iter().find(|r| r.id == id)
}

/// Runs every rule on one state machine and its role.
pub fn check_unit(workspace: &Workspace, unit: &Unit, out: &mut Vec<Finding>) {
    let definition = &unit.definition;
    let machine = StateMachine::lower(&definition.root);
    let ctx = asl::DefinitionContext {
        file: definition.file,
        text: &definition.text,
        root: &definition.root,
        machine: &machine,
        format: definition.format,
        checked: None,
    };
    // The per-state findings memo answers from a state's text alone: only
    // for a tree that is that text's own parse. A template's definition
    // holds values resolved from elsewhere (parameters, substitutions,
    // Terraform locals), which the state's text does not show.
    let own_parse = workspace
        .shared_root(definition.file)
        .is_some_and(|root| std::sync::Arc::ptr_eq(&root, &definition.root));
    let memo = workspace.cache.filter(|_| own_parse).map(|c| &c.states);
    // The validity rules and the role rules read the same model and
    // nothing else: they run side by side.
    let (mut found, role_findings) = rayon::join(
        || {
            let mut found = Vec::new();
            asl::check(&ctx, memo, &mut found);
            // The validity rules speak in the definition's own coordinates;
            // the permission rules already place their findings in the files.
            for finding in &mut found {
                if finding.location.file == definition.file {
                    finding.location.range = definition.to_file(finding.location.range);
                }
            }
            found
        },
        || {
            let mut found = Vec::new();
            permissions::check(workspace.files, unit, &machine, workspace.cache, &mut found);
            template::check(workspace.files, unit, &mut found);
            found
        },
    );
    found.extend(role_findings);
    let suppressions = suppressions(&machine);
    found.retain(|f| {
        f.location.file != definition.file
            || !suppressions.iter().any(|(range, rules)| {
                definition.to_file(*range).contains_range(f.location.range)
                    && rules.iter().any(|r| r == f.rule)
            })
    });
    out.extend(found);
}

/// `"Comment": "... asl-lsp-ignore: rule-a, rule-b"` on a state (or the
/// top level) silences those rules inside it. Ranges are the definition's own.
fn suppressions(machine: &StateMachine) -> Vec<(TextRange, Vec<String>)> {
    let mut out = Vec::new();
    let mut push = |node: &Node| {
        if let Some(comment) = node.get("Comment").and_then(Node::as_str) {
            if let Some(pos) = comment.find("asl-lsp-ignore:") {
                let rules = comment[pos + "asl-lsp-ignore:".len()..]
                    .split(',')
                    .map(|r| r.split_whitespace().next().unwrap_or("").to_string())
                    .filter(|r| !r.is_empty())
                    .collect();
                out.push((node.span, rules));
            }
        }
    };
    push(machine.root);
    for state in &machine.states {
        push(state.node);
    }
    out
}
