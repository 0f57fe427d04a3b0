//! IAM policies: the model lowered from a spanned tree, and its evaluation.

mod arn;
mod eval;
mod glob;
mod model;

pub use arn::{arn_condition_matches, resource_matches};
pub use eval::{
    action_matches, conditions_may_hold, evaluate, evaluate_indexed, evaluate_trust, statement_allows_action,
    statement_resource_matches, Decision, PolicyIndex, Request, StatementRef,
};
pub use glob::{glob_match, pattern_covers};
pub use model::{
    looks_like_policy, lower_policy, ActionSpec, Condition, Effect, Policy, PolicyProblem, ResourceSpec,
    Spanned, Statement,
};
