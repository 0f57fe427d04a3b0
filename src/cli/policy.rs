//! `asl-lsp policy PATH`: the least-privilege role policy of a definition,
//! or of each state machine of a template or Terraform module, as JSON,
//! YAML or HCL.

use std::path::Path;

use crate::cli::policy_format::{self, Dialect, Named};
use crate::cli::{load, PolicyArgs, EXIT_CLEAN, EXIT_USAGE};
use crate::core::asl::StateMachine;
use crate::core::classify::FileKind;
use crate::core::files::{FileId, FileSet};
use crate::core::link::{least_privilege, units};
use crate::core::permissions::context::Context;
use crate::core::permissions::policy::policy_document;
use crate::core::workspace::Workspace;

pub fn policy(args: &PolicyArgs) -> u8 {
    match run(args) {
        Ok(text) => {
            print!("{text}");
            EXIT_CLEAN
        }
        Err(message) => {
            eprintln!("asl-lsp: {message}");
            EXIT_USAGE
        }
    }
}

fn run(args: &PolicyArgs) -> Result<String, String> {
    let path = load::absolute(&args.definition)?;
    let loaded = load::load(std::slice::from_ref(&path), None, &[])?;
    let shown = crate::cli::output::display_path(&load::path_string(&path));
    let policies = if path.is_dir() {
        // A folder (a Terraform module, a project): every state machine
        // declared in the files found there.
        machines(&loaded.files, &loaded.focus)
    } else {
        let key = load::path_string(&path);
        let id = loaded
            .files
            .lookup(&key)
            .ok_or_else(|| format!("cannot read {shown}"))?;
        match Workspace::new(&loaded.files).kind(id) {
            FileKind::Template(_) | FileKind::Terraform => machines(&loaded.files, &[id]),
            _ => {
                let document = least_privilege(&loaded.files, id)
                    .ok_or_else(|| format!("{shown} is not a state machine definition"))?;
                let name = stem(&key);
                return Ok(policy_format::single(&name, &document, args.format));
            }
        }
    };
    if policies.is_empty() {
        return Err(format!("{shown} declares no state machine"));
    }
    Ok(policy_format::many(&policies, args.format))
}

/// The file name without `.asl.json`/`.asl.yaml`/`.json`...: a standalone
/// policy's name.
fn stem(path: &str) -> String {
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    for suffix in [".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"] {
        if lower.ends_with(suffix) {
            return name[..name.len() - suffix.len()].to_string();
        }
    }
    name
}

/// The policy of every state machine declared in (or read from) `files`,
/// in the order of their names: a template's logical id, a Terraform
/// resource address.
fn machines(set: &FileSet, files: &[FileId]) -> Vec<Named> {
    let workspace = Workspace::new(set);
    let mut out: Vec<Named> = Vec::new();
    for unit in units(&workspace).0 {
        let Some(machine) = &unit.machine else { continue };
        let declared_here =
            files.contains(&machine.file) || machine.sources.iter().any(|s| files.contains(s));
        if !declared_here {
            continue;
        }
        let lowered = StateMachine::lower(&unit.definition.root);
        let ctx = Context::new(set, &unit, &lowered);
        let dialect = match workspace.kind(machine.file) {
            FileKind::Terraform => Dialect::Terraform,
            _ => Dialect::CloudFormation,
        };
        out.push(Named {
            name: machine.logical_id.clone(),
            // The template's own references: `!GetAtt`/`!Sub` forms, or
            // Terraform expressions and data sources.
            document: machine.encoder.encode(&policy_document(&ctx)),
            dialect,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}
