//! CloudFormation values: intrinsic functions in their long (`Fn::Sub`)
//! and short (`!Sub`) forms, evaluated to one canonical string.
//!
//! The canonical string of a value is the `Fn::Sub` text that means the
//! same, with two normalisations so both sides of a comparison agree: the
//! partition is `aws`, and a reference to a resource of a known type is
//! expanded to the ARN (or URL, or name) that resource has, with the
//! region and account left as `${AWS::Region}` and `${AWS::AccountId}`.
//! `!GetAtt Worker.Arn` and `!Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}`
//! both become `arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}`,
//! which the permission catalog and the IAM matcher read like any ARN.
//! [`Encoder`] turns canonical strings back into the template's own
//! references when a fix writes them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Value};

use super::cfn_shape::shape;
use crate::core::syntax::{Member, Node, NodeKind};

/// Bounds the work on hostile templates (deep `Fn::Join` chains).
const MAX_DEPTH: usize = 32;

/// A resource of the template: its logical id, type and properties.
#[derive(Clone, Copy)]
pub struct Resource<'t> {
    pub id: &'t str,
    pub kind: &'t str,
    pub properties: Option<&'t Node>,
    pub member: &'t Member,
}

impl<'t> Resource<'t> {
    pub fn property(&self, key: &str) -> Option<&'t Node> {
        self.properties?.get(key)
    }
}

/// An intrinsic function call, whichever form it was written in.
pub struct Call<'n> {
    /// `Ref`, `Fn::Sub`, `Fn::GetAtt`, ... (short tags are mapped to these).
    pub name: String,
    pub argument: &'n Node,
}

/// The intrinsic call `node` is, if it is one.
pub fn call(node: &Node) -> Option<Call<'_>> {
    match &node.kind {
        NodeKind::Tagged { tag, node: inner, .. } => {
            let bare = tag.strip_prefix('!')?;
            let name = if bare == "Ref" || bare == "Condition" {
                bare.to_string()
            } else {
                format!("Fn::{bare}")
            };
            Some(Call {
                name,
                argument: inner,
            })
        }
        NodeKind::Object(members) if members.len() == 1 => {
            let member = &members[0];
            (member.key == "Ref" || member.key.starts_with("Fn::")).then(|| Call {
                name: member.key.clone(),
                argument: &member.value,
            })
        }
        _ => None,
    }
}

/// What the evaluator knows about a template.
pub struct Template<'t> {
    pub root: &'t Node,
    index: Arc<TemplateIndex>,
    /// Each resource's physical name once worked out (`None`: not known
    /// statically, or being worked out). Names that refer to one another
    /// in a cycle end there instead of recursing, and a name many values
    /// use is evaluated once.
    names: std::sync::Mutex<HashMap<String, Option<String>>>,
}

/// Where a template's resources and parameters are, built once per file
/// and shared by every state machine read from it (a template of n
/// machines must not be indexed n times).
#[derive(Debug, Default)]
pub struct TemplateIndex {
    /// Each resource with a `Type`: its position in `Resources`, by
    /// logical id (a repeated id: the last one, as CloudFormation reads it).
    resources: BTreeMap<String, usize>,
    /// The positions of the resources of each type, in logical-id order.
    by_kind: HashMap<String, Vec<usize>>,
    parameters: HashSet<String>,
}

impl TemplateIndex {
    pub fn new(root: &Node) -> Self {
        let mut resources = BTreeMap::new();
        let members = root.get("Resources").map(Node::members).unwrap_or(&[]);
        for (i, member) in members.iter().enumerate() {
            if member.value.get("Type").and_then(Node::as_str).is_some() {
                resources.insert(member.key.clone(), i);
            }
        }
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        for &i in resources.values() {
            if let Some(kind) = members[i].value.get("Type").and_then(Node::as_str) {
                by_kind.entry(kind.to_string()).or_default().push(i);
            }
        }
        let parameters = root
            .get("Parameters")
            .map(Node::members)
            .unwrap_or(&[])
            .iter()
            .map(|m| m.key.clone())
            .collect();
        TemplateIndex {
            resources,
            by_kind,
            parameters,
        }
    }
}

impl<'t> Template<'t> {
    pub fn new(root: &'t Node) -> Self {
        Template::with_index(root, Arc::new(TemplateIndex::new(root)))
    }

    /// A template over `root` with the index built for it before.
    pub fn with_index(root: &'t Node, index: Arc<TemplateIndex>) -> Self {
        Template {
            root,
            index,
            names: Default::default(),
        }
    }

    /// The index, to share with the next reader of the same tree.
    pub fn index(&self) -> &Arc<TemplateIndex> {
        &self.index
    }

    /// The resource at position `i` of `Resources`; `None` when the index
    /// was built for another tree.
    fn at(&self, i: usize) -> Option<Resource<'t>> {
        let member = self.root.get("Resources")?.members().get(i)?;
        Some(Resource {
            id: &member.key,
            kind: member.value.get("Type").and_then(Node::as_str)?,
            properties: member.value.get("Properties"),
            member,
        })
    }

    pub fn resource(&self, id: &str) -> Option<Resource<'t>> {
        self.at(*self.index.resources.get(id)?).filter(|r| r.id == id)
    }

    /// Every resource, in logical-id order.
    pub fn resources(&self) -> impl Iterator<Item = Resource<'t>> + '_ {
        self.index.resources.values().filter_map(|&i| self.at(i))
    }

    /// The resources of one type, in logical-id order.
    pub fn resources_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = Resource<'t>> + 'a {
        let positions = self.index.by_kind.get(kind).map(Vec::as_slice).unwrap_or(&[]);
        positions
            .iter()
            .filter_map(|&i| self.at(i))
            .filter(move |r| r.kind == kind)
    }

    fn has_parameter(&self, name: &str) -> bool {
        self.index.parameters.contains(name)
    }

    /// The canonical string of a value; `None` when it cannot be known
    /// statically (a condition, an import, a list).
    pub fn eval(&self, node: &Node) -> Option<String> {
        self.eval_with(node, &HashMap::new(), 0)
    }

    fn eval_with(&self, node: &Node, vars: &HashMap<String, String>, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(call) = call(node) {
            return self.eval_call(&call, vars, depth + 1);
        }
        match &node.kind {
            NodeKind::String(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(n.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn eval_call(&self, invocation: &Call, vars: &HashMap<String, String>, depth: usize) -> Option<String> {
        let arg = invocation.argument.untagged();
        match invocation.name.as_str() {
            "Ref" => self.reference_at(arg.as_str()?, depth),
            "Fn::GetAtt" => {
                let (id, attribute) = match &arg.kind {
                    NodeKind::String(s) => s.split_once('.')?,
                    NodeKind::Array(items) if items.len() == 2 => (items[0].as_str()?, items[1].as_str()?),
                    _ => return None,
                };
                self.attribute_at(id, attribute, depth)
            }
            "Fn::Sub" => {
                let (text, bindings) = match &arg.kind {
                    NodeKind::String(s) => (s.as_str(), None),
                    NodeKind::Array(items) if !items.is_empty() => (items[0].as_str()?, items.get(1)),
                    _ => return None,
                };
                let mut local = vars.clone();
                for member in bindings.map(Node::members).unwrap_or(&[]) {
                    let value = self
                        .eval_with(&member.value, vars, depth + 1)
                        .unwrap_or_else(|| format!("${{{}}}", member.key));
                    local.insert(member.key.clone(), value);
                }
                Some(self.substitute_at(text, &local, depth))
            }
            "Fn::Join" => {
                let items = arg.elements();
                let delimiter = items.first()?.as_str()?;
                let parts = items.get(1)?.untagged().elements();
                let mut out = Vec::with_capacity(parts.len());
                for part in parts {
                    out.push(self.eval_with(part, vars, depth + 1)?);
                }
                Some(out.join(delimiter))
            }
            "Fn::Select" => {
                let items = arg.elements();
                let index: usize = self.eval_with(items.first()?, vars, depth + 1)?.parse().ok()?;
                let list = items.get(1)?.untagged();
                match &list.kind {
                    NodeKind::Array(values) => self.eval_with(values.get(index)?, vars, depth + 1),
                    _ => {
                        let call = call(list)?;
                        if call.name != "Fn::Split" {
                            return None;
                        }
                        let split = call.argument.untagged().elements();
                        let delimiter = split.first()?.as_str()?;
                        let whole = self.eval_with(split.get(1)?, vars, depth + 1)?;
                        whole.split(delimiter).nth(index).map(str::to_string)
                    }
                }
            }
            "Fn::Base64" => self.eval_with(arg, vars, depth + 1),
            "Fn::FindInMap" => {
                let items = arg.elements();
                let mut node = self.root.get("Mappings")?;
                for key in items.iter().take(3) {
                    let key = self.eval_with(key, vars, depth + 1)?;
                    node = node.get(&key)?;
                }
                (items.len() == 3).then_some(())?;
                self.eval_with(node, vars, depth + 1)
            }
            _ => None,
        }
    }

    /// `${Name}` in a `Fn::Sub` text: a binding, a pseudo parameter, a
    /// template parameter or resource (`Ref`), or `Resource.Attribute`.
    /// `${!Literal}` stays `${Literal}` in the result, as AWS writes it.
    pub fn substitute(&self, text: &str, vars: &HashMap<String, String>) -> String {
        self.substitute_at(text, vars, 0)
    }

    fn substitute_at(&self, text: &str, vars: &HashMap<String, String>, depth: usize) -> String {
        replace_placeholders(text, |name| {
            Some(if let Some(literal) = name.strip_prefix('!') {
                format!("${{{literal}}}")
            } else if let Some(value) = vars.get(name) {
                value.clone()
            } else if let Some((id, attribute)) = name.split_once('.') {
                self.attribute_at(id, attribute, depth)?
            } else {
                self.reference_at(name, depth)?
            })
        })
    }

    /// `Ref` of a pseudo parameter, a parameter or a resource.
    pub fn reference(&self, name: &str) -> Option<String> {
        self.reference_at(name, 0)
    }

    fn reference_at(&self, name: &str, depth: usize) -> Option<String> {
        match name {
            "AWS::Partition" => return Some("aws".into()),
            "AWS::URLSuffix" => return Some("amazonaws.com".into()),
            "AWS::NoValue" | "AWS::NotificationARNs" => return None,
            _ if name.starts_with("AWS::") => return Some(format!("${{{name}}}")),
            _ => {}
        }
        if self.has_parameter(name) {
            return Some(format!("${{{name}}}"));
        }
        let resource = self.resource(name)?;
        Some(match shape(resource.kind).and_then(|s| s.reference.text()) {
            Some(reference) => self.expand_at(&resource, reference, depth),
            None => format!("${{{name}}}"),
        })
    }

    /// `Fn::GetAtt` of a resource's attribute.
    pub fn attribute(&self, id: &str, attribute: &str) -> Option<String> {
        self.attribute_at(id, attribute, 0)
    }

    fn attribute_at(&self, id: &str, attribute: &str, depth: usize) -> Option<String> {
        let resource = self.resource(id)?;
        let expanded = shape(resource.kind).and_then(|shape| {
            shape
                .forms()
                .find(|(name, _)| *name == attribute)
                .map(|(_, form)| self.expand_at(&resource, form, depth))
        });
        Some(expanded.unwrap_or_else(|| format!("${{{id}.{attribute}}}")))
    }

    /// Fills a shape's form: `{name}` is the physical name (the literal
    /// name property, else the reference that yields it at deploy time).
    fn expand(&self, resource: &Resource, form: &str) -> String {
        self.expand_at(resource, form, 0)
    }

    fn expand_at(&self, resource: &Resource, form: &str, depth: usize) -> String {
        let shape = shape(resource.kind);
        let name = self.physical_name(resource, depth).unwrap_or_else(|| {
            let token = shape.map(|s| s.name_token).unwrap_or("");
            if token.is_empty() {
                format!("${{{}}}", resource.id)
            } else {
                format!("${{{}.{token}}}", resource.id)
            }
        });
        // A task definition's revision is known only once it is registered.
        form.replace("{name}", &name)
            .replace("{revision}", &format!("${{{}.Revision}}", resource.id))
    }

    /// The literal value of a resource's name property, if it can be known.
    fn physical_name(&self, resource: &Resource, depth: usize) -> Option<String> {
        let property = shape(resource.kind)
            .and_then(|s| s.name_property)
            .and_then(|p| resource.property(p))?;
        {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(known) = names.get(resource.id) {
                return known.clone();
            }
            // Being worked out: a cycle back here finds it unknown.
            names.insert(resource.id.to_string(), None);
        }
        let name = self
            .eval_with(property, &HashMap::new(), depth + 1)
            .filter(|n| !n.is_empty());
        self.names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(resource.id.to_string(), name.clone());
        name
    }

    /// Every canonical form a resource reference can take, longest first,
    /// with the reference that writes it (`Worker.Arn`, or `Worker` for a Ref).
    pub fn references(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for resource in self.resources() {
            let Some(shape) = shape(resource.kind) else {
                continue;
            };
            for (attribute, form) in shape.forms() {
                out.push((
                    self.expand(&resource, form),
                    format!("{}.{attribute}", resource.id),
                ));
            }
            if let Some(reference) = shape.reference.text() {
                out.push((self.expand(&resource, reference), resource.id.to_string()));
            }
        }
        out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// Resolves every intrinsic in a tree to a string node with the same
    /// span, and substitutes `${Name}` placeholders in strings from
    /// `substitutions` (a state machine's `DefinitionSubstitutions`).
    /// What cannot be resolved stays as written.
    /// `substitutions` is `None` for a policy (its `${aws:username}` policy
    /// variables stay), `Some` for a definition.
    pub fn resolve_tree(&self, node: &Node, substitutions: Option<&HashMap<String, String>>) -> Node {
        self.resolve_at(node, substitutions, 0)
    }

    fn resolve_at(&self, node: &Node, subs: Option<&HashMap<String, String>>, depth: usize) -> Node {
        // Trees are at most 512 deep (the parsers' cap); this bounds the
        // recursion even for a tree built some other way.
        if depth > 600 {
            return node.clone();
        }
        if let Some(c) = call(node) {
            // What cannot be known (a condition, an import) becomes a
            // placeholder that may stand for anything, not a hole.
            let value = self.eval(node).unwrap_or_else(|| format!("${{?{}}}", c.name));
            return Node::new(node.span, NodeKind::String(value));
        }
        let kind = match &node.kind {
            NodeKind::Object(members) => NodeKind::Object(
                members
                    .iter()
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_span: m.key_span,
                        value: self.resolve_at(&m.value, subs, depth + 1),
                    })
                    .collect(),
            ),
            NodeKind::Array(items) => NodeKind::Array(
                items
                    .iter()
                    .map(|i| self.resolve_at(i, subs, depth + 1))
                    .collect(),
            ),
            NodeKind::String(s) if subs.is_some() && s.contains("${") => {
                NodeKind::String(substitute_only(s, subs.unwrap_or(&HashMap::new())))
            }
            NodeKind::Tagged { node: inner, .. } => return self.resolve_at(inner, subs, depth + 1),
            other => other.clone(),
        };
        Node::new(node.span, kind)
    }
}

/// Substitutes `${Name}` placeholders in every string of a definition
/// file (`DefinitionUri`), touching nothing else; see [`substitute_only`].
pub fn substitute_tree(node: &Node, subs: &HashMap<String, String>) -> Node {
    let mut root = node.clone();
    let mut stack: Vec<&mut Node> = vec![&mut root];
    while let Some(n) = stack.pop() {
        match &mut n.kind {
            NodeKind::String(s) if s.contains("${") => *s = substitute_only(s, subs),
            NodeKind::Object(members) => stack.extend(members.iter_mut().map(|m| &mut m.value)),
            NodeKind::Array(items) => stack.extend(items.iter_mut()),
            NodeKind::Tagged { node, .. } => stack.push(node),
            _ => {}
        }
    }
    root
}

/// Replaces `${Name}` placeholders that `subs` defines. One it does not
/// define is not replaced at deployment either: it becomes `${?Name}`, a
/// value nothing is known about.
pub fn substitute_only(text: &str, subs: &HashMap<String, String>) -> String {
    replace_placeholders(text, |name| match subs.get(name) {
        Some(value) => Some(value.clone()),
        None if name.starts_with('?') => None,
        None => Some(format!("${{?{name}}}")),
    })
}

/// Replaces each `${name}` of `text` with what `replacement` gives for its
/// (trimmed) name; `None` keeps the placeholder as written.
pub fn replace_placeholders(text: &str, mut replacement: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        match replacement(after[..close].trim()) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..open + 2 + close + 1]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Writes canonical strings back as the template's own references: the
/// exact form of a resource attribute becomes `{"Fn::GetAtt": [Id, Attr]}`,
/// of a `Ref` becomes `{"Ref": Id}`, and anything else with a placeholder
/// becomes `{"Fn::Sub": ...}` with `${AWS::Partition}` for the partition.
/// (The YAML editor prints these as `!GetAtt`, `!Ref` and `!Sub`.)
pub struct Encoder {
    /// Each canonical form and its reference, longest form first.
    references: Vec<(String, String)>,
    /// The first reference of each form, by form, and the forms' lengths,
    /// longest first: a place in a string is tried against each length
    /// once, not against every reference of the template.
    by_form: HashMap<String, usize>,
    lengths: Vec<usize>,
    /// The bytes a form may start with.
    starts: [bool; 256],
    terraform: Option<TerraformNames>,
}

/// What a Terraform module writes for the pseudo parameters: the
/// references of its `aws_region`, `aws_caller_identity` and
/// `aws_partition` data sources, where it has them.
#[derive(Clone, Debug, Default)]
pub struct TerraformNames {
    pub region: Option<String>,
    pub account: Option<String>,
    pub partition: Option<String>,
}

impl Encoder {
    pub fn new(template: &Template) -> Self {
        Encoder::indexed(template.references(), None)
    }

    fn indexed(references: Vec<(String, String)>, terraform: Option<TerraformNames>) -> Self {
        let mut by_form = HashMap::new();
        let mut lengths = Vec::new();
        let mut starts = [false; 256];
        for (i, (form, _)) in references.iter().enumerate() {
            let Some(&first) = form.as_bytes().first() else {
                continue;
            };
            starts[first as usize] = true;
            by_form.entry(form.clone()).or_insert(i);
            lengths.push(form.len());
        }
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        Encoder {
            references,
            by_form,
            lengths,
            starts,
            terraform,
        }
    }

    /// For Terraform: `references` pairs each canonical form with the
    /// expression that yields it (`aws_lambda_function.worker.arn`). A value
    /// that is exactly one reference becomes `{"$ref": expression}` (the
    /// HCL editor writes it bare); anything else a string with `${...}`
    /// interpolations.
    pub fn terraform(mut references: Vec<(String, String)>, names: TerraformNames) -> Self {
        references.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        references.dedup_by(|a, b| a.0 == b.0);
        Encoder::indexed(references, Some(names))
    }

    pub fn is_terraform(&self) -> bool {
        self.terraform.is_some()
    }

    pub fn encode(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => self.encode_str(s),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.encode(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.encode(v))).collect())
            }
            other => other.clone(),
        }
    }

    /// A reference is only recognised as a whole segment: a bare name
    /// (`orders`) must not match inside `orders-archive` or `preorders`.
    fn bounded(&self, before: &str, form: &str, after: &str) -> bool {
        let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        let after_ok = !after.chars().next().is_some_and(word);
        let qualified = form.starts_with("arn:") || form.starts_with("https:");
        let before_ok = qualified || !before.chars().next_back().is_some_and(word);
        after_ok && before_ok
    }

    pub fn encode_str(&self, text: &str) -> Value {
        let mut sub = String::with_capacity(text.len());
        let mut rest = text;
        'outer: while !rest.is_empty() {
            // The longest form `rest` starts with (one form per length can).
            if self.starts[rest.as_bytes()[0] as usize] {
                for &len in &self.lengths {
                    let Some(head) = rest.get(..len) else {
                        continue;
                    };
                    let Some(&i) = self.by_form.get(head) else {
                        continue;
                    };
                    let (form, reference) = &self.references[i];
                    if self.bounded(&sub, form, &rest[len..]) {
                        sub.push_str("${");
                        sub.push_str(reference);
                        sub.push('}');
                        rest = &rest[len..];
                        continue 'outer;
                    }
                }
            }
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                sub.push(c);
            }
            rest = chars.as_str();
        }
        if let Some(names) = &self.terraform {
            return terraform_value(sub, names);
        }
        if !sub.contains("${") {
            return Value::String(text.to_string());
        }
        if let Some(reference) = sub.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
            let pseudo = reference.starts_with("AWS::") && !reference[5..].contains([':', '$', '{', '}']);
            if pseudo {
                return json!({"Ref": reference});
            }
            if !reference.contains(['$', '{', '}', ':']) {
                return match reference.split_once('.') {
                    Some((id, attribute)) => json!({"Fn::GetAtt": [id, attribute]}),
                    None => json!({"Ref": reference}),
                };
            }
        }
        let sub = match sub.strip_prefix("arn:aws:") {
            Some(tail) => format!("arn:${{AWS::Partition}}:{tail}"),
            None => sub,
        };
        json!({"Fn::Sub": sub})
    }
}

/// A Terraform value: pseudo parameters written as the module's data
/// sources, and a lone reference marked for writing bare.
fn terraform_value(mut sub: String, names: &TerraformNames) -> Value {
    if let Some(region) = &names.region {
        sub = sub.replace("${AWS::Region}", &format!("${{{region}}}"));
    }
    if let Some(account) = &names.account {
        sub = sub.replace("${AWS::AccountId}", &format!("${{{account}}}"));
    }
    if let Some(partition) = &names.partition {
        if let Some(tail) = sub.strip_prefix("arn:aws:") {
            sub = format!("arn:${{{partition}}}:{tail}");
        }
    }
    if let Some(reference) = sub.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
        if !reference.contains(['$', '{', '}', ':', ' ']) {
            return json!({ "$ref": reference });
        }
    }
    Value::String(sub)
}

#[cfg(test)]
mod tests {

    /// Every shape's ARN forms resolve from the Service Authorization
    /// Reference snapshot to the forms CloudFormation's references take.
    #[test]
    fn shapes_take_their_arn_formats_from_the_reference() {
        let arn = |kind: &str| super::shape(kind).and_then(|s| s.arn).and_then(|f| f.text());
        let expected = [
            (
                "AWS::Lambda::Function",
                "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:{name}",
            ),
            (
                "AWS::DynamoDB::Table",
                "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/{name}",
            ),
            (
                "AWS::SQS::Queue",
                "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:{name}",
            ),
            (
                "AWS::StepFunctions::StateMachine",
                "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:{name}",
            ),
            ("AWS::S3::Bucket", "arn:aws:s3:::{name}"),
            (
                "AWS::Events::EventBus",
                "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/{name}",
            ),
            ("AWS::IAM::Role", "arn:aws:iam::${AWS::AccountId}:role/{name}"),
            (
                "AWS::ECS::Cluster",
                "arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:cluster/{name}",
            ),
            (
                "AWS::Logs::LogGroup",
                "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:{name}:*",
            ),
            (
                "AWS::CodeBuild::Project",
                "arn:aws:codebuild:${AWS::Region}:${AWS::AccountId}:project/{name}",
            ),
            (
                "AWS::Kinesis::Stream",
                "arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/{name}",
            ),
        ];
        for (kind, form) in expected {
            assert_eq!(arn(kind), Some(form), "{kind}");
        }
        let topic = super::shape("AWS::SNS::Topic").unwrap();
        assert_eq!(
            topic.reference.text(),
            Some("arn:aws:sns:${AWS::Region}:${AWS::AccountId}:{name}")
        );
        let activity = super::shape("AWS::StepFunctions::Activity").unwrap();
        assert_eq!(
            activity.reference.text(),
            Some("arn:aws:states:${AWS::Region}:${AWS::AccountId}:activity:{name}")
        );
    }

    use super::*;
    use crate::core::syntax::yaml::parse;

    const TEMPLATE: &str = "\
Parameters:
  Stage:
    Type: String
Resources:
  Worker:
    Type: AWS::Serverless::Function
  Named:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub ${Stage}-named
  Jobs:
    Type: AWS::SQS::Queue
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
";

    fn value(template: &Template, text: &str) -> Option<String> {
        let root = parse(text).root.unwrap();
        template.eval(root.get("v").unwrap())
    }

    #[test]
    fn references_expand_to_arns() {
        let root = parse(TEMPLATE).root.unwrap();
        let t = Template::new(&root);
        let worker = "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}";
        assert_eq!(value(&t, "v: !GetAtt Worker.Arn").as_deref(), Some(worker));
        assert_eq!(
            value(&t, "v: {'Fn::GetAtt': [Worker, Arn]}").as_deref(),
            Some(worker)
        );
        assert_eq!(
            value(
                &t,
                "v: !Sub 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}'"
            )
            .as_deref(),
            Some(worker)
        );
        assert_eq!(
            value(&t, "v: !Sub '${Worker.Arn}:*'"),
            Some(format!("{worker}:*"))
        );
        assert_eq!(value(&t, "v: !Ref Worker").as_deref(), Some("${Worker}"));
        assert_eq!(
            value(&t, "v: !GetAtt Named.Arn").as_deref(),
            Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Stage}-named")
        );
        assert_eq!(
            value(&t, "v: !Ref Jobs").as_deref(),
            Some("https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/${Jobs.QueueName}")
        );
        assert_eq!(
            value(
                &t,
                "v: !Join ['', ['arn:', !Ref AWS::Partition, ':dynamodb:*:*:table/', !Ref Orders]]"
            )
            .as_deref(),
            Some("arn:aws:dynamodb:*:*:table/orders")
        );
        assert_eq!(
            value(&t, "v: !Sub ['${A}/x', {A: !GetAtt Orders.Arn}]").as_deref(),
            Some("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders/x")
        );
        assert_eq!(value(&t, "v: !If [C, a, b]"), None);
        let mapped = "Mappings:\n  Names:\n    Tables:\n      Orders: orders-v2\nv: !FindInMap [Names, Tables, Orders]\n";
        let root = parse(mapped).root.unwrap();
        assert_eq!(
            Template::new(&root).eval(root.get("v").unwrap()).as_deref(),
            Some("orders-v2")
        );
        assert_eq!(value(&t, "v: !Sub '${!Literal}'").as_deref(), Some("${Literal}"));
    }

    #[test]
    fn encoder_writes_the_templates_references() {
        let root = parse(TEMPLATE).root.unwrap();
        let t = Template::new(&root);
        let e = Encoder::new(&t);
        let worker = "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}";
        assert_eq!(e.encode_str(worker), json!({"Fn::GetAtt": ["Worker", "Arn"]}));
        assert_eq!(
            e.encode_str(&format!("{worker}:*")),
            json!({"Fn::Sub": "${Worker.Arn}:*"})
        );
        assert_eq!(
            e.encode_str("arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/R"),
            json!({"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/R"})
        );
        assert_eq!(
            e.encode_str("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders"),
            json!({"Fn::GetAtt": ["Orders", "Arn"]})
        );
        assert_eq!(e.encode_str("arn:aws:s3:::b/*"), json!("arn:aws:s3:::b/*"));
    }
}
