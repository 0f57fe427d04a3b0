//! Every input a fuzz target crashed on, replayed through that target's
//! checks in the ordinary test run: `tests/fixtures/fuzz/TARGET/NAME` is
//! one input of target TARGET (see scripts/fuzz.sh and fuzz/src/targets.rs).

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz;

use std::path::Path;

#[test]
fn inputs_that_crashed_a_fuzz_target_pass_its_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut replayed = 0;
    let mut targets: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    targets.sort();
    for target in targets {
        let name = target.file_name().unwrap().to_string_lossy().to_string();
        let mut inputs: Vec<_> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let known = std::panic::catch_unwind(|| fuzz::targets::run(&name, &data))
                .unwrap_or_else(|_| panic!("{} fails target {name}", input.display()));
            assert!(known, "tests/fixtures/fuzz/{name}: no such fuzz target");
            replayed += 1;
        }
    }
    assert!(replayed >= 3, "only {replayed} inputs replayed");
}
