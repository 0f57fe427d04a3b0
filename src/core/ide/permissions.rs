//! What the role check says about each Task, at the cursor and beside it:
//! the hover text, inlay hints for what the role lacks, and navigation
//! between a Task's `Resource` and the policy statements that grant it.
//! All of them read the same permission context the rules build.

use std::fmt::Write;

use crate::core::asl::StateMachine;
use crate::core::catalog::MapSite;
use crate::core::diagnostic::Location;
use crate::core::files::{file_name, FileId, FileSet};
use crate::core::iam::{Decision, Effect, StatementRef};
use crate::core::permissions::context::{Context, PairCheck, Task};
use crate::core::text::TextRange;
use crate::core::unit::Unit;
use crate::core::workspace::Workspace;

use super::common::touches;

/// Runs `f` on the permission context of every state machine `select`
/// picks, skipping definitions held in a string (their spans are not the
/// file's); stops at the first `Some`.
pub(crate) fn find_in_contexts<T>(
    files: &FileSet,
    select: impl Fn(&Unit) -> bool,
    mut f: impl FnMut(&Context) -> Option<T>,
) -> Option<T> {
    let workspace = Workspace::new(files);
    for unit in crate::core::link::units(&workspace).0 {
        if unit.definition.map.is_some() || !select(&unit) {
            continue;
        }
        let machine = StateMachine::lower(&unit.definition.root);
        let ctx = Context::new(files, &unit, &machine);
        if let Some(found) = f(&ctx) {
            return Some(found);
        }
    }
    None
}

/// `f` on the context of every state machine written in `file`.
fn in_definitions<T>(files: &FileSet, file: FileId, f: impl FnMut(&Context) -> Option<T>) -> Option<T> {
    if file.0 as usize >= files.len() {
        return None;
    }
    find_in_contexts(files, |u| u.definition.file == file, f)
}

/// The markdown hover shows for a Task: each (action, resource) it needs
/// and what the role says to it.
pub(crate) fn task_markdown(ctx: &Context, task: &Task) -> String {
    let mut text = String::new();
    match task.map_site {
        None => {
            let resource = task.state.resource().unwrap_or("");
            let _ = writeln!(text, "**Task `{}`** — `{}`\n", task.state.name, resource);
        }
        Some(site) => {
            let what = match site {
                MapSite::ChildExecutions => "child workflow executions".to_string(),
                MapSite::ItemReader | MapSite::ResultWriter => {
                    let field = if site == MapSite::ItemReader {
                        "ItemReader"
                    } else {
                        "ResultWriter"
                    };
                    let resource = task
                        .state
                        .field(field)
                        .and_then(|f| f.get("Resource"))
                        .and_then(|r| r.as_str())
                        .unwrap_or("");
                    format!("{field} `{resource}`")
                }
            };
            let _ = writeln!(text, "**Distributed Map `{}`** — {what}\n", task.state.name);
        }
    }
    if task.needs.is_empty() {
        let _ = writeln!(text, "The execution role needs no permission for this task.");
    }
    for need in task.needs.iter() {
        for pair in &need.pairs {
            let verdict = match &pair.decision {
                Decision::Allowed { by, .. } if !by.is_empty() => {
                    let names: Vec<String> = by.iter().map(|&r| statement_name(ctx, r)).collect();
                    format!("allowed by {}", names.join(", "))
                }
                Decision::Allowed { conditional, .. } => format!(
                    "allowed only if {}",
                    conditional
                        .iter()
                        .map(|(_, c)| c.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Decision::ImplicitDeny if ctx.policies.is_empty() => "no role linked".to_string(),
                Decision::ImplicitDeny => "**not allowed**".to_string(),
                Decision::ExplicitDeny { .. } => "**explicitly denied**".to_string(),
            };
            let _ = writeln!(text, "- `{}` on `{}` — {}", pair.action, pair.resource, verdict);
        }
    }
    if let Some(source) = task.needs.first().map(|n| n.need.source) {
        let _ = writeln!(text, "\n[AWS documentation]({source})");
    }
    text
}

/// `file.policy.json `Sid`` (or `#n` for a statement without a Sid).
fn statement_name(ctx: &Context, r: StatementRef) -> String {
    let policy = &ctx.policies[r.policy];
    let statement = &policy.statements[r.statement];
    format!(
        "{} `{}`",
        file_name(ctx.files.path(policy.file)),
        statement
            .sid
            .clone()
            .unwrap_or_else(|| format!("#{}", r.statement + 1))
    )
}

/// The Task whose name or `Resource` is at `offset`, its range (name to
/// value) and its hover text.
pub(crate) fn task_hover(files: &FileSet, file: FileId, offset: usize) -> Option<(TextRange, String)> {
    in_definitions(files, file, |ctx| {
        let task = ctx
            .tasks
            .iter()
            .find(|t| touches(t.resource_location.range, offset) || touches(t.state.name_span(), offset))?;
        let range = task.state.member.key_span.cover(task.resource_location.range);
        Some((range, task_markdown(ctx, task)))
    })
}

/// An inlay hint after a Task's `Resource` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionHint {
    /// Just after the value (its closing quote).
    pub offset: usize,
    pub label: String,
    /// Markdown: the Task's hover text.
    pub tooltip: String,
}

/// At most this many actions are named in a hint; the rest are counted.
const HINT_ACTIONS: usize = 3;

/// One hint per Task of a definition in `file` that the role does not
/// fully allow, placed within `range` (ends included): `✗ missing a, b`
/// when actions are missing (`? possibly missing …` when some of the
/// role's policies are out of sight), else `⚠ conditional: a` when an
/// action is allowed only under a condition the analysis cannot decide.
/// Nothing for a definition without a role, nor for a Task the role
/// allows.
pub fn permission_hints(files: &FileSet, file: FileId, range: TextRange) -> Vec<PermissionHint> {
    let mut hints = Vec::new();
    in_definitions(files, file, |ctx| {
        if !ctx.has_role() {
            return None::<()>;
        }
        for task in &ctx.tasks {
            let offset = task.resource_location.range.end();
            if !touches(range, offset) {
                continue;
            }
            if let Some(label) = hint_label(ctx, task) {
                hints.push(PermissionHint {
                    offset,
                    label,
                    tooltip: task_markdown(ctx, task),
                });
            }
        }
        None
    });
    hints.sort_by_key(|h| h.offset);
    hints
}

fn hint_label(ctx: &Context, task: &Task) -> Option<String> {
    let mut missing: Vec<&str> = Vec::new();
    let mut conditional: Vec<&str> = Vec::new();
    for need in task.needs.iter() {
        for pair in need.missing() {
            if !missing.contains(&pair.action.as_str()) {
                missing.push(&pair.action);
            }
        }
        for pair in need.pairs.iter().filter(|p| !p.optional) {
            let only_if = matches!(&pair.decision, Decision::Allowed { by, .. } if by.is_empty());
            if only_if && !conditional.contains(&pair.action.as_str()) {
                conditional.push(&pair.action);
            }
        }
    }
    if !missing.is_empty() {
        let prefix = if ctx.unit.unknown_policies.is_empty() {
            "✗ missing"
        } else {
            "? possibly missing"
        };
        return Some(format!("{prefix} {}", shorten(&missing)));
    }
    if !conditional.is_empty() {
        return Some(format!("⚠ conditional: {}", shorten(&conditional)));
    }
    None
}

/// `a, b, c` or `a, b, c +2 more`.
fn shorten(actions: &[&str]) -> String {
    let shown = actions[..actions.len().min(HINT_ACTIONS)].join(", ");
    match actions.len().saturating_sub(HINT_ACTIONS) {
        0 => shown,
        more => format!("{shown} +{more} more"),
    }
}

/// The statements that allow what a pair needs (those a condition may
/// limit included); none for a pair the call does not require.
fn granting(ctx: &Context, pair: &PairCheck) -> Vec<StatementRef> {
    let Decision::Allowed { by, conditional } = &pair.decision else {
        return Vec::new();
    };
    if pair.optional {
        return Vec::new();
    }
    by.iter()
        .copied()
        .chain(conditional.iter().map(|(r, _)| *r))
        .filter(|&r| ctx.statement(r).effect == Effect::Allow)
        .collect()
}

fn statement_location(ctx: &Context, r: StatementRef) -> Location {
    Location {
        file: ctx.policies[r.policy].file,
        range: ctx.statement(r).span,
    }
}

/// From a Task's `Resource` value at `offset`: every policy statement that
/// grants one of its needs (the statement object), in policy order.
pub fn granting_statements(files: &FileSet, file: FileId, offset: usize) -> Vec<Location> {
    in_definitions(files, file, |ctx| {
        let task = ctx
            .tasks
            .iter()
            .find(|t| touches(t.resource_location.range, offset))?;
        let mut refs: Vec<StatementRef> = task
            .needs
            .iter()
            .flat_map(|n| n.pairs.iter())
            .flat_map(|p| granting(ctx, p))
            .collect();
        refs.sort();
        refs.dedup();
        Some(refs.into_iter().map(|r| statement_location(ctx, r)).collect())
    })
    .unwrap_or_default()
}

/// From a policy statement at `offset` in `file`: the `Resource` value of
/// every Task, in every state machine whose role has that policy, with a
/// need the statement grants; after the statement itself when
/// `include_declaration`. Sorted by file and position.
pub fn granted_tasks(
    files: &FileSet,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    if file.0 as usize >= files.len() {
        return Vec::new();
    }
    let mut statement: Option<Location> = None;
    let mut tasks: Vec<Location> = Vec::new();
    find_in_contexts(
        files,
        |u| u.policies.iter().any(|p| p.file == file),
        |ctx| {
            let at = ctx.policies.iter().enumerate().find_map(|(p, policy)| {
                if policy.file != file {
                    return None;
                }
                let s = policy.statements.iter().position(|s| touches(s.span, offset))?;
                Some(StatementRef {
                    policy: p,
                    statement: s,
                })
            })?;
            statement = Some(statement_location(ctx, at));
            for task in &ctx.tasks {
                let grants = task
                    .needs
                    .iter()
                    .flat_map(|n| n.pairs.iter())
                    .any(|p| granting(ctx, p).contains(&at));
                if grants {
                    tasks.push(task.resource_location);
                }
            }
            None::<()>
        },
    );
    tasks.sort_by_key(|l| (l.file, l.range.start, l.range.end));
    tasks.dedup();
    match statement {
        Some(declaration) if include_declaration => std::iter::once(declaration).chain(tasks).collect(),
        _ => tasks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFINITION: &str = r#"{"StartAt":"Invoke","States":{
"Invoke":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Worker"},"Next":"Pack"},
"Pack":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","Parameters":{"Cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/main","TaskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3"},"Next":"Wait"},
"Wait":{"Type":"Wait","Seconds":1,"End":true}}}"#;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"},
{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*"}]}"#;

    fn workspace(policy: Option<&str>) -> (FileSet, FileId, Option<FileId>) {
        let mut files = FileSet::new();
        let definition = files.insert("/w/flow.asl.json", DEFINITION, None);
        let policy = policy.map(|p| files.insert("/w/flow.policy.json", p, None));
        (files, definition, policy)
    }

    /// Just after the `Resource` value that follows `needle`'s value.
    fn after(text: &str, needle: &str) -> usize {
        let start = text.find(needle).unwrap() + needle.len();
        start + text[start..].find('"').unwrap() + 1
    }

    fn everything() -> TextRange {
        TextRange::new(0, usize::MAX)
    }

    fn slice(text: &str, range: TextRange) -> &str {
        &text[range.start()..range.end()]
    }

    #[test]
    fn hints_name_what_the_role_lacks() {
        let (files, id, _) = workspace(Some(POLICY));
        let hints = permission_hints(&files, id, everything());
        let ecs = after(DEFINITION, "\"Resource\":\"arn:aws:states:::ecs:runTask.sync");
        assert_eq!(
            hints
                .iter()
                .map(|h| (h.offset, h.label.as_str()))
                .collect::<Vec<_>>(),
            [(
                ecs,
                "✗ missing ecs:StopTask, ecs:DescribeTasks, events:PutTargets +2 more"
            )]
        );
        assert!(hints[0]
            .tooltip
            .starts_with("**Task `Pack`** — `arn:aws:states:::ecs:runTask.sync`\n\n"));
        assert!(hints[0].tooltip.contains("`ecs:RunTask` on `arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3` — allowed by flow.policy.json `#2`"));
        // Only hints inside the range asked for.
        assert_eq!(permission_hints(&files, id, TextRange::new(0, ecs - 1)), []);
        assert_eq!(permission_hints(&files, id, TextRange::new(ecs, ecs)).len(), 1);
    }

    #[test]
    fn no_hints_when_everything_is_granted_or_no_role_is_linked() {
        let full = POLICY.replace(
            r#""Action":"ecs:RunTask""#,
            r#""Action":["ecs:RunTask","ecs:StopTask","ecs:DescribeTasks","events:PutTargets","events:PutRule","events:DescribeRule"]"#,
        );
        let (files, id, _) = workspace(Some(&full));
        assert_eq!(permission_hints(&files, id, everything()), []);
        let (files, id, _) = workspace(None);
        assert_eq!(permission_hints(&files, id, everything()), []);
    }

    #[test]
    fn conditional_grants_get_a_warning_hint() {
        let policy = r#"{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}]}"#;
        let mut files = FileSet::new();
        let definition = r#"{"StartAt":"I","States":{"I":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:W"},"End":true}}}"#;
        let id = files.insert("/w/flow.asl.json", definition, None);
        files.insert("/w/flow.policy.json", policy, None);
        let hints = permission_hints(&files, id, everything());
        assert_eq!(
            hints
                .iter()
                .map(|h| (h.offset, h.label.as_str()))
                .collect::<Vec<_>>(),
            [(
                after(definition, "\"Resource\":\""),
                "⚠ conditional: lambda:InvokeFunction"
            )]
        );
    }

    #[test]
    fn a_distributed_map_gets_hints_and_hover_for_its_reader_and_writer() {
        let definition = r#"{"StartAt":"Rate","States":{"Rate":{"Type":"Map",
"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"in","Key":"ratings.csv"}},
"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"runs"}},
"End":true}}}"#;
        let policy = r#"{"Statement":[{"Effect":"Allow","Action":"states:StartExecution","Resource":"*"},
{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::in/ratings.csv"}]}"#;
        let mut files = FileSet::new();
        let id = files.insert("/w/flow.asl.json", definition, None);
        files.insert("/w/flow.policy.json", policy, None);
        let hints = permission_hints(&files, id, everything());
        let writer = after(definition, "\"ResultWriter\":{\"Resource\":\"");
        assert_eq!(
            hints
                .iter()
                .map(|h| (h.offset, h.label.as_str()))
                .collect::<Vec<_>>(),
            [(
                writer,
                "✗ missing s3:PutObject, s3:GetObject, s3:ListMultipartUploadParts +1 more"
            )]
        );
        assert!(hints[0]
            .tooltip
            .starts_with("**Distributed Map `Rate`** — ResultWriter `arn:aws:states:::s3:putObject`\n\n"));
        let reader = definition.find("arn:aws:states:::s3:getObject").unwrap();
        let (_, text) = task_hover(&files, id, reader).unwrap();
        assert!(
            text.starts_with("**Distributed Map `Rate`** — ItemReader `arn:aws:states:::s3:getObject`\n\n")
        );
        assert!(text.contains(
            "- `s3:GetObject` on `arn:aws:s3:::in/ratings.csv` — allowed by flow.policy.json `#2`"
        ));
    }

    #[test]
    fn many_missing_actions_are_counted() {
        assert_eq!(shorten(&["a", "b"]), "a, b");
        assert_eq!(shorten(&["a", "b", "c"]), "a, b, c");
        assert_eq!(shorten(&["a", "b", "c", "d"]), "a, b, c +1 more");
    }

    #[test]
    fn resource_goes_to_the_granting_statements_and_back() {
        let (files, id, policy) = workspace(Some(POLICY));
        let policy = policy.unwrap();
        let lambda = DEFINITION.find("arn:aws:states:::lambda").unwrap();
        let targets = granting_statements(&files, id, lambda);
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].file, policy);
        assert_eq!(
            slice(POLICY, targets[0].range),
            r#"{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}"#
        );
        let ecs = DEFINITION.find("arn:aws:states:::ecs").unwrap();
        let targets = granting_statements(&files, id, ecs);
        assert_eq!(
            targets.iter().map(|l| slice(POLICY, l.range)).collect::<Vec<_>>(),
            [r#"{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*"}"#]
        );
        // The state's name and other values go nowhere here.
        assert_eq!(
            granting_statements(&files, id, DEFINITION.find("Pack\":{").unwrap()),
            []
        );
        assert_eq!(granting_statements(&files, id, 0), []);

        // Back: from inside the second statement to the ECS task's Resource.
        let inside = POLICY.find("ecs:RunTask").unwrap();
        let resource = |needle: &str| {
            let start = DEFINITION.find(needle).unwrap() - 1;
            Location {
                file: id,
                range: TextRange::new(start, after(DEFINITION, needle)),
            }
        };
        assert_eq!(
            granted_tasks(&files, policy, inside, false),
            [resource("arn:aws:states:::ecs:runTask.sync")]
        );
        let with_statement = granted_tasks(&files, policy, POLICY.find("Invoke").unwrap(), true);
        assert_eq!(with_statement.len(), 2);
        assert_eq!(with_statement[0].file, policy);
        assert_eq!(
            slice(POLICY, with_statement[0].range),
            r#"{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}"#
        );
        assert_eq!(with_statement[1], resource("arn:aws:states:::lambda:invoke"));
        // Outside any statement: nothing.
        assert_eq!(granted_tasks(&files, policy, 1, true), []);
    }
}
