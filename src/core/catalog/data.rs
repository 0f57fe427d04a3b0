//! The shape of `schemas/catalog.json`.

use std::collections::{BTreeMap, HashMap};

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
    /// `<api-id>.execute-api.<region>.amazonaws.com`.
    ApiEndpoint,
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
