//! The Amazon States Language model, lowered from the spanned tree.

pub mod dataflow;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonpath;
pub mod model;
pub mod paths;

pub use model::{QueryLanguage, ScopeId, State, StateId, StateMachine, StateType};
