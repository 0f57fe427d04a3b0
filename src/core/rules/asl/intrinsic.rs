//! `asl-intrinsic`: intrinsic function calls (`States.Format(...)`) with an
//! unknown name, the wrong number of arguments, or a literal argument of
//! the wrong type. The checks live in `core::asl::intrinsics`; the
//! payload-template walk (`asl-payload-template`) finds the calls.

use crate::core::diagnostic::Severity;
use crate::core::rules::RuleMeta;

pub const INTRINSIC: RuleMeta = RuleMeta {
    id: "asl-intrinsic",
    default_severity: Severity::Error,
    summary: "An unknown intrinsic function, a wrong argument count, or a literal argument of the wrong type",
};
