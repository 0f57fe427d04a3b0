//! `unvalidated-input-target`: a task's target (function, cluster, table,
//! queue, state machine, ...) comes from the execution input, and not every
//! path to the task passes a Choice rule that restricts it. Whoever starts
//! the execution chooses what the role acts on: a confused deputy.

use serde_json::{json, Value};

use super::unscoped_lambda_invoke::unknown_segments;
use crate::core::asl::dataflow::{Argument, Leaf};
use crate::core::catalog::{self, NeedKind};
use crate::core::diagnostic::{FileEdit, Finding, Fix, Severity};
use crate::core::fix;
use crate::core::iam::{self, Decision, StatementRef};
use crate::core::permissions::context::{Context, Task};
use crate::core::permissions::policy_fix;
use crate::core::permissions::statement_location;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const RULE: RuleMeta = RuleMeta {
    id: "unvalidated-input-target",
    default_severity: Severity::Warning,
    summary: "A task's target comes from execution input without a validating Choice",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: true,
    },
};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for task in &ctx.tasks {
        let targets = catalog::target_arguments(&task.resource);
        for argument in &task.arguments {
            let Leaf::Input(origin) = &argument.provenance else {
                continue;
            };
            if argument.validated || !targets.contains(&argument.name.as_str()) {
                continue;
            }
            report(ctx, task, argument, origin, out);
        }
    }
}

fn report(ctx: &Context, task: &Task, argument: &Argument, origin: &str, out: &mut Vec<Finding>) {
    // The need the argument picks the resource of: the call's, or the
    // `iam:PassRole` of a role argument. Without one, no grant is judged.
    let call = task.needs.iter().find(|n| {
        matches!(n.need.kind, NeedKind::Call | NeedKind::PassRole)
            && n.need.target_argument.as_deref() == Some(argument.name.as_str())
    });
    let pattern = catalog::input_pattern(&task.resource, &argument.name, &ctx.arn);
    // Statements that grant the call, and whether one of them lets the
    // input name a target nobody listed.
    let mut granting: Vec<StatementRef> = Vec::new();
    let mut wildcard = false;
    let mut broader = false;
    if let Some(call) = call {
        for pair in &call.pairs {
            if let Decision::Allowed { by, .. } = &pair.decision {
                for r in by {
                    if !granting.contains(r) {
                        granting.push(*r);
                    }
                    let statement = ctx.statement(*r);
                    if let Some(resources) = &statement.resources {
                        wildcard |= resources.negated
                            || resources
                                .items
                                .iter()
                                .any(|item| admits_any_target(&pair.resource, &item.value));
                        // Wider than the account- and region-scoped
                        // pattern: what the policy fix narrows.
                        broader |= resources.negated
                            || resources
                                .items
                                .iter()
                                .any(|item| !iam::pattern_covers(&pair.resource, &item.value, false));
                    }
                }
            }
        }
    }
    // Narrowing helps only a grant that lets the input choose.
    let broader = broader && wildcard;
    let severity = if wildcard {
        Severity::Error
    } else {
        RULE.default_severity
    };
    let message = format!(
        "\"{}\" comes from the execution input ({origin}) and no Choice rule restricts it on every path to \"{}\": whoever starts the execution chooses the target{}",
        argument.name,
        task.state.name,
        if broader {
            ", and the role allows any"
        } else if wildcard {
            ", and the role allows it on a wildcard pattern"
        } else {
            ""
        }
    );
    let location = ctx.def_location(argument.key_span.cover(argument.value_span));
    let mut finding = Finding::new(RULE.id, severity, location, message.clone());
    for r in &granting {
        finding = finding.with_related(
            statement_location(ctx, *r, None),
            "The statement that allows the call",
        );
    }
    if let (Some(pattern), Some(path)) = (&pattern, &argument.test_path) {
        if let Some(edits) = choice_fix(ctx, task, argument, path, pattern) {
            finding = finding.with_fix(Fix {
                title: format!(
                    "Insert a Choice that admits only {pattern} before \"{}\"{}",
                    task.state.name,
                    unknown_segments(ctx)
                ),
                preferred: true,
                safe: true,
                edits,
            });
        }
    }
    let policy_fix = call.and_then(|call| {
        let actions: Vec<String> = call.need.actions.clone();
        let mut edits = Vec::new();
        for r in &granting {
            let focus = |a: &str| actions.iter().any(|x| x.eq_ignore_ascii_case(a));
            edits.extend(policy_fix::scope_statement(
                ctx,
                *r,
                Some(&focus),
                &Default::default(),
            )?);
        }
        (!edits.is_empty() && broader).then(|| Fix {
            title: format!(
                "Scope {} to {}{}",
                actions.join(", "),
                call.need.resources.join(", "),
                unknown_segments(ctx)
            ),
            preferred: false,
            safe: true,
            edits,
        })
    });
    if let Some(fix) = &policy_fix {
        finding = finding.with_fix(fix.clone());
    }
    out.push(finding);
    if wildcard {
        for r in &granting {
            let mut on_policy = Finding::new(
                RULE.id,
                severity,
                statement_location(ctx, *r, None),
                message.clone(),
            )
            .with_related(
                location,
                format!("\"{}\" of \"{}\"", argument.name, task.state.name),
            );
            if let Some(fix) = &policy_fix {
                on_policy = on_policy.with_fix(fix.clone());
            }
            out.push(on_policy);
        }
    }
}

/// A name no one gives a resource: what the input could name in place of
/// the values the workflow uses.
const PROBE: &str = "asl-lsp-unlisted-target";

/// Whether the grant `item` allows the call on a target nobody listed:
/// `need` (the pattern the input fills, `*` where it does) with a made-up
/// name in each input-chosen place. Region, account and partition left
/// open (`*`) or written as template references take the grant's own, so
/// only the part the input names decides.
fn admits_any_target(need: &str, item: &str) -> bool {
    let probe = |resource: &str| resource.replace('*', PROBE).replace('?', "x");
    let candidate = match (need.starts_with("arn:"), item.starts_with("arn:")) {
        (true, true) => {
            let need_parts: Vec<&str> = need.splitn(6, ':').collect();
            let item_parts: Vec<&str> = item.splitn(6, ':').collect();
            if need_parts.len() < 6 || item_parts.len() < 6 {
                probe(need)
            } else {
                let open = |v: &str| v.contains(['*', '?']) || v.contains("${");
                let mut parts: Vec<String> = Vec::with_capacity(6);
                for (i, (n, g)) in need_parts.iter().zip(&item_parts).enumerate() {
                    parts.push(match i {
                        1 | 3 | 4 if open(n) => g.to_string(),
                        _ => probe(n),
                    });
                }
                parts.join(":")
            }
        }
        // The call names its target in no ARN form the catalog knows (its
        // need is `*`): a grant on every resource of a type (`*`,
        // `foundation-model/*`) allows any.
        _ if !need.starts_with("arn:") => {
            let resource = item.splitn(6, ':').nth(5).unwrap_or(item);
            let any = match resource.find(['/', ':']) {
                Some(at) => &resource[at + 1..],
                None => resource,
            };
            return item == "*" || (item.starts_with("arn:") && any == "*");
        }
        _ => probe(need),
    };
    // A template reference or variable in either (`${BucketName}`) is one
    // fixed value, not any: only itself matches it. Pseudo parameters stand
    // for the one region and account.
    iam::resource_matches(&opaque(item), &opaque(&candidate))
}

/// `text` with each placeholder that is not a pseudo parameter written as
/// plain text, so that it matches only itself.
fn opaque(text: &str) -> String {
    crate::core::template::intrinsics::replace_placeholders(text, |name| {
        (!name.starts_with("AWS::")).then(|| format!("{{{name}}}"))
    })
}

/// Inserts `Check <task>` (a Choice admitting only `pattern`) and
/// `<task> rejected` (a Fail) in front of the task, and re-points every
/// edge into the task at the Choice.
fn choice_fix(
    ctx: &Context,
    task: &Task,
    argument: &Argument,
    path: &str,
    pattern: &str,
) -> Option<Vec<FileEdit>> {
    let definition = &ctx.unit.definition;
    if definition.map.is_some() {
        return None;
    }
    let file = definition.file;
    let text = ctx.unit_text(file);
    let machine = ctx.machine;
    let state = task.state;
    let scope = machine.scope(state.scope);
    let taken = |name: &str| machine.find(state.scope, name).is_some();
    let check_name = fresh_name(&format!("Check {} {}", argument.name, state.name), &taken);
    let fail_name = fresh_name(&format!("{} rejected", state.name), &|n| {
        taken(n) || n == check_name
    });

    let mut choice = serde_json::Map::new();
    choice.insert("Type".into(), json!("Choice"));
    choice.insert(
        "Comment".into(),
        json!(format!(
            "Admit only {} values in this account and region",
            argument.name
        )),
    );
    let rule = if state.query_language == crate::core::asl::QueryLanguage::Jsonata {
        json!({"Condition": format!("{{% $contains({}, /{}/) %}}", jsonata_expression(path)?, anchored_regex(pattern)), "Next": state.name})
    } else {
        json!({"Variable": path, "StringMatches": pattern, "Next": state.name})
    };
    choice.insert("Choices".into(), json!([rule]));
    choice.insert("Default".into(), json!(fail_name));
    let fail = json!({
        "Type": "Fail",
        "Error": "InvalidTarget",
        "Cause": format!("{} is not an allowed target", argument.name),
    });

    let editor = fix::editor(definition.dialect)?;
    let states_node = scope.states_node?;
    let before = states_node
        .members()
        .iter()
        .position(|m| std::ptr::eq(m, state.member))?;
    let mut edits = editor.insert_members_before(
        file,
        text,
        states_node,
        before,
        &[
            (check_name.clone(), Value::Object(choice)),
            (fail_name.clone(), fail),
        ],
    )?;
    let mut repoint = |node: &Node| {
        if node.as_str() == Some(state.name) {
            if let Some(more) = editor.set_string(file, text, node, &check_name) {
                edits.extend(more);
            }
        }
    };
    if let Some(start) = scope.start_at {
        repoint(start);
    }
    for &other in &scope.states {
        for (_, node) in machine.state(other).transitions() {
            repoint(node);
        }
    }
    Some(edits)
}

/// A JSONPath reference written as the JSONata expression for the same value.
fn jsonata_expression(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("$$.") {
        return Some(format!("$states.context.{rest}"));
    }
    if let Some(rest) = path.strip_prefix("$.") {
        return Some(format!("$states.input.{rest}"));
    }
    if path == "$" {
        return Some("$states.input".into());
    }
    path.starts_with('$').then(|| path.to_string())
}

/// `arn:aws:lambda:us-east-1:1:function:*` → `^arn:aws:lambda:us-east-1:1:function:.*$`.
fn anchored_regex(pattern: &str) -> String {
    let mut out = String::from("^");
    for c in pattern.chars() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '.' | '+' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '$' | '|' | '\\' | '/' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('$');
    out
}

/// A state name not yet taken, at most 80 characters (the ASL limit).
fn fresh_name(base: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let base: String = base.chars().take(76).collect();
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|c| !taken(c))
        .unwrap_or(base)
}
