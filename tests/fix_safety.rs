//! Fix safety (SPEC §3), judged by an independent IAM evaluator: over every
//! example of `../shared/corpus/realworld` and every rule fixture, applying
//! all safe fixes (`check --fix`) keeps every (action, resource) the
//! workflow needed and its role allowed, and so does applying every fix
//! (`--unsafe-fixes`): no fix takes away a permission a need uses.
//!
//! "Allowed" is decided by `@cloud-copilot/iam-simulate` (installed by
//! `.ci/run` into `tests/iam-oracle`), not by our evaluator: the test reads
//! the policies as the analysis lowered them, makes every deploy-time
//! placeholder one concrete value (the same on both sides), and asks the
//! simulator before and after the fixes.

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use asl_lsp::core::asl::StateMachine;
use asl_lsp::core::autofix::{apply, FixScope};
use asl_lsp::core::files::FileSet;
use asl_lsp::core::iam::{Effect, Policy};
use asl_lsp::core::permissions::context::Context;
use asl_lsp::core::workspace::Workspace;
use serde_json::{json, Map, Value};

/// A state machine, by its definition file and template resource.
type UnitKey = (String, String);

/// One needed request and the policies it is asked of.
#[derive(Clone)]
struct Ask {
    action: String,
    resource: String,
    context: Map<String, Value>,
}

struct Role {
    policies: Vec<Value>,
    asks: Vec<Ask>,
}

/// A deploy-time placeholder's one value: pseudo parameters as a stack in
/// us-east-1 of account 123456789012, anything else a name of its own.
fn concrete(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 2..close];
        out.push_str(&match name {
            "AWS::Region" => "us-east-1".to_string(),
            "AWS::AccountId" => "123456789012".to_string(),
            "AWS::Partition" => "aws".to_string(),
            "AWS::URLSuffix" => "amazonaws.com".to_string(),
            _ => format!(
                "v-{}",
                name.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect::<String>()
            ),
        });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A needed resource pattern as one resource it stands for.
fn instance(pattern: &str) -> String {
    let resource = concrete(pattern);
    if resource == "*" {
        return resource;
    }
    resource.replace('*', "example").replace('?', "e")
}

fn policy_json(policy: &Policy) -> Value {
    let statements: Vec<Value> = policy
        .statements
        .iter()
        .map(|s| {
            let mut statement = Map::new();
            statement.insert(
                "Effect".into(),
                json!(if s.effect == Effect::Allow {
                    "Allow"
                } else {
                    "Deny"
                }),
            );
            if let Some(actions) = &s.actions {
                let items: Vec<&str> = actions.items.iter().map(|i| i.value.as_str()).collect();
                statement.insert(
                    if actions.negated { "NotAction" } else { "Action" }.into(),
                    json!(items),
                );
            }
            if let Some(resources) = &s.resources {
                let items: Vec<String> = resources.items.iter().map(|i| concrete(&i.value)).collect();
                statement.insert(
                    if resources.negated {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    json!(items),
                );
            }
            if !s.conditions.is_empty() {
                let mut conditions: Map<String, Value> = Map::new();
                for c in &s.conditions {
                    let values: Vec<String> = c.values.iter().map(|v| concrete(&v.value)).collect();
                    conditions
                        .entry(c.operator.clone())
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                        .unwrap()
                        .insert(c.key.clone(), json!(values));
                }
                statement.insert("Condition".into(), Value::Object(conditions));
            }
            Value::Object(statement)
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// Every linked state machine's policies and the requests its needs make.
fn roles(files: &FileSet) -> BTreeMap<UnitKey, Role> {
    let workspace = Workspace::new(files);
    let (units, _) = asl_lsp::core::link::units(&workspace);
    let mut out = BTreeMap::new();
    for unit in &units {
        if unit.policies.is_empty() {
            continue;
        }
        let machine = StateMachine::lower(&unit.definition.root);
        let ctx = Context::new(files, unit, &machine);
        let mut asks = Vec::new();
        let pairs = ctx.all_pairs().map(|(_, n, p)| (n, p)).chain(
            ctx.machine_needs
                .iter()
                .flat_map(|m| m.check.pairs.iter().map(move |p| (&m.check, p))),
        );
        for (need, pair) in pairs {
            if pair.optional {
                continue;
            }
            let mut context = Map::new();
            if let Some(c) = &need.need.condition {
                context.insert(c.key.clone(), json!(c.value));
            }
            asks.push(Ask {
                action: pair.action.clone(),
                resource: instance(&pair.resource),
                context,
            });
        }
        let key = (
            files.path(unit.definition.file).to_string(),
            unit.machine
                .as_ref()
                .map(|m| m.logical_id.clone())
                .unwrap_or_default(),
        );
        out.insert(
            key,
            Role {
                policies: ctx.policies.iter().map(policy_json).collect(),
                asks,
            },
        );
    }
    out
}

fn simulate(cases: &[Value]) -> Option<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iam-oracle");
    if !dir.join("node_modules/@cloud-copilot/iam-simulate").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install the simulator: npm install --prefix tests/iam-oracle --no-package-lock"
        );
        eprintln!("SKIPPED: the IAM simulator is not installed (npm install --prefix tests/iam-oracle --no-package-lock)");
        return None;
    }
    let mut child = Command::new("node")
        .arg(dir.join("simulate.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs the simulator");
    let input = serde_json::to_vec(cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the simulator failed");
    Some(serde_json::from_slice(&output.stdout).expect("the simulator prints a JSON array"))
}

fn case(policies: &[Value], ask: &Ask) -> Value {
    json!({
        "policies": policies,
        "action": ask.action,
        "resource": ask.resource,
        "context": ask.context,
    })
}

fn load_dir(dir: &Path, root: &str) -> FileSet {
    let mut files = FileSet::new();
    for path in support::files_under(dir) {
        let name = path.to_string_lossy().to_lowercase();
        let wanted = [".json", ".yaml", ".yml", ".tf", ".asl", ".template"]
            .iter()
            .any(|e| name.ends_with(e));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !wanted {
            continue;
        }
        let inner = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(&format!("{root}/{inner}"), text, None);
    }
    files
}

/// Every workspace to check: the rule fixtures, and the real-world
/// examples when the shared corpus is there.
fn workspaces() -> Vec<(String, FileSet)> {
    let mut out = Vec::new();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    for rule in std::fs::read_dir(&rules).unwrap().flatten() {
        for case in std::fs::read_dir(rule.path()).into_iter().flatten().flatten() {
            if case.path().is_dir() {
                let label = format!(
                    "rules/{}/{}",
                    rule.file_name().to_string_lossy(),
                    case.file_name().to_string_lossy()
                );
                out.push((label, load_dir(&case.path(), "/case")));
            }
        }
    }
    if let Some(corpus) = support::shared_corpus("realworld") {
        let manifest =
            std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("the corpus has its MANIFEST.tsv");
        for line in manifest.lines().skip(1) {
            let folder = line.split('\t').next().unwrap_or("");
            let dir = corpus.join(folder);
            if !folder.is_empty() && dir.is_dir() {
                out.push((
                    format!("realworld/{folder}"),
                    load_dir(&dir, &format!("/corpus/{folder}")),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn fixes_keep_every_needed_permission_the_role_had() {
    struct Check {
        label: String,
        key: UnitKey,
        ask: Ask,
        before: Vec<Value>,
        safe: Option<Vec<Value>>,
        all: Option<Vec<Value>>,
    }
    let mut checks: Vec<Check> = Vec::new();
    for (label, files) in workspaces() {
        let before = roles(&files);
        let after = |unsafe_fixes: bool| {
            let mut fixed = files.clone();
            apply(
                &mut fixed,
                8,
                &FixScope {
                    unsafe_fixes,
                    ..FixScope::default()
                },
            );
            roles(&fixed)
        };
        let (safe, all) = (after(false), after(true));
        for (key, role) in before {
            for ask in &role.asks {
                checks.push(Check {
                    label: label.clone(),
                    key: key.clone(),
                    ask: ask.clone(),
                    before: role.policies.clone(),
                    safe: safe.get(&key).map(|r| r.policies.clone()),
                    all: all.get(&key).map(|r| r.policies.clone()),
                });
            }
        }
    }
    assert!(!checks.is_empty(), "no needed permission found to check");
    let cases: Vec<Value> = checks.iter().map(|c| case(&c.before, &c.ask)).collect();
    let Some(before) = simulate(&cases) else {
        return;
    };
    // Only what the role allowed before has to stay allowed.
    let kept: Vec<&Check> = checks
        .iter()
        .zip(&before)
        .filter(|(_, verdict)| verdict.as_str() == "Allowed")
        .map(|(c, _)| c)
        .collect();
    let mut failures = Vec::new();
    for (mode, pick) in [
        (
            "safe fixes",
            (|c: &Check| c.safe.clone()) as fn(&Check) -> Option<Vec<Value>>,
        ),
        ("all fixes", |c: &Check| c.all.clone()),
    ] {
        let mut asked = Vec::new();
        let mut cases = Vec::new();
        for check in &kept {
            match pick(check) {
                Some(policies) => {
                    cases.push(case(&policies, &check.ask));
                    asked.push(*check);
                }
                None => failures.push(format!(
                    "{mode}: {} lost the role of {:?} that allowed {} on {}",
                    check.label, check.key, check.ask.action, check.ask.resource
                )),
            }
        }
        let verdicts = simulate(&cases).expect("the simulator ran before");
        for (check, verdict) in asked.iter().zip(&verdicts) {
            if verdict != "Allowed" {
                failures.push(format!(
                    "{mode}: {} ({}) no longer allows {} on {}: {verdict}",
                    check.label, check.key.0, check.ask.action, check.ask.resource
                ));
            }
        }
    }
    let errors = before.iter().filter(|v| v.starts_with("error")).count();
    println!(
        "fix safety: {} needed requests, {} allowed before, checked after safe and after all fixes; {} the simulator could not read",
        checks.len(),
        kept.len(),
        errors
    );
    assert!(
        failures.is_empty(),
        "{} fix(es) took a needed permission away:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
