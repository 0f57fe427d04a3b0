//! `asl-lsp policy` for single integrations whose resources come from
//! their arguments.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn policy(fixture: &str, args: &[&str]) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(fixture);
    let output = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
        .arg("policy")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Each entry's bus: a static name in the account and region, `default`
/// when absent, an ARN as written, and the wildcard form only for the entry
/// whose bus comes from the input; a dynamic `Detail` changes nothing.
#[test]
fn put_events_is_scoped_per_entry() {
    insta::assert_snapshot!(serde_json::to_string_pretty(&policy("put-events.asl.json", &[])).unwrap());
}
