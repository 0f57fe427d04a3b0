//! The workspace on disk: what is indexed at start-up, re-read when the
//! client reports a change, and which files one analysis needs. Reads stay
//! inside the workspace folders (no symlink escape).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::{DashMap, DashSet};

use crate::core::classify;
use crate::core::files::{file_name, join, parent_dir};

const MAX_FILES: usize = 5_000;
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
const SKIP_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    ".terraform",
    ".venv",
    "cdk.out.bak",
];

#[derive(Default)]
pub struct Workspace {
    roots: std::sync::RwLock<Vec<PathBuf>>,
    /// Disk contents by normalized path.
    disk: DashMap<String, Arc<str>>,
    /// The files among them that declare a state machine (templates,
    /// Terraform modules): found once per read, not per keystroke.
    templates: DashSet<String>,
}

fn key(path: &Path) -> String {
    crate::core::files::normalize(&path.to_string_lossy())
}

fn wanted(path: &str) -> bool {
    classify::kind_by_name(path).is_some() || classify::format_of(path).is_some()
}

impl Workspace {
    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        let roots = roots
            .into_iter()
            .filter_map(|r| std::fs::canonicalize(&r).ok().or(Some(r)))
            .collect();
        *self.roots.write().unwrap_or_else(|e| e.into_inner()) = roots;
    }

    fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether a path lies inside a workspace folder once symlinks are resolved.
    fn inside(&self, path: &Path) -> bool {
        let Ok(real) = std::fs::canonicalize(path) else {
            return false;
        };
        self.roots().iter().any(|root| real.starts_with(root))
    }

    /// Reads every file the analysis may need, within the bounds.
    pub fn index(&self) {
        let mut count = 0usize;
        let mut bytes = 0u64;
        for root in self.roots() {
            let mut stack = vec![root.clone()];
            while let Some(dir) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.filter_map(Result::ok) {
                    let Ok(kind) = entry.file_type() else { continue };
                    if kind.is_symlink() {
                        continue;
                    }
                    let path = entry.path();
                    if kind.is_dir() {
                        if !SKIP_DIRS.iter().any(|s| entry.file_name() == *s) {
                            stack.push(path);
                        }
                        continue;
                    }
                    let k = key(&path);
                    if !wanted(&k) {
                        continue;
                    }
                    let Ok(meta) = entry.metadata() else { continue };
                    if meta.len() > MAX_FILE_BYTES
                        || count >= MAX_FILES
                        || bytes + meta.len() > MAX_TOTAL_BYTES
                    {
                        continue;
                    }
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        count += 1;
                        bytes += meta.len();
                        self.store(k, text);
                    }
                }
            }
        }
        tracing::info!(files = count, bytes, "indexed the workspace");
    }

    /// Re-reads one file after the client reported a change (or forgets it).
    pub fn refresh(&self, path: &str) {
        let p = Path::new(path);
        if !wanted(path) {
            return;
        }
        match std::fs::metadata(p) {
            Ok(meta) if meta.len() <= MAX_FILE_BYTES && self.inside(p) => match std::fs::read_to_string(p) {
                Ok(text) => self.store(path.to_string(), text),
                Err(_) => self.forget(path),
            },
            _ => self.forget(path),
        }
    }

    fn store(&self, path: String, text: String) {
        if classify::declares_state_machine(&text) {
            self.templates.insert(path.clone());
        } else {
            self.templates.remove(&path);
        }
        self.disk.insert(path, Arc::from(text));
    }

    fn forget(&self, path: &str) {
        self.templates.remove(path);
        self.disk.remove(path);
    }

    /// Why a path the index does not hold was left unread, when it was on
    /// purpose: outside every workspace folder (never looked at), or a
    /// file the index passed over. `None` when there is no such file.
    pub fn unread_reason(&self, path: &str) -> Option<&'static str> {
        let under_a_root = self.roots().iter().any(|root| Path::new(path).starts_with(root));
        if !under_a_root {
            return Some("it is outside the workspace folders");
        }
        std::fs::metadata(path)
            .is_ok_and(|m| m.is_file())
            .then_some("the server did not index it: a link, too large, or past the workspace limits")
    }

    pub fn disk_text(&self, path: &str) -> Option<Arc<str>> {
        self.disk.get(path).map(|t| t.clone())
    }

    /// The files one analysis of `path` needs: its folder (convention
    /// links), every `.asl-lsp.json` above it and the files those name, and
    /// any configuration that names `path` with the files it names.
    pub fn candidates(&self, path: &str, open: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let dir = parent_dir(path);
        let push = |p: String, out: &mut Vec<String>| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        push(path.to_string(), &mut out);
        for entry in self.disk.iter() {
            if parent_dir(entry.key()) == dir {
                push(entry.key().clone(), &mut out);
            }
        }
        for p in open {
            if parent_dir(p) == dir {
                push(p.clone(), &mut out);
            }
        }
        // Templates own definitions in folders below them: a definition
        // sees the templates above it, a template sees the files below it.
        let declares = |p: &str| self.templates.contains(p);
        let known: Vec<String> = self
            .disk
            .iter()
            .map(|e| e.key().clone())
            .chain(open.iter().cloned())
            .collect();
        let focus_is_template = declares(path) || file_name(path).ends_with(".tf");
        let mut below = 0usize;
        for p in &known {
            let p_dir = parent_dir(p);
            let is_above = dir == p_dir || dir.starts_with(&format!("{}/", p_dir.trim_end_matches('/')));
            if is_above && p_dir != dir && declares(p) {
                push(p.clone(), &mut out);
                // A Terraform module is all the `.tf` files of its folder.
                if p.ends_with(".tf") {
                    for sibling in known
                        .iter()
                        .filter(|k| k.ends_with(".tf") && parent_dir(k) == p_dir)
                    {
                        push(sibling.clone(), &mut out);
                    }
                }
            }
            let is_below = p_dir.starts_with(&format!("{}/", dir.trim_end_matches('/')));
            if focus_is_template && is_below && below < MAX_TEMPLATE_FILES {
                below += 1;
                push(p.clone(), &mut out);
            }
        }
        let configs: Vec<String> = self
            .disk
            .iter()
            .map(|e| e.key().clone())
            .chain(open.iter().cloned())
            .filter(|p| file_name(p) == ".asl-lsp.json")
            .collect();
        for config in configs {
            let config_dir = parent_dir(&config);
            let above =
                dir == config_dir || dir.starts_with(&format!("{}/", config_dir.trim_end_matches('/')));
            let text = self.disk_text(&config);
            let named = text
                .as_deref()
                .map(|t| config_paths(&config, t))
                .unwrap_or_default();
            if above || named.iter().any(|n| n == path) {
                push(config.clone(), &mut out);
                for n in named {
                    push(n, &mut out);
                }
            }
        }
        out
    }
}

/// Files a template may reach below its folder (definitions, modules).
const MAX_TEMPLATE_FILES: usize = 2000;

fn config_paths(config: &str, text: &str) -> Vec<String> {
    let parsed = crate::core::syntax::json::parse(text);
    let Some(root) = parsed.root else {
        return Vec::new();
    };
    let dir = parent_dir(config);
    let mut out = Vec::new();
    for entry in root.get("stateMachines").map(|s| s.elements()).unwrap_or(&[]) {
        for key in ["definition", "trustPolicy"] {
            if let Some(p) = entry.get(key).and_then(|v| v.as_str()) {
                out.push(join(dir, p));
            }
        }
        for p in entry.get("policies").map(|s| s.elements()).unwrap_or(&[]) {
            if let Some(p) = p.as_str() {
                out.push(join(dir, p));
            }
        }
    }
    out
}
