//! The CloudFormation / SAM template reader: one template, YAML or JSON
//! (a first byte `J` chooses JSON, any other YAML), through the whole analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let path = if *first == b'J' {
        "/w/template.json"
    } else {
        "/w/template.yaml"
    };
    let files = asl_lsp_fuzz::one(path, rest);
    let _ = asl_lsp::core::analyze(&files, None);
});
