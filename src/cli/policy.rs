//! `asl-lsp policy DEFINITION`: the least-privilege role policy.

use crate::cli::{load, PolicyArgs, EXIT_CLEAN, EXIT_USAGE};
use crate::core::link::least_privilege;

pub fn policy(args: &PolicyArgs) -> u8 {
    let path = match load::absolute(&args.definition) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("asl-lsp: {message}");
            return EXIT_USAGE;
        }
    };
    let loaded = match load::load(std::slice::from_ref(&path), None, &[]) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("asl-lsp: {message}");
            return EXIT_USAGE;
        }
    };
    let key = path.to_string_lossy().replace('\\', "/");
    let Some(id) = loaded.files.lookup(&key) else {
        eprintln!("asl-lsp: cannot read {}", path.display());
        return EXIT_USAGE;
    };
    match least_privilege(&loaded.files, id) {
        Some(policy) => {
            println!("{}", serde_json::to_string_pretty(&policy).unwrap_or_default());
            EXIT_CLEAN
        }
        None => {
            eprintln!("asl-lsp: {} is not a state machine definition", path.display());
            EXIT_USAGE
        }
    }
}
