//! Rules about a template's state machine resource itself (not its
//! definition or its role): logging.

use crate::core::analysis::Unit;
use crate::core::diagnostic::Finding;
use crate::core::files::FileSet;
use crate::core::rules::RuleMeta;

pub mod logging_disabled;

pub const RULES: &[&RuleMeta] = &[&logging_disabled::RULE];

pub fn check(files: &FileSet, unit: &Unit, out: &mut Vec<Finding>) {
    if unit.machine.is_some() {
        logging_disabled::check(files, unit, out);
    }
}
