//! `--select`, `--ignore` and `--severity`: which findings are reported.

use crate::cli::Level;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules;

/// Rule groups: `asl` is every `asl-*` rule, `iam` every other.
const GROUPS: &[&str] = &["asl", "iam"];

pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
    minimum: Option<Severity>,
}

fn matches(selector: &str, rule: &str) -> bool {
    match selector {
        "asl" => rule.starts_with("asl-"),
        "iam" => !rule.starts_with("asl-"),
        id => id == rule,
    }
}

/// Checks every selector names a rule or a group.
fn validate(selectors: &[String], flag: &str) -> Result<Vec<String>, String> {
    let all = rules::all();
    let mut out = Vec::new();
    for selector in selectors {
        let selector = selector.trim();
        if selector.is_empty() {
            continue;
        }
        if GROUPS.contains(&selector) || all.iter().any(|r| r.id == selector) {
            out.push(selector.to_string());
            continue;
        }
        let candidates = all.iter().map(|r| r.id).chain(GROUPS.iter().copied());
        return Err(match crate::core::suggest::closest(selector, candidates) {
            Some(near) => format!("{flag}: unknown rule \"{selector}\": did you mean \"{near}\"?"),
            None => format!("{flag}: unknown rule \"{selector}\" (`asl-lsp rules` lists them)"),
        });
    }
    Ok(out)
}

impl Selection {
    pub fn new(select: &[String], ignore: &[String], severity: Option<Level>) -> Result<Selection, String> {
        Ok(Selection {
            select: validate(select, "--select")?,
            ignore: validate(ignore, "--ignore")?,
            minimum: severity.map(|l| match l {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Info => Severity::Info,
                Level::Hint => Severity::Hint,
            }),
        })
    }

    /// Whether `--select`/`--ignore` leave the rule in (severity aside).
    pub fn keeps_rule(&self, rule: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| matches(s, rule)))
            && !self.ignore.iter().any(|s| matches(s, rule))
    }

    pub fn keeps(&self, finding: &Finding) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| matches(s, finding.rule)))
            && !self.ignore.iter().any(|s| matches(s, finding.rule))
            // Severity orders Error first: "at least" is "not after".
            && self.minimum.is_none_or(|m| finding.severity <= m)
    }
}
