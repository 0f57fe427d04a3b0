//! Edit builders that write in the style of the file they edit. Rules
//! describe *what* to change (a value, a new array element, a new member)
//! through [`Editor`]; each file dialect decides *how* it is written.

use serde_json::Value;

use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::Node;
use crate::core::template::Encoder;

pub mod hcl;
pub mod json;
pub mod style;
pub mod yaml;

/// The language a document's edits are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Json,
    Yaml,
    /// CloudFormation/SAM JSON: ARNs with `${AWS::...}` are written as `Fn::Sub`.
    CfnJson,
    /// CloudFormation/SAM YAML: ARNs with `${AWS::...}` are written as `!Sub`.
    CfnYaml,
    /// Terraform: `jsonencode({...})` objects and `aws_iam_policy_document`
    /// statement blocks, written in HCL.
    Hcl,
    /// JSON written verbatim in a Terraform heredoc: JSON, with references
    /// interpolated (`"${aws_lambda_function.worker.arn}"`).
    HclJson,
    /// Statements SAM or AWS generates (policy templates, managed policies,
    /// connectors) and definitions inside strings: read, never edited.
    Generated,
}

impl Dialect {
    /// The plain dialect a file format is written in.
    pub fn of(format: crate::core::classify::Format) -> Dialect {
        match format {
            crate::core::classify::Format::Json => Dialect::Json,
            crate::core::classify::Format::Yaml => Dialect::Yaml,
            crate::core::classify::Format::Hcl => Dialect::Hcl,
        }
    }
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
        Dialect::Json | Dialect::CfnJson => Some(&json::JsonEditor),
        Dialect::Yaml | Dialect::CfnYaml => Some(&yaml::YamlEditor),
        Dialect::Hcl => Some(&hcl::HclEditor),
        Dialect::HclJson => Some(&hcl::HeredocJsonEditor),
        Dialect::Generated => None,
    }
}

/// The editor for a dialect whose values are first written as a template's
/// references (`!GetAtt Worker.Arn` rather than the ARN it stands for).
pub fn editor_with<'e>(dialect: Dialect, encoder: Option<&'e Encoder>) -> Option<Box<dyn Editor + 'e>> {
    let inner = editor(dialect)?;
    Some(match encoder {
        None => Box::new(Plain(inner)),
        Some(encoder) => Box::new(Encoding { inner, encoder }),
    })
}

struct Plain(&'static dyn Editor);

struct Encoding<'e> {
    inner: &'static dyn Editor,
    encoder: &'e Encoder,
}

macro_rules! delegate {
    ($self:ident, $wrap:expr) => {
        fn replace(&$self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>> {
            let wrap = $wrap;
            $self.inner().replace(file, text, node, &wrap(value))
        }
        fn append(&$self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>> {
            let wrap = $wrap;
            let values: Vec<Value> = values.iter().map(wrap).collect();
            $self.inner().append(file, text, array, &values)
        }
        fn insert_after(&$self, file: FileId, text: &str, array: &Node, index: usize, values: &[Value]) -> Option<Vec<FileEdit>> {
            let wrap = $wrap;
            let values: Vec<Value> = values.iter().map(wrap).collect();
            $self.inner().insert_after(file, text, array, index, &values)
        }
        fn replace_element(&$self, file: FileId, text: &str, array: &Node, index: usize, values: &[Value]) -> Option<Vec<FileEdit>> {
            let wrap = $wrap;
            let values: Vec<Value> = values.iter().map(wrap).collect();
            $self.inner().replace_element(file, text, array, index, &values)
        }
        fn add_member(&$self, file: FileId, text: &str, object: &Node, key: &str, value: &Value) -> Option<Vec<FileEdit>> {
            let wrap = $wrap;
            $self.inner().add_member(file, text, object, key, &wrap(value))
        }
        fn insert_members_before(&$self, file: FileId, text: &str, object: &Node, before: usize, members: &[(String, Value)]) -> Option<Vec<FileEdit>> {
            let wrap = $wrap;
            let members: Vec<(String, Value)> = members.iter().map(|(k, v)| (k.clone(), wrap(v))).collect();
            $self.inner().insert_members_before(file, text, object, before, &members)
        }
        fn remove_element(&$self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>> {
            $self.inner().remove_element(file, text, array, index)
        }
    };
}

impl Plain {
    fn inner(&self) -> &'static dyn Editor {
        self.0
    }
}

impl Editor for Plain {
    delegate!(self, |v: &Value| v.clone());
    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        self.0.set_string(file, text, node, value)
    }
}

impl Encoding<'_> {
    fn inner(&self) -> &'static dyn Editor {
        self.inner
    }
}

impl Editor for Encoding<'_> {
    delegate!(self, |v: &Value| self.encoder.encode(v));
    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        match self.encoder.encode_str(value) {
            Value::String(s) => self.inner.set_string(file, text, node, &s),
            other => self.inner.replace(file, text, node, &other),
        }
    }
}
