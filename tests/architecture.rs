//! Invariants the compiler cannot check: the core stays pure, and every
//! rule has its documentation page.

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

#[test]
fn dump_cycles() {
    let root =
        std::path::PathBuf::from(std::env::var("ARCH_ROOT").unwrap_or(env!("CARGO_MANIFEST_DIR").into()));
    let sources = read_sources(&root, &["src"]);
    let graph = import_graph(&sources);
    let n_edges: usize = graph.edges.iter().map(|e| e.len()).sum();
    println!("files {} edges {}", graph.files.len(), n_edges);
    for c in cycles(&graph) {
        println!("cycle of {}:", c.len());
        for v in &c {
            println!("  {}", graph.files[*v]);
        }
    }
    if std::env::var("ARCH_EDGES").is_ok() {
        for (a, e) in graph.edges.iter().enumerate() {
            for (b, line) in e {
                println!("EDGE {} {} {}", graph.files[a], graph.files[*b], line);
            }
        }
    }
}
