//! Reads what a check needs from disk into a `FileSet`: the files and
//! folders named, the `.asl-lsp.json` files above them, and the files beside
//! a named definition that convention may link to it.

use std::path::{Path, PathBuf};

use crate::core::classify;
use crate::core::files::FileSet;

/// Files larger than this are not read (a 50 MB JSON is not a state machine).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
const MAX_FILES: usize = 20_000;
const SKIP_DIRS: &[&str] = &[".git", "node_modules", "target", ".terraform", "cdk.out.bak"];

pub struct Loaded {
    pub files: FileSet,
    /// Files that were asked for (findings elsewhere are still shown when a
    /// named file links to them).
    pub warnings: Vec<String>,
}

pub fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn path_string(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn wanted(path: &Path) -> bool {
    let text = path_string(path);
    classify::kind_by_name(&text).is_some() || classify::format_of(&text).is_some()
}

fn read_into(files: &mut FileSet, path: &Path, warnings: &mut Vec<String>) {
    let key = path_string(path);
    if files.lookup(&key).is_some() {
        return;
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            warnings.push(format!(
                "skipped {}: larger than {} bytes",
                path.display(),
                MAX_FILE_BYTES
            ));
        }
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    files.insert(&key, text, None);
                }
                Err(_) => warnings.push(format!("skipped {}: not UTF-8 text", path.display())),
            },
            Err(e) => warnings.push(format!("skipped {}: {e}", path.display())),
        },
        Err(e) => warnings.push(format!("skipped {}: {e}", path.display())),
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            if out.len() >= MAX_FILES {
                return;
            }
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                let name = entry.file_name();
                if !SKIP_DIRS.iter().any(|s| name == *s) {
                    stack.push(path);
                }
            } else if wanted(&path) {
                out.push(path);
            }
        }
    }
}

/// Whether a file is a template or Terraform file that declares a state
/// machine (read cheaply, by text).
fn declares_state_machine(path: &Path) -> bool {
    let text = path_string(path).to_ascii_lowercase();
    let template_like = [".yaml", ".yml", ".json", ".template", ".tf"]
        .iter()
        .any(|e| text.ends_with(e));
    template_like
        && std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_FILE_BYTES)
        && std::fs::read_to_string(path).is_ok_and(|t| classify::declares_state_machine(&t))
}

/// Loads the named paths (absolute). Errors name the path that failed.
pub fn load(paths: &[PathBuf], config: Option<&Path>) -> Result<Loaded, String> {
    let mut files = FileSet::new();
    let mut warnings = Vec::new();
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut found);
        } else {
            found.push(path.clone());
            if declares_state_machine(path) {
                // A template's definitions (`DefinitionUri`, `file()`) live
                // in folders below it.
                if let Some(parent) = path.parent() {
                    walk(parent, &mut found);
                }
            } else {
                // Convention links a definition to files beside it; a
                // template one folder up may own it (`statemachine/*.asl.json`).
                for dir in path
                    .parent()
                    .into_iter()
                    .chain(path.parent().and_then(Path::parent))
                {
                    if let Ok(entries) = std::fs::read_dir(dir) {
                        for entry in entries.filter_map(Result::ok) {
                            let p = entry.path();
                            if p.is_file() && wanted(&p) {
                                found.push(p);
                            }
                        }
                    }
                }
            }
        }
        // `.asl-lsp.json` files above the path, up to the filesystem root.
        let mut dir = if meta.is_dir() {
            Some(path.as_path())
        } else {
            path.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(".asl-lsp.json");
            if candidate.is_file() {
                found.push(candidate);
            }
            dir = d.parent();
        }
    }
    for path in &found {
        read_into(&mut files, path, &mut warnings);
    }
    if let Some(config) = config {
        let text =
            std::fs::read_to_string(config).map_err(|e| format!("cannot read {}: {e}", config.display()))?;
        let dir = config.parent().map(path_string).unwrap_or_default();
        files.insert(&format!("{dir}/.asl-lsp.json"), text, None);
    }
    // Files a config names that the walk did not reach.
    let extra: Vec<String> = files
        .ids()
        .filter(|&id| classify::kind_by_name(files.path(id)) == Some(classify::FileKind::Config))
        .flat_map(|id| referenced_by_config(files.path(id), files.text(id)))
        .collect();
    for path in extra {
        read_into(&mut files, Path::new(&path), &mut warnings);
    }
    Ok(Loaded { files, warnings })
}

fn referenced_by_config(path: &str, text: &str) -> Vec<String> {
    let parsed = crate::core::syntax::json::parse(text);
    let Some(root) = parsed.root else {
        return Vec::new();
    };
    let config = crate::core::config::Config::from_tree(path, &root);
    config
        .state_machines
        .iter()
        .flat_map(|e| {
            std::iter::once(e.definition.clone())
                .chain(e.policies.iter().cloned())
                .chain(e.trust_policy.iter().cloned())
        })
        .collect()
}
