//! A rule's entry in the registry: its metadata, the scope it reads and how
//! it runs.

use super::asl::common::DefinitionContext;
use super::meta::RuleMeta;
use crate::core::diagnostic::Finding;
use crate::core::files::FileSet;
use crate::core::permissions::context::Context;
use crate::core::unit::Unit;

/// What a rule reads, and so how often it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The text of one file (syntax, comments, the configuration, a
    /// template's file references).
    Syntax,
    /// One state at a time, nested states included, and the query
    /// language it inherits: the incremental memo keeps these findings per
    /// top-level state.
    State,
    /// The whole state machine, on every run.
    Machine,
    /// The workflow against the role that runs it.
    Role,
    /// The template resource that declares the state machine.
    Template,
}

pub type DefinitionCheck = fn(&DefinitionContext, &mut Vec<Finding>);
pub type RoleCheck = fn(&Context, &mut Vec<Finding>);
pub type UnitCheck = fn(&FileSet, &Unit, &mut Vec<Finding>);

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    /// Reported where the problem is met; `by` says where.
    Elsewhere { by: &'static str },
    /// An ASL rule: `run` on the states the pass checks (scope `State`) or
    /// on the whole machine (scope `Machine`); `machine`, a part about the
    /// state machine's own fields, on every run.
    Definition {
        run: DefinitionCheck,
        machine: Option<DefinitionCheck>,
    },
    /// A role rule; with `needs_role` it is skipped for a workflow whose
    /// role is not known.
    Role { run: RoleCheck, needs_role: bool },
    /// A rule on the state machine's template resource.
    Unit(UnitCheck),
}

/// One rule: what it is, what it reads, how it runs.
#[derive(Clone, Copy)]
pub struct Rule {
    pub meta: RuleMeta,
    pub scope: Scope,
    pub check: Check,
}
