use asl_lsp::core::analysis::Workspace;
use asl_lsp::core::asl::StateMachine;
use asl_lsp::core::files::FileSet;
use asl_lsp::core::rules::permissions::Context;
#[test]
fn probe() {
    let dir = std::env::var("PROBE").unwrap();
    let mut files = FileSet::new();
    for entry in walk(std::path::Path::new(&dir)) {
        if let Ok(t) = std::fs::read_to_string(&entry) {
            files.insert(&entry.to_string_lossy(), t, None);
        }
    }
    let ws = Workspace::new(&files);
    for unit in ws.units().0 {
        for p in &unit.policies {
            eprintln!("POLICY {}", serde_json::to_string(&p.root.to_json()).unwrap());
        }
        let m = StateMachine::lower(&unit.definition.root);
        let ctx = Context::new(&files, &unit, &m);
        for (_, _, p) in ctx.all_pairs() {
            eprintln!(
                "PAIR {} {} {:?}",
                p.action,
                p.resource,
                matches!(p.decision, asl_lsp::core::iam::Decision::Allowed { .. })
            );
        }
    }
    panic!();
}
fn walk(d: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}
