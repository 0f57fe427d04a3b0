//! `logging-disabled`: a template state machine that keeps no execution
//! log (no logging configuration, level `OFF`), most costly for Express
//! workflows, whose executions leave no history at all; and, at `info`,
//! execution data logged to a log group without a KMS key.

use serde_json::{json, Value};

use crate::core::diagnostic::{Finding, Fix, Location, Severity};
use crate::core::files::FileSet;
use crate::core::fix;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;
use crate::core::template::intrinsics::{call, Template};
use crate::core::unit::Unit;

pub const RULE: RuleMeta = RuleMeta {
    id: "logging-disabled",
    default_severity: Severity::Warning,
    summary: "A template state machine that keeps no execution log",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Template,
    check: Check::Unit(check),
};

pub fn check(files: &FileSet, unit: &Unit, out: &mut Vec<Finding>) {
    let Some(machine) = &unit.machine else {
        return;
    };
    if machine.dialect == fix::Dialect::Hcl {
        check_terraform(files, machine, out);
        return;
    }
    let template = machine.template();
    let Some(resource) = template.resource(&machine.logical_id) else {
        return;
    };
    let sam = resource.kind == "AWS::Serverless::StateMachine";
    let (logging_key, type_key) = if sam {
        ("Logging", "Type")
    } else {
        ("LoggingConfiguration", "StateMachineType")
    };
    let express = resource
        .property(type_key)
        .and_then(|t| t.untagged().as_str())
        .is_some_and(|t| t.eq_ignore_ascii_case("EXPRESS"));
    let file = machine.file;
    let text = files.text(file);
    let dialect = machine.dialect;
    let kind_note = if express {
        "an Express workflow keeps no execution history, so without logging nothing records what its executions did"
    } else {
        "failed executions leave only the console history, which expires after 90 days"
    };
    match resource.property(logging_key) {
        None => {
            let location = Location {
                file,
                range: resource.member.key_span,
            };
            let message = format!(
                "State machine \"{}\" has no {logging_key}: {kind_note}",
                resource.id
            );
            let mut finding = Finding::new(RULE.id, RULE.default_severity, location, message);
            if let Some(fix) = insert_logging(text, file, dialect, &template, &resource, logging_key) {
                finding.fixes.push(fix);
            }
            out.push(finding);
        }
        Some(logging) => {
            let level = logging.get("Level");
            if let Some(level) = level.filter(|l| l.untagged().as_str() == Some("OFF")) {
                let location = Location {
                    file,
                    range: level.span,
                };
                let message = format!("Logging of \"{}\" is OFF: {kind_note}", resource.id);
                let mut finding = Finding::new(RULE.id, RULE.default_severity, location, message);
                let has_destination = logging
                    .get("Destinations")
                    .is_some_and(|d| !d.untagged().elements().is_empty());
                if has_destination {
                    if let Some(edits) =
                        fix::editor(dialect).and_then(|e| e.set_string(file, text, level.untagged(), "ERROR"))
                    {
                        finding.fixes.push(Fix {
                            title: "Log errors (Level: ERROR)".into(),
                            preferred: true,
                            safe: true,
                            edits,
                        });
                    }
                }
                out.push(finding);
            }
            let includes_data = logging
                .get("IncludeExecutionData")
                .and_then(|v| v.untagged().as_bool())
                .unwrap_or(false);
            if includes_data {
                if let Some((node, group)) = unencrypted_group(&template, logging) {
                    let message = format!(
                        "\"{}\" logs execution data (inputs and outputs) to log group \"{}\", which has no KmsKeyId: the data is stored with the default encryption only",
                        resource.id, group
                    );
                    out.push(Finding::new(
                        RULE.id,
                        Severity::Info,
                        Location {
                            file,
                            range: node.span,
                        },
                        message,
                    ));
                }
            }
        }
    }
}

/// `aws_sfn_state_machine` without a `logging_configuration` block, or with
/// `level = "OFF"`. The fix adds the block when the module has exactly one
/// `aws_cloudwatch_log_group` to send the log to.
fn check_terraform(
    files: &FileSet,
    machine: &crate::core::template::MachineResource,
    out: &mut Vec<Finding>,
) {
    let Some(name) = machine.logical_id.rsplit("aws_sfn_state_machine.").next() else {
        return;
    };
    let resources = machine
        .root
        .members()
        .iter()
        .filter(|m| m.key == "resource")
        .filter_map(|m| m.value.get("aws_sfn_state_machine"))
        .filter_map(|blocks| blocks.member(name));
    for block in resources {
        let body = &block.value;
        let express = body
            .get("type")
            .and_then(|t| t.untagged().as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("EXPRESS"));
        let kind_note = if express {
            "an Express workflow keeps no execution history, so without logging nothing records what its executions did"
        } else {
            "failed executions leave only the console history, which expires after 90 days"
        };
        match body.get("logging_configuration") {
            None => {
                let mut finding = Finding::new(
                    RULE.id,
                    RULE.default_severity,
                    Location {
                        file: machine.file,
                        range: block.key_span,
                    },
                    format!("State machine \"{name}\" has no logging_configuration: {kind_note}"),
                );
                if let Some(fix) = terraform_logging_fix(files, machine.file, body) {
                    finding.fixes.push(fix);
                }
                out.push(finding);
            }
            Some(logging) => {
                let off = logging.get("level").filter(|l| {
                    l.untagged()
                        .as_str()
                        .is_some_and(|v| v.eq_ignore_ascii_case("OFF"))
                });
                if let Some(level) = off {
                    let finding = Finding::new(
                        RULE.id,
                        RULE.default_severity,
                        Location {
                            file: machine.file,
                            range: level.span,
                        },
                        format!("Logging of \"{name}\" is OFF: {kind_note}"),
                    );
                    let fix = Fix {
                        title: "Log errors (level = \"ERROR\")".into(),
                        preferred: true,
                        safe: true,
                        edits: vec![crate::core::diagnostic::FileEdit::Replace {
                            file: machine.file,
                            range: level.span,
                            new_text: "\"ERROR\"".into(),
                        }],
                    };
                    out.push(finding.with_fix(fix));
                }
            }
        }
    }
}

/// Adds a `logging_configuration` block after the resource's last argument,
/// at its indentation, sending errors to the module's one log group.
fn terraform_logging_fix(files: &FileSet, file: crate::core::files::FileId, body: &Node) -> Option<Fix> {
    let dir = crate::core::files::parent_dir(files.path(file));
    let mut groups = Vec::new();
    for id in files.ids() {
        let path = files.path(id);
        if crate::core::files::parent_dir(path) != dir || !path.ends_with(".tf") {
            continue;
        }
        for line in files.text(id).lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["resource", "\"aws_cloudwatch_log_group\"", name, ..] = words.as_slice() {
                groups.push(name.trim_matches('"').to_string());
            }
        }
    }
    let [group] = groups.as_slice() else {
        return None;
    };
    let text = files.text(file);
    let first = body.members().first()?;
    let last = body.members().last()?;
    let indent = " "
        .repeat(first.key_span.start() - crate::core::fix::style::line_start(text, first.key_span.start()));
    let newline = crate::core::fix::style::Style::detect(text).newline;
    let end = last.value.span.end();
    let at = text[end..]
        .find(['\n', '\r'])
        .map(|i| end + i)
        .unwrap_or(text.len());
    let lines = [
        "logging_configuration {".to_string(),
        format!("  log_destination        = \"${{aws_cloudwatch_log_group.{group}.arn}}:*\""),
        "  include_execution_data = false".to_string(),
        "  level                  = \"ERROR\"".to_string(),
        "}".to_string(),
    ];
    let new_text: String = lines.iter().map(|l| format!("{newline}{indent}{l}")).collect();
    Some(Fix {
        title: format!("Log errors to the log group {group}"),
        preferred: true,
        safe: true,
        edits: vec![crate::core::diagnostic::FileEdit::Replace {
            file,
            range: crate::core::text::TextRange::empty(at),
            new_text,
        }],
    })
}

/// The first destination log group of the template that has no `KmsKeyId`.
fn unencrypted_group<'t>(template: &Template<'t>, logging: &'t Node) -> Option<(&'t Node, &'t str)> {
    let destinations = logging.get("Destinations")?.untagged().elements();
    for destination in destinations {
        let Some(arn) = destination
            .get("CloudWatchLogsLogGroup")
            .and_then(|g| g.get("LogGroupArn"))
        else {
            continue;
        };
        let Some(c) = call(arn) else { continue };
        let id = match &c.argument.untagged().kind {
            crate::core::syntax::NodeKind::String(s) => s.split('.').next().unwrap_or(""),
            crate::core::syntax::NodeKind::Array(items) => items.first().and_then(Node::as_str).unwrap_or(""),
            _ => "",
        };
        if let Some(group) = template.resource(id) {
            if group.kind == "AWS::Logs::LogGroup" && group.property("KmsKeyId").is_none() {
                return Some((arn, group.id));
            }
        }
    }
    None
}

/// Inserts a logging configuration that sends errors to the template's log
/// group, or to a new one when the template has none.
fn insert_logging(
    text: &str,
    file: crate::core::files::FileId,
    dialect: fix::Dialect,
    template: &Template,
    resource: &crate::core::template::intrinsics::Resource,
    logging_key: &str,
) -> Option<Fix> {
    let editor = fix::editor(dialect)?;
    let properties = resource.properties?;
    let groups: Vec<&str> = template
        .resources_of_kind("AWS::Logs::LogGroup")
        .map(|r| r.id)
        .collect();
    let mut edits = Vec::new();
    let (group, title) = match groups.as_slice() {
        [one] => (one.to_string(), format!("Log errors to the log group {one}")),
        _ => {
            let mut name = format!("{}Logs", resource.id);
            while template.resource(&name).is_some() {
                name.push('X');
            }
            let resources = template.root.get("Resources")?;
            let new_group: Value = json!({
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"RetentionInDays": 90}
            });
            edits.extend(editor.add_member(file, text, resources, &name, &new_group)?);
            let title = format!("Log errors to a new log group {name}");
            (name, title)
        }
    };
    let configuration = json!({
        "Level": "ERROR",
        "IncludeExecutionData": false,
        "Destinations": [
            {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [group, "Arn"]}}}
        ]
    });
    edits.extend(editor.add_member(file, text, properties, logging_key, &configuration)?);
    Some(Fix {
        title,
        preferred: true,
        safe: true,
        edits,
    })
}
