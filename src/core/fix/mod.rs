//! Edit builders that write in the style of the file they edit. Rules
//! describe *what* to change (a value, a new array element, a new member)
//! through [`Editor`]; each file dialect decides *how* it is written.

use serde_json::Value;

use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::Node;
use crate::core::template::intrinsics::Encoder;

pub mod hcl;
pub mod json;
pub mod safety;
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
        Dialect::HclJson => Some(&hcl::HEREDOC_JSON),
        Dialect::Generated => None,
    }
}

/// The editor for a dialect whose values are first written as a template's
/// references (`!GetAtt Worker.Arn` rather than the ARN it stands for).
pub fn editor_with<'e>(dialect: Dialect, encoder: Option<&'e Encoder>) -> Option<Box<dyn Editor + 'e>> {
    let inner = editor(dialect)?;
    Some(match encoder {
        None => Box::new(inner),
        Some(encoder) => Box::new(Mapped {
            inner,
            map: move |v: &Value| Some(encoder.encode(v)),
        }),
    })
}

impl Editor for &dyn Editor {
    fn replace(&self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>> {
        (**self).replace(file, text, node, value)
    }
    fn append(&self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>> {
        (**self).append(file, text, array, values)
    }
    fn insert_after(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        (**self).insert_after(file, text, array, index, values)
    }
    fn replace_element(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        (**self).replace_element(file, text, array, index, values)
    }
    fn add_member(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        key: &str,
        value: &Value,
    ) -> Option<Vec<FileEdit>> {
        (**self).add_member(file, text, object, key, value)
    }
    fn insert_members_before(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        before: usize,
        members: &[(String, Value)],
    ) -> Option<Vec<FileEdit>> {
        (**self).insert_members_before(file, text, object, before, members)
    }
    fn remove_element(&self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>> {
        (**self).remove_element(file, text, array, index)
    }
    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        (**self).set_string(file, text, node, value)
    }
}

/// An editor whose new values are first rewritten by `map` (written as a
/// template's references, escaped for a heredoc); `None` from `map` means
/// the value cannot be written there, and no edit is made.
pub struct Mapped<'e, F> {
    pub inner: &'e dyn Editor,
    pub map: F,
}

impl<F: Fn(&Value) -> Option<Value>> Mapped<'_, F> {
    fn all(&self, values: &[Value]) -> Option<Vec<Value>> {
        values.iter().map(&self.map).collect()
    }
}

impl<F: Fn(&Value) -> Option<Value>> Editor for Mapped<'_, F> {
    fn replace(&self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>> {
        self.inner.replace(file, text, node, &(self.map)(value)?)
    }
    fn append(&self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>> {
        self.inner.append(file, text, array, &self.all(values)?)
    }
    fn insert_after(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        self.inner
            .insert_after(file, text, array, index, &self.all(values)?)
    }
    fn replace_element(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        self.inner
            .replace_element(file, text, array, index, &self.all(values)?)
    }
    fn add_member(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        key: &str,
        value: &Value,
    ) -> Option<Vec<FileEdit>> {
        self.inner
            .add_member(file, text, object, key, &(self.map)(value)?)
    }
    fn insert_members_before(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        before: usize,
        members: &[(String, Value)],
    ) -> Option<Vec<FileEdit>> {
        let members: Vec<(String, Value)> = members
            .iter()
            .map(|(k, v)| Some((k.clone(), (self.map)(v)?)))
            .collect::<Option<_>>()?;
        self.inner
            .insert_members_before(file, text, object, before, &members)
    }
    fn remove_element(&self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>> {
        self.inner.remove_element(file, text, array, index)
    }
    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        match (self.map)(&Value::String(value.to_string()))? {
            Value::String(s) => self.inner.set_string(file, text, node, &s),
            other => self.inner.replace(file, text, node, &other),
        }
    }
}
