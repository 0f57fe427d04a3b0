//! The edit interface every dialect's builder implements, and the editor
//! that writes values through a template's encoder first.

use serde_json::Value;

use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::Node;

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
