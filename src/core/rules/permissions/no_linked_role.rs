//! `no-linked-role`: no execution role policy could be found for the
//! definition, so its permissions cannot be checked. The fix writes the
//! complete least-privilege policy beside it.

use crate::core::classify::definition_stem;
use crate::core::diagnostic::{FileEdit, Finding, Fix, Severity};
use crate::core::files::{file_name, join, parent_dir};
use crate::core::permissions::context::Context;
use crate::core::permissions::policy::policy_document;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::unit::LinkKind;

pub const RULE: RuleMeta = RuleMeta {
    id: "no-linked-role",
    default_severity: Severity::Hint,
    summary: "No role policy is linked to the definition",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: false,
    },
};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    if ctx.unit.link != LinkKind::Unlinked || ctx.unit.definition.map.is_some() {
        return;
    }
    let Some(start_at) = ctx.machine.top().start_at else {
        return;
    };
    if ctx.tasks.iter().all(|t| t.needs.is_empty()) {
        return; // nothing to grant, so no role to check
    }
    let path = ctx.files.path(ctx.definition_file());
    let stem = definition_stem(file_name(path));
    let policy_path = join(parent_dir(path), &format!("{stem}.policy.json"));
    let document = policy_document(ctx);
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    let message = format!(
        "No execution role policy is linked to this definition: add {stem}.policy.json beside it, or an entry in .asl-lsp.json"
    );
    out.push(
        Finding::new(
            RULE.id,
            RULE.default_severity,
            ctx.def_location(start_at.span),
            message,
        )
        .with_fix(Fix {
            title: format!("Create {stem}.policy.json with the least-privilege policy"),
            preferred: true,
            safe: true,
            edits: vec![FileEdit::Create {
                path: policy_path,
                text,
            }],
        }),
    );
}
