//! The model every layer above the front ends shares: a state machine's
//! definition, the policies of its role, how they were linked, and the
//! template resource it came from.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::core::classify::Format;
use crate::core::files::FileId;
use crate::core::fix::{Dialect, Editor};
use crate::core::syntax::Node;
use crate::core::template::intrinsics::{Encoder, Template, TemplateIndex};
use crate::core::text::TextRange;

/// Maps an offset in an embedded definition's own text to the file's.
pub type OffsetMap = Arc<dyn Fn(usize) -> usize + Send + Sync>;

/// A definition as the rules see it.
#[derive(Clone)]
pub struct DefinitionDoc {
    pub file: FileId,
    pub root: Arc<Node>,
    pub format: Format,
    /// How fixes to the definition are written.
    pub dialect: Dialect,
    /// `None` when `root`'s spans are already offsets into `file`.
    pub map: Option<OffsetMap>,
    /// The definition's own text (the file's text unless embedded).
    pub text: Arc<str>,
}

impl DefinitionDoc {
    pub fn to_file(&self, range: TextRange) -> TextRange {
        match &self.map {
            None => range,
            Some(map) => TextRange::new(map(range.start()), map(range.end())),
        }
    }
}

#[derive(Clone)]
pub struct PolicyDoc {
    pub file: FileId,
    /// The policy document (`{"Version", "Statement"}`).
    pub root: Arc<Node>,
    /// How fixes to the policy are written.
    pub dialect: Dialect,
    /// For a policy in a template: writes ARNs as the template's references.
    pub encoder: Option<Arc<Encoder>>,
}

/// Identifies one policy document: its file and where it starts there
/// (a template holds many).
pub type PolicyKey = (FileId, usize);

impl PolicyDoc {
    pub fn key(&self) -> PolicyKey {
        (self.file, self.root.span.start())
    }

    /// The editor for fixes to this policy, `None` when it cannot be edited
    /// (a policy SAM or AWS generates).
    pub fn editor(&self) -> Option<Box<dyn Editor + '_>> {
        crate::core::fix::editor_with(self.dialect, self.encoder.as_deref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// The template declares the role (or SAM generates it from `Policies`).
    Template,
    /// The template names a role it does not declare (an ARN, a parameter,
    /// an import): its policies are out of sight.
    External,
    Config,
    Convention,
    Unlinked,
}

/// Region, account and partition for ARNs a fix writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArnDefaults {
    pub partition: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
    /// The definition's placeholders are a template's references.
    pub symbolic: bool,
}

/// One state machine and the role that runs it.
#[derive(Clone)]
pub struct Unit {
    /// The definition; an empty object when it could not be read (a
    /// `DefinitionUri` naming no file, a definition in S3): see
    /// `definition_unread`.
    pub definition: DefinitionDoc,
    /// The template declares the state machine but its definition could
    /// not be read: only the checks of the resource and its role that do
    /// not read the definition run (logging, tracing, the trust policy).
    pub definition_unread: bool,
    pub policies: Vec<PolicyDoc>,
    pub trust: Option<PolicyDoc>,
    pub arn: ArnDefaults,
    pub link: LinkKind,
    /// Policies this unit shares with other state machines (or, in a
    /// template, with other resources using the same role).
    pub shared_policies: BTreeSet<PolicyKey>,
    /// The template resource, for a state machine defined in a template.
    pub machine: Option<MachineResource>,
    /// Policies of the role whose statements are out of sight (a customer
    /// managed policy named by ARN, a policy template not in the data):
    /// what they allow is not known, so a need is not reported missing
    /// above `info`.
    pub unknown_policies: Vec<String>,
}

impl Unit {
    pub fn files(&self) -> BTreeSet<FileId> {
        let mut files = BTreeSet::new();
        files.insert(self.definition.file);
        files.extend(self.policies.iter().map(|p| p.file));
        files.extend(self.trust.iter().map(|p| p.file));
        files.extend(self.machine.iter().flat_map(|m| m.sources.iter().copied()));
        files
    }
}

/// What the editor (not the project) sets: rule levels and the region and
/// account fixes write. A project's `.asl-lsp.json` wins over these.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Defaults {
    /// `None` = the rule is off.
    pub rules: HashMap<String, Option<crate::core::diagnostic::Severity>>,
    pub region: Option<String>,
    pub account: Option<String>,
}

impl Defaults {
    /// From editor settings: `{"rules": {"rule": "off|hint|info|warning|error"}, "region": ..., "account": ...}`.
    /// Entries it cannot read are ignored.
    pub fn from_json(value: &serde_json::Value) -> Defaults {
        use crate::core::diagnostic::Severity;
        let rules = value["rules"]
            .as_object()
            .map(|rules| {
                rules
                    .iter()
                    .filter_map(|(rule, level)| match level.as_str()? {
                        "off" => Some((rule.clone(), None)),
                        other => Severity::parse(other).map(|s| (rule.clone(), Some(s))),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let text = |key: &str| {
            value[key]
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Defaults {
            rules,
            region: text("region"),
            account: text("account"),
        }
    }
}

/// The state machine resource a unit came from, for the rules that look at
/// the resource itself (logging, tracing, type).
#[derive(Clone)]
pub struct MachineResource {
    pub file: FileId,
    pub root: Arc<Node>,
    pub logical_id: String,
    pub encoder: Arc<Encoder>,
    /// How the template is written (`CfnYaml`, `CfnJson` or `Hcl`).
    pub dialect: Dialect,
    /// Every file the state machine was read from (a module's `.tf`
    /// files): a change to any of them re-checks it.
    pub sources: Vec<FileId>,
    /// The state machine's own name, when the template states it (a
    /// literal, or a parameter or variable); `None` when only deployment
    /// names it (a policy of its own role could not refer to that name
    /// without a circular dependency).
    pub name: Option<String>,
    /// The index of the CloudFormation template `root` is, built once for
    /// all the state machines of the file; `None` for Terraform.
    pub template: Option<Arc<TemplateIndex>>,
    /// The ECS task definitions the template declares, with the roles a
    /// task started from each passes to ECS.
    pub task_definitions: Arc<Vec<TaskDefinitionRoles>>,
    /// The KMS key its encryption configuration names (`KmsKeyId`,
    /// `kms_key_id`), as far as it resolves.
    pub encryption_key: Option<String>,
    /// Actions (patterns) the policy of that key, where the template
    /// declares it, allows the state machine's role by name.
    pub key_policy_grants: Vec<String>,
    /// The queues, topics and streams of the template that a customer
    /// managed KMS key encrypts.
    pub encrypted_targets: Arc<Vec<EncryptedTarget>>,
}

/// A queue, topic or stream a KMS key encrypts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EncryptedTarget {
    /// The target's ARN (canonical form).
    pub arn: String,
    /// The key as the template names it (canonical form).
    pub key: String,
    /// Actions (patterns) the key's policy, where the template declares
    /// it, allows the state machine's role by name.
    pub key_policy_grants: Vec<String>,
}

/// An ECS task definition of a template or module: how a task names it
/// and the roles (task role, execution role) it passes to ECS.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TaskDefinitionRoles {
    /// Its ARN as the template writes a reference to it (canonical form,
    /// revision included).
    pub arn: String,
    /// Its family, when the template states it.
    pub family: Option<String>,
    /// The role ARNs it names (canonical forms).
    pub roles: Vec<String>,
}

impl TaskDefinitionRoles {
    /// Whether a task's `TaskDefinition` value (a family, `family:revision`
    /// or an ARN, with or without its revision) names this definition.
    pub fn named_by(&self, value: &str) -> bool {
        if value == self.arn {
            return true;
        }
        // The ARN without its revision (`...:task-definition/family`).
        let base = match self.arn.rfind("task-definition/") {
            Some(at) => {
                let rest = &self.arn[at..];
                match rest.rfind(':') {
                    Some(colon) => &self.arn[..at + colon],
                    None => self.arn.as_str(),
                }
            }
            None => self.arn.as_str(),
        };
        let without_revision = |v: &str| -> String {
            match v.rsplit_once(':') {
                Some((head, rev)) if !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_digit()) => {
                    head.to_string()
                }
                _ => v.to_string(),
            }
        };
        if value == base || without_revision(value) == base {
            return true;
        }
        let Some(family) = self.family.as_deref().filter(|f| !f.contains("${")) else {
            return false;
        };
        let named = match value.rfind("task-definition/") {
            Some(at) if value.starts_with("arn:") => &value[at + "task-definition/".len()..],
            _ if value.starts_with("arn:") => return false,
            _ => value,
        };
        without_revision(named) == family
    }
}

impl MachineResource {
    /// The CloudFormation template the state machine was read from.
    pub fn template(&self) -> Template<'_> {
        match &self.template {
            Some(index) => Template::with_index(&self.root, index.clone()),
            None => Template::new(&self.root),
        }
    }
}
