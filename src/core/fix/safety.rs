//! Which fixes are safe (SPEC §3): `check --fix` applies only those, the
//! rest need `--unsafe-fixes`, and editors mark them "(unsafe)".
//!
//! A fix is unsafe when it
//! - creates a file (`no-linked-role`, a created policy),
//! - removes a permission (`unused-permission`: something out of sight may
//!   still use it), or replaces an action with the closest real one
//!   (`unknown-action`: a guess at what was meant), or
//! - inserts states into a definition (the `unvalidated-input-target`
//!   Choice/Fail guard changes what the workflow does).

use crate::core::diagnostic::{FileEdit, Fix};

/// Rules whose fixes change what a policy grants by more than adding
/// what the workflow needs: `unused-permission` removes permissions, and
/// `unknown-action` replaces a name with a guess at the one meant.
const CHANGES_GRANTS: &[&str] = &["unused-permission", "unknown-action"];

/// Decides `fix.safe` from the rule that offers it and its edits.
pub fn is_safe(rule: &str, fix: &Fix) -> bool {
    if CHANGES_GRANTS.contains(&rule) {
        return false;
    }
    let permission_rule =
        crate::core::rules::in_scope(crate::core::rules::Scope::Role).any(|r| r.meta.id == rule);
    !fix.edits.iter().any(|edit| match edit {
        FileEdit::Create { .. } => true,
        FileEdit::Replace { new_text, .. } => permission_rule && inserts_state(new_text),
    })
}

/// Whether inserted text declares a Choice or Fail state, in JSON
/// (`"Type": "Choice"`) or YAML (`Type: Choice`).
fn inserts_state(text: &str) -> bool {
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect();
    squeezed.contains("Type:Choice") || squeezed.contains("Type:Fail")
}

/// Sets `safe` on every fix of the findings.
pub fn mark(findings: &mut [crate::core::diagnostic::Finding]) {
    for finding in findings {
        let rule = finding.rule;
        for fix in &mut finding.fixes {
            fix.safe = is_safe(rule, fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::files::FileId;
    use crate::core::text::TextRange;

    fn replace(text: &str) -> FileEdit {
        FileEdit::Replace {
            file: FileId(0),
            range: TextRange::new(0, 0),
            new_text: text.to_string(),
        }
    }

    fn fix(edits: Vec<FileEdit>) -> Fix {
        Fix {
            title: "t".into(),
            preferred: true,
            safe: true,
            edits,
        }
    }

    #[test]
    fn creating_removing_and_inserting_states_are_unsafe() {
        let scope = fix(vec![replace("\"arn:aws:lambda:us-east-1:1:function:f\"")]);
        assert!(is_safe("unscoped-lambda-invoke", &scope));
        assert!(!is_safe("unused-permission", &scope));
        let create = fix(vec![FileEdit::Create {
            path: "/w/flow.policy.json".into(),
            text: "{}".into(),
        }]);
        assert!(!is_safe("no-linked-role", &create));
        let choice = fix(vec![replace(",\n  \"Check\": {\n    \"Type\": \"Choice\"")]);
        assert!(!is_safe("unvalidated-input-target", &choice));
        let yaml = fix(vec![replace("Guard:\n  Type: Fail\n")]);
        assert!(!is_safe("unvalidated-input-target", &yaml));
        // An ASL rule's fix may write a state type: it repairs the definition.
        assert!(is_safe("asl-unknown-field", &choice));
    }
}
