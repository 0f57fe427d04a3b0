//! The blocks of one module (all `.tf` files of a folder) and the small
//! readers of HCL expressions the other parts share.

use std::collections::{BTreeMap, HashMap};

use crate::core::files::{join, FileId};
use crate::core::syntax::hcl::{CALL_PREFIX, REF};
use crate::core::syntax::{Member, Node, NodeKind};
use crate::core::text::TextRange;

/// Bounds evaluation on self-referring locals and deep module chains.
pub(super) const MAX_DEPTH: usize = 24;

/// A block of the module: where it is and its body.
#[derive(Clone, Copy)]
pub(super) struct Block<'a> {
    pub(super) file: FileId,
    pub(super) body: &'a Node,
    /// The block from its identifier to its closing brace.
    pub(super) span: TextRange,
}

impl<'a> Block<'a> {
    pub(super) fn get(&self, key: &str) -> Option<&'a Node> {
        self.body.get(key)
    }

    /// Nested blocks (or attributes) named `key`.
    pub(super) fn all(&self, key: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.body.members().iter().filter(move |m| m.key == key)
    }
}

/// What the `.tf` files of one folder declare.
pub(super) struct Module<'a> {
    pub(super) dir: String,
    pub(super) resources: BTreeMap<(&'a str, &'a str), Block<'a>>,
    pub(super) data: BTreeMap<(&'a str, &'a str), Block<'a>>,
    /// Each variable's default, when it has one.
    pub(super) variables: HashMap<&'a str, (FileId, Option<&'a Node>)>,
    pub(super) locals: HashMap<&'a str, (FileId, &'a Node)>,
    pub(super) calls: Vec<(&'a str, Block<'a>)>,
    /// Every state machine, in file order.
    pub(super) machines: Vec<(&'a str, Block<'a>)>,
    /// Each `output` block's value.
    pub(super) outputs: HashMap<&'a str, (FileId, &'a Node)>,
    /// The variable the default `aws` provider takes its region from
    /// (`region = var.region`): it stands for `${AWS::Region}`.
    pub(super) region_variable: Option<&'a str>,
}

/// The label members of a block member: `resource "a" "b" {}` gives
/// `[("a", ..), ("b", ..)]` and the body.
pub(super) fn labels(member: &Member, count: usize) -> Option<(Vec<&str>, &Node)> {
    let mut out = Vec::with_capacity(count);
    let mut node = &member.value;
    for _ in 0..count {
        let [inner] = node.members() else {
            return None;
        };
        out.push(inner.key.as_str());
        node = &inner.value;
    }
    Some((out, node))
}

impl<'a> Module<'a> {
    pub(super) fn new(dir: String, files: &[(FileId, &'a Node)]) -> Self {
        let mut module = Module {
            dir,
            resources: BTreeMap::new(),
            data: BTreeMap::new(),
            variables: HashMap::new(),
            locals: HashMap::new(),
            calls: Vec::new(),
            machines: Vec::new(),
            region_variable: None,
            outputs: HashMap::new(),
        };
        for &(file, root) in files {
            for member in root.members() {
                let block = |body: &'a Node| Block {
                    file,
                    body,
                    span: member.key_span.cover(body.span),
                };
                match member.key.as_str() {
                    "resource" | "data" => {
                        let Some((names, body)) = labels(member, 2) else {
                            continue;
                        };
                        let key = (names[0], names[1]);
                        if member.key == "data" {
                            module.data.entry(key).or_insert(block(body));
                        } else {
                            if names[0] == "aws_sfn_state_machine" {
                                module.machines.push((names[1], block(body)));
                            }
                            module.resources.entry(key).or_insert(block(body));
                        }
                    }
                    "variable" => {
                        if let Some((names, body)) = labels(member, 1) {
                            module.variables.insert(names[0], (file, body.get("default")));
                        }
                    }
                    "locals" => {
                        for local in member.value.members() {
                            module.locals.insert(&local.key, (file, &local.value));
                        }
                    }
                    "module" => {
                        if let Some((names, body)) = labels(member, 1) {
                            module.calls.push((names[0], block(body)));
                        }
                    }
                    "output" => {
                        if let Some((names, body)) = labels(member, 1) {
                            if let Some(value) = body.get("value") {
                                module.outputs.insert(names[0], (file, value));
                            }
                        }
                    }
                    "provider" => {
                        let Some((names, body)) = labels(member, 1) else {
                            continue;
                        };
                        if names[0] != "aws" || body.get("alias").is_some() {
                            continue;
                        }
                        if let Some(["var", name]) = body
                            .get("region")
                            .and_then(ref_text)
                            .map(|t| segments(t))
                            .as_deref()
                        {
                            module.region_variable = Some(name);
                        }
                    }
                    _ => {}
                }
            }
        }
        module
    }

    /// The folder a `module` block's local `source` names.
    pub(super) fn source_dir(&self, call: &Block) -> Option<String> {
        let source = call.get("source")?.as_str()?;
        (source.starts_with("./") || source.starts_with("../")).then(|| join(&self.dir, source))
    }
}

/// Splits a traversal (`aws_lambda_function.worker[0].arn`) into its names;
/// indexes and splats are dropped (every instance has the same form).
pub(super) fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let name = part.split('[').next().unwrap_or("");
        if !name.is_empty() && name != "*" {
            out.push(name);
        }
    }
    out
}

/// An expression as written, on one line.
pub(super) fn written(text: &str, span: TextRange) -> String {
    text.get(span.start()..span.end())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn call_name(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Tagged { tag, .. } => tag.strip_prefix(CALL_PREFIX),
        _ => None,
    }
}

pub(super) fn call_args(node: &Node) -> &[Node] {
    match &node.kind {
        NodeKind::Tagged { node, .. } => node.elements(),
        _ => &[],
    }
}

pub(super) fn ref_text(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Tagged { tag, node, .. } if tag == REF => node.as_str(),
        _ => None,
    }
}
