//! The Terraform reader: one `.tf` file through the whole analysis.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::terraform(data));
