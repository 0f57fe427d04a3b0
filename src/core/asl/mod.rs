//! The Amazon States Language model, lowered from the spanned tree.

pub mod model;

pub use model::{QueryLanguage, ScopeId, State, StateId, StateMachine, StateType};
