//! What every permission rule needs about one state machine and its role,
//! computed once: each Task's integration, arguments and needs, the role's
//! lowered policies, and how each need is decided.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use std::sync::Arc;

use super::task_answer::{answer, check_need, NEED_MEMO_LIMIT};
pub use super::task_answer::{placeholder_names, NeedCheck, NeedMemo, PairCheck, TaskAnswer, TaskKey};
use crate::core::asl::dataflow::{self, Argument};
use crate::core::asl::{State, StateMachine};
use crate::core::catalog::{self, ArgValue, ArnContext, MapSite, Need, TaskResource};
use crate::core::diagnostic::Location;
use crate::core::files::{FileId, FileSet};
use crate::core::iam::{self, Decision, Policy, StatementRef};
use crate::core::syntax::Node;
use crate::core::text::TextRange;
use crate::core::unit::{ArnDefaults, EncryptedTarget, PolicyDoc, TaskDefinitionRoles, Unit};

/// A Task state, or one thing a Distributed Map does as the role (its
/// `map_site`): what the role must allow for it, and where that is written.
pub struct Task<'m, 'a> {
    pub state: &'m State<'a>,
    pub resource: TaskResource,
    /// The `Resource` value, in file coordinates (for a Distributed Map:
    /// its `ItemReader`/`ResultWriter` `Resource`, or the `Mode` value that
    /// makes it start child executions).
    pub resource_location: Location,
    /// Set for the needs of a Map state in `DISTRIBUTED` mode.
    pub map_site: Option<MapSite>,
    pub arguments: Vec<Argument>,
    /// Shared with the role's memo (see [`TaskKey`]).
    pub needs: Arc<Vec<NeedCheck>>,
}

/// A need of the state machine resource itself (log delivery, X-Ray),
/// checked like a task's.
pub struct MachineNeed {
    pub feature: crate::core::catalog::MachineFeature,
    /// The template key that turns the feature on, and where it is.
    pub key: String,
    pub location: Location,
    pub check: NeedCheck,
}

/// Statement → action → resources.
pub type StatementGrants = crate::core::hash::FastMap<StatementRef, BTreeMap<String, BTreeSet<String>>>;

pub struct Context<'m, 'a> {
    pub files: &'m FileSet,
    pub unit: &'m Unit,
    pub machine: &'m StateMachine<'a>,
    pub tasks: Vec<Task<'m, 'a>>,
    /// What the state machine resource needs apart from its tasks.
    pub machine_needs: Vec<MachineNeed>,
    pub policies: Arc<Vec<Policy>>,
    pub trust: Option<Policy>,
    pub arn: ArnContext,
    /// For each statement, what the workflow needs through it (action →
    /// resources): what a rewrite of that statement must keep. Built on
    /// first use: only fixes that rewrite a statement read it.
    grants: std::sync::OnceLock<StatementGrants>,
    /// A Distributed Map reads or writes through a `Resource` the catalog
    /// does not know: what it needs is not modelled.
    pub unmodelled_map: bool,
}

impl<'m, 'a> Context<'m, 'a> {
    pub fn new(files: &'m FileSet, unit: &'m Unit, machine: &'m StateMachine<'a>) -> Self {
        Context::with_cache(files, unit, machine, None)
    }

    /// [`Context::new`], taking the lowered role from `cache` when its
    /// policies have not changed since it was lowered.
    pub fn with_cache(
        files: &'m FileSet,
        unit: &'m Unit,
        machine: &'m StateMachine<'a>,
        cache: Option<&RoleCache>,
    ) -> Self {
        use rayon::prelude::*;
        let definition = &unit.definition;
        let arn = arn_context(&unit.arn, machine);
        // The data flow and the role's lowered policies do not depend on
        // each other; each task's needs depend on both.
        let (mut flow, (policies, trust, index, memo)) = rayon::join(
            || dataflow::analyze(machine),
            || {
                let role = match cache {
                    Some(cache) => cache.role(&unit.policies),
                    None => LoweredRole::new(&unit.policies),
                };
                let trust = unit.trust.as_ref().map(lower);
                (role.policies, trust, role.index, role.needs)
            },
        );
        let task_definitions: &[TaskDefinitionRoles] = unit
            .machine
            .as_ref()
            .map_or(&[], |m| m.task_definitions.as_slice());
        let encrypted: Arc<Vec<EncryptedTarget>> = unit
            .machine
            .as_ref()
            .map(|m| m.encrypted_targets.clone())
            .unwrap_or_default();
        let jobs: Vec<(&'m State<'a>, &'a Node, TaskKey, Vec<Argument>)> = machine
            .tasks()
            .filter_map(|state| {
                let resource_node = state.field("Resource")?;
                let resource_text = resource_node.as_str()?;
                let arguments = flow.remove(&state.id).unwrap_or_default();
                let key = TaskKey::new(
                    resource_text,
                    state.field("Credentials"),
                    &arguments,
                    &arn,
                    task_definitions,
                    &encrypted,
                );
                Some((state, resource_node, key, arguments))
            })
            .collect();
        // Most tasks are as they were on the last run (the user edits one
        // state at a time): their needs, checked against this same role,
        // are taken from the role's memo; only the others are worked out.
        let known: Vec<Option<TaskAnswer>> = {
            let memo = memo.lock().unwrap_or_else(|e| e.into_inner());
            jobs.iter().map(|(_, _, key, _)| memo.get(key).cloned()).collect()
        };
        // Each task's answer, and whether it was worked out on this run.
        let answers: Vec<(TaskAnswer, bool)> = jobs
            .par_iter()
            .zip(known)
            .map(|((_, _, key, _), known)| match known {
                Some(known) => (known, false),
                None => (answer(key, &policies, &index), true),
            })
            .collect();
        {
            let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
            if memo.len() + jobs.len() > NEED_MEMO_LIMIT {
                memo.clear();
            }
            for ((_, _, key, _), (answer, new)) in jobs.iter().zip(&answers) {
                if *new {
                    memo.insert(key.clone(), answer.clone());
                }
            }
        }
        let mut tasks: Vec<Task<'m, 'a>> = jobs
            .into_iter()
            .zip(answers)
            .map(|((state, resource_node, _, arguments), (answer, _))| Task {
                state,
                resource: answer.resource,
                resource_location: Location {
                    file: definition.file,
                    range: definition.to_file(resource_node.span),
                },
                arguments,
                needs: answer.needs,
                map_site: None,
            })
            .collect();
        let mut unmodelled_map = false;
        let machine_name = unit.machine.as_ref().and_then(|m| m.name.as_deref());
        for state in machine.states.iter().filter(|s| is_distributed_map(s)) {
            for (site, location, needs) in map_sites(state, machine_name, &arn, &mut unmodelled_map) {
                let needs = needs
                    .into_iter()
                    .map(|need| check_need(need, &policies, &index, Vec::new()))
                    .collect();
                tasks.push(Task {
                    state,
                    resource: catalog::parse_task_resource(""),
                    resource_location: Location {
                        file: definition.file,
                        range: definition.to_file(location.span),
                    },
                    arguments: Vec::new(),
                    needs: Arc::new(needs),
                    map_site: Some(site),
                });
            }
        }
        let machine_needs: Vec<MachineNeed> = unit
            .machine
            .as_ref()
            .map(crate::core::template::features::machine_features)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|used| {
                let mut need = catalog::machine_need(used.feature, used.kms_key.as_deref(), &arn);
                // What the key's own policy grants the role is met there.
                let by_key_policy = unit
                    .machine
                    .as_ref()
                    .map_or(&[][..], |m| &m.key_policy_grants[..]);
                if used.feature == catalog::MachineFeature::Encryption {
                    need.actions.retain(|a| {
                        !by_key_policy
                            .iter()
                            .any(|p| crate::core::iam::action_matches(p, a))
                    });
                    if need.actions.is_empty() {
                        return None;
                    }
                }
                Some(MachineNeed {
                    feature: used.feature,
                    key: used.key,
                    location: Location {
                        file: unit.machine.as_ref().map_or(definition.file, |m| m.file),
                        range: used.range,
                    },
                    check: check_need(need, &policies, &index, Vec::new()),
                })
            })
            .collect();
        Context {
            files,
            unit,
            machine,
            tasks,
            machine_needs,
            policies,
            trust,
            arn,
            grants: std::sync::OnceLock::new(),
            unmodelled_map,
        }
    }

    /// For each statement, what the workflow needs through it.
    pub fn grants(&self) -> &StatementGrants {
        self.grants.get_or_init(|| {
            let mut grants = StatementGrants::default();
            let task_pairs = self
                .tasks
                .iter()
                .flat_map(|t| t.needs.iter().flat_map(|n| n.pairs.iter()));
            let machine_pairs = self.machine_needs.iter().flat_map(|m| m.check.pairs.iter());
            for pair in task_pairs.chain(machine_pairs) {
                if let Decision::Allowed { by, conditional } = &pair.decision {
                    for r in by.iter().chain(conditional.iter().map(|(r, _)| r)) {
                        grants
                            .entry(*r)
                            .or_default()
                            .entry(pair.action.clone())
                            .or_default()
                            .insert(pair.resource.clone());
                    }
                }
            }
            grants
        })
    }

    pub fn unit_text(&self, file: FileId) -> &'m str {
        self.files.text(file)
    }

    pub fn definition_file(&self) -> FileId {
        self.unit.definition.file
    }

    /// A definition range in file coordinates.
    pub fn def_location(&self, range: TextRange) -> Location {
        Location {
            file: self.unit.definition.file,
            range: self.unit.definition.to_file(range),
        }
    }

    pub fn policy_root(&self, policy: usize) -> &PolicyDoc {
        &self.unit.policies[policy]
    }

    pub fn statement(&self, r: StatementRef) -> &iam::Statement {
        &self.policies[r.policy].statements[r.statement]
    }

    /// Whether the role's policies are known: some are linked, or the
    /// template declares the role (and it may really have none).
    pub fn has_role(&self) -> bool {
        !self.policies.is_empty() || self.unit.link == crate::core::unit::LinkKind::Template
    }

    /// Every (action, resource) pair the workflow needs, across tasks.
    pub fn all_pairs(&self) -> impl Iterator<Item = (&Task<'m, 'a>, &NeedCheck, &PairCheck)> {
        self.tasks.iter().flat_map(|t| {
            t.needs
                .iter()
                .flat_map(move |n| n.pairs.iter().map(move |p| (t, n, p)))
        })
    }
}

/// A Map state whose `ItemProcessor` (or legacy `Iterator`) runs in
/// `DISTRIBUTED` mode.
pub fn is_distributed_map(state: &State) -> bool {
    distributed_mode(state).is_some()
}

/// The `Mode` value `"DISTRIBUTED"` of a Distributed Map.
fn distributed_mode<'a>(state: &State<'a>) -> Option<&'a Node> {
    if state.kind != crate::core::asl::StateType::Map {
        return None;
    }
    let processor = state.field("ItemProcessor").or_else(|| state.field("Iterator"))?;
    let mode = processor.get("ProcessorConfig")?.get("Mode")?;
    (mode.as_str() == Some("DISTRIBUTED")).then_some(mode)
}

/// What a Distributed Map needs, by site, with the node each is reported
/// on: its child executions (on `Mode`), its `ItemReader` and its
/// `ResultWriter` (on their `Resource`). A reader or writer the catalog
/// does not know sets `unmodelled`.
fn map_sites<'a>(
    state: &State<'a>,
    machine_name: Option<&str>,
    arn: &ArnContext,
    unmodelled: &mut bool,
) -> Vec<(MapSite, &'a Node, Vec<Need>)> {
    let mut out = Vec::new();
    let Some(mode) = distributed_mode(state) else {
        return out;
    };
    let none = |_: &str| ArgValue::Absent;
    if let Some(needs) =
        catalog::distributed_map_needs(MapSite::ChildExecutions, None, &none, machine_name, arn)
    {
        out.push((MapSite::ChildExecutions, mode, needs));
    }
    for (site, field) in [
        (MapSite::ItemReader, "ItemReader"),
        (MapSite::ResultWriter, "ResultWriter"),
    ] {
        let Some(block) = state.field(field) else {
            continue;
        };
        let Some(resource) = block.get("Resource") else {
            continue;
        };
        let arguments = block.get("Parameters").or_else(|| block.get("Arguments"));
        let args = |name: &str| map_argument(arguments, name);
        match catalog::distributed_map_needs(site, resource.as_str(), &args, machine_name, arn) {
            Some(needs) => out.push((site, resource, needs)),
            None => *unmodelled = true,
        }
    }
    out
}

/// An `ItemReader`/`ResultWriter` argument: a literal string is static;
/// a JSONPath (`Bucket.$`) or JSONata (`{% … %}`) value is not.
fn map_argument(arguments: Option<&Node>, name: &str) -> ArgValue {
    let Some(arguments) = arguments else {
        return ArgValue::Absent;
    };
    if arguments.as_str().is_some() || arguments.get(&format!("{name}.$")).is_some() {
        return ArgValue::Dynamic;
    }
    match arguments.get(name) {
        None => ArgValue::Absent,
        Some(node) => match node.as_str() {
            Some(text) if text.trim_start().starts_with("{%") => ArgValue::Dynamic,
            Some(text) => ArgValue::Static(Value::String(text.to_string())),
            None => ArgValue::Dynamic,
        },
    }
}

fn lower(doc: &PolicyDoc) -> Policy {
    iam::lower_policy(doc.file, &doc.root, &|_| None)
}

/// Region, account and partition: the configuration first, else the ARNs
/// already written in the definition when they agree.
fn arn_context(defaults: &ArnDefaults, machine: &StateMachine) -> ArnContext {
    let mut ctx = ArnContext {
        partition: defaults.partition.clone(),
        region: defaults.region.clone(),
        account: defaults.account.clone(),
        symbolic: defaults.symbolic,
    };
    // Borrowed, not copied: a large definition has an ARN in most states.
    let mut regions: Vec<&str> = Vec::new();
    let mut accounts: Vec<&str> = Vec::new();
    let mut partitions: Vec<&str> = Vec::new();
    let mut stack: Vec<&Node> = vec![machine.root];
    let mut budget = 100_000;
    while let Some(node) = stack.pop() {
        budget -= 1;
        if budget == 0 {
            break;
        }
        match &node.kind {
            crate::core::syntax::NodeKind::String(s) if s.starts_with("arn:") => {
                let mut parts = s.splitn(6, ':');
                let (_, Some(partition), _, Some(region), Some(account), Some(_)) = (
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                ) else {
                    continue;
                };
                if !partition.contains('$') {
                    partitions.push(partition);
                    if is_region(region) {
                        regions.push(region);
                    }
                    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
                        accounts.push(account);
                    }
                }
            }
            crate::core::syntax::NodeKind::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            crate::core::syntax::NodeKind::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    let agreed = |values: &mut Vec<&str>| {
        values.sort_unstable();
        values.dedup();
        if values.len() == 1 {
            values.pop().map(str::to_string)
        } else {
            None
        }
    };
    if ctx.region.is_none() {
        ctx.region = agreed(&mut regions);
    }
    if ctx.account.is_none() {
        ctx.account = agreed(&mut accounts);
    }
    if ctx.partition.is_none() {
        ctx.partition = agreed(&mut partitions);
    }
    ctx
}

fn is_region(text: &str) -> bool {
    text.split('-').count() >= 3
        && text
            .rsplit('-')
            .next()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// `lambda:InvokeFunction` → `LambdaInvokeFunction`: a readable Sid.
pub fn sid_for(actions: &[String]) -> String {
    let Some(first) = actions.first() else {
        return "AslLsp".into();
    };
    let mut sid = String::new();
    for part in first.split(':') {
        let mut chars = part.chars();
        if let Some(c) = chars.next() {
            sid.extend(c.to_uppercase());
            sid.extend(chars.filter(|c| c.is_ascii_alphanumeric()));
        }
    }
    sid
}

/// An IAM condition a need carries.
pub type NeedCondition = Option<catalog::Condition>;

/// Grants to write: (condition, action) → resources.
pub type Grants = BTreeMap<(NeedCondition, String), BTreeSet<String>>;

/// One statement per (condition, resource set), actions merged, Sids unique.
pub fn grouped_statements(grants: &Grants) -> Vec<Value> {
    let mut groups: BTreeMap<(NeedCondition, Vec<String>), Vec<String>> = BTreeMap::new();
    for ((condition, action), resources) in grants {
        groups
            .entry((condition.clone(), resources.iter().cloned().collect()))
            .or_default()
            .push(action.clone());
    }
    let mut sids = BTreeSet::new();
    groups
        .into_iter()
        .map(|((condition, resources), actions)| {
            let services: BTreeSet<&str> = actions
                .iter()
                .map(|a| a.split(':').next().unwrap_or(""))
                .collect();
            let base = if resources == ["*"] && services.len() > 1 {
                "AnyResource".to_string()
            } else {
                sid_for(&actions)
            };
            let mut sid = base.clone();
            let mut n = 2;
            while !sids.insert(sid.clone()) {
                sid = format!("{base}{n}");
                n += 1;
            }
            statement_json(&sid, &actions, &resources, condition.as_ref())
        })
        .collect()
}

/// A new Allow statement as JSON.
pub fn statement_json(
    sid: &str,
    actions: &[String],
    resources: &[String],
    condition: Option<&catalog::Condition>,
) -> Value {
    let mut statement = serde_json::Map::new();
    statement.insert("Sid".into(), Value::String(sid.into()));
    statement.insert("Effect".into(), Value::String("Allow".into()));
    statement.insert("Action".into(), string_or_list(actions));
    statement.insert("Resource".into(), string_or_list(resources));
    if let Some(c) = condition {
        statement.insert(
            "Condition".into(),
            serde_json::json!({c.operator.clone(): {c.key.clone(): c.value.clone()}}),
        );
    }
    Value::Object(statement)
}

fn string_or_list(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

// ---------------------------------------------------------------------------
// Roles lowered for evaluation, kept between runs by the policy trees they
// came from.

/// A role's policies, lowered and indexed for evaluation.
#[derive(Clone)]
pub struct LoweredRole {
    sources: Vec<(FileId, Arc<Node>)>,
    pub policies: Arc<Vec<crate::core::iam::Policy>>,
    pub index: Arc<crate::core::iam::PolicyIndex>,
    /// Tasks' needs as checked against this role, kept for the next run.
    pub needs: Arc<NeedMemo>,
}

impl LoweredRole {
    pub fn new(docs: &[PolicyDoc]) -> LoweredRole {
        let policies: Vec<_> = docs
            .iter()
            .map(|doc| crate::core::iam::lower_policy(doc.file, &doc.root, &|_| None))
            .collect();
        LoweredRole {
            sources: docs.iter().map(|d| (d.file, d.root.clone())).collect(),
            index: Arc::new(crate::core::iam::PolicyIndex::new(&policies)),
            policies: Arc::new(policies),
            needs: Default::default(),
        }
    }

    fn lowered_from(&self, docs: &[PolicyDoc]) -> bool {
        self.sources.len() == docs.len()
            && self
                .sources
                .iter()
                .zip(docs)
                .all(|((file, root), doc)| *file == doc.file && Arc::ptr_eq(root, &doc.root))
    }
}

/// Roles kept: a workspace's worth of state machines being edited.
const CACHE_ROLES: usize = 32;

/// Roles lowered for evaluation, by the policy trees they came from (kept
/// alive here, so a tree's address names it).
#[derive(Default)]
pub struct RoleCache {
    roles: std::sync::Mutex<Vec<LoweredRole>>,
}

impl RoleCache {
    /// The role of `docs`, lowered once per version of its policies.
    pub fn role(&self, docs: &[PolicyDoc]) -> LoweredRole {
        let mut roles = self.roles.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = roles.iter().position(|r| r.lowered_from(docs)) {
            let role = roles.remove(i);
            roles.push(role.clone());
            return role;
        }
        drop(roles);
        let role = LoweredRole::new(docs);
        let mut roles = self.roles.lock().unwrap_or_else(|e| e.into_inner());
        if roles.len() >= CACHE_ROLES {
            let oldest = roles.remove(0);
            rayon::spawn(move || drop(oldest));
        }
        roles.push(role.clone());
        role
    }
}
