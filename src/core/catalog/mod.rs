//! The permission catalog: which IAM actions each Step Functions integration
//! needs. The facts live in `schemas/catalog.json` (validated by
//! `schemas/catalog.schema.json`), each entry with the AWS documentation
//! page it came from; this module parses task resources and instantiates
//! the entries for a task's arguments.

mod args;
mod data;
mod need;
mod resource;
mod sdk;

pub use args::{ArgValue, ArnContext};
pub use need::{Condition, Need, NeedKind};
pub use sdk::aws_sdk_actions;

use data::catalog;
pub use data::Pattern;
pub use resource::{parse_task_resource, TaskKind, TaskResource, DYNAMIC_ELEMENT};

use args::fill;

use data::{NeedSpec, ResourceSpec, TargetSpec};

/// What a Map state in `DISTRIBUTED` mode does as the execution role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapSite {
    /// Starts one child workflow execution of the state machine itself per
    /// item (or batch).
    ChildExecutions,
    /// Reads its dataset (`ItemReader`).
    ItemReader,
    /// Writes its results (`ResultWriter`).
    ResultWriter,
}

/// Everything the execution role needs for one task.
pub fn needs(task: &TaskResource, args: &dyn Fn(&str) -> ArgValue, ctx: &ArnContext) -> Vec<Need> {
    let ctx = effective_context(task, ctx);
    match &task.kind {
        TaskKind::Optimized { service, api } => {
            let Some((entry, specs)) = catalog().lookup(service, api, task.pattern) else {
                return Vec::new();
            };
            specs
                .iter()
                .filter_map(|spec| {
                    let (applies, optional, source) = applies(spec, args);
                    if !applies {
                        return None;
                    }
                    let mut need = instantiate(spec, source.unwrap_or(entry.source.as_str()), args, &ctx);
                    need.optional |= optional;
                    for alt in &spec.actions_when {
                        if let ArgValue::Static(serde_json::Value::String(v)) = args(&alt.argument) {
                            if v.contains(alt.contains.as_str()) {
                                need.actions = alt.actions.clone();
                                need.source = alt.source.as_str();
                            }
                        }
                    }
                    Some(need)
                })
                .collect()
        }
        TaskKind::AwsSdk { service, action } => {
            let mut source = catalog()
                .aws_sdk
                .action_sources
                .get(&format!("{service}:{action}"))
                .unwrap_or(&catalog().aws_sdk.source)
                .as_str();
            let (actions, any_of) = if let Some(found) = transaction_actions(service, action, args) {
                found
            } else if let Some((found, query_source)) = query_actions(service, action, args) {
                source = query_source;
                found
            } else {
                (aws_sdk_actions(service, action), false)
            };
            // An action the reference does not list is a guess (a retired
            // service, a name the mapping could not place): nothing certain
            // can be asked of the role for it (`asl-unknown-integration`
            // says so at info).
            let actions: Vec<String> = actions
                .into_iter()
                .filter(|a| crate::core::sar::sar().action(a).is_some())
                .collect();
            if actions.is_empty() && !sdk_actions_are_none(service, action) {
                return sdk::side_needs(service, args, &ctx);
            }
            sdk::call_needs(service, &actions, any_of, args, &ctx, source)
        }
        TaskKind::LambdaArn { function_arn } => {
            let unqualified = resource::unqualified_function_arn(function_arn);
            let qualifier = resource::function_qualifier(function_arn);
            vec![Need {
                actions: vec!["lambda:InvokeFunction".into()],
                resources: resource::lambda_invocation_resources(&unqualified, qualifier),
                kind: NeedKind::Call,
                target_argument: None,
                dynamic: false,
                condition: None,
                any_of: false,
                optional: false,
                source: catalog().lambda_source(),
            }]
        }
        TaskKind::Activity | TaskKind::Unknown => Vec::new(),
    }
}

/// Whether the task starts ECS tasks from a task definition it names
/// (`ecs:runTask`, optimized or as an SDK call): the value of that
/// argument, when it is a literal.
pub fn started_task_definition(task: &TaskResource, args: &dyn Fn(&str) -> ArgValue) -> Option<String> {
    if !starts_ecs_tasks(task) {
        return None;
    }
    match args(&catalog().task_definition_roles.argument) {
        ArgValue::Static(serde_json::Value::String(v)) => Some(v),
        _ => None,
    }
}

fn starts_ecs_tasks(task: &TaskResource) -> bool {
    let (service, api) = match &task.kind {
        TaskKind::Optimized { service, api } => (service, api),
        TaskKind::AwsSdk { service, action } => (service, action),
        _ => return false,
    };
    catalog()
        .task_definition_roles
        .calls
        .iter()
        .any(|call| call.split_once(':') == Some((service.as_str(), api.as_str())))
}

/// `iam:PassRole` (to ECS) for the roles the ECS tasks the call starts run
/// with: `definition_roles`, the roles of the task definition it names
/// (read from the template that declares it), and the roles its overrides
/// name.
pub fn task_role_needs(
    task: &TaskResource,
    args: &dyn Fn(&str) -> ArgValue,
    ctx: &ArnContext,
    definition_roles: &[String],
) -> Vec<Need> {
    if !starts_ecs_tasks(task) {
        return Vec::new();
    }
    let spec = &catalog().task_definition_roles;
    let condition = Condition::equals("iam:PassedToService", &spec.principal);
    let mut out = Vec::new();
    if !definition_roles.is_empty() {
        out.push(Need {
            actions: vec!["iam:PassRole".into()],
            resources: definition_roles.to_vec(),
            kind: NeedKind::PassRole,
            target_argument: None,
            dynamic: false,
            condition: Some(condition.clone()),
            any_of: false,
            optional: false,
            source: spec.source.as_str(),
        });
    }
    let ctx = effective_context(task, ctx);
    for path in &spec.overrides {
        out.extend(sdk::role_argument_need(
            path,
            args,
            &ctx,
            Some(condition.clone()),
            spec.source.as_str(),
        ));
    }
    out
}

/// Whether a need applies to the task's arguments (its `when`), whether it
/// is only possibly needed (the argument is known only at run time), and
/// the page that says so.
fn applies(spec: &'static NeedSpec, args: &dyn Fn(&str) -> ArgValue) -> (bool, bool, Option<&'static str>) {
    let Some(when) = &spec.when else {
        return (true, false, None);
    };
    let source = Some(when.source.as_str());
    let value = match args(&when.argument) {
        ArgValue::Static(serde_json::Value::String(v)) => Some(v),
        ArgValue::Absent => when.default.clone(),
        ArgValue::Static(_) | ArgValue::Dynamic => return (true, true, source),
    };
    match value {
        Some(v) => (when.equals.contains(&v), false, source),
        None => (true, true, source),
    }
}

/// DynamoDB transactions need the action of each item's kind
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html>):
/// read from a static `TransactItems`; when the items are not known, the
/// need is met by any one of the actions (which ones the call uses depends
/// on its data). `None` for every other call.
fn transaction_actions(
    service: &str,
    action: &str,
    args: &dyn Fn(&str) -> ArgValue,
) -> Option<(Vec<String>, bool)> {
    if service != "dynamodb" || !matches!(action, "transactWriteItems" | "transactGetItems") {
        return None;
    }
    let kinds = [
        ("Put", "dynamodb:PutItem"),
        ("Update", "dynamodb:UpdateItem"),
        ("Delete", "dynamodb:DeleteItem"),
        ("ConditionCheck", "dynamodb:ConditionCheckItem"),
        ("Get", "dynamodb:GetItem"),
    ];
    if let ArgValue::Static(serde_json::Value::Array(items)) = args("TransactItems") {
        let mut actions: Vec<String> = Vec::new();
        for item in &items {
            let Some(object) = item.as_object() else {
                return Some((aws_sdk_actions(service, action), true));
            };
            for (kind, iam_action) in kinds {
                if object.contains_key(kind) && !actions.iter().any(|a| a == iam_action) {
                    actions.push(iam_action.to_string());
                }
            }
        }
        if !actions.is_empty() {
            return Some((actions, false));
        }
    }
    Some((aws_sdk_actions(service, action), true))
}

/// Neptune's queries need read, write or delete via query as the query's
/// steps do (`queryActions`): a query text known statically with none of
/// the words that change data needs only the read action; any other needs
/// at least one of the operation's actions, which ones its text decides.
fn query_actions(
    service: &str,
    action: &str,
    args: &dyn Fn(&str) -> ArgValue,
) -> Option<((Vec<String>, bool), &'static str)> {
    let operation = format!("{service}:{action}");
    let entry = catalog()
        .aws_sdk
        .query_actions
        .iter()
        .find(|e| e.operations.iter().any(|o| o.eq_ignore_ascii_case(&operation)))?;
    // A `${Name}` left in the text may stand for any words at all.
    if let ArgValue::Static(serde_json::Value::String(query)) = args(&entry.argument) {
        let changes = query.contains("${")
            || query
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(|word| entry.change_words.iter().any(|w| w.eq_ignore_ascii_case(word)));
        if !changes {
            return Some(((vec![entry.read.clone()], false), entry.source.as_str()));
        }
    }
    Some(((aws_sdk_actions(service, action), true), entry.source.as_str()))
}

/// The target-identifying argument names of the task's integration.
pub fn target_arguments(task: &TaskResource) -> Vec<&'static str> {
    match &task.kind {
        TaskKind::Optimized { service, api } => catalog()
            .entry(service, api)
            .map(|e| e.targets.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        TaskKind::AwsSdk { service, action } => {
            let mut out = vec![
                "Bucket",
                "FunctionName",
                "TableName",
                "TopicArn",
                "QueueUrl",
                "StateMachineArn",
                "RoleArn",
                "SecretId",
                "ClusterName",
                "ProjectName",
            ];
            for name in sdk::target_arguments(service, action) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The EventBridge managed rule a `.sync` task waits through, if any.
pub fn managed_rule(task: &TaskResource) -> Option<&'static str> {
    let TaskKind::Optimized { service, api } = &task.kind else {
        return None;
    };
    let (_, specs) = catalog().lookup(service, api, task.pattern)?;
    specs.iter().find_map(|spec| match (&spec.kind, &spec.resource) {
        (data::Kind::Events, ResourceSpec::Template(t)) => t.rsplit("rule/").next(),
        _ => None,
    })
}

/// A pattern the *value* of a target argument must match to stay inside the
/// account and region (for a Choice that validates input): an ARN pattern,
/// or a queue URL pattern for SQS. `None` where a value cannot carry the
/// account (plain names).
pub fn input_pattern(task: &TaskResource, argument: &str, ctx: &ArnContext) -> Option<String> {
    let TaskKind::Optimized { service, api } = &task.kind else {
        return None;
    };
    let (_, specs) = catalog().lookup(service, api, task.pattern)?;
    let ctx = effective_context(task, ctx);
    specs.iter().find_map(|spec| match &spec.resource {
        ResourceSpec::Target(t) if t.argument == argument => match t.form {
            data::Form::SqsQueueUrl => Some(fill(
                "https://sqs.{region}.amazonaws.com/{account}/*",
                &ctx,
                None,
                None,
            )),
            data::Form::LambdaFunction
            | data::Form::ArnOrName
            | data::Form::EventBus
            | data::Form::EcsTaskDefinition
                if t.arn.starts_with("arn:") =>
            {
                Some(fill(&t.arn, &ctx, Some("*"), None).replace("**", "*"))
            }
            _ => None,
        },
        _ => None,
    })
}

/// A feature of the state machine resource (not of a task) that needs
/// permissions of its role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MachineFeature {
    /// Logging to CloudWatch Logs at a level other than `OFF`.
    Logging,
    /// X-Ray tracing enabled.
    Tracing,
    /// Encryption at rest with a customer managed KMS key.
    Encryption,
}

/// What the role needs for a feature of the state machine resource.
/// `key` is the KMS key `Encryption` uses, as the template gives it.
pub fn machine_need(feature: MachineFeature, key: Option<&str>, ctx: &ArnContext) -> Need {
    let spec = match feature {
        MachineFeature::Logging => &catalog().machine.logging,
        MachineFeature::Tracing => &catalog().machine.tracing,
        MachineFeature::Encryption => &catalog().machine.encryption,
    };
    let (resources, dynamic) = match feature {
        MachineFeature::Encryption => {
            let (arn, dynamic) = kms_key_arn(key.unwrap_or_default(), ctx);
            (vec![arn], dynamic)
        }
        _ => (vec![spec.resource.clone()], false),
    };
    Need {
        actions: spec.actions.clone(),
        resources,
        kind: NeedKind::Other,
        target_argument: None,
        dynamic,
        condition: None,
        any_of: false,
        optional: false,
        source: spec.source.as_str(),
    }
}

/// Whether the mapping says an `aws-sdk` operation needs no IAM action at
/// all (`-` in the reference's operation map, an empty catalog exception).
fn sdk_actions_are_none(service: &str, action: &str) -> bool {
    aws_sdk_actions(service, action).is_empty()
}

/// Whether an `aws-sdk` operation's IAM actions are known: the mapping
/// names none (the call needs none), or the Service Authorization
/// Reference lists at least one of those it names.
pub fn sdk_actions_known(service: &str, action: &str) -> bool {
    let actions = aws_sdk_actions(service, action);
    actions.is_empty()
        || actions
            .iter()
            .any(|a| crate::core::sar::sar().action(a).is_some())
}

/// The KMS keys the needs' calls use: a call on a queue, topic or stream
/// that a customer managed key encrypts (`encryptedTargets`) also needs
/// the key's data-key actions on it. `targets` are the template's
/// (target ARN, key as written); AWS managed keys (`alias/aws/...`) need
/// nothing of the caller. Each target is (its ARN, its key as written, the
/// actions its key's policy grants the role by name).
pub fn key_use_needs(needs: &[Need], targets: &[(&str, &str, &[String])], ctx: &ArnContext) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    if targets.is_empty() {
        return out;
    }
    for need in needs.iter().filter(|n| n.kind == NeedKind::Call) {
        for entry in &catalog().encrypted_targets.entries {
            let uses = need
                .actions
                .iter()
                .any(|a| entry.actions.iter().any(|e| e.eq_ignore_ascii_case(a)));
            if !uses {
                continue;
            }
            for &(target, key, granted) in targets {
                if !need.resources.iter().any(|r| r == target)
                    || key.starts_with("alias/aws/")
                    || key.contains(":alias/aws/")
                {
                    continue;
                }
                // What the key's own policy grants the role is met there.
                let key_actions: Vec<String> = entry
                    .key_actions
                    .iter()
                    .filter(|a| !granted.iter().any(|p| crate::core::iam::action_matches(p, a)))
                    .cloned()
                    .collect();
                if key_actions.is_empty() {
                    continue;
                }
                let (arn, dynamic) = kms_key_arn(key, ctx);
                let found = out
                    .iter_mut()
                    .find(|n| n.resources == [arn.clone()] && n.source == entry.source.as_str());
                match found {
                    Some(n) => {
                        for a in &key_actions {
                            if !n.actions.contains(a) {
                                n.actions.push(a.clone());
                            }
                        }
                    }
                    None => out.push(Need {
                        actions: key_actions,
                        resources: vec![arn],
                        kind: NeedKind::KeyUse,
                        target_argument: None,
                        dynamic,
                        condition: None,
                        any_of: false,
                        optional: false,
                        source: entry.source.as_str(),
                    }),
                }
            }
        }
    }
    out
}

/// A KMS key as IAM authorises it: by its key ARN. A key ARN is itself; a
/// key ID becomes the key ARN in the machine's region and account; an
/// alias (name or ARN) names a key not known here, so any key of the
/// account stands (`dynamic`).
fn kms_key_arn(value: &str, ctx: &ArnContext) -> (String, bool) {
    let region = ctx.region.as_deref().unwrap_or("*");
    let account = ctx.account.as_deref().unwrap_or("*");
    let partition = ctx.partition.as_deref().unwrap_or("aws");
    let any_key = || (format!("arn:{partition}:kms:{region}:{account}:key/*"), true);
    if value.is_empty() || value.starts_with("alias/") || value.contains(":alias/") {
        return any_key();
    }
    // One reference: a key resource's ARN or ID; anything else (a
    // parameter, a variable) may be an ID, an ARN or an alias.
    let reference = value.starts_with("${") && value.ends_with('}') && value.matches("${").count() == 1;
    if reference {
        let attribute = value[2..value.len() - 1].rsplit('.').next().unwrap_or("");
        return match attribute {
            "Arn" | "arn" => (value.to_string(), false),
            "KeyId" | "key_id" => (
                format!("arn:{partition}:kms:{region}:{account}:key/{value}"),
                false,
            ),
            _ => any_key(),
        };
    }
    if value.starts_with("arn:") {
        return (value.to_string(), false);
    }
    if value.contains(['/', ':', '$']) {
        return any_key();
    }
    (
        format!("arn:{partition}:kms:{region}:{account}:key/{value}"),
        false,
    )
}

/// What is unconfirmed about the machine-level needs: (feature, note).
pub fn machine_unconfirmed() -> Vec<(&'static str, &'static str)> {
    let machine = &catalog().machine;
    [
        ("logging", &machine.logging),
        ("tracing", &machine.tracing),
        ("encryption", &machine.encryption),
    ]
    .into_iter()
    .filter_map(|(name, spec)| spec.unconfirmed.as_deref().map(|u| (name, u)))
    .collect()
}

/// Integrations whose facts could not all be confirmed in the AWS
/// documentation: (`service:api`, what is unconfirmed).
pub fn unconfirmed() -> Vec<(String, &'static str)> {
    catalog()
        .integrations
        .iter()
        .filter_map(|e| {
            e.unconfirmed
                .as_deref()
                .map(|u| (format!("{}:{}", e.service, e.api), u))
        })
        .collect()
}

/// Every optimized integration's task `Resource` in the `aws` partition,
/// one per pattern, with a short description: (`arn:aws:states:::sns:publish`,
/// `sns publish (request-response)`).
pub fn integration_resources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in &catalog().integrations {
        for pattern in entry.patterns.keys() {
            let suffix = match pattern.as_str() {
                "request-response" => String::new(),
                other => format!(".{other}"),
            };
            out.push((
                format!("arn:aws:states:::{}:{}{suffix}", entry.service, entry.api),
                format!("{} {} ({pattern})", entry.service, entry.api),
            ));
        }
    }
    out
}

/// Every IAM action the catalog names (the optimized integrations' needs
/// and the `aws-sdk` action exceptions), sorted, each once.
pub fn known_actions() -> Vec<String> {
    let catalog = catalog();
    let mut out: Vec<String> = catalog
        .integrations
        .iter()
        .flat_map(|e| e.patterns.values().flatten())
        .flat_map(|need| {
            need.actions
                .iter()
                .chain(need.actions_when.iter().flat_map(|a| a.actions.iter()))
                .cloned()
        })
        .chain(catalog.aws_sdk.actions.values().flatten().cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether the catalog knows this integration and pattern.
pub fn is_known(task: &TaskResource) -> bool {
    match &task.kind {
        TaskKind::Optimized { service, api } => catalog().lookup(service, api, task.pattern).is_some(),
        TaskKind::AwsSdk { .. } | TaskKind::LambdaArn { .. } | TaskKind::Activity => true,
        TaskKind::Unknown => false,
    }
}

/// The context with the task resource's own region/account as fallback.
fn effective_context(task: &TaskResource, ctx: &ArnContext) -> ArnContext {
    ArnContext {
        partition: ctx.partition.clone().or_else(|| task.partition.clone()),
        region: ctx.region.clone().or_else(|| task.region.clone()),
        account: ctx.account.clone().or_else(|| task.account.clone()),
        symbolic: ctx.symbolic,
    }
}

/// What one site of a Distributed Map needs. `resource` is the
/// `ItemReader`/`ResultWriter` `Resource`; `args` its `Parameters` or
/// `Arguments`; `machine_name` the state machine's own name when known.
/// `None` when the catalog does not know that `Resource`.
pub fn distributed_map_needs(
    site: MapSite,
    resource: Option<&str>,
    args: &dyn Fn(&str) -> ArgValue,
    machine_name: Option<&str>,
    ctx: &ArnContext,
) -> Option<Vec<Need>> {
    let map = &catalog().distributed_map;
    let (specs, ctx) = match site {
        MapSite::ChildExecutions => (&map.child_executions, ctx.clone()),
        MapSite::ItemReader | MapSite::ResultWriter => {
            let task = parse_task_resource(resource?);
            let TaskKind::Optimized { service, api } = &task.kind else {
                return None;
            };
            if task.pattern != Pattern::RequestResponse {
                return None;
            }
            let table = if site == MapSite::ItemReader {
                &map.item_reader
            } else {
                &map.result_writer
            };
            (
                table.get(&format!("{service}:{api}"))?,
                effective_context(&task, ctx),
            )
        }
    };
    Some(
        specs
            .iter()
            .map(|spec| instantiate_map(spec, map.source.as_str(), args, machine_name, &ctx))
            .collect(),
    )
}

/// The facts about Distributed Maps that could not be confirmed.
pub fn distributed_map_unconfirmed() -> Option<&'static str> {
    catalog().distributed_map.unconfirmed.as_deref()
}

/// A Distributed Map need: each argument placeholder filled with its static
/// value; an unknown one becomes `*` and makes the need dynamic. A
/// condition is kept only when its value is a static, non-empty string.
fn instantiate_map(
    spec: &data::MapNeedSpec,
    source: &'static str,
    args: &dyn Fn(&str) -> ArgValue,
    machine_name: Option<&str>,
    ctx: &ArnContext,
) -> Need {
    let value_of = |argument: &str| -> ArgValue {
        match argument {
            "StateMachineName" => match machine_name {
                Some(n) => ArgValue::Static(serde_json::Value::String(n.into())),
                None => ArgValue::Dynamic,
            },
            _ => args(argument),
        }
    };
    let mut dynamic = false;
    let resource = replace_braced(&spec.resource, |name| {
        if matches!(name, "partition" | "region" | "account") {
            return None;
        }
        let (argument, slash) = match name.strip_suffix('/') {
            Some(a) => (a, true),
            None => (name, false),
        };
        Some(match value_of(argument) {
            ArgValue::Static(serde_json::Value::String(v)) if slash => {
                let v = v.trim_end_matches('/');
                if v.is_empty() {
                    String::new()
                } else {
                    format!("{v}/")
                }
            }
            ArgValue::Static(serde_json::Value::String(v)) if !v.is_empty() => v,
            // No prefix: the whole bucket.
            ArgValue::Absent | ArgValue::Static(serde_json::Value::String(_)) if argument == "Prefix" => {
                String::new()
            }
            _ => {
                dynamic = true;
                if slash {
                    String::new()
                } else {
                    "*".into()
                }
            }
        })
    });
    let resource = fill(&resource, ctx, None, None).replace("**", "*");
    let condition = spec.condition.as_ref().and_then(|c| {
        let mut known = true;
        let value = replace_braced(&c.value, |name| match value_of(name) {
            ArgValue::Static(serde_json::Value::String(v)) if !v.is_empty() => Some(v),
            _ => {
                known = false;
                Some(String::new())
            }
        });
        (known && !value.is_empty()).then(|| Condition {
            operator: c.operator.clone(),
            key: c.key.clone(),
            value,
        })
    });
    Need {
        actions: spec.actions.clone(),
        resources: vec![resource],
        kind: match spec.kind {
            data::Kind::Call => NeedKind::Call,
            _ => NeedKind::Other,
        },
        target_argument: None,
        dynamic,
        condition,
        any_of: false,
        optional: spec.optional,
        source,
    }
}

/// Replaces each `{name}` for which `f` returns a value; keeps the others.
fn replace_braced(template: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        match f(&after[1..close]) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&after[..=close]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn instantiate(
    spec: &NeedSpec,
    source: &'static str,
    args: &dyn Fn(&str) -> ArgValue,
    ctx: &ArnContext,
) -> Need {
    let kind = match spec.kind {
        data::Kind::Call => NeedKind::Call,
        data::Kind::Poll => NeedKind::SyncPoll,
        data::Kind::Events => NeedKind::EventsRule,
        data::Kind::Passrole => NeedKind::PassRole,
        data::Kind::Other => NeedKind::Other,
    };
    let condition = spec.condition.as_ref().map(|(k, v)| Condition::equals(k, v));
    let (resources, target_argument, dynamic) = match &spec.resource {
        ResourceSpec::Template(t) => (vec![fill(t, ctx, None, None)], None, false),
        ResourceSpec::Target(target) => {
            let (resources, dynamic) = target_resources(target, args, ctx);
            let top = target.argument.split(['.', '[']).next().unwrap_or("").to_string();
            (resources, Some(top), dynamic)
        }
    };
    // Data-dependent needs, and those AWS documents only as `*`, name no
    // exact resource either.
    let dynamic = dynamic || spec.any_of || resources.iter().all(|r| r == "*");
    Need {
        actions: spec.actions.clone(),
        resources,
        kind,
        target_argument,
        dynamic,
        any_of: spec.any_of,
        optional: spec.optional,
        condition,
        source,
    }
}

/// The resources a target argument names, and whether they had to be
/// widened because the value is not known.
fn target_resources(
    target: &TargetSpec,
    args: &dyn Fn(&str) -> ArgValue,
    ctx: &ArnContext,
) -> (Vec<String>, bool) {
    let dynamic = || (vec![fill(&target.dynamic, ctx, None, None)], true);
    let values: Vec<Option<String>> = match resource::argument_values(&target.argument, args, ctx.symbolic) {
        None => return dynamic(),
        Some(values) => values,
    };
    let mut out = Vec::new();
    let mut some_dynamic = false;
    for value in values {
        let value = match value.or_else(|| target.default.clone()) {
            Some(v) if v == resource::DYNAMIC_ELEMENT => {
                // This element's target is known only at run time: the
                // documented wildcard form stands for it.
                some_dynamic = true;
                let wildcard = fill(&target.dynamic, ctx, None, None);
                if !out.contains(&wildcard) {
                    out.push(wildcard);
                }
                continue;
            }
            Some(v) => v,
            None => return dynamic(),
        };
        if target.form == data::Form::BedrockModel && resource::bedrock_model_resources(&value, ctx).1 {
            some_dynamic = true;
        }
        match resource::render(target, &value, ctx) {
            Some(rendered) => {
                for r in rendered {
                    if !out.contains(&r) {
                        out.push(r);
                    }
                }
            }
            None => return dynamic(),
        }
    }
    if out.is_empty() {
        return dynamic();
    }
    (out, some_dynamic)
}

#[cfg(test)]
mod tests;
