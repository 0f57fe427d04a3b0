//! One spanned tree for every front end (JSON, YAML, HCL). Every key and
//! value carries the byte range it came from, so findings and fixes can
//! point at the exact place in the user's file.

use crate::core::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The whole value, quotes and brackets included.
    pub span: TextRange,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String(String),
    /// The number as written (ASL cares about integer vs. float).
    Number(String),
    Bool(bool),
    Null,
    /// A YAML tag such as CloudFormation's `!Sub` or `!GetAtt`.
    Tagged {
        tag: String,
        tag_span: TextRange,
        node: Box<Node>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    /// The key as written, quotes included.
    pub key_span: TextRange,
    pub value: Node,
}

impl Member {
    /// Key and value together, as a finding about "this field" should cover.
    pub fn span(&self) -> TextRange {
        self.key_span.cover(self.value.span)
    }
}

impl Node {
    pub fn new(span: TextRange, kind: NodeKind) -> Self {
        Node { span, kind }
    }

    pub fn members(&self) -> &[Member] {
        match &self.kind {
            NodeKind::Object(members) => members,
            _ => &[],
        }
    }

    pub fn elements(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Array(items) => items,
            _ => &[],
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, NodeKind::Object(_))
    }

    /// The first member with this key (duplicates are reported elsewhere).
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members().iter().find(|m| m.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// Moves every offset at or after `from` by `delta` bytes, as an edit
    /// before it that changed the text's length does. Subtrees that end
    /// before `from` are not visited.
    pub fn shift_from(&mut self, from: u32, delta: i64) {
        let shift = |range: &mut TextRange| {
            let moved = |x: u32| {
                if x >= from {
                    (x as i64 + delta).clamp(0, u32::MAX as i64) as u32
                } else {
                    x
                }
            };
            range.start = moved(range.start);
            range.end = moved(range.end);
        };
        if self.span.end < from {
            return;
        }
        shift(&mut self.span);
        match &mut self.kind {
            NodeKind::Object(members) => {
                for member in members {
                    shift(&mut member.key_span);
                    member.value.shift_from(from, delta);
                }
            }
            NodeKind::Array(items) => {
                for item in items {
                    item.shift_from(from, delta);
                }
            }
            NodeKind::Tagged { tag_span, node, .. } => {
                shift(tag_span);
                node.shift_from(from, delta);
            }
            _ => {}
        }
    }

    /// The node with any YAML tag stripped.
    pub fn untagged(&self) -> &Node {
        let mut node = self;
        while let NodeKind::Tagged { node: inner, .. } = &node.kind {
            node = inner;
        }
        node
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Object(_) => "an object",
            NodeKind::Array(_) => "an array",
            NodeKind::String(_) => "a string",
            NodeKind::Number(_) => "a number",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Null => "null",
            NodeKind::Tagged { .. } => "a tagged value",
        }
    }

    /// Converts to a plain JSON value (tags dropped), for catalog look-ups
    /// and for comparing literal values.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_json()))
                    .collect(),
            ),
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Number(n) => n
                .parse::<serde_json::Number>()
                .map(Value::Number)
                .unwrap_or(Value::Null),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null => Value::Null,
            NodeKind::Tagged { node, .. } => node.to_json(),
        }
    }
}

/// A syntax error found by a front end, with its exact byte range.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// What every front end returns: a tree when one could be built, the
/// errors it met, and comments (JSON only: AWS rejects them).
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
    pub comments: Vec<TextRange>,
}
