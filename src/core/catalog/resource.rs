//! Task `Resource` ARNs, and turning argument values into resource ARNs.

use super::args::{fill, ArgValue, ArnContext};
use super::data::{Form, Pattern, TargetSpec};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// `arn:<p>:states:::<service>:<api>[.sync|.sync:2|.waitForTaskToken]`
    Optimized { service: String, api: String },
    /// `arn:<p>:states:::aws-sdk:<service>:<action>[...]`
    AwsSdk { service: String, action: String },
    /// `arn:<p>:states:<region>:<account>:activity:<name>`
    Activity,
    /// `arn:<p>:lambda:<region>:<account>:function:<name>[:qualifier]`
    LambdaArn { function_arn: String },
    /// Anything else, including unresolved `${Placeholder}` resources.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskResource {
    pub kind: TaskKind,
    pub pattern: Pattern,
    /// Partition, region and account written in the resource ARN.
    pub partition: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

/// Splits an ARN on `:` without breaking `${AWS::Partition}`-style placeholders.
fn split_arn(text: &str) -> Vec<&str> {
    let mut parts = Vec::with_capacity(8);
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

pub fn parse_task_resource(resource: &str) -> TaskResource {
    let unknown = TaskResource {
        kind: TaskKind::Unknown,
        pattern: Pattern::RequestResponse,
        partition: None,
        region: None,
        account: None,
    };
    let resource = resource.trim();
    let parts = split_arn(resource);
    if parts.len() < 6 || parts[0] != "arn" {
        return unknown;
    }
    let (kind, pattern) = match parts[2] {
        "lambda" if parts[5] == "function" && parts.len() >= 7 => (
            TaskKind::LambdaArn {
                function_arn: resource.to_string(),
            },
            Pattern::RequestResponse,
        ),
        "states" if parts[5] == "activity" => (TaskKind::Activity, Pattern::RequestResponse),
        "states" => {
            // Everything after the account, as written (`service:api.sync`).
            let tail_start = parts[..5].iter().map(|p| p.len() + 1).sum::<usize>();
            let tail = &resource[tail_start..];
            let (body, pattern) = if let Some(b) = tail.strip_suffix(".sync:2") {
                (b, Pattern::Sync2)
            } else if let Some(b) = tail.strip_suffix(".sync") {
                (b, Pattern::Sync)
            } else if let Some(b) = tail.strip_suffix(".waitForTaskToken") {
                (b, Pattern::WaitForTaskToken)
            } else {
                (tail, Pattern::RequestResponse)
            };
            if body.contains("${") {
                return unknown;
            }
            let mut pieces = body.split(':');
            let kind = match (pieces.next(), pieces.next(), pieces.next(), pieces.next()) {
                (Some("aws-sdk"), Some(service), Some(action), None) => TaskKind::AwsSdk {
                    service: service.to_string(),
                    action: action.to_string(),
                },
                (Some(service), Some(api), None, None) if !service.is_empty() && !api.is_empty() => {
                    TaskKind::Optimized {
                        service: service.to_string(),
                        api: api.to_string(),
                    }
                }
                _ => return unknown,
            };
            (kind, pattern)
        }
        _ => return unknown,
    };
    TaskResource {
        kind,
        pattern,
        partition: non_empty(parts[1]),
        region: non_empty(parts[3]),
        account: non_empty(parts[4]),
    }
}

/// The resources a Lambda invocation is authorised against. Lambda checks a
/// call that names a version or alias against that qualified ARN, and an
/// unqualified call against the function's own ARN
/// (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html>):
/// a qualified invocation needs exactly its qualified ARN; an unqualified
/// one its ARN, with the `:*` form (versions and aliases) written beside
/// it in generated policies.
pub fn lambda_invocation_resources(unqualified: &str, qualifier: Option<&str>) -> Vec<String> {
    match qualifier.filter(|q| !q.is_empty()) {
        Some(qualifier) => vec![format!("{unqualified}:{qualifier}")],
        None => vec![unqualified.to_string(), format!("{unqualified}:*")],
    }
}

/// The version or alias a function ARN names, if any.
pub fn function_qualifier(arn: &str) -> Option<&str> {
    split_arn(arn).get(7).copied()
}

/// `arn:aws:lambda:r:a:function:name:alias` → `arn:aws:lambda:r:a:function:name`.
pub fn unqualified_function_arn(arn: &str) -> String {
    let parts = split_arn(arn);
    if parts.len() > 7 {
        parts[..7].join(":")
    } else {
        arn.to_string()
    }
}

/// What [`argument_values`] gives for an element whose value is known only
/// at run time.
pub const DYNAMIC_ELEMENT: &str = "${?}";

/// The static string values an argument path names: one per array element
/// for `Entries[].EventBusName` (`None` where the element lacks the field).
/// `None` when the value is not known statically.
pub fn argument_values(
    path: &str,
    args: &dyn Fn(&str) -> ArgValue,
    symbolic: bool,
) -> Option<Vec<Option<String>>> {
    let top_end = path.find(['.', '[']).unwrap_or(path.len());
    let top = &path[..top_end];
    let rest = &path[top_end..];
    let value = match args(top) {
        ArgValue::Static(v) => v,
        ArgValue::Dynamic => return None,
        ArgValue::Absent => return Some(vec![None]),
    };
    let mut current = vec![Some(value)];
    for step in rest.split('.').filter(|s| !s.is_empty()) {
        let (field, each) = match step.strip_suffix("[]") {
            Some(f) => (f, true),
            None => (step, false),
        };
        let mut next = Vec::new();
        for v in current {
            let v = match (v, field.is_empty()) {
                (Some(v), true) => Some(v),
                (Some(v), false) => v.get(field).cloned(),
                (None, _) => None,
            };
            match (v, each) {
                (Some(serde_json::Value::Array(items)), true) => next.extend(items.into_iter().map(Some)),
                (v, _) => next.push(v),
            }
        }
        current = next;
    }
    // One value per element (`Entries[].EventBusName`): an element whose
    // value is not known leaves the others known.
    let each_element = path.contains("[]");
    let mut out = Vec::new();
    for v in current {
        match v {
            None | Some(serde_json::Value::Null) => out.push(None),
            Some(serde_json::Value::String(s)) => {
                // An unresolved placeholder (`${WorkerArn}`) names no known
                // target, unless it is a template's reference to a resource;
                // nor does a value taken from the state's data (`${?}`).
                // A definition's own `${Name}` (a substitution made at
                // deploy time, out of view) is kept: one fixed value that
                // checks and messages name, and no fix writes.
                let substitution = !symbolic && s.starts_with("${") && s.ends_with('}') && !s.contains("${?");
                if substitution {
                    out.push(Some(s));
                    continue;
                }
                if (s.contains("${") && !s.starts_with("arn:") && !symbolic) || s.contains("${?") {
                    if !each_element {
                        return None;
                    }
                    out.push(Some(DYNAMIC_ELEMENT.to_string()));
                    continue;
                }
                out.push(Some(s))
            }
            Some(_) => return None,
        }
    }
    Some(out)
}

/// The resource ARNs a static argument value names under a form.
pub fn render(target: &TargetSpec, value: &str, ctx: &ArnContext) -> Option<Vec<String>> {
    let is_arn = value.starts_with("arn:");
    let template = |v: &str| fill(&target.arn, ctx, Some(v), None);
    Some(match target.form {
        Form::ArnOrName => vec![if is_arn {
            value.to_string()
        } else {
            template(value)
        }],
        Form::Name => {
            let name = if is_arn {
                value.rsplit(['/', ':']).next().unwrap_or(value)
            } else {
                value
            };
            vec![template(name)]
        }
        Form::LambdaFunction => {
            let parts = split_arn(value);
            let (unqualified, qualifier) = if is_arn {
                if parts.len() < 7 {
                    return None;
                }
                (parts[..7].join(":"), parts.get(7).copied())
            } else if parts.len() >= 3 && parts[1] == "function" {
                // `123456789012:function:name[:qualifier]`
                let ctx = ArnContext {
                    account: Some(parts[0].to_string()),
                    ..ctx.clone()
                };
                (
                    fill(&target.arn, &ctx, Some(parts[2]), None),
                    parts.get(3).copied(),
                )
            } else {
                // `name[:qualifier]`
                (template(parts[0]), parts.get(1).copied())
            };
            lambda_invocation_resources(&unqualified, qualifier)
        }
        Form::EcsTaskDefinition => {
            let (base, has_revision) = if is_arn {
                let tail = value.rsplit('/').next().unwrap_or("");
                (value.to_string(), tail.contains(':'))
            } else {
                (template(value), value.contains(':'))
            };
            vec![if has_revision { base } else { format!("{base}:*") }]
        }
        Form::SqsQueueUrl => {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"))?;
            let mut segments = rest.split('/');
            let host = segments.next()?;
            let account = segments.next()?;
            let name = segments.next()?;
            let host_parts: Vec<&str> = host.split('.').collect();
            let region = match host_parts.as_slice() {
                ["sqs", region, ..] => region.to_string(),
                [region, "queue", ..] => region.to_string(),
                _ => return None,
            };
            let ctx = ArnContext {
                partition: ctx.partition.clone(),
                region: Some(region),
                account: Some(account.to_string()),
                symbolic: ctx.symbolic,
            };
            vec![fill(&target.arn, &ctx, Some(name), None)]
        }
        Form::StateMachineExecutions => {
            let name = if is_arn {
                let parts = split_arn(value);
                if parts.len() < 7 {
                    return None;
                }
                let ctx = ArnContext {
                    partition: non_empty(parts[1]),
                    region: non_empty(parts[3]),
                    account: non_empty(parts[4]),
                    symbolic: ctx.symbolic,
                };
                return Some(vec![fill(&target.arn, &ctx, None, Some(parts[6]))]);
            } else {
                value
            };
            vec![fill(&target.arn, ctx, None, Some(name))]
        }
        Form::BedrockModel => bedrock_model_resources(value, ctx).0,
        Form::Opaque => return None,
        Form::EventBus => vec![if is_arn {
            value.to_string()
        } else {
            template(value)
        }],
        Form::ApiEndpoint => {
            let host = value.trim_start_matches("https://");
            let labels: Vec<&str> = host.split('.').collect();
            match labels.as_slice() {
                [api_id, "execute-api", region, ..] => {
                    let ctx = ArnContext {
                        region: Some(region.to_string()),
                        ..ctx.clone()
                    };
                    vec![fill(&target.arn, &ctx, Some(api_id), None)]
                }
                _ => return None,
            }
        }
    })
}

/// The geographic prefixes of Bedrock's system-defined (cross-Region)
/// inference profile ids (`us.anthropic.claude-3-haiku-20240307-v1:0`).
const INFERENCE_PROFILE_PREFIXES: &[&str] = &["us.", "eu.", "apac.", "global."];

/// What a Bedrock `ModelId` is invoked on, and whether it is known only
/// roughly. A foundation model: its ARN. An inference profile (an id with
/// a geographic prefix, or a profile ARN): the profile, and the foundation
/// model in each Region the profile routes to
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html>);
/// those Regions are not known here, so the model's ARN has `*` for its
/// Region and the need is met by any grant that overlaps it.
pub fn bedrock_model_resources(value: &str, ctx: &ArnContext) -> (Vec<String>, bool) {
    let partition = ctx.partition.as_deref().unwrap_or("aws");
    let region = ctx.region.as_deref().unwrap_or("*");
    let account = ctx.account.as_deref().unwrap_or("*");
    let model_anywhere = |id: &str| format!("arn:{partition}:bedrock:*::foundation-model/{id}");
    let strip_geo = |id: &str| -> String {
        INFERENCE_PROFILE_PREFIXES
            .iter()
            .find_map(|p| id.strip_prefix(p))
            .unwrap_or(id)
            .to_string()
    };
    if value.starts_with("arn:") {
        let resource = split_arn(value).get(5..).map(|r| r.join(":")).unwrap_or_default();
        if let Some(id) = resource.strip_prefix("inference-profile/") {
            return (vec![value.to_string(), model_anywhere(&strip_geo(id))], true);
        }
        if resource.starts_with("application-inference-profile/") {
            // The models it routes to are the profile's own configuration.
            return (vec![value.to_string(), model_anywhere("*")], true);
        }
        return (vec![value.to_string()], false);
    }
    if INFERENCE_PROFILE_PREFIXES.iter().any(|p| value.starts_with(p)) {
        return (
            vec![
                format!("arn:{partition}:bedrock:{region}:{account}:inference-profile/{value}"),
                model_anywhere(&strip_geo(value)),
            ],
            true,
        );
    }
    (
        vec![format!(
            "arn:{partition}:bedrock:{region}::foundation-model/{value}"
        )],
        false,
    )
}
