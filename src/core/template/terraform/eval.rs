//! Expression evaluation: a module instance's references, locals,
//! variables and function calls as canonical strings.

use crate::core::fix::hcl::is_identifier;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::module::{segments, written, Block, Module, MAX_DEPTH};
use super::shape::shape;
use crate::core::files::FileId;
use crate::core::syntax::hcl::{HEREDOC, REF, TEMPLATE};
use crate::core::syntax::{Member, Node, NodeKind};
use crate::core::template::intrinsics::{Encoder, TerraformNames};

/// A module as one `module` block instantiates it (or the root module).
pub(super) struct Scope<'s, 'a> {
    pub(super) module: &'s Module<'a>,
    /// The calling `module` block and the scope it is in.
    pub(super) call: Option<(Block<'a>, &'s Scope<'s, 'a>)>,
    /// `module.<name>.` for an instance, empty for the root.
    pub(super) prefix: String,
    /// Built on first use: most scopes only evaluate.
    pub(super) encoder: std::cell::OnceCell<Arc<Encoder>>,
    /// Every module of the workspace, by folder, for `module.x.output`.
    pub(super) modules: &'s BTreeMap<String, Module<'a>>,
    /// Evaluation steps left: locals that use each other twice over grow
    /// exponentially with depth; hostile modules stop here.
    pub(super) budget: std::cell::Cell<u32>,
}

impl<'s, 'a> Scope<'s, 'a> {
    pub(super) fn new(
        modules: &'s BTreeMap<String, Module<'a>>,
        module: &'s Module<'a>,
        call: Option<(Block<'a>, &'s Scope<'s, 'a>)>,
        prefix: String,
    ) -> Self {
        Scope {
            module,
            call,
            prefix,
            encoder: std::cell::OnceCell::new(),
            modules,
            budget: std::cell::Cell::new(200_000),
        }
    }

    /// Writes canonical values back as this module's references.
    pub(super) fn encoder(&self) -> Arc<Encoder> {
        self.encoder
            .get_or_init(|| Arc::new(self.build_encoder()))
            .clone()
    }

    pub(super) fn build_encoder(&self) -> Encoder {
        let mut references = Vec::new();
        let mut names = TerraformNames::default();
        for (&(kind, name), block) in &self.module.resources {
            self.add_forms(&mut references, kind, name, block, "");
        }
        if let Some(variable) = self.module.region_variable {
            names.region = Some(format!("var.{variable}"));
        }
        for (&(kind, name), block) in &self.module.data {
            // A block whose label is no identifier cannot be referenced:
            // a fix must not write `data.aws_region.<label>.name` for it.
            if !is_identifier(name) {
                continue;
            }
            match kind {
                "aws_region" => names.region = Some(format!("data.aws_region.{name}.name")),
                "aws_caller_identity" => {
                    names.account = Some(format!("data.aws_caller_identity.{name}.account_id"))
                }
                "aws_partition" => names.partition = Some(format!("data.aws_partition.{name}.partition")),
                _ => self.add_forms(&mut references, kind, name, block, "data."),
            }
        }
        Encoder::terraform(references, names)
    }

    pub(super) fn add_forms(
        &self,
        out: &mut Vec<(String, String)>,
        kind: &str,
        name: &str,
        block: &Block,
        prefix: &str,
    ) {
        let Some(shape) = shape(kind).filter(|_| is_identifier(name)) else {
            return;
        };
        for (attribute, form) in shape.forms {
            let value = self.expand(kind, name, block, form, prefix, 0);
            out.push((value, format!("{prefix}{kind}.{name}.{attribute}")));
        }
    }

    /// Fills a form with the resource's name: the literal (or evaluable)
    /// name argument, else the reference that yields it at apply time.
    pub(super) fn expand(
        &self,
        kind: &str,
        name: &str,
        block: &Block,
        form: &str,
        prefix: &str,
        depth: usize,
    ) -> String {
        let Some(shape) = shape(kind) else {
            return form.to_string();
        };
        let literal = block
            .get(shape.name_property)
            .and_then(|n| self.eval(n, depth + 1))
            .filter(|n| !n.is_empty());
        let value = literal.unwrap_or_else(|| format!("${{{prefix}{kind}.{name}.{}}}", shape.name_property));
        // A task definition's revision is known only once it is registered.
        form.replace("{name}", &value)
            .replace("{revision}", &format!("${{{prefix}{kind}.{name}.revision}}"))
    }

    /// The canonical string of a value; `None` when it is not a string
    /// (an object, a list) or cannot be written as one.
    pub(super) fn eval(&self, node: &Node, depth: usize) -> Option<String> {
        let budget = self.budget.get();
        if depth > MAX_DEPTH || budget == 0 {
            return None;
        }
        self.budget.set(budget - 1);
        match &node.kind {
            NodeKind::String(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(n.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Tagged { tag, node: inner, .. } => match tag.as_str() {
                REF => self.reference(inner.as_str()?, depth + 1),
                TEMPLATE | HEREDOC => {
                    let mut out = String::new();
                    for part in inner.elements() {
                        match &part.kind {
                            NodeKind::String(s) => out.push_str(s),
                            _ => out.push_str(&self.eval(part, depth + 1)?),
                        }
                    }
                    Some(out)
                }
                "fn:format" => {
                    let args = inner.elements();
                    let format = self.eval(args.first()?, depth + 1)?;
                    let mut values = args[1..].iter();
                    let mut out = String::new();
                    let mut rest = format.as_str();
                    while let Some(at) = rest.find('%') {
                        out.push_str(&rest[..at]);
                        let spec = rest[at + 1..].chars().next()?;
                        match spec {
                            '%' => out.push('%'),
                            's' | 'd' | 'v' => out.push_str(&self.eval(values.next()?, depth + 1)?),
                            _ => return None,
                        }
                        rest = &rest[at + 2..];
                    }
                    out.push_str(rest);
                    Some(out)
                }
                "fn:join" => {
                    let args = inner.elements();
                    let separator = self.eval(args.first()?, depth + 1)?;
                    let parts = args.get(1)?.elements();
                    let mut out = Vec::with_capacity(parts.len());
                    for part in parts {
                        out.push(self.eval(part, depth + 1)?);
                    }
                    Some(out.join(&separator))
                }
                "fn:lower" => Some(self.eval(inner.elements().first()?, depth + 1)?.to_lowercase()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A reference's canonical value.
    pub(super) fn reference(&self, text: &str, depth: usize) -> Option<String> {
        let parts = segments(text);
        let token = || Some(format!("${{{}}}", text));
        match parts.as_slice() {
            ["var", name] if self.module.region_variable == Some(*name) => Some("${AWS::Region}".into()),
            ["var", name, ..] => {
                if let Some((call, parent)) = &self.call {
                    if let Some(value) = call.get(name) {
                        return parent.eval(value, depth + 1).or_else(token);
                    }
                }
                match self.module.variables.get(name) {
                    Some((file, Some(default))) if parts.len() == 2 => {
                        self.eval(default, depth + 1).or_else(token)
                    }
                    _ => token(),
                }
            }
            ["local", name] => match self.module.locals.get(name) {
                Some((_, value)) => self.eval(value, depth + 1).or_else(token),
                None => token(),
            },
            ["module", name, output] => self.module_output(name, output, depth).or_else(token),
            ["path", "module"] => Some(self.module.dir.clone()),
            ["path", "root" | "cwd"] => {
                let mut scope = self;
                while let Some((_, parent)) = &scope.call {
                    scope = parent;
                }
                Some(scope.module.dir.clone())
            }
            ["data", "aws_region", _, "name" | "id" | "region"] => Some("${AWS::Region}".into()),
            ["data", "aws_caller_identity", _, "account_id"] => Some("${AWS::AccountId}".into()),
            ["data", "aws_partition", _, "partition" | "id"] => Some("aws".into()),
            ["data", "aws_partition", _, "dns_suffix"] => Some("amazonaws.com".into()),
            ["data", kind, name, attribute] => match self.module.data.get(&(*kind, *name)) {
                Some(block) => self
                    .attribute(kind, name, block, attribute, "data.", depth)
                    .or_else(token),
                None => token(),
            },
            [kind, name, attribute] if kind.contains('_') => match self.module.resources.get(&(*kind, *name))
            {
                Some(block) => self
                    .attribute(kind, name, block, attribute, "", depth)
                    .or_else(token),
                None => token(),
            },
            _ => token(),
        }
    }

    /// `module.<name>.<output>` of a local module: the output's value in
    /// the instance that `module` block makes.
    pub(super) fn module_output(&self, name: &str, output: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (_, call) = self.module.calls.iter().find(|(n, _)| *n == name)?;
        let child = self.modules.get(&self.module.source_dir(call)?)?;
        let (_, value) = child.outputs.get(output)?;
        let scope = Scope::new(self.modules, child, Some((*call, self)), String::new());
        scope.eval(value, depth + 1)
    }

    pub(super) fn attribute(
        &self,
        kind: &str,
        name: &str,
        block: &Block,
        attribute: &str,
        prefix: &str,
        depth: usize,
    ) -> Option<String> {
        let shape = shape(kind)?;
        let (_, form) = shape.forms.iter().find(|(a, _)| *a == attribute)?;
        Some(self.expand(kind, name, block, form, prefix, depth))
    }

    /// Follows `var.x` and `local.x` to the expression they stand for.
    pub(super) fn deref<'x>(
        &'x self,
        file: FileId,
        node: &'a Node,
        depth: usize,
    ) -> (&'x Scope<'x, 'a>, FileId, &'a Node) {
        if depth > MAX_DEPTH {
            return (self, file, node);
        }
        let NodeKind::Tagged { tag, node: inner, .. } = &node.kind else {
            return (self, file, node);
        };
        // `"${expr}"` (Terraform 0.11 style) is `expr`.
        if tag == TEMPLATE {
            if let [part] = inner.elements() {
                if !matches!(part.kind, NodeKind::String(_)) {
                    return self.deref(file, part, depth + 1);
                }
            }
        }
        if tag != REF {
            return (self, file, node);
        }
        let parts = segments(inner.as_str().unwrap_or(""));
        match parts.as_slice() {
            ["var", name] => {
                if let Some((call, parent)) = &self.call {
                    if let Some(value) = call.get(name) {
                        return parent.deref(call.file, value, depth + 1);
                    }
                }
                match self.module.variables.get(name) {
                    Some((file, Some(default))) => self.deref(*file, default, depth + 1),
                    _ => (self, file, node),
                }
            }
            ["local", name] => match self.module.locals.get(name) {
                Some((file, value)) => self.deref(*file, value, depth + 1),
                None => (self, file, node),
            },
            _ => (self, file, node),
        }
    }

    /// Every reference in a tree resolved to a string node at the same
    /// place; what cannot be known becomes a `${...}` token of its text.
    pub(super) fn resolve_tree(&self, text: &str, node: &Node, depth: usize) -> Node {
        if depth > 600 {
            return node.clone();
        }
        let kind = match &node.kind {
            NodeKind::Object(members) => NodeKind::Object(
                members
                    .iter()
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_span: m.key_span,
                        value: self.resolve_tree(text, &m.value, depth + 1),
                    })
                    .collect(),
            ),
            NodeKind::Array(items) => NodeKind::Array(
                items
                    .iter()
                    .map(|i| self.resolve_tree(text, i, depth + 1))
                    .collect(),
            ),
            NodeKind::Tagged { .. } => NodeKind::String(
                self.eval(node, 0)
                    .unwrap_or_else(|| format!("${{{}}}", written(text, node.span))),
            ),
            other => other.clone(),
        };
        Node::new(node.span, kind)
    }
}
