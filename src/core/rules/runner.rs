//! Runs every rule on one state machine and its role.

use crate::core::asl::StateMachine;
use crate::core::diagnostic::Finding;
use crate::core::syntax::Node;
use crate::core::text::TextRange;
use crate::core::unit::Unit;
use crate::core::workspace::Workspace;

use super::asl::StateMemo;
use super::{asl, permissions, template};
use crate::core::permissions::context::RoleCache;

/// Runs every rule on one state machine and its role.
pub fn check_unit(
    workspace: &Workspace,
    memo: Option<&StateMemo>,
    roles: Option<&RoleCache>,
    unit: &Unit,
    out: &mut Vec<Finding>,
) {
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
    let memo = memo.filter(|_| own_parse);
    // The validity rules and the role rules read the same model and
    // nothing else: they run side by side.
    let (mut found, role_findings) = rayon::join(
        || {
            let mut found = Vec::new();
            if unit.definition_unread {
                return found;
            }
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
            permissions::check(workspace.files, unit, &machine, roles, &mut found);
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
