//! Where each Task argument's value comes from: a literal, the execution
//! input (a confused-deputy risk), or something the workflow computed; and
//! whether every path from `StartAt` to the task passes a Choice rule that
//! restricts that input value. An abstract interpretation over the state
//! graph: values are shapes of provenance, joined at merge points, with a
//! must-set of validated input origins.

mod eval;
mod shape;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::core::asl::model::{QueryLanguage, ScopeId, StateId, StateMachine, StateType};
use crate::core::asl::paths::{self, RefPath, Root, Segment};
use crate::core::hash::FastMap;
use crate::core::syntax::Node;
use crate::core::text::TextRange;

use self::eval::{
    apply_path, eval_path_string, eval_template, eval_value, is_literal, partial_literal, restricted_origins,
    Ctx,
};
use self::shape::{literal, object, Env, Fields};
pub use self::shape::{Leaf, Obj, Shape};

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
            // An array: element `i` is branch `i`'s output; an index we cannot
            // name (`[*]`, or one past the branches) reads as any branch's.
            // When some branch was not lowered (not an object), the children
            // do not line up with the indices, and every element is any branch's.
            StateType::Parallel => {
                let branch_input = arguments().unwrap_or_else(|| effective.clone());
                let mut branches = Fields::new();
                let mut joined: Option<Shape> = None;
                let aligned = node.get("Branches").map(|b| b.elements().len()) == Some(state.children.len());
                if depth < 32 {
                    for (i, &child) in state.children.iter().enumerate() {
                        let entry = Env {
                            input: branch_input.clone(),
                            variables: env.variables.clone(),
                            validated: env.validated.clone(),
                        };
                        let out = self.scope(child, entry, depth + 1);
                        joined = Some(match joined {
                            Some(j) => j.join(&out),
                            None => out.clone(),
                        });
                        if aligned {
                            branches.insert(Segment::Index(i), out);
                        }
                    }
                }
                object(branches, joined.unwrap_or_else(Shape::computed))
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
                let item = items.select(&[Segment::Any]);
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
                // A batch is `{"Items": [...], "BatchInput": ...}`, its
                // `BatchInput` evaluated over the state's input.
                let item_input = match node.get("ItemBatcher") {
                    Some(batcher) => {
                        let mut batch = Fields::new();
                        batch.insert(Segment::field("Items"), object(Fields::new(), item_input));
                        if let Some(fixed) = batcher.get("BatchInput") {
                            batch.insert(Segment::field("BatchInput"), eval_value(fixed, &ctx, jsonata, 0));
                        }
                        object(batch, Shape::computed())
                    }
                    None => item_input,
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
