//! `asl-variable`: workflow variables (developer guide, "Passing data
//! between states with variables"). `Assign` is an object whose keys are
//! variable names (letters, digits and `_`, not starting with a digit;
//! `states` is reserved). A variable read where no path from `StartAt`
//! has assigned it (in its own scope or an enclosing one) is reported as a
//! warning: it would fail at run time.

use crate::core::hash::FastSet as HashSet;

use super::common::DefinitionContext;
use crate::core::asl::jsonpath::{self, PathRoot};
use crate::core::asl::{jsonata, QueryLanguage, State, StateId, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const VARIABLE: RuleMeta = RuleMeta {
    id: "asl-variable",
    default_severity: Severity::Error,
    summary: "An invalid or reserved variable name in Assign, or a variable read where nothing assigns it (warning)",
};

pub const ENTRY: Rule = Rule {
    meta: VARIABLE,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

/// Fields whose strings never read variables.
const NOT_READ: &[&str] = &[
    "Type",
    "Comment",
    "Next",
    "Default",
    "Resource",
    "QueryLanguage",
    "End",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "ErrorEquals",
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    // What each state assigns.
    let mut assigns: Vec<HashSet<String>> = vec![HashSet::default(); machine.states.len()];
    for state in &machine.states {
        for assign in assign_nodes(state) {
            if !assign.is_object() {
                out.push(ctx.finding(
                    &VARIABLE,
                    assign.span,
                    format!(
                        "\"Assign\" must be an object of variable names, not {}",
                        assign.type_name()
                    ),
                ));
                continue;
            }
            for member in assign.members() {
                let name = match state.query_language {
                    QueryLanguage::JsonPath => member.key.strip_suffix(".$").unwrap_or(&member.key),
                    QueryLanguage::Jsonata => member.key.as_str(),
                };
                if let Some((severity, problem)) = invalid_name(name) {
                    out.push(ctx.finding_at(&VARIABLE, severity, member.key_span, problem));
                }
                assigns[state.id.0 as usize].insert(name.to_string());
            }
        }
    }
    if assigns.iter().all(HashSet::is_empty) && !mentions_variables(ctx) {
        return;
    }
    let predecessors = machine.predecessors();
    let mut ranges = super::common::StringRanges::default();
    for state in &machine.states {
        if !state.node.is_object() || state.kind == StateType::Unknown {
            continue;
        }
        for (node, start, end) in reads(state) {
            let Some(name) = node.as_str().and_then(|t| t.get(start + 1..end)) else {
                continue;
            };
            if !assigned_before(ctx, &assigns, &predecessors, state.id, name) {
                let known = assigns.iter().flatten().map(String::as_str).chain(["states"]);
                let hint = super::common::closest(name, known)
                    .filter(|c| *c != name)
                    .map(|c| format!("; did you mean \"${c}\"?"))
                    .unwrap_or_default();
                out.push(ctx.finding_at(
                    &VARIABLE,
                    Severity::Warning,
                    ranges.range(ctx.text, node, start, end),
                    format!("No path from StartAt assigns \"${name}\" before this state reads it{hint}"),
                ));
            }
        }
    }
}

fn mentions_variables(ctx: &DefinitionContext) -> bool {
    ctx.machine.states.iter().any(|s| !reads(s).is_empty())
}

fn assign_nodes<'a>(state: &State<'a>) -> Vec<&'a Node> {
    let mut nodes: Vec<&Node> = state.field("Assign").into_iter().collect();
    for list in ["Choices", "Catch"] {
        for rule in state.field(list).map(Node::elements).unwrap_or(&[]) {
            nodes.extend(rule.get("Assign"));
        }
    }
    nodes
}

/// A reserved name is an error; a name that a path or a JSONata
/// expression cannot spell as `$name` is a warning.
fn invalid_name(name: &str) -> Option<(Severity, String)> {
    if name == "states" {
        return Some((
            Severity::Error,
            "\"states\" is reserved: $states holds the state's input, result and context".to_string(),
        ));
    }
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_');
    if !ok {
        return Some((
            Severity::Warning,
            format!("\"${name}\" cannot be read back: a path or JSONata expression reads letters, digits and \"_\" after \"$\", not starting with a digit"),
        ));
    }
    None
}

/// Every variable this state reads: the string node and the offsets of
/// `$name` in its decoded text.
fn reads<'a>(state: &State<'a>) -> Vec<(&'a Node, usize, usize)> {
    let mut found = Vec::new();
    for member in state.node.members() {
        if NOT_READ.contains(&member.key.as_str()) {
            continue;
        }
        super::common::walk(&member.value, |key, node| {
            if key.is_some_and(|k| NOT_READ.contains(&k.key.as_str())) {
                return;
            }
            let Some(text) = node.as_str() else { return };
            match state.query_language {
                QueryLanguage::Jsonata => {
                    if text.starts_with("{%") && text.ends_with("%}") && text.len() >= 4 {
                        for (s, e) in jsonata::free_variables(&text[2..text.len() - 2]) {
                            found.push((node, s + 2, e + 2));
                        }
                    }
                }
                QueryLanguage::JsonPath => {
                    // Only values that are evaluated: `.$` fields, path
                    // fields and Choice comparisons.
                    let evaluated = key.is_some_and(|k| {
                        k.key.ends_with(".$") || k.key.ends_with("Path") || k.key == "Variable"
                    });
                    if evaluated {
                        jsonpath_reads(node, text, &mut found);
                    }
                }
            }
        });
    }
    found
}

fn jsonpath_reads<'a>(node: &'a Node, text: &str, found: &mut Vec<(&'a Node, usize, usize)>) {
    if text.starts_with('$') {
        if let Ok(path) = jsonpath::parse(text) {
            if let PathRoot::Variable { end, .. } = path.root {
                found.push((node, 0, end));
            }
        }
        return;
    }
    // An intrinsic function: `$name` arguments outside quoted strings.
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'\'' => quoted = !quoted,
            b'$' if !quoted => {
                let rest = &text[i..];
                if !rest.starts_with("$$") {
                    if let Ok(path) = jsonpath::parse(rest.split([',', ')', ' ']).next().unwrap_or("")) {
                        if let PathRoot::Variable { end, .. } = path.root {
                            found.push((node, i, i + end));
                        }
                    }
                } else {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether some state that can run before `reader` (in its scope, or
/// before the state that owns an enclosing scope) assigns `name`.
fn assigned_before(
    ctx: &DefinitionContext,
    assigns: &[HashSet<String>],
    predecessors: &[Vec<StateId>],
    reader: StateId,
    name: &str,
) -> bool {
    let machine = ctx.machine;
    let mut target = Some(reader);
    let mut guard = 0;
    while let Some(t) = target {
        guard += 1;
        if guard > 64 {
            return true;
        }
        // States from which `t` can be reached (t itself only through a loop).
        let mut seen = vec![false; machine.states.len()];
        let mut stack: Vec<StateId> = predecessors[t.0 as usize].clone();
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut seen[s.0 as usize], true) {
                continue;
            }
            if assigns[s.0 as usize].contains(name) {
                return true;
            }
            stack.extend(predecessors[s.0 as usize].iter().copied());
        }
        target = machine.scope(machine.state(t).scope).parent;
    }
    false
}
