//! Linking: each state machine of the file set to its role (a template's,
//! `.asl-lsp.json`'s, or the convention's), and the least-privilege policy
//! of a linked definition.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;

use crate::core::asl::StateMachine;
use crate::core::classify::{definition_stem, FileKind, Format};
use crate::core::config::Config;
use crate::core::diagnostic::Finding;
use crate::core::files::{file_name, join, parent_dir, FileId, FileSet};
use crate::core::fix::Dialect;
use crate::core::permissions::context::{Context, RoleCache};
use crate::core::permissions::policy::policy_document;
use crate::core::syntax::Node;
use crate::core::template;
use crate::core::unit::{ArnDefaults, DefinitionDoc, LinkKind, PolicyDoc, PolicyKey, Unit};
use crate::core::workspace::Workspace;

/// The nearest `.asl-lsp.json` at or above `dir`, among the given files.
pub fn config_for(workspace: &Workspace, path: &str) -> Option<(FileId, Config)> {
    let mut dir = parent_dir(path).to_string();
    loop {
        if let Some(id) = workspace.files.lookup(&join(&dir, ".asl-lsp.json")) {
            let config = workspace
                .root(id)
                .map(|root| Config::from_tree(workspace.files.path(id), root))
                .unwrap_or_default();
            return Some((id, config));
        }
        if dir.is_empty() || dir == "/" {
            return None;
        }
        let parent = parent_dir(&dir).to_string();
        if parent == dir {
            return None;
        }
        dir = parent;
    }
}

fn policy_doc(workspace: &Workspace, path: &str) -> Option<PolicyDoc> {
    let id = workspace.files.lookup(path)?;
    Some(PolicyDoc {
        file: id,
        root: workspace.shared_root(id)?,
        dialect: Dialect::Json,
        encoder: None,
    })
}

/// Every state machine in the file set, linked to its role, and the
/// problems found while reading templates.
pub fn units(workspace: &Workspace) -> (Vec<Unit>, Vec<Finding>) {
    let scan = template::scan(workspace);
    let mut units = scan.units;
    for id in workspace.files.ids() {
        if scan.claimed.contains(&id) {
            continue;
        }
        if let FileKind::Definition(format) = workspace.kind(id) {
            if let Some(root) = workspace.shared_root(id) {
                units.push(link_standalone(workspace, id, format, root));
            }
        }
    }
    let mut users: HashMap<PolicyKey, usize> = HashMap::new();
    for unit in &units {
        for policy in &unit.policies {
            *users.entry(policy.key()).or_default() += 1;
        }
    }
    for unit in &mut units {
        let shared: Vec<PolicyKey> = unit
            .policies
            .iter()
            .map(PolicyDoc::key)
            .filter(|k| users.get(k).copied().unwrap_or(0) > 1)
            .collect();
        unit.shared_policies.extend(shared);
    }
    (units, scan.findings)
}

fn link_standalone(workspace: &Workspace, id: FileId, format: Format, root: Arc<Node>) -> Unit {
    let path = workspace.files.path(id);
    let definition = DefinitionDoc {
        file: id,
        root,
        format,
        dialect: Dialect::of(format),
        map: None,
        text: workspace.files.get(id).text.clone(),
    };
    if let Some((_, config)) = config_for(workspace, path) {
        if let Some(entry) = config.entry_for(path) {
            return Unit {
                definition,
                definition_unread: false,
                policies: entry
                    .policies
                    .iter()
                    .filter_map(|p| policy_doc(workspace, p))
                    .collect(),
                trust: entry
                    .trust_policy
                    .as_deref()
                    .and_then(|p| policy_doc(workspace, p)),
                arn: ArnDefaults {
                    partition: entry.partition.clone(),
                    region: entry.region.clone().or_else(|| workspace.defaults.region.clone()),
                    account: entry
                        .account
                        .clone()
                        .or_else(|| workspace.defaults.account.clone()),
                    symbolic: false,
                },
                link: LinkKind::Config,
                shared_policies: BTreeSet::new(),
                machine: None,
                unknown_policies: Vec::new(),
            };
        }
    }
    let dir = parent_dir(path);
    let stem = definition_stem(file_name(path));
    let policy = policy_doc(workspace, &join(dir, &format!("{stem}.policy.json")))
        .or_else(|| policy_doc(workspace, &join(dir, "policy.json")));
    let trust = policy_doc(workspace, &join(dir, &format!("{stem}.trust.json")))
        .or_else(|| policy_doc(workspace, &join(dir, "trust-policy.json")));
    let link = if policy.is_some() {
        LinkKind::Convention
    } else {
        LinkKind::Unlinked
    };
    Unit {
        definition,
        definition_unread: false,
        policies: policy.into_iter().collect(),
        trust,
        arn: ArnDefaults {
            partition: None,
            region: workspace.defaults.region.clone(),
            account: workspace.defaults.account.clone(),
            symbolic: false,
        },
        link,
        shared_policies: BTreeSet::new(),
        machine: None,
        unknown_policies: Vec::new(),
    }
}

/// The files parsed and their state machines linked to their roles: what
/// the cursor features and the least-privilege policy read. The analysis
/// host builds it once per snapshot and every request on that snapshot
/// shares it (and, through `roles`, the lowered roles and each task's needs
/// the diagnostics worked out).
pub struct Linked<'a> {
    pub workspace: &'a Workspace<'a>,
    pub units: &'a [Unit],
    /// Where lowered roles are kept between runs, if anywhere.
    pub roles: Option<&'a RoleCache>,
}

impl<'a> Linked<'a> {
    pub fn files(&self) -> &'a FileSet {
        self.workspace.files
    }

    /// The permission context of `unit` on `machine`, its lowered role
    /// from `roles` when they hold it.
    pub fn context<'m, 's>(&self, unit: &'m Unit, machine: &'m StateMachine<'s>) -> Context<'m, 's>
    where
        'a: 'm,
    {
        Context::with_cache(self.workspace.files, unit, machine, self.roles)
    }
}

/// The policy document the role of the state machine in `definition`
/// needs, or `None` when the file holds no definition.
pub fn least_privilege(files: &FileSet, definition: FileId) -> Option<Value> {
    let workspace = Workspace::new(files);
    let (units, _) = units(&workspace);
    least_privilege_in(
        &Linked {
            workspace: &workspace,
            units: &units,
            roles: None,
        },
        definition,
    )
}

/// [`least_privilege`] on files already parsed and linked.
pub fn least_privilege_in(linked: &Linked, definition: FileId) -> Option<Value> {
    let unit = linked.units.iter().find(|u| u.definition.file == definition)?;
    let machine = StateMachine::lower(&unit.definition.root);
    let ctx = linked.context(unit, &machine);
    Some(policy_document(&ctx))
}
