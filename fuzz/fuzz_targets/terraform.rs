//! The Terraform reader: one `.tf` file through the whole analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = asl_lsp_fuzz::one("/w/main.tf", data);
    let _ = asl_lsp::core::analyze(&files, None);
});
