//! The permission catalog: which IAM actions each Step Functions integration needs.
//! (Interface placeholder until the catalog data lands.)

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForTaskToken,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskKind {
    Optimized { service: String, api: String },
    AwsSdk { service: String, action: String },
    Activity,
    LambdaArn { function_arn: String },
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskResource {
    pub kind: TaskKind,
    pub pattern: Pattern,
    pub partition: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

pub fn parse_task_resource(_resource: &str) -> TaskResource {
    TaskResource {
        kind: TaskKind::Unknown,
        pattern: Pattern::RequestResponse,
        partition: None,
        region: None,
        account: None,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    Static(serde_json::Value),
    Dynamic,
    Absent,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ArnContext {
    pub partition: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedKind {
    Call,
    SyncPoll,
    EventsRule,
    PassRole,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub kind: NeedKind,
    pub target_argument: Option<String>,
    pub dynamic: bool,
    pub condition: Option<(String, String)>,
    pub source: &'static str,
}

pub fn needs(_task: &TaskResource, _args: &dyn Fn(&str) -> ArgValue, _ctx: &ArnContext) -> Vec<Need> {
    Vec::new()
}

pub fn target_arguments(_task: &TaskResource) -> Vec<&'static str> {
    Vec::new()
}

pub fn managed_rule(_task: &TaskResource) -> Option<&'static str> {
    None
}

pub fn is_known(_task: &TaskResource) -> bool {
    false
}
