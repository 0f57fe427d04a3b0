//! The shape of `schemas/catalog.json`.

use std::collections::{BTreeMap, HashMap};

use std::sync::OnceLock;

use serde::Deserialize;

/// How a task waits for its service (Step Functions integration patterns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForTaskToken,
}

#[derive(Deserialize, Debug)]
pub struct Catalog {
    #[serde(rename = "awsSdk")]
    pub aws_sdk: AwsSdk,
    pub machine: MachineNeeds,
    pub integrations: Vec<Integration>,
    #[serde(rename = "distributedMap")]
    pub distributed_map: DistributedMap,
    #[serde(rename = "taskDefinitionRoles")]
    pub task_definition_roles: TaskDefinitionRoleSpec,
    #[serde(rename = "encryptedTargets")]
    pub encrypted_targets: EncryptedTargets,
}

/// What a call on a KMS-encrypted queue, topic or stream needs of its key.
#[derive(Deserialize, Debug)]
pub struct EncryptedTargets {
    pub entries: Vec<EncryptedTargetEntry>,
}

#[derive(Deserialize, Debug)]
pub struct EncryptedTargetEntry {
    /// The calls (IAM actions) that use the target's key.
    pub actions: Vec<String>,
    #[serde(rename = "keyActions")]
    pub key_actions: Vec<String>,
    pub source: String,
}

/// The roles a call that starts ECS tasks passes: its task definition's
/// (read from the template) and its overrides'.
#[derive(Deserialize, Debug)]
pub struct TaskDefinitionRoleSpec {
    /// `service:api`, as both the optimized integration and the SDK name it.
    pub calls: Vec<String>,
    /// The argument that names the task definition.
    pub argument: String,
    /// Argument paths of role overrides.
    pub overrides: Vec<String>,
    pub principal: String,
    pub source: String,
}

/// What a Map state in `DISTRIBUTED` mode needs, by what it does.
#[derive(Deserialize, Debug)]
pub struct DistributedMap {
    pub source: String,
    /// Starting (and describing) its child workflow executions.
    #[serde(rename = "childExecutions")]
    pub child_executions: Vec<MapNeedSpec>,
    /// `service:api` of the `ItemReader` `Resource` → needs.
    #[serde(rename = "itemReader")]
    pub item_reader: HashMap<String, Vec<MapNeedSpec>>,
    /// `service:api` of the `ResultWriter` `Resource` → needs.
    #[serde(rename = "resultWriter")]
    pub result_writer: HashMap<String, Vec<MapNeedSpec>>,
    #[serde(default)]
    pub unconfirmed: Option<String>,
}

#[derive(Deserialize, Debug)]
pub struct MapNeedSpec {
    pub kind: Kind,
    pub actions: Vec<String>,
    /// An ARN pattern: `{partition}`, `{region}`, `{account}`,
    /// `{StateMachineName}`, and the reader's or writer's arguments
    /// (`{Bucket}`, `{Key}`, `{Prefix}`, `{Prefix/}`).
    pub resource: String,
    #[serde(default)]
    pub condition: Option<ConditionSpec>,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Deserialize, Debug)]
pub struct ConditionSpec {
    pub operator: String,
    pub key: String,
    pub value: String,
}

/// What the role needs for the state machine resource itself.
#[derive(Deserialize, Debug)]
pub struct MachineNeeds {
    /// Log delivery, when the machine logs to CloudWatch Logs.
    pub logging: MachineNeedSpec,
    /// X-Ray, when tracing is enabled.
    pub tracing: MachineNeedSpec,
    /// The customer managed key's data keys, when the machine encrypts
    /// with one (`resource` is descriptive: the key is the template's).
    pub encryption: MachineNeedSpec,
}

#[derive(Deserialize, Debug)]
pub struct MachineNeedSpec {
    pub source: String,
    pub actions: Vec<String>,
    pub resource: String,
    #[serde(default)]
    pub unconfirmed: Option<String>,
}

#[derive(Deserialize, Debug)]
pub struct AwsSdk {
    pub source: String,
    pub resource: String,
    #[serde(rename = "servicePrefixes")]
    pub service_prefixes: HashMap<String, String>,
    pub actions: HashMap<String, Vec<String>>,
    /// The page behind an action exception, where it is not `source`.
    #[serde(rename = "actionSources", default)]
    pub action_sources: HashMap<String, String>,
    /// Where the Service Authorization Reference's ARN variables are not
    /// named by the argument of the same name.
    #[serde(rename = "resourceArguments", default)]
    pub resource_arguments: Vec<ResourceArgument>,
    /// The arguments that pass a role to the service.
    #[serde(rename = "roleArguments")]
    pub role_arguments: RoleArguments,
    /// The service principal a passed role goes to, where AWS documents an
    /// `iam:PassedToService` condition for it.
    #[serde(rename = "passedToService", default)]
    pub passed_to_service: Vec<PassedToService>,
    /// S3 objects a service reads with the caller's credentials.
    #[serde(rename = "callerReads", default)]
    pub caller_reads: Vec<CallerRead>,
    /// Resource types a call also acts on that the reference does not mark
    /// required.
    #[serde(rename = "alsoActsOn", default)]
    pub also_acts_on: Vec<AlsoActsOn>,
    /// Query operations whose actions depend on the query.
    #[serde(rename = "queryActions", default)]
    pub query_actions: Vec<QueryActions>,
}

#[derive(Deserialize, Debug)]
pub struct QueryActions {
    /// `sdkService:operation`.
    pub operations: Vec<String>,
    /// The argument holding the query text.
    pub argument: String,
    /// The one action a query that only reads needs.
    pub read: String,
    /// Words (steps, clauses) of a query that may change data.
    #[serde(rename = "changeWords")]
    pub change_words: Vec<String>,
    pub source: String,
}

#[derive(Deserialize, Debug)]
pub struct AlsoActsOn {
    pub action: String,
    pub types: Vec<String>,
    pub source: String,
}

#[derive(Deserialize, Debug)]
pub struct ResourceArgument {
    /// The IAM prefix whose resource types this applies to...
    #[serde(default)]
    pub prefix: Option<String>,
    /// ...or one IAM action.
    #[serde(default)]
    pub action: Option<String>,
    /// The ARN format's variable, e.g. `ObjectName`.
    pub variable: String,
    /// Argument paths that name it, best first (`Key`, `Entries[].EventBusName`).
    pub arguments: Vec<String>,
    #[serde(default)]
    pub form: SdkValueForm,
    /// Appended to a name by `name-suffix`.
    #[serde(default)]
    pub suffix: Option<String>,
    /// The value AWS uses when the argument is absent.
    #[serde(default)]
    pub default: Option<String>,
    /// The values name the resources only roughly (a transaction's tables
    /// for all its item kinds): the need is met by any overlapping grant.
    #[serde(default)]
    pub dynamic: bool,
    pub source: String,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SdkValueForm {
    /// The value as written.
    #[default]
    Value,
    /// An SSM parameter name without its leading `/`.
    TrimLeadingSlash,
    /// A name followed by `suffix` (a secret's random suffix).
    NameSuffix,
    /// `https://sqs.<region>.amazonaws.com/<account>/<name>`.
    SqsQueueUrl,
    /// ECS `family[:revision]`: the family.
    TaskDefinitionFamily,
    /// ECS `family[:revision]`: the revision (any: the latest one runs).
    TaskDefinitionRevision,
}

#[derive(Deserialize, Debug)]
pub struct RoleArguments {
    pub source: String,
    pub arguments: Vec<String>,
    /// SDK services whose role arguments name a role the call assumes or
    /// manages, not one it passes (`sts:assumeRole`).
    #[serde(rename = "excludeServices", default)]
    pub exclude_services: Vec<String>,
}

#[derive(Deserialize, Debug)]
pub struct PassedToService {
    /// SDK service ids (as Step Functions names them).
    pub services: Vec<String>,
    pub principal: String,
    pub source: String,
}

#[derive(Deserialize, Debug)]
pub struct CallerRead {
    pub services: Vec<String>,
    /// Argument paths of `S3Object`s (`Image.S3Object`), each with `Bucket`
    /// and `Name`.
    pub objects: Vec<String>,
    pub actions: Vec<String>,
    pub source: String,
}

#[derive(Deserialize, Debug)]
pub struct Integration {
    pub service: String,
    pub api: String,
    pub source: String,
    pub targets: Vec<String>,
    /// Pattern name (`request-response`, `sync`, `sync:2`,
    /// `waitForTaskToken`) → what the role needs.
    pub patterns: BTreeMap<String, Vec<NeedSpec>>,
    #[serde(default)]
    pub unconfirmed: Option<String>,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Call,
    Poll,
    Events,
    Passrole,
    Other,
}

#[derive(Deserialize, Debug)]
pub struct NeedSpec {
    pub kind: Kind,
    pub actions: Vec<String>,
    pub resource: ResourceSpec,
    #[serde(default)]
    pub condition: Option<(String, String)>,
    /// Which of these actions a call uses depends on its data (an Athena
    /// query's tables): the need is met when any of them is granted.
    #[serde(rename = "anyOf", default)]
    pub any_of: bool,
    /// Needed only in some setups (Lake Formation governing the data):
    /// written into generated policies, never reported missing.
    #[serde(default)]
    pub optional: bool,
    /// Needed only when an argument has one of these values (API Gateway's
    /// `AuthType` `IAM_ROLE`).
    #[serde(default)]
    pub when: Option<WhenSpec>,
    /// Other actions where an argument holds a text (a WebSocket
    /// `@connections` path).
    #[serde(rename = "actionsWhen", default)]
    pub actions_when: Vec<ActionsWhen>,
}

#[derive(Deserialize, Debug)]
pub struct WhenSpec {
    pub argument: String,
    pub equals: Vec<String>,
    /// The value AWS uses when the argument is absent.
    #[serde(default)]
    pub default: Option<String>,
    pub source: String,
}

#[derive(Deserialize, Debug)]
pub struct ActionsWhen {
    pub argument: String,
    pub contains: String,
    pub actions: Vec<String>,
    pub source: String,
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
pub enum ResourceSpec {
    /// A fixed ARN pattern (only `{partition}`, `{region}`, `{account}`).
    Template(String),
    /// Named by a task argument.
    Target(TargetSpec),
}

#[derive(Deserialize, Debug)]
pub struct TargetSpec {
    /// `FunctionName`, or a path such as `Entries[].EventBusName`.
    pub argument: String,
    /// The ARN for a static name (`{value}`), or `{value}` alone.
    pub arn: String,
    /// The documented form for a target chosen at run time.
    pub dynamic: String,
    pub form: Form,
    /// The value AWS uses when the argument is absent.
    #[serde(default)]
    pub default: Option<String>,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// An ARN used as is, or a name put into `arn`.
    ArnOrName,
    /// A name, or the name part of an ARN.
    Name,
    /// Name, partial ARN or ARN, with a version or alias.
    LambdaFunction,
    /// `family`, `family:revision` or their ARNs.
    EcsTaskDefinition,
    /// `https://sqs.<region>.amazonaws.com/<account>/<name>`.
    SqsQueueUrl,
    /// A state machine ARN or name → its executions.
    StateMachineExecutions,
    EventBus,
    /// A Bedrock model id: a foundation model, or an inference profile (and
    /// the foundation models it routes to).
    BedrockModel,
    /// `<api-id>.execute-api.<region>.amazonaws.com`.
    ApiEndpoint,
    /// A value the catalog does not turn into the resource (a CodeBuild
    /// build id): the documented wildcard form stands for it.
    Opaque,
}

pub fn pattern_key(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::RequestResponse => "request-response",
        Pattern::Sync => "sync",
        Pattern::Sync2 => "sync:2",
        Pattern::WaitForTaskToken => "waitForTaskToken",
    }
}

impl Catalog {
    pub fn entry(&self, service: &str, api: &str) -> Option<&Integration> {
        self.integrations
            .iter()
            .find(|i| i.service == service && i.api == api)
    }

    pub fn lookup(
        &self,
        service: &str,
        api: &str,
        pattern: Pattern,
    ) -> Option<(&Integration, &Vec<NeedSpec>)> {
        let entry = self.entry(service, api)?;
        entry
            .patterns
            .get(pattern_key(pattern))
            .map(|specs| (entry, specs))
    }

    pub fn lambda_source(&self) -> &str {
        self.entry("lambda", "invoke")
            .map(|e| e.source.as_str())
            .unwrap_or("")
    }
}

/// The catalog, read on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        serde_json::from_str(include_str!("../../../schemas/catalog.json"))
            .expect("schemas/catalog.json is checked by a unit test")
    })
}
