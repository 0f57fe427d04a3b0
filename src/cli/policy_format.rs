//! `asl-lsp policy --format json|yaml|hcl`: a policy document (or one per
//! state machine, keyed by its name) written as JSON, as YAML (a
//! CloudFormation `PolicyDocument`), or as Terraform
//! `data "aws_iam_policy_document"` blocks.
//!
//! A template's documents come with the template's own references (the
//! core's `Encoder`): CloudFormation's `Fn::Sub`/`Fn::GetAtt`/`Ref`
//! objects (JSON as they are, YAML as `!Sub`/`!GetAtt`/`!Ref`), and
//! Terraform's expressions (`{"$ref": expr}` for a bare one, strings with
//! `${...}` interpolations otherwise; JSON and YAML write every one as an
//! interpolated string, the form `jsonencode` takes).
//!
//! HCL is written as the data source rather than `jsonencode({...})`:
//! it is what Terraform modules use for role policies, reads like the
//! rest of a module, and its `.json` attribute goes where a policy
//! document is wanted (`policy = data.aws_iam_policy_document.NAME.json`).

use std::fmt::Write;

use serde_json::Value;

use crate::cli::PolicyFormat;

/// Where a document's values come from, which decides how a `${...}` in
/// them is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// A standalone definition: values are literal text.
    Plain,
    /// A CloudFormation or SAM template: `${...}` is `Fn::Sub` text.
    CloudFormation,
    /// A Terraform module: `${...}` is an interpolation.
    Terraform,
}

/// One state machine's policy.
pub struct Named {
    /// Its logical id or resource address.
    pub name: String,
    pub document: Value,
    pub dialect: Dialect,
}

/// The policy of a standalone definition named `name` (its file stem).
pub fn single(name: &str, document: &Value, format: PolicyFormat) -> String {
    match format {
        PolicyFormat::Json => pretty(document),
        PolicyFormat::Yaml => {
            let mut out = String::new();
            yaml(&mut out, document, 0, Dialect::Plain);
            out
        }
        PolicyFormat::Hcl => hcl_block(&label(name), document, Dialect::Plain),
    }
}

/// One policy per state machine, in the order given.
pub fn many(policies: &[Named], format: PolicyFormat) -> String {
    match format {
        PolicyFormat::Json => pretty(&Value::Object(
            policies
                .iter()
                .map(|p| (p.name.clone(), interpolated(&p.document, p.dialect)))
                .collect(),
        )),
        PolicyFormat::Yaml => {
            let mut out = String::new();
            for policy in policies {
                let _ = writeln!(out, "{}:", key(&policy.name));
                yaml(
                    &mut out,
                    &interpolated(&policy.document, policy.dialect),
                    2,
                    policy.dialect,
                );
            }
            out
        }
        PolicyFormat::Hcl => policies
            .iter()
            .map(|p| {
                format!(
                    "# The role policy of {}\n{}",
                    p.name,
                    hcl_block(&label(&p.name), &p.document, p.dialect)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A Terraform document with each bare expression as an interpolated
/// string; any other document as it is.
fn interpolated(value: &Value, dialect: Dialect) -> Value {
    if dialect != Dialect::Terraform {
        return value.clone();
    }
    match value {
        Value::Object(map) => match map.get("$ref").and_then(Value::as_str) {
            Some(expression) if map.len() == 1 => Value::String(format!("${{{expression}}}")),
            _ => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), interpolated(v, dialect)))
                    .collect(),
            ),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| interpolated(v, dialect)).collect()),
        other => other.clone(),
    }
}

/// A CloudFormation intrinsic function object: `Ref`, `Fn::Sub`,
/// `Fn::GetAtt` (the only ones the encoder writes).
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let Value::Object(map) = value else { return None };
    let (name, argument) = map.iter().next()?;
    (map.len() == 1 && matches!(name.as_str(), "Ref" | "Fn::Sub" | "Fn::GetAtt"))
        .then_some((name.as_str(), argument))
}

/// The `Fn::Sub` text an intrinsic stands for.
fn sub_text(name: &str, argument: &Value) -> String {
    match (name, argument) {
        ("Fn::Sub", Value::String(s)) => s.clone(),
        ("Ref", Value::String(s)) => format!("${{{s}}}"),
        ("Fn::GetAtt", Value::Array(parts)) => format!(
            "${{{}}}",
            parts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(".")
        ),
        _ => argument.to_string(),
    }
}

fn pretty(value: &Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(value).unwrap_or_default())
}

// --- YAML ---------------------------------------------------------------

/// Words a YAML 1.1 reader takes for a boolean or null when plain.
const YAML_WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];

/// Whether `text` can be written as a plain scalar and read back as this
/// string: starts with a letter, `_` or `/`, holds no space, quote, flow
/// indicator, `#` or `, `, does not end in `:` and is no boolean or null word.
fn plain(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else { return false };
    (first.is_ascii_alphabetic() || first == '_' || first == '/')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:*@=+-".contains(c))
        && !text.ends_with(':')
        && !YAML_WORDS.contains(&text.to_ascii_lowercase().as_str())
}

fn key(text: &str) -> String {
    if plain(text) && !text.contains('*') {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A double-quoted scalar: JSON's escapes are YAML's.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn scalar(value: &Value, dialect: Dialect) -> String {
    if let (Dialect::CloudFormation, Some((name, argument))) = (dialect, intrinsic(value)) {
        return match (name, argument) {
            ("Ref", Value::String(id)) => format!("!Ref {}", key(id)),
            ("Fn::GetAtt", Value::Array(_)) => {
                let text = sub_text(name, argument);
                format!("!GetAtt {}", key(&text[2..text.len() - 1]))
            }
            _ => format!("!Sub {}", quoted(&sub_text(name, argument))),
        };
    }
    match value {
        Value::String(s) if plain(s) => s.clone(),
        Value::String(s) => quoted(s),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

fn is_block(value: &Value, dialect: Dialect) -> bool {
    if dialect == Dialect::CloudFormation && intrinsic(value).is_some() {
        return false;
    }
    match value {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => false,
    }
}

/// Block-style YAML of `value` (an object or array) at `indent` spaces.
fn yaml(out: &mut String, value: &Value, indent: usize, dialect: Dialect) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                if is_block(member, dialect) {
                    let _ = writeln!(out, "{pad}{}:", key(name));
                    yaml(out, member, indent + 2, dialect);
                } else {
                    let _ = writeln!(out, "{pad}{}: {}", key(name), scalar(member, dialect));
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if is_block(item, dialect) {
                    // The item's first line takes the dash in place of
                    // its indentation.
                    let mut nested = String::new();
                    yaml(&mut nested, item, indent + 2, dialect);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&nested[indent + 2..]);
                } else {
                    let _ = writeln!(out, "{pad}- {}", scalar(item, dialect));
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other, dialect));
        }
    }
}

// --- HCL ----------------------------------------------------------------

/// A Terraform identifier for a state machine's name: the resource name
/// of an address (`module.a.aws_sfn_state_machine.b` → `a_b`), a logical
/// id or file stem as it is, other characters as `_`.
fn label(name: &str) -> String {
    let short: Vec<&str> = name
        .split('.')
        .filter(|part| !matches!(*part, "module" | "aws_sfn_state_machine" | ""))
        .collect();
    let mut out: String = short
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// An HCL quoted string. Outside Terraform's own values a `${` or `%{`
/// is literal text and escaped as such.
fn hcl_string(text: &str, dialect: Dialect) -> String {
    let mut out = String::from("\"");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if dialect != Dialect::Terraform && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One value in HCL: a Terraform expression bare, anything else quoted
/// (a CloudFormation intrinsic as its `Fn::Sub` text, escaped).
fn hcl_value(value: &Value, dialect: Dialect) -> String {
    if let Some(expression) = value.get("$ref").and_then(Value::as_str) {
        return expression.to_string();
    }
    if let Some((name, argument)) = intrinsic(value) {
        return hcl_string(&sub_text(name, argument), dialect);
    }
    match value {
        Value::String(s) => hcl_string(s, dialect),
        other => hcl_string(&other.to_string(), dialect),
    }
}

fn items(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// `name = [...]` at `indent`, one line when it fits in 100 columns.
fn hcl_list(out: &mut String, indent: usize, name: &str, width: usize, items: &[Value], dialect: Dialect) {
    let pad = " ".repeat(indent);
    let quoted: Vec<String> = items.iter().map(|i| hcl_value(i, dialect)).collect();
    let line = format!("{pad}{name:width$} = [{}]", quoted.join(", "));
    if line.len() <= 100 || quoted.len() < 2 {
        let _ = writeln!(out, "{line}");
        return;
    }
    let _ = writeln!(out, "{pad}{name:width$} = [");
    for item in quoted {
        let _ = writeln!(out, "{pad}  {item},");
    }
    let _ = writeln!(out, "{pad}]");
}

/// `data "aws_iam_policy_document" "LABEL" { statement { ... } ... }`.
fn hcl_block(label: &str, document: &Value, dialect: Dialect) -> String {
    let mut out = format!("data \"aws_iam_policy_document\" \"{label}\" {{\n");
    let statements = document
        .get("Statement")
        .map(strings_or_objects)
        .unwrap_or_default();
    for (i, statement) in statements.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("  statement {\n");
        let fields: Vec<(&str, &str)> = [
            ("Sid", "sid"),
            ("Effect", "effect"),
            ("Action", "actions"),
            ("NotAction", "not_actions"),
            ("Resource", "resources"),
            ("NotResource", "not_resources"),
        ]
        .into_iter()
        .filter(|(json, _)| statement.get(*json).is_some())
        .collect();
        let width = fields.iter().map(|(_, hcl)| hcl.len()).max().unwrap_or(0);
        for (json, hcl) in &fields {
            let value = &statement[*json];
            if matches!(*json, "Sid" | "Effect") {
                let _ = writeln!(out, "    {hcl:width$} = {}", hcl_value(value, dialect));
            } else {
                hcl_list(&mut out, 4, hcl, width, &items(value), dialect);
            }
        }
        if let Some(Value::Object(operators)) = statement.get("Condition") {
            for (operator, keys) in operators {
                let Value::Object(keys) = keys else { continue };
                for (variable, values) in keys {
                    out.push('\n');
                    out.push_str("    condition {\n");
                    let _ = writeln!(out, "      test     = {}", hcl_string(operator, dialect));
                    let _ = writeln!(out, "      variable = {}", hcl_string(variable, dialect));
                    hcl_list(&mut out, 6, "values", 8, &items(values), dialect);
                    out.push_str("    }\n");
                }
            }
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn strings_or_objects(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![value.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_quotes_what_a_plain_scalar_would_misread() {
        let doc = json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": ["*", "arn:aws:s3:::b/*", "yes", "a: b", "tab\there"],
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}],
            "Empty": [],
        });
        let mut out = String::new();
        yaml(&mut out, &doc, 0, Dialect::Plain);
        assert_eq!(
            out,
            r#"Version: "2012-10-17"
Statement:
  - Sid: A
    Effect: Allow
    Action:
      - s3:GetObject
    Resource:
      - "*"
      - arn:aws:s3:::b/*
      - "yes"
      - "a: b"
      - "tab\there"
    Condition:
      StringEquals:
        aws:SourceAccount: "123456789012"
Empty: []
"#
        );
    }

    #[test]
    fn hcl_labels_and_strings() {
        assert_eq!(label("module.etl.aws_sfn_state_machine.flow"), "etl_flow");
        assert_eq!(label("aws_sfn_state_machine.flow"), "flow");
        assert_eq!(label("Orders"), "Orders");
        assert_eq!(label("2-step flow"), "_2-step_flow");
        assert_eq!(
            hcl_string("arn:${AWS::Region} \"%{x}\"", Dialect::CloudFormation),
            r#""arn:$${AWS::Region} \"%%{x}\"""#
        );
        assert_eq!(
            hcl_string("${aws_sns_topic.t.arn}", Dialect::Terraform),
            r#""${aws_sns_topic.t.arn}""#
        );
    }
}
