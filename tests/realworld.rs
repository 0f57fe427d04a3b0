//! The real-world corpus (`../shared/corpus/realworld`): every example
//! folder is loaded as one workspace; for every state machine found we
//! record where its definition is, how it was linked to its role, how many
//! policies that role has, and the findings (rule and place). The listing
//! is compared with `tests/realworld.expected`, reviewed by hand, so any
//! change in behaviour shows as a diff. Set `UPDATE_REALWORLD=1` to
//! rewrite the expectation after reviewing the change.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

mod support;

use asl_lsp::core::analyze;
use asl_lsp::core::diagnostic::Severity;
use asl_lsp::core::files::FileSet;
use asl_lsp::core::unit::LinkKind;
use asl_lsp::core::workspace::Workspace;

const ROOT: &str = "/corpus";

fn load(dir: &Path, rel: &str) -> FileSet {
    let mut files = FileSet::new();
    for path in support::files_under(dir) {
        let name = path.to_string_lossy().to_lowercase();
        let wanted = [".json", ".yaml", ".yml", ".tf", ".asl", ".template"]
            .iter()
            .any(|e| name.ends_with(e));
        if !wanted {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let inner = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(&format!("{ROOT}/{rel}/{inner}"), text, None);
    }
    files
}

fn short(path: &str, rel: &str) -> String {
    path.strip_prefix(&format!("{ROOT}/{rel}/"))
        .unwrap_or(path)
        .to_string()
}

#[test]
fn realworld_corpus() {
    let Some(corpus) = support::shared_corpus("realworld") else {
        return;
    };
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv"))
        .expect("the real-world corpus has its MANIFEST.tsv");
    let mut report = String::new();
    let mut machines = 0usize;
    let mut linked = 0usize;
    let mut declared = 0usize;
    let mut external = 0usize;
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples = 0usize;
    for line in manifest.lines().skip(1) {
        let folder = line.split('\t').next().unwrap_or("");
        let dir = corpus.join(folder);
        if folder.is_empty() || !dir.is_dir() {
            continue;
        }
        examples += 1;
        let files = load(&dir, folder);
        let workspace = Workspace::new(&files);
        let (units, _) = asl_lsp::core::link::units(&workspace);
        let analysis = analyze(&files, None);
        writeln!(report, "## {folder}").unwrap();
        for unit in &units {
            machines += 1;
            let link = match unit.link {
                LinkKind::Template => "template",
                LinkKind::External => "external role",
                LinkKind::Config => "config",
                LinkKind::Convention => "convention",
                LinkKind::Unlinked => "unlinked",
            };
            // Declared in a template: linked to the role the template gives
            // it (which may hold no policy); alone: linked by config or
            // convention.
            if matches!(unit.link, LinkKind::Template | LinkKind::External) {
                declared += 1;
            }
            match unit.link {
                LinkKind::Unlinked => {}
                LinkKind::External => external += 1,
                _ => linked += 1,
            }
            let name = unit
                .machine
                .as_ref()
                .map(|m| format!(" ({} in {})", m.logical_id, short(files.path(m.file), folder)))
                .unwrap_or_default();
            writeln!(
                report,
                "machine {}{name}: {link}, {} policies{}",
                short(files.path(unit.definition.file), folder),
                unit.policies.len(),
                if unit.trust.is_some() {
                    ", trust policy"
                } else {
                    ""
                }
            )
            .unwrap();
        }
        for finding in &analysis.findings {
            let text = files.text(finding.location.file);
            let line_no = text[..finding.location.range.start().min(text.len())]
                .matches('\n')
                .count()
                + 1;
            let severity = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
                Severity::Hint => "hint",
            };
            *totals.entry(format!("{} {severity}", finding.rule)).or_default() += 1;
            writeln!(
                report,
                "  {}:{line_no} {severity} {}: {}",
                short(files.path(finding.location.file), folder),
                finding.rule,
                finding.message
            )
            .unwrap();
        }
    }
    writeln!(report, "\n## totals").unwrap();
    writeln!(
        report,
        "examples {examples}, state machines {machines}, declared in templates {declared}, linked to their role's policies {linked}, role outside the template {external}"
    )
    .unwrap();
    for (rule, count) in &totals {
        writeln!(report, "{rule}: {count}").unwrap();
    }
    println!(
        "real-world corpus: {examples} examples, {machines} state machines ({declared} declared in templates or Terraform, {} standalone definitions); {linked} linked to their role's policies ({:.1}% of all, {:.1}% of those declared), {external} with a role outside the template",
        machines - declared,
        100.0 * linked as f64 / machines.max(1) as f64,
        100.0 * (declared - external) as f64 / declared.max(1) as f64
    );
    assert!(examples > 100, "the real-world corpus was not found");
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld.expected");
    if std::env::var_os("UPDATE_REALWORLD").is_some() {
        std::fs::write(&expected_path, &report).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if expected != report {
        let diff = similar::TextDiff::from_lines(&expected, &report);
        let mut shown = String::new();
        for change in diff
            .iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .take(80)
        {
            write!(shown, "{}{}", change.tag(), change).unwrap();
        }
        panic!("the real-world listing changed (review, then UPDATE_REALWORLD=1):\n{shown}");
    }
}

/// `check --fix` over every example: each file a fix touches still parses.
/// (A fix may uncover new findings — a created policy links a definition
/// that was checked alone — so the totals are printed, not compared.)
#[test]
fn realworld_fixes_leave_files_that_parse() {
    let Some(corpus) = support::shared_corpus("realworld") else {
        return;
    };
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv"))
        .expect("the real-world corpus has its MANIFEST.tsv");
    let mut total_before = 0usize;
    let mut total_after = 0usize;
    let mut applied_total = 0usize;
    for line in manifest.lines().skip(1) {
        let folder = line.split('\t').next().unwrap_or("");
        let dir = corpus.join(folder);
        if folder.is_empty() || !dir.is_dir() {
            continue;
        }
        let mut files = load(&dir, folder);
        let fixable = |files: &FileSet| {
            analyze(files, None)
                .findings
                .iter()
                .filter(|f| f.fixes.iter().any(|x| x.preferred))
                .count()
        };
        let syntax_errors = |files: &FileSet, paths: &std::collections::BTreeSet<String>| -> Vec<String> {
            analyze(files, None)
                .findings
                .iter()
                .filter(|f| f.rule == "asl-syntax" && paths.contains(files.path(f.location.file)))
                .map(|f| format!("{}: {}", files.path(f.location.file), f.message))
                .collect()
        };
        let before = fixable(&files);
        let (applied, changed) = asl_lsp::core::autofix::apply_preferred(&mut files, 8);
        let after = fixable(&files);
        let broken = syntax_errors(&files, &changed);
        assert!(broken.is_empty(), "{folder}: a fix broke the syntax: {broken:?}");
        total_before += before;
        total_after += after;
        applied_total += applied;
    }
    println!("real-world fixes: {applied_total} applied; fixable findings {total_before} → {total_after}");
}

/// Every `aws-sdk` operation a real-world file names (in a definition, a
/// template or a Terraform module) maps to IAM actions that exist in the
/// Service Authorization Reference snapshot, or to none where the mapping
/// says so.
#[test]
fn every_aws_sdk_task_of_the_corpus_names_existing_actions() {
    let Some(corpus) = support::shared_corpus("realworld") else {
        return;
    };
    let sar = asl_lsp::core::sar::sar();
    // The lookup tells a real action from an SDK operation's name.
    assert!(sar.action("s3:ListBucket").is_some() && sar.action("s3:ListObjectsV2").is_none());
    let mut operations = std::collections::BTreeSet::new();
    for path in support::files_under(&corpus) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (at, _) in text.match_indices("aws-sdk:") {
            let rest = &text[at + "aws-sdk:".len()..];
            let mut parts = rest.splitn(3, |c: char| !c.is_ascii_alphanumeric() && c != '-');
            let (Some(service), Some(operation)) = (parts.next(), parts.next()) else {
                continue;
            };
            // `aws-sdk:s3:getObject` and `aws-sdk:s3:getObject.waitForTaskToken`.
            if rest.as_bytes().get(service.len()) != Some(&b':') || service.is_empty() || operation.is_empty()
            {
                continue;
            }
            operations.insert((service.to_string(), operation.to_string()));
        }
    }
    assert!(
        operations.len() >= 100,
        "only {} aws-sdk operations found",
        operations.len()
    );
    let missing: Vec<String> = operations
        .iter()
        .flat_map(|(service, operation)| {
            asl_lsp::core::catalog::aws_sdk_actions(service, operation)
                .into_iter()
                .filter(|action| sar.action(action).is_none())
                .map(move |action| format!("{service}:{operation} -> {action}"))
        })
        .collect();
    println!(
        "real-world aws-sdk operations: {} distinct, {} mapped to actions that do not exist",
        operations.len(),
        missing.len()
    );
    assert!(missing.is_empty(), "{missing:#?}");
}
