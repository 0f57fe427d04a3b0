//! The driver: classify files, parse each once, link definitions to their
//! roles, run every rule, then apply suppressions and severity overrides.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::core::cancel::{self, Proceed, Stage};
use crate::core::classify::{self, FileKind, Format};
use crate::core::config::Config;
use crate::core::diagnostic::{Finding, Location};
use crate::core::files::{file_name, join, parent_dir, FileId, FileSet};
use crate::core::fix::{Dialect, Editor};
use crate::core::rules;
use crate::core::syntax::{self, Node, Parsed};
use crate::core::template::{self, Encoder, MachineResource};
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
    pub definition: DefinitionDoc,
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

/// Parses kept from one run to the next (the server keeps one): a file
/// whose text has not changed is not parsed again, so while the user types
/// in a definition its policies are parsed once. Bounded: past
/// `CACHE_FILES` entries the least recently used go.
#[derive(Default)]
pub struct ParseCache {
    entries: std::sync::Mutex<CacheEntries>,
    /// Roles lowered for evaluation, by the policy trees they came from
    /// (kept alive here, so a tree's address names it).
    roles: std::sync::Mutex<Vec<LoweredRole>>,
    /// The per-state validity rules' findings, by top-level state.
    pub states: rules::asl::StateMemo,
}

/// A role's policies, lowered and indexed for evaluation.
#[derive(Clone)]
pub struct LoweredRole {
    sources: Vec<(FileId, Arc<Node>)>,
    pub policies: Arc<Vec<crate::core::iam::Policy>>,
    pub index: Arc<crate::core::iam::PolicyIndex>,
    /// Tasks' needs as checked against this role, kept for the next run.
    pub needs: Arc<rules::permissions::context::NeedMemo>,
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

#[derive(Default)]
struct CacheEntries {
    by_path: HashMap<String, CachedParse>,
    clock: u64,
}

struct CachedParse {
    text: Arc<str>,
    parsed: Option<Arc<Parsed>>,
    root: Option<Arc<Node>>,
    used: u64,
}

const CACHE_FILES: usize = 512;

type CacheHit = (Option<Arc<Parsed>>, Option<Arc<Node>>);

impl ParseCache {
    fn get(&self, path: &str, text: &Arc<str>) -> Option<CacheHit> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let clock = entries.clock;
        let entry = entries.by_path.get_mut(path)?;
        // The same snapshot shares the `Arc`; an equal text read again does not.
        if !Arc::ptr_eq(&entry.text, text) && *entry.text != **text {
            return None;
        }
        entry.used = clock;
        Some((entry.parsed.clone(), entry.root.clone()))
    }

    fn put(&self, path: &str, text: &Arc<str>, parsed: Option<Arc<Parsed>>, root: Option<Arc<Node>>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let used = entries.clock;
        if entries.by_path.len() >= CACHE_FILES && !entries.by_path.contains_key(path) {
            let oldest = entries
                .by_path
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(p, _)| p.clone());
            if let Some(oldest) = oldest {
                entries.by_path.remove(&oldest);
            }
        }
        let replaced = entries.by_path.insert(
            path.to_string(),
            CachedParse {
                text: text.clone(),
                parsed,
                root,
                used,
            },
        );
        drop(entries);
        // Freeing the previous tree of a large file takes as long as a rule:
        // it happens beside the analysis, not before its results.
        if let Some(replaced) = replaced {
            rayon::spawn(move || drop(replaced));
        }
    }

    /// The tree of `path` brought up to date with `text` by re-reading
    /// only the value an edit touched (`syntax::json::reparse`), when the
    /// kept parse was clean and nothing else holds its tree any more (it
    /// is then changed in place, not copied).
    fn edited_tree(&self, path: &str, text: &str) -> Option<Node> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.by_path.get(path)?;
        let clean = entry
            .parsed
            .as_ref()
            .is_some_and(|p| p.errors.is_empty() && p.comments.is_empty());
        if !clean || entry.root.as_ref().is_none_or(|r| Arc::strong_count(r) != 1) {
            return None;
        }
        let entry = entries.by_path.remove(path)?;
        drop(entries);
        let mut tree = Arc::try_unwrap(entry.root?).ok()?;
        if syntax::json::reparse(&entry.text, text, &mut tree) {
            Some(tree)
        } else {
            rayon::spawn(move || drop(tree));
            None
        }
    }

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

    /// Drops the parse of a file that is gone.
    pub fn forget(&self, path: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let removed = entries.by_path.remove(path);
        drop(entries);
        if let Some(removed) = removed {
            rayon::spawn(move || drop(removed));
        }
    }

    /// How many files' parses are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.by_path.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Parsed files and what they are; built once per analysis run.
pub struct Workspace<'f> {
    pub files: &'f FileSet,
    /// Where parses and lowered roles are kept between runs, if anywhere.
    pub cache: Option<&'f ParseCache>,
    pub defaults: Defaults,
    /// Each file's parse (its tree moved to `roots`).
    parsed: Vec<Option<Arc<Parsed>>>,
    /// Each parsed tree, shared with the units that use it.
    roots: Vec<Option<Arc<Node>>>,
    kinds: Vec<FileKind>,
}

impl<'f> Workspace<'f> {
    pub fn new(files: &'f FileSet) -> Self {
        Workspace::cached(files, None)
    }

    /// Parses every file, taking unchanged ones from `cache` (and leaving
    /// this run's parses there for the next).
    pub fn cached(files: &'f FileSet, cache: Option<&'f ParseCache>) -> Self {
        use rayon::prelude::*;
        let ids: Vec<FileId> = files.ids().collect();
        let parses: Vec<(FileKind, CacheHit)> = ids
            .par_iter()
            .map(|&id| {
                let path = files.path(id);
                let text = &files.get(id).text;
                let by_name = classify::kind_by_name(path);
                let format = match by_name {
                    Some(FileKind::Definition(f)) => Some(f),
                    Some(FileKind::Config) => Some(Format::Json),
                    Some(FileKind::Terraform) => Some(Format::Hcl),
                    _ => classify::format_of(path),
                };
                let (parsed, root) = match cache.and_then(|c| c.get(path, text)) {
                    Some(hit) => hit,
                    None => {
                        let edited = match (format, cache) {
                            (Some(Format::Json), Some(cache)) => cache.edited_tree(path, text),
                            _ => None,
                        };
                        let mut parsed = match edited {
                            Some(root) => Some(Parsed {
                                root: Some(root),
                                ..Parsed::default()
                            }),
                            None => format.map(|f| match f {
                                Format::Json => syntax::json::parse(text),
                                Format::Yaml => syntax::yaml::parse(text),
                                Format::Hcl => syntax::hcl::parse(text),
                            }),
                        };
                        let root = parsed.as_mut().and_then(|p| p.root.take()).map(Arc::new);
                        let parsed = parsed.map(Arc::new);
                        if let Some(cache) = cache {
                            cache.put(path, text, parsed.clone(), root.clone());
                        }
                        (parsed, root)
                    }
                };
                let kind = match (by_name, &root, format) {
                    (Some(kind), _, _) => kind,
                    (None, Some(root), Some(f)) => classify::kind_by_content(f, root),
                    _ => FileKind::Other,
                };
                (kind, (parsed, root))
            })
            .collect();
        let mut kinds = Vec::with_capacity(parses.len());
        let mut parsed = Vec::with_capacity(parses.len());
        let mut roots = Vec::with_capacity(parses.len());
        for (kind, (p, root)) in parses {
            kinds.push(kind);
            parsed.push(p);
            roots.push(root);
        }
        Workspace {
            files,
            cache,
            defaults: Defaults::default(),
            parsed,
            roots,
            kinds,
        }
    }

    /// [`Workspace::cached`] with the editor's defaults.
    pub fn cached_with(files: &'f FileSet, cache: Option<&'f ParseCache>, defaults: Defaults) -> Self {
        Workspace {
            defaults,
            ..Workspace::cached(files, cache)
        }
    }

    pub fn with_defaults(files: &'f FileSet, defaults: Defaults) -> Self {
        Workspace {
            defaults,
            ..Workspace::new(files)
        }
    }

    pub fn kind(&self, file: FileId) -> FileKind {
        self.kinds[file.0 as usize]
    }

    pub fn parsed(&self, file: FileId) -> Option<&Parsed> {
        self.parsed[file.0 as usize].as_deref()
    }

    pub fn root(&self, file: FileId) -> Option<&Node> {
        self.roots[file.0 as usize].as_deref()
    }

    pub fn shared_root(&self, file: FileId) -> Option<Arc<Node>> {
        self.roots[file.0 as usize].clone()
    }

    /// The nearest `.asl-lsp.json` at or above `dir`, among the given files.
    pub fn config_for(&self, path: &str) -> Option<(FileId, Config)> {
        let mut dir = parent_dir(path).to_string();
        loop {
            if let Some(id) = self.files.lookup(&join(&dir, ".asl-lsp.json")) {
                let config = self
                    .root(id)
                    .map(|root| Config::from_tree(self.files.path(id), root))
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

    fn policy_doc(&self, path: &str) -> Option<PolicyDoc> {
        let id = self.files.lookup(path)?;
        Some(PolicyDoc {
            file: id,
            root: self.shared_root(id)?,
            dialect: Dialect::Json,
            encoder: None,
        })
    }

    /// Every state machine in the file set, linked to its role, and the
    /// problems found while reading templates.
    pub fn units(&self) -> (Vec<Unit>, Vec<Finding>) {
        let scan = template::scan(self);
        let mut units = scan.units;
        for id in self.files.ids() {
            if scan.claimed.contains(&id) {
                continue;
            }
            if let FileKind::Definition(format) = self.kind(id) {
                if let Some(root) = self.shared_root(id) {
                    units.push(self.link_standalone(id, format, root));
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

    fn link_standalone(&self, id: FileId, format: Format, root: Arc<Node>) -> Unit {
        let path = self.files.path(id);
        let definition = DefinitionDoc {
            file: id,
            root,
            format,
            dialect: Dialect::of(format),
            map: None,
            text: self.files.get(id).text.clone(),
        };
        if let Some((_, config)) = self.config_for(path) {
            if let Some(entry) = config.entry_for(path) {
                return Unit {
                    definition,
                    policies: entry.policies.iter().filter_map(|p| self.policy_doc(p)).collect(),
                    trust: entry.trust_policy.as_deref().and_then(|p| self.policy_doc(p)),
                    arn: ArnDefaults {
                        partition: entry.partition.clone(),
                        region: entry.region.clone().or_else(|| self.defaults.region.clone()),
                        account: entry.account.clone().or_else(|| self.defaults.account.clone()),
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
        let policy = self
            .policy_doc(&join(dir, &format!("{stem}.policy.json")))
            .or_else(|| self.policy_doc(&join(dir, "policy.json")));
        let trust = self
            .policy_doc(&join(dir, &format!("{stem}.trust.json")))
            .or_else(|| self.policy_doc(&join(dir, "trust-policy.json")));
        let link = if policy.is_some() {
            LinkKind::Convention
        } else {
            LinkKind::Unlinked
        };
        Unit {
            definition,
            policies: policy.into_iter().collect(),
            trust,
            arn: ArnDefaults {
                partition: None,
                region: self.defaults.region.clone(),
                account: self.defaults.account.clone(),
                symbolic: false,
            },
            link,
            shared_policies: BTreeSet::new(),
            machine: None,
            unknown_policies: Vec::new(),
        }
    }
}

/// `flow.asl.json` → `flow`; `flow.json` → `flow`.
pub fn definition_stem(name: &str) -> &str {
    for suffix in [".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"] {
        if name.len() > suffix.len() && name.to_ascii_lowercase().ends_with(suffix) {
            return &name[..name.len() - suffix.len()];
        }
    }
    name
}

/// The result of a run: findings, and the files they were computed for
/// (a file in `covered` with no finding has none).
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub covered: BTreeSet<FileId>,
}

/// Analyses the whole file set, or only what `focus` touches: every state
/// machine whose definition or role involves a focus file, and every other
/// state machine sharing a file with those (so a shared policy's findings
/// are complete).
pub fn analyze(files: &FileSet, focus: Option<&[FileId]>) -> Analysis {
    analyze_with(files, focus, &Defaults::default())
}

/// [`analyze`] with the editor's defaults.
pub fn analyze_with(files: &FileSet, focus: Option<&[FileId]>, defaults: &Defaults) -> Analysis {
    analyze_cached(files, focus, defaults, None)
}

/// [`analyze_with`] taking unchanged files' parses from `cache`.
pub fn analyze_cached(
    files: &FileSet,
    focus: Option<&[FileId]>,
    defaults: &Defaults,
    cache: Option<&ParseCache>,
) -> Analysis {
    let workspace = Workspace {
        defaults: defaults.clone(),
        ..Workspace::cached(files, cache)
    };
    let (units, template_findings) = workspace.units();
    check_linked(&workspace, &units, template_findings, focus, &cancel::always).unwrap_or(Analysis {
        findings: Vec::new(),
        covered: BTreeSet::new(),
    })
}

/// The rules on a parsed and linked workspace (`units` and the problems
/// found reading templates are `workspace.units()`), for every state
/// machine or only what `focus` touches; `None` when `proceed` stops it
/// at a stage boundary.
pub fn check_linked(
    workspace: &Workspace,
    units: &[Unit],
    template_findings: Vec<Finding>,
    focus: Option<&[FileId]>,
    proceed: Proceed,
) -> Option<Analysis> {
    let files = workspace.files;
    if !proceed(Stage::Syntax) {
        return None;
    }
    let selected: Vec<&Unit> = match focus {
        None => units.iter().collect(),
        Some(focus) => connected_units(units, focus),
    };
    let mut covered: BTreeSet<FileId> = match focus {
        None => files.ids().collect(),
        Some(focus) => focus.iter().copied().collect(),
    };
    for unit in &selected {
        covered.extend(unit.files());
    }
    let mut findings = template_findings;
    // Terraform folders (modules) that hold a state machine: their `.tf`
    // files are ours, a syntax error in any of them hides part of the module.
    let machine_modules: BTreeSet<&str> = files
        .ids()
        .filter(|&id| {
            workspace.kind(id) == FileKind::Terraform && files.text(id).contains("aws_sfn_state_machine")
        })
        .map(|id| parent_dir(files.path(id)))
        .collect();
    for &file in &covered {
        if let Some(parsed) = workspace.parsed(file) {
            let kind = workspace.kind(file);
            let json = classify::format_of(files.path(file)) == Some(Format::Json);
            let report_comments = json && matches!(kind, FileKind::Definition(_) | FileKind::Policy);
            // Syntax errors only for files that are ours by name or content:
            // an unrelated JSON or YAML file in the workspace is not our business.
            // A `.tf` file is ours when its module holds a state machine.
            let ours = if kind == FileKind::Terraform {
                machine_modules.contains(parent_dir(files.path(file)))
            } else {
                classify::kind_by_name(files.path(file)).is_some()
            } || matches!(
                kind,
                FileKind::Definition(_) | FileKind::Policy | FileKind::Template(_)
            )
                // A template that does not parse is still a template.
                || (parsed.root.is_none() && classify::declares_state_machine(files.text(file)));
            if ours {
                rules::syntax::check(file, parsed, report_comments, &mut findings);
            }
            if kind == FileKind::Config {
                if let Some(root) = workspace.root(file) {
                    let config = Config::from_tree(files.path(file), root);
                    for (range, message) in config.problems {
                        findings.push(Finding::new(
                            rules::syntax::CONFIG.id,
                            rules::syntax::CONFIG.default_severity,
                            Location { file, range },
                            message,
                        ));
                    }
                }
            }
        }
    }
    for (i, unit) in selected.into_iter().enumerate() {
        if !proceed(Stage::Unit(i)) {
            return None;
        }
        rules::check_unit(workspace, unit, &mut findings);
    }
    if !proceed(Stage::Finish) {
        return None;
    }
    findings.retain(|f| covered.contains(&f.location.file));
    let findings = finish(workspace, findings);
    Some(Analysis { findings, covered })
}

fn connected_units<'u>(units: &'u [Unit], focus: &[FileId]) -> Vec<&'u Unit> {
    let mut files: BTreeSet<FileId> = focus.iter().copied().collect();
    let mut chosen = vec![false; units.len()];
    loop {
        let mut grew = false;
        for (i, unit) in units.iter().enumerate() {
            if !chosen[i] && unit.files().iter().any(|f| files.contains(f)) {
                chosen[i] = true;
                files.extend(unit.files());
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    units
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(u, _)| u)
        .collect()
}

/// Severity overrides from `.asl-lsp.json`, then de-duplication and a
/// stable order (file, position, rule).
fn finish(workspace: &Workspace, findings: Vec<Finding>) -> Vec<Finding> {
    let mut configs: HashMap<FileId, Option<Config>> = HashMap::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for mut finding in findings {
        let file = finding.location.file;
        let config = configs
            .entry(file)
            .or_insert_with(|| workspace.config_for(workspace.files.path(file)).map(|(_, c)| c));
        let level = config
            .as_ref()
            .and_then(|c| c.rules.get(finding.rule))
            .or_else(|| workspace.defaults.rules.get(finding.rule));
        match level {
            Some(None) => continue,
            Some(Some(severity)) => finding.severity = *severity,
            None => {}
        }
        out.push(finding);
    }
    out.sort_by(|a, b| {
        (
            a.location.file,
            a.location.range.start,
            a.location.range.end,
            a.rule,
            &a.message,
        )
            .cmp(&(
                b.location.file,
                b.location.range.start,
                b.location.range.end,
                b.rule,
                &b.message,
            ))
    });
    out.dedup_by(|a, b| a.rule == b.rule && a.location == b.location && a.message == b.message);
    crate::core::fix::safety::mark(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::Severity;

    #[test]
    fn editor_defaults_fill_what_the_project_leaves_open() {
        let defaults = Defaults::from_json(&serde_json::json!({
            "rules": {"unused-permission": "off", "wildcard-resource": "error", "x": "loud"},
            "region": "eu-west-1",
            "account": " "
        }));
        assert_eq!(defaults.rules.get("unused-permission"), Some(&None));
        assert_eq!(
            defaults.rules.get("wildcard-resource"),
            Some(&Some(Severity::Error))
        );
        assert!(!defaults.rules.contains_key("x"));
        assert_eq!(defaults.region.as_deref(), Some("eu-west-1"));
        assert_eq!(defaults.account, None);

        let mut files = FileSet::new();
        files.insert(
            "/w/flow.asl.json",
            r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
            None,
        );
        files.insert("/w/flow.policy.json", r#"{"Statement": []}"#, None);
        let workspace = Workspace::with_defaults(&files, defaults);
        let (units, _) = workspace.units();
        assert_eq!(units[0].arn.region.as_deref(), Some("eu-west-1"));
        let config = r#"{"stateMachines": [{"definition": "flow.asl.json", "policies": ["flow.policy.json"], "region": "us-east-2"}]}"#;
        files.insert("/w/.asl-lsp.json", config, None);
        let workspace = Workspace::with_defaults(
            &files,
            Defaults {
                region: Some("eu-west-1".into()),
                ..Defaults::default()
            },
        );
        assert_eq!(workspace.units().0[0].arn.region.as_deref(), Some("us-east-2"));
    }

    #[test]
    fn the_parse_cache_reuses_unchanged_files_and_roles() {
        let mut files = FileSet::new();
        let flow = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m"}, "End": true}}}"#;
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}"#;
        let def = files.insert("/w/flow.asl.json", flow, Some(1));
        let pol = files.insert("/w/flow.policy.json", policy, None);
        let cache = ParseCache::default();
        let roots = |files: &FileSet| {
            let ws = Workspace::cached(files, Some(&cache));
            let role = cache.role(&ws.units().0[0].policies);
            (ws.shared_root(def).unwrap(), ws.shared_root(pol).unwrap(), role)
        };
        let (def_1, pol_1, role_1) = roots(&files);
        let (def_2, pol_2, role_2) = roots(&files);
        assert!(Arc::ptr_eq(&def_1, &def_2) && Arc::ptr_eq(&pol_1, &pol_2));
        assert!(Arc::ptr_eq(&role_1.policies, &role_2.policies));
        // An edit to the definition re-parses it alone; the role stays lowered.
        files.insert("/w/flow.asl.json", flow.replace("\"m\"", "\"n\""), Some(2));
        let (def_3, pol_3, role_3) = roots(&files);
        assert!(!Arc::ptr_eq(&def_1, &def_3) && Arc::ptr_eq(&pol_1, &pol_3));
        assert!(Arc::ptr_eq(&role_1.policies, &role_3.policies));
        // An edit to the policy lowers the role again, and the finding follows it.
        // (Twice first: the second run answers from the role's memo.)
        for _ in 0..2 {
            let wildcard: Vec<_> = analyze_cached(&files, None, &Defaults::default(), Some(&cache))
                .findings
                .into_iter()
                .filter(|f| f.rule == "wildcard-resource")
                .map(|f| f.location)
                .collect();
            assert_eq!(wildcard.len(), 2, "one on each file");
        }
        files.insert(
            "/w/flow.policy.json",
            policy.replace("\"*\"", "\"arn:aws:sns:us-east-1:123456789012:t\""),
            Some(1),
        );
        let analysis = analyze_cached(&files, None, &Defaults::default(), Some(&cache));
        assert!(!analysis.findings.iter().any(|f| f.rule == "wildcard-resource"));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_roles_memo_answers_unchanged_tasks_and_not_changed_ones() {
        let flow = |comment: &str, topic: &str, message: &str| {
            format!(
                r#"{{"Comment": "{comment}", "StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {{"TopicArn": "arn:aws:sns:us-east-1:123456789012:{topic}", "Message": {message}}}, "End": true}}}}}}"#
            )
        };
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:123456789012:t"}]}"#;
        let cache = ParseCache::default();
        let run = |definition: String| {
            let mut files = FileSet::new();
            files.insert("/w/flow.asl.json", definition, Some(1));
            files.insert("/w/flow.policy.json", policy, None);
            let rules: Vec<&str> = analyze_cached(&files, None, &Defaults::default(), Some(&cache))
                .findings
                .iter()
                .map(|f| f.rule)
                .collect();
            let ws = Workspace::cached(&files, Some(&cache));
            let memo = cache.role(&ws.units().0[0].policies).needs;
            let answers = memo.lock().unwrap().len();
            (rules, answers)
        };
        assert_eq!(run(flow("", "t", "\"m\"")), (vec![], 1));
        // Moved by an edit elsewhere: the same answer, none added.
        assert_eq!(run(flow("a longer comment", "t", "\"m\"")), (vec![], 1));
        // Another topic is another task: worked out, and missing.
        assert_eq!(
            run(flow("", "u", "\"m\"")),
            (vec!["missing-permission", "missing-permission"], 2)
        );
        // A literal of another kind (its hash ignores the value) is another task too.
        assert_eq!(run(flow("", "t", "1")), (vec![], 3));
        assert_eq!(run(flow("", "t", "2")), (vec![], 4));
    }

    #[test]
    fn an_edit_inside_a_value_updates_the_kept_tree_in_place() {
        let state =
            |i: usize, extra: &str| format!(r#""S{i}": {{"Type": "Pass",{extra} "Next": "S{}"}}"#, i + 1);
        let flow = |edited: &str| {
            let states: Vec<String> = (0..8)
                .map(|i| state(i, if i == 3 { edited } else { "" }))
                .chain([r#""S8": {"Type": "Succeed"}"#.to_string()])
                .collect();
            format!(
                "{{\n  \"StartAt\": \"S0\",\n  \"States\": {{\n    {}\n  }}\n}}\n",
                states.join(",\n    ")
            )
        };
        let cache = ParseCache::default();
        // The address of the states' member list: kept when the tree is
        // changed in place, new when it is parsed again.
        let states_at = |files: &FileSet| {
            let ws = Workspace::cached(files, Some(&cache));
            let states = ws.root(FileId(0))?.get("States")?;
            Some(states.members().as_ptr() as usize)
        };
        let findings = |files: &FileSet, cache: Option<&ParseCache>| {
            let mut found: Vec<String> = analyze_cached(files, None, &Defaults::default(), cache)
                .findings
                .iter()
                .map(|f| format!("{} {:?} {}", f.rule, f.location.range, f.message))
                .collect();
            found.sort();
            found
        };
        let mut files = FileSet::new();
        files.insert("/w/flow.asl.json", flow(""), Some(1));
        let before = states_at(&files);
        // Typing a field into S3, then a bad value, then an unknown target,
        // then broken JSON and back: the kept tree always gives what a fresh
        // parse gives, and a clean edit inside S3 keeps the rest of the tree.
        let edits = [
            (r#" "Comment": "a","#, true),
            (r#" "Comment": "ab","#, true),
            (r#" "Comment": 1,"#, true),
            (r#" "Comment": "ab", "Next": "Nowhere","#, true),
            (r#" "Comment": "ab,"#, false),
            (r#" "Comment": "ab","#, false),
            (r#" "Comment": "abc","#, true),
        ];
        let mut rules_seen = BTreeSet::new();
        for (version, (edited, in_place)) in edits.into_iter().enumerate() {
            let previous = states_at(&files);
            files.insert("/w/flow.asl.json", flow(edited), Some(version as i32 + 2));
            let uncached = findings(&files, None);
            rules_seen.extend(uncached.iter().map(|f| f.split(' ').next().unwrap().to_string()));
            assert_eq!(findings(&files, Some(&cache)), uncached, "{edited}");
            let now = states_at(&files);
            assert_eq!(now.is_some() && now == previous, in_place, "{edited}");
        }
        assert!(before.is_some());
        assert_eq!(
            rules_seen.into_iter().collect::<Vec<_>>(),
            [
                "asl-duplicate-key",
                "asl-field-value",
                "asl-syntax",
                "asl-unknown-state",
                "asl-unreachable-state"
            ]
        );
    }

    /// Analyses `text(kind)` at `path` for a Pass, then a Task, then a Pass
    /// again, through one cache: the findings must be a fresh analysis's,
    /// and only the Pass has an unknown field (its `Resource`).
    fn check_kind_changes(path: &str, text: impl Fn(&str) -> String) {
        let cache = ParseCache::default();
        for kind in ["Pass", "Task", "Pass"] {
            let mut files = FileSet::new();
            files.insert(path, text(kind), Some(1));
            let findings = |cache: Option<&ParseCache>| -> Vec<String> {
                analyze_cached(&files, None, &Defaults::default(), cache)
                    .findings
                    .iter()
                    .map(|f| format!("{} {:?}", f.rule, f.location.range))
                    .collect()
            };
            let fresh = findings(None);
            assert_eq!(findings(Some(&cache)), fresh, "{kind}");
            assert_eq!(
                fresh.iter().any(|f| f.starts_with("asl-unknown-field")),
                kind == "Pass",
                "{fresh:?}"
            );
        }
    }

    #[test]
    fn a_yaml_alias_to_another_state_is_not_answered_from_the_memo() {
        // B's type comes from an anchor in A: B's own text does not change
        // when A's does, but what the rules find in B does.
        check_kind_changes("/w/flow.asl.yaml", |kind| {
            format!(
                "StartAt: A\nStates:\n  A:\n    Type: &kind {kind}\n    Resource: arn:aws:states:::sns:publish\n    Parameters: {{TopicArn: arn:aws:sns:us-east-1:123456789012:t, Message: m}}\n    Next: B\n  B:\n    Type: *kind\n    Resource: arn:aws:states:::sns:publish\n    Parameters: {{TopicArn: arn:aws:sns:us-east-1:123456789012:t, Message: m}}\n    End: true\n"
            )
        });
    }

    #[test]
    fn a_terraform_local_in_a_state_is_not_answered_from_the_memo() {
        // The state's text says `local.kind`; what it stands for is written
        // elsewhere in the module.
        check_kind_changes("/m/main.tf", |kind| {
            format!(
                "locals {{\n  kind = \"{kind}\"\n}}\nresource \"aws_sfn_state_machine\" \"m\" {{\n  name     = \"m\"\n  role_arn = \"arn:aws:iam::123456789012:role/r\"\n  definition = jsonencode({{ StartAt = \"A\", States = {{ A = {{ Type = local.kind, Resource = \"arn:aws:states:::sns:publish\", Parameters = {{ TopicArn = \"arn:aws:sns:us-east-1:123456789012:t\", Message = \"m\" }}, End = true }} }} }})\n}}\n"
            )
        });
    }

    #[test]
    fn the_per_state_findings_memo_is_bounded() {
        let cache = ParseCache::default();
        let comment = "c".repeat(1 << 20);
        for i in 0..12 {
            let mut files = FileSet::new();
            let flow = format!(
                r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Comment": "{i}{comment}", "End": true}}, "B{i}": {{"Type": "Succeed"}}}}}}"#
            );
            files.insert("/w/flow.asl.json", flow, Some(i));
            analyze_cached(&files, None, &Defaults::default(), Some(&cache));
        }
        // Two states a run, a megabyte each run: emptied past 8 MB, not kept forever.
        let kept = cache.states.len();
        assert!((2..=18).contains(&kept), "{kept} states kept");
    }

    #[test]
    fn the_parse_cache_is_bounded() {
        let cache = ParseCache::default();
        for i in 0..CACHE_FILES + 10 {
            let mut files = FileSet::new();
            files.insert(&format!("/w/{i}.policy.json"), "{}", None);
            Workspace::cached(&files, Some(&cache));
        }
        assert_eq!(cache.len(), CACHE_FILES);
    }

    #[test]
    fn a_modules_every_file_belongs_to_its_state_machine() {
        let mut files = FileSet::new();
        let main = r#"
resource "aws_sfn_state_machine" "m" {
  name       = var.name
  role_arn   = aws_iam_role.r.arn
  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Succeed" } } })
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
}
"#;
        files.insert("/m/main.tf", main, None);
        let variables = files.insert(
            "/m/variables.tf",
            "variable \"name\" {\n  default = \"m\"\n}\n",
            None,
        );
        let other = files.insert("/other/main.tf", "variable \"x\" {}\n", None);
        let (units, _) = Workspace::new(&files).units();
        assert_eq!(units.len(), 1);
        let unit_files = units[0].files();
        assert!(unit_files.contains(&variables));
        assert!(!unit_files.contains(&other));
    }
}
