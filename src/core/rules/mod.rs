//! The rule registry: one table of every rule, each with its metadata,
//! the scope it reads and its check. Each rule lives in its own file,
//! named after its id (`asl/asl_state_name.rs`,
//! `permissions/missing_permission.rs`); `runner` runs them.

pub mod asl;
pub mod meta;
pub mod permissions;
pub mod rule;
pub mod runner;
pub mod syntax;
pub mod template;

pub use meta::{docs_url, RuleMeta, DOCS_BASE};
pub use rule::{Check, Rule, Scope};

/// Every rule, in the order their checks run.
pub const RULES: &[&Rule] = &[
    &syntax::asl_syntax::ENTRY,
    &syntax::asl_json_comment::ENTRY,
    &syntax::invalid_config::ENTRY,
    &syntax::definition_uri_not_found::ENTRY,
    &asl::asl_missing_start_at::ENTRY,
    &asl::asl_unknown_state::ENTRY,
    &asl::asl_unreachable_state::ENTRY,
    &asl::asl_no_terminal_state::ENTRY,
    &asl::asl_state_name::ENTRY,
    &asl::asl_duplicate_key::ENTRY,
    &asl::asl_variable::ENTRY,
    &asl::asl_invalid_type::ENTRY,
    &asl::asl_missing_field::ENTRY,
    &asl::asl_field_conflict::ENTRY,
    &asl::asl_unknown_field::ENTRY,
    &asl::asl_credentials::ENTRY,
    &asl::asl_retry_catch::ENTRY,
    &asl::asl_query_language::ENTRY,
    &asl::asl_unknown_integration::ENTRY,
    &asl::asl_path::ENTRY,
    &asl::asl_payload_template::ENTRY,
    &asl::asl_intrinsic::ENTRY,
    &asl::asl_jsonata::ENTRY,
    &asl::asl_choice_rule::ENTRY,
    &asl::asl_wait::ENTRY,
    &asl::asl_map::ENTRY,
    &asl::asl_field_value::ENTRY,
    &asl::asl_resource::ENTRY,
    &permissions::secret_in_definition::ENTRY,
    &permissions::no_linked_role::ENTRY,
    &permissions::trust_policy_confused_deputy::ENTRY,
    &permissions::trust_policy_blocks_service::ENTRY,
    &permissions::missing_permission::ENTRY,
    &permissions::sync_missing_events_permissions::ENTRY,
    &permissions::unscoped_lambda_invoke::ENTRY,
    &permissions::unvalidated_input_target::ENTRY,
    &permissions::wildcard_resource::ENTRY,
    &permissions::conditional_permission::ENTRY,
    &permissions::unused_permission::ENTRY,
    &permissions::unscoped_pass_role::ENTRY,
    &permissions::unknown_action::ENTRY,
    &template::logging_disabled::ENTRY,
];

/// The rules of one scope, in the order they run.
pub fn in_scope(scope: Scope) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().copied().filter(move |r| r.scope == scope)
}

/// Every rule the analysis can report, by id.
pub fn all() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = RULES.iter().map(|r| &r.meta).collect();
    rules.sort_by_key(|r| r.id);
    rules
}

pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| &r.meta).find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_registered_once() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.meta.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "a rule id is registered twice");
        assert_eq!(all().len(), count);
    }

    #[test]
    fn each_check_fits_its_scope() {
        for rule in RULES {
            let fits = match (rule.scope, rule.check) {
                (_, Check::Elsewhere { by }) => !by.is_empty(),
                (Scope::State, Check::Definition { .. }) => true,
                (Scope::Machine, Check::Definition { machine, .. }) => machine.is_none(),
                (Scope::Role, Check::Role { .. }) => true,
                (Scope::Template, Check::Unit(_)) => true,
                _ => false,
            };
            assert!(
                fits,
                "{}: its check does not fit scope {:?}",
                rule.meta.id, rule.scope
            );
        }
    }
}
