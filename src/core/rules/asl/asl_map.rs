//! `asl-map`: the parts of a Map state (developer guide, "Map state",
//! "ItemReader", "ItemBatcher", "ResultWriter", "ProcessorConfig"): the
//! fields each object allows, the pairs that exclude each other, the
//! enumerated values, and the ranges of the numbers.

use super::common::{closest, is_placeholder, DefinitionContext};
use crate::core::asl::{QueryLanguage, State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Member, Node};

pub const MAP: RuleMeta = RuleMeta {
    id: "asl-map",
    default_severity: Severity::Error,
    summary: "A malformed Map state: ItemProcessor, ItemReader, ItemBatcher, ResultWriter, Label or failure tolerance",
};

pub const ENTRY: Rule = Rule {
    meta: MAP,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state.kind != StateType::Map {
            continue;
        }
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        if let Some(processor) = state.field("ItemProcessor") {
            if let Some(config) = processor.get("ProcessorConfig") {
                processor_config(ctx, config, out);
            }
        }
        if let Some(member) = state.node.member("ItemReader") {
            let fields: &[&str] = if jsonata {
                &["Resource", "Arguments", "ReaderConfig"]
            } else {
                &["Resource", "Parameters", "ReaderConfig"]
            };
            if object(ctx, member, fields, out) {
                if member.value.get("Resource").is_none() {
                    out.push(ctx.finding(&MAP, member.key_span, "\"ItemReader\" needs \"Resource\""));
                }
                if let Some(config) = member.value.member("ReaderConfig") {
                    reader_config(ctx, config, jsonata, out);
                }
            }
        }
        if let Some(member) = state.node.member("ItemBatcher") {
            let fields: &[&str] = if jsonata {
                &["MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"]
            } else {
                &[
                    "MaxItemsPerBatch",
                    "MaxItemsPerBatchPath",
                    "MaxInputBytesPerBatch",
                    "MaxInputBytesPerBatchPath",
                    "BatchInput",
                ]
            };
            if object(ctx, member, fields, out) {
                exclusive(ctx, &member.value, "MaxItemsPerBatch", out);
                exclusive(ctx, &member.value, "MaxInputBytesPerBatch", out);
                number(
                    ctx,
                    &member.value,
                    "MaxItemsPerBatch",
                    1.0,
                    f64::MAX,
                    jsonata,
                    out,
                );
                number(
                    ctx,
                    &member.value,
                    "MaxInputBytesPerBatch",
                    1.0,
                    262_144.0,
                    jsonata,
                    out,
                );
            }
        }
        if let Some(member) = state.node.member("ResultWriter") {
            let fields: &[&str] = if jsonata {
                &["Resource", "Arguments", "WriterConfig"]
            } else {
                &["Resource", "Parameters", "WriterConfig"]
            };
            object(ctx, member, fields, out);
        }
        tolerance(ctx, state, jsonata, out);
        if let Some(label) = state.field("Label") {
            self::label(ctx, label, out);
        }
    }
}

/// Reports unknown fields; false when the value is not an object at all.
fn object(ctx: &DefinitionContext, member: &Member, fields: &[&str], out: &mut Vec<Finding>) -> bool {
    if !member.value.is_object() {
        out.push(ctx.finding(
            &MAP,
            member.value.span,
            format!(
                "\"{}\" must be an object, not {}",
                member.key,
                member.value.type_name()
            ),
        ));
        return false;
    }
    for field in member.value.members() {
        if !fields.contains(&field.key.as_str()) {
            let hint = closest(&field.key, fields.iter().copied())
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            out.push(ctx.finding(
                &MAP,
                field.key_span,
                format!("\"{}\" has no field \"{}\"{hint}", member.key, field.key),
            ));
        }
    }
    true
}

fn exclusive(ctx: &DefinitionContext, node: &Node, field: &str, out: &mut Vec<Finding>) {
    let path = format!("{field}Path");
    if let (Some(_), Some(second)) = (node.member(field), node.member(&path)) {
        out.push(ctx.finding(
            &MAP,
            second.key_span,
            format!("\"{field}\" and \"{path}\" cannot both be set"),
        ));
    }
}

fn number(
    ctx: &DefinitionContext,
    node: &Node,
    field: &str,
    min: f64,
    max: f64,
    jsonata: bool,
    out: &mut Vec<Finding>,
) {
    let Some(value) = node.get(field).filter(|v| !is_placeholder(v)) else {
        return;
    };
    if jsonata && value.as_str().is_some_and(|s| s.starts_with("{%")) {
        return;
    }
    let ok = value
        .as_f64()
        .is_some_and(|n| n.fract() == 0.0 && n >= min && n <= max);
    if !ok {
        let range = if max == f64::MAX {
            format!("a whole number of at least {min}")
        } else {
            format!("a whole number from {min} to {max}")
        };
        out.push(ctx.finding(&MAP, value.span, format!("\"{field}\" is {range}")));
    }
}

fn enumeration(ctx: &DefinitionContext, node: &Node, field: &str, values: &[&str], out: &mut Vec<Finding>) {
    let Some(value) = node.get(field) else { return };
    match value.as_str() {
        Some(v) if values.contains(&v) => {}
        Some(v) => {
            let hint = closest(v, values.iter().copied())
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            out.push(ctx.finding(
                &MAP,
                value.span,
                format!("\"{field}\" is one of {}{hint}", quoted(values)),
            ));
        }
        None => out.push(ctx.finding(
            &MAP,
            value.span,
            format!("\"{field}\" is one of {}", quoted(values)),
        )),
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn processor_config(ctx: &DefinitionContext, config: &Node, out: &mut Vec<Finding>) {
    if !config.is_object() {
        out.push(ctx.finding(&MAP, config.span, "\"ProcessorConfig\" must be an object"));
        return;
    }
    for field in config.members() {
        if !matches!(field.key.as_str(), "Mode" | "ExecutionType") {
            let hint = closest(&field.key, ["Mode", "ExecutionType"])
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            out.push(ctx.finding(
                &MAP,
                field.key_span,
                format!("\"ProcessorConfig\" has no field \"{}\"{hint}", field.key),
            ));
        }
    }
    enumeration(ctx, config, "Mode", &["INLINE", "DISTRIBUTED"], out);
    enumeration(ctx, config, "ExecutionType", &["STANDARD", "EXPRESS"], out);
}

fn reader_config(ctx: &DefinitionContext, member: &Member, jsonata: bool, out: &mut Vec<Finding>) {
    let config = &member.value;
    if !config.is_object() {
        out.push(ctx.finding(&MAP, config.span, "\"ReaderConfig\" must be an object"));
        return;
    }
    exclusive(ctx, config, "MaxItems", out);
    number(ctx, config, "MaxItems", 0.0, 100_000_000.0, jsonata, out);
    enumeration(
        ctx,
        config,
        "InputType",
        &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"],
        out,
    );
    enumeration(ctx, config, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"], out);
    if config.get("CSVHeaderLocation").and_then(Node::as_str) == Some("GIVEN")
        && config.get("CSVHeaders").is_none()
    {
        out.push(ctx.finding(
            &MAP,
            member.key_span,
            "\"CSVHeaderLocation\": \"GIVEN\" needs \"CSVHeaders\"",
        ));
    }
}

fn tolerance(ctx: &DefinitionContext, state: &State, jsonata: bool, out: &mut Vec<Finding>) {
    let node = state.node;
    number_any(
        ctx,
        node,
        "ToleratedFailurePercentage",
        100.0,
        false,
        jsonata,
        out,
    );
    number_any(ctx, node, "ToleratedFailureCount", f64::MAX, true, jsonata, out);
    number_any(ctx, node, "MaxConcurrency", f64::MAX, true, jsonata, out);
}

/// A number from 0 to `max` (whole when `whole`), or a JSONata expression.
fn number_any(
    ctx: &DefinitionContext,
    node: &Node,
    field: &str,
    max: f64,
    whole: bool,
    jsonata: bool,
    out: &mut Vec<Finding>,
) {
    let Some(value) = node.get(field).filter(|v| !is_placeholder(v)) else {
        return;
    };
    if jsonata && value.as_str().is_some_and(|s| s.starts_with("{%")) {
        return;
    }
    let ok = value
        .as_f64()
        .is_some_and(|n| n >= 0.0 && n <= max && (!whole || n.fract() == 0.0));
    if !ok {
        let what = match (whole, max == f64::MAX) {
            (true, true) => "a whole number of at least 0".to_string(),
            (_, false) => format!("a number from 0 to {max}"),
            (false, true) => "a number of at least 0".to_string(),
        };
        out.push(ctx.finding(&MAP, value.span, format!("\"{field}\" is {what}")));
    }
}

/// Map Run labels: at most 40 characters, none of them whitespace, a
/// bracket, a wildcard or a special character (developer guide, "Label").
fn label(ctx: &DefinitionContext, value: &Node, out: &mut Vec<Finding>) {
    let Some(text) = value.as_str() else {
        out.push(ctx.finding(&MAP, value.span, "\"Label\" must be a string"));
        return;
    };
    if text.chars().count() > 40 {
        out.push(ctx.finding(&MAP, value.span, "\"Label\" is at most 40 characters"));
    } else if let Some(c) = text
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(*c))
    {
        out.push(ctx.finding(
            &MAP,
            value.span,
            format!(
                "\"Label\" cannot contain {c:?}: no whitespace, brackets, wildcards or special characters"
            ),
        ));
    }
}
