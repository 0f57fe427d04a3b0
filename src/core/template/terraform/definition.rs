//! Definitions: `file()`, `templatefile()`, `data "template_file"`,
//! `jsonencode()` and JSON written in a heredoc or a string.

use std::collections::HashMap;
use std::sync::Arc;

use super::eval::Scope;
use super::module::{call_args, call_name, ref_text, segments};
use crate::core::classify::{FileKind, Format};
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::{join, normalize, FileId};
use crate::core::fix::Dialect;
use crate::core::syntax::hcl::{self, HEREDOC, TEMPLATE};
use crate::core::syntax::{self as syn, Member, Node, NodeKind};
use crate::core::template::intrinsics::substitute_tree;
use crate::core::template::problems::DEFINITION_URI;
use crate::core::template::scan::{missing_definition_file, push_embedded_errors, Scan};
use crate::core::text::TextRange;
use crate::core::unit::{DefinitionDoc, OffsetMap};
use crate::core::workspace::Workspace;

/// A path argument (`"${path.module}/flow.asl.json"`) as a file of the workspace.
pub(super) fn file_argument(workspace: &Workspace, scope: &Scope, node: &Node) -> Option<FileId> {
    match named_file(workspace, scope, node) {
        NamedFile::Found(id) => Some(id),
        NamedFile::Missing(_) | NamedFile::Unknown(_) => None,
    }
}

/// What a path argument names.
pub(super) enum NamedFile {
    Found(FileId),
    /// A path known exactly that the file set has no file for.
    Missing(String),
    /// A path that depends on a value not known here (`var.file`), as far
    /// as it evaluates.
    Unknown(String),
}

pub(super) fn named_file(workspace: &Workspace, scope: &Scope, node: &Node) -> NamedFile {
    let Some(path) = scope.eval(node, 0) else {
        return NamedFile::Unknown(String::new());
    };
    if path.contains("${") {
        return NamedFile::Unknown(path);
    }
    let path = if path.starts_with('/') {
        normalize(&path)
    } else {
        join(&scope.module.dir, &path)
    };
    match workspace.files.lookup(&path) {
        Some(id) => NamedFile::Found(id),
        None => NamedFile::Missing(path),
    }
}

/// The definition file a `file()`/`templatefile()` argument names, or the
/// finding that says why there is none to check.
fn definition_file_argument(
    workspace: &Workspace,
    scope: &Scope,
    file: FileId,
    call: &str,
    node: &Node,
    scan: &mut Scan,
) -> Option<FileId> {
    let (path_scope, path_file, path_node) = scope.deref(file, node, 0);
    let location = Location {
        file: path_file,
        range: path_node.span,
    };
    match named_file(workspace, path_scope, path_node) {
        NamedFile::Found(id) => Some(id),
        NamedFile::Missing(path) => {
            // As the module would write it: relative to its folder.
            let written = path
                .strip_prefix(path_scope.module.dir.as_str())
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(&path);
            missing_definition_file(
                workspace.files,
                scan,
                location,
                &format!("{call}() of \"{written}\""),
                &path,
            )
        }
        NamedFile::Unknown(path) => {
            let message = if path.is_empty() {
                format!("The path {call}() reads is not known here: the state machine's definition is not checked")
            } else {
                format!(
                    "The path {call}() reads, \"{path}\", depends on a value not known here: the state machine's definition is not checked"
                )
            };
            scan.findings
                .push(Finding::new(DEFINITION_URI.id, Severity::Info, location, message));
            None
        }
    }
}

/// `templatefile()`'s variables (or `template_file`'s `vars`), each as its
/// canonical value.
pub(super) fn template_vars(scope: &Scope, file: FileId, node: Option<&Node>) -> HashMap<String, String> {
    let Some(node) = node else {
        return HashMap::new();
    };
    let (scope, _, node) = scope.deref(file, node, 0);
    node.members()
        .iter()
        .filter_map(|m| Some((m.key.clone(), scope.eval(&m.value, 0)?)))
        .collect()
}

/// A definition argument's document.
pub(super) fn definition(
    workspace: &Workspace,
    scope: &Scope,
    file: FileId,
    node: &Node,
    scan: &mut Scan,
) -> Option<DefinitionDoc> {
    let (scope, file, node) = scope.deref(file, node, 0);
    let files = workspace.files;
    let text = files.text(file);
    // `data.template_file.x.rendered`: its `template` and `vars`.
    if let Some(reference) = ref_text(node) {
        if let ["data", "template_file", name, "rendered"] = segments(reference).as_slice() {
            let block = scope.module.data.get(&("template_file", *name))?;
            let template = block.get("template")?;
            let vars = template_vars(scope, block.file, block.get("vars"));
            let (t_scope, t_file, template) = scope.deref(block.file, template, 0);
            if call_name(template) == Some("file") {
                let id = definition_file_argument(
                    workspace,
                    t_scope,
                    t_file,
                    "file",
                    call_args(template).first()?,
                    scan,
                )?;
                return Some(definition_file(workspace, id, &vars, scan));
            }
            return definition(workspace, t_scope, t_file, template, scan);
        }
        // A variable or another value not known here (a module input
        // without a default): named, at `info`, since nothing is checked.
        scan.findings.push(Finding::new(
            DEFINITION_URI.id,
            Severity::Info,
            Location {
                file,
                range: node.span,
            },
            format!("The definition is {reference}, which is not known here: the state machine's definition is not checked"),
        ));
        return None;
    }
    match call_name(node) {
        Some(name @ ("file" | "templatefile")) => {
            let args = call_args(node);
            let id = definition_file_argument(workspace, scope, file, name, args.first()?, scan)?;
            let vars = if name == "templatefile" {
                template_vars(scope, file, args.get(1))
            } else {
                HashMap::new()
            };
            Some(definition_file(workspace, id, &vars, scan))
        }
        Some("jsonencode") => {
            let object = call_args(node).first()?;
            Some(DefinitionDoc {
                file,
                root: Arc::new(scope.resolve_tree(text, object, 0)),
                format: Format::Json,
                dialect: Dialect::Hcl,
                map: None,
                text: files.get(file).text.clone(),
            })
        }
        Some(_) => None,
        None => {
            let (root, errors, verbatim) = embedded_json(scope, text, node)?;
            push_embedded_errors(scan, file, errors, "definition");
            let root = root?;
            Some(DefinitionDoc {
                file,
                root: Arc::new(root),
                format: Format::Json,
                // Spans are already the file's. A heredoc holds the JSON as
                // written: edits are JSON with references interpolated. In
                // a quoted string they would need escaping: none offered.
                dialect: if verbatim {
                    Dialect::HclJson
                } else {
                    Dialect::Generated
                },
                map: None,
                text: files.get(file).text.clone(),
            })
        }
    }
}

/// A definition file (`file()`, `templatefile()`, `template_file`) with its
/// `${name}` placeholders filled; the file is analysed as this state
/// machine's, not alone.
pub(super) fn definition_file(
    workspace: &Workspace,
    id: FileId,
    vars: &HashMap<String, String>,
    scan: &mut Scan,
) -> DefinitionDoc {
    scan.claimed.insert(id);
    let files = workspace.files;
    let format = match workspace.kind(id) {
        FileKind::Definition(f) => f,
        _ => crate::core::classify::format_of(files.path(id)).unwrap_or(Format::Json),
    };
    let root = workspace
        .shared_root(id)
        .unwrap_or_else(|| Arc::new(Node::new(TextRange::empty(0), NodeKind::Null)));
    let root = if vars.is_empty() {
        root
    } else {
        Arc::new(substitute_tree(&root, vars))
    };
    DefinitionDoc {
        file: id,
        root,
        format,
        dialect: if format == Format::Yaml {
            Dialect::Yaml
        } else {
            Dialect::Json
        },
        map: None,
        text: files.get(id).text.clone(),
    }
}

/// JSON written in a heredoc or a quoted string, parsed with every span
/// mapped to the file, and `${...}` interpolations evaluated. Returns the
/// tree, its syntax errors, and whether its text is written verbatim (a
/// heredoc: JSON edits can be made in place).
pub(super) fn embedded_json(
    scope: &Scope,
    text: &str,
    node: &Node,
) -> Option<(Option<Node>, Vec<syn::SyntaxError>, bool)> {
    let NodeKind::Tagged { tag, node: inner, .. } = &node.kind else {
        let value = node.as_str()?;
        let map = hcl::literal_map(text, node.span, value, true);
        return parse_mapped(scope, value.to_string(), map, false);
    };
    let quoted = match tag.as_str() {
        HEREDOC => false,
        TEMPLATE => true,
        _ => return None,
    };
    let mut json = String::new();
    let mut map: Vec<usize> = Vec::new();
    for part in inner.elements() {
        match &part.kind {
            NodeKind::String(s) => {
                let part_map = hcl::literal_map(text, part.span, s, quoted);
                json.push_str(s);
                map.extend_from_slice(&part_map[..s.len()]);
            }
            _ => {
                // The interpolation as written, `${` and `}` included.
                let start = text[..part.span.start()].rfind("${").unwrap_or(part.span.start());
                let end = text[part.span.end()..]
                    .find('}')
                    .map(|i| part.span.end() + i + 1)
                    .unwrap_or(part.span.end());
                let raw = &text[start..end];
                json.push_str(raw);
                map.extend(start..end);
            }
        }
    }
    map.push(node.span.end());
    parse_mapped(scope, json, map, !quoted)
}

pub(super) fn parse_mapped(
    scope: &Scope,
    json: String,
    map: Vec<usize>,
    verbatim: bool,
) -> Option<(Option<Node>, Vec<syn::SyntaxError>, bool)> {
    let parsed = syn::json::parse(&json);
    let at = |offset: usize| map[offset.min(map.len() - 1)];
    let errors = parsed
        .errors
        .iter()
        .map(|e| syn::SyntaxError {
            range: TextRange::new(at(e.range.start()), at(e.range.end())),
            message: e.message.clone(),
        })
        .collect();
    let offset_map: OffsetMap = {
        let map = Arc::new(map);
        Arc::new(move |offset: usize| map[offset.min(map.len() - 1)])
    };
    let root = parsed.root.map(|root| relocate(scope, &root, &offset_map, 0));
    Some((root, errors, verbatim))
}

/// Maps a parsed tree's spans to the file and evaluates `${...}` in its strings.
pub(super) fn relocate(scope: &Scope, node: &Node, map: &OffsetMap, depth: usize) -> Node {
    // The JSON parser caps nesting well below this.
    if depth > 600 {
        return Node::new(TextRange::empty(map(node.span.start())), NodeKind::Null);
    }
    let span = |r: TextRange| TextRange::new(map(r.start()), map(r.end()));
    let kind = match &node.kind {
        NodeKind::Object(members) => NodeKind::Object(
            members
                .iter()
                .map(|m| Member {
                    key: m.key.clone(),
                    key_span: span(m.key_span),
                    value: relocate(scope, &m.value, map, depth + 1),
                })
                .collect(),
        ),
        NodeKind::Array(items) => {
            NodeKind::Array(items.iter().map(|i| relocate(scope, i, map, depth + 1)).collect())
        }
        NodeKind::String(s) if s.contains("${") => NodeKind::String(interpolate(scope, s)),
        other => other.clone(),
    };
    Node::new(span(node.span), kind)
}

/// `${expr}` in a string evaluated as a reference where it is one.
pub(super) fn interpolate(scope: &Scope, text: &str) -> String {
    crate::core::template::intrinsics::replace_placeholders(text, |inner| {
        let simple = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '*'));
        simple.then(|| scope.reference(inner, 0)).flatten()
    })
}
