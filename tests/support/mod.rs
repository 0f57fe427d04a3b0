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
