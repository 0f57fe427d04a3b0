//! The files an analysis sees. The caller (CLI or server) reads them from
//! disk or from the editor and hands them over; the core never does I/O.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct FileId(pub u32);

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Absolute path with `/` separators.
    pub path: String,
    pub text: Arc<str>,
    /// The editor's version of an open document; `None` for disk contents.
    pub version: Option<i32>,
}

#[derive(Clone, Debug, Default)]
pub struct FileSet {
    files: Vec<SourceFile>,
    by_path: HashMap<String, FileId>,
    /// Paths deliberately not read (outside the project root, too large),
    /// with the reason: a template naming one is told why its definition
    /// went unchecked, not that it is missing.
    unread: BTreeMap<String, String>,
}

impl FileSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file, or replaces the text of the file already at `path`.
    pub fn insert(&mut self, path: &str, text: impl Into<Arc<str>>, version: Option<i32>) -> FileId {
        let path = normalize(path);
        let text: Arc<str> = text.into();
        crate::core::lines::remember(&text);
        let file = SourceFile {
            path: path.clone(),
            text,
            version,
        };
        if let Some(&id) = self.by_path.get(&path) {
            self.files[id.0 as usize] = file;
            return id;
        }
        let id = FileId(self.files.len() as u32);
        self.files.push(file);
        self.by_path.insert(path, id);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].text
    }

    pub fn path(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].path
    }

    pub fn lookup(&self, path: &str) -> Option<FileId> {
        self.by_path.get(&normalize(path)).copied()
    }

    /// Records that the file at `path` was not read on purpose, and why.
    pub fn mark_unread(&mut self, path: &str, reason: &str) {
        self.unread.insert(normalize(path), reason.to_string());
    }

    /// Why the file at `path` was not read, if it was left unread on purpose.
    pub fn unread_reason(&self, path: &str) -> Option<&str> {
        self.unread.get(&normalize(path)).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len() as u32).map(FileId)
    }
}

/// The folder part of a path (`/a/b/c.json` → `/a/b`).
pub fn parent_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Joins a relative path onto a folder and resolves `.` and `..`.
pub fn join(dir: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return normalize(relative);
    }
    normalize(&format!("{}/{}", dir.trim_end_matches('/'), relative))
}

/// `/`-separated, no `.` or `..` segments, no doubled or trailing slash.
pub fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_and_join() {
        assert_eq!(join("/w/a", "../b/./c.json"), "/w/b/c.json");
        assert_eq!(parent_dir("/w/b/c.json"), "/w/b");
        assert_eq!(file_name("/w/b/c.json"), "c.json");
        assert_eq!(normalize("C:\\x\\y"), "C:/x/y");
    }

    #[test]
    fn insert_replaces_by_path() {
        let mut files = FileSet::new();
        let a = files.insert("/w/a.json", "1", None);
        let b = files.insert("/w/./a.json", "2", Some(3));
        assert_eq!(a, b);
        assert_eq!(files.text(a), "2");
        assert_eq!(files.len(), 1);
    }
}
