//! Reads what a check needs from disk into a `FileSet`: the files and
//! folders named (the *focus*), the `.asl-lsp.json` files between them and
//! the project root, and the files a named file may be linked to (beside it,
//! one folder up, or named by a config). Nothing outside the project root
//! is read (SPEC §6).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::core::classify;
use crate::core::files::{FileId, FileSet};

/// Files larger than this are not read (a 50 MB JSON is not a state machine).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
const MAX_FILES: usize = 20_000;
/// Build output and dependencies: never inputs (`cdk.out` templates are).
const SKIP_DIRS: &[&str] = &[".git", ".aws-sam", "node_modules", ".terraform", "target"];

pub struct Loaded {
    pub files: FileSet,
    /// The files named, and the files found in the folders named.
    pub focus: Vec<FileId>,
    /// The project root: the nearest ancestor holding `.git`, else the
    /// folder checked.
    pub root: PathBuf,
    /// Files that were found but not read, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Paths a config names outside the project root (not read): the
    /// config and the path as written resolved.
    pub outside: Vec<(FileId, String)>,
    /// Files no fix may write: symbolic links.
    pub read_only: BTreeSet<FileId>,
}

/// The absolute path, its folders resolved but a final symbolic link kept
/// (so `--fix` can tell it is one and leave it alone).
pub fn absolute(path: &Path) -> Result<PathBuf, String> {
    let error = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let meta = std::fs::symlink_metadata(path).map_err(error)?;
    if !meta.file_type().is_symlink() {
        return std::fs::canonicalize(path).map_err(error);
    }
    std::fs::metadata(path).map_err(error)?;
    let absolute = std::path::absolute(path).map_err(error)?;
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => Ok(std::fs::canonicalize(dir).map_err(error)?.join(name)),
        _ => Ok(absolute),
    }
}

pub fn path_string(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn wanted(path: &Path) -> bool {
    let text = path_string(path);
    classify::kind_by_name(&text).is_some() || classify::format_of(&text).is_some()
}

/// The nearest ancestor of `start` (a folder) holding `.git`.
fn git_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The project root for the (absolute, canonical) paths named.
pub fn project_root(paths: &[PathBuf]) -> PathBuf {
    let folder = |p: &PathBuf| {
        if p.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or_else(|| p.clone())
        }
    };
    let first = paths.first().map(folder).unwrap_or_else(|| PathBuf::from("/"));
    if let Some(root) = git_root(&first) {
        return root;
    }
    // The folder checked: with several, the one holding them all.
    let mut root = first;
    for path in paths.iter().skip(1) {
        let dir = folder(path);
        while !dir.starts_with(&root) {
            match root.parent() {
                Some(parent) => root = parent.to_path_buf(),
                None => break,
            }
        }
    }
    root
}

/// Why a file cannot be checked, if it cannot: too large, not UTF-8 text,
/// UTF-16, unreadable. Otherwise its text.
pub fn read_text(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("larger than {MAX_FILE_BYTES} bytes (8 MiB)"));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("UTF-16 text; save it as UTF-8".into());
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".into())
}

struct Reader {
    root: PathBuf,
    files: FileSet,
    skipped: Vec<(String, String)>,
    read_only: BTreeSet<FileId>,
}

impl Reader {
    /// Whether `path` (absolute) lies inside the project root once every
    /// link in it is resolved. A path that does not exist is judged by its
    /// text.
    fn inside(&self, path: &Path) -> bool {
        match std::fs::canonicalize(path) {
            Ok(real) => real.starts_with(&self.root),
            Err(_) => Path::new(&crate::core::files::normalize(&path_string(path))).starts_with(&self.root),
        }
    }

    fn read(&mut self, path: &Path) -> Option<FileId> {
        let key = path_string(path);
        if let Some(id) = self.files.lookup(&key) {
            return Some(id);
        }
        if !self.inside(path) {
            self.skipped.push((key, "outside the project root".into()));
            return None;
        }
        match read_text(path) {
            Ok(text) => {
                let id = self.files.insert(&key, text, None);
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    self.read_only.insert(id);
                }
                Some(id)
            }
            Err(reason) => {
                self.skipped.push((key, reason));
                None
            }
        }
    }
}

/// The files of a folder (and below) we read, honouring `.gitignore`,
/// `.ignore` and the excludes, skipping build output and links.
fn walk(dir: &Path, excludes: &ignore::overrides::Override, out: &mut Vec<PathBuf>) {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .overrides(excludes.clone())
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir()) && SKIP_DIRS.iter().any(|s| e.file_name() == *s))
        });
    for entry in builder.build().filter_map(Result::ok) {
        if out.len() >= MAX_FILES {
            return;
        }
        if entry.file_type().is_some_and(|t| t.is_file()) && wanted(entry.path()) {
            out.push(entry.path().to_path_buf());
        }
    }
}

/// Whether a file is a template or Terraform file that declares a state
/// machine (read cheaply, by text).
fn declares_state_machine(path: &Path, text: &str) -> bool {
    let name = path_string(path).to_ascii_lowercase();
    let template_like = [".yaml", ".yml", ".json", ".template", ".tf"]
        .iter()
        .any(|e| name.ends_with(e));
    template_like && classify::declares_state_machine(text)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && wanted(p))
        .collect();
    out.sort();
    out
}

pub fn excludes(root: &Path, globs: &[String]) -> Result<ignore::overrides::Override, String> {
    let mut builder = ignore::overrides::OverrideBuilder::new(root);
    for glob in globs {
        builder
            .add(&format!("!{glob}"))
            .map_err(|e| format!("--exclude {glob}: {e}"))?;
    }
    builder.build().map_err(|e| format!("--exclude: {e}"))
}

/// Loads the named paths (absolute, canonical). An error names the named
/// path that cannot be read and why (exit 2).
pub fn load(paths: &[PathBuf], config: Option<&Path>, exclude: &[String]) -> Result<Loaded, String> {
    load_with(paths, config, exclude, None)
}

/// A document read from standard input, analysed as if it were at `path`
/// (absolute; the file need not exist): its text replaces the file's.
pub struct Stdin {
    pub path: PathBuf,
    pub text: String,
}

/// [`load`], with one named path's text coming from standard input.
pub fn load_with(
    paths: &[PathBuf],
    config: Option<&Path>,
    exclude: &[String],
    stdin: Option<&Stdin>,
) -> Result<Loaded, String> {
    let root = project_root(paths);
    let excludes = excludes(&root, exclude)?;
    let mut reader = Reader {
        root: root.clone(),
        files: FileSet::new(),
        skipped: Vec::new(),
        read_only: BTreeSet::new(),
    };
    if let Some(stdin) = stdin {
        // Read first: a lookup of its path finds this text, not the disk's.
        reader
            .files
            .insert(&path_string(&stdin.path), stdin.text.clone(), None);
    }
    let mut named = Vec::new();
    let mut context = Vec::new();
    for path in paths {
        let from_stdin = stdin.filter(|s| &s.path == path);
        let is_dir = match from_stdin {
            Some(_) => false,
            None => std::fs::metadata(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .is_dir(),
        };
        if is_dir {
            walk(path, &excludes, &mut named);
        } else {
            // A named file that cannot be read is a usage error, said once.
            let text = match from_stdin {
                Some(stdin) => stdin.text.clone(),
                None => read_text(path).map_err(|reason| {
                    format!(
                        "cannot check {}: {reason}",
                        crate::cli::output::display_path(&path_string(path))
                    )
                })?,
            };
            named.push(path.clone());
            if declares_state_machine(path, &text) {
                // A template's definitions (`DefinitionUri`, `file()`) live
                // in folders below it.
                if let Some(parent) = path.parent() {
                    walk(parent, &excludes, &mut context);
                }
            } else {
                // Convention links a definition to files beside it; a
                // template one folder up may own it (`statemachine/*.asl.json`).
                for dir in path
                    .parent()
                    .into_iter()
                    .chain(path.parent().and_then(Path::parent))
                {
                    if dir.starts_with(&root) {
                        context.extend(files_in(dir));
                    }
                }
            }
        }
        if config.is_none() {
            // `.asl-lsp.json` files above the path, up to the project root.
            let start = if is_dir {
                Some(path.as_path())
            } else {
                path.parent()
            };
            for dir in start.into_iter().flat_map(Path::ancestors) {
                if !dir.starts_with(&root) {
                    break;
                }
                let candidate = dir.join(".asl-lsp.json");
                if candidate.is_file() {
                    context.push(candidate);
                }
            }
        }
    }
    let mut focus = Vec::new();
    for path in &named {
        if let Some(id) = reader.read(path) {
            focus.push(id);
        }
    }
    if config.is_some() {
        // `--config` replaces discovery: no `.asl-lsp.json` beside the files either.
        let is_config =
            |p: &PathBuf| classify::kind_by_name(&path_string(p)) == Some(classify::FileKind::Config);
        named.retain(|p| !is_config(p));
        context.retain(|p| !is_config(p));
    }
    for path in &context {
        if let Some(id) = reader.read(path) {
            // The configs that govern the named files are checked with them.
            if classify::kind_by_name(reader.files.path(id)) == Some(classify::FileKind::Config) {
                focus.push(id);
            }
        }
    }
    if let Some(config) = config {
        let text =
            read_text(config).map_err(|reason| format!("cannot read {}: {reason}", config.display()))?;
        // It governs the files below the folder it is filed under: its own
        // when that holds every path checked (its paths stay relative to
        // it), else the project root.
        let own = config.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if paths.iter().all(|p| p.starts_with(&own)) {
            own
        } else {
            root.clone()
        };
        let dir = path_string(&dir);
        let id = reader.files.insert(&format!("{dir}/.asl-lsp.json"), text, None);
        if !focus.contains(&id) {
            focus.push(id);
        }
    }
    // Files a config names that the walk did not reach: read when inside
    // the project, reported (not read) when outside.
    let configs: Vec<FileId> = reader
        .files
        .ids()
        .filter(|&id| classify::kind_by_name(reader.files.path(id)) == Some(classify::FileKind::Config))
        .collect();
    let mut outside = Vec::new();
    for config in configs {
        let referenced = referenced_by_config(reader.files.path(config), reader.files.text(config));
        for path in referenced {
            if reader.inside(Path::new(&path)) {
                reader.read(Path::new(&path));
            } else {
                outside.push((config, path));
            }
        }
    }
    // Definition files a template names that no walk reached
    // (`DefinitionUri: ../defs/flow.asl.json`): read when inside the
    // project; otherwise the template's finding says why they went unread.
    for path in crate::core::template::missing_definition_files(&reader.files) {
        let at = Path::new(&path);
        if !reader.inside(at) {
            reader.files.mark_unread(&path, "it is outside the project root");
            continue;
        }
        if at.is_file() && reader.read(at).is_none() {
            if let Some((_, reason)) = reader.skipped.iter().find(|(p, _)| *p == path) {
                let reason = reason.clone();
                reader.files.mark_unread(&path, &reason);
            }
        }
    }
    focus.sort();
    focus.dedup();
    Ok(Loaded {
        files: reader.files,
        focus,
        root,
        skipped: reader.skipped,
        outside,
        read_only: reader.read_only,
    })
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
