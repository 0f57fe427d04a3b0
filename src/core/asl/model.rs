//! A state machine as the rules see it: every state of every scope (the top
//! level, each Parallel branch, each Map processor) with its spans and its
//! outgoing edges. Lowering is tolerant: whatever is malformed is left out
//! of the model and reported by the `asl-*` rules, never by a panic here.

use crate::core::hash::FastMap;

use crate::core::syntax::{Member, Node};
use crate::core::text::TextRange;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct StateId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ScopeId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StateType {
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
    /// A `Type` we do not know, or none at all.
    Unknown,
}

impl StateType {
    pub fn parse(text: &str) -> StateType {
        match text {
            "Task" => StateType::Task,
            "Pass" => StateType::Pass,
            "Choice" => StateType::Choice,
            "Wait" => StateType::Wait,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            _ => StateType::Unknown,
        }
    }
}

/// One scope: the top level, a Parallel branch or a Map processor.
#[derive(Clone, Debug)]
pub struct Scope<'a> {
    pub id: ScopeId,
    /// The object holding `StartAt` and `States`.
    pub node: &'a Node,
    /// The state that owns this scope (`None` for the top level).
    pub parent: Option<StateId>,
    pub start_at: Option<&'a Node>,
    pub states_node: Option<&'a Node>,
    /// State ids of this scope, in document order.
    pub states: Vec<StateId>,
    pub query_language: QueryLanguage,
}

#[derive(Clone, Debug)]
pub struct State<'a> {
    pub id: StateId,
    pub scope: ScopeId,
    pub name: &'a str,
    pub member: &'a Member,
    pub node: &'a Node,
    pub kind: StateType,
    pub query_language: QueryLanguage,
    /// Scopes owned by this state (Parallel branches, Map processor).
    pub children: Vec<ScopeId>,
}

impl<'a> State<'a> {
    pub fn name_span(&self) -> TextRange {
        self.member.key_span
    }

    pub fn field(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn resource(&self) -> Option<&'a str> {
        self.node.get("Resource").and_then(Node::as_str)
    }

    /// `Next`/`Default`/Choice rule `Next`/Catch `Next` targets, with the node
    /// that names them.
    pub fn transitions(&self) -> Vec<(&'a str, &'a Node)> {
        let mut out = Vec::new();
        let mut push = |node: Option<&'a Node>| {
            if let Some(n) = node {
                if let Some(s) = n.as_str() {
                    out.push((s, n));
                }
            }
        };
        push(self.node.get("Next"));
        push(self.node.get("Default"));
        for choice in self.node.get("Choices").map(Node::elements).unwrap_or(&[]) {
            push(choice.get("Next"));
        }
        for catcher in self.node.get("Catch").map(Node::elements).unwrap_or(&[]) {
            push(catcher.get("Next"));
        }
        out
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.kind, StateType::Succeed | StateType::Fail)
            || self.node.get("End").and_then(Node::as_bool) == Some(true)
    }
}

#[derive(Clone, Debug)]
pub struct StateMachine<'a> {
    pub root: &'a Node,
    pub scopes: Vec<Scope<'a>>,
    pub states: Vec<State<'a>>,
    by_name: FastMap<(ScopeId, &'a str), StateId>,
}

/// Objects deeper than this many nested scopes are not lowered (hostile input).
const MAX_SCOPE_DEPTH: usize = 32;

impl<'a> StateMachine<'a> {
    /// Lowers a definition. `root` is the object with `StartAt` and `States`.
    pub fn lower(root: &'a Node) -> StateMachine<'a> {
        let mut machine = StateMachine {
            root,
            scopes: Vec::new(),
            states: Vec::new(),
            by_name: FastMap::default(),
        };
        let top_language = query_language_of(root).unwrap_or(QueryLanguage::JsonPath);
        // Explicit work list instead of recursion: (scope node, parent, inherited language, depth).
        let mut work: Vec<(&'a Node, Option<StateId>, QueryLanguage, usize)> =
            vec![(root, None, top_language, 0)];
        while let Some((node, parent, language, depth)) = work.pop() {
            let scope_id = ScopeId(machine.scopes.len() as u32);
            if let Some(parent) = parent {
                machine.states[parent.0 as usize].children.push(scope_id);
            }
            let states_node = node.get("States");
            let mut scope = Scope {
                id: scope_id,
                node,
                parent,
                start_at: node.get("StartAt"),
                states_node,
                states: Vec::new(),
                query_language: language,
            };
            for member in states_node.map(Node::members).unwrap_or(&[]) {
                let state_node = &member.value;
                let id = StateId(machine.states.len() as u32);
                let kind = state_node
                    .get("Type")
                    .and_then(Node::as_str)
                    .map(StateType::parse)
                    .unwrap_or(StateType::Unknown);
                let state_language = query_language_of(state_node).unwrap_or(language);
                machine
                    .by_name
                    .entry((scope_id, member.key.as_str()))
                    .or_insert(id);
                machine.states.push(State {
                    id,
                    scope: scope_id,
                    name: &member.key,
                    member,
                    node: state_node,
                    kind,
                    query_language: state_language,
                    children: Vec::new(),
                });
                scope.states.push(id);
                if depth >= MAX_SCOPE_DEPTH {
                    continue;
                }
                match kind {
                    StateType::Parallel => {
                        for branch in state_node.get("Branches").map(Node::elements).unwrap_or(&[]) {
                            if branch.is_object() {
                                work.push((branch, Some(id), state_language, depth + 1));
                            }
                        }
                    }
                    StateType::Map => {
                        let processor = state_node
                            .get("ItemProcessor")
                            .or_else(|| state_node.get("Iterator"));
                        if let Some(p) = processor.filter(|p| p.is_object()) {
                            work.push((p, Some(id), state_language, depth + 1));
                        }
                    }
                    _ => {}
                }
            }
            machine.scopes.push(scope);
        }
        // Scopes are numbered in work-list order (last branch first): put
        // each state's children back in document order.
        let starts: Vec<u32> = machine.scopes.iter().map(|s| s.node.span.start).collect();
        for state in &mut machine.states {
            state.children.sort_by_key(|c| starts[c.0 as usize]);
        }
        machine
    }

    pub fn state(&self, id: StateId) -> &State<'a> {
        &self.states[id.0 as usize]
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id.0 as usize]
    }

    pub fn top(&self) -> &Scope<'a> {
        &self.scopes[0]
    }

    pub fn find(&self, scope: ScopeId, name: &str) -> Option<StateId> {
        self.by_name.get(&(scope, name)).copied()
    }

    pub fn start_state(&self, scope: ScopeId) -> Option<StateId> {
        let scope = self.scope(scope);
        scope
            .start_at
            .and_then(Node::as_str)
            .and_then(|s| self.find(scope.id, s))
    }

    /// Successors of a state within its scope (unknown targets skipped).
    pub fn successors(&self, id: StateId) -> Vec<StateId> {
        let state = self.state(id);
        state
            .transitions()
            .into_iter()
            .filter_map(|(name, _)| self.find(state.scope, name))
            .collect()
    }

    /// Predecessors of every state, by scope-local edges.
    pub fn predecessors(&self) -> Vec<Vec<StateId>> {
        let mut preds = vec![Vec::new(); self.states.len()];
        for state in &self.states {
            for next in self.successors(state.id) {
                if !preds[next.0 as usize].contains(&state.id) {
                    preds[next.0 as usize].push(state.id);
                }
            }
        }
        preds
    }

    /// States reachable from the scope's `StartAt`, by true reachability.
    pub fn reachable(&self, scope: ScopeId) -> Vec<bool> {
        let mut seen = vec![false; self.states.len()];
        let mut stack: Vec<StateId> = self.start_state(scope).into_iter().collect();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.0 as usize], true) {
                continue;
            }
            stack.extend(self.successors(id));
        }
        seen
    }

    /// Every Task state, in document order.
    pub fn tasks(&self) -> impl Iterator<Item = &State<'a>> {
        self.states.iter().filter(|s| s.kind == StateType::Task)
    }
}

fn query_language_of(node: &Node) -> Option<QueryLanguage> {
    match node.get("QueryLanguage").and_then(Node::as_str) {
        Some("JSONata") => Some(QueryLanguage::Jsonata),
        Some("JSONPath") => Some(QueryLanguage::JsonPath),
        _ => None,
    }
}

/// Whether a tree looks like a state machine definition.
pub fn looks_like_definition(root: &Node) -> bool {
    root.get("States").is_some_and(Node::is_object)
        || (root.get("StartAt").is_some() && root.get("States").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::json;

    #[test]
    fn lowers_scopes_and_edges() {
        let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"Next":"M"},
            "M":{"Type":"Map","ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Succeed"}}},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}],"End":true},
            "F":{"Type":"Fail"},
            "X":{"Type":"Pass","Next":"Y"},"Y":{"Type":"Pass","Next":"X"}}}"#;
        let root = json::parse(text).root.unwrap();
        let m = StateMachine::lower(&root);
        assert_eq!(m.scopes.len(), 3);
        let names: Vec<_> = m.top().states.iter().map(|&s| m.state(s).name).collect();
        assert_eq!(names, ["A", "M", "F", "X", "Y"]);
        let a = m.find(ScopeId(0), "A").unwrap();
        let b_scope = m.state(a).children[0];
        assert!(m.find(b_scope, "B").is_some());
        assert!(m.find(ScopeId(0), "B").is_none());
        let reach = m.reachable(ScopeId(0));
        let reached: Vec<_> = m
            .top()
            .states
            .iter()
            .filter(|s| reach[s.0 as usize])
            .map(|&s| m.state(s).name)
            .collect();
        assert_eq!(reached, ["A", "M", "F"]);
        assert_eq!(m.successors(m.find(ScopeId(0), "M").unwrap()).len(), 1);
    }

    #[test]
    fn branches_stay_in_document_order() {
        let text = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"One","States":{"One":{"Type":"Succeed"}}},
            {"StartAt":"Two","States":{"Two":{"Type":"Succeed"}}},
            {"StartAt":"Three","States":{"Three":{"Type":"Succeed"}}}]}}}"#;
        let root = json::parse(text).root.unwrap();
        let m = StateMachine::lower(&root);
        let p = m.state(m.find(ScopeId(0), "P").unwrap());
        let firsts: Vec<_> = p
            .children
            .iter()
            .map(|&c| m.state(m.scope(c).states[0]).name)
            .collect();
        assert_eq!(firsts, ["One", "Two", "Three"]);
    }

    #[test]
    fn nesting_is_bounded() {
        let mut text = String::from(r#"{"Type":"Pass","End":true}"#);
        for _ in 0..40 {
            text = format!(
                r#"{{"Type":"Parallel","End":true,"Branches":[{{"StartAt":"S","States":{{"S":{text}}}}}]}}"#
            );
        }
        let text = format!(r#"{{"StartAt":"S","States":{{"S":{text}}}}}"#);
        let parsed = json::parse(&text);
        let root = parsed.root.unwrap_or_else(|| panic!("{:?}", parsed.errors));
        let m = StateMachine::lower(&root);
        assert_eq!(m.scopes.len(), MAX_SCOPE_DEPTH + 1);
    }
}
