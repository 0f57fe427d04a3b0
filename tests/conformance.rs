//! Our ASL verdicts against other validators' test suites and against
//! verdicts recorded from AWS (`../shared/corpus/conformance`). Prints the
//! agreement per source; fails if it regresses below the recorded floor,
//! if any AWS-recorded verdict is wrong, or if it finds no documents.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use asl_lsp::core::analyze;
use asl_lsp::core::diagnostic::Severity;
use asl_lsp::core::files::FileSet;

/// The agreement reached so far (percent); raise it as the rules grow.
const FLOOR: f64 = 98.0;

struct Case {
    file: String,
    expected: String,
    note: String,
}

fn corpus(name: &str) -> Option<PathBuf> {
    support::shared_corpus(name)
}

fn verdict(path: &Path) -> (bool, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut files = FileSet::new();
    // Named as a definition so the document is analysed as one.
    files.insert("/conformance/definition.asl.json", text, None);
    let analysis = analyze(&files, None);
    let errors: Vec<String> = analysis
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.rule.starts_with("asl-"))
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    (errors.is_empty(), errors)
}

#[test]
fn agreement_with_recorded_verdicts() {
    let Some(root) = corpus("conformance") else {
        println!("conformance corpus not present: skipped");
        return;
    };
    let manifest = std::fs::read_to_string(root.join("manifest.tsv")).unwrap();
    let cases: Vec<Case> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() >= 8).then(|| Case {
                file: cols[0].to_string(),
                expected: cols[4].to_string(),
                note: cols[7].to_string(),
            })
        })
        .collect();
    assert!(!cases.is_empty(), "the manifest lists no documents");
    let mut per_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut aws_wrong = Vec::new();
    for case in &cases {
        let (valid, errors) = verdict(&root.join(&case.file));
        // STANDARD is the default type; a definition only EXPRESS rejects is valid here.
        let expected_valid = case.expected != "invalid";
        let source = case.file.split('/').next().unwrap_or("").to_string();
        let entry = per_source.entry(source.clone()).or_default();
        entry.1 += 1;
        if valid == expected_valid {
            entry.0 += 1;
        } else {
            disagreements.push(format!(
                "{} (expected {}): {:?}",
                case.file, case.expected, errors
            ));
            if source == "localstack" || case.note.contains("ValidateStateMachineDefinition") {
                aws_wrong.push(case.file.clone());
            }
        }
    }
    let total: usize = per_source.values().map(|(_, n)| n).sum();
    let agreed: usize = per_source.values().map(|(a, _)| a).sum();
    for (source, (a, n)) in &per_source {
        println!("conformance {source}: {a}/{n} agree");
    }
    let percent = 100.0 * agreed as f64 / total as f64;
    println!("conformance overall: {agreed}/{total} agree ({percent:.1}%)");
    for d in &disagreements {
        println!("  disagree: {d}");
    }
    assert!(
        percent >= FLOOR,
        "agreement fell to {percent:.1}% (floor {FLOOR}%)"
    );
    assert!(
        aws_wrong.is_empty(),
        "verdicts recorded from AWS disagree: {aws_wrong:?}"
    );
}

/// Real-world definitions AWS rejects as they are, and why (also in
/// docs/conformance.md).
const REJECTED_BY_AWS: &[(&str, &str)] = &[
    (
        "step-functions-workflows-collection/sfn-iot-data-analytics-dataset/statemachine/statemachine.asl.json",
        "not JSON: \"Messages\": \"Messages.$\": \"$.Messages\" puts two values on one key",
    ),
    (
        "step-functions-workflows-collection/shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
        "\"QueryLanguage\" sits inside \"States\", where every member must be a state object; the states therefore use JSONPath and their Arguments/Output are not allowed",
    ),
];

/// Every standalone definition of the real-world corpus (deployed public
/// examples) parses and gets no error-severity `asl-*` finding, except the
/// ones listed in docs/conformance.md with the reason AWS rejects them.
#[test]
fn no_errors_on_realworld_definitions() {
    let Some(root) = corpus("realworld") else {
        println!("real-world corpus not present: skipped");
        return;
    };
    let paths = support::files_under(&root);
    let mut checked = 0;
    let mut errors = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let explicit = [".asl.json", ".asl.yaml", ".asl.yml"]
            .iter()
            .any(|s| name.ends_with(s));
        let json_definition = name.ends_with(".json")
            && serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| v.get("StartAt").is_some() && v.get("States").is_some_and(|s| s.is_object()));
        if !explicit && !json_definition {
            continue;
        }
        checked += 1;
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let mut files = FileSet::new();
        files.insert(&format!("/realworld/{rel}"), text, None);
        let analysis = analyze(&files, None);
        let rejected = REJECTED_BY_AWS.iter().find(|(file, _)| *file == rel);
        let mut own = 0;
        for f in &analysis.findings {
            if f.severity == Severity::Error && f.rule.starts_with("asl-") {
                own += 1;
                if rejected.is_some() {
                    continue;
                }
                errors.push(format!("{rel}: {}: {}", f.rule, f.message));
            }
        }
        if let Some((_, why)) = rejected {
            assert!(own > 0, "{rel} is listed as rejected by AWS but gets no error");
            println!("  rejected by AWS ({own} errors): {rel}: {why}");
        }
    }
    println!(
        "realworld: {checked} definitions checked, {} asl errors",
        errors.len()
    );
    for e in &errors {
        println!("  {e}");
    }
    assert!(checked > 0, "no real-world definitions found");
    assert!(
        errors.is_empty(),
        "asl errors on deployed definitions: {errors:#?}"
    );
}

/// Writes a JSON value as block-style YAML whose scalars are spelled as in
/// JSON (a JSON string is a YAML double-quoted scalar), so every scalar a
/// finding points at reads the same in both files.
fn to_yaml(value: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value;
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                out.push_str(&pad);
                out.push_str(&serde_json::to_string(key).unwrap());
                out.push(':');
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push('\n');
                        to_yaml(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        to_yaml(v, indent + 2, out);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&serde_json::to_string(v).unwrap());
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push_str("-\n");
                match item {
                    Value::Object(m) if !m.is_empty() => to_yaml(item, indent + 2, out),
                    Value::Array(a) if !a.is_empty() => to_yaml(item, indent + 2, out),
                    _ => {
                        out.push_str(&" ".repeat(indent + 2));
                        out.push_str(&serde_json::to_string(item).unwrap());
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&serde_json::to_string(value).unwrap());
            out.push('\n');
        }
    }
}

/// (rule, message, the text the range covers), sorted by rule and message.
fn findings_of(name: &str, text: &str) -> Vec<(String, String, String)> {
    let mut files = FileSet::new();
    files.insert(name, text.to_string(), None);
    let analysis = analyze(&files, None);
    let mut out: Vec<(String, String, String)> = analysis
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("asl-"))
        .map(|f| {
            let covered = &text[f.location.range.start()..f.location.range.end()];
            (f.rule.to_string(), f.message.clone(), covered.to_string())
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

/// Same rules and messages; where the JSON finding covers a scalar, the
/// YAML one covers the same text (objects and arrays are written
/// differently in the two files).
fn same_findings(json: &[(String, String, String)], yaml: &[(String, String, String)]) -> bool {
    json.len() == yaml.len()
        && json.iter().zip(yaml).all(|(j, y)| {
            let scalar = !j.2.contains('\n') && !j.2.starts_with(['{', '[']) && !j.2.is_empty();
            j.0 == y.0 && j.1 == y.1 && (!scalar || j.2 == y.2)
        })
}

/// The same definition written in JSON and in YAML gets the same `asl-*`
/// findings, on the same scalars.
#[test]
fn yaml_and_json_agree() {
    let Some(root) = corpus("conformance") else {
        println!("conformance corpus not present: skipped");
        return;
    };
    let manifest = std::fs::read_to_string(root.join("manifest.tsv")).unwrap();
    let mut compared = 0;
    let mut differences = Vec::new();
    for line in manifest.lines().skip(1) {
        let file = line.split('\t').next().unwrap_or("");
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let json = findings_of("/parity/definition.asl.json", &text);
        // serde_json keeps one of two duplicate keys, and drops comments.
        if json.iter().any(|(rule, _, _)| {
            matches!(
                rule.as_str(),
                "asl-duplicate-key" | "asl-json-comment" | "asl-syntax"
            )
        }) {
            continue;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let mut yaml = String::new();
        to_yaml(&value, 0, &mut yaml);
        let yaml_findings = findings_of("/parity/definition.asl.yaml", &yaml);
        compared += 1;
        if !same_findings(&json, &yaml_findings) {
            differences.push(format!("{file}:\n  json {json:?}\n  yaml {yaml_findings:?}"));
        }
    }
    println!(
        "yaml parity: {compared} documents compared, {} differ",
        differences.len()
    );
    assert!(compared > 0);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
