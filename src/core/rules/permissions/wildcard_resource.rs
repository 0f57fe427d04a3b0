//! `wildcard-resource`: an action the workflow uses is allowed on a
//! resource pattern broader than the resources it acts on.

use std::collections::BTreeMap;

use crate::core::hash::FastMap;

use crate::core::diagnostic::{Finding, Fix, Location, Severity};
use crate::core::iam::{self, Decision, StatementRef};
use crate::core::permissions::context::{Context, NeedCheck, PairCheck};
use crate::core::permissions::policy_fix;
use crate::core::permissions::{list, statement_location};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "wildcard-resource",
    default_severity: Severity::Warning,
    summary: "An action the workflow uses is allowed on more resources than it needs",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: true,
    },
};

struct Broad {
    actions: Vec<String>,
    tasks: Vec<(String, Location)>,
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    // (statement, written resource) → what is too broad there.
    let mut broad: BTreeMap<(StatementRef, String), Broad> = BTreeMap::new();
    // Each statement's wildcard resources, found once, and indexed by
    // their literal prefix cut at a separator (as the policy index does):
    // statements that grew with the workflow hold many, and a resource can
    // only match those whose prefix it starts with.
    let mut wildcards: FastMap<StatementRef, Patterns> = Default::default();
    // Needs and their pairs are kept with the role from run to run (see
    // `TaskKey`), so each pair's wider patterns are worked out once.
    for (task, need, pair) in ctx.all_pairs() {
        let wider = pair
            .wider
            .get_or_init(|| wider_patterns(ctx, need, pair, &mut wildcards));
        for (r, written) in wider {
            let entry = broad.entry((*r, written.clone())).or_insert_with(|| Broad {
                actions: Vec::new(),
                tasks: Vec::new(),
            });
            if !entry.actions.contains(&pair.action) {
                entry.actions.push(pair.action.clone());
            }
            if !entry.tasks.iter().any(|(n, _)| n == task.state.name) {
                entry
                    .tasks
                    .push((task.state.name.to_string(), task.resource_location));
            }
        }
    }
    // Policy side: one finding per broad pattern. Definition side: one per
    // task, however many statements are too broad for it.
    let mut per_task: BTreeMap<String, TaskSide> = BTreeMap::new();
    for ((r, written), found) in broad {
        let message = format!(
            "{} {} allowed on \"{written}\", more than the workflow uses",
            list(&found.actions),
            if found.actions.len() == 1 { "is" } else { "are" }
        );
        let actions = found.actions.clone();
        let focus = move |a: &str| actions.iter().any(|x| x.eq_ignore_ascii_case(a));
        let fix = policy_fix::scope_statement(ctx, r, Some(&focus), &Default::default()).map(|edits| Fix {
            title: format!(
                "Scope {} to the resources the workflow uses",
                list(&found.actions)
            ),
            preferred: true,
            safe: true,
            edits,
        });
        let location = statement_location(ctx, r, Some(&written));
        let mut finding = Finding::new(RULE.id, RULE.default_severity, location, message);
        for (name, at) in found.tasks.iter().take(MAX_RELATED) {
            finding = finding.with_related(*at, format!("Used by \"{name}\""));
        }
        if let Some(fix) = &fix {
            finding = finding.with_fix(fix.clone());
        }
        out.push(finding);
        for (name, at) in &found.tasks {
            let entry = per_task
                .entry(name.clone())
                .or_insert_with(|| (*at, Vec::new(), Vec::new(), fix.clone()));
            for action in &found.actions {
                if !entry.1.contains(action) {
                    entry.1.push(action.clone());
                }
            }
            entry.2.push(location);
        }
    }
    for (name, (at, actions, statements, fix)) in per_task {
        let message = format!(
            "\"{name}\" needs {} only on its own resources, but the role allows {} on wider patterns",
            list(&actions),
            if actions.len() == 1 { "it" } else { "them" }
        );
        let mut finding = Finding::new(RULE.id, RULE.default_severity, at, message);
        for location in statements.into_iter().take(MAX_RELATED) {
            finding = finding.with_related(location, "A statement that allows it");
        }
        if let Some(fix) = fix {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// The (statement, written pattern) pairs that allow `pair` on more than
/// its need names. `wildcards` holds each statement's patterns, found once
/// per run.
fn wider_patterns<'c>(
    ctx: &'c Context,
    need: &NeedCheck,
    pair: &PairCheck,
    wildcards: &mut FastMap<StatementRef, Patterns<'c>>,
) -> Vec<(StatementRef, String)> {
    let mut wider = Vec::new();
    if need.need.dynamic
        || pair.action.eq_ignore_ascii_case("lambda:InvokeFunction")
        || pair.action.eq_ignore_ascii_case("iam:PassRole")
        || need.need.resources.iter().any(|r| r == "*")
    {
        return wider;
    }
    let Decision::Allowed { by, .. } = &pair.decision else {
        return wider;
    };
    for r in by {
        let patterns = wildcards.entry(*r).or_insert_with(|| {
            Patterns::new(
                ctx.statement(*r)
                    .resources
                    .as_ref()
                    .filter(|s| !s.negated)
                    .map(|s| {
                        s.items
                            .iter()
                            .map(|i| i.value.as_str())
                            .filter(|v| v.contains(['*', '?']))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        });
        // Each (statement, pattern) is kept once, so visiting only the
        // candidates (in any order) finds the same set.
        for written in patterns.candidates(&pair.resource) {
            let matches = iam::glob_match(written, &pair.resource, false)
                || iam::pattern_covers(written, &pair.resource, false);
            if !matches
                || need
                    .need
                    .resources
                    .iter()
                    .any(|n| iam::pattern_covers(n, written, false))
                || wider.iter().any(|(s, w)| s == r && w == written)
            {
                continue;
            }
            wider.push((*r, written.to_string()));
        }
    }
    wider
}

/// A statement's wildcard resource patterns, by the prefix a resource
/// they match must start with.
struct Patterns<'p> {
    all: Vec<&'p str>,
    by_cut: FastMap<&'p str, Vec<&'p str>>,
}

impl<'p> Patterns<'p> {
    fn new(all: Vec<&'p str>) -> Self {
        let mut by_cut: FastMap<&str, Vec<&str>> = Default::default();
        for &p in &all {
            let literal = &p[..p.find(['*', '?']).unwrap_or(p.len())];
            let cut = literal.rfind([':', '/']).map_or("", |i| &literal[..=i]);
            by_cut.entry(cut).or_default().push(p);
        }
        Patterns { all, by_cut }
    }

    /// The patterns that can match or cover `resource`: all of them when it
    /// has a wildcard itself, else those whose cut prefix it starts with.
    fn candidates<'s>(&'s self, resource: &'s str) -> Box<dyn Iterator<Item = &'p str> + 's> {
        if resource.contains(['*', '?']) {
            return Box::new(self.all.iter().copied());
        }
        let cuts = std::iter::once(0).chain(
            resource
                .char_indices()
                .filter(|(_, c)| *c == ':' || *c == '/')
                .map(|(i, _)| i + 1),
        );
        Box::new(
            cuts.filter_map(|cut| self.by_cut.get(&resource[..cut]))
                .flatten()
                .copied(),
        )
    }
}

/// A task's finding: where, which actions, which statements, and a fix.
type TaskSide = (Location, Vec<String>, Vec<Location>, Option<Fix>);

/// Related locations shown at most per finding.
const MAX_RELATED: usize = 20;
