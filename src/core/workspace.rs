//! The parse table: every file of the set classified and parsed once, its
//! tree shared by everything that reads it; and the parses kept between
//! runs.

use std::collections::HashMap;
use std::sync::Arc;

use crate::core::classify::{self, FileKind, Format};
use crate::core::files::{FileId, FileSet};
use crate::core::syntax::{self, Node, Parsed};
use crate::core::unit::Defaults;

/// Parses kept from one run to the next (the server keeps one): a file
/// whose text has not changed is not parsed again, so while the user types
/// in a definition its policies are parsed once. Bounded: past
/// `CACHE_FILES` entries the least recently used go.
#[derive(Default)]
pub struct Parses {
    entries: std::sync::Mutex<CacheEntries>,
}

#[derive(Default)]
struct CacheEntries {
    by_path: HashMap<String, CachedParse>,
    clock: u64,
}

struct CachedParse {
    text: Arc<str>,
    parsed: Option<Arc<Parsed>>,
    root: Option<Arc<Node>>,
    used: u64,
}

pub(crate) const CACHE_FILES: usize = 512;

type CacheHit = (Option<Arc<Parsed>>, Option<Arc<Node>>);

impl Parses {
    pub(crate) fn get(&self, path: &str, text: &Arc<str>) -> Option<CacheHit> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let clock = entries.clock;
        let entry = entries.by_path.get_mut(path)?;
        // The same snapshot shares the `Arc`; an equal text read again does not.
        if !Arc::ptr_eq(&entry.text, text) && *entry.text != **text {
            return None;
        }
        entry.used = clock;
        Some((entry.parsed.clone(), entry.root.clone()))
    }

    pub(crate) fn put(
        &self,
        path: &str,
        text: &Arc<str>,
        parsed: Option<Arc<Parsed>>,
        root: Option<Arc<Node>>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let used = entries.clock;
        if entries.by_path.len() >= CACHE_FILES && !entries.by_path.contains_key(path) {
            let oldest = entries
                .by_path
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(p, _)| p.clone());
            if let Some(oldest) = oldest {
                entries.by_path.remove(&oldest);
            }
        }
        let replaced = entries.by_path.insert(
            path.to_string(),
            CachedParse {
                text: text.clone(),
                parsed,
                root,
                used,
            },
        );
        drop(entries);
        // Freeing the previous tree of a large file takes as long as a rule:
        // it happens beside the analysis, not before its results.
        if let Some(replaced) = replaced {
            rayon::spawn(move || drop(replaced));
        }
    }

    /// The tree of `path` brought up to date with `text` by re-reading
    /// only the value an edit touched (`syntax::json::reparse`), when the
    /// kept parse was clean and nothing else holds its tree any more (it
    /// is then changed in place, not copied).
    pub(crate) fn edited_tree(&self, path: &str, text: &str) -> Option<Node> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.by_path.get(path)?;
        let clean = entry
            .parsed
            .as_ref()
            .is_some_and(|p| p.errors.is_empty() && p.comments.is_empty());
        if !clean || entry.root.as_ref().is_none_or(|r| Arc::strong_count(r) != 1) {
            return None;
        }
        let entry = entries.by_path.remove(path)?;
        drop(entries);
        let mut tree = Arc::try_unwrap(entry.root?).ok()?;
        if syntax::json::reparse(&entry.text, text, &mut tree) {
            Some(tree)
        } else {
            rayon::spawn(move || drop(tree));
            None
        }
    }

    /// Drops the parse of a file that is gone.
    pub fn forget(&self, path: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let removed = entries.by_path.remove(path);
        drop(entries);
        if let Some(removed) = removed {
            rayon::spawn(move || drop(removed));
        }
    }

    /// How many files' parses are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.by_path.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Parsed files and what they are; built once per analysis run.
pub struct Workspace<'f> {
    pub files: &'f FileSet,
    /// Where parses are kept between runs, if anywhere.
    pub parses: Option<&'f Parses>,
    pub defaults: Defaults,
    /// Each file's parse (its tree moved to `roots`).
    parsed: Vec<Option<Arc<Parsed>>>,
    /// Each parsed tree, shared with the units that use it.
    roots: Vec<Option<Arc<Node>>>,
    kinds: Vec<FileKind>,
}

impl<'f> Workspace<'f> {
    pub fn new(files: &'f FileSet) -> Self {
        Workspace::cached(files, None)
    }

    /// Parses every file, taking unchanged ones from `cache` (and leaving
    /// this run's parses there for the next).
    pub fn cached(files: &'f FileSet, cache: Option<&'f Parses>) -> Self {
        use rayon::prelude::*;
        let ids: Vec<FileId> = files.ids().collect();
        let parses: Vec<(FileKind, CacheHit)> = ids
            .par_iter()
            .map(|&id| {
                let path = files.path(id);
                let text = &files.get(id).text;
                let by_name = classify::kind_by_name(path);
                let format = match by_name {
                    Some(FileKind::Definition(f)) => Some(f),
                    Some(FileKind::Config) => Some(Format::Json),
                    Some(FileKind::Terraform) => Some(Format::Hcl),
                    _ => classify::format_of(path),
                };
                let (parsed, root) = match cache.and_then(|c| c.get(path, text)) {
                    Some(hit) => hit,
                    None => {
                        let edited = match (format, cache) {
                            (Some(Format::Json), Some(cache)) => cache.edited_tree(path, text),
                            _ => None,
                        };
                        let mut parsed = match edited {
                            Some(root) => Some(Parsed {
                                root: Some(root),
                                ..Parsed::default()
                            }),
                            None => format.map(|f| match f {
                                Format::Json => syntax::json::parse(text),
                                Format::Yaml => syntax::yaml::parse(text),
                                Format::Hcl => syntax::hcl::parse(text),
                            }),
                        };
                        let root = parsed.as_mut().and_then(|p| p.root.take()).map(Arc::new);
                        let parsed = parsed.map(Arc::new);
                        if let Some(cache) = cache {
                            cache.put(path, text, parsed.clone(), root.clone());
                        }
                        (parsed, root)
                    }
                };
                let kind = match (by_name, &root, format) {
                    (Some(kind), _, _) => kind,
                    (None, Some(root), Some(f)) => classify::kind_by_content(f, root),
                    _ => FileKind::Other,
                };
                (kind, (parsed, root))
            })
            .collect();
        let mut kinds = Vec::with_capacity(parses.len());
        let mut parsed = Vec::with_capacity(parses.len());
        let mut roots = Vec::with_capacity(parses.len());
        for (kind, (p, root)) in parses {
            kinds.push(kind);
            parsed.push(p);
            roots.push(root);
        }
        Workspace {
            files,
            parses: cache,
            defaults: Defaults::default(),
            parsed,
            roots,
            kinds,
        }
    }

    pub fn with_defaults(files: &'f FileSet, defaults: Defaults) -> Self {
        Workspace {
            defaults,
            ..Workspace::new(files)
        }
    }

    pub fn kind(&self, file: FileId) -> FileKind {
        self.kinds[file.0 as usize]
    }

    pub fn parsed(&self, file: FileId) -> Option<&Parsed> {
        self.parsed[file.0 as usize].as_deref()
    }

    pub fn root(&self, file: FileId) -> Option<&Node> {
        self.roots[file.0 as usize].as_deref()
    }

    pub fn shared_root(&self, file: FileId) -> Option<Arc<Node>> {
        self.roots[file.0 as usize].clone()
    }
}
