//! `asl-path`: the JSONPath fields of JSONPath states. `InputPath` and
//! `OutputPath` are paths; `ResultPath`, `ItemsPath` and every `...Path`
//! field are reference paths (one node: no wildcards, filters, slices or
//! unions); `ResultPath` writes into the state's input, so it starts with
//! `$`, never `$$` or a variable.

use super::common::{string_range, DefinitionContext};
use crate::core::asl::jsonpath::{self, PathRoot};
use crate::core::asl::{intrinsics, QueryLanguage, State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Member, Node, NodeKind};

pub const PATH: RuleMeta = RuleMeta {
    id: "asl-path",
    default_severity: Severity::Error,
    summary: "An invalid JSONPath, or a path where a reference path is required",
};

pub const ENTRY: Rule = Rule {
    meta: PATH,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any JSONPath (wildcards, filters and slices allowed).
    Path,
    /// A reference path: one node.
    Reference,
    /// A reference path into the state input (`ResultPath`).
    Result,
}

/// Checks one path value; `what` names the field in messages.
pub fn check_path(
    ctx: &DefinitionContext,
    node: &Node,
    text: &str,
    expect: Expect,
    what: &str,
    out: &mut Vec<Finding>,
) {
    match jsonpath::parse(text) {
        Err(e) => {
            let hint = if intrinsics::looks_like_call(text) {
                " (intrinsic functions are not allowed here)".to_string()
            } else {
                String::new()
            };
            out.push(ctx.finding(
                &PATH,
                string_range(ctx.text, node, e.start, e.end),
                format!("{what} is not a valid JSONPath: {}{hint}", e.message),
            ));
        }
        Ok(path) => {
            if expect != Expect::Path && !path.reference {
                let (s, e) = path.non_reference_at.unwrap_or((0, text.len()));
                out.push(ctx.finding(
                    &PATH,
                    string_range(ctx.text, node, s, e),
                    format!("{what} must be a reference path naming one node: no wildcards, filters, slices, unions or \"..\""),
                ));
            }
            if expect == Expect::Result {
                let bad = match path.root {
                    PathRoot::Input => None,
                    PathRoot::Context => Some((0, 2, "the context object (\"$$\") is read-only")),
                    PathRoot::Variable { start, end } => Some((
                        0,
                        end.max(start),
                        "a variable cannot be written through ResultPath; use \"Assign\"",
                    )),
                };
                if let Some((s, e, why)) = bad {
                    out.push(ctx.finding(
                        &PATH,
                        string_range(ctx.text, node, s, e),
                        format!("{what} must start with \"$\": {why}"),
                    ));
                }
            }
        }
    }
}

const REFERENCE_FIELDS: &[&str] = &[
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state.query_language != QueryLanguage::JsonPath || state.kind == StateType::Unknown {
            continue;
        }
        for member in state.node.members() {
            let key = member.key.as_str();
            match key {
                "InputPath" | "OutputPath" => nullable(ctx, member, Expect::Path, out),
                "ResultPath" => nullable(ctx, member, Expect::Result, out),
                "ErrorPath" | "CausePath" => {
                    // These also take an intrinsic function.
                    if let Some(text) = member.value.as_str() {
                        if !intrinsics::looks_like_call(text) {
                            check_path(ctx, &member.value, text, Expect::Reference, &quoted(key), out);
                        }
                    } else {
                        wrong_type(ctx, member, out);
                    }
                }
                k if REFERENCE_FIELDS.contains(&k) => match member.value.as_str() {
                    Some(text) => check_path(ctx, &member.value, text, Expect::Reference, &quoted(key), out),
                    None => wrong_type(ctx, member, out),
                },
                _ => {}
            }
        }
        nested(ctx, state, out);
    }
}

/// `...Path` fields inside ItemReader and ItemBatcher.
fn nested(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    if state.kind != StateType::Map {
        return;
    }
    let objects = [
        state.field("ItemReader").and_then(|r| r.get("ReaderConfig")),
        state.field("ItemBatcher"),
    ];
    for object in objects.into_iter().flatten() {
        for member in object.members() {
            if member.key.ends_with("Path") {
                match member.value.as_str() {
                    Some(text) => check_path(
                        ctx,
                        &member.value,
                        text,
                        Expect::Reference,
                        &quoted(&member.key),
                        out,
                    ),
                    None => wrong_type(ctx, member, out),
                }
            }
        }
    }
}

fn nullable(ctx: &DefinitionContext, member: &Member, expect: Expect, out: &mut Vec<Finding>) {
    match &member.value.kind {
        NodeKind::Null => {}
        NodeKind::String(text) => check_path(ctx, &member.value, text, expect, &quoted(&member.key), out),
        _ => wrong_type(ctx, member, out),
    }
}

fn wrong_type(ctx: &DefinitionContext, member: &Member, out: &mut Vec<Finding>) {
    out.push(ctx.finding(
        &PATH,
        member.value.span,
        format!(
            "\"{}\" must be a path string, not {}",
            member.key,
            member.value.type_name()
        ),
    ));
}

fn quoted(key: &str) -> String {
    format!("\"{key}\"")
}
