use asl_lsp::core::analysis::Workspace;
use asl_lsp::core::files::FileSet;
#[test]
fn dump() {
    let Some(dir) = std::env::var_os("TFDUMP") else {
        return;
    };
    let mut files = FileSet::new();
    let mut stack = vec![std::path::PathBuf::from(&dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.to_string_lossy().to_string();
            if [".json", ".tf", ".yaml"].iter().any(|x| name.ends_with(x)) {
                files.insert(&name, std::fs::read_to_string(&p).unwrap(), None);
            }
        }
    }
    let ws = Workspace::new(&files);
    let (units, _) = ws.units();
    for u in &units {
        println!("UNIT {}", files.path(u.definition.file));
        let mut stack = vec![(*u.definition.root).clone()];
        while let Some(n) = stack.pop() {
            match &n.kind {
                asl_lsp::core::syntax::NodeKind::String(s) if s.contains("${") => println!("  def {s}"),
                asl_lsp::core::syntax::NodeKind::Object(m) => stack.extend(m.iter().map(|m| m.value.clone())),
                asl_lsp::core::syntax::NodeKind::Array(a) => stack.extend(a.iter().cloned()),
                _ => {}
            }
        }
        for p in &u.policies {
            let j = serde_json::to_string(&p.root.to_json()).unwrap();
            for part in j.split('"').filter(|s| s.contains("${")) {
                println!("  pol {part}");
            }
        }
    }
}
