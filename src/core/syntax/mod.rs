pub mod hcl;
pub mod json;
pub mod tree;
pub mod yaml;

pub use tree::{Member, Node, NodeKind, Parsed, SyntaxError};
