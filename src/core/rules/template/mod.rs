//! Rules about a template's state machine resource itself (not its
//! definition or its role): logging.

use crate::core::diagnostic::Finding;
use crate::core::files::FileSet;
use crate::core::rules::in_scope;
use crate::core::rules::rule::{Check, Scope};
use crate::core::unit::Unit;

pub mod logging_disabled;

/// Runs the `Template` rules of the registry on a unit declared by a template.
pub fn check(files: &FileSet, unit: &Unit, out: &mut Vec<Finding>) {
    if unit.machine.is_none() {
        return;
    }
    for rule in in_scope(Scope::Template) {
        if let Check::Unit(run) = rule.check {
            run(files, unit, out);
        }
    }
}
