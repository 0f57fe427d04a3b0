//! The driver: classify files, parse each once, link definitions to their
//! roles, run every rule, then apply suppressions and severity overrides.

use std::collections::{BTreeSet, HashMap};

use crate::core::cancel::{self, Proceed, Stage};
use crate::core::classify::{self, FileKind, Format};
use crate::core::config::Config;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::{parent_dir, FileId, FileSet};
use crate::core::link::{config_for, units};
use crate::core::permissions::context::{LoweredRole, RoleCache};
use crate::core::rules;
use crate::core::rules::asl::StateMemo;
use crate::core::unit::{PolicyDoc, Unit};
use crate::core::workspace::{Parses, Workspace};

pub use crate::core::unit::Defaults;

/// What is kept from one run to the next (the server keeps one): parses,
/// lowered roles, and the per-state findings of the validity rules.
#[derive(Default)]
pub struct ParseCache {
    pub parses: Parses,
    /// Roles lowered for evaluation, by the policy trees they came from.
    pub roles: RoleCache,
    /// The per-state validity rules' findings, by top-level state.
    pub states: StateMemo,
}

impl ParseCache {
    /// The role of `docs`, lowered once per version of its policies.
    pub fn role(&self, docs: &[PolicyDoc]) -> LoweredRole {
        self.roles.role(docs)
    }

    /// Drops the parse of a file that is gone.
    pub fn forget(&self, path: &str) {
        self.parses.forget(path)
    }

    /// How many files' parses are kept.
    pub fn len(&self) -> usize {
        self.parses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parses.is_empty()
    }
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
    let mut workspace = Workspace::cached(files, cache.map(|c| &c.parses));
    workspace.defaults = defaults.clone();
    let (units, template_findings) = units(&workspace);
    check_linked(
        &workspace,
        &units,
        template_findings,
        focus,
        cache,
        &cancel::always,
    )
    .unwrap_or(Analysis {
        findings: Vec::new(),
        covered: BTreeSet::new(),
    })
}

/// The rules on a parsed and linked workspace (`units` and the problems
/// found reading templates are `link::units(workspace)`), for every state
/// machine or only what `focus` touches, with the per-state findings and
/// lowered roles kept in `cache`; `None` when `proceed` stops it at a
/// stage boundary.
pub fn check_linked(
    workspace: &Workspace,
    units: &[Unit],
    template_findings: Vec<Finding>,
    focus: Option<&[FileId]>,
    cache: Option<&ParseCache>,
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
        rules::runner::check_unit(
            workspace,
            cache.map(|c| &c.states),
            cache.map(|c| &c.roles),
            unit,
            &mut findings,
        );
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

/// The severity of `finding` when its rule is configured at `configured`.
/// The level replaces the rule's default; a finding the rule reports below
/// its default (an `info` that names a value the analysis cannot know)
/// may be lowered with it but never raised: a configured `error` stays a
/// claim only where the analysis is certain.
fn configured_severity(finding: &Finding, configured: Severity) -> Severity {
    let default = crate::core::rules::meta(finding.rule).map(|m| m.default_severity);
    match default {
        // `Severity` orders from `Error` (least) to `Hint` (greatest).
        Some(default) if finding.severity > default => finding.severity.max(configured),
        _ => configured,
    }
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
            .or_insert_with(|| config_for(workspace, workspace.files.path(file)).map(|(_, c)| c));
        let level = config
            .as_ref()
            .and_then(|c| c.rules.get(finding.rule))
            .or_else(|| workspace.defaults.rules.get(finding.rule));
        match level {
            Some(None) => continue,
            Some(Some(severity)) => finding.severity = configured_severity(&finding, *severity),
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
    use std::sync::Arc;

    use super::*;
    use crate::core::diagnostic::Severity;
    use crate::core::workspace::CACHE_FILES;

    #[test]
    fn a_configured_level_never_raises_a_finding_its_rule_reports_below_its_default() {
        let at = |severity| {
            let location = Location {
                file: FileId(0),
                range: crate::core::text::TextRange::empty(0),
            };
            Finding::new("missing-permission", severity, location, String::new())
        };
        // missing-permission is an error by default; its uncertain findings are infos.
        assert_eq!(
            configured_severity(&at(Severity::Error), Severity::Warning),
            Severity::Warning
        );
        assert_eq!(
            configured_severity(&at(Severity::Info), Severity::Error),
            Severity::Info
        );
        assert_eq!(
            configured_severity(&at(Severity::Info), Severity::Warning),
            Severity::Info
        );
        assert_eq!(
            configured_severity(&at(Severity::Info), Severity::Hint),
            Severity::Hint
        );
    }

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
        let (units, _) = crate::core::link::units(&workspace);
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
        assert_eq!(
            crate::core::link::units(&workspace).0[0].arn.region.as_deref(),
            Some("us-east-2")
        );
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
            let ws = Workspace::cached(files, Some(&cache.parses));
            let role = cache.role(&crate::core::link::units(&ws).0[0].policies);
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
            let ws = Workspace::cached(&files, Some(&cache.parses));
            let memo = cache.role(&crate::core::link::units(&ws).0[0].policies).needs;
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
            let ws = Workspace::cached(files, Some(&cache.parses));
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
            Workspace::cached(&files, Some(&cache.parses));
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
        let (units, _) = units(&Workspace::new(&files));
        assert_eq!(units.len(), 1);
        let unit_files = units[0].files();
        assert!(unit_files.contains(&variables));
        assert!(!unit_files.contains(&other));
    }
}
