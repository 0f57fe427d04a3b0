//! Where each Task argument's value comes from: a literal, the execution
//! input (a confused-deputy risk), or something the workflow computed; and
//! whether every path from `StartAt` to the task passes a Choice rule that
//! restricts that input value. An abstract interpretation over the state
//! graph: values are shapes of provenance, joined at merge points, with a
//! must-set of validated input origins.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use crate::core::asl::model::{QueryLanguage, ScopeId, StateId, StateMachine, StateType};
use crate::core::asl::paths::{self, RefPath, Root};
use crate::core::hash::FastMap;
use crate::core::syntax::Node;
use crate::core::text::TextRange;

/// What a value is made of.
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    /// Computed by the workflow (a service result, a context value).
    Computed,
    /// A literal written in the definition.
    Literal(Arc<Value>),
    /// Taken from the execution input at this path (`$.a.b` of the input).
    Input(Arc<str>),
}

/// The provenance of a value. Objects are shared (`Arc`), so passing a shape
/// from state to state costs nothing and an update copies one level.
#[derive(Clone, Debug)]
pub enum Shape {
    Leaf(Leaf),
    Object(Arc<Obj>),
}

/// Known fields, and what any other field (or array element) is. The
/// fields are a persistent map: a state that sets one field shares the
/// rest with its input, so long workflows stay linear.
#[derive(Clone, Debug)]
pub struct Obj {
    fields: Fields,
    rest: Shape,
    /// An upper bound of the nesting below this object.
    depth: usize,
}

type Fields = imbl::OrdMap<Arc<str>, Shape>;

impl PartialEq for Obj {
    fn eq(&self, other: &Obj) -> bool {
        self.rest == other.rest && (self.fields.ptr_eq(&other.fields) || self.fields == other.fields)
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Leaf(a), Shape::Leaf(b)) => a == b,
            (Shape::Object(a), Shape::Object(b)) => Arc::ptr_eq(a, b) || **a == **b,
            _ => false,
        }
    }
}

const MAX_SHAPE_DEPTH: usize = 8;
const MAX_TEMPLATE_DEPTH: usize = 16;

fn object(fields: Fields, rest: Shape) -> Shape {
    let depth = 1 + fields
        .values()
        .chain(std::iter::once(&rest))
        .map(Shape::depth)
        .max()
        .unwrap_or(0);
    Shape::Object(Arc::new(Obj { fields, rest, depth }))
}

/// Appends one path segment to an input origin (`.name`, or `[*]`).
fn push_segment(out: &mut String, seg: &str) {
    if seg == "*" {
        out.push_str("[*]");
    } else {
        out.push('.');
        out.push_str(seg);
    }
}

fn literal(value: Value) -> Shape {
    Shape::Leaf(Leaf::Literal(Arc::new(value)))
}

impl Shape {
    fn computed() -> Shape {
        Shape::Leaf(Leaf::Computed)
    }

    fn child(&self, seg: &str) -> Shape {
        match self {
            Shape::Leaf(Leaf::Input(origin)) => {
                let mut out = String::from(&**origin);
                push_segment(&mut out, seg);
                Shape::Leaf(Leaf::Input(out.into()))
            }
            Shape::Leaf(Leaf::Literal(v)) => match v.get(seg) {
                Some(inner) => literal(inner.clone()),
                None => Shape::computed(),
            },
            Shape::Leaf(Leaf::Computed) => Shape::computed(),
            Shape::Object(obj) => obj.fields.get(seg).cloned().unwrap_or_else(|| obj.rest.clone()),
        }
    }

    /// The value at `segments`. Once the walk reaches an input leaf, the
    /// rest of the path is appended in one go (linear in the path's length).
    fn select(&self, segments: &[String]) -> Shape {
        let mut current = self.clone();
        for (i, seg) in segments.iter().enumerate() {
            match current {
                Shape::Leaf(Leaf::Input(origin)) => {
                    let mut out = String::from(&*origin);
                    for seg in &segments[i..] {
                        push_segment(&mut out, seg);
                    }
                    return Shape::Leaf(Leaf::Input(out.into()));
                }
                Shape::Leaf(Leaf::Computed) => return Shape::computed(),
                _ => current = current.child(seg),
            }
        }
        current
    }

    /// The shape with the value at `segments` replaced. A path deeper than
    /// [`MAX_SHAPE_DEPTH`] stops at that depth: what lies below becomes one
    /// leaf joining the old value there with the new one, so a path of any
    /// length costs a fixed depth (and no recursion).
    fn set(self, segments: &[String], value: Shape) -> Shape {
        let (segments, value) = if segments.len() > MAX_SHAPE_DEPTH {
            let (kept, _) = segments.split_at(MAX_SHAPE_DEPTH);
            let old = self.select(kept).summary();
            (kept, Shape::Leaf(join_leaf(&value.summary(), &old)))
        } else {
            (segments, value)
        };
        // Walk down, remembering each level's fields, then rebuild upwards.
        let mut levels: Vec<(Fields, Shape, usize, Arc<str>)> = Vec::with_capacity(segments.len());
        let mut current = self;
        for seg in segments {
            let (fields, rest, depth) = match current {
                Shape::Object(obj) => (obj.fields.clone(), obj.rest.clone(), obj.depth),
                Shape::Leaf(Leaf::Literal(v)) if v.is_object() => {
                    let fields: Fields = v
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (Arc::from(k.as_str()), literal(v.clone())))
                        .collect();
                    (fields, Shape::computed(), 1)
                }
                // Writing into a leaf: the other fields keep the leaf's provenance.
                leaf => (Fields::new(), leaf, 1),
            };
            let key: Arc<str> = Arc::from(seg.as_str());
            current = fields.get(&key).cloned().unwrap_or_else(|| rest.child(seg));
            levels.push((fields, rest, depth, key));
        }
        let mut inner = value;
        while let Some((mut fields, rest, depth, key)) = levels.pop() {
            let depth = depth.max(1 + inner.depth());
            fields.insert(key, inner);
            inner = Shape::Object(Arc::new(Obj { fields, rest, depth }));
        }
        inner
    }

    fn join(&self, other: &Shape) -> Shape {
        self.join_at(other, 0)
    }

    fn join_at(&self, other: &Shape, depth: usize) -> Shape {
        if self == other {
            return self.clone();
        }
        match (self, other) {
            (Shape::Leaf(a), Shape::Leaf(b)) => Shape::Leaf(join_leaf(a, b)),
            _ if depth >= MAX_SHAPE_DEPTH => Shape::Leaf(join_leaf(&self.summary(), &other.summary())),
            _ => {
                let (af, ar) = self.as_object();
                let (bf, br) = other.as_object();
                let mut fields = Fields::new();
                for key in af.keys().chain(bf.keys()) {
                    if fields.contains_key(key) {
                        continue;
                    }
                    let a = af.get(key).cloned().unwrap_or_else(|| ar.child(key));
                    let b = bf.get(key).cloned().unwrap_or_else(|| br.child(key));
                    fields.insert(key.clone(), a.join_at(&b, depth + 1));
                }
                object(fields, ar.join_at(&br, depth + 1))
            }
        }
    }

    fn as_object(&self) -> (Fields, Shape) {
        match self {
            Shape::Object(obj) => (obj.fields.clone(), obj.rest.clone()),
            Shape::Leaf(Leaf::Literal(v)) if v.is_object() => (
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (Arc::from(k.as_str()), literal(v.clone())))
                    .collect(),
                Shape::computed(),
            ),
            leaf => (Fields::new(), leaf.clone()),
        }
    }

    /// One leaf standing for the whole value: input if any part is input.
    pub fn summary(&self) -> Leaf {
        match self {
            Shape::Leaf(l) => l.clone(),
            Shape::Object(obj) => {
                let mut stack: Vec<&Obj> = vec![obj];
                while let Some(o) = stack.pop() {
                    for s in o.fields.values().chain(std::iter::once(&o.rest)) {
                        match s {
                            Shape::Leaf(Leaf::Input(origin)) => return Leaf::Input(origin.clone()),
                            Shape::Leaf(_) => {}
                            Shape::Object(inner) => stack.push(inner),
                        }
                    }
                }
                Leaf::Computed
            }
        }
    }

    fn depth(&self) -> usize {
        match self {
            Shape::Leaf(_) => 0,
            Shape::Object(obj) => obj.depth,
        }
    }

    /// Folds everything below the depth limit into one leaf, so loops that
    /// nest a value deeper on every turn still reach a fixed point.
    fn depth_bounded(self) -> Shape {
        if self.depth() <= MAX_SHAPE_DEPTH {
            return self;
        }
        self.truncate(0)
    }

    fn truncate(&self, depth: usize) -> Shape {
        match self {
            Shape::Object(_) if depth >= MAX_SHAPE_DEPTH => Shape::Leaf(self.summary()),
            Shape::Object(obj) => object(
                obj.fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.truncate(depth + 1)))
                    .collect(),
                obj.rest.truncate(depth + 1),
            ),
            leaf => leaf.clone(),
        }
    }
}

fn join_leaf(a: &Leaf, b: &Leaf) -> Leaf {
    match (a, b) {
        (Leaf::Input(o), _) | (_, Leaf::Input(o)) => Leaf::Input(o.clone()),
        (Leaf::Literal(x), Leaf::Literal(y)) if x == y => Leaf::Literal(x.clone()),
        _ => Leaf::Computed,
    }
}

/// What the analysis knows at a state's entry.
#[derive(Clone, Debug, PartialEq)]
struct Env {
    input: Shape,
    variables: imbl::OrdMap<String, Shape>,
    /// Input origins restricted by a Choice rule on every path to here.
    validated: imbl::OrdSet<String>,
}

impl Env {
    fn join(&self, other: &Env) -> Env {
        let mut variables = self.variables.clone();
        let shared = self.variables.ptr_eq(&other.variables);
        for (k, v) in other.variables.iter().filter(|_| !shared) {
            let joined = match variables.get(k) {
                Some(mine) => mine.join(v),
                None => v.clone(),
            };
            variables.insert(k.clone(), joined);
        }
        Env {
            input: self.input.join(&other.input),
            variables,
            validated: if self.validated.ptr_eq(&other.validated) {
                self.validated.clone()
            } else {
                self.validated.clone().intersection(other.validated.clone())
            },
        }
    }
}

/// One argument of a Task, as the permission rules need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Argument {
    pub name: String,
    /// Key and value of the argument as written.
    pub key_span: TextRange,
    pub value_span: TextRange,
    pub provenance: Leaf,
    /// For input-derived values: restricted by a dominating Choice rule.
    pub validated: bool,
    /// A JSONPath (in the task's own input, or `$$`/`$var`) a Choice in front
    /// of the task can test, when the value is a plain reference.
    pub test_path: Option<String>,
}

/// The arguments of every Task state.
pub type TaskArguments = FastMap<StateId, Vec<Argument>>;

pub fn analyze(machine: &StateMachine) -> TaskArguments {
    let mut out = TaskArguments::default();
    let entry = Env {
        input: Shape::Leaf(Leaf::Input(Arc::from("$"))),
        variables: imbl::OrdMap::new(),
        validated: imbl::OrdSet::new(),
    };
    let mut flow = Flow {
        machine,
        out: &mut out,
    };
    flow.scope(ScopeId(0), entry, 0);
    out
}

struct Flow<'m, 'a> {
    machine: &'m StateMachine<'a>,
    out: &'m mut TaskArguments,
}

impl Flow<'_, '_> {
    /// Runs a scope to a fixed point and returns the join of its terminal outputs.
    fn scope(&mut self, scope: ScopeId, entry: Env, depth: usize) -> Shape {
        let machine = self.machine;
        let Some(start) = machine.start_state(scope) else {
            return Shape::computed();
        };
        let mut inputs: FastMap<StateId, Env> = FastMap::default();
        inputs.insert(start, entry);
        let mut work = vec![start];
        let mut visits: FastMap<StateId, usize> = FastMap::default();
        let mut terminal: Option<Shape> = None;
        let limit = 8;
        while let Some(id) = work.pop() {
            let count = visits.entry(id).or_insert(0);
            *count += 1;
            if *count > limit {
                continue;
            }
            let Some(env) = inputs.get(&id).cloned() else {
                continue;
            };
            let edges = self.state(id, &env, depth);
            for (target, out_env) in edges {
                match target {
                    None => {
                        terminal = Some(match terminal {
                            Some(t) => t.join(&out_env.input),
                            None => out_env.input,
                        })
                    }
                    Some(next) => match inputs.get(&next) {
                        None => {
                            inputs.insert(next, out_env);
                            work.push(next);
                        }
                        Some(old) => {
                            let merged = old.join(&out_env);
                            if &merged != old {
                                inputs.insert(next, merged);
                                work.push(next);
                            }
                        }
                    },
                }
            }
        }
        terminal.unwrap_or_else(Shape::computed)
    }

    /// Transfers one state; returns (successor or `None` for the end, env).
    fn state(&mut self, id: StateId, env: &Env, depth: usize) -> Vec<(Option<StateId>, Env)> {
        let machine = self.machine;
        let state = machine.state(id);
        let node = state.node;
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let scope = state.scope;
        let find = |name: Option<&str>| name.and_then(|n| machine.find(scope, n));

        // Effective input and the arguments the state works with.
        let effective = if jsonata {
            env.input.clone()
        } else {
            apply_path(&env.input, node.get("InputPath"), env)
        };
        let ctx = Ctx {
            current: &effective,
            env,
            result: None,
        };
        let template_field = if jsonata { "Arguments" } else { "Parameters" };
        // Only a Pass or a Parallel passes its arguments on (a Task's go to
        // the service, below).
        let arguments = || {
            node.get(template_field)
                .map(|t| eval_template(t, &ctx, jsonata, 0))
        };

        if state.kind == StateType::Task {
            let args = self.task_arguments(state.node, node.get(template_field), &ctx, jsonata, env);
            self.out.insert(id, args);
        }

        // The state's result.
        let result = match state.kind {
            StateType::Task => Shape::computed(),
            StateType::Pass => match node.get("Result") {
                Some(r) => literal(r.to_json()),
                None => arguments().unwrap_or_else(|| effective.clone()),
            },
            StateType::Parallel => {
                let branch_input = arguments().unwrap_or_else(|| effective.clone());
                let mut joined: Option<Shape> = None;
                if depth < 32 {
                    for &child in &state.children {
                        let entry = Env {
                            input: branch_input.clone(),
                            variables: env.variables.clone(),
                            validated: env.validated.clone(),
                        };
                        let out = self.scope(child, entry, depth + 1);
                        joined = Some(match joined {
                            Some(j) => j.join(&out),
                            None => out,
                        });
                    }
                }
                object(Fields::new(), joined.unwrap_or_else(Shape::computed))
            }
            StateType::Map => {
                let items = if jsonata {
                    match node.get("Items") {
                        Some(i) => eval_value(i, &ctx, true, 0),
                        None => effective.clone(),
                    }
                } else {
                    apply_path(&effective, node.get("ItemsPath"), env)
                };
                let item = items.select(&["*".to_string()]);
                let selector = node.get("ItemSelector").or_else(|| node.get("Parameters"));
                let item_input = match selector {
                    Some(sel) => {
                        let mut vars = env.clone();
                        vars.variables.insert("states.mapitem".into(), item.clone());
                        let ctx = Ctx {
                            current: &effective,
                            env: &vars,
                            result: None,
                        };
                        eval_template(sel, &ctx, jsonata, 0)
                    }
                    None => item,
                };
                let mut out = Shape::computed();
                if depth < 32 {
                    if let Some(&child) = state.children.first() {
                        let entry = Env {
                            input: item_input,
                            variables: env.variables.clone(),
                            validated: env.validated.clone(),
                        };
                        out = self.scope(child, entry, depth + 1);
                    }
                }
                object(Fields::new(), out)
            }
            _ => effective.clone(),
        };
        let result = match node.get("ResultSelector") {
            Some(sel) if !jsonata => {
                let ctx = Ctx {
                    current: &result,
                    env,
                    result: None,
                };
                eval_template(sel, &ctx, false, 0)
            }
            _ => result,
        };

        // Output.
        let output = if jsonata {
            match node.get("Output") {
                Some(o) => {
                    let ctx = Ctx {
                        current: &env.input,
                        env,
                        result: Some(&result),
                    };
                    eval_value(o, &ctx, true, 0)
                }
                None if matches!(state.kind, StateType::Task | StateType::Parallel | StateType::Map) => {
                    result.clone()
                }
                None => env.input.clone(),
            }
        } else {
            let placed = match state.kind {
                StateType::Task | StateType::Pass | StateType::Parallel | StateType::Map => {
                    match node.get("ResultPath") {
                        None => result.clone(),
                        Some(p) if matches!(p.kind, crate::core::syntax::NodeKind::Null) => env.input.clone(),
                        Some(p) => match p.as_str().and_then(paths::parse) {
                            Some(RefPath {
                                root: Root::Current,
                                segments,
                            }) => env.input.clone().set(&segments, result.clone()),
                            _ => result.clone(),
                        },
                    }
                }
                _ => effective.clone(),
            };
            apply_path(&placed, node.get("OutputPath"), env)
        };
        let output = output.depth_bounded();

        // Variables.
        let mut variables = env.variables.clone();
        if let Some(assign) = node.get("Assign") {
            let base = match state.kind {
                StateType::Task | StateType::Parallel | StateType::Map => &result,
                _ => &effective,
            };
            let ctx = Ctx {
                current: if jsonata { &env.input } else { base },
                env,
                result: Some(&result),
            };
            for member in assign.members() {
                let (name, value) = match member.key.strip_suffix(".$") {
                    Some(name) if !jsonata => {
                        (name.to_string(), eval_path_string(member.value.as_str(), &ctx))
                    }
                    _ => (member.key.clone(), eval_value(&member.value, &ctx, jsonata, 0)),
                };
                variables.insert(name, value.depth_bounded());
            }
        }
        let next_env = |validated: imbl::OrdSet<String>| Env {
            input: output.clone(),
            variables: variables.clone(),
            validated,
        };

        let mut edges = Vec::new();
        match state.kind {
            StateType::Choice => {
                for rule in node.get("Choices").map(Node::elements).unwrap_or(&[]) {
                    let mut validated = env.validated.clone();
                    validated.extend(restricted_origins(rule, &effective, env, jsonata));
                    edges.push((find(rule.get("Next").and_then(Node::as_str)), next_env(validated)));
                }
                if let Some(default) = node.get("Default").and_then(Node::as_str) {
                    edges.push((find(Some(default)), next_env(env.validated.clone())));
                }
                edges.retain(|(t, _)| t.is_some());
            }
            _ => {
                if state.is_terminal() {
                    edges.push((None, next_env(env.validated.clone())));
                } else if let Some(next) = find(node.get("Next").and_then(Node::as_str)) {
                    edges.push((Some(next), next_env(env.validated.clone())));
                }
            }
        }
        for catcher in node.get("Catch").map(Node::elements).unwrap_or(&[]) {
            if let Some(next) = find(catcher.get("Next").and_then(Node::as_str)) {
                let input = match catcher
                    .get("ResultPath")
                    .and_then(Node::as_str)
                    .and_then(paths::parse)
                {
                    Some(RefPath {
                        root: Root::Current,
                        segments,
                    }) if !jsonata => env.input.clone().set(&segments, Shape::computed()),
                    _ if jsonata => env.input.clone(),
                    _ => Shape::computed(),
                };
                edges.push((
                    Some(next),
                    Env {
                        input,
                        variables: env.variables.clone(),
                        validated: env.validated.clone(),
                    },
                ));
            }
        }
        edges
    }

    fn task_arguments(
        &self,
        state_node: &Node,
        template: Option<&Node>,
        ctx: &Ctx,
        jsonata: bool,
        env: &Env,
    ) -> Vec<Argument> {
        let input_path = if jsonata {
            None
        } else {
            state_node
                .get("InputPath")
                .and_then(Node::as_str)
                .and_then(paths::parse)
        };
        let mut args = Vec::new();
        for member in template.map(Node::members).unwrap_or(&[]) {
            let dynamic_key = !jsonata && member.key.ends_with(".$");
            let name = member
                .key
                .strip_suffix(".$")
                .filter(|_| !jsonata)
                .unwrap_or(&member.key)
                .to_string();
            let (shape, reference) = if dynamic_key {
                let text = member.value.as_str();
                (eval_path_string(text, ctx), text.and_then(paths::parse))
            } else if jsonata {
                let body = member.value.as_str().and_then(paths::jsonata_body);
                let refs = body.map(paths::jsonata_references).unwrap_or_default();
                let single = match (body, refs.as_slice()) {
                    (Some(b), [r]) if b.starts_with('$') && !b.contains(['&', '(', ' ']) => Some(r.clone()),
                    _ => None,
                };
                (eval_value(&member.value, ctx, true, 0), single)
            } else {
                (eval_value(&member.value, ctx, false, 0), None)
            };
            // Targets are strings: an argument built as an object is only
            // summarised when it is a plain leaf, which keeps this O(1).
            let provenance = match &shape {
                Shape::Leaf(leaf) => leaf.clone(),
                Shape::Object(_) if !dynamic_key && is_literal(&member.value, jsonata) => {
                    Leaf::Literal(Arc::new(member.value.to_json()))
                }
                // An object with some fields from the data keeps its literal
                // fields (a static `EventBusName` beside `Detail.$`).
                Shape::Object(_) if !dynamic_key => match partial_literal(&member.value, jsonata, 0) {
                    Some(value) => Leaf::Literal(Arc::new(value)),
                    None => Leaf::Computed,
                },
                Shape::Object(_) => Leaf::Computed,
            };
            let validated = match &provenance {
                Leaf::Input(origin) => env.validated.contains(&**origin),
                _ => false,
            };
            let test_path = reference.map(|r| match (&r.root, &input_path) {
                (Root::Current, Some(ip)) if ip.root == Root::Current => {
                    let mut segments = ip.segments.clone();
                    segments.extend(r.segments.iter().cloned());
                    RefPath {
                        root: Root::Current,
                        segments,
                    }
                    .to_jsonpath()
                }
                _ => r.to_jsonpath(),
            });
            args.push(Argument {
                name,
                key_span: member.key_span,
                value_span: member.value.span,
                provenance,
                validated,
                test_path,
            });
        }
        args
    }
}

/// A template value as JSON, each field whose value comes from the data
/// (`Key.$`, a JSONata expression) standing as the string `${?}`, which the
/// catalog reads as "known only at run time". `None` past the depth limit.
fn partial_literal(node: &Node, jsonata: bool, depth: usize) -> Option<Value> {
    use crate::core::syntax::NodeKind;
    if depth > MAX_TEMPLATE_DEPTH {
        return None;
    }
    // The placeholder the template front ends also use for a value known
    // only at run time (`catalog::DYNAMIC_ELEMENT`).
    let unknown = || Value::String("${?}".to_string());
    Some(match &node.kind {
        NodeKind::Object(members) => {
            let mut out = serde_json::Map::new();
            for m in members {
                match m.key.strip_suffix(".$").filter(|_| !jsonata) {
                    Some(name) => {
                        out.insert(name.to_string(), unknown());
                    }
                    None => {
                        out.insert(m.key.clone(), partial_literal(&m.value, jsonata, depth + 1)?);
                    }
                }
            }
            Value::Object(out)
        }
        NodeKind::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| partial_literal(i, jsonata, depth + 1))
                .collect::<Option<_>>()?,
        ),
        NodeKind::String(s) if jsonata && paths::jsonata_body(s).is_some() => unknown(),
        _ => node.to_json(),
    })
}

/// Whether a template value holds no path, intrinsic or JSONata expression.
fn is_literal(node: &Node, jsonata: bool) -> bool {
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > MAX_TEMPLATE_DEPTH {
            return false;
        }
        match &n.kind {
            crate::core::syntax::NodeKind::Object(members) => {
                for m in members {
                    if !jsonata && m.key.ends_with(".$") {
                        return false;
                    }
                    stack.push((&m.value, depth + 1));
                }
            }
            crate::core::syntax::NodeKind::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            crate::core::syntax::NodeKind::String(s) if jsonata && paths::jsonata_body(s).is_some() => {
                return false
            }
            _ => {}
        }
    }
    true
}

struct Ctx<'s> {
    /// What `$` (JSONPath) or `$states.input` (JSONata) is.
    current: &'s Shape,
    env: &'s Env,
    /// `$states.result` in JSONata `Output`/`Assign`.
    result: Option<&'s Shape>,
}

fn resolve(path: &RefPath, ctx: &Ctx) -> Shape {
    match &path.root {
        Root::Current => ctx.current.select(&path.segments),
        Root::Context => {
            let segs = &path.segments;
            if segs.len() >= 2 && segs[0] == "Execution" && segs[1] == "Input" {
                Shape::Leaf(Leaf::Input(Arc::from("$"))).select(&segs[2..])
            } else if segs.len() >= 2 && segs[0] == "Map" && segs[1] == "Item" {
                match ctx.env.variables.get("states.mapitem") {
                    Some(item) if segs.get(2).map(String::as_str) == Some("Value") => item.select(&segs[3..]),
                    _ => Shape::computed(),
                }
            } else {
                Shape::computed()
            }
        }
        Root::Variable(name) if name == "states.result" => match ctx.result {
            Some(r) => r.select(&path.segments),
            None => Shape::computed(),
        },
        Root::Variable(name) => match ctx.env.variables.get(name) {
            Some(v) => v.select(&path.segments),
            None => Shape::computed(),
        },
    }
}

/// A `.$` value: a path or an intrinsic function.
fn eval_path_string(text: Option<&str>, ctx: &Ctx) -> Shape {
    let Some(text) = text else {
        return Shape::computed();
    };
    if let Some(path) = paths::parse(text) {
        return resolve(&path, ctx);
    }
    join_references(&paths::intrinsic_references(text), ctx)
}

fn join_references(refs: &[RefPath], ctx: &Ctx) -> Shape {
    let mut leaf = Leaf::Computed;
    for r in refs {
        if let Leaf::Input(o) = resolve(r, ctx).summary() {
            leaf = Leaf::Input(o);
            break;
        }
    }
    Shape::Leaf(leaf)
}

fn eval_value(node: &Node, ctx: &Ctx, jsonata: bool, depth: usize) -> Shape {
    if depth > MAX_TEMPLATE_DEPTH {
        return Shape::computed();
    }
    match &node.kind {
        crate::core::syntax::NodeKind::Object(_) => eval_template(node, ctx, jsonata, depth),
        crate::core::syntax::NodeKind::Array(items) => {
            let mut rest: Option<Shape> = None;
            for item in items {
                let s = eval_value(item, ctx, jsonata, depth + 1);
                rest = Some(match rest {
                    Some(r) => r.join(&s),
                    None => s,
                });
            }
            match rest {
                Some(r) if r.summary() != Leaf::Computed || matches!(r, Shape::Object(..)) => {
                    object(Fields::new(), r)
                }
                _ => literal(node.to_json()),
            }
        }
        crate::core::syntax::NodeKind::String(s) if jsonata => match paths::jsonata_body(s) {
            Some(body) => {
                let refs = paths::jsonata_references(body);
                if let ([only], true) = (
                    refs.as_slice(),
                    body.starts_with('$') && !body.contains(['&', '(', ' ']),
                ) {
                    resolve(only, ctx)
                } else {
                    join_references(&refs, ctx)
                }
            }
            None => literal(node.to_json()),
        },
        _ => literal(node.to_json()),
    }
}

fn eval_template(node: &Node, ctx: &Ctx, jsonata: bool, depth: usize) -> Shape {
    if !node.is_object() || depth > MAX_TEMPLATE_DEPTH {
        return eval_value(node, ctx, jsonata, depth + 1);
    }
    let mut fields = Fields::new();
    for member in node.members() {
        match member.key.strip_suffix(".$") {
            Some(name) if !jsonata => {
                fields.insert(Arc::from(name), eval_path_string(member.value.as_str(), ctx));
            }
            _ => {
                fields.insert(
                    Arc::from(member.key.as_str()),
                    eval_value(&member.value, ctx, jsonata, depth + 1),
                );
            }
        }
    }
    object(fields, Shape::computed())
}

fn apply_path(shape: &Shape, path: Option<&Node>, env: &Env) -> Shape {
    match path {
        None => shape.clone(),
        Some(n) if matches!(n.kind, crate::core::syntax::NodeKind::Null) => Shape::computed(),
        Some(n) => match n.as_str().and_then(paths::parse) {
            Some(p) => resolve(
                &p,
                &Ctx {
                    current: shape,
                    env,
                    result: None,
                },
            ),
            None => shape.clone(),
        },
    }
}

/// Input origins a Choice rule restricts when it matches: equality with a
/// literal, or a pattern narrower than `*`, on the value's path. `And`
/// restricts what any conjunct restricts; `Or` what every disjunct does.
fn restricted_origins(rule: &Node, input: &Shape, env: &Env, jsonata: bool) -> BTreeSet<String> {
    let ctx = Ctx {
        current: input,
        env,
        result: None,
    };
    if jsonata {
        let Some(body) = rule
            .get("Condition")
            .and_then(Node::as_str)
            .and_then(paths::jsonata_body)
        else {
            return BTreeSet::new();
        };
        return jsonata_restricted(body, &ctx);
    }
    comparison_restricted(rule, &ctx, 0)
}

fn comparison_restricted(rule: &Node, ctx: &Ctx, depth: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if depth > MAX_TEMPLATE_DEPTH {
        return out;
    }
    if let Some(all) = rule.get("And") {
        for r in all.elements() {
            out.extend(comparison_restricted(r, ctx, depth + 1));
        }
        return out;
    }
    if let Some(any) = rule.get("Or") {
        let mut sets = any
            .elements()
            .iter()
            .map(|r| comparison_restricted(r, ctx, depth + 1));
        if let Some(first) = sets.next() {
            return sets.fold(first, |acc, s| acc.intersection(&s).cloned().collect());
        }
        return out;
    }
    let Some(variable) = rule.get("Variable").and_then(Node::as_str).and_then(paths::parse) else {
        return out;
    };
    let restricts = rule.get("StringEquals").is_some()
        || rule
            .get("StringMatches")
            .and_then(Node::as_str)
            .is_some_and(|p| !p.trim_matches('*').is_empty());
    if restricts {
        if let Leaf::Input(origin) = resolve(&variable, ctx).summary() {
            out.insert(origin.to_string());
        }
    }
    out
}

/// JSONata conditions restrict a value they compare for equality
/// (`$states.input.fn = 'x'`, `$x in [...]`) or match against a pattern
/// (`$match(...)`, `$contains(...)`). A disjunction (`or`) restricts nothing
/// we can prove.
fn jsonata_restricted(body: &str, ctx: &Ctx) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if body.contains(" or ") {
        return out;
    }
    let compares = body.contains('=') && !body.contains("!=")
        || body.contains(" in ")
        || body.contains("$match(")
        || body.contains("$contains(");
    if !compares {
        return out;
    }
    for r in paths::jsonata_references(body) {
        if let Leaf::Input(origin) = resolve(&r, ctx).summary() {
            out.insert(origin.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::json;

    fn args_of(text: &str, state: &str) -> Vec<Argument> {
        let root = json::parse(text).root.unwrap();
        let machine = StateMachine::lower(&root);
        let result = analyze(&machine);
        let id = machine.states.iter().find(|s| s.name == state).unwrap().id;
        result.get(&id).cloned().unwrap_or_default()
    }

    fn provenance(text: &str, state: &str, arg: &str) -> (Leaf, bool) {
        let a = args_of(text, state).into_iter().find(|a| a.name == arg).unwrap();
        (a.provenance, a.validated)
    }

    const TASK: &str = r#""Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true"#;

    #[test]
    fn result_path_deeper_than_the_limit_is_cut_at_the_limit() {
        for n in [3, 9, 4_500, 100_000] {
            let deep = ".a".repeat(n);
            let text = format!(
                r#"{{"StartAt":"P","States":{{
                "P":{{"Type":"Pass","Parameters":{{"x.$":"$.fn"}},"ResultPath":"${deep}","Next":"T"}},
                "T":{{{TASK},"Parameters":{{"FunctionName.$":"${deep}.x"}}}}}}}}"#
            );
            let expected = if n <= MAX_SHAPE_DEPTH {
                "$.fn".to_string()
            } else {
                format!("$.fn{}.x", ".a".repeat(n - MAX_SHAPE_DEPTH))
            };
            assert_eq!(
                provenance(&text, "T", "FunctionName").0,
                Leaf::Input(expected.into())
            );
        }
    }

    #[test]
    fn catch_result_path_deeper_than_the_limit() {
        let deep = ".a".repeat(4_500);
        let text = format!(
            r#"{{"StartAt":"S","States":{{
            "S":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{{"FunctionName":"f"}},
                 "Catch":[{{"ErrorEquals":["States.ALL"],"ResultPath":"${deep}","Next":"T"}}],"End":true}},
            "T":{{{TASK},"Parameters":{{"FunctionName.$":"${deep}"}}}}}}}}"#
        );
        // The error lands below the limit: joined with the input it replaces.
        assert_eq!(
            provenance(&text, "T", "FunctionName").0,
            Leaf::Input(format!("${deep}").into())
        );
    }

    #[test]
    fn direct_input_reference() {
        let text = format!(
            r#"{{"StartAt":"T","States":{{"T":{{{TASK},"Parameters":{{"FunctionName.$":"$.fn","Payload":{{}}}}}}}}}}"#
        );
        assert_eq!(
            provenance(&text, "T", "FunctionName"),
            (Leaf::Input("$.fn".into()), false)
        );
        let a = args_of(&text, "T");
        assert_eq!(a[0].test_path.as_deref(), Some("$.fn"));
    }

    #[test]
    fn literal_and_context_are_not_input() {
        let text = format!(
            r#"{{"StartAt":"T","States":{{"T":{{{TASK},"Parameters":{{"FunctionName":"arn:aws:lambda:us-east-1:1:function:f","Id.$":"$$.Execution.Id","In.$":"$$.Execution.Input.x"}}}}}}}}"#
        );
        assert!(matches!(
            provenance(&text, "T", "FunctionName").0,
            Leaf::Literal(_)
        ));
        assert_eq!(provenance(&text, "T", "Id").0, Leaf::Computed);
        assert_eq!(provenance(&text, "T", "In").0, Leaf::Input("$.x".into()));
    }

    #[test]
    fn flows_through_pass_result_path_and_intrinsics() {
        let text = r#"{"StartAt":"P","States":{
            "P":{"Type":"Pass","Parameters":{"cfg.$":"$.settings"},"ResultPath":"$.c","Next":"Q"},
            "Q":{"Type":"Pass","Result":"literal","ResultPath":"$.lit","Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
                 "Parameters":{"FunctionName.$":"States.Format('fn-{}', $.c.cfg.name)","Other.$":"$.lit"}}}}"#;
        assert_eq!(
            provenance(text, "T", "FunctionName").0,
            Leaf::Input("$.settings.name".into())
        );
        assert_eq!(
            provenance(text, "T", "Other").0,
            Leaf::Literal(Arc::new(serde_json::json!("literal")))
        );
    }

    #[test]
    fn task_result_replaces_input() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"x"},"Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Parameters":{"FunctionName.$":"$.fn"}}}}"#;
        assert_eq!(provenance(text, "T", "FunctionName").0, Leaf::Computed);
    }

    #[test]
    fn choice_must_dominate() {
        let guarded = r#"{"StartAt":"C","States":{
            "C":{"Type":"Choice","Choices":[{"Variable":"$.fn","StringMatches":"arn:aws:lambda:us-east-1:1:function:*","Next":"T"}],"Default":"F"},
            "F":{"Type":"Fail"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Parameters":{"FunctionName.$":"$.fn"}}}}"#;
        assert_eq!(
            provenance(guarded, "T", "FunctionName"),
            (Leaf::Input("$.fn".into()), true)
        );
        let bypass = guarded.replace(r#""Default":"F""#, r#""Default":"T""#);
        assert_eq!(
            provenance(&bypass, "T", "FunctionName"),
            (Leaf::Input("$.fn".into()), false)
        );
        let star = guarded.replace("arn:aws:lambda:us-east-1:1:function:*", "*");
        assert!(!provenance(&star, "T", "FunctionName").1);
    }

    #[test]
    fn jsonata_and_variables() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
            "A":{"Type":"Pass","Assign":{"target":"{% $states.input.job.fn %}"},"Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
                 "Arguments":{"FunctionName":"{% $target %}","Payload":"{% $states.input %}"}}}}"#;
        assert_eq!(
            provenance(text, "T", "FunctionName").0,
            Leaf::Input("$.job.fn".into())
        );
        let a = args_of(text, "T");
        assert_eq!(a[0].test_path.as_deref(), Some("$target"));
    }

    #[test]
    fn map_items_carry_input() {
        let text = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.jobs","End":true,
            "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
            "Parameters":{"FunctionName.$":"$.fn"}}}}}}}"#;
        assert_eq!(
            provenance(text, "T", "FunctionName").0,
            Leaf::Input("$.jobs[*].fn".into())
        );
    }

    #[test]
    fn loops_terminate() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Parameters":{"x.$":"$"},"ResultPath":"$.deeper","Next":"A2"},
            "A2":{"Type":"Pass","Next":"A"}}}"#;
        let root = json::parse(text).root.unwrap();
        let machine = StateMachine::lower(&root);
        assert!(analyze(&machine).is_empty());
    }
}
