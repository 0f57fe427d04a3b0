//! What one task needs of the role and the role's answer, kept in the
//! role's memo: the key (everything the answer depends on besides the
//! role) and how an answer is worked out.

use std::sync::Arc;

use serde_json::Value;

use crate::core::asl::dataflow::{Argument, Leaf};
use crate::core::catalog::{self, ArgValue, ArnContext, Need, TaskResource};
use crate::core::iam::{self, Decision, Policy, Request, StatementRef};
use crate::core::syntax::Node;
use crate::core::unit::{EncryptedTarget, TaskDefinitionRoles};

const CROSS_ACCOUNT_SOURCE: &str =
    "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html";

/// The role a task's `Credentials` names: its ARN, `*` when it comes from
/// the state's data, `None` without Credentials.
/// Everything a task's needs, and the role's answer to them, depend on
/// besides the role itself: its `Resource`, the role its `Credentials`
/// assume, its arguments (a literal's value, or only that it is dynamic)
/// and where ARNs are written. Positions are not part of it: a task moved
/// by an edit elsewhere keeps its answer.
#[derive(Clone, PartialEq, Eq)]
pub struct TaskKey {
    resource: String,
    credentials: Option<String>,
    arguments: Vec<(String, Option<Arc<Value>>)>,
    arn: ArnContext,
    /// The roles of the ECS task definition the task starts, where the
    /// template declares it.
    definition_roles: Vec<String>,
    /// The template's KMS-encrypted queues, topics and streams (target
    /// ARN, key).
    encrypted: Arc<Vec<EncryptedTarget>>,
}

impl TaskKey {
    pub(super) fn new(
        resource: &str,
        credentials: Option<&Node>,
        arguments: &[Argument],
        arn: &ArnContext,
        task_definitions: &[TaskDefinitionRoles],
        encrypted: &Arc<Vec<EncryptedTarget>>,
    ) -> Self {
        let mut key = TaskKey {
            resource: resource.to_string(),
            credentials: assumed_role(credentials),
            arguments: arguments
                .iter()
                .map(|a| {
                    let literal = match &a.provenance {
                        Leaf::Literal(v) => Some(v.clone()),
                        _ => None,
                    };
                    (a.name.clone(), literal)
                })
                .collect(),
            arn: arn.clone(),
            definition_roles: Vec::new(),
            encrypted: encrypted.clone(),
        };
        if !task_definitions.is_empty() && resource.contains(":ecs:") {
            let parsed = catalog::parse_task_resource(resource);
            if let Some(named) = catalog::started_task_definition(&parsed, &|name| key.argument(name)) {
                for definition in task_definitions.iter().filter(|d| d.named_by(&named)) {
                    for role in &definition.roles {
                        if !key.definition_roles.contains(role) {
                            key.definition_roles.push(role.clone());
                        }
                    }
                }
            }
        }
        key
    }

    /// The arguments as the catalog reads them (the first of a name wins).
    fn argument(&self, name: &str) -> ArgValue {
        match self.arguments.iter().find(|(n, _)| n == name) {
            None => ArgValue::Absent,
            Some((_, Some(v))) => ArgValue::Static((**v).clone()),
            Some((_, None)) => ArgValue::Dynamic,
        }
    }
}

impl std::hash::Hash for TaskKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.resource.hash(state);
        self.credentials.hash(state);
        for (name, value) in &self.arguments {
            name.hash(state);
            // Equal keys hash alike: a string literal by its text, any
            // other value by its kind only (equality tells them apart).
            match value.as_deref() {
                None => state.write_u8(0),
                Some(Value::String(s)) => s.hash(state),
                Some(Value::Null) => state.write_u8(1),
                Some(Value::Bool(_)) => state.write_u8(2),
                Some(Value::Number(_)) => state.write_u8(3),
                Some(Value::Array(_)) => state.write_u8(4),
                Some(Value::Object(_)) => state.write_u8(5),
            }
        }
    }
}

/// A task's parsed `Resource` and its checked needs.
#[derive(Clone)]
pub struct TaskAnswer {
    pub(super) resource: TaskResource,
    pub(super) needs: Arc<Vec<NeedCheck>>,
}

/// Answers kept with a lowered role, by task (see [`TaskKey`]).
pub type NeedMemo = std::sync::Mutex<crate::core::hash::FastMap<TaskKey, TaskAnswer>>;

/// Past this many answers the memo starts again: tasks deleted or
/// rewritten while the role stayed the same leave answers no one asks for.
pub(super) const NEED_MEMO_LIMIT: usize = 20_000;

pub(super) fn answer(key: &TaskKey, policies: &[Policy], index: &iam::PolicyIndex) -> TaskAnswer {
    let resource = catalog::parse_task_resource(&key.resource);
    let args = |name: &str| key.argument(name);
    // A task with Credentials calls the service as another role: the
    // execution role only needs to assume it (that role's own policy is
    // not in view).
    let needs = match &key.credentials {
        Some(role) => vec![Need {
            actions: vec!["sts:AssumeRole".into()],
            dynamic: role == "*",
            resources: vec![role.clone()],
            kind: catalog::NeedKind::Other,
            target_argument: None,
            condition: None,
            any_of: false,
            optional: false,
            source: CROSS_ACCOUNT_SOURCE,
        }],
        None => {
            let mut needs = catalog::needs(&resource, &args, &key.arn);
            needs.extend(catalog::task_role_needs(
                &resource,
                &args,
                &key.arn,
                &key.definition_roles,
            ));
            let targets: Vec<(&str, &str, &[String])> = key
                .encrypted
                .iter()
                .map(|t| (t.arn.as_str(), t.key.as_str(), t.key_policy_grants.as_slice()))
                .collect();
            let key_uses = catalog::key_use_needs(&needs, &targets, &key.arn);
            needs.extend(key_uses);
            needs
        }
    }
    .into_iter()
    .map(|need| check_need(need, policies, index, request_context(&args, &key.arn)))
    .collect();
    TaskAnswer {
        resource,
        needs: Arc::new(needs),
    }
}

fn assumed_role(credentials: Option<&Node>) -> Option<String> {
    let credentials = credentials?;
    if let Some(arn) = credentials.get("RoleArn").and_then(Node::as_str) {
        return Some(arn.to_string());
    }
    credentials.member("RoleArn.$").map(|_| "*".to_string())
}

/// Condition keys the task's own arguments decide: `ecs:cluster` for a
/// static `Cluster` (a name becomes the cluster's ARN).
fn request_context(args: &dyn Fn(&str) -> ArgValue, arn: &ArnContext) -> Vec<(String, String)> {
    let mut context = Vec::new();
    if let ArgValue::Static(serde_json::Value::String(cluster)) = args("Cluster") {
        let value = if cluster.starts_with("arn:") {
            cluster
        } else {
            format!(
                "arn:{}:ecs:{}:{}:cluster/{cluster}",
                arn.partition.as_deref().unwrap_or("aws"),
                arn.region.as_deref().unwrap_or("*"),
                arn.account.as_deref().unwrap_or("*")
            )
        };
        context.push(("ecs:cluster".to_string(), value));
    }
    context
}

/// A need and what the role says to each of its (action, resource) pairs.
pub struct NeedCheck {
    pub need: Need,
    pub pairs: Vec<PairCheck>,
}

pub struct PairCheck {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    /// Granted by the least-privilege policy but not required by the call:
    /// a Lambda function's `:*` form (its versions and aliases) when the
    /// task invokes the unqualified function.
    pub optional: bool,
    /// The role's wildcard resources that allow this pair on more than its
    /// need names, as (statement, pattern): worked out by
    /// `wildcard-resource` on first use, and kept with the pair.
    pub wider: std::sync::OnceLock<Vec<(StatementRef, String)>>,
    /// Allowed only if values the analysis could not resolve (a template
    /// parameter, a Terraform variable, an unfollowed substitution) turn
    /// out to match: their names, as written (`var.job_name`). Empty when
    /// the decision holds whatever they are.
    pub unresolved: Vec<String>,
}

impl NeedCheck {
    pub fn missing(&self) -> impl Iterator<Item = &PairCheck> {
        self.pairs
            .iter()
            .filter(|p| !p.optional && !matches!(p.decision, Decision::Allowed { .. }))
    }

    pub fn is_met(&self) -> bool {
        self.missing().next().is_none()
    }
}

pub(super) fn check_need(
    need: Need,
    policies: &[Policy],
    index: &iam::PolicyIndex,
    known: Vec<(String, String)>,
) -> NeedCheck {
    let mut context: Vec<(&str, &str)> = known.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Some(c) = &need.condition {
        context.push((c.key.as_str(), c.value.as_str()));
    }
    let mut pairs = Vec::new();
    for action in &need.actions {
        for resource in &need.resources {
            let mut decision = iam::evaluate_indexed(
                policies,
                index,
                &Request {
                    action,
                    resource,
                    context: &context,
                },
            );
            let pass_role_unknown_service =
                need.kind == catalog::NeedKind::PassRole && need.condition.is_none();
            // A target chosen at run time; a name known only at deploy time
            // (`${Worker.Name}`, generated by CloudFormation), whose region
            // and account may be placeholders too (`${AWS::Region}`); or a
            // region or account not known (`*`): met by any grant that
            // could cover it.
            if decision == Decision::ImplicitDeny
                && (need.dynamic
                    || resource.contains("${")
                    || resource.contains(['*', '?'])
                    || pass_role_unknown_service)
            {
                decision = overlapping_allow(
                    policies,
                    action,
                    &placeholders_as_wildcards(resource),
                    pass_role_unknown_service,
                    &context,
                );
            }
            let optional = resource
                .strip_suffix(":*")
                .is_some_and(|base| base.contains(":function:") && need.resources.iter().any(|r| r == base));
            let unresolved = match &decision {
                Decision::Allowed { by, .. } if !need.dynamic => {
                    unresolved_dependence(policies, by, resource)
                }
                _ => Vec::new(),
            };
            pairs.push(PairCheck {
                action: action.clone(),
                resource: resource.clone(),
                decision,
                optional,
                wider: Default::default(),
                unresolved,
            });
        }
    }
    if need.optional
        || (need.any_of
            && pairs
                .iter()
                .any(|p| matches!(p.decision, Decision::Allowed { .. })))
    {
        for pair in &mut pairs {
            pair.optional = true;
        }
    }
    NeedCheck { need, pairs }
}

/// For a target chosen at run time, the need is met for the targets the
/// role names inside its pattern: any Allow whose resource overlaps it.
fn overlapping_allow(
    policies: &[Policy],
    action: &str,
    pattern: &str,
    pass_role_unknown_service: bool,
    context: &[(&str, &str)],
) -> Decision {
    let mut by = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            if statement.effect != iam::Effect::Allow || !iam::statement_allows_action(statement, action) {
                continue;
            }
            let Some(resources) = statement.resources.as_ref().filter(|r| !r.negated) else {
                continue;
            };
            let overlaps = resources
                .items
                .iter()
                .any(|r| super::overlap::patterns_intersect(pattern, &placeholders_as_wildcards(&r.value)));
            // A role passed to a service whose principal the catalog does
            // not know: a grant conditioned on `iam:PassedToService` may be
            // for that service.
            let conditions_allow = statement.conditions.is_empty()
                || (pass_role_unknown_service
                    && statement
                        .conditions
                        .iter()
                        .all(|c| c.key.eq_ignore_ascii_case("iam:PassedToService")))
                || iam::conditions_may_hold(statement, context);
            if overlaps && conditions_allow {
                by.push(StatementRef {
                    policy: p,
                    statement: s,
                });
            }
        }
    }
    if by.is_empty() {
        Decision::ImplicitDeny
    } else {
        Decision::Allowed {
            by,
            conditional: Vec::new(),
        }
    }
}

/// The unresolved values an Allow of `resource` rests on. Placeholders
/// other than pseudo parameters may stand for any value, so a grant on
/// `${var.job_arn}` (or a need on `job/${JobName}` against a literal grant)
/// matches only perhaps: when no allowing statement covers the resource
/// with each such placeholder matching only itself, the names of the
/// placeholders involved are returned. The same placeholder on both sides
/// is the same value, and a `*` covers any.
fn unresolved_dependence(policies: &[Policy], by: &[StatementRef], resource: &str) -> Vec<String> {
    if !resource.contains("${") && by.iter().all(|r| !statement_has_placeholder(policies, r)) {
        return Vec::new();
    }
    let strict_resource = opaque_placeholders(resource);
    let mut names = placeholder_names(resource);
    for r in by {
        let Some(spec) = policies[r.policy].statements[r.statement].resources.as_ref() else {
            return Vec::new();
        };
        if spec.negated {
            return Vec::new();
        }
        for item in &spec.items {
            let wild = placeholders_as_wildcards(&item.value);
            let need = placeholders_as_wildcards(resource);
            if !iam::resource_matches(&item.value, resource)
                && !iam::pattern_covers(&wild, &need, false)
                && !iam::pattern_covers(&need, &wild, false)
            {
                continue;
            }
            if strictly_covers(&opaque_placeholders(&item.value), &strict_resource) {
                return Vec::new();
            }
            for name in placeholder_names(&item.value) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// `pattern` covers `resource` with the unresolved placeholders of both
/// made literal (see [`opaque_placeholders`]); pseudo parameters still
/// stand for their region or account, as in the first evaluation.
fn strictly_covers(pattern: &str, resource: &str) -> bool {
    if iam::resource_matches(pattern, resource) {
        return true;
    }
    let (pattern, resource) = (
        placeholders_as_wildcards(pattern),
        placeholders_as_wildcards(resource),
    );
    iam::pattern_covers(&pattern, &resource, false) || iam::pattern_covers(&resource, &pattern, false)
}

fn statement_has_placeholder(policies: &[Policy], r: &StatementRef) -> bool {
    policies[r.policy].statements[r.statement]
        .resources
        .as_ref()
        .is_some_and(|spec| spec.items.iter().any(|i| i.value.contains("${")))
}

/// A placeholder that is not a pseudo parameter, as literal text: it then
/// matches only itself.
fn opaque_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 2..close];
        if name.starts_with("AWS::") {
            out.push_str(&rest[open..=close]);
        } else {
            out.push_str("$<");
            out.push_str(name);
            out.push('>');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The placeholders of `text` that are not pseudo parameters.
pub fn placeholder_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 2..close];
        if !name.starts_with("AWS::") && !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        rest = &rest[close + 1..];
    }
    names
}

/// `arn:aws:states:${AWS::Region}:…:stateMachine:${Worker.Name}` →
/// `arn:aws:states:*:…:stateMachine:*`.
fn placeholders_as_wildcards(resource: &str) -> String {
    let mut out = String::with_capacity(resource.len());
    let mut rest = resource;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('*');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}
