//! Edit builders that write in the style of the file they edit.

pub mod json;
pub mod style;
