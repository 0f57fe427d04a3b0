//! Evaluating a state's templates, paths and Choice rules over shapes.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use super::shape::{literal, object, Env, Fields, Leaf, Shape, MAX_TEMPLATE_DEPTH};
use crate::core::asl::paths::{self, RefPath, Root, Segment};
use crate::core::syntax::Node;

/// A template value as JSON, each field whose value comes from the data
/// (`Key.$`, a JSONata expression) standing as the string `${?}`, which the
/// catalog reads as "known only at run time". `None` past the depth limit.
pub(super) fn partial_literal(node: &Node, jsonata: bool, depth: usize) -> Option<Value> {
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
pub(super) fn is_literal(node: &Node, jsonata: bool) -> bool {
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

pub(super) struct Ctx<'s> {
    /// What `$` (JSONPath) or `$states.input` (JSONata) is.
    pub(super) current: &'s Shape,
    pub(super) env: &'s Env,
    /// `$states.result` in JSONata `Output`/`Assign`.
    pub(super) result: Option<&'s Shape>,
}

pub(super) fn resolve(path: &RefPath, ctx: &Ctx) -> Shape {
    match &path.root {
        Root::Current => ctx.current.select(&path.segments),
        Root::Context => {
            let segs = &path.segments;
            if segs.len() >= 2 && segs[0].is("Execution") && segs[1].is("Input") {
                Shape::Leaf(Leaf::Input(Arc::from("$"))).select(&segs[2..])
            } else if segs.len() >= 2 && segs[0].is("Map") && segs[1].is("Item") {
                match ctx.env.variables.get("states.mapitem") {
                    Some(item) if segs.get(2).is_some_and(|s| s.is("Value")) => item.select(&segs[3..]),
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
pub(super) fn eval_path_string(text: Option<&str>, ctx: &Ctx) -> Shape {
    let Some(text) = text else {
        return Shape::computed();
    };
    if let Some(path) = paths::parse(text) {
        return resolve(&path, ctx);
    }
    join_references(&paths::intrinsic_references(text), ctx)
}

pub(super) fn join_references(refs: &[RefPath], ctx: &Ctx) -> Shape {
    let mut leaf = Leaf::Computed;
    for r in refs {
        if let Leaf::Input(o) = resolve(r, ctx).summary() {
            leaf = Leaf::Input(o);
            break;
        }
    }
    Shape::Leaf(leaf)
}

pub(super) fn eval_value(node: &Node, ctx: &Ctx, jsonata: bool, depth: usize) -> Shape {
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

pub(super) fn eval_template(node: &Node, ctx: &Ctx, jsonata: bool, depth: usize) -> Shape {
    if !node.is_object() || depth > MAX_TEMPLATE_DEPTH {
        return eval_value(node, ctx, jsonata, depth + 1);
    }
    let mut fields = Fields::new();
    for member in node.members() {
        match member.key.strip_suffix(".$") {
            Some(name) if !jsonata => {
                fields.insert(Segment::field(name), eval_path_string(member.value.as_str(), ctx));
            }
            _ => {
                fields.insert(
                    Segment::field(&member.key),
                    eval_value(&member.value, ctx, jsonata, depth + 1),
                );
            }
        }
    }
    object(fields, Shape::computed())
}

pub(super) fn apply_path(shape: &Shape, path: Option<&Node>, env: &Env) -> Shape {
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
pub(super) fn restricted_origins(rule: &Node, input: &Shape, env: &Env, jsonata: bool) -> BTreeSet<String> {
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

pub(super) fn comparison_restricted(rule: &Node, ctx: &Ctx, depth: usize) -> BTreeSet<String> {
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
pub(super) fn jsonata_restricted(body: &str, ctx: &Ctx) -> BTreeSet<String> {
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
