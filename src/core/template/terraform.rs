//! Terraform: every `aws_sfn_state_machine` of a module (all `.tf` files of
//! one folder), its definition (`file()`, `templatefile()`, the deprecated
//! `data "template_file"`, `jsonencode()`, a heredoc) and the policies of
//! the role its `role_arn` names (`inline_policy`, `aws_iam_role_policy`,
//! `aws_iam_policy` with its attachments, `managed_policy_arns`,
//! `data "aws_iam_policy_document"`). A local module that receives the
//! definition or the role as variables is followed from each `module` block
//! that calls it.
//!
//! Values are canonical strings exactly as for CloudFormation
//! ([`super::intrinsics`]): a reference to a resource of a known type is
//! the ARN (or URL, or name) it will have, with `${AWS::Region}` and
//! `${AWS::AccountId}` for region and account and `aws` for the partition;
//! a reference that cannot be known stays a `${...}` token.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::intrinsics::{substitute_tree, Encoder, TerraformNames};
use super::{MachineResource, Scan};
use crate::core::analysis::{DefinitionDoc, LinkKind, OffsetMap, PolicyDoc, Unit, Workspace};
use crate::core::classify::{FileKind, Format};
use crate::core::files::{join, normalize, parent_dir, FileId};
use crate::core::fix::Dialect;
use crate::core::syntax::hcl::{self, CALL_PREFIX, HEREDOC, REF, TEMPLATE};
use crate::core::syntax::{self as syn, Member, Node, NodeKind};
use crate::core::text::TextRange;

/// Bounds evaluation on self-referring locals and deep module chains.
const MAX_DEPTH: usize = 24;
const MAX_MODULE_DEPTH: usize = 4;

/// A block of the module: where it is and its body.
#[derive(Clone, Copy)]
struct Block<'a> {
    file: FileId,
    body: &'a Node,
    /// The block from its identifier to its closing brace.
    span: TextRange,
}

impl<'a> Block<'a> {
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.body.get(key)
    }

    /// Nested blocks (or attributes) named `key`.
    fn all(&self, key: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.body.members().iter().filter(move |m| m.key == key)
    }
}

/// What the `.tf` files of one folder declare.
struct Module<'a> {
    dir: String,
    resources: BTreeMap<(&'a str, &'a str), Block<'a>>,
    data: BTreeMap<(&'a str, &'a str), Block<'a>>,
    /// Each variable's default, when it has one.
    variables: HashMap<&'a str, (FileId, Option<&'a Node>)>,
    locals: HashMap<&'a str, (FileId, &'a Node)>,
    calls: Vec<(&'a str, Block<'a>)>,
    /// Every state machine, in file order.
    machines: Vec<(&'a str, Block<'a>)>,
    /// Each `output` block's value.
    outputs: HashMap<&'a str, (FileId, &'a Node)>,
    /// The variable the default `aws` provider takes its region from
    /// (`region = var.region`): it stands for `${AWS::Region}`.
    region_variable: Option<&'a str>,
}

/// The label members of a block member: `resource "a" "b" {}` gives
/// `[("a", ..), ("b", ..)]` and the body.
fn labels(member: &Member, count: usize) -> Option<(Vec<&str>, &Node)> {
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
    fn new(dir: String, files: &[(FileId, &'a Node)]) -> Self {
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
    fn source_dir(&self, call: &Block) -> Option<String> {
        let source = call.get("source")?.as_str()?;
        (source.starts_with("./") || source.starts_with("../")).then(|| join(&self.dir, source))
    }
}

/// A module as one `module` block instantiates it (or the root module).
struct Scope<'s, 'a> {
    module: &'s Module<'a>,
    /// The calling `module` block and the scope it is in.
    call: Option<(Block<'a>, &'s Scope<'s, 'a>)>,
    /// `module.<name>.` for an instance, empty for the root.
    prefix: String,
    /// Built on first use: most scopes only evaluate.
    encoder: std::cell::OnceCell<Arc<Encoder>>,
    /// Every module of the workspace, by folder, for `module.x.output`.
    modules: &'s BTreeMap<String, Module<'a>>,
    /// Evaluation steps left: locals that use each other twice over grow
    /// exponentially with depth; hostile modules stop here.
    budget: std::cell::Cell<u32>,
}

/// Splits a traversal (`aws_lambda_function.worker[0].arn`) into its names;
/// indexes and splats are dropped (every instance has the same form).
fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let name = part.split('[').next().unwrap_or("");
        if !name.is_empty() && name != "*" {
            out.push(name);
        }
    }
    out
}

/// How a resource type's attributes read. `{name}` is its name.
struct Shape {
    name_property: &'static str,
    forms: &'static [(&'static str, &'static str)],
}

macro_rules! arn {
    ($service:literal, $rest:literal) => {
        concat!("arn:aws:", $service, ":${AWS::Region}:${AWS::AccountId}:", $rest)
    };
}

/// The resource types whose ARNs the permission catalog works with, as the
/// AWS provider documents their attributes.
/// A type named by its `name` argument whose `arn` is `$arn` and whose
/// `name` and `id` are the name.
macro_rules! named {
    ($arn:expr) => {
        ("name", &[("arn", $arn), ("name", "{name}"), ("id", "{name}")])
    };
}

fn shape(kind: &str) -> Option<Shape> {
    let (name_property, forms): (&'static str, &'static [(&'static str, &'static str)]) = match kind {
        "aws_lambda_function" => (
            "function_name",
            &[
                ("arn", arn!("lambda", "function:{name}")),
                ("function_name", "{name}"),
                ("id", "{name}"),
            ],
        ),
        "aws_dynamodb_table" => named!(arn!("dynamodb", "table/{name}")),
        "aws_sqs_queue" => (
            "name",
            &[
                ("arn", arn!("sqs", "{name}")),
                (
                    "url",
                    "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/{name}",
                ),
                (
                    "id",
                    "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/{name}",
                ),
                ("name", "{name}"),
            ],
        ),
        "aws_sns_topic" => (
            "name",
            &[
                ("arn", arn!("sns", "{name}")),
                ("id", arn!("sns", "{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_sfn_state_machine" => (
            "name",
            &[
                ("arn", arn!("states", "stateMachine:{name}")),
                ("id", arn!("states", "stateMachine:{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_sfn_activity" => (
            "name",
            &[
                ("arn", arn!("states", "activity:{name}")),
                ("id", arn!("states", "activity:{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_s3_bucket" => (
            "bucket",
            &[
                ("arn", "arn:aws:s3:::{name}"),
                ("id", "{name}"),
                ("bucket", "{name}"),
            ],
        ),
        "aws_cloudwatch_event_bus" => named!(arn!("events", "event-bus/{name}")),
        "aws_iam_role" => named!("arn:aws:iam::${AWS::AccountId}:role/{name}"),
        "aws_ecs_cluster" => (
            "name",
            &[
                ("arn", arn!("ecs", "cluster/{name}")),
                ("id", arn!("ecs", "cluster/{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_ecs_task_definition" => (
            "family",
            &[
                ("arn_without_revision", arn!("ecs", "task-definition/{name}")),
                ("family", "{name}"),
            ],
        ),
        "aws_cloudwatch_log_group" => named!(arn!("logs", "log-group:{name}")),
        "aws_codebuild_project" => named!(arn!("codebuild", "project/{name}")),
        "aws_glue_job" => named!(arn!("glue", "job/{name}")),
        "aws_glue_crawler" => named!(arn!("glue", "crawler/{name}")),
        "aws_kinesis_stream" => (
            "name",
            &[("arn", arn!("kinesis", "stream/{name}")), ("name", "{name}")],
        ),
        "aws_batch_job_queue" => (
            "name",
            &[
                ("arn", arn!("batch", "job-queue/{name}")),
                ("id", arn!("batch", "job-queue/{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_batch_job_definition" => (
            "name",
            &[
                ("arn_prefix", arn!("batch", "job-definition/{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_athena_workgroup" => named!(arn!("athena", "workgroup/{name}")),
        "aws_eks_cluster" => named!(arn!("eks", "cluster/{name}")),
        _ => return None,
    };
    Some(Shape { name_property, forms })
}

impl<'s, 'a> Scope<'s, 'a> {
    fn new(
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
    fn encoder(&self) -> Arc<Encoder> {
        self.encoder
            .get_or_init(|| Arc::new(self.build_encoder()))
            .clone()
    }

    fn build_encoder(&self) -> Encoder {
        let mut references = Vec::new();
        let mut names = TerraformNames::default();
        for (&(kind, name), block) in &self.module.resources {
            self.add_forms(&mut references, kind, name, block, "");
        }
        if let Some(variable) = self.module.region_variable {
            names.region = Some(format!("var.{variable}"));
        }
        for (&(kind, name), block) in &self.module.data {
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

    fn add_forms(
        &self,
        out: &mut Vec<(String, String)>,
        kind: &str,
        name: &str,
        block: &Block,
        prefix: &str,
    ) {
        let Some(shape) = shape(kind) else {
            return;
        };
        for (attribute, form) in shape.forms {
            let value = self.expand(kind, name, block, form, prefix, 0);
            out.push((value, format!("{prefix}{kind}.{name}.{attribute}")));
        }
    }

    /// Fills a form with the resource's name: the literal (or evaluable)
    /// name argument, else the reference that yields it at apply time.
    fn expand(
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
        form.replace("{name}", &value)
    }

    /// The canonical string of a value; `None` when it is not a string
    /// (an object, a list) or cannot be written as one.
    fn eval(&self, node: &Node, depth: usize) -> Option<String> {
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
    fn reference(&self, text: &str, depth: usize) -> Option<String> {
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
    fn module_output(&self, name: &str, output: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (_, call) = self.module.calls.iter().find(|(n, _)| *n == name)?;
        let child = self.modules.get(&self.module.source_dir(call)?)?;
        let (_, value) = child.outputs.get(output)?;
        let scope = Scope::new(self.modules, child, Some((*call, self)), String::new());
        scope.eval(value, depth + 1)
    }

    fn attribute(
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
    fn deref<'x>(
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
    fn resolve_tree(&self, text: &str, node: &Node, depth: usize) -> Node {
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

/// An expression as written, on one line.
fn written(text: &str, span: TextRange) -> String {
    text.get(span.start()..span.end())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn call_name(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Tagged { tag, .. } => tag.strip_prefix(CALL_PREFIX),
        _ => None,
    }
}

fn call_args(node: &Node) -> &[Node] {
    match &node.kind {
        NodeKind::Tagged { node, .. } => node.elements(),
        _ => &[],
    }
}

fn ref_text(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Tagged { tag, node, .. } if tag == REF => node.as_str(),
        _ => None,
    }
}

/// Scans every Terraform module of the workspace.
pub fn scan(workspace: &Workspace, scan: &mut Scan) {
    let files = workspace.files;
    let mut dirs: BTreeMap<String, Vec<(FileId, &Node)>> = BTreeMap::new();
    for id in files.ids() {
        if workspace.kind(id) != FileKind::Terraform {
            continue;
        }
        if let Some(root) = workspace.root(id) {
            dirs.entry(parent_dir(files.path(id)).to_string())
                .or_default()
                .push((id, root));
        }
    }
    let modules: BTreeMap<String, Module> = dirs
        .into_iter()
        .map(|(dir, roots)| (dir.clone(), Module::new(dir, &roots)))
        .collect();
    let mut called = BTreeSet::new();
    for module in modules.values() {
        for (_, call) in &module.calls {
            if let Some(dir) = module.source_dir(call) {
                if dir != module.dir && modules.contains_key(&dir) {
                    called.insert(dir);
                }
            }
        }
    }
    for module in modules.values() {
        if called.contains(&module.dir) {
            continue;
        }
        let scope = Scope::new(&modules, module, None, String::new());
        instantiate(workspace, &modules, &scope, 0, scan);
    }
}

fn instantiate(
    workspace: &Workspace,
    modules: &BTreeMap<String, Module>,
    scope: &Scope,
    depth: usize,
    scan: &mut Scan,
) {
    for (name, block) in &scope.module.machines {
        if let Some(unit) = machine_unit(workspace, scope, name, block, scan) {
            scan.units.push(unit);
        }
    }
    if depth >= MAX_MODULE_DEPTH {
        return;
    }
    for (name, call) in &scope.module.calls {
        let Some(child) = scope.module.source_dir(call).and_then(|d| modules.get(&d)) else {
            continue;
        };
        if child.dir == scope.module.dir {
            continue;
        }
        let child_scope = Scope::new(
            modules,
            child,
            Some((*call, scope)),
            format!("{}module.{name}.", scope.prefix),
        );
        instantiate(workspace, modules, &child_scope, depth + 1, scan);
    }
}

fn machine_unit(
    workspace: &Workspace,
    scope: &Scope,
    name: &str,
    block: &Block,
    scan: &mut Scan,
) -> Option<Unit> {
    let definition_node = block.get("definition")?;
    let definition = definition(workspace, scope, block.file, definition_node, scan)?;
    let mut policies = Vec::new();
    let mut trust = None;
    let mut names_module = scope;
    let mut shared_policies = BTreeSet::new();
    // A role the module does not declare (a variable, an ARN) is out of sight.
    let mut link = LinkKind::External;
    if let Some(role_node) = block.get("role_arn") {
        let (role_scope, _, role_node) = scope.deref(block.file, role_node, 0);
        if let Some((role_name, role)) = role_block(role_scope, role_node) {
            match role_policies(workspace, role_scope, role_name, &role) {
                Some(read) => {
                    policies = read;
                    link = LinkKind::Template;
                }
                // Out of sight: the role is judged by nothing it holds.
                None => link = LinkKind::External,
            }
            if used_elsewhere(role_scope.module, role_name) {
                shared_policies.extend(policies.iter().map(PolicyDoc::key));
            }
            trust = role
                .get("assume_role_policy")
                .and_then(|n| policy_value(workspace, role_scope, role.file, n));
            names_module = role_scope;
        }
    }
    let root = workspace.shared_root(block.file)?;
    let data = &names_module.module.data;
    let has = |kind: &str| data.keys().any(|(k, _)| *k == kind);
    let mut arn = super::cfn::template_arn_defaults();
    if !has("aws_region") && names_module.module.region_variable.is_none() {
        arn.region = None;
    }
    if !has("aws_caller_identity") {
        arn.account = None;
    }
    Some(Unit {
        definition,
        policies,
        trust,
        arn,
        link,
        shared_policies,
        machine: Some(MachineResource {
            name: super::own_name(
                scope.attribute("aws_sfn_state_machine", name, block, "name", "", 0),
                &format!("aws_sfn_state_machine.{name}"),
            ),
            file: block.file,
            root,
            template: None,
            logical_id: format!("{}aws_sfn_state_machine.{name}", scope.prefix),
            encoder: scope.encoder(),
            dialect: crate::core::fix::Dialect::Hcl,
            sources: workspace
                .files
                .ids()
                .filter(|&id| {
                    let dir = crate::core::files::parent_dir(workspace.files.path(id));
                    (dir == scope.module.dir || dir == names_module.module.dir)
                        && workspace.files.path(id).ends_with(".tf")
                })
                .collect(),
        }),
        unknown_policies: Vec::new(),
    })
}

/// The `aws_iam_role` a `role_arn` names: by reference, else by value.
fn role_block<'s, 'a>(scope: &'s Scope<'s, 'a>, node: &Node) -> Option<(&'a str, Block<'a>)> {
    if let Some(text) = ref_text(node) {
        if let [kind, name, ..] = segments(text).as_slice() {
            if *kind == "aws_iam_role" {
                return scope
                    .module
                    .resources
                    .iter()
                    .find(|((k, n), _)| *k == "aws_iam_role" && n == name)
                    .map(|((_, n), block)| (*n, *block));
            }
        }
    }
    let value = scope.eval(node, 0)?;
    scope
        .module
        .resources
        .iter()
        .find(|((kind, name), block)| {
            *kind == "aws_iam_role"
                && scope.attribute(kind, name, block, "arn", "", 0).as_deref() == Some(value.as_str())
        })
        .map(|((_, name), block)| (*name, *block))
}

/// Whether a resource other than a state machine (a Lambda function, an
/// ECS task, an EventBridge target) runs as the role: what it needs is not
/// this workflow's to judge unused.
fn used_elsewhere(module: &Module, role_name: &str) -> bool {
    let attribute_of_role =
        |text: &str| matches!(segments(text).as_slice(), ["aws_iam_role", name, _] if *name == role_name);
    module.resources.iter().any(|(&(kind, _), block)| {
        if kind == "aws_sfn_state_machine" || kind.starts_with("aws_iam_") {
            return false;
        }
        let mut stack = vec![block.body];
        let mut budget = 10_000;
        while let Some(node) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                return false;
            }
            match &node.kind {
                NodeKind::Tagged { tag, node: inner, .. }
                    if tag == REF && inner.as_str().is_some_and(attribute_of_role) =>
                {
                    return true;
                }
                NodeKind::Tagged { node: inner, .. } => stack.push(inner),
                NodeKind::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
                NodeKind::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        false
    })
}

/// Whether `node` (a policy's `role`, or an element of `roles`) names the role.
fn names_role(scope: &Scope, node: &Node, role_name: &str, role: &Block) -> bool {
    if let Some(text) = ref_text(node) {
        if let ["aws_iam_role", name, ..] = segments(text).as_slice() {
            return *name == role_name;
        }
    }
    let Some(value) = scope.eval(node, 0) else {
        return false;
    };
    ["name", "arn"].iter().any(|a| {
        scope
            .attribute("aws_iam_role", role_name, role, a, "", 0)
            .as_deref()
            == Some(value.as_str())
    })
}

/// Every policy attached to the role: `inline_policy` blocks and
/// `aws_iam_role_policy` resources first (a fix adds statements to the
/// first policy it can edit), then attached `aws_iam_policy` resources and
/// managed policies.
/// `None` when one of them cannot be read.
fn role_policies(
    workspace: &Workspace,
    scope: &Scope,
    role_name: &str,
    role: &Block,
) -> Option<Vec<PolicyDoc>> {
    let module = scope.module;
    let mut out = Vec::new();
    // A policy document that cannot be read (`policy = var.json`, dynamic
    // statements): the role's permissions are not known, and judging them
    // from the rest would report grants as missing.
    let mut unreadable = false;
    let mut read = |doc: Option<PolicyDoc>, out: &mut Vec<PolicyDoc>| match doc {
        Some(doc) => out.push(doc),
        None => unreadable = true,
    };
    for member in role.all("inline_policy") {
        if let Some(policy) = member.value.get("policy") {
            read(policy_value(workspace, scope, role.file, policy), &mut out);
        }
    }
    for (&(kind, _), block) in &module.resources {
        if kind == "aws_iam_role_policy"
            && block
                .get("role")
                .is_some_and(|r| names_role(scope, r, role_name, role))
        {
            if let Some(policy) = block.get("policy") {
                read(policy_value(workspace, scope, block.file, policy), &mut out);
            }
        }
    }
    let mut attached: Vec<(FileId, &Node)> = Vec::new();
    for (&(kind, _), block) in &module.resources {
        let roles: Vec<&Node> = match kind {
            "aws_iam_role_policy_attachment" => block.get("role").into_iter().collect(),
            "aws_iam_policy_attachment" => block
                .get("roles")
                .map(|r| r.elements().iter().collect())
                .unwrap_or_default(),
            _ => continue,
        };
        if roles.iter().any(|r| names_role(scope, r, role_name, role)) {
            if let Some(arn) = block.get("policy_arn") {
                attached.push((block.file, arn));
            }
        }
    }
    if let Some(arns) = role.get("managed_policy_arns") {
        for arn in arns.elements() {
            attached.push((role.file, arn));
        }
    }
    let mut seen = BTreeSet::new();
    for (file, arn) in attached {
        let (arn_scope, file, arn) = scope.deref(file, arn, 0);
        if let Some(text) = ref_text(arn) {
            match segments(text).as_slice() {
                ["aws_iam_policy", name, ..] => {
                    if !seen.insert(name.to_string()) {
                        continue;
                    }
                    if let Some(block) = arn_scope.module.resources.get(&("aws_iam_policy", *name)) {
                        if let Some(policy) = block.get("policy") {
                            read(policy_value(workspace, arn_scope, block.file, policy), &mut out);
                        }
                    }
                    continue;
                }
                ["data", "aws_iam_policy", name, ..] => {
                    if let Some(block) = arn_scope.module.data.get(&("aws_iam_policy", *name)) {
                        let value = block
                            .get("arn")
                            .or_else(|| block.get("name"))
                            .and_then(|n| arn_scope.eval(n, 0));
                        if let Some(value) = value {
                            out.extend(super::sam::managed_policy(&value, arn, file));
                        }
                    }
                    continue;
                }
                _ => {}
            }
        }
        if let Some(value) = arn_scope.eval(arn, 0) {
            out.extend(super::sam::managed_policy(&value, arn, file));
        }
    }
    if unreadable {
        return None;
    }
    Some(out)
}

/// A policy argument's document.
fn policy_value(workspace: &Workspace, scope: &Scope, file: FileId, node: &Node) -> Option<PolicyDoc> {
    let (scope, file, node) = scope.deref(file, node, 0);
    let text = workspace.files.text(file);
    match call_name(node) {
        Some("jsonencode") => {
            let object = call_args(node).first()?;
            return Some(PolicyDoc {
                file,
                root: Arc::new(scope.resolve_tree(text, object, 0)),
                dialect: Dialect::Hcl,
                encoder: Some(scope.encoder()),
            });
        }
        Some("file" | "templatefile") => {
            let args = call_args(node);
            let id = file_argument(workspace, scope, args.first()?)?;
            let root = workspace.shared_root(id)?;
            let vars = template_vars(scope, file, args.get(1));
            let root = if vars.is_empty() {
                root
            } else {
                Arc::new(substitute_tree(&root, &vars))
            };
            // Terraform reads the file as it is: a fix would have to write
            // the module's references as literal ARNs. None is offered.
            return Some(PolicyDoc {
                file: id,
                root,
                dialect: Dialect::Generated,
                encoder: None,
            });
        }
        _ => {}
    }
    if let Some(text_ref) = ref_text(node) {
        if let ["data", "aws_iam_policy_document", name, ..] = segments(text_ref).as_slice() {
            let block = scope.module.data.get(&("aws_iam_policy_document", *name))?;
            return Some(PolicyDoc {
                file: block.file,
                root: Arc::new(policy_document(scope, workspace.files.text(block.file), block)?),
                dialect: Dialect::Hcl,
                encoder: Some(scope.encoder()),
            });
        }
        return None;
    }
    let (root, errors, editable) = embedded_json(scope, text, node)?;
    if !errors.is_empty() {
        return None;
    }
    let root = root?;
    Some(PolicyDoc {
        file,
        root: Arc::new(root),
        dialect: if editable {
            Dialect::HclJson
        } else {
            Dialect::Generated
        },
        encoder: Some(scope.encoder()),
    })
}

/// `data "aws_iam_policy_document"` in the IAM JSON shape: each `statement`
/// block an element of `Statement`, its arguments under their IAM names,
/// `condition` blocks under `Condition` and `principals` under `Principal`.
/// Every node is where its block or argument is written; the `Statement`
/// array is the data block's body.
fn policy_document(scope: &Scope, text: &str, block: &Block) -> Option<Node> {
    // Statements merged from elsewhere or generated: not known here.
    let opaque = [
        "dynamic",
        "source_json",
        "override_json",
        "source_policy_documents",
        "override_policy_documents",
    ];
    if block
        .body
        .members()
        .iter()
        .any(|m| opaque.contains(&m.key.as_str()))
    {
        return None;
    }
    let resolve = |node: &Node| scope.resolve_tree(text, node, 0);
    let mut statements = Vec::new();
    for member in block.all("statement") {
        let body = &member.value;
        if body.member("dynamic").is_some() {
            return None;
        }
        let span = member.key_span.cover(body.span);
        let mut members = Vec::new();
        for (hcl_key, iam_key) in [
            ("sid", "Sid"),
            ("effect", "Effect"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(m) = body.member(hcl_key) {
                members.push(Member {
                    key: iam_key.into(),
                    key_span: m.key_span,
                    value: resolve(&m.value),
                });
            }
        }
        if body.member("effect").is_none() {
            members.push(Member {
                key: "Effect".into(),
                key_span: TextRange::empty(span.start()),
                value: Node::new(TextRange::empty(span.start()), NodeKind::String("Allow".into())),
            });
        }
        for (block_key, iam_key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let blocks: Vec<&Member> = body.members().iter().filter(|m| m.key == block_key).collect();
            let Some(first) = blocks.first() else {
                continue;
            };
            let mut principal: Vec<Member> = Vec::new();
            for p in &blocks {
                let kind = p
                    .value
                    .get("type")
                    .and_then(|t| scope.eval(t, 0))
                    .unwrap_or_default();
                let identifiers = p.value.get("identifiers").map(resolve);
                if let Some(identifiers) = identifiers {
                    principal.push(Member {
                        key: kind,
                        key_span: p.key_span,
                        value: identifiers,
                    });
                }
            }
            members.push(Member {
                key: iam_key.into(),
                key_span: first.key_span,
                value: Node::new(
                    first.key_span.cover(first.value.span),
                    NodeKind::Object(principal),
                ),
            });
        }
        let conditions: Vec<&Member> = body.members().iter().filter(|m| m.key == "condition").collect();
        if let Some(first) = conditions.first() {
            let mut tests: Vec<Member> = Vec::new();
            for c in &conditions {
                let test = c
                    .value
                    .get("test")
                    .and_then(|t| scope.eval(t, 0))
                    .unwrap_or_default();
                let variable = c
                    .value
                    .get("variable")
                    .and_then(|t| scope.eval(t, 0))
                    .unwrap_or_default();
                let values = c
                    .value
                    .get("values")
                    .map(resolve)
                    .unwrap_or_else(|| Node::new(c.value.span, NodeKind::Array(Vec::new())));
                let span = c.key_span.cover(c.value.span);
                let entry = Member {
                    key: variable,
                    key_span: c.value.member("variable").map(|m| m.value.span).unwrap_or(span),
                    value: values,
                };
                match tests.iter_mut().find(|t| t.key == test) {
                    Some(existing) => {
                        if let NodeKind::Object(items) = &mut existing.value.kind {
                            items.push(entry);
                        }
                    }
                    None => tests.push(Member {
                        key: test,
                        key_span: c.value.member("test").map(|m| m.value.span).unwrap_or(span),
                        value: Node::new(span, NodeKind::Object(vec![entry])),
                    }),
                }
            }
            members.push(Member {
                key: "Condition".into(),
                key_span: first.key_span,
                value: Node::new(first.key_span.cover(first.value.span), NodeKind::Object(tests)),
            });
        }
        statements.push(Node::new(span, NodeKind::Object(members)));
    }
    let mut members = Vec::new();
    if let Some(version) = block.body.member("version") {
        members.push(Member {
            key: "Version".into(),
            key_span: version.key_span,
            value: resolve(&version.value),
        });
    }
    members.push(Member {
        key: "Statement".into(),
        key_span: block.span,
        value: Node::new(block.body.span, NodeKind::Array(statements)),
    });
    Some(Node::new(block.span, NodeKind::Object(members)))
}

/// A path argument (`"${path.module}/flow.asl.json"`) as a file of the workspace.
fn file_argument(workspace: &Workspace, scope: &Scope, node: &Node) -> Option<FileId> {
    let path = scope.eval(node, 0)?;
    if path.contains("${") {
        return None;
    }
    let path = if path.starts_with('/') {
        normalize(&path)
    } else {
        join(&scope.module.dir, &path)
    };
    workspace.files.lookup(&path)
}

/// `templatefile()`'s variables (or `template_file`'s `vars`), each as its
/// canonical value.
fn template_vars(scope: &Scope, file: FileId, node: Option<&Node>) -> HashMap<String, String> {
    let Some(node) = node else {
        return HashMap::new();
    };
    let (scope, _, node) = scope.deref(file, node, 0);
    node.members()
        .iter()
        .filter_map(|m| Some((m.key.clone(), scope.eval(&m.value, 0)?)))
        .collect()
}

/// A definition argument's document.
fn definition(
    workspace: &Workspace,
    scope: &Scope,
    file: FileId,
    node: &Node,
    scan: &mut Scan,
) -> Option<DefinitionDoc> {
    let (scope, file, node) = scope.deref(file, node, 0);
    let files = workspace.files;
    let text = files.text(file);
    // `data.template_file.x.rendered`: its `template` and `vars`.
    if let Some(reference) = ref_text(node) {
        if let ["data", "template_file", name, "rendered"] = segments(reference).as_slice() {
            let block = scope.module.data.get(&("template_file", *name))?;
            let template = block.get("template")?;
            let vars = template_vars(scope, block.file, block.get("vars"));
            let (t_scope, t_file, template) = scope.deref(block.file, template, 0);
            if call_name(template) == Some("file") {
                let id = file_argument(workspace, t_scope, call_args(template).first()?)?;
                return Some(definition_file(workspace, id, &vars, scan));
            }
            return definition(workspace, t_scope, t_file, template, scan);
        }
        return None;
    }
    match call_name(node) {
        Some(name @ ("file" | "templatefile")) => {
            let args = call_args(node);
            let id = file_argument(workspace, scope, args.first()?)?;
            let vars = if name == "templatefile" {
                template_vars(scope, file, args.get(1))
            } else {
                HashMap::new()
            };
            Some(definition_file(workspace, id, &vars, scan))
        }
        Some("jsonencode") => {
            let object = call_args(node).first()?;
            Some(DefinitionDoc {
                file,
                root: Arc::new(scope.resolve_tree(text, object, 0)),
                format: Format::Json,
                dialect: Dialect::Hcl,
                map: None,
                text: files.get(file).text.clone(),
            })
        }
        Some(_) => None,
        None => {
            let (root, errors, verbatim) = embedded_json(scope, text, node)?;
            super::push_embedded_errors(scan, file, errors, "definition");
            let root = root?;
            Some(DefinitionDoc {
                file,
                root: Arc::new(root),
                format: Format::Json,
                // Spans are already the file's. A heredoc holds the JSON as
                // written: edits are JSON with references interpolated. In
                // a quoted string they would need escaping: none offered.
                dialect: if verbatim {
                    Dialect::HclJson
                } else {
                    Dialect::Generated
                },
                map: None,
                text: files.get(file).text.clone(),
            })
        }
    }
}

/// A definition file (`file()`, `templatefile()`, `template_file`) with its
/// `${name}` placeholders filled; the file is analysed as this state
/// machine's, not alone.
fn definition_file(
    workspace: &Workspace,
    id: FileId,
    vars: &HashMap<String, String>,
    scan: &mut Scan,
) -> DefinitionDoc {
    scan.claimed.insert(id);
    let files = workspace.files;
    let format = match workspace.kind(id) {
        FileKind::Definition(f) => f,
        _ => crate::core::classify::format_of(files.path(id)).unwrap_or(Format::Json),
    };
    let root = workspace
        .shared_root(id)
        .unwrap_or_else(|| Arc::new(Node::new(TextRange::empty(0), NodeKind::Null)));
    let root = if vars.is_empty() {
        root
    } else {
        Arc::new(substitute_tree(&root, vars))
    };
    DefinitionDoc {
        file: id,
        root,
        format,
        dialect: if format == Format::Yaml {
            Dialect::Yaml
        } else {
            Dialect::Json
        },
        map: None,
        text: files.get(id).text.clone(),
    }
}

/// JSON written in a heredoc or a quoted string, parsed with every span
/// mapped to the file, and `${...}` interpolations evaluated. Returns the
/// tree, its syntax errors, and whether its text is written verbatim (a
/// heredoc: JSON edits can be made in place).
fn embedded_json(
    scope: &Scope,
    text: &str,
    node: &Node,
) -> Option<(Option<Node>, Vec<syn::SyntaxError>, bool)> {
    let NodeKind::Tagged { tag, node: inner, .. } = &node.kind else {
        let value = node.as_str()?;
        let map = hcl::literal_map(text, node.span, value, true);
        return parse_mapped(scope, value.to_string(), map, false);
    };
    let quoted = match tag.as_str() {
        HEREDOC => false,
        TEMPLATE => true,
        _ => return None,
    };
    let mut json = String::new();
    let mut map: Vec<usize> = Vec::new();
    for part in inner.elements() {
        match &part.kind {
            NodeKind::String(s) => {
                let part_map = hcl::literal_map(text, part.span, s, quoted);
                json.push_str(s);
                map.extend_from_slice(&part_map[..s.len()]);
            }
            _ => {
                // The interpolation as written, `${` and `}` included.
                let start = text[..part.span.start()].rfind("${").unwrap_or(part.span.start());
                let end = text[part.span.end()..]
                    .find('}')
                    .map(|i| part.span.end() + i + 1)
                    .unwrap_or(part.span.end());
                let raw = &text[start..end];
                json.push_str(raw);
                map.extend(start..end);
            }
        }
    }
    map.push(node.span.end());
    parse_mapped(scope, json, map, !quoted)
}

fn parse_mapped(
    scope: &Scope,
    json: String,
    map: Vec<usize>,
    verbatim: bool,
) -> Option<(Option<Node>, Vec<syn::SyntaxError>, bool)> {
    let parsed = syn::json::parse(&json);
    let at = |offset: usize| map[offset.min(map.len() - 1)];
    let errors = parsed
        .errors
        .iter()
        .map(|e| syn::SyntaxError {
            range: TextRange::new(at(e.range.start()), at(e.range.end())),
            message: e.message.clone(),
        })
        .collect();
    let offset_map: OffsetMap = {
        let map = Arc::new(map);
        Arc::new(move |offset: usize| map[offset.min(map.len() - 1)])
    };
    let root = parsed.root.map(|root| relocate(scope, &root, &offset_map, 0));
    Some((root, errors, verbatim))
}

/// Maps a parsed tree's spans to the file and evaluates `${...}` in its strings.
fn relocate(scope: &Scope, node: &Node, map: &OffsetMap, depth: usize) -> Node {
    // The JSON parser caps nesting well below this.
    if depth > 600 {
        return Node::new(TextRange::empty(map(node.span.start())), NodeKind::Null);
    }
    let span = |r: TextRange| TextRange::new(map(r.start()), map(r.end()));
    let kind = match &node.kind {
        NodeKind::Object(members) => NodeKind::Object(
            members
                .iter()
                .map(|m| Member {
                    key: m.key.clone(),
                    key_span: span(m.key_span),
                    value: relocate(scope, &m.value, map, depth + 1),
                })
                .collect(),
        ),
        NodeKind::Array(items) => {
            NodeKind::Array(items.iter().map(|i| relocate(scope, i, map, depth + 1)).collect())
        }
        NodeKind::String(s) if s.contains("${") => NodeKind::String(interpolate(scope, s)),
        other => other.clone(),
    };
    Node::new(span(node.span), kind)
}

/// `${expr}` in a string evaluated as a reference where it is one.
fn interpolate(scope: &Scope, text: &str) -> String {
    super::intrinsics::replace_placeholders(text, |inner| {
        let simple = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '*'));
        simple.then(|| scope.reference(inner, 0)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::files::FileSet;

    const ROOT: &str = r#"
provider "aws" {
  region = var.region
}

variable "region" {
  default = "eu-west-1"
}

variable "prefix" {
  default = "shop"
}

locals {
  worker_name = "${var.prefix}-worker"
}

data "aws_caller_identity" "current" {}

resource "aws_lambda_function" "worker" {
  function_name = local.worker_name
}

resource "aws_lambda_function" "unnamed" {
  handler = "x"
}

module "flow" {
  source     = "./modules/flow"
  role       = aws_iam_role.flow.arn
  definition = "../../flow.asl.json"
  worker     = aws_lambda_function.worker.arn
}

resource "aws_iam_role" "flow" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaRole"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role_policy" "flow" {
  role   = aws_iam_role.flow.name
  policy = <<-EOT
    {"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "${aws_lambda_function.worker.arn}"}]}
  EOT
}

output "machine" {
  value = module.flow.arn
}
"#;

    const CHILD: &str = r#"
variable "role" {}
variable "definition" {}
variable "worker" {}

data "template_file" "definition" {
  template = file("${path.module}/${var.definition}")
  vars = {
    worker = var.worker
  }
}

resource "aws_sfn_state_machine" "this" {
  name       = "flow"
  role_arn   = var.role
  definition = data.template_file.definition.rendered
}

output "arn" {
  value = aws_sfn_state_machine.this.arn
}
"#;

    fn workspace() -> FileSet {
        let mut files = FileSet::new();
        files.insert("/w/main.tf", ROOT, None);
        files.insert("/w/modules/flow/main.tf", CHILD, None);
        files.insert(
            "/w/flow.asl.json",
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${worker}", "End": true}}}"#,
            None,
        );
        files
    }

    #[test]
    fn references_evaluate_to_canonical_values() {
        let files = workspace();
        let ws = Workspace::new(&files);
        let roots: Vec<(FileId, &Node)> = vec![(FileId(0), ws.root(FileId(0)).unwrap())];
        let module = Module::new("/w".into(), &roots);
        let modules = BTreeMap::new();
        let scope = Scope::new(&modules, &module, None, String::new());
        let value = |text: &str| scope.reference(text, 0);
        let region = "${AWS::Region}";
        assert_eq!(value("var.region").as_deref(), Some(region));
        assert_eq!(value("var.prefix").as_deref(), Some("shop"));
        assert_eq!(value("local.worker_name").as_deref(), Some("shop-worker"));
        assert_eq!(
            value("aws_lambda_function.worker.arn").as_deref(),
            Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
        );
        assert_eq!(
            value("aws_lambda_function.worker[0].arn").as_deref(),
            Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
        );
        assert_eq!(
            value("aws_lambda_function.unnamed.arn").as_deref(),
            Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${aws_lambda_function.unnamed.function_name}")
        );
        assert_eq!(
            value("data.aws_caller_identity.current.account_id").as_deref(),
            Some("${AWS::AccountId}")
        );
        assert_eq!(
            value("aws_lambda_function.worker.invoke_arn").as_deref(),
            Some("${aws_lambda_function.worker.invoke_arn}")
        );
        assert_eq!(value("module.flow.arn").as_deref(), Some("${module.flow.arn}"));

        let encoder = scope.encoder();
        let worker = "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker";
        assert_eq!(
            encoder.encode_str(worker),
            serde_json::json!({"$ref": "aws_lambda_function.worker.arn"})
        );
        assert_eq!(
            encoder.encode_str(&format!("{worker}:*")),
            serde_json::json!("${aws_lambda_function.worker.arn}:*")
        );
        assert_eq!(
            encoder.encode_str("arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/R"),
            serde_json::json!(
                "arn:aws:events:${var.region}:${data.aws_caller_identity.current.account_id}:rule/R"
            )
        );
    }

    #[test]
    fn a_local_module_is_followed_from_its_module_block() {
        let files = workspace();
        let ws = Workspace::new(&files);
        let mut scan = Scan::default();
        super::scan(&ws, &mut scan);
        assert_eq!(scan.units.len(), 1);
        let unit = &scan.units[0];
        let definition = files.lookup("/w/flow.asl.json").unwrap();
        assert_eq!(unit.definition.file, definition);
        assert!(scan.claimed.contains(&definition));
        assert_eq!(
            unit.definition
                .root
                .get("States")
                .unwrap()
                .get("A")
                .unwrap()
                .get("Resource")
                .unwrap()
                .as_str(),
            Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
        );
        assert_eq!(
            unit.machine.as_ref().unwrap().logical_id,
            "module.flow.aws_sfn_state_machine.this"
        );
        // The heredoc policy, then the managed policy.
        assert_eq!(unit.policies.len(), 2);
        let heredoc = &unit.policies[0];
        assert_eq!(heredoc.dialect, Dialect::HclJson);
        let resource = heredoc.root.get("Statement").unwrap().elements()[0]
            .get("Resource")
            .unwrap();
        assert_eq!(
            &ROOT[resource.span.start()..resource.span.end()],
            "\"${aws_lambda_function.worker.arn}\""
        );
        assert_eq!(
            resource.as_str(),
            Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
        );
        assert_eq!(unit.policies[1].dialect, Dialect::Generated);
        // The trust policy document in the IAM shape, at its blocks.
        let trust = unit.trust.as_ref().unwrap();
        let statement = &trust.root.get("Statement").unwrap().elements()[0];
        assert_eq!(
            statement.to_json(),
            serde_json::json!({
                "Action": ["sts:AssumeRole"],
                "Effect": "Allow",
                "Principal": {"Service": ["states.amazonaws.com"]},
                "Condition": {"StringEquals": {"aws:SourceAccount": ["${AWS::AccountId}"]}}
            })
        );
        assert!(ROOT[statement.span.start()..].starts_with("statement {"));
        let principal = statement.get("Principal").unwrap().get("Service").unwrap();
        assert_eq!(
            &ROOT[principal.span.start()..principal.span.end()],
            "[\"states.amazonaws.com\"]"
        );
    }
}

#[cfg(test)]
mod hostile {
    use crate::core::files::FileSet;

    #[test]
    fn locals_that_double_at_every_level_stop() {
        let mut text = String::from("locals {\n");
        for i in 0..40 {
            text.push_str(&format!(
                "  l{i} = \"${{local.l{}}}${{local.l{}}}\"\n",
                i + 1,
                i + 1
            ));
        }
        text.push_str("  l40 = \"x\"\n}\nresource \"aws_sfn_state_machine\" \"m\" {\n  name = local.l0\n  definition = jsonencode({ StartAt = local.l0, States = {} })\n}\n");
        let mut files = FileSet::new();
        files.insert("/h/main.tf", text, None);
        let started = std::time::Instant::now();
        crate::core::analyze(&files, None);
        assert!(started.elapsed().as_secs() < 10);
    }
}

#[cfg(test)]
mod unreadable {
    use crate::core::files::FileSet;

    #[test]
    fn a_role_with_an_unreadable_policy_is_not_judged() {
        let text = r#"
resource "aws_sfn_state_machine" "m" {
  name     = "m"
  role_arn = aws_iam_role.r.arn
  definition = jsonencode({
    StartAt = "A"
    States = { A = { Type = "Task", Resource = "arn:aws:states:::sns:publish", Parameters = { TopicArn = "arn:aws:sns:us-east-1:123456789012:t", Message = "x" }, End = true } }
  })
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.p.json
}
"#;
        let mut files = FileSet::new();
        files.insert("/u/main.tf", text, None);
        let ws = crate::core::analysis::Workspace::new(&files);
        let (units, _) = ws.units();
        assert_eq!(units.len(), 1);
        assert!(units[0].policies.is_empty());
        let analysis = crate::core::analyze(&files, None);
        assert!(
            analysis.findings.iter().all(|f| f.rule != "missing-permission"),
            "{:?}",
            analysis.findings.iter().map(|f| f.rule).collect::<Vec<_>>()
        );
    }
}

#[cfg(test)]
mod shared_role {
    use crate::core::files::FileSet;

    #[test]
    fn a_role_a_lambda_function_also_runs_as_is_not_trimmed() {
        let machine = r#"
resource "aws_sfn_state_machine" "m" {
  name     = "m"
  role_arn = aws_iam_role.r.arn
  definition = jsonencode({
    StartAt = "A"
    States = { A = { Type = "Task", Resource = "arn:aws:states:::sns:publish", Parameters = { TopicArn = "arn:aws:sns:us-east-1:123456789012:t", Message = "x" }, End = true } }
  })
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
  inline_policy {
    name = "p"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = ["sns:Publish", "dynamodb:GetItem"], Resource = "*" }]
    })
  }
}
"#;
        let unused = |text: &str| {
            let mut files = FileSet::new();
            files.insert("/s/main.tf", text, None);
            crate::core::analyze(&files, None)
                .findings
                .iter()
                .filter(|f| f.rule == "unused-permission")
                .count()
        };
        assert_eq!(unused(machine), 1);
        let with_lambda = format!(
            "{machine}\nresource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role = aws_iam_role.r.arn\n}}\n"
        );
        assert_eq!(unused(&with_lambda), 0);
    }
}
