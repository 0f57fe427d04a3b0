//! Edit builders that write in the style of the file they edit. Rules
//! describe *what* to change (a value, a new array element, a new member)
//! through [`Editor`]; each file dialect decides *how* it is written.

use serde_json::Value;

use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::Node;

pub mod json;
pub mod style;

/// The language a document's edits are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Json,
    Yaml,
    /// CloudFormation/SAM JSON: ARNs with `${AWS::...}` are written as `Fn::Sub`.
    CfnJson,
    /// CloudFormation/SAM YAML: ARNs with `${AWS::...}` are written as `!Sub`.
    CfnYaml,
    /// Terraform.
    Hcl,
}

/// Structural edits. Every method edits only the bytes it must, keeps the
/// file's indentation and line endings, and returns `None` when it cannot
/// make the edit safely (the caller then offers no fix).
pub trait Editor {
    fn replace(&self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>>;
    /// Appends to an array (a single object stands for a one-element array).
    fn append(&self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>>;
    fn insert_after(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>>;
    /// Replaces one element with any number of elements.
    fn replace_element(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>>;
    fn add_member(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        key: &str,
        value: &Value,
    ) -> Option<Vec<FileEdit>>;
    fn insert_members_before(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        before: usize,
        members: &[(String, Value)],
    ) -> Option<Vec<FileEdit>>;
    fn remove_element(&self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>>;
    /// Replaces a string scalar, quoted as the dialect needs.
    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>>;
}

/// The editor for a dialect, when one exists.
pub fn editor(dialect: Dialect) -> Option<&'static dyn Editor> {
    match dialect {
        Dialect::Json => Some(&json::JsonEditor),
        _ => None,
    }
}
