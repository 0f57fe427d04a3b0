//! IAM policies: the model lowered from a spanned tree, and its evaluation.
//! (Interface placeholder until the IAM model lands.)

use crate::core::files::FileId;
use crate::core::syntax::Node;
use crate::core::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionSpec {
    pub negated: bool,
    pub items: Vec<Spanned<String>>,
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSpec {
    pub negated: bool,
    pub items: Vec<Spanned<String>>,
    pub span: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub index: usize,
    pub span: TextRange,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Option<ActionSpec>,
    pub resources: Option<ResourceSpec>,
    pub principal_services: Vec<Spanned<String>>,
    pub conditions: Vec<Condition>,
    pub condition_span: Option<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub file: FileId,
    pub root_span: TextRange,
    pub statements: Vec<Statement>,
    pub statement_span: Option<TextRange>,
    pub statement_key_span: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    pub policy: usize,
    pub statement: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
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
    pub context: &'a [(&'a str, &'a str)],
}

pub fn lower_policy(file: FileId, root: &Node, _resolve: &dyn Fn(&Node) -> Option<String>) -> Policy {
    Policy {
        file,
        root_span: root.span,
        statements: Vec::new(),
        statement_span: None,
        statement_key_span: None,
    }
}

pub fn evaluate(_policies: &[Policy], _request: &Request) -> Decision {
    Decision::ImplicitDeny
}

pub fn glob_match(_pattern: &str, _text: &str, _case_insensitive: bool) -> bool {
    false
}

pub fn pattern_covers(_general: &str, _specific: &str, _case_insensitive: bool) -> bool {
    false
}

pub fn statement_allows_action(_statement: &Statement, _action: &str) -> bool {
    false
}
