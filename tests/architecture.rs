//! Invariants the compiler cannot check: the core stays pure, its files
//! form layers that only import downwards, no files import each other in a
//! cycle, every rule has its file and its documentation page, and no source
//! file grows past 1,000 lines.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_has_no_protocol_runtime_or_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/core"), &mut files);
    assert!(files.len() > 10, "found only {} core files", files.len());
    let forbidden = [
        "tower_lsp",
        "ls_types",
        "lsp_types",
        "tokio",
        "std::fs",
        "std::env",
        "SystemTime",
        "std::net",
        "std::process",
        "crate::protocol",
        "crate::server",
        "crate::cli",
    ];
    let mut violations = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for word in forbidden {
                if line.contains(word) {
                    violations.push(format!(
                        "{}:{}: {word}",
                        file.strip_prefix(root).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "the core must stay pure:\n{}",
        violations.join("\n")
    );
}

#[test]
fn every_rule_has_a_documentation_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = asl_lsp::core::rules::all();
    assert!(rules.len() >= 10);
    let mut problems = Vec::new();
    for rule in rules {
        let page = root.join("docs/rules").join(format!("{}.md", rule.id));
        match std::fs::read_to_string(&page) {
            Err(_) => problems.push(format!("{}: no docs/rules/{}.md", rule.id, rule.id)),
            Ok(text) => {
                for section in ["## What", "## Why", "## Example", "## Fix"] {
                    if !text.contains(section) {
                        problems.push(format!("{}: page lacks {section}", rule.id));
                    }
                }
                if !text.starts_with(&format!("# {}", rule.id)) {
                    problems.push(format!("{}: page title is not the rule id", rule.id));
                }
            }
        }
        assert!(
            asl_lsp::core::rules::docs_url(rule.id).ends_with(&format!("docs/rules/{}.md", rule.id)),
            "diagnostics link to the page"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// The import graph between the files of `src`, read from their text.
//
// Edges are what a file names: each `use` path (with its `{...}` groups
// expanded) and each path in code that starts with `crate::`, `super::`,
// `self::`, a module brought in by `use` (`use crate::core::syntax::{self as
// syn}` then `syn::json::parse`) or a child module. A path resolves to the
// file of the longest module it names (`crate::core::rules::asl::map::object`
// is `src/core/rules/asl/map.rs`). Comments, strings and test code
// (`#[cfg(test)]` items and the files of `#[cfg(test)] mod x;`) name
// nothing: a test may use the whole crate. A `mod x;` declaration is not an
// edge (a parent declares its children; what it re-exports it names in `pub
// use`).
// ---------------------------------------------------------------------------

use std::collections::BTreeMap;

/// A source file: its path from the package root and its module path
/// (`src/core/rules/mod.rs` is `crate::core::rules`, as `["core", "rules"]`).
struct Source {
    file: String,
    module: Vec<String>,
    code: String,
}

/// The text with comments, string and character literals blanked (newlines
/// kept, so line numbers hold).
fn blank(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let wipe = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                wipe(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                wipe(&mut out, i, j);
                i = j;
            }
            b'r' | b'b' if !ident_byte(i.checked_sub(1).map(|p| b[p])) && raw_start(b, i).is_some() => {
                let (hashes, open) = raw_start(b, i).unwrap();
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let end = text[open + 1..]
                    .find(&close)
                    .map_or(b.len(), |n| open + 1 + n + close.len());
                wipe(&mut out, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(b.len());
                wipe(&mut out, i, end);
                i = end;
            }
            b'\'' => {
                // A character literal (`'x'`, `'\n'`, `'\u{1F600}'`, `'{'`),
                // else a lifetime or label.
                let end = if b.get(i + 1) == Some(&b'\\') {
                    text[i + 2..].find('\'').map(|n| i + 2 + n + 1)
                } else {
                    let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
                };
                match end {
                    Some(end) => {
                        wipe(&mut out, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).unwrap()
}

fn ident_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `r"`, `r#"`, `br"`: the number of hashes and where the quote is.
fn raw_start(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if b[j] == b'b' {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    (b.get(j + hashes) == Some(&b'"')).then_some((hashes, j + hashes))
}

/// Blanks each `#[cfg(test)]` item (a `mod tests { .. }`, a `use`, a `fn`)
/// and returns the names of `#[cfg(test)] mod x;` declarations.
fn strip_tests(code: &mut String) -> Vec<String> {
    let mut test_files = Vec::new();
    while let Some(at) = code.find("#[cfg(test)]") {
        let b = code.as_bytes();
        let mut j = at + "#[cfg(test)]".len();
        let mut end = b.len();
        let mut depth = 0usize;
        while j < b.len() {
            match b[j] {
                b';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        let item = code[at + "#[cfg(test)]".len()..end].trim();
        if let Some(name) = item
            .strip_prefix("mod ")
            .or_else(|| item.strip_prefix("pub mod "))
            .and_then(|m| m.strip_suffix(';'))
        {
            test_files.push(name.trim().to_string());
        }
        let blanked: String = code[at..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        code.replace_range(at..end, &blanked);
    }
    test_files
}

/// Identifiers and the punctuation a path is made of, with their lines.
fn tokens(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = code.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            line += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push((code[i..end].to_string(), line));
        } else if c == ':' && chars.peek().is_some_and(|&(_, d)| d == ':') {
            chars.next();
            out.push(("::".to_string(), line));
        } else if !c.is_whitespace() {
            out.push((c.to_string(), line));
        }
    }
    out
}

/// Expands a use tree (`a::{b, c::{self, d as e}}`) into its paths, each
/// with the name it binds.
fn use_paths(
    tokens: &[(String, usize)],
    pos: &mut usize,
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    let mut path = prefix;
    loop {
        let Some((token, _)) = tokens.get(*pos) else {
            return;
        };
        match token.as_str() {
            "{" => {
                *pos += 1;
                loop {
                    if tokens.get(*pos).is_some_and(|t| t.0 == "}") {
                        *pos += 1;
                        return;
                    }
                    use_paths(tokens, pos, path.clone(), out);
                    match tokens.get(*pos).map(|t| t.0.as_str()) {
                        Some(",") => *pos += 1,
                        Some("}") => {
                            *pos += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            "::" => *pos += 1,
            "*" => {
                *pos += 1;
                out.push((path, String::new()));
                return;
            }
            "," | "}" | ";" => {
                let name = path.last().cloned().unwrap_or_default();
                if name == "self" {
                    path.pop();
                    let name = path.last().cloned().unwrap_or_default();
                    out.push((path, name));
                } else {
                    out.push((path, name));
                }
                return;
            }
            "as" => {
                *pos += 1;
                let alias = tokens.get(*pos).map(|t| t.0.clone()).unwrap_or_default();
                *pos += 1;
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                }
                out.push((path, alias));
                return;
            }
            _ => {
                path.push(token.clone());
                *pos += 1;
            }
        }
    }
}

struct Graph {
    files: Vec<String>,
    /// `edges[a]` = (file, line) pairs: file `a` names file `b` at `line`.
    edges: Vec<BTreeMap<usize, usize>>,
}

fn read_sources(root: &Path, dirs: &[&str]) -> Vec<Source> {
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut sources: Vec<Source> = files
        .iter()
        .map(|path| {
            let file = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mut module: Vec<String> = file
                .strip_prefix("src/")
                .unwrap()
                .strip_suffix(".rs")
                .unwrap()
                .split('/')
                .map(String::from)
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let text = std::fs::read_to_string(path).unwrap();
            Source {
                file,
                module,
                code: blank(&text),
            }
        })
        .collect();
    // Test-only files, and the files below them.
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    for source in &mut sources {
        for name in strip_tests(&mut source.code) {
            let mut module = source.module.clone();
            module.push(name);
            test_modules.push(module);
        }
    }
    sources.retain(|s| !test_modules.iter().any(|t| s.module.starts_with(t)));
    sources
}

fn import_graph(sources: &[Source]) -> Graph {
    let index: BTreeMap<&[String], usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.module.as_slice(), i))
        .collect();
    // The file of the longest module a path names.
    let resolve = |path: &[String]| -> Option<usize> {
        (1..=path.len())
            .rev()
            .find_map(|n| index.get(&path[..n]).copied())
    };
    let mut edges = vec![BTreeMap::new(); sources.len()];
    for (from, source) in sources.iter().enumerate() {
        let here = &source.module;
        // A path as written, made absolute; `None` when it leaves the crate
        // (`std::`, a dependency, a local name).
        let absolute = |path: &[String], aliases: &BTreeMap<String, Vec<String>>| -> Option<Vec<String>> {
            let first = path.first()?;
            let mut out = match first.as_str() {
                "crate" => Vec::new(),
                "self" => here.clone(),
                "super" => {
                    let mut m = here.clone();
                    let mut rest = path;
                    while rest.first().is_some_and(|s| s == "super") {
                        m.pop();
                        rest = &rest[1..];
                    }
                    m.extend(rest.iter().cloned());
                    return Some(m);
                }
                name => {
                    if let Some(module) = aliases.get(name) {
                        module.clone()
                    } else {
                        let mut child = here.clone();
                        child.push(name.to_string());
                        if !index.contains_key(child.as_slice()) {
                            return None;
                        }
                        here.clone()
                    }
                }
            };
            let skip = usize::from(matches!(first.as_str(), "crate" | "self") || aliases.contains_key(first));
            out.extend(path[skip..].iter().cloned());
            Some(out)
        };
        let tokens = tokens(&source.code);
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let add = |path: Vec<String>, line: usize, edges: &mut Vec<BTreeMap<usize, usize>>| {
            if let Some(to) = resolve(&path) {
                if to != from {
                    edges[from].entry(to).or_insert(line);
                }
            }
        };
        // `use` items first: they bind the names code paths start with.
        let mut pos = 0;
        let mut uses = Vec::new();
        while pos < tokens.len() {
            let at_item =
                pos == 0 || matches!(tokens[pos - 1].0.as_str(), ";" | "}" | "{" | "]" | "pub" | ")");
            if tokens[pos].0 == "use" && at_item {
                let line = tokens[pos].1;
                pos += 1;
                let mut paths = Vec::new();
                use_paths(&tokens, &mut pos, Vec::new(), &mut paths);
                for (path, name) in paths {
                    uses.push((path, name, line));
                }
            } else {
                pos += 1;
            }
        }
        for (path, name, line) in &uses {
            let empty = BTreeMap::new();
            let Some(abs) = absolute(path, &empty) else {
                continue;
            };
            if index.contains_key(abs.as_slice()) && !name.is_empty() {
                aliases.insert(name.clone(), abs.clone());
            }
            add(abs, *line, &mut edges);
        }
        // Paths in code: `a::b::c` not inside a `use`.
        let mut pos = 0;
        let mut in_use = false;
        while pos < tokens.len() {
            let (token, line) = &tokens[pos];
            if token == "use" {
                in_use = true;
            } else if token == ";" {
                in_use = false;
            }
            let starts = !in_use
                && tokens.get(pos + 1).is_some_and(|t| t.0 == "::")
                && (pos == 0 || tokens[pos - 1].0 != "::");
            if !starts {
                pos += 1;
                continue;
            }
            let mut path = vec![token.clone()];
            let mut j = pos + 1;
            while tokens.get(j).is_some_and(|t| t.0 == "::")
                && tokens.get(j + 1).is_some_and(|t| ident_byte(t.0.bytes().next()))
            {
                path.push(tokens[j + 1].0.clone());
                j += 2;
            }
            if let Some(abs) = absolute(&path, &aliases) {
                add(abs, *line, &mut edges);
            }
            pos = j;
        }
    }
    Graph {
        files: sources.iter().map(|s| s.file.clone()).collect(),
        edges,
    }
}

/// The strongly connected components with more than one file (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<usize>> {
    struct State<'g> {
        graph: &'g Graph,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in s.graph.edges[v].keys() {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(i) if s.on_stack[w] => s.low[v] = s.low[v].min(i),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let n = graph.files.len();
    let mut state = State {
        graph,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.out
}

// ---------------------------------------------------------------------------
// The layers, lowest first. A file belongs to the layer of the longest
// path prefix that names it; it may import its own layer and those below,
// never one above (see docs/architecture.md).
// ---------------------------------------------------------------------------

const LAYERS: &[(&str, &[&str])] = &[
    // Plain data every layer uses: ranges, files, findings, rule metadata.
    (
        "base",
        &[
            "src/core/text.rs",
            "src/core/hash.rs",
            "src/core/files.rs",
            "src/core/lines.rs",
            "src/core/suggest.rs",
            "src/core/diagnostic.rs",
            "src/core/rules/meta.rs",
            // Stage boundaries a run stops at when told to.
            "src/core/cancel.rs",
        ],
    ),
    // JSON, YAML and HCL into one spanned tree.
    ("syntax", &["src/core/syntax/"]),
    // The languages and the facts: ASL, IAM, the permission catalog, the
    // Service Authorization Reference, what a document is, and
    // CloudFormation's intrinsic values.
    (
        "domain",
        &[
            "src/core/asl/",
            "src/core/iam/",
            "src/core/catalog/",
            "src/core/sar/",
            "src/core/classify.rs",
            "src/core/template/intrinsics.rs",
            "src/core/template/cfn_shape.rs",
        ],
    ),
    // Edit builders in each file's own style.
    ("edit", &["src/core/fix/"]),
    // The model: definitions, policies, units.
    ("unit", &["src/core/unit.rs"]),
    // The parse table.
    ("workspace", &["src/core/workspace.rs"]),
    // Template front ends (CloudFormation, SAM, Terraform).
    ("template", &["src/core/template/"]),
    // The permission engine: needs, grants, policy writer, policy fixes.
    ("permissions", &["src/core/permissions/"]),
    // The rules and their registry.
    ("rules", &["src/core/rules/"]),
    // Linking units to roles (`.asl-lsp.json`, whose rule levels are
    // checked against the registry, and the naming convention).
    ("link", &["src/core/config.rs", "src/core/link.rs"]),
    // Which fixes are safe to apply unattended (reads the registry).
    ("safety", &["src/core/fix/safety.rs"]),
    // Cursor features.
    ("ide", &["src/core/ide/"]),
    // The driver.
    ("analysis", &["src/core/analysis.rs"]),
    // The analysis host: one snapshot of parsed, linked files for the
    // driver's diagnostics and every cursor feature (runs the driver and
    // the ide).
    ("host", &["src/core/host.rs"]),
    // Applying fixes until none is left (runs the driver).
    ("autofix", &["src/core/autofix.rs"]),
    ("core", &["src/core/mod.rs"]),
    ("protocol", &["src/protocol/"]),
    ("front ends", &["src/server/", "src/cli/"]),
    ("root", &["src/lib.rs", "src/main.rs"]),
];

/// The layer of a file: its index in `LAYERS` and its name.
fn layer_of(file: &str) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, usize, &'static str)> = None;
    for (i, (name, prefixes)) in LAYERS.iter().enumerate() {
        for prefix in *prefixes {
            let matches = file == *prefix || (prefix.ends_with('/') && file.starts_with(prefix));
            if matches && best.is_none_or(|(len, _, _)| prefix.len() > len) {
                best = Some((prefix.len(), i, name));
            }
        }
    }
    best.map(|(_, i, name)| (i, name))
}

/// Import cycles that remain, each with what breaks it. The test fails on
/// any other cycle, and on one of these that is gone (so the list stays
/// true).
const KNOWN_CYCLES: &[(&[&str], &str)] = &[];

fn src_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = read_sources(root, &["src"]);
    import_graph(&sources)
}

#[test]
fn the_import_graph_is_read() {
    let graph = src_graph();
    let edges: usize = graph.edges.iter().map(BTreeMap::len).sum();
    assert!(graph.files.len() > 100, "found only {} files", graph.files.len());
    assert!(edges > 500, "found only {edges} imports");
    let has = |a: &str, b: &str| {
        let ia = graph.files.iter().position(|f| f == a).unwrap();
        let ib = graph.files.iter().position(|f| f == b).unwrap();
        graph.edges[ia].contains_key(&ib)
    };
    // A `use` group, a path in code, a path through a module brought in by
    // `use` (`syn::json::parse`), a `super::` path; a test-only file names
    // nothing and is not in the graph.
    assert!(has(
        "src/core/rules/asl/asl_unknown_state.rs",
        "src/core/rules/asl/common.rs"
    ));
    assert!(has("src/core/analysis.rs", "src/core/rules/runner.rs"));
    assert!(has(
        "src/core/template/terraform/definition.rs",
        "src/core/syntax/json.rs"
    ));
    assert!(has(
        "src/core/template/terraform/eval.rs",
        "src/core/template/terraform/module.rs"
    ));
    assert!(!graph
        .files
        .iter()
        .any(|f| f == "src/core/template/terraform/tests.rs"));
}

#[test]
fn the_parser_reads_uses_and_skips_strings_comments_and_tests() {
    let mut code = blank(
        r##"
use crate::a::{b::{self as bee, C}, d};
// use crate::nope;
const S: &str = "crate::nope::x";
const R: &str = r#"crate::nope::y"#;
fn f() { let c = '{'; bee::g(); crate::e::h(); }
#[cfg(test)]
mod tests { use crate::nope::z; fn t() { let _ = "}"; } }
"##,
    );
    let tests = strip_tests(&mut code);
    assert!(tests.is_empty());
    let names: Vec<String> = tokens(&code).into_iter().map(|(t, _)| t).collect();
    assert!(!names.iter().any(|t| t == "nope"), "{names:?}");
    let mut pos = names.iter().position(|t| t == "use").unwrap() + 1;
    let toks = tokens(&code);
    let mut paths = Vec::new();
    use_paths(&toks, &mut pos, Vec::new(), &mut paths);
    let got: Vec<(String, String)> = paths.into_iter().map(|(p, n)| (p.join("::"), n)).collect();
    assert_eq!(
        got,
        [
            ("crate::a::b".to_string(), "bee".to_string()),
            ("crate::a::b::C".to_string(), "C".to_string()),
            ("crate::a::d".to_string(), "d".to_string()),
        ]
    );
}

#[test]
fn every_file_has_a_layer_and_imports_only_downwards() {
    let graph = src_graph();
    let mut problems = Vec::new();
    for (from, file) in graph.files.iter().enumerate() {
        let Some((mine, my_name)) = layer_of(file) else {
            problems.push(format!("{file}: in no layer of LAYERS"));
            continue;
        };
        for (&to, line) in &graph.edges[from] {
            let target = &graph.files[to];
            if let Some((theirs, their_name)) = layer_of(target) {
                if theirs > mine {
                    problems.push(format!(
                        "{file}:{line} ({my_name}) imports {target} ({their_name}), a layer above"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_import_cycle_between_files_of_core_protocol_and_server() {
    let graph = src_graph();
    let scoped = |f: &str| {
        ["src/core/", "src/protocol/", "src/server/"]
            .iter()
            .any(|p| f.starts_with(p))
    };
    let mut problems = Vec::new();
    let mut seen_known = vec![false; KNOWN_CYCLES.len()];
    for cycle in cycles(&graph) {
        let files: Vec<&str> = cycle.iter().map(|&v| graph.files[v].as_str()).collect();
        if !files.iter().any(|f| scoped(f)) {
            continue;
        }
        match KNOWN_CYCLES
            .iter()
            .position(|(known, _)| *known == files.as_slice())
        {
            Some(i) => seen_known[i] = true,
            None => {
                let mut text = format!("a cycle of {} files:", files.len());
                for &v in &cycle {
                    let next = graph.edges[v]
                        .iter()
                        .find(|(w, _)| cycle.contains(w))
                        .map(|(&w, line)| format!(" imports {} (line {line})", graph.files[w]));
                    text.push_str(&format!("\n  {}{}", graph.files[v], next.unwrap_or_default()));
                }
                problems.push(text);
            }
        }
    }
    for (i, seen) in seen_known.iter().enumerate() {
        if !seen {
            problems.push(format!(
                "KNOWN_CYCLES lists {:?}, which is gone: remove it",
                KNOWN_CYCLES[i].0
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_lives_in_a_file_named_after_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/core/rules"), &mut files);
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let missing: Vec<&str> = asl_lsp::core::rules::all()
        .iter()
        .map(|r| r.id)
        .filter(|id| !names.contains(&id.replace('-', "_")))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a file of their own: {missing:?}"
    );
}

#[test]
fn no_source_file_is_over_a_thousand_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > 1000).then(|| format!("{}: {lines} lines", f.strip_prefix(root).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by concern:\n{}", long.join("\n"));
}
