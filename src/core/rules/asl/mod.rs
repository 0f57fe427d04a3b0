//! ASL validity rules (`asl-*`): what AWS rejects or the language forbids.

use crate::core::asl::StateMachine;
use crate::core::classify::Format;
use crate::core::diagnostic::Finding;
use crate::core::files::FileId;
use crate::core::rules::RuleMeta;
use crate::core::syntax::Node;

/// What an ASL rule sees. Ranges in findings are offsets into `text` (the
/// definition's own text); the driver maps them into the file.
pub struct DefinitionContext<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub root: &'a Node,
    pub machine: &'a StateMachine<'a>,
    pub format: Format,
}

pub const RULES: &[&RuleMeta] = &[];

pub fn check(_ctx: &DefinitionContext, _out: &mut Vec<Finding>) {}
