//! What a task needs of the execution role: actions on resources, with
//! the flags that say how certain and how required each is.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedKind {
    /// The integration's own call (what the task does).
    Call,
    /// What a `.sync` task polls or stops its job with.
    SyncPoll,
    /// The EventBridge managed rule of a `.sync` task.
    EventsRule,
    /// `iam:PassRole` for a role the task hands to the service.
    PassRole,
    /// The KMS key of an encrypted target (a queue, topic, stream): its
    /// key policy may grant the use instead of the role's policies.
    KeyUse,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// Exact IAM action names, e.g. `lambda:InvokeFunction`.
    pub actions: Vec<String>,
    /// Concrete ARN patterns; `*` only where AWS documents it.
    pub resources: Vec<String>,
    pub kind: NeedKind,
    /// The argument whose value identified the resource.
    pub target_argument: Option<String>,
    /// The target argument is not known statically, so `resources` is the
    /// documented wildcard form.
    pub dynamic: bool,
    /// An IAM condition AWS's policy attaches, e.g. `iam:PassedToService`.
    pub condition: Option<Condition>,
    /// Met when any one of `actions` is granted (which the call uses
    /// depends on its data).
    pub any_of: bool,
    /// Written into generated policies but never reported missing.
    pub optional: bool,
    /// The AWS documentation page.
    pub source: &'static str,
}

/// An IAM condition a need carries: the request has `key` = `value`, and a
/// statement written for the need tests it with `operator`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub value: String,
}

impl Condition {
    pub fn equals(key: &str, value: &str) -> Condition {
        Condition {
            operator: "StringEquals".into(),
            key: key.into(),
            value: value.into(),
        }
    }
}
