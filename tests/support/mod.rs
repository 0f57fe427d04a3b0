#![allow(dead_code)]
pub mod lsp;
pub mod lsp_workspace;
pub mod render;

use std::path::{Path, PathBuf};

/// Every file below `dir`, sorted (a stable order for snapshots).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    let mut paths = Vec::new();
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// `shared/corpus/<name>` beside the crate or beside one of its ancestors
/// (a git worktree sits deeper than the main checkout). When it is absent
/// (a plain clone) the caller skips its test: this says so loudly, naming
/// what is missing, on stderr and stdout so `cargo test` shows it.
pub fn shared_corpus(name: &str) -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/corpus").join(name))
        .find(|dir| dir.is_dir());
    if found.is_none() {
        let message = format!(
            "SKIPPED: this test needs the shared corpus `shared/corpus/{name}` beside the crate \
             (or beside one of its parent folders), and it is not there"
        );
        eprintln!("{message}");
        println!("{message}");
    }
    found
}
