//! `check -` with `--stdin-filename PATH`: the document comes from standard
//! input and is analysed as if it were at PATH, linked to the files beside
//! PATH on disk as usual. The editor or hook piping it in gets the findings
//! for PATH; with `--fix`, the fixed document on standard output.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cli::load::{self, Stdin, MAX_FILE_BYTES};
use crate::cli::CheckArgs;

/// The document standard input holds, when the arguments ask for it.
pub fn document(args: &CheckArgs) -> Result<Option<Stdin>, String> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    let Some(name) = &args.stdin_filename else {
        if dash {
            return Err(
                "checking standard input (`-`) needs --stdin-filename PATH, the path it is checked as".into(),
            );
        }
        return Ok(None);
    };
    if args.paths.len() > 1 || (!dash && !args.paths.is_empty()) {
        return Err("--stdin-filename checks standard input alone: give `-` as the only path".into());
    }
    let path = as_if_at(name)?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "cannot check standard input: larger than {MAX_FILE_BYTES} bytes (8 MiB)"
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("cannot check standard input: UTF-16 text; send it as UTF-8".into());
    }
    let text =
        String::from_utf8(bytes).map_err(|_| "cannot check standard input: not UTF-8 text".to_string())?;
    Ok(Some(Stdin { path, text }))
}

/// The absolute path the document is checked as. The file need not exist
/// (a buffer not saved yet), but its folder must: links are found there.
fn as_if_at(name: &Path) -> Result<PathBuf, String> {
    if name.is_dir() {
        return Err(format!("--stdin-filename {}: is a folder", name.display()));
    }
    if std::fs::symlink_metadata(name).is_ok() {
        return load::absolute(name);
    }
    let absolute =
        std::path::absolute(name).map_err(|e| format!("--stdin-filename {}: {e}", name.display()))?;
    let (Some(dir), Some(file)) = (absolute.parent(), absolute.file_name()) else {
        return Err(format!("--stdin-filename {}: not a file name", name.display()));
    };
    let dir = std::fs::canonicalize(dir).map_err(|e| {
        format!(
            "--stdin-filename {}: its folder cannot be read: {e}",
            name.display()
        )
    })?;
    Ok(dir.join(file))
}
