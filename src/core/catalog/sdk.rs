//! What an `aws-sdk:<service>:<operation>` task needs, resource by
//! resource: the IAM actions of the operation (the snapshot's SDK map),
//! each on the resource types the Service Authorization Reference lists for
//! it, with the ARN format's variables filled from the task's arguments
//! (`TableName` → `${TableName}`, `Bucket` → `${BucketName}`, an ARN given
//! whole); the roles the call passes (`iam:PassRole`); and what the service
//! reads with the caller's credentials.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use super::args::{ArgValue, ArnContext};
use super::data::catalog;
use super::data::{ResourceArgument, SdkValueForm};
use super::need::{Condition, Need, NeedKind};
use super::resource::{argument_values, DYNAMIC_ELEMENT};
use crate::core::sar::{self, sar};

/// At most this many resources from one resource type (the product of the
/// values of its variables); past it the type's wildcard form stands.
const MAX_RESOURCES: usize = 32;

/// The needs of an `aws-sdk` call. `actions` are the operation's IAM
/// actions; `any_of` says the call uses only some of them (decided by its
/// data), which keeps them in one need.
pub fn call_needs(
    service: &str,
    actions: &[String],
    any_of: bool,
    args: &dyn Fn(&str) -> ArgValue,
    ctx: &ArnContext,
    source: &'static str,
) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    let mut push = |action: &str, resolved: Resolved| {
        if let Some(need) = out.iter_mut().find(|n| {
            n.resources == resolved.resources
                && n.dynamic == resolved.dynamic
                && n.target_argument == resolved.target
                && n.optional == resolved.optional
                && n.kind == NeedKind::Call
        }) {
            if !need.actions.iter().any(|a| a == action) {
                need.actions.push(action.to_string());
            }
            return;
        }
        out.push(Need {
            actions: vec![action.to_string()],
            resources: resolved.resources,
            kind: NeedKind::Call,
            target_argument: resolved.target,
            dynamic: resolved.dynamic,
            condition: None,
            any_of: false,
            optional: resolved.optional,
            source: resolved.source.unwrap_or(source),
        });
    };
    for action in actions {
        for resolved in action_resources(action, args, ctx) {
            push(action, resolved);
        }
    }
    if any_of || out.is_empty() {
        // One need whose actions the call uses only some of: met when any
        // is granted on any of its resources.
        let mut resources: Vec<String> = Vec::new();
        for need in &out {
            for r in &need.resources {
                if !resources.contains(r) {
                    resources.push(r.clone());
                }
            }
        }
        if resources.is_empty() {
            resources.push(catalog().aws_sdk.resource.clone());
        }
        let target = out.iter().find_map(|n| n.target_argument.clone());
        out = vec![Need {
            actions: actions.to_vec(),
            resources,
            kind: NeedKind::Call,
            target_argument: target,
            dynamic: true,
            condition: None,
            any_of,
            optional: false,
            source,
        }];
    }
    out.extend(side_needs(service, args, ctx));
    out
}

/// What a call needs beside its own action: the roles it passes, the
/// objects the service reads with the caller's credentials.
pub fn side_needs(service: &str, args: &dyn Fn(&str) -> ArgValue, ctx: &ArnContext) -> Vec<Need> {
    let mut out = pass_role_needs(service, args, ctx);
    out.extend(caller_read_needs(service, args, ctx));
    out
}

/// The resources one action of the call acts on.
#[derive(Debug, PartialEq)]
struct Resolved {
    resources: Vec<String>,
    dynamic: bool,
    target: Option<String>,
    /// The page of the exception that named an argument, if one did.
    source: Option<&'static str>,
    /// An argument of the call names this resource (or its format has no
    /// variable to name).
    named: bool,
    /// A required type no argument names, beside types arguments do name:
    /// perhaps an alternative to them (`states:ListExecutions` on a state
    /// machine or a Map Run), perhaps needed too (`ec2:RunInstances` also
    /// acts on an instance, a subnet, ...). Granted, never reported missing.
    optional: bool,
}

fn star() -> Resolved {
    Resolved {
        resources: vec!["*".into()],
        dynamic: true,
        target: None,
        source: None,
        named: false,
        optional: false,
    }
}

/// The resource types an action names that a call of it acts on: those
/// the reference marks required; else the optional ones whose every
/// variable an argument of the call names; else none (`*`).
fn chosen_types(action: &str, present: &dyn Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    let resources = sar().action_resources(action);
    let required: Vec<_> = resources
        .iter()
        .filter(|(r, _)| r.required)
        .map(|(r, arn)| (r.name, *arn))
        .collect();
    if !required.is_empty() {
        return required;
    }
    let prefix = action.split(':').next().unwrap_or("");
    resources
        .iter()
        .map(|(r, arn)| (r.name, *arn))
        .filter(|(name, arn)| {
            let vars = variables(arn);
            !vars.is_empty()
                && vars.iter().all(|v| {
                    candidates(prefix, action, name, v, vars.len())
                        .iter()
                        .any(|c| present(top(c)))
                })
        })
        .collect()
}

fn action_resources(action: &str, args: &dyn Fn(&str) -> ArgValue, ctx: &ArnContext) -> Vec<Resolved> {
    if sar().action(action).is_none() {
        return vec![star()];
    }
    if let Some(resolved) = bedrock_model(action, args, ctx) {
        return vec![resolved];
    }
    let present = |name: &str| args(name) != ArgValue::Absent;
    let types = chosen_types(action, &present);
    if types.is_empty() {
        // No resource-level permissions: the call is authorised on `*`.
        return vec![star()];
    }
    let prefix = action.split(':').next().unwrap_or("");
    let mut resolved: Vec<Resolved> = types
        .iter()
        .map(|&(name, format)| resolve_type(prefix, action, name, format, args, ctx))
        .collect();
    // Types the call also acts on that the reference leaves optional (an
    // EBS-backed instance's volume): granted too, never reported missing.
    for (extra, source) in also_acts_on(action) {
        if types.iter().any(|(name, _)| *name == extra) {
            continue;
        }
        let format = sar()
            .action_resources(action)
            .iter()
            .find(|(r, _)| r.name == extra)
            .map(|(_, arn)| *arn);
        if let Some(format) = format {
            let mut also = resolve_type(prefix, action, extra, format, args, ctx);
            also.optional = true;
            also.source = Some(source);
            resolved.push(also);
        }
    }
    // Required types the call's arguments do not name, beside ones they
    // do, may be alternatives or may be needed too: kept as optional.
    if resolved
        .iter()
        .any(|r| r.named && r.resources.iter().any(|x| x != "*"))
    {
        for r in resolved.iter_mut().filter(|r| !r.named) {
            r.optional = true;
        }
    }
    resolved
}

/// The catalog's `alsoActsOn` types of an action.
fn also_acts_on(action: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    catalog()
        .aws_sdk
        .also_acts_on
        .iter()
        .filter(move |a| a.action.eq_ignore_ascii_case(action))
        .flat_map(|a| a.types.iter().map(|t| (t.as_str(), a.source.as_str())))
}

/// Bedrock's model invocation on its `ModelId`: a foundation model, or an
/// inference profile and the models it routes to (see
/// [`super::resource::bedrock_model_resources`]).
fn bedrock_model(action: &str, args: &dyn Fn(&str) -> ArgValue, ctx: &ArnContext) -> Option<Resolved> {
    if !["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action))
    {
        return None;
    }
    let value = match argument_values("ModelId", args, ctx.symbolic).as_deref() {
        Some([Some(v)]) if v != DYNAMIC_ELEMENT => v.clone(),
        Some([None]) => return None,
        _ => return dynamic_model(ctx),
    };
    let (resources, dynamic) = super::resource::bedrock_model_resources(&value, ctx);
    Some(Resolved {
        resources,
        dynamic,
        target: Some("ModelId".into()),
        source: Some(BEDROCK_PROFILES),
        named: true,
        optional: false,
    })
}

const BEDROCK_PROFILES: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html";

fn dynamic_model(ctx: &ArnContext) -> Option<Resolved> {
    let partition = ctx.partition.as_deref().unwrap_or("aws");
    Some(Resolved {
        resources: vec![
            format!("arn:{partition}:bedrock:*::foundation-model/*"),
            format!(
                "arn:{partition}:bedrock:{}:{}:inference-profile/*",
                ctx.region.as_deref().unwrap_or("*"),
                ctx.account.as_deref().unwrap_or("*")
            ),
        ],
        dynamic: true,
        target: Some("ModelId".into()),
        source: Some(BEDROCK_PROFILES),
        named: true,
        optional: false,
    })
}

/// The non-context variables of an ARN format, in order.
fn variables(format: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find("${") {
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !matches!(name, "Partition" | "Region" | "Account") && !out.contains(&name) {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

/// The top-level argument of a path (`Target.RoleArn` → `Target`).
fn top(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// `event-bus` → `EventBus`, `stateMachine` → `StateMachine`.
fn pascal(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len());
    let mut upper = true;
    for c in type_name.chars() {
        if c == '-' || c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The exception-table entry for a variable of a resource type of this
/// action, if any.
fn exception(prefix: &str, action: &str, variable: &str) -> Option<&'static ResourceArgument> {
    let table = &catalog().aws_sdk.resource_arguments;
    table
        .iter()
        .find(|e| {
            e.variable == variable
                && e.action
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(action))
        })
        .or_else(|| {
            table
                .iter()
                .find(|e| e.variable == variable && e.action.is_none() && e.prefix.as_deref() == Some(prefix))
        })
}

/// The argument paths that may name a variable, best first: the exception
/// table's; the variable's own name (`TableName`); without its `Name`
/// suffix (`BucketName` → `Bucket`); the type's name with the variable's
/// last word (`transcription-job` + `JobName` → `TranscriptionJobName`);
/// and for a type with one variable, plain `Name` or `Id`.
fn candidates(prefix: &str, action: &str, type_name: &str, variable: &str, count: usize) -> Vec<String> {
    if let Some(e) = exception(prefix, action, variable) {
        return e.arguments.clone();
    }
    let mut out = vec![variable.to_string()];
    if let Some(stem) = variable.strip_suffix("Name").filter(|s| !s.is_empty()) {
        out.push(stem.to_string());
    }
    let suffix = ["Name", "Id"].into_iter().find(|s| variable.ends_with(s));
    if let Some(suffix) = suffix {
        // The ARN form of the same argument (`StateMachineArn`, `TopicArn`),
        // for the type it is named after.
        if let Some(stem) = variable.strip_suffix(suffix).filter(|s| !s.is_empty()) {
            let plain: String = type_name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            if stem.eq_ignore_ascii_case(&plain) {
                out.push(format!("{stem}Arn"));
            }
        }
        let typed = format!("{}{suffix}", pascal(type_name));
        if !out.contains(&typed) {
            out.push(typed);
        }
        if count == 1 && !out.iter().any(|c| c == suffix) {
            out.push(suffix.to_string());
        }
    }
    out
}

/// One variable's values: a part of the ARN, or a whole resource (an ARN
/// given whole, a queue URL).
#[derive(Clone)]
enum Piece {
    Part(String),
    Whole(String),
    Wild,
}

fn fill_format(format: &str, ctx: &ArnContext, value: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(format.len() + 32);
    let mut rest = format;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        let v = match name {
            "Partition" => ctx.partition.clone().unwrap_or_else(|| "aws".into()),
            "Region" => ctx.region.clone().unwrap_or_else(|| "*".into()),
            "Account" => ctx.account.clone().unwrap_or_else(|| "*".into()),
            other => value(other),
        };
        out.push_str(&v);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The ARN format with every variable a wildcard, for matching an ARN.
fn format_glob(format: &str) -> String {
    fill_format(
        format,
        &ArnContext {
            partition: Some("*".into()),
            region: Some("*".into()),
            account: Some("*".into()),
            symbolic: false,
        },
        &|_| "*".into(),
    )
}

fn wildcard_form(format: &str, ctx: &ArnContext) -> String {
    collapse(fill_format(format, ctx, &|_| "*".into()))
}

fn collapse(mut s: String) -> String {
    while s.contains("**") {
        s = s.replace("**", "*");
    }
    s
}

fn resolve_type(
    prefix: &str,
    action: &str,
    type_name: &str,
    format: &'static str,
    args: &dyn Fn(&str) -> ArgValue,
    ctx: &ArnContext,
) -> Resolved {
    let glob = format_glob(format);
    let is_this_arn = |v: &str| v.starts_with("arn:") && sar::glob_match(&glob, v);
    // An ARN argument named after the type (`StateMachineArn`).
    let arn_argument = format!("{}Arn", pascal(type_name));
    match argument_values(&arn_argument, args, ctx.symbolic) {
        None => {
            return Resolved {
                resources: vec![wildcard_form(format, ctx)],
                dynamic: true,
                target: Some(arn_argument),
                source: None,
                named: true,
                optional: false,
            }
        }
        Some(values) if values.iter().any(Option::is_some) => {
            let mut resources = Vec::new();
            let mut dynamic = false;
            for v in values.into_iter().flatten() {
                let r = if v != DYNAMIC_ELEMENT && (is_this_arn(&v) || v.contains("${")) {
                    v
                } else {
                    dynamic = true;
                    wildcard_form(format, ctx)
                };
                if !resources.contains(&r) {
                    resources.push(r);
                }
            }
            return Resolved {
                resources,
                dynamic,
                target: Some(arn_argument),
                source: None,
                named: true,
                optional: false,
            };
        }
        Some(_) => {}
    }
    let vars = variables(format);
    let mut dynamic = false;
    let mut target: Option<String> = None;
    let mut matched: Option<String> = None;
    let mut pieces: Vec<(&str, Vec<Piece>)> = Vec::new();
    let mut source: Option<&'static str> = None;
    for var in &vars {
        let exception = exception(prefix, action, var);
        let found = candidates(prefix, action, type_name, var, vars.len())
            .into_iter()
            .find(|c| args(top(c)) != ArgValue::Absent);
        let Some(path) = found else {
            // Nothing names it: any value.
            dynamic = true;
            pieces.push((var, vec![Piece::Wild]));
            continue;
        };
        matched.get_or_insert_with(|| top(&path).to_string());
        if let Some(e) = exception {
            source.get_or_insert(e.source.as_str());
        }
        let values = match argument_values(&path, args, ctx.symbolic) {
            None => {
                dynamic = true;
                target.get_or_insert_with(|| top(&path).to_string());
                pieces.push((var, vec![Piece::Wild]));
                continue;
            }
            Some(values) => values,
        };
        let default = exception.and_then(|e| e.default.clone());
        // An element without the field (a transaction item of another
        // kind) names nothing, unless AWS has a default for it.
        let skip_absent = path.contains("[]") && default.is_none();
        let mut out = Vec::new();
        for value in values {
            if value.is_none() && skip_absent {
                continue;
            }
            let piece = match value.or_else(|| default.clone()) {
                None => {
                    dynamic = true;
                    Piece::Wild
                }
                Some(v) if v == DYNAMIC_ELEMENT => {
                    dynamic = true;
                    target.get_or_insert_with(|| top(&path).to_string());
                    Piece::Wild
                }
                Some(v) if v.starts_with("arn:") => {
                    if is_this_arn(&v) {
                        Piece::Whole(v)
                    } else {
                        // An ARN of some other form: not known to be this type.
                        dynamic = true;
                        Piece::Wild
                    }
                }
                Some(v) => match shape(exception, &v, format, ctx) {
                    Some(p) => p,
                    None => {
                        dynamic = true;
                        Piece::Wild
                    }
                },
            };
            if let Some(e) = exception {
                if e.dynamic {
                    dynamic = true;
                }
            }
            out.push(piece);
        }
        if out.is_empty() {
            dynamic = true;
            out.push(Piece::Wild);
        }
        pieces.push((var, out));
    }
    let named = vars.is_empty() || matched.is_some();
    let target = target.or(matched);
    // The product of the variables' values.
    let mut combos: Vec<Vec<(&str, Piece)>> = vec![Vec::new()];
    for (var, values) in &pieces {
        let mut next = Vec::new();
        for combo in &combos {
            for v in values {
                let mut c = combo.clone();
                c.push((*var, v.clone()));
                next.push(c);
            }
        }
        combos = next;
        if combos.len() > MAX_RESOURCES {
            return Resolved {
                resources: vec![wildcard_form(format, ctx)],
                dynamic: true,
                target,
                source,
                named,
                optional: false,
            };
        }
    }
    let mut resources = Vec::new();
    for combo in combos {
        let r = match combo.iter().find_map(|(_, p)| match p {
            Piece::Whole(w) => Some(w.clone()),
            _ => None,
        }) {
            Some(whole) => whole,
            None => collapse(fill_format(format, ctx, &|name| match combo
                .iter()
                .find(|(v, _)| *v == name)
                .map(|(_, p)| p)
            {
                Some(Piece::Part(s)) => s.clone(),
                _ => "*".into(),
            })),
        };
        if !resources.contains(&r) {
            resources.push(r);
        }
    }
    Resolved {
        resources,
        dynamic,
        target,
        source,
        named,
        optional: false,
    }
}

/// A static value put into its variable by the exception's form.
fn shape(exception: Option<&ResourceArgument>, value: &str, format: &str, ctx: &ArnContext) -> Option<Piece> {
    let Some(e) = exception else {
        return Some(Piece::Part(value.to_string()));
    };
    Some(match e.form {
        SdkValueForm::Value => Piece::Part(value.to_string()),
        SdkValueForm::TrimLeadingSlash => Piece::Part(value.trim_start_matches('/').to_string()),
        SdkValueForm::NameSuffix => Piece::Part(format!("{value}{}", e.suffix.as_deref().unwrap_or(""))),
        SdkValueForm::TaskDefinitionFamily => Piece::Part(
            value
                .split_once(':')
                .map_or(value, |(family, _)| family)
                .to_string(),
        ),
        SdkValueForm::TaskDefinitionRevision => match value.split_once(':') {
            Some((_, revision)) => Piece::Part(revision.to_string()),
            None => Piece::Wild,
        },
        SdkValueForm::SqsQueueUrl => {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"))?;
            let mut segments = rest.split('/');
            let host = segments.next()?;
            let account = segments.next().filter(|s| !s.is_empty())?;
            let name = segments.next().filter(|s| !s.is_empty())?;
            let host_parts: Vec<&str> = host.split('.').collect();
            let region = match host_parts.as_slice() {
                ["sqs", region, ..] => region.to_string(),
                [region, "queue", ..] => region.to_string(),
                _ => return None,
            };
            let ctx = ArnContext {
                region: Some(region),
                account: Some(account.to_string()),
                ..ctx.clone()
            };
            Piece::Whole(fill_format(format, &ctx, &|_| name.to_string()))
        }
    })
}

/// `iam:PassRole` for each role argument of the call, with
/// `iam:PassedToService` where AWS documents the service principal.
fn pass_role_needs(service: &str, args: &dyn Fn(&str) -> ArgValue, ctx: &ArnContext) -> Vec<Need> {
    let sdk = &catalog().aws_sdk;
    if sdk.role_arguments.exclude_services.iter().any(|s| s == service) {
        return Vec::new();
    }
    let passed = sdk
        .passed_to_service
        .iter()
        .find(|p| p.services.iter().any(|s| s == service));
    let condition = passed.map(|p| Condition::equals("iam:PassedToService", &p.principal));
    let source = passed.map_or(sdk.role_arguments.source.as_str(), |p| p.source.as_str());
    sdk.role_arguments
        .arguments
        .iter()
        .filter_map(|path| role_argument_need(path, args, ctx, condition.clone(), source))
        .collect()
}

/// `iam:PassRole` for the roles the role argument at `path` names (a role
/// name or ARN; any role when it is dynamic); `None` when it is absent.
pub(super) fn role_argument_need(
    path: &str,
    args: &dyn Fn(&str) -> ArgValue,
    ctx: &ArnContext,
    condition: Option<Condition>,
    source: &'static str,
) -> Option<Need> {
    let role_format = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
    let values = match argument_values(path, args, ctx.symbolic) {
        None => vec![DYNAMIC_ELEMENT.to_string()],
        Some(values) => values.into_iter().flatten().collect(),
    };
    if values.is_empty() {
        return None;
    }
    let mut resources = Vec::new();
    let mut dynamic = false;
    for v in values {
        let r = if v == DYNAMIC_ELEMENT {
            dynamic = true;
            wildcard_form(role_format, ctx)
        } else if v.starts_with("arn:") || v.contains("${") {
            v
        } else {
            // A role name.
            fill_format(role_format, ctx, &|_| v.clone())
        };
        if !resources.contains(&r) {
            resources.push(r);
        }
    }
    Some(Need {
        actions: vec!["iam:PassRole".into()],
        resources,
        kind: NeedKind::PassRole,
        target_argument: Some(top(path).to_string()),
        dynamic,
        condition,
        any_of: false,
        optional: false,
        source,
    })
}

/// What the service reads from S3 with the caller's credentials: a
/// Rekognition or Textract `S3Object` needs `s3:GetObject` on that object.
fn caller_read_needs(service: &str, args: &dyn Fn(&str) -> ArgValue, ctx: &ArnContext) -> Vec<Need> {
    let mut out = Vec::new();
    for read in catalog()
        .aws_sdk
        .caller_reads
        .iter()
        .filter(|r| r.services.iter().any(|s| s == service))
    {
        for object in &read.objects {
            let bucket = argument_values(&format!("{object}.Bucket"), args, ctx.symbolic);
            let name = argument_values(&format!("{object}.Name"), args, ctx.symbolic);
            let one = |v: Option<Vec<Option<String>>>| -> Option<Option<String>> {
                match v {
                    None => Some(None),
                    Some(values) => match values.as_slice() {
                        [Some(v)] if v == DYNAMIC_ELEMENT => Some(None),
                        [Some(v)] => Some(Some(v.clone())),
                        _ => None,
                    },
                }
            };
            // Absent `S3Object` (image bytes): nothing read from S3.
            let (Some(bucket), Some(name)) = (one(bucket), one(name)) else {
                continue;
            };
            let dynamic = bucket.is_none() || name.is_none();
            let resource = collapse(format!(
                "arn:{}:s3:::{}/{}",
                ctx.partition.as_deref().unwrap_or("aws"),
                bucket.as_deref().unwrap_or("*"),
                name.as_deref().unwrap_or("*")
            ));
            out.push(Need {
                actions: read.actions.clone(),
                resources: vec![resource],
                kind: NeedKind::Other,
                target_argument: None,
                dynamic,
                condition: None,
                any_of: false,
                optional: false,
                source: read.source.as_str(),
            });
        }
    }
    out
}

/// The arguments that name what an `aws-sdk` call acts on (for
/// `unvalidated-input-target`): the ones that fill its actions' resource
/// types, and its role arguments.
pub fn target_arguments(service: &str, operation: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut add = |name: &str| {
        let name = intern(name);
        if !out.contains(&name) {
            out.push(name);
        }
    };
    for action in aws_sdk_actions(service, operation) {
        let prefix = action.split(':').next().unwrap_or("").to_string();
        for (type_name, format) in chosen_types(&action, &|_| true) {
            add(&format!("{}Arn", pascal(type_name)));
            // The first variable names the resource (the bucket, the
            // table, the application); later ones name a part of it (an
            // object key, an index). A plain `Name` or `Id` is taken for
            // the resource's name, but not called its identifying
            // argument: it is the least certain match.
            let vars = variables(format);
            if let Some(first) = vars.first() {
                for c in candidates(&prefix, &action, type_name, first, vars.len()) {
                    if c != "Name" && c != "Id" {
                        add(top(&c));
                    }
                }
            }
        }
    }
    for path in &catalog().aws_sdk.role_arguments.arguments {
        add(top(path));
    }
    out
}

/// Argument names live as long as the process: a bounded set (built from
/// the reference's variable and type names).
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(found) = names.get(name) {
        return found;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// IAM actions for an `aws-sdk` integration, from the snapshot's map of
/// SDK operations (`s3:listObjectsV2` → `s3:ListBucket`; see
/// `scripts/sar/sdk-exceptions.json`). An operation the SDK does not have
/// (reported by `asl-unknown-integration`) gets the naming rule.
pub fn aws_sdk_actions(service: &str, action: &str) -> Vec<String> {
    crate::core::sar::sar()
        .sdk_actions(service, action)
        .unwrap_or_else(|| aws_sdk_naming_rule(service, action))
}

/// The IAM prefix of the service and the API name with a capital first
/// letter, except where the catalog names another action.
pub(super) fn aws_sdk_naming_rule(service: &str, action: &str) -> Vec<String> {
    let sdk = &catalog().aws_sdk;
    if let Some(mapped) = sdk.actions.get(&format!("{service}:{action}")) {
        return mapped.clone();
    }
    let prefix = sdk
        .service_prefixes
        .get(service)
        .map(String::as_str)
        .unwrap_or(service);
    let mut chars = action.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    vec![format!("{prefix}:{capitalised}")]
}
